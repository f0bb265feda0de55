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
