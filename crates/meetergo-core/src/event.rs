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

use chrono::{DateTime, FixedOffset};
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserializer, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::{ErrorReport, PayloadError, PayloadErrorKind, ValidationError};
use crate::event_type::EventType;
use crate::idempotency;
use crate::open_struct::{Key, error_path, numeric_ids, open_struct};
use crate::secret::{RedactedMap, Secret, is_secret_key};
use crate::text::{self, Str};

/// The ids of a booking (see [`Event::ID_PATHS`]).
const BOOKING_ID_PATHS: &[&str] = &[
    "id",
    "attendees[].id",
    "hosts[].id",
    "hostIds[]",
    "meetingType.id",
    "meetingTypeId",
    "companyId",
];

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

    /// Sets [`ParseOptions::max_body_bytes`] from a number given by a binding (a JavaScript number, a Python
    /// argument): a whole number of bytes up to `u32::MAX`, or a [`ValidationError`] naming `field`.
    pub fn max_body_bytes_number(self, limit: f64, field: &str) -> Result<Self, ValidationError> {
        let limit = crate::validate::whole_number(limit, field, u32::MAX)?;
        Ok(self.max_body_bytes(usize::try_from(limit).unwrap_or(usize::MAX)))
    }
}

open_struct! {
    /// A person who booked the appointment.
    pub struct Attendee {
        /// meetergo's id of the attendee (an integer id is read as its decimal string).
        id: Option<Str> = "id"; id,
        /// E-mail address.
        email: Option<Str> = "email",
        /// Given name.
        firstname: Option<Str> = "firstname",
        /// Family name.
        lastname: Option<Str> = "lastname",
        /// Full name.
        fullname: Option<Str> = "fullname",
        /// Phone number.
        phone: Option<Str> = "phone",
        /// IANA time zone, e.g. `Europe/Berlin`.
        timezone: Option<Str> = "timezone",
        /// Language code.
        language: Option<Str> = "language",
    }
}

open_struct! {
    /// A host of the appointment (a meetergo user).
    pub struct Host {
        /// meetergo's user id (an integer id is read as its decimal string).
        id: Option<Str> = "id"; id,
        /// E-mail address.
        email: Option<Str> = "email",
        /// Given name.
        given_name: Option<Str> = "givenName",
        /// Family name.
        family_name: Option<Str> = "familyName",
        /// Full name.
        full_name: Option<Str> = "fullName",
        /// The host's booking-page slug.
        slug: Option<Str> = "slug",
        /// URL of the host's picture.
        picture: Option<Str> = "picture",
    }
}

open_struct! {
    /// Where the meeting happens.
    pub struct MeetingInfo {
        /// The channel: `zoom` in meetergo's documented example; meetergo's own tools also name `google`, `local`,
        /// `phone`, `teamsForBusiness2`, `whereby`, `webex`, `jitsi`, `custom` and others. Kept as sent.
        channel: Option<Str> = "channel",
        /// The link to join, when there is one.
        meeting_link: Option<Str> = "meetingLink",
    }
}

open_struct! {
    /// Name and duration of a meeting type.
    pub struct MeetingTypeInfo {
        /// Display name of the meeting type.
        name: Option<Str> = "name",
        /// Duration in minutes.
        duration: Option<u64> = "duration"; lenient,
    }
}

open_struct! {
    /// The meeting type (event template) that was booked.
    pub struct MeetingType {
        /// meetergo's id of the meeting type (an integer id is read as its decimal string).
        id: Option<Str> = "id"; id,
        /// URL slug.
        slug: Option<Str> = "slug",
        /// Name and duration.
        meeting_info: Option<MeetingTypeInfo> = "meetingInfo",
        /// Free-form metadata the company attached.
        metadata: Option<Map<String, Value>> = "metadata"; lenient,
    }
}

open_struct! {
    /// Cancellation details (not documented for webhooks: every field is optional and tolerant).
    pub struct Cancellation {
        /// Who or what triggered the cancellation (e.g. `attendee`, `host`).
        action_source: Option<Str> = "actionSource"; lenient,
        /// When it was cancelled.
        action_at: Option<DateTime<FixedOffset>> = "actionAt"; lenient,
        /// Who cancelled.
        action_by: Option<Str> = "actionBy"; lenient,
        /// The reason given.
        reason: Option<Str> = "reason"; lenient,
    }
}

open_struct! {
    /// An appointment: the payload of `booking_created`, `booking_cancelled` and `booking_rescheduled`.
    ///
    /// `id`, `start` and `end` are required; everything else is optional. `secret` is readable but never printed.
    pub struct Booking {
        /// The appointment's id (the basis of the idempotency key; an integer id is read as its decimal string).
        id: Str = "id"; id,
        /// A token that can cancel or reschedule the booking. `Debug` prints `[redacted]`.
        secret: Option<Secret> = "secret",
        /// Start, with the offset meetergo sent.
        start: DateTime<FixedOffset> = "start"; time,
        /// End, with the offset meetergo sent.
        end: DateTime<FixedOffset> = "end"; time,
        /// Location text, when there is one.
        location: Option<Str> = "location"; lenient,
        /// Whether the appointment is cancelled.
        is_cancelled: Option<bool> = "isCancelled",
        /// When it was last rescheduled.
        rescheduled_at: Option<DateTime<FixedOffset>> = "rescheduledAt"; time,
        /// Channel and join link.
        meeting_info: Option<MeetingInfo> = "meetingInfo",
        /// The people who booked.
        attendees: Vec<Attendee> = "attendees",
        /// The hosts.
        hosts: Vec<Host> = "hosts",
        /// The hosts' user ids.
        host_ids: Vec<Str> = "hostIds"; id,
        /// The meeting type that was booked.
        meeting_type: Option<MeetingType> = "meetingType",
        /// Its id.
        meeting_type_id: Option<Str> = "meetingTypeId"; id,
        /// The company.
        company_id: Option<Str> = "companyId"; id,
        /// When the appointment was created.
        created_at: Option<DateTime<FixedOffset>> = "createdAt"; time,
        /// When it was last changed.
        updated_at: Option<DateTime<FixedOffset>> = "updatedAt"; time,
        /// Cancellation details (`booking_cancelled`; not documented for webhooks).
        cancel: Option<Cancellation> = "cancel"; lenient,
        /// The start before a reschedule (`booking_rescheduled`; field name not documented: see
        /// [`Booking::previous_start`]).
        original_start: Option<DateTime<FixedOffset>> = "originalStart"; lenient,
    }
}

impl Booking {
    /// The start before a reschedule, from `originalStart` or, as meetergo's field name is not documented,
    /// `previousStart` / `oldStart`.
    pub fn previous_start(&self) -> Option<DateTime<FixedOffset>> {
        self.original_start.or_else(|| {
            ["previousStart", "oldStart"].iter().find_map(|k| {
                self.extra
                    .get(*k)
                    .and_then(Value::as_str)
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            })
        })
    }
}

open_struct! {
    /// `new_employee`: a user joined the company. meetergo does not document this payload: every field is optional,
    /// values of an unexpected type stay in `extra`, and the raw body is kept on the [`Event`].
    pub struct NewEmployee {
        /// The user's id.
        id: Option<Str> = "id"; lenient_id,
        /// E-mail address.
        email: Option<Str> = "email"; lenient,
        /// Given name.
        given_name: Option<Str> = "givenName"; lenient,
        /// Family name.
        family_name: Option<Str> = "familyName"; lenient,
        /// The company.
        company_id: Option<Str> = "companyId"; lenient_id,
        /// When the user was created.
        created_at: Option<DateTime<FixedOffset>> = "createdAt"; lenient,
        /// When the user was last changed.
        updated_at: Option<DateTime<FixedOffset>> = "updatedAt"; lenient,
    }
}

open_struct! {
    /// `form_submission`: a routing form or funnel was submitted. meetergo does not document this payload beyond
    /// `formId` and `submittedAt`: every field is optional and tolerant, and the raw body is kept.
    pub struct FormSubmission {
        /// The submission's id, when meetergo sends one.
        id: Option<Str> = "id"; lenient_id,
        /// The form's id.
        form_id: Option<Str> = "formId"; lenient_id,
        /// When it was submitted.
        submitted_at: Option<DateTime<FixedOffset>> = "submittedAt"; lenient,
        /// The company.
        company_id: Option<Str> = "companyId"; lenient_id,
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
    /// An id was sent as an integer (read as its string; see [`Event::ID_PATHS`]).
    numeric_ids: bool,
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
        if body.len() > options.max_body_bytes {
            return Err(PayloadError::new(
                PayloadErrorKind::TooLarge {
                    size: body.len(),
                    limit: options.max_body_bytes,
                },
                format!(
                    "the body is {} bytes; the limit is {} bytes",
                    body.len(),
                    options.max_body_bytes
                ),
            ));
        }
        let text = std::str::from_utf8(body).map_err(|e| {
            PayloadError::new(
                PayloadErrorKind::InvalidUtf8 {
                    offset: e.valid_up_to(),
                },
                format!(
                    "the body is not UTF-8 (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            )
        })?;
        Self::parse(text)
    }

    /// Parses a delivery body given as text, with the default [`ParseOptions`].
    pub fn from_json_str(body: &str) -> Result<Event, PayloadError> {
        Self::from_slice(body.as_bytes())
    }

    fn parse(text: &str) -> Result<Event, PayloadError> {
        let raw: Arc<str> = Arc::from(text.strip_prefix('\u{feff}').unwrap_or(text));
        // Strings without escapes become ranges of `raw` instead of copies (see `Str`).
        let (parsed, numeric_ids) = numeric_ids::watching(|| {
            text::sharing(&raw, || match probe_webhook_type(&raw)? {
                Some(type_name) => {
                    let webhook_type = EventType::from(type_name);
                    let data = typed_from_str(&raw, &webhook_type, "")?;
                    Ok(Self::assemble(webhook_type, data, &raw, false))
                }
                None => Self::parse_envelope(&raw),
            })
        });
        parsed.map(|event| Event {
            numeric_ids,
            ..event
        })
    }

    fn parse_envelope(raw: &Arc<str>) -> Result<Event, PayloadError> {
        /// The envelope's two members, as slices of the body: `data` is then read by the same text parser as a
        /// flat body (one parser for both shapes keeps the browser build small).
        #[derive(serde::Deserialize)]
        struct Envelope<'a> {
            #[serde(borrow, default)]
            event: Option<&'a RawValue>,
            #[serde(borrow, default)]
            data: Option<&'a RawValue>,
        }
        let text: &str = raw;
        let envelope: Envelope<'_> =
            serde_json::from_str(text).map_err(|e| json_error(&e, None))?;
        let (Some(event), Some(data)) = (envelope.event, envelope.data) else {
            return Err(PayloadError::new(
                PayloadErrorKind::MissingWebhookType,
                "the body has no `webhookType` (nor an `{\"event\": ..., \"data\": {...}}` envelope)",
            ));
        };
        let event: Value = serde_json::from_str(event.get()).map_err(|e| json_error(&e, None))?;
        let Value::String(type_name) = event else {
            return Err(invalid_type_error("event", &event));
        };
        check_type_name(&type_name, "event")?;
        let data = data.get();
        if !data.starts_with('{') {
            let found: Value = serde_json::from_str(data).map_err(|e| json_error(&e, None))?;
            return Err(PayloadError::new(
                PayloadErrorKind::InvalidField {
                    path: "data".into(),
                },
                format!("`data` must be an object, found {}", json_kind(&found)),
            ));
        }
        let webhook_type = EventType::from(type_name);
        let data = typed_from_str(data, &webhook_type, "data.")?;
        Ok(Self::assemble(webhook_type, data, raw, true))
    }

    fn assemble(webhook_type: EventType, data: EventData, raw: &str, envelope: bool) -> Event {
        Event {
            webhook_type,
            data,
            raw: raw.into(),
            envelope,
            numeric_ids: false,
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
        self.key.get_or_init(|| idempotency::key_for(self))
    }

    /// The class every runtime gives this event (`"BookingCreated"`, ..., `"UnknownEvent"`): one of
    /// [`Event::CLASS_NAMES`].
    pub fn class_name(&self) -> &'static str {
        Self::CLASS_NAMES[self.class_index()]
    }

    /// The event classes of every runtime, in a fixed order.
    pub const CLASS_NAMES: [&'static str; 6] = [
        "BookingCreated",
        "BookingCancelled",
        "BookingRescheduled",
        "NewEmployee",
        "FormSubmission",
        "UnknownEvent",
    ];

    /// Where the payload models read ids, as wire paths, by class in [`Event::CLASS_NAMES`] order: `a.b` is the
    /// field `b` of the object `a`, `list[]` every element of a list, `list[].c` the field `c` of every element.
    /// meetergo documents these ids as strings; an id sent as an integer is read as its decimal string
    /// (`"id": 1492` → `"1492"`). [`UnknownEvent`]s keep their body as sent.
    pub const ID_PATHS: [&'static [&'static str]; 6] = [
        BOOKING_ID_PATHS,
        BOOKING_ID_PATHS,
        BOOKING_ID_PATHS,
        &["id", "companyId"],
        &["id", "formId", "companyId"],
        &[],
    ];

    /// `true` when an id at one of [`Event::ID_PATHS`] was sent as an integer (and read as its string).
    pub fn has_numeric_ids(&self) -> bool {
        self.numeric_ids
    }

    fn class_index(&self) -> usize {
        match &self.data {
            EventData::BookingCreated(_) => 0,
            EventData::BookingCancelled(_) => 1,
            EventData::BookingRescheduled(_) => 2,
            EventData::NewEmployee(_) => 3,
            EventData::FormSubmission(_) => 4,
            EventData::Unknown(_) => 5,
        }
    }

    /// What the JavaScript runtimes (Node, browsers) need from a checked body, in one string (handing over one
    /// value is the cheapest crossing): the class's index in [`Event::CLASS_NAMES`], `1` for the older envelope
    /// (else `0`), `1` when an id was sent as an integer ([`Event::has_numeric_ids`]; else `0`), then the
    /// idempotency key as a JSON string literal. They build the event object with one `JSON.parse` of the body with
    /// `"idempotencyKey":<key>` appended (then, after the third flag, turn the integers at [`Event::ID_PATHS`]
    /// into strings).
    ///
    /// ```
    /// let event = meetergo_core::Event::from_slice(br#"{"webhookType":"new_employee","id":"u-1","updatedAt":"2024-01-01T00:00:00Z"}"#).unwrap();
    /// assert_eq!(event.js_summary(), r#"300"new_employee:u-1:2024-01-01T00:00:00Z""#);
    /// let event = meetergo_core::Event::from_slice(br#"{"webhookType":"new_employee","id":7,"updatedAt":"2024-01-01T00:00:00Z"}"#).unwrap();
    /// assert_eq!(event.js_summary(), r#"301"new_employee:7:2024-01-01T00:00:00Z""#);
    /// ```
    pub fn js_summary(&self) -> String {
        // The key is computed here rather than through the `OnceLock` (the event is dropped after this).
        let key = match self.key.get() {
            Some(key) => Value::String(key.clone()),
            None => Value::String(idempotency::key_for(self)),
        }
        .to_string();
        let mut out = String::with_capacity(key.len() + 3);
        out.push(char::from(b"012345"[self.class_index()]));
        out.push(if self.envelope { '1' } else { '0' });
        out.push(if self.numeric_ids { '1' } else { '0' });
        out.push_str(&key);
        out
    }

    /// What the JavaScript bindings (Node, browsers) do with a body: check it with an optional `maxBodyBytes`
    /// (a JavaScript number) and answer with [`Event::js_summary`], or with the failure as an [`ErrorReport`].
    pub fn js_check(body: &[u8], max_body_bytes: Option<f64>) -> Result<String, Box<ErrorReport>> {
        let mut options = ParseOptions::default();
        if let Some(limit) = max_body_bytes {
            options = options
                .max_body_bytes_number(limit, "maxBodyBytes")
                .map_err(|e| Box::new(ErrorReport::from(&e)))?;
        }
        Event::from_slice_with(body, &options)
            .map(|event| event.js_summary())
            .map_err(|e| Box::new(ErrorReport::from(&e)))
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

// ---------------------------------------------------------------------------------------------------------------
// Finding `webhookType` without building anything.

/// What the probe found.
enum Probed {
    Type(String),
    Invalid(Value),
}

/// Marks the early stop of the probe; never reaches a user.
const PROBE_DONE: &str = "\u{0}meetergo-probe-done";

struct ProbeVisitor<'a>(&'a mut Option<Probed>);

impl<'de> Visitor<'de> for ProbeVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == "webhookType" {
                let value: Value = map.next_value()?;
                *self.0 = Some(match value {
                    Value::String(s) => Probed::Type(s),
                    other => Probed::Invalid(other),
                });
                // Stop here: the typed parse reads the whole body anyway.
                return Err(de::Error::custom(PROBE_DONE));
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// Scans the body for `webhookType`, stopping as soon as it is found (it is usually the first key).
/// `Ok(None)`: a JSON object without `webhookType` (maybe the older envelope).
fn probe_webhook_type(text: &str) -> Result<Option<String>, PayloadError> {
    let first = text.trim_start().chars().next();
    if first != Some('{') {
        return Err(match serde_json::from_str::<IgnoredAny>(text) {
            Err(e) => json_error(&e, None),
            Ok(_) => {
                // The body is one valid JSON value: its first character says which kind. (Building a `Value` to
                // ask would fail, and report `null`, for values nested deeper than the parser allows.)
                let found = match first {
                    Some('[') => "an array",
                    Some('"') => "a string",
                    Some('t' | 'f') => "a boolean",
                    Some('n') => "null",
                    _ => "a number",
                };
                PayloadError::new(
                    PayloadErrorKind::NotAnObject,
                    format!("the body must be a JSON object, found {found}"),
                )
            }
        });
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(text);
    let result = de.deserialize_map(ProbeVisitor(&mut found));
    match (found, result) {
        (Some(Probed::Type(name)), _) => {
            check_type_name(&name, "webhookType")?;
            Ok(Some(name))
        }
        (Some(Probed::Invalid(value)), _) => Err(invalid_type_error("webhookType", &value)),
        (None, Ok(())) => de.end().map(|()| None).map_err(|e| json_error(&e, None)),
        (None, Err(e)) => Err(json_error(&e, None)),
    }
}

fn check_type_name(name: &str, field: &str) -> Result<(), PayloadError> {
    if name.trim().is_empty() {
        return Err(PayloadError::new(
            PayloadErrorKind::InvalidWebhookType,
            format!("`{field}` must be a non-empty string"),
        ));
    }
    Ok(())
}

fn invalid_type_error(field: &str, value: &Value) -> PayloadError {
    PayloadError::new(
        PayloadErrorKind::InvalidWebhookType,
        format!("`{field}` must be a string, found {}", json_kind(value)),
    )
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Typed parsing and precise errors.

/// Reads the payload model of `webhook_type` from `text`. `prefix` is prepended to the paths of wrongly typed
/// fields (`"data."` inside the older envelope).
fn typed_from_str(
    text: &str,
    webhook_type: &EventType,
    prefix: &str,
) -> Result<EventData, PayloadError> {
    let located = |inner: &serde_json::Error, path: String| {
        let path = format!("{prefix}{path}");
        let path = path.trim_end_matches('.');
        if prefix.is_empty() {
            json_error(inner, Some(path.to_owned()))
        } else {
            // serde_json's position is within `data`, not the body: leave it out.
            let mut e = json_error(inner, Some(path.to_owned()));
            if let Some(at) = e.message.rfind(" at line ") {
                e.message.truncate(at);
            }
            e
        }
    };
    dispatch(
        webhook_type,
        text,
        |t| read(t, &located),
        |t| read(t, &located),
        |t| read(t, &located),
        |t| read(t, &located),
    )
}

/// One pass: the models' visitors record the path of a failing field as the error travels up (see
/// `open_struct::error_path`), so no second parse is needed to say where, and the browser build carries one copy of
/// each model's parser.
fn read<T: DeserializeOwned>(
    text: &str,
    located: &dyn Fn(&serde_json::Error, String) -> PayloadError,
) -> Result<T, PayloadError> {
    error_path::recording(|| serde_json::from_str(text)).map_err(|(e, path)| located(&e, path))
}

/// Picks the payload model for a type. One function for both inputs so the mapping lives in one place.
fn dispatch<I>(
    webhook_type: &EventType,
    input: I,
    booking: impl FnOnce(I) -> Result<Booking, PayloadError>,
    employee: impl FnOnce(I) -> Result<NewEmployee, PayloadError>,
    form: impl FnOnce(I) -> Result<FormSubmission, PayloadError>,
    unknown: impl FnOnce(I) -> Result<Map<String, Value>, PayloadError>,
) -> Result<EventData, PayloadError> {
    // `webhookType` is the event's, not a field of the payload: it is taken out of the top-level model's `extra`.
    let booking = |input| {
        booking(input).map(|mut b| {
            b.extra.remove("webhookType");
            b
        })
    };
    Ok(match webhook_type {
        EventType::BookingCreated => EventData::BookingCreated(booking(input)?),
        EventType::BookingCancelled => EventData::BookingCancelled(booking(input)?),
        EventType::BookingRescheduled => EventData::BookingRescheduled(booking(input)?),
        EventType::NewEmployee => {
            let mut e = employee(input)?;
            e.extra.remove("webhookType");
            EventData::NewEmployee(e)
        }
        EventType::FormSubmission => {
            let mut f = form(input)?;
            f.extra.remove("webhookType");
            EventData::FormSubmission(f)
        }
        _ => {
            let mut body = unknown(input)?;
            body.remove("webhookType");
            EventData::Unknown(UnknownEvent { body })
        }
    })
}

/// Maps a serde_json error to a [`PayloadError`]. `path` is the JSON path of the offending field, when known.
fn json_error(e: &serde_json::Error, path: Option<String>) -> PayloadError {
    use serde_json::error::Category;
    let inner = e.to_string();
    match e.classify() {
        Category::Syntax | Category::Eof | Category::Io => {
            if inner.starts_with("recursion limit exceeded") {
                PayloadError::new(
                    PayloadErrorKind::TooDeep,
                    format!("the JSON nests too deeply ({inner})"),
                )
            } else {
                PayloadError::new(
                    PayloadErrorKind::InvalidJson {
                        line: e.line(),
                        column: e.column(),
                    },
                    format!("not valid JSON: {inner}"),
                )
            }
        }
        Category::Data => {
            let path = path.filter(|p| p != ".").unwrap_or_default();
            let last = path.rsplit(['.', '[']).next().unwrap_or("");
            let message = if is_secret_key(last) {
                // Never echo a secret's value, even a wrongly typed one.
                format!("`{path}` has the wrong type")
            } else if path.is_empty() {
                inner
            } else {
                format!("`{path}`: {inner}")
            };
            PayloadError::new(PayloadErrorKind::InvalidField { path }, message)
        }
    }
}
