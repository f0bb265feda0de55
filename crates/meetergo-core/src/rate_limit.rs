//! A client-side token bucket, so bulk scripts stay under meetergo's rate limit instead of meeting 429s.

use std::sync::Mutex;
use std::time::Duration;

/// Client-side rate limit. meetergo allows 100 requests a minute per key, with bursts up to 200.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Sustained requests per minute. Default: 100.
    pub per_minute: f64,
    /// Requests that may go out at once after a quiet period. Default: 200.
    pub burst: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            per_minute: 100.0,
            burst: 200.0,
        }
    }
}

impl RateLimit {
    /// A limit of `per_minute` sustained with bursts of `burst` (both at least 1).
    pub fn new(per_minute: f64, burst: f64) -> Self {
        let sane = |v: f64| if v.is_finite() && v >= 1.0 { v } else { 1.0 };
        Self {
            per_minute: sane(per_minute),
            burst: sane(burst),
        }
    }
}

/// The bucket. Each request reserves a token at once (the balance may go negative) and waits until the balance it
/// reserved against is refilled: waiters are served in the order they arrived, and no lock is held while waiting.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    limit: RateLimit,
    state: Mutex<(f64, Option<f64>)>, // (tokens, last refill in seconds on the caller's clock)
}

impl TokenBucket {
    pub(crate) fn new(limit: RateLimit) -> Self {
        // The fields are public: re-check what `RateLimit::new` checks.
        let limit = RateLimit::new(limit.per_minute, limit.burst);
        Self {
            limit,
            state: Mutex::new((limit.burst, None)),
        }
    }

    /// Reserves one request at time `now_secs` and returns how long to wait before sending it.
    pub(crate) fn reserve(&self, now_secs: f64) -> Duration {
        let rate = self.limit.per_minute / 60.0;
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (tokens, last) = *state;
        let elapsed = last.map_or(0.0, |l| (now_secs - l).max(0.0));
        let refilled = (tokens + elapsed * rate).min(self.limit.burst) - 1.0;
        *state = (refilled, Some(now_secs.max(last.unwrap_or(now_secs))));
        if refilled >= 0.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64(-refilled / rate).unwrap_or(Duration::MAX)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_sustained_rate() {
        let bucket = TokenBucket::new(RateLimit::new(60.0, 3.0)); // one a second, bursts of three
        assert_eq!(bucket.reserve(0.0), Duration::ZERO);
        assert_eq!(bucket.reserve(0.0), Duration::ZERO);
        assert_eq!(bucket.reserve(0.0), Duration::ZERO);
        assert_eq!(bucket.reserve(0.0), Duration::from_secs(1));
        assert_eq!(bucket.reserve(0.0), Duration::from_secs(2));
        // Ten seconds later the bucket is full again, never above the burst.
        assert_eq!(bucket.reserve(12.0), Duration::ZERO);
        assert_eq!(bucket.reserve(12.0), Duration::ZERO);
        assert_eq!(bucket.reserve(12.0), Duration::ZERO);
        assert_eq!(bucket.reserve(12.0), Duration::from_secs(1));
    }

    #[test]
    fn meetergo_default_never_exceeds_its_limit() {
        let bucket = TokenBucket::new(RateLimit::default());
        // 1000 requests fired at t=0: the last one must wait until 200 + 100/min * t >= 1000.
        let waits: Vec<Duration> = (0..1000).map(|_| bucket.reserve(0.0)).collect();
        assert_eq!(waits[199], Duration::ZERO);
        assert!(waits[200] > Duration::ZERO);
        let last = waits[999].as_secs_f64();
        assert!((last - 480.0).abs() < 1e-6, "{last}");
    }

    #[test]
    fn limits_set_through_public_fields_cannot_panic() {
        // (Outside this crate, `#[non_exhaustive]` still allows assigning the public fields of a default.)
        let bucket = TokenBucket::new(RateLimit {
            per_minute: 0.0,
            burst: f64::NAN,
        });
        for _ in 0..3 {
            let _ = bucket.reserve(0.0);
        }
        let limit = RateLimit {
            per_minute: f64::MIN_POSITIVE,
            ..RateLimit::default()
        };
        let _ = TokenBucket::new(limit).reserve(f64::INFINITY);
    }

    #[test]
    fn insane_limits_are_clamped() {
        let l = RateLimit::new(f64::NAN, -5.0);
        assert_eq!((l.per_minute, l.burst), (1.0, 1.0));
    }
}
