//! Reading RFC 3339 date-times.
//!
//! chrono's `FromStr` for `DateTime<FixedOffset>` (what its serde support uses) runs a general format parser: it
//! took about a tenth of the time of parsing a whole booking delivery, and a tenth of the browser build. This reads
//! RFC 3339 (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`) and the variants chrono also accepts that a sender might
//! produce (`t` or a space for `T`, `z`, `UTC`, `±HHMM`, a space before the offset, a leap second, more than nine
//! fraction digits): the same date-time as chrono for each of them (property-tested). Rarer forms chrono takes
//! (one-digit fields, signed or five-digit years, spaces inside the date) are refused.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// Why a string is not a date-time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeError {
    /// Not the shape of one.
    Format,
    /// The shape of one, but no such instant (February 30, hour 24, an offset of a day or more).
    OutOfRange,
}

impl std::fmt::Display for TimeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TimeError::Format => "not an RFC 3339 date-time (such as 2024-01-15T09:00:00+01:00)",
            TimeError::OutOfRange => {
                "an RFC 3339 date-time that does not exist (a field is out of range)"
            }
        })
    }
}

/// Two ASCII digits.
fn two(b: &[u8]) -> Result<u32, TimeError> {
    match b {
        [x @ b'0'..=b'9', y @ b'0'..=b'9'] => Ok(u32::from(x - b'0') * 10 + u32::from(y - b'0')),
        _ => Err(TimeError::Format),
    }
}

/// Reads a date-time (see the module's documentation for the accepted forms).
pub(crate) fn parse(s: &str) -> Result<DateTime<FixedOffset>, TimeError> {
    use TimeError::{Format, OutOfRange};
    let b = s.trim_end().as_bytes();
    if b.len() < 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(Format);
    }
    let year = i32::try_from(two(&b[0..2])? * 100 + two(&b[2..4])?).map_err(|_| Format)?;
    let (month, day) = (two(&b[5..7])?, two(&b[8..10])?);
    let (hour, minute, second) = (two(&b[11..13])?, two(&b[14..16])?, two(&b[17..19])?);
    let mut rest = &b[19..];
    let mut nanos = 0;
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(Format);
        }
        // Nanosecond precision; further digits are dropped, as chrono does.
        nanos = tail[..n]
            .iter()
            .chain(std::iter::repeat(&b'0'))
            .take(9)
            .fold(0, |acc, c| acc * 10 + u32::from(c - b'0'));
        rest = &tail[n..];
    }
    while let [b' ', tail @ ..] = rest {
        rest = tail;
    }
    let offset = match rest {
        [b'Z' | b'z'] => 0,
        [u, t, c] if [*u, *t, *c].eq_ignore_ascii_case(b"UTC") => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [sign @ (b'+' | b'-'), h1, h2, m1, m2] => {
            let (h, m) = (two(&[*h1, *h2])?, two(&[*m1, *m2])?);
            if m > 59 {
                return Err(OutOfRange);
            }
            let secs = i32::try_from(h * 3600 + m * 60).map_err(|_| OutOfRange)?;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return Err(Format),
    };
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or(OutOfRange)?;
    // A leap second (`:60`) is chrono's second 59 with a nanosecond count past one second.
    let time = if second == 60 {
        NaiveTime::from_hms_nano_opt(hour, minute, 59, 1_000_000_000 + nanos)
    } else {
        NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)
    }
    .ok_or(OutOfRange)?;
    FixedOffset::east_opt(offset)
        .and_then(|o| o.from_local_datetime(&date.and_time(time)).single())
        .ok_or(OutOfRange)
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

/// What chrono's `to_rfc3339_opts(SecondsFormat::AutoSi, true)` writes (`2024-01-15T09:00:00.120+01:00`, `Z` for
/// UTC, the fraction in 3, 6 or 9 digits when there is one), without chrono's formatting machinery in the browser
/// build.
pub(crate) fn rfc3339(t: &DateTime<FixedOffset>) -> String {
    use chrono::{Datelike, Timelike};
    /// `value` in `width` decimal digits, zero-padded (`value` < 10^`width`).
    fn digits(out: &mut String, value: u32, width: u32) {
        for place in (0..width).rev() {
            out.push(char::from(
                b'0' + u8::try_from(value / 10u32.pow(place) % 10).unwrap_or(0),
            ));
        }
    }
    let local = t.naive_local();
    let (nanos, second) = match local.nanosecond() {
        n if n >= 1_000_000_000 => (n - 1_000_000_000, local.second() + 1),
        n => (n, local.second()),
    };
    let mut out = String::with_capacity(35);
    digits(&mut out, u32::try_from(local.year()).unwrap_or(0), 4);
    for (separator, value) in [
        ('-', local.month()),
        ('-', local.day()),
        ('T', local.hour()),
        (':', local.minute()),
        (':', second),
    ] {
        out.push(separator);
        digits(&mut out, value, 2);
    }
    if nanos > 0 {
        out.push('.');
        match nanos {
            n if n % 1_000_000 == 0 => digits(&mut out, n / 1_000_000, 3),
            n if n % 1_000 == 0 => digits(&mut out, n / 1_000, 6),
            n => digits(&mut out, n, 9),
        }
    }
    match t.offset().local_minus_utc() {
        0 => out.push('Z'),
        offset => {
            out.push(if offset < 0 { '-' } else { '+' });
            // Rounded to the minute, as chrono does (parsed offsets are whole minutes anyway).
            let minutes = (offset.unsigned_abs() + 30) / 60;
            digits(&mut out, minutes / 60, 2);
            out.push(':');
            digits(&mut out, minutes % 60, 2);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_shapes_read_as_chrono_reads_them() {
        let cases = [
            "2024-01-15T09:00:00+01:00",
            "2024-01-15T09:00:00Z",
            "2024-01-15t09:00:00z",
            "2024-01-10T12:34:56.789Z",
            "2024-01-10T12:34:56.123456789-05:30",
            "2024-01-10T12:34:56.1234567891Z",
            "2024-02-29T00:00:00+00:00",
            "1999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.9Z",
            "2024-01-15T09:00:00-00:00",
            "2024-01-15 09:00:00+01:00",
            "2024-01-15T09:00:00+0100",
            "2024-01-15T09:00:00 +01:00",
            "2024-01-15T09:00:00UTC",
            "2024-01-15T09:00:00 utc ",
            "2024-12-31T23:59:60Z",
            "2024-12-31T23:59:60.5+01:00",
        ];
        for s in cases {
            let ours = parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            let chrono: DateTime<FixedOffset> = s.parse().unwrap();
            assert_eq!(ours, chrono, "{s}");
            assert_eq!(ours.offset(), chrono.offset(), "{s}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn same_answer_as_chrono(
            s in "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,10})? ?(Z|z|UTC|uTc|[+-][0-9]{2}:?[0-9]{2})? ?"
        ) {
            let ours = parse(&s).ok();
            let theirs = s.parse::<DateTime<FixedOffset>>().ok();
            proptest::prop_assert_eq!(ours, theirs);
            proptest::prop_assert_eq!(ours.map(|t| *t.offset()), theirs.map(|t| *t.offset()));
        }
    }

    #[test]
    fn invalid_and_rare_forms_are_refused() {
        for (s, why) in [
            ("2024-02-30T00:00:00Z", TimeError::OutOfRange),
            ("2023-02-29T00:00:00Z", TimeError::OutOfRange),
            ("2024-01-15T24:00:00Z", TimeError::OutOfRange),
            ("2024-01-15T09:60:00Z", TimeError::OutOfRange),
            ("2024-01-15T09:00:00+24:00", TimeError::OutOfRange),
            ("2024-01-15T09:00:00+01:60", TimeError::OutOfRange),
            ("2024-01-15T09:00:00.Z", TimeError::Format),
            ("2024-01-15T09:00:00", TimeError::Format),
            ("2024-01-15T09:00:00+01", TimeError::Format),
            ("2024-01-15T09:00:00Z trailing", TimeError::Format),
            ("２０２４-01-15T09:00:00Z", TimeError::Format),
            ("", TimeError::Format),
            ("not a date", TimeError::Format),
            // chrono takes these; no sender of RFC 3339 writes them.
            ("+2024-01-15T09:00:00Z", TimeError::Format),
            ("2024-1-15T09:00:00Z", TimeError::Format),
        ] {
            assert_eq!(parse(s), Err(why), "{s}");
        }
    }
}
