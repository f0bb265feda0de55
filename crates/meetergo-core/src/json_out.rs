//! Writing models as normalized JSON (see [`Event::to_json`](crate::Event::to_json)): every documented field, `null`
//! when absent, unknown fields under `extra`. A small writer of its own rather than serde's serializer: one copy of
//! the code for every model (the browser build's size) and no intermediate `Value`.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use crate::event_type::EventType;
use crate::text::Str;

/// A value written as normalized JSON.
pub(crate) trait WriteJson {
    fn write_json(&self, out: &mut String);
}

/// A model (`open_struct!`): its members without the braces, so that an event can put `webhookType` first.
pub(crate) trait Model: WriteJson {
    fn write_members(&self, out: &mut String);
}

/// A JSON string literal, escaped as serde_json escapes (`"`, `\\`, control characters). Runs without escapes are
/// found eight bytes at a time and copied whole.
#[inline(never)]
pub(crate) fn write_str(s: &str, out: &mut String) {
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip eight bytes at a time while none needs escaping.
        while let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            if needs_escape(word) {
                break;
            }
            i += 8;
        }
        let Some(&b) = bytes.get(i) else { break };
        i += 1;
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i - 1]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether one of the eight bytes of `word` is `"`, `\\` or below 0x20 (bytes of 0x80 and above never are).
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero_byte = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    (control
        | zero_byte(word ^ (ONES * u64::from(b'"')))
        | zero_byte(word ^ (ONES * u64::from(b'\\'))))
        != 0
}

/// A model's member name and its colon. Wire names need no escaping; the names are the literals the readers match
/// on, so the browser build holds each name once.
#[inline(never)]
pub(crate) fn write_key(name: &str, out: &mut String) {
    out.push('"');
    out.push_str(name);
    out.push_str("\":");
}

/// An object of values as received (`extra`, metadata).
#[inline(never)]
pub(crate) fn write_map(map: &Map<String, Value>, out: &mut String) {
    out.push('{');
    write_map_members(map, out);
    out.push('}');
}

/// The `extra` member of a model (one copy for every model).
#[inline(never)]
pub(crate) fn write_extra(map: &Map<String, Value>, out: &mut String) {
    out.push_str("\"extra\":");
    write_map(map, out);
}

/// The members of an object, comma-separated, without the braces.
pub(crate) fn write_map_members(map: &Map<String, Value>, out: &mut String) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(key, out);
        out.push(':');
        value.write_json(out);
    }
}

impl WriteJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            Value::Number(n) => out.push_str(&n.to_string()),
            Value::String(s) => write_str(s, out),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out);
                }
                out.push(']');
            }
            Value::Object(map) => write_map(map, out),
        }
    }
}

impl WriteJson for Map<String, Value> {
    fn write_json(&self, out: &mut String) {
        write_map(self, out);
    }
}

impl WriteJson for Str {
    fn write_json(&self, out: &mut String) {
        write_str(self.as_str(), out);
    }
}

impl WriteJson for String {
    fn write_json(&self, out: &mut String) {
        write_str(self, out);
    }
}

impl WriteJson for EventType {
    fn write_json(&self, out: &mut String) {
        write_str(self.as_str(), out);
    }
}

impl WriteJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl WriteJson for u64 {
    fn write_json(&self, out: &mut String) {
        // serde_json's integer printer, which the browser build has anyway (not core's `u64` formatting).
        out.push_str(&serde_json::Number::from(*self).to_string());
    }
}

impl WriteJson for DateTime<FixedOffset> {
    fn write_json(&self, out: &mut String) {
        write_str(&crate::time::rfc3339(self), out);
    }
}

impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The digests of idempotency keys and redacted bodies are written by this writer: it must write what serde_json
    /// writes (keys already handed out must not change).
    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        let mut values: Vec<Value> = vec![serde_json::json!({
            "floats": [1.5, -0.0, 0.1, 1e300, 5e-324, 9297.777777777777, 1e21, 123456789.0],
            "integers": [0, -1, 9007199254740993_u64, u64::MAX, i64::MIN],
            "strings": ["", "\"quoted\"", "back\\slash", "\u{0}\u{1f}\n\r\t\u{8}\u{c}\u{7f}", "é ✓ 😀 \u{2028}",
                "a long string, then \"a quote\" and \u{1}, é✓😀 past eight bytes\\", "exactly8", "ßßßß\n"],
            "nested": {"a": [true, false, null, {}], "": []},
        })];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/deliveries");
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            if let Ok(value) = serde_json::from_slice::<Value>(&std::fs::read(&path).expect("read"))
            {
                values.push(value);
            }
        }
        for value in values {
            let mut out = String::new();
            value.write_json(&mut out);
            assert_eq!(out, serde_json::to_string(&value).expect("json"));
        }
    }
}
