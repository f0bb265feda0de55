//! Reading a delivery body: finding `webhookType` (or the older envelope), then the payload model, with precise
//! errors (the JSON path of a wrongly typed field, the line and column of a syntax error).

use std::fmt;
use std::sync::Arc;

use serde::Deserializer;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{Booking, Event, EventData, FormSubmission, NewEmployee, UnknownEvent};
use crate::error::{PayloadError, PayloadErrorKind};
use crate::event_type::EventType;
use crate::open_struct::{Key, error_path};
use crate::secret::is_secret_key;
use crate::text;

pub(super) fn parse(text: &str) -> Result<Event, PayloadError> {
    parse_shared(Arc::from(text.strip_prefix('\u{feff}').unwrap_or(text)))
}

/// [`parse`] of a body already shared (its BOM stripped).
pub(super) fn parse_shared(raw: Arc<str>) -> Result<Event, PayloadError> {
    // The browser build has only the reference reader (its size budget has no room for two).
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(event) = super::fast::parse(&raw) {
        return Ok(event);
    }
    reference(raw)
}

/// The reference reader: serde_json and the models' serde visitors. It reads every body the fast reader gives up
/// on, and says precisely why a malformed one is wrong.
pub(super) fn reference(raw: Arc<str>) -> Result<Event, PayloadError> {
    // Strings without escapes become ranges of `raw` instead of copies (see `Str`).
    text::sharing(&raw, || match probe_webhook_type(&raw)? {
        Some(type_name) => {
            let webhook_type = EventType::from(type_name);
            let data = typed_from_str(&raw, &webhook_type, "")?;
            Ok(Event::assemble(webhook_type, data, Arc::clone(&raw), false))
        }
        None => parse_envelope(&raw),
    })
}

fn parse_envelope(raw: &Arc<str>) -> Result<Event, PayloadError> {
    let text: &str = raw;
    let (event, data) = envelope_members(text).map_err(|e| json_error(&e, None))?;
    let (Some(event), Some(data)) = (event, data) else {
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
    Ok(Event::assemble(webhook_type, data, Arc::clone(raw), true))
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
            // A byte search: `str::rfind` with a pattern brings a 1.5 KB searcher into the browser build.
            const AT: &[u8] = b" at line ";
            if let Some(at) = e
                .message
                .as_bytes()
                .windows(AT.len())
                .rposition(|w| w == AT)
            {
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
        |t| read::<UnknownBody>(t, &located).map(|b| b.0),
    )
}

/// The body of an event of a type the SDK does not model: every member, a second `webhookType` refused (see
/// `open_struct::keep_extra`).
struct UnknownBody(Map<String, Value>);

impl<'de> serde::Deserialize<'de> for UnknownBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = UnknownBody;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UnknownBody, A::Error> {
                let mut body = Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    let value = map.next_value::<Value>()?;
                    crate::open_struct::keep_extra(&mut body, key, value)?;
                }
                Ok(UnknownBody(body))
            }
        }
        deserializer.deserialize_map(Members)
    }
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

/// Picks the payload model for a type. One function for every reader (this one and the fast one, `fast.rs`) so the
/// mapping lives in one place.
pub(super) fn dispatch<I, E>(
    webhook_type: &EventType,
    input: I,
    booking: impl FnOnce(I) -> Result<Booking, E>,
    employee: impl FnOnce(I) -> Result<NewEmployee, E>,
    form: impl FnOnce(I) -> Result<FormSubmission, E>,
    unknown: impl FnOnce(I) -> Result<Map<String, Value>, E>,
) -> Result<EventData, E> {
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

/// The envelope's two members, as slices of the body: `data` is then read by the same text parser as a flat body (one
/// parser for both shapes keeps the browser build small). A member given twice is an error, as in every model.
fn envelope_members(
    text: &str,
) -> Result<(Option<&RawValue>, Option<&RawValue>), serde_json::Error> {
    struct Members;
    impl<'de> Visitor<'de> for Members {
        type Value = (Option<&'de RawValue>, Option<&'de RawValue>);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (mut event, mut data) = (None, None);
            while let Some(key) = map.next_key::<Key<'de>>()? {
                let (slot, name) = match key.as_str() {
                    "event" => (&mut event, "event"),
                    "data" => (&mut data, "data"),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                };
                if slot.is_some() {
                    return Err(de::Error::duplicate_field(name));
                }
                *slot = Some(map.next_value::<&'de RawValue>()?);
            }
            Ok((event, data))
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let members = de.deserialize_map(Members)?;
    de.end()?;
    Ok(members)
}
