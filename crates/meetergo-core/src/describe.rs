//! The models described as data, for the SDK's own generators (the Python and TypeScript surfaces are written from
//! these descriptions by `meetergo-bind`). Behind the `describe` feature: not part of the Rust API.

/// One model (`Attendee`, `Booking`, ...).
#[derive(Debug, Clone, Copy)]
pub struct ModelInfo {
    /// The Rust type's name, which every runtime uses.
    pub name: &'static str,
    /// The declaration's attributes as written (`doc = " ..."` lines among them).
    pub attributes: &'static [&'static str],
    /// Its documented fields, in declaration order.
    pub fields: &'static [FieldInfo],
}

/// One documented field.
#[derive(Debug, Clone, Copy)]
pub struct FieldInfo {
    /// The Rust (and Python) name: `given_name`.
    pub name: &'static str,
    /// The wire (and JavaScript) name: `givenName`.
    pub wire: &'static str,
    /// The Rust type as written: `Option<Str>`, `Vec<Attendee>`, `DateTime<FixedOffset>`.
    pub ty: &'static str,
    /// The doc comment, one line per `///`.
    pub doc: &'static str,
    /// How it is read: `""` (strictly), `id`, `time`, `lenient` or `lenient_id`.
    pub marker: &'static str,
}

/// A model with its description.
pub trait Describe {
    /// The description.
    const MODEL: ModelInfo;
}

/// Every payload model, nested ones first.
pub const PAYLOAD_MODELS: &[ModelInfo] = {
    use crate::event::*;
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

/// The webhook model (answers of the API).
pub const WEBHOOK_MODEL: ModelInfo = <crate::models::Webhook as Describe>::MODEL;
