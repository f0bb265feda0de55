//! The open set of event types a webhook subscribes to.

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An event type meetergo delivers. Open: any value meetergo adds later is kept as [`EventType::Unknown`] and never
/// fails to parse.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EventType {
    /// `booking_created`: a new appointment was booked.
    BookingCreated,
    /// `booking_cancelled`: an appointment was cancelled (or an attendee removed from a group booking).
    BookingCancelled,
    /// `booking_rescheduled`: an appointment's time changed.
    BookingRescheduled,
    /// `new_employee`: a user was added to the company.
    NewEmployee,
    /// `form_submission`: a routing form or funnel was submitted.
    FormSubmission,
    /// `credential_error`: a connected calendar or video credential failed.
    CredentialError,
    /// `review_submitted`: a review was submitted.
    ReviewSubmitted,
    /// `review_published`: a review was published.
    ReviewPublished,
    /// `signature_completed`: a document signature was completed.
    SignatureCompleted,
    /// Any other value, kept verbatim.
    Unknown(String),
}

impl EventType {
    /// The nine event types this SDK knows, in documentation order.
    pub const KNOWN: [EventType; 9] = [
        EventType::BookingCreated,
        EventType::BookingCancelled,
        EventType::BookingRescheduled,
        EventType::NewEmployee,
        EventType::FormSubmission,
        EventType::CredentialError,
        EventType::ReviewSubmitted,
        EventType::ReviewPublished,
        EventType::SignatureCompleted,
    ];

    /// The wire spelling, e.g. `"booking_created"`.
    pub fn as_str(&self) -> &str {
        match self {
            EventType::BookingCreated => "booking_created",
            EventType::BookingCancelled => "booking_cancelled",
            EventType::BookingRescheduled => "booking_rescheduled",
            EventType::NewEmployee => "new_employee",
            EventType::FormSubmission => "form_submission",
            EventType::CredentialError => "credential_error",
            EventType::ReviewSubmitted => "review_submitted",
            EventType::ReviewPublished => "review_published",
            EventType::SignatureCompleted => "signature_completed",
            EventType::Unknown(s) => s,
        }
    }

    /// `true` for values this SDK version does not know.
    pub fn is_unknown(&self) -> bool {
        matches!(self, EventType::Unknown(_))
    }

    fn known(s: &str) -> Option<EventType> {
        Some(match s {
            "booking_created" => EventType::BookingCreated,
            "booking_cancelled" => EventType::BookingCancelled,
            "booking_rescheduled" => EventType::BookingRescheduled,
            "new_employee" => EventType::NewEmployee,
            "form_submission" => EventType::FormSubmission,
            "credential_error" => EventType::CredentialError,
            "review_submitted" => EventType::ReviewSubmitted,
            "review_published" => EventType::ReviewPublished,
            "signature_completed" => EventType::SignatureCompleted,
            _ => return None,
        })
    }
}

// Equality, order and hash go by the wire string, so `EventType::Unknown("booking_created".into())` built by hand
// equals `EventType::BookingCreated`.
impl PartialEq for EventType {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for EventType {}

impl PartialOrd for EventType {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for EventType {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for EventType {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl From<&str> for EventType {
    fn from(s: &str) -> Self {
        EventType::known(s).unwrap_or_else(|| EventType::Unknown(s.to_owned()))
    }
}

impl From<String> for EventType {
    fn from(s: String) -> Self {
        EventType::known(&s).unwrap_or(EventType::Unknown(s))
    }
}

impl From<&String> for EventType {
    fn from(s: &String) -> Self {
        EventType::from(s.as_str())
    }
}

impl From<&EventType> for EventType {
    fn from(e: &EventType) -> Self {
        e.clone()
    }
}

impl FromStr for EventType {
    type Err = Infallible;
    fn from_str(s: &str) -> Result<Self, Infallible> {
        Ok(EventType::from(s))
    }
}

impl AsRef<str> for EventType {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        Ok(match s {
            Cow::Borrowed(b) => EventType::from(b),
            Cow::Owned(o) => EventType::from(o),
        })
    }
}
