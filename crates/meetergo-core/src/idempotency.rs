//! Idempotency keys for deliveries.

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::text::Str;

/// Escapes the separators of a key part, so that parts can never run into each other.
fn escape(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        match c {
            '%' => out.push_str("%25"),
            ':' => out.push_str("%3A"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn ts(t: Option<&DateTime<FixedOffset>>) -> Option<String> {
    t.map(crate::time::rfc3339)
}

pub(crate) fn non_empty(s: Option<&Str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(|s| s.as_str().to_owned())
}

/// A scalar of an unmodelled body as a key part (strings and numbers only).
pub(crate) fn scalar(body: &Map<String, Value>, key: &str) -> Option<String> {
    match body.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The key of an event of type `webhook_type` with the `(id, timestamp)` parts of meetergo's recipe and the body
/// `raw`: `type:id:timestamp`, or `type#sha256:<digest of the body's canonical form>` when a part is missing.
pub(crate) fn key_for(
    webhook_type: &str,
    parts: (Option<String>, Option<String>),
    raw: &str,
) -> String {
    let kind = escape(webhook_type);
    match parts {
        (Some(id), Some(at)) => format!("{kind}:{}:{at}", escape(&id)),
        _ => match canonical_text(raw) {
            Some(canonical) => format!("{kind}#sha256:{}", sha256_hex(canonical.as_bytes())),
            // Unreachable for a body that parsed; hashing the bytes keeps keys distinct all the same.
            None => format!("{kind}#raw-sha256:{}", sha256_hex(raw.as_bytes())),
        },
    }
}

/// The canonical form of the JSON text `raw` (see [`canonical_digest`]), read in one pass from the text itself so
/// that every number is read from its own digits, correctly rounded: `9297.777777777777777778e7` and
/// `92977777777.77777` (how `JSON.parse` and Python's `json` read it and write it back) are the same number, and
/// the same key. `None` if `raw` is not JSON.
pub(crate) fn canonical_text(raw: &str) -> Option<String> {
    let mut reader = Canonical { text: raw, at: 0 };
    let mut out = String::with_capacity(raw.len());
    reader.value(&mut out, 0)?;
    reader.whitespace();
    (reader.at == raw.len()).then_some(out)
}

/// The reader of [`canonical_text`]: a cursor over JSON text.
struct Canonical<'a> {
    text: &'a str,
    at: usize,
}

impl Canonical<'_> {
    /// Deeper than serde_json reads; bodies that parsed never get here.
    const MAX_DEPTH: usize = 128;

    fn whitespace(&mut self) {
        let rest = &self.text.as_bytes()[self.at..];
        self.at += rest
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .count();
    }

    /// Skips whitespace and takes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.whitespace();
        let next = self.text.as_bytes().get(self.at) == Some(&byte);
        self.at += usize::from(next);
        next
    }

    fn value(&mut self, out: &mut String, depth: usize) -> Option<()> {
        if depth > Self::MAX_DEPTH {
            return None;
        }
        self.whitespace();
        let rest = &self.text[self.at..];
        match *rest.as_bytes().first()? {
            b'{' => {
                self.at += 1;
                let mut members: Vec<(String, String)> = Vec::new();
                if !self.eat(b'}') {
                    loop {
                        self.whitespace();
                        let key = self.string()?;
                        if !self.eat(b':') {
                            return None;
                        }
                        let mut value = String::new();
                        self.value(&mut value, depth + 1)?;
                        members.push((key, value));
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                    }
                }
                // A key given twice keeps its last value, as serde_json's `Map` (and `JSON.parse`) does.
                members.sort_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                let mut first = true;
                for (i, (key, value)) in members.iter().enumerate() {
                    if members.get(i + 1).is_some_and(|next| next.0 == *key) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    crate::json_out::write_str(key, out);
                    out.push(':');
                    out.push_str(value);
                }
                out.push('}');
            }
            b'[' => {
                self.at += 1;
                out.push('[');
                if !self.eat(b']') {
                    loop {
                        self.value(out, depth + 1)?;
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return None;
                        }
                        out.push(',');
                    }
                }
                out.push(']');
            }
            b'"' => {
                let s = self.string()?;
                crate::json_out::write_str(&s, out);
            }
            _ => {
                let len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                    .count();
                self.at += len;
                write_scalar(&rest[..len], out)?;
            }
        }
        Some(())
    }

    /// A string literal at the cursor, unescaped.
    fn string(&mut self) -> Option<String> {
        let bytes = self.text.as_bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at;
        let mut i = start + 1;
        let mut escaped = false;
        loop {
            match *bytes.get(i)? {
                b'"' => break,
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                _ => i += 1,
            }
        }
        self.at = i + 1;
        if escaped {
            serde_json::from_str(self.text.get(start..self.at)?).ok()
        } else {
            Some(self.text[start + 1..i].to_owned())
        }
    }
}

/// `true`, `false`, `null` or a number, as serde_json writes the value it reads, except that numbers with a fraction
/// or an exponent (and integers past 64 bits) are read correctly rounded; serde_json's own reading may be one unit
/// in the last place off.
fn write_scalar(token: &str, out: &mut String) -> Option<()> {
    let value: Value = serde_json::from_str(token).ok()?;
    let value = match value {
        Value::Number(n) if n.is_f64() => {
            let exact = crate::num::parse_f64(token).filter(|x| x.is_finite());
            exact
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Number(n), Value::Number)
        }
        Value::Array(_) | Value::Object(_) | Value::String(_) => return None,
        scalar => scalar,
    };
    crate::json_out::WriteJson::write_json(&value, out);
    Some(())
}

/// SHA-256 (hex) of a JSON value's canonical form: object keys sorted, no insignificant whitespace, strings and
/// numbers as serde_json writes them. Two bodies that differ only in whitespace, key order or the spelling of their
/// strings and numbers have the same digest. (An event's fallback key reads the numbers from the body's own text, so
/// that they are correctly rounded; a `Value` holds serde_json's reading.)
pub fn canonical_digest(value: &Value) -> String {
    let mut canonical = String::new();
    write_canonical(value, &mut canonical);
    hex(&Sha256::digest(canonical.as_bytes()))
}

/// SHA-256 of `bytes` in lower-case hex (what `meetergo listen --log` records of each body as received).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::json_out::write_str(k, out);
                out.push(':');
                write_canonical(&m[k], out);
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        // serde_json's spelling of scalars (the digests of keys already handed out must not change).
        scalar => crate::json_out::WriteJson::write_json(scalar, out),
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, SecondsFormat, TimeZone};
    use proptest::prelude::{Just, Strategy};

    fn text_has_floats(value: &Value) -> bool {
        match value {
            Value::Number(n) => n.is_f64(),
            Value::Array(a) => a.iter().any(text_has_floats),
            Value::Object(m) => m.values().any(text_has_floats),
            _ => false,
        }
    }

    use super::*;

    /// `value` as JSON text in one of several spellings: `style` 0 is serde_json's, 1 adds whitespace, 2 escapes every
    /// character of every string and writes numbers in exponent form with 25 digits.
    fn spell(value: &Value, style: u8, out: &mut String) {
        match value {
            Value::Object(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    out.push_str(if i > 0 { " ,\n " } else { "\t" });
                    spell(&Value::String(k.clone()), style, out);
                    out.push_str(" : ");
                    spell(v, style, out);
                }
                out.push_str("\r\n}");
            }
            Value::Array(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" , ");
                    }
                    spell(v, style, out);
                }
                out.push(']');
            }
            Value::String(s) if style == 2 => {
                out.push('"');
                for unit in s.encode_utf16() {
                    let _ = write!(out, "\\u{unit:04X}");
                }
                out.push('"');
            }
            Value::Number(n) if style == 2 && n.is_f64() => {
                let _ = write!(out, "{:.25E}", n.as_f64().unwrap_or_default());
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }

    fn value() -> impl Strategy<Value = Value> {
        let leaf = proptest::prop_oneof![
            Just(Value::Null),
            proptest::bool::ANY.prop_map(Value::Bool),
            proptest::num::i64::ANY.prop_map(Value::from),
            proptest::num::u64::ANY.prop_map(Value::from),
            proptest::num::f64::NORMAL.prop_map(Value::from),
            proptest::num::f64::SUBNORMAL.prop_map(Value::from),
            ".*".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 40, 6, |inner| {
            proptest::prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(".{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    #[test]
    fn numbers_are_read_correctly_rounded() {
        let precise = r#"{"webhookType":"booking_created","n":9297.777777777777777778e7}"#;
        let as_json_parse_writes_it = r#"{"n":92977777777.77777,"webhookType":"booking_created"}"#;
        // serde_json's own reading is one unit off: the case is a real one.
        let serde_reading: f64 = serde_json::from_str("9297.777777777777777778e7").unwrap();
        assert_ne!(serde_reading, 92_977_777_777.777_77);
        assert_eq!(
            canonical_text(precise),
            canonical_text(as_json_parse_writes_it)
        );
        assert_eq!(
            key_for("booking_created", (None, None), precise),
            key_for("booking_created", (None, None), as_json_parse_writes_it)
        );
        // Integers stay exact and distinct from the floats they would round to; `-0` is a float, as serde_json reads it.
        assert_eq!(
            canonical_text(
                "[18446744073709551615, -9223372036854775808, -0, 1.0, 1E2, 18446744073709551616]"
            )
            .as_deref(),
            Some(
                "[18446744073709551615,-9223372036854775808,-0.0,1.0,100.0,1.8446744073709552e+19]"
            )
        );
        assert_eq!(
            canonical_text(r#"{"a":1,"a":2, "b" : "\u00e9\n"}"#).as_deref(),
            Some(r#"{"a":2,"b":"é\n"}"#)
        );
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"abc", "tru", "1 2", "[1}"] {
            assert_eq!(canonical_text(bad), None, "{bad}");
        }
    }

    proptest::proptest! {
        /// The canonical text of any spelling of a value is the canonical form of the value itself (which holds its
        /// floats exactly; serde_json's reading of them may be one unit off).
        #[test]
        fn one_canonical_form_for_every_spelling(value in value(), style in 0u8..3) {
            let mut expected = String::new();
            write_canonical(&value, &mut expected);
            let mut text = String::new();
            spell(&value, style, &mut text);
            proptest::prop_assert_eq!(canonical_text(&text), Some(expected), "{}", text);
        }

        /// Without floats, the digest is the one handed out before numbers were read correctly rounded.
        #[test]
        fn digests_of_bodies_without_floats_are_unchanged(value in value(), style in 0u8..2) {
            let mut text = String::new();
            spell(&value, style, &mut text);
            let parsed: Value = serde_json::from_str(&text).unwrap();
            if !text_has_floats(&parsed) {
                let key = key_for("x", (None, None), &text);
                proptest::prop_assert_eq!(key, format!("x#sha256:{}", canonical_digest(&parsed)));
            }
        }

        /// The same text as chrono's `to_rfc3339_opts(AutoSi, true)`, leap seconds and every fraction length included.
        #[test]
        fn rfc3339_is_chronos(
            days in 0i64..3_652_058,
            second in 0u32..86_400,
            nanos in proptest::prop_oneof![
                proptest::prelude::Just(0u32),
                (0u32..1000).prop_map(|n| n * 1_000_000),
                (0u32..1_000_000).prop_map(|n| n * 1000),
                0u32..2_000_000_000,
            ],
            offset_minutes in -1439i32..1440,
        ) {
            let date = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + chrono::Duration::days(days);
            // A leap second only at the last second of a minute, as chrono allows.
            let nanos = if nanos >= 1_000_000_000 && second % 60 != 59 { nanos - 1_000_000_000 } else { nanos };
            let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(second, nanos).unwrap();
            let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let t = offset.from_local_datetime(&date.and_time(time)).unwrap();
            proptest::prop_assert_eq!(crate::time::rfc3339(&t), t.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        }
    }
}
