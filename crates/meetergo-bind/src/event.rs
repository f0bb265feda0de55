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
/// cheapest): the core's normalized JSON of the event ([`Event::to_json`], with `idempotencyKey` as its last member),
/// then as many spaces as the index of its class in [`CLASS_NAMES`]. `JSON.parse` takes the string as it is (trailing
/// whitespace is JSON), so no substring is made; one `JSON.parse` builds the event object: the same fields, `null`s,
/// ids, `extra` and key as in Rust and Python.
///
/// ```
/// let event = meetergo_core::Event::from_slice(br#"{"webhookType":"form_submission","formId":7}"#).unwrap();
/// let text = meetergo_bind::event::for_javascript(&event);
/// assert!(text.starts_with(r#"{"webhookType":"form_submission","id":null,"formId":"7","#), "{text}");
/// assert!(text.contains(r#""extra":{},"idempotencyKey":"form_submission#sha256:"#), "{text}");
/// assert!(text.ends_with("}    "), "class 4: {text:?}");
/// ```
pub fn for_javascript(event: &Event) -> String {
    let mut out = String::with_capacity(event.raw_json().len() + 512);
    event.write_json(&mut out);
    for _ in 0..class_index(event) {
        out.push(' ');
    }
    out
}

/// [`for_javascript`] with every character beyond ASCII written as a `\uXXXX` escape (the same JSON value), for Node:
/// V8 makes a one-byte string of ASCII text by copying it, while decoding UTF-8 into a two-byte string costs about ten
/// times more (`docs/benchmarks.md`). The browser build keeps UTF-8: its size budget has no room for the escaping.
///
/// ```
/// let body = r#"{"webhookType":"new_employee","givenName":"Zoë 😀"}"#;
/// let event = meetergo_core::Event::from_slice(body.as_bytes()).unwrap();
/// let text = meetergo_bind::event::for_javascript_ascii(&event);
/// assert!(text.contains(r#""givenName":"Zo\u00eb \ud83d\ude00""#), "{text}");
/// assert!(text.ends_with("}   "), "class 3: {text:?}");
/// ```
pub fn for_javascript_ascii(event: &Event) -> String {
    let out = for_javascript(event);
    if out.is_ascii() {
        out
    } else {
        escape_non_ascii(&out)
    }
}

/// `json` with every character beyond ASCII written as `\uXXXX` (two for one beyond the Basic Multilingual Plane).
/// Such characters stand only inside strings, where the escape means the same character.
fn escape_non_ascii(json: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    let mut rest = json;
    while let Some(at) = rest.bytes().position(|b| b >= 0x80) {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().unwrap_or('\u{fffd}');
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(char::from(HEX[usize::from((*unit >> shift) & 0xf)]));
            }
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}
