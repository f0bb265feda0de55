//! Retry policy: which answers are retried, and how long to wait. Pure functions, no I/O.

use std::time::Duration;

use chrono::{DateTime, Utc};

/// HTTP methods as the retry policy sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Patch,
    Delete,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Methods whose repetition is harmless: meetergo has no idempotency keys, so a POST whose outcome is
    /// unknown must not be sent again (it could create a second webhook). PATCH replaces fields, so it is safe.
    pub(crate) fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post)
    }
}

/// Statuses that mean "the server did not process it, try again later" for idempotent requests.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 502..=504)
}

/// Exponential backoff with jitter: attempt `n` (0-based) waits a random time between half and all of
/// `initial * 2^n`, capped at `max`.
pub(crate) fn backoff(
    attempt: u32,
    initial: Duration,
    max: Duration,
    unit_random: f64,
) -> Duration {
    let exp = initial.saturating_mul(2u32.saturating_pow(attempt.min(20)));
    let capped = exp.min(max);
    let factor = 0.5 + 0.5 * unit_random.clamp(0.0, 1.0);
    Duration::try_from_secs_f64(capped.as_secs_f64() * factor).unwrap_or(capped)
}

/// Parses `Retry-After`: delay-seconds or an HTTP date, relative to `now`. `None` when unreadable. A number of
/// seconds too large for a `Duration` (`99999999999999999999`, `1e400`) is `Duration::MAX`: a wait past every cap,
/// so the call is not retried (as for any wait past the cap), never read as "no header" and retried after a backoff.
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::MAX);
    }
    if let Ok(secs) = value.parse::<f64>()
        && !secs.is_nan()
        && secs >= 0.0
    {
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX));
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.with_timezone(&Utc) - now;
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let i = Duration::from_millis(100);
        let m = Duration::from_secs(2);
        assert_eq!(backoff(0, i, m, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(0, i, m, 0.0), Duration::from_millis(50));
        assert_eq!(backoff(3, i, m, 1.0), Duration::from_millis(800));
        assert_eq!(backoff(10, i, m, 1.0), m);
        assert_eq!(backoff(u32::MAX, i, m, 1.0), m);
        // Extreme settings never panic.
        assert_eq!(backoff(3, Duration::MAX, Duration::MAX, 1.0), Duration::MAX);
        let _ = backoff(3, Duration::MAX, Duration::MAX, f64::NAN);
    }

    #[test]
    fn retry_after_forms() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after(" 1.5 ", now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("1e400", now), Some(Duration::MAX));
        // Too large for a Duration: a wait past every cap (not retried), not an absent header (retried at once).
        assert_eq!(
            parse_retry_after("99999999999999999999", now),
            Some(Duration::MAX)
        );
        assert_eq!(parse_retry_after("1e30", now), Some(Duration::MAX));
    }

    #[test]
    fn only_post_is_unsafe_to_repeat() {
        assert!(Method::Get.is_idempotent());
        assert!(Method::Patch.is_idempotent());
        assert!(Method::Delete.is_idempotent());
        assert!(!Method::Post.is_idempotent());
        assert!(is_retryable_status(503) && is_retryable_status(502) && is_retryable_status(504));
        assert!(!is_retryable_status(500) && !is_retryable_status(429));
    }
}
