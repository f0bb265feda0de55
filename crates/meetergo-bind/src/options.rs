//! The client's options as the Python keyword arguments and the Node options object give them: every option of the
//! core's [`ClientOptions`](meetergo_core::ClientOptions), numbers checked, durations in the runtime's unit.

use meetergo_core::{Client, ClientBuilder, RateLimit, ValidationError};

use crate::Runtime;
use crate::numbers::whole_number;

/// The most retries a client may be given (each waits up to `max_retry_delay`).
pub const MAX_RETRIES_LIMIT: u32 = 100;

/// The client-side rate limit as given: a sustained rate per minute and a burst, each defaulting to meetergo's limit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RateLimitOptions {
    /// Requests per minute. Default: 100.
    pub per_minute: Option<f64>,
    /// Requests at once after a quiet period. Default: 200.
    pub burst: Option<f64>,
}

/// Every client option, as a binding receives them (`None`: not given, so the environment or the default applies).
#[derive(Default, Clone)]
pub struct Options {
    /// API token. Default: `MEETERGO_API_KEY`.
    pub api_key: Option<String>,
    /// Acting user for `ak_live:` keys. Default: `MEETERGO_USER_ID`.
    pub user_id: Option<String>,
    /// Default: `MEETERGO_BASE_URL`, else `https://api.meetergo.com`.
    pub base_url: Option<String>,
    /// Per-attempt timeout, in the runtime's unit.
    pub timeout: Option<f64>,
    /// Retries after the first attempt.
    pub max_retries: Option<f64>,
    /// Allow http and private endpoint hosts.
    pub allow_insecure_endpoints: Option<bool>,
    /// Send an explicit user id with `rgo-` tokens too.
    pub send_user_id_with_personal_token: Option<bool>,
    /// The client-side rate limit; `None`: off.
    pub rate_limit: Option<RateLimitOptions>,
    /// The first retry's delay, in the runtime's unit.
    pub initial_retry_delay: Option<f64>,
    /// The longest wait between attempts, in the runtime's unit.
    pub max_retry_delay: Option<f64>,
    /// Do not read `MEETERGO_*` environment variables.
    pub ignore_env: Option<bool>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("user_id", &self.user_id)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// A rate given as a number: positive and finite (the core's `RateLimit::new` would quietly raise 0 to 1).
fn rate(value: Option<f64>, default: f64, field: &str) -> Result<f64, ValidationError> {
    match value {
        None => Ok(default),
        Some(v) if v.is_finite() && v >= 1.0 => Ok(v),
        Some(_) => Err(ValidationError::new(
            field,
            meetergo_core::ValidationErrorKind::Malformed,
            "must be a number of requests of at least 1",
        )),
    }
}

impl Options {
    /// The core's builder with every option given applied and checked (names in `runtime`'s spelling in errors).
    pub fn builder(self, runtime: Runtime) -> Result<ClientBuilder, ValidationError> {
        let name = |python, javascript| runtime.name(python, javascript);
        let mut b = Client::builder();
        if let Some(k) = self.api_key {
            b = b.api_key(k);
        }
        if let Some(u) = self.user_id {
            b = b.user_id(u);
        }
        if let Some(u) = self.base_url {
            b = b.base_url(u);
        }
        if let Some(t) = self.timeout {
            b = b.timeout(runtime.duration(t, name("timeout", "timeoutMs"))?);
        }
        if let Some(n) = self.max_retries {
            b = b.max_retries(whole_number(
                n,
                name("max_retries", "maxRetries"),
                MAX_RETRIES_LIMIT,
            )?);
        }
        if let Some(d) = self.initial_retry_delay {
            b = b.initial_retry_delay(
                runtime.duration(d, name("initial_retry_delay", "initialRetryDelayMs"))?,
            );
        }
        if let Some(d) = self.max_retry_delay {
            b = b.max_retry_delay(runtime.duration(d, name("max_retry_delay", "maxRetryDelayMs"))?);
        }
        if let Some(limit) = self.rate_limit {
            let default = RateLimit::default();
            let per_minute = rate(
                limit.per_minute,
                default.per_minute,
                name("rate_limit.per_minute", "rateLimit.perMinute"),
            )?;
            let burst = rate(
                limit.burst,
                default.burst,
                name("rate_limit.burst", "rateLimit.burst"),
            )?;
            b = b.rate_limit(RateLimit::new(per_minute, burst));
        }
        if let Some(v) = self.allow_insecure_endpoints {
            b = b.allow_insecure_endpoints(v);
        }
        if let Some(v) = self.send_user_id_with_personal_token {
            b = b.send_user_id_with_personal_token(v);
        }
        if let Some(v) = self.ignore_env {
            b = b.ignore_env(v);
        }
        Ok(b)
    }
}
