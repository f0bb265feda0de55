//! Numbers given by a runtime without Rust's types (a JavaScript number, a Python float), checked: never a silent
//! wrap-around of `-1` to 4294967295, never an `OverflowError` instead of the SDK's `ValidationError`.

use std::time::Duration;

use meetergo_core::{ValidationError, ValidationErrorKind as Kind};

/// A duration given in seconds by a runtime that speaks seconds (Python's `timeout=`, `ttl_seconds=`): positive
/// and finite, or a [`ValidationError`] naming `field`.
pub fn positive_seconds(seconds: f64, field: &str) -> Result<Duration, ValidationError> {
    positive_duration(seconds, 1.0, "seconds", field)
}

fn positive_duration(
    value: f64,
    per_second: f64,
    unit: &str,
    field: &str,
) -> Result<Duration, ValidationError> {
    Duration::try_from_secs_f64(value / per_second)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            ValidationError::new(
                field,
                Kind::Malformed,
                format!(
                    "must be a positive number of {unit}, not {}",
                    number_text(value)
                ),
            )
        })
}

/// A duration given in milliseconds by a runtime that speaks milliseconds (Node's `timeoutMs`, `ttlMs`): positive
/// and finite, or a [`ValidationError`] naming `field`.
pub fn positive_millis(millis: f64, field: &str) -> Result<Duration, ValidationError> {
    positive_duration(millis, 1000.0, "milliseconds", field)
}

/// A count given as a number by a runtime without integer types (JavaScript): a whole number from 0 to `max`, or a
/// [`ValidationError`] naming `field` (never a silent wrap-around of `-1` to 4294967295).
pub fn whole_number(value: f64, field: &str, max: u32) -> Result<u32, ValidationError> {
    if value.fract() == 0.0 && (0.0..=f64::from(max)).contains(&value) {
        // In range and whole: the conversion is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(value as u32);
    }
    Err(ValidationError::new(
        field,
        Kind::Malformed,
        format!(
            "must be a whole number from 0 to {max}, not {}",
            number_text(value)
        ),
    ))
}

/// A number as JavaScript's `String(n)` prints it (`-1`, `1.5`, `0.000001`, `1e-7`, `1e+21`, `NaN`, `-Infinity`): Rust's
/// shortest round-trip digits (`Display`), laid out in exponent form outside JavaScript's plain range
/// (1e-6 ≤ |n| < 1e21). The browser build carries Rust's float printer anyway (serde's error messages use it).
fn number_text(value: f64) -> String {
    if value.is_nan() {
        return "NaN".into();
    }
    if value.is_infinite() {
        return if value > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if value == 0.0 {
        return "0".into();
    }
    let plain = format!("{}", value.abs());
    let sign = if value < 0.0 { "-" } else { "" };
    if (1e-6..1e21).contains(&value.abs()) {
        return format!("{sign}{plain}");
    }
    // `plain` is all digits with at most one `.`: the significant digits and where the point is.
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let all = format!("{whole}{fraction}");
    let significant = all.trim_start_matches('0');
    let leading_zeros = all.len() - significant.len();
    let digits = significant.trim_end_matches('0');
    let exponent = whole.len() as i64 - leading_zeros as i64 - 1;
    let (first, rest) = digits.split_at(1.min(digits.len()));
    let dot = if rest.is_empty() { "" } else { "." };
    let exponent_sign = if exponent < 0 { '-' } else { '+' };
    format!(
        "{sign}{first}{dot}{rest}e{exponent_sign}{}",
        exponent.unsigned_abs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        // Each right-hand side is what node's `String(n)` printed for the left-hand side.
        for (value, js) in [
            (-1.0, "-1"),
            (1.5, "1.5"),
            (-0.5, "-0.5"),
            (1e300, "1e+300"),
            (1e15, "1000000000000000"),
            (9_007_199_254_740_991.0, "9007199254740991"),
            (1e16, "10000000000000000"),
            (1e21, "1e+21"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (123_456.789, "123456.789"),
            (-0.0, "0"),
            (0.1 + 0.2, "0.30000000000000004"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (4_294_967_296.5, "4294967296.5"),
            (1.25e-5, "0.0000125"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(number_text(value), js, "{value:e}");
        }
    }
}
