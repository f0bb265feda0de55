//! Reading RFC 3339 date-times fast.
//!
//! chrono's `FromStr` for `DateTime<FixedOffset>` (what its serde support uses) runs a general format parser that
//! took about a tenth of the time of parsing a whole booking delivery. meetergo sends one shape,
//! `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`: that is read directly here; anything else goes to chrono as before,
//! so what is accepted, and every error message, is unchanged.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

/// The common RFC 3339 shape, or `None` to let chrono decide (other shapes, leap seconds, invalid dates).
pub(crate) fn parse_fast(s: &str) -> Option<DateTime<FixedOffset>> {
    let b = s.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = i32::try_from(digits(&b[0..4])?).ok()?;
    let (month, day) = (digits(&b[5..7])?, digits(&b[8..10])?);
    let (hour, minute, second) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 || n > 9 {
            return None;
        }
        nanos = digits(&tail[..n])? * 10u32.pow(9 - u32::try_from(n).ok()?);
        rest = &tail[n..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let (h, m) = (digits(&[*h1, *h2])?, digits(&[*m1, *m2])?);
            if h > 23 || m > 59 {
                return None;
            }
            let secs = i32::try_from(h * 3600 + m * 60).ok()?;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    FixedOffset::east_opt(offset)?
        .from_local_datetime(&date.and_time(time))
        .single()
}

/// Parses like chrono's `FromStr`, faster for the usual shape.
pub(crate) fn parse(s: &str) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    parse_fast(s).map_or_else(|| s.parse(), Ok)
}

/// A date-time read with [`parse`].
struct Rfc3339(DateTime<FixedOffset>);

impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TimeVisitor;
        impl Visitor<'_> for TimeVisitor {
            type Value = Rfc3339;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an RFC 3339 date-time string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Rfc3339, E> {
                parse(v).map(Rfc3339).map_err(E::custom)
            }
        }
        d.deserialize_str(TimeVisitor)
    }
}

/// How `open_struct!` reads its date-time fields (marked `; time`).
pub(crate) trait TimeField: Sized {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error>;
}

impl TimeField for DateTime<FixedOffset> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value::<Rfc3339>().map(|t| t.0)
    }
}

impl TimeField for Option<DateTime<FixedOffset>> {
    fn read<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Self, A::Error> {
        map.next_value::<Option<Rfc3339>>().map(|t| t.map(|t| t.0))
    }
}

/// A lenient date-time: `Ok(None)` for null, `Err(value)` for anything that is not a date-time string.
pub(crate) fn lenient(value: Value) -> Result<Option<DateTime<FixedOffset>>, Value> {
    match &value {
        Value::Null => Ok(None),
        Value::String(s) => parse(s).map(Some).map_err(|_| value),
        _ => Err(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_path_agrees_with_chrono() {
        let cases = [
            "2024-01-15T09:00:00+01:00",
            "2024-01-15T09:00:00Z",
            "2024-01-15t09:00:00z",
            "2024-01-10T12:34:56.789Z",
            "2024-01-10T12:34:56.123456789-05:30",
            "2024-02-29T00:00:00+00:00",
            "1999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.9Z",
            "2024-01-15T09:00:00-00:00",
        ];
        for s in cases {
            let fast = parse_fast(s).unwrap_or_else(|| panic!("fast path should read {s}"));
            let chrono: DateTime<FixedOffset> = s.parse().unwrap();
            assert_eq!(fast, chrono, "{s}");
            assert_eq!(fast.offset(), chrono.offset(), "{s}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Random strings of (nearly) the fast path's shape: the same answer as chrono, every time.
        #[test]
        fn same_answer_as_chrono(
            s in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,10})?(Z|z|[+-][0-9]{2}:?[0-9]{2})?"
        ) {
            let ours = parse(&s).ok();
            let theirs = s.parse::<DateTime<FixedOffset>>().ok();
            proptest::prop_assert_eq!(ours, theirs);
            proptest::prop_assert_eq!(ours.map(|t| *t.offset()), theirs.map(|t| *t.offset()));
        }
    }

    #[test]
    fn everything_else_goes_to_chrono_unchanged() {
        let odd = [
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-01-15T24:00:00Z",
            "2024-01-15T09:60:00Z",
            "2024-12-31T23:59:60Z",
            "2024-01-15T09:00:00+24:00",
            "2024-01-15T09:00:00.Z",
            "2024-01-15T09:00:00.1234567890Z",
            "2024-01-15T09:00:00",
            "2024-01-15 09:00:00+01:00",
            "2024-01-15T09:00:00+0100",
            "2024-01-15T09:00:00+01",
            "+2024-01-15T09:00:00Z",
            "2024-1-15T09:00:00Z",
            "２０２４-01-15T09:00:00Z",
            "",
            "not a date",
        ];
        for s in odd {
            assert_eq!(
                parse(s).ok(),
                s.parse::<DateTime<FixedOffset>>().ok(),
                "{s}"
            );
        }
    }
}
