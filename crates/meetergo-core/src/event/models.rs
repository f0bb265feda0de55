//! The payload models of the deliveries meetergo documents, each described once (`open_struct!`): the Rust types,
//! their readers, their normalized JSON and the surfaces of the other runtimes all come from these declarations.

use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use serde::de::{self, MapAccess};
use serde_json::{Map, Value};

use crate::open_struct::{Accepts, Lenient, LenientSeed, open_struct};
use crate::secret::Secret;
use crate::text::Str;

open_struct! { fast:
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

open_struct! { fast:
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

open_struct! { fast:
    /// Where the meeting happens.
    pub struct MeetingInfo {
        /// The channel: `zoom` in meetergo's documented example; meetergo's own tools also name `google`, `local`,
        /// `phone`, `teamsForBusiness2`, `whereby`, `webex`, `jitsi`, `custom` and others. Kept as sent.
        channel: Option<Str> = "channel",
        /// The link to join, when there is one.
        meeting_link: Option<Str> = "meetingLink",
    }
}

open_struct! { fast:
    /// Name and duration of a meeting type.
    pub struct MeetingTypeInfo {
        /// Display name of the meeting type.
        name: Option<Str> = "name",
        /// Duration in minutes.
        duration: Option<u64> = "duration"; lenient,
    }
}

open_struct! { fast:
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

open_struct! { fast:
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

open_struct! { fast:
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
                    .and_then(|s| crate::time::parse(s).ok())
            })
        })
    }
}

open_struct! { fast:
    /// `new_employee`: a user joined the company. meetergo does not document this payload: every field is optional,
    /// values of an unexpected type stay in `extra`, and the raw body is kept on the [`Event`](crate::Event).
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

open_struct! { fast:
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

/// A cancellation object is read by its model from the body itself (no `Value` in between: its fields are lenient
/// too, and a repeated key is an error as in every model); anything else is kept as a `Value`.
impl Lenient for Option<Cancellation> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Result<Self, Value>, A::Error> {
        map.next_value_seed(LenientSeed::new())
    }
}

impl<'de> Accepts<'de> for Cancellation {
    fn object<M: MapAccess<'de>>(map: M) -> Result<Result<Option<Self>, Value>, M::Error> {
        Self::deserialize(de::value::MapAccessDeserializer::new(map)).map(|c| Ok(Some(c)))
    }
}

/// Every payload model, nested ones first (the `describe` feature: the SDK's own generators).
#[cfg(feature = "describe")]
pub const PAYLOAD_MODELS: &[crate::describe::ModelInfo] = {
    use crate::describe::Describe;
    &[
        <Attendee as Describe>::MODEL,
        <Host as Describe>::MODEL,
        <MeetingInfo as Describe>::MODEL,
        <MeetingTypeInfo as Describe>::MODEL,
        <MeetingType as Describe>::MODEL,
        <Cancellation as Describe>::MODEL,
        <Booking as Describe>::MODEL,
        <NewEmployee as Describe>::MODEL,
        <FormSubmission as Describe>::MODEL,
    ]
};
