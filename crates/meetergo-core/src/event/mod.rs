//! Delivery parsing: what meetergo POSTs to a registered endpoint.
//!
//! ```
//! use meetergo_core::{Event, EventData};
//! let body = br#"{"webhookType":"booking_created","id":"appt-1","start":"2024-01-15T09:00:00+01:00",
//!                 "end":"2024-01-15T09:30:00+01:00","attendees":[{"email":"ada@example.com"}]}"#;
//! let event = Event::from_slice(body)?;
//! assert_eq!(event.webhook_type().as_str(), "booking_created");
//! if let EventData::BookingCreated(booking) = event.data() {
//!     assert_eq!(booking.attendees[0].email.as_deref(), Some("ada@example.com"));
//!     assert_eq!(booking.start.to_rfc3339(), "2024-01-15T09:00:00+01:00");
//! }
//! # Ok::<(), meetergo_core::PayloadError>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{PayloadError, PayloadErrorKind};
use crate::event_type::EventType;
use crate::idempotency;
use crate::json_out::{self, Model};
use crate::secret::RedactedMap;

#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod fast;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod lazy;
mod models;
mod parse;

#[cfg(feature = "describe")]
pub use models::PAYLOAD_MODELS;
pub use models::{
    Attendee, Booking, Cancellation, FormSubmission, Host, MeetingInfo, MeetingType,
    MeetingTypeInfo, NewEmployee,
};

/// The default limit on a delivery body: 1 MiB (meetergo's deliveries are up to about 100 KB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Options for [`Event::from_slice_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ParseOptions {
    /// Bodies larger than this are rejected with [`PayloadErrorKind::TooLarge`]. Default: 1 MiB.
    pub max_body_bytes: usize,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

impl ParseOptions {
    /// Sets [`ParseOptions::max_body_bytes`].
    #[must_use]
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }
}

/// An event of a type this SDK does not model (including the known types without a payload model:
/// `credential_error`, `review_submitted`, `review_published`, `signature_completed`). The body is kept whole.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct UnknownEvent {
    /// The body's fields (without `webhookType`).
    pub body: Map<String, Value>,
}

impl fmt::Debug for UnknownEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnknownEvent")
            .field("body", &RedactedMap(&self.body))
            .finish()
    }
}

impl Serialize for UnknownEvent {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(s)
    }
}

/// The typed payload of an [`Event`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum EventData {
    /// `booking_created`.
    BookingCreated(Booking),
    /// `booking_cancelled`.
    BookingCancelled(Booking),
    /// `booking_rescheduled`.
    BookingRescheduled(Booking),
    /// `new_employee`.
    NewEmployee(NewEmployee),
    /// `form_submission`.
    FormSubmission(FormSubmission),
    /// Any other `webhookType`; the body is kept.
    Unknown(UnknownEvent),
}

/// One delivery from meetergo, parsed: its type, its typed payload, its raw JSON and its idempotency key.
#[derive(Clone)]
pub struct Event {
    webhook_type: EventType,
    data: EventData,
    raw: Arc<str>,
    envelope: bool,
    key: OnceLock<String>,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("webhook_type", &self.webhook_type)
            .field("envelope", &self.envelope)
            .field("data", &self.data)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.webhook_type == other.webhook_type && self.data == other.data
    }
}

impl Event {
    /// Parses a delivery body with the default [`ParseOptions`] (1 MiB limit).
    pub fn from_slice(body: &[u8]) -> Result<Event, PayloadError> {
        Self::from_slice_with(body, &ParseOptions::default())
    }

    /// Parses a delivery body.
    ///
    /// Accepts meetergo's flat payload (`{"webhookType": ..., ...fields}`) and the older envelope
    /// (`{"event": ..., "data": {...}}`). Never panics; every failure is a [`PayloadError`] saying precisely why.
    pub fn from_slice_with(body: &[u8], options: &ParseOptions) -> Result<Event, PayloadError> {
        parse::parse(text_of(body, options)?)
    }

    /// The two readers behind [`Event::from_slice`], each alone: the fast one (`None` where it gives up) and the
    /// reference one. For the benchmarks and the differential fuzz target; not part of the API.
    #[doc(hidden)]
    #[cfg(not(target_arch = "wasm32"))]
    pub fn __readers(body: &str) -> (Option<Event>, Result<Event, PayloadError>) {
        let raw: Arc<str> = Arc::from(body.strip_prefix('\u{feff}').unwrap_or(body));
        (fast::parse(&raw), parse::reference(raw))
    }

    #[doc(hidden)]
    pub fn __reference(body: &str) -> Result<Event, PayloadError> {
        parse::reference(Arc::from(body.strip_prefix('\u{feff}').unwrap_or(body)))
    }

    /// Parses a delivery body given as text, with the default [`ParseOptions`].
    pub fn from_json_str(body: &str) -> Result<Event, PayloadError> {
        Self::from_slice(body.as_bytes())
    }

    pub(crate) fn assemble(
        webhook_type: EventType,
        data: EventData,
        raw: Arc<str>,
        envelope: bool,
    ) -> Event {
        Event {
            webhook_type,
            data,
            raw,
            envelope,
            key: OnceLock::new(),
        }
    }

    /// The event's type (`webhookType`, or `event` in the older envelope).
    pub fn webhook_type(&self) -> &EventType {
        &self.webhook_type
    }

    /// The typed payload.
    pub fn data(&self) -> &EventData {
        &self.data
    }

    /// The typed payload, by value.
    pub fn into_data(self) -> EventData {
        self.data
    }

    /// The appointment, for the three booking events.
    pub fn booking(&self) -> Option<&Booking> {
        match &self.data {
            EventData::BookingCreated(b)
            | EventData::BookingCancelled(b)
            | EventData::BookingRescheduled(b) => Some(b),
            _ => None,
        }
    }

    /// The event's own id, when it has one: the appointment's for bookings, the user's for `new_employee`, the
    /// submission's (else the form's) for `form_submission`, `id` (else `formId`) for other types, where a number
    /// is written out as sent (`7`).
    pub fn id(&self) -> Option<Cow<'_, str>> {
        fn non_empty(s: Option<&str>) -> Option<Cow<'_, str>> {
            s.filter(|s| !s.is_empty()).map(Cow::Borrowed)
        }
        match &self.data {
            EventData::BookingCreated(b)
            | EventData::BookingCancelled(b)
            | EventData::BookingRescheduled(b) => non_empty(Some(b.id.as_str())),
            EventData::NewEmployee(e) => non_empty(e.id.as_deref()),
            EventData::FormSubmission(f) => {
                non_empty(f.id.as_deref()).or(non_empty(f.form_id.as_deref()))
            }
            EventData::Unknown(u) => idempotency::scalar(&u.body, "id")
                .or_else(|| idempotency::scalar(&u.body, "formId"))
                .map(Cow::Owned),
        }
    }

    /// The body exactly as received (after UTF-8 decoding). It contains the booking `secret`: do not log it.
    pub fn raw_json(&self) -> &str {
        &self.raw
    }

    /// The body as a JSON value (parsed again on each call).
    pub fn raw_value(&self) -> Value {
        serde_json::from_str(&self.raw).unwrap_or(Value::Null)
    }

    /// `true` when the body used the older `{"event": ..., "data": {...}}` envelope.
    pub fn is_envelope(&self) -> bool {
        self.envelope
    }

    /// A key that is the same for every delivery of this event and different for every other event.
    ///
    /// `webhookType:id:updatedAt` (`submittedAt` for form submissions), as meetergo's documentation recommends,
    /// when those parts are present (a form submission's `formId` names the form, not the submission, so it is not
    /// used: two submissions of one form in the same instant must not collide); otherwise `webhookType#sha256:<digest of the body's canonical
    /// form>`, so that a missing part never makes two events collide. Stable across whitespace and key order.
    pub fn idempotency_key(&self) -> &str {
        self.key.get_or_init(|| self.compute_key())
    }

    fn compute_key(&self) -> String {
        idempotency::key_for(self.webhook_type.as_str(), parts(&self.data), &self.raw)
    }

    /// The event as normalized JSON, the same in every runtime: `webhookType`, then every documented field of its
    /// model under its wire name, in the model's order (`null` when absent, `[]` for an absent list; nested objects
    /// alike), ids as strings, times in RFC 3339 (`Z` for UTC), the fields this SDK does not know (or values of an
    /// unexpected type for an undocumented field) under `extra`, and last the [`Event::idempotency_key`] as
    /// `idempotencyKey`. An [`UnknownEvent`]'s body is written as received. Holds the booking `secret`: do not log it.
    ///
    /// ```
    /// let event = meetergo_core::Event::from_slice(br#"{"webhookType":"new_employee","id":7,"updatedAt":"2024-01-01T00:00:00Z","team":"ops"}"#)?;
    /// assert_eq!(
    ///     event.to_json(),
    ///     r#"{"webhookType":"new_employee","id":"7","email":null,"givenName":null,"familyName":null,"companyId":null,"createdAt":null,"updatedAt":"2024-01-01T00:00:00Z","extra":{"team":"ops"},"idempotencyKey":"new_employee:7:2024-01-01T00:00:00Z"}"#
    /// );
    /// # Ok::<(), meetergo_core::PayloadError>(())
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.raw.len() + 256);
        self.write_json(&mut out);
        out
    }

    /// Appends [`Event::to_json`] to `out`.
    pub fn write_json(&self, out: &mut String) {
        out.push_str("{\"webhookType\":");
        json_out::write_str(self.webhook_type.as_str(), out);
        match &self.data {
            EventData::BookingCreated(b)
            | EventData::BookingCancelled(b)
            | EventData::BookingRescheduled(b) => {
                out.push(',');
                b.write_members(out);
            }
            EventData::NewEmployee(e) => {
                out.push(',');
                e.write_members(out);
            }
            EventData::FormSubmission(f) => {
                out.push(',');
                f.write_members(out);
            }
            EventData::Unknown(u) if !u.body.is_empty() => {
                out.push(',');
                json_out::write_map_members(&u.body, out);
            }
            EventData::Unknown(_) => {}
        }
        out.push_str(",\"idempotencyKey\":");
        // Without the cache's lock when the key is not known yet (the event is often dropped after this).
        match self.key.get() {
            Some(key) => json_out::write_str(key, out),
            None => json_out::write_str(&self.compute_key(), out),
        }
        out.push('}');
    }

    /// The payload as JSON, with `webhookType` (the flat shape, also for envelope deliveries).
    pub fn to_value(&self) -> Value {
        let mut value = serde_json::to_value(&self.data).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut value {
            m.insert(
                "webhookType".into(),
                Value::String(self.webhook_type.as_str().to_owned()),
            );
        }
        value
    }
}

/// The body as text: within the size limit, and UTF-8.
fn text_of<'a>(body: &'a [u8], options: &ParseOptions) -> Result<&'a str, PayloadError> {
    if body.len() > options.max_body_bytes {
        return Err(too_large(body.len(), options.max_body_bytes));
    }
    std::str::from_utf8(body).map_err(|e| {
        PayloadError::new(
            PayloadErrorKind::InvalidUtf8 {
                offset: e.valid_up_to(),
            },
            format!(
                "the body is not UTF-8 (invalid byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// A body over the limit.
fn too_large(size: usize, limit: usize) -> PayloadError {
    PayloadError::new(
        PayloadErrorKind::TooLarge { size, limit },
        format!("the body is {size} bytes; the limit is {limit} bytes"),
    )
}

impl FromStr for Event {
    type Err = PayloadError;
    fn from_str(s: &str) -> Result<Event, PayloadError> {
        Event::from_json_str(s)
    }
}

impl Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

/// The `(id, timestamp)` parts of meetergo's idempotency recipe: `id` (or, for unmodelled events, `formId`),
/// `updatedAt` or `submittedAt`.
fn parts(data: &EventData) -> (Option<String>, Option<String>) {
    use idempotency::{non_empty, scalar, ts};
    match data {
        EventData::BookingCreated(b)
        | EventData::BookingCancelled(b)
        | EventData::BookingRescheduled(b) => (non_empty(Some(&b.id)), ts(b.updated_at.as_ref())),
        EventData::NewEmployee(e) => (non_empty(e.id.as_ref()), ts(e.updated_at.as_ref())),
        // `formId` names the form, not the submission: two people submitting one form in the same instant would
        // share `formId:submittedAt`. Without a submission id the body's digest is used instead.
        EventData::FormSubmission(f) => (non_empty(f.id.as_ref()), ts(f.submitted_at.as_ref())),
        EventData::Unknown(u) => (
            scalar(&u.body, "id").or_else(|| scalar(&u.body, "formId")),
            scalar(&u.body, "updatedAt").or_else(|| scalar(&u.body, "submittedAt")),
        ),
    }
}
