//! Deliveries as the bindings hand them over: the event classes, a body checked with a loosely typed limit, and the
//! one string the JavaScript runtimes build their event objects from.

use meetergo_core::{Event, EventData, ParseOptions, ValidationError};

use crate::Runtime;
use crate::numbers::whole_number;
use crate::report::ErrorReport;

/// The event classes of every runtime, in a fixed order (the digit [`for_javascript`] starts with).
pub const CLASS_NAMES: [&str; 6] = [
    "BookingCreated",
    "BookingCancelled",
    "BookingRescheduled",
    "NewEmployee",
    "FormSubmission",
    "UnknownEvent",
];

/// The index of the event's class in [`CLASS_NAMES`].
pub fn class_index(event: &Event) -> usize {
    match event.data() {
        EventData::BookingCreated(_) => 0,
        EventData::BookingCancelled(_) => 1,
        EventData::BookingRescheduled(_) => 2,
        EventData::NewEmployee(_) => 3,
        EventData::FormSubmission(_) => 4,
        _ => 5,
    }
}

/// The parse options from the runtime's `max_body_bytes` / `maxBodyBytes`: a whole number of bytes up to
/// `u32::MAX`, or a [`ValidationError`] naming the option.
pub fn parse_options(
    runtime: Runtime,
    max_body_bytes: Option<f64>,
) -> Result<ParseOptions, ValidationError> {
    let options = ParseOptions::default();
    Ok(match max_body_bytes {
        None => options,
        Some(limit) => {
            let field = runtime.name("max_body_bytes", "maxBodyBytes");
            let limit = whole_number(limit, field, u32::MAX)?;
            options.max_body_bytes(usize::try_from(limit).unwrap_or(usize::MAX))
        }
    })
}

/// Parses a body with the runtime's limit option; a failure as the report every runtime raises from.
pub fn parse(
    runtime: Runtime,
    body: &[u8],
    max_body_bytes: Option<f64>,
) -> Result<Event, Box<ErrorReport>> {
    let options = parse_options(runtime, max_body_bytes).map_err(|e| Box::new((&e).into()))?;
    Event::from_slice_with(body, &options).map_err(|e| Box::new((&e).into()))
}

/// What the JavaScript runtimes (Node, browsers) receive for a parsed event, in one string (one crossing is the
/// cheapest): the class's index in [`CLASS_NAMES`] as one digit, then the core's normalized JSON of the event
/// ([`Event::to_json`], with `idempotencyKey` as its last member). One `JSON.parse` builds the event object: the
/// same fields, `null`s, ids, `extra` and key as in Rust and Python.
///
/// ```
/// let event = meetergo_core::Event::from_slice(br#"{"webhookType":"form_submission","formId":7}"#).unwrap();
/// let text = meetergo_bind::event::for_javascript(&event);
/// assert!(text.starts_with(r#"4{"webhookType":"form_submission","id":null,"formId":"7","#), "{text}");
/// assert!(text.contains(r#""extra":{},"idempotencyKey":"form_submission#sha256:"#), "{text}");
/// ```
pub fn for_javascript(event: &Event) -> String {
    let mut out = String::with_capacity(event.raw_json().len() + 512);
    out.push(char::from(b"012345"[class_index(event)]));
    event.write_json(&mut out);
    out
}
