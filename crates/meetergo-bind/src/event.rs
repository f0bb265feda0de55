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

/// The largest `max_body_bytes` / `maxBodyBytes` a runtime takes: 256 MiB, the lazy reader's limit (Python's
/// `parse_event`), so that every runtime takes the same option values. meetergo's deliveries are about 100 KB.
pub const MAX_BODY_LIMIT: u32 = 256 * 1024 * 1024;

/// The parse options from the runtime's `max_body_bytes` / `maxBodyBytes`: a whole number of bytes up to
/// [`MAX_BODY_LIMIT`], or a [`ValidationError`] naming the option.
pub fn parse_options(
    runtime: Runtime,
    max_body_bytes: Option<f64>,
) -> Result<ParseOptions, ValidationError> {
    let options = ParseOptions::default();
    Ok(match max_body_bytes {
        None => options,
        Some(limit) => {
            let field = runtime.name("max_body_bytes", "maxBodyBytes");
            let limit = whole_number(limit, field, MAX_BODY_LIMIT)?;
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
    escape_non_ascii(for_javascript(event))
}

/// Where the first byte of 0x80 or above stands from `i` on (or `bytes.len()`), eight bytes at a time.
#[inline]
fn next_non_ascii(bytes: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let high = word & HIGH;
        if high != 0 {
            return i + (high.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i).is_some_and(u8::is_ascii) {
        i += 1;
    }
    i
}

/// `json` with every character beyond ASCII written as `\uXXXX` (two for one beyond the Basic Multilingual Plane);
/// `json` itself when it is ASCII. Such characters stand only inside strings, where the escape means the same
/// character. ASCII runs are found eight bytes at a time and copied whole.
fn escape_non_ascii(json: String) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = json.as_bytes();
    let mut at = next_non_ascii(bytes, 0);
    if at == bytes.len() {
        return json;
    }
    let mut out = String::with_capacity(json.len() + json.len() / 8);
    let mut start = 0;
    while at < bytes.len() {
        // `at` is where a character starts: every step before it went over whole characters.
        out.push_str(&json[start..at]);
        let c = json[at..].chars().next().unwrap_or('\u{fffd}');
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(char::from(HEX[usize::from((*unit >> shift) & 0xf)]));
            }
        }
        start = at + c.len_utf8();
        at = next_non_ascii(bytes, start);
    }
    out.push_str(&json[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::escape_non_ascii;

    #[test]
    #[cfg(not(target_arch = "wasm32"))]
    fn the_largest_limit_is_the_lazy_readers() {
        assert_eq!(
            super::MAX_BODY_LIMIT as usize,
            meetergo_core::lazy::MAX_LAZY_BODY_BYTES
        );
    }

    /// Every character beyond ASCII escaped, one character at a time.
    fn reference(json: &str) -> String {
        json.chars()
            .map(|c| {
                if c.is_ascii() {
                    c.to_string()
                } else {
                    let mut units = [0u16; 2];
                    c.encode_utf16(&mut units)
                        .iter()
                        .map(|unit| format!("\\u{unit:04x}"))
                        .collect()
                }
            })
            .collect()
    }

    #[test]
    fn non_ascii_is_escaped_wherever_it_stands() {
        let pieces = [
            "",
            "a",
            "abcdefg",
            "abcdefgh",
            "ë",
            "€",
            "😀",
            "\u{7f}",
            "\u{80}",
            "\u{ffff}",
            "\u{10ffff}",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    // Every position relative to the eight-byte words.
                    for pad in 0..9 {
                        let json = format!("{}{a}{b}x{c}{}", " ".repeat(pad), "y".repeat(pad));
                        let escaped = escape_non_ascii(json.clone());
                        assert_eq!(escaped, reference(&json), "{json:?}");
                        assert!(escaped.is_ascii());
                        let decoded: String =
                            serde_json::from_str(&format!("\"{escaped}\"")).unwrap();
                        assert_eq!(decoded, json);
                    }
                }
            }
        }
    }
}
