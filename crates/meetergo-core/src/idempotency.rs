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
        _ => match serde_json::from_str::<Value>(raw) {
            Ok(value) => format!("{kind}#sha256:{}", canonical_digest(&value)),
            // Unreachable for a body that parsed; hashing the bytes keeps keys distinct all the same.
            Err(_) => format!("{kind}#raw-sha256:{}", sha256_hex(raw.as_bytes())),
        },
    }
}

/// SHA-256 (hex) of a JSON value's canonical form: object keys sorted, no insignificant whitespace.
/// Two bodies that differ only in whitespace or key order have the same digest.
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
    use proptest::prelude::Strategy as _;

    use super::*;

    proptest::proptest! {
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
