//! The client: configuration and the entry point to the resources.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{self, HeaderMap, HeaderValue};
use url::Url;

use crate::credentials::{ApiKey, user_id_header};
use crate::error::{Result, ValidationError, ValidationErrorKind as Kind};
use crate::http::Transport;
use crate::rate_limit::{RateLimit, TokenBucket};
use crate::webhooks::Webhooks;

/// meetergo's API host.
pub const DEFAULT_BASE_URL: &str = "https://api.meetergo.com";
/// Default timeout of one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default number of retries after the first attempt.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// Default first retry delay (doubled on each retry, with jitter).
pub const DEFAULT_INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// Default longest wait between two attempts; a `Retry-After` above it is not waited for.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(30);
/// The `User-Agent` the Rust SDK sends.
pub const USER_AGENT: &str = concat!("meetergo-rust/", env!("CARGO_PKG_VERSION"));

/// Client configuration. Every field is optional; `Default` gives the documented defaults, with the environment
/// variables read for what is not set. Maps one-to-one onto Python keyword arguments and the Node options object.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ClientOptions {
    /// API token: a platform key `ak_live:...`, a personal access token `rgo-...`, or another bearer token.
    /// Default: env `MEETERGO_API_KEY`.
    pub api_key: Option<String>,
    /// The user an `ak_live:` key acts for (`x-meetergo-api-user-id`). Required for such keys; not sent with
    /// `rgo-` tokens unless [`ClientOptions::send_user_id_with_personal_token`] is set.
    /// Default: env `MEETERGO_USER_ID`.
    pub user_id: Option<String>,
    /// API base URL. A trailing `/v4` is ignored (webhooks live at the host root).
    /// Default: env `MEETERGO_BASE_URL`, else `https://api.meetergo.com`.
    pub base_url: Option<String>,
    /// Timeout of each attempt (connect, send and read the answer). Default: 30 s.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt, for answers that are safe to retry. Default: 2.
    pub max_retries: Option<u32>,
    /// Allow `http` and private/loopback endpoint hosts (local development, tunnels). Secrets in endpoint URLs stay
    /// forbidden. Default: `false`.
    pub allow_insecure_endpoints: bool,
    /// Send an explicitly given `user_id` with an `rgo-` personal access token too. Default: `false`.
    pub send_user_id_with_personal_token: bool,
    /// Client-side rate limit (token bucket), so bulk scripts never meet a 429. Default: off; `RateLimit::default()`
    /// matches meetergo's limit (100 a minute, bursts of 200).
    pub rate_limit: Option<RateLimit>,
    /// Wait before the first retry, doubled for each further retry, with jitter. Default: 500 ms.
    pub initial_retry_delay: Option<Duration>,
    /// Longest wait between attempts; a `Retry-After` longer than this is not waited for (the call fails with
    /// [`Error::RateLimited`](crate::Error::RateLimited) carrying it). Default: 30 s.
    pub max_retry_delay: Option<Duration>,
    /// `User-Agent` header. Default: `meetergo-rust/<version>`.
    pub user_agent: Option<String>,
    /// Do not read `MEETERGO_*` environment variables. Default: `false`.
    pub ignore_env: bool,
}

impl fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientOptions")
            .field("api_key", &self.api_key.as_ref().map(|_| "[redacted]"))
            .field("user_id", &self.user_id)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("allow_insecure_endpoints", &self.allow_insecure_endpoints)
            .field(
                "send_user_id_with_personal_token",
                &self.send_user_id_with_personal_token,
            )
            .field("rate_limit", &self.rate_limit)
            .field("initial_retry_delay", &self.initial_retry_delay)
            .field("max_retry_delay", &self.max_retry_delay)
            .field("user_agent", &self.user_agent)
            .field("ignore_env", &self.ignore_env)
            .finish()
    }
}

/// Builds a [`Client`]; see [`ClientOptions`] for every option's default.
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    options: ClientOptions,
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty => $field:ident $(via $conv:path)?) => {
        $(#[$doc])*
        #[must_use]
        pub fn $name(mut self, value: $ty) -> Self {
            self.options.$field = setter!(@wrap value $(, $conv)?);
            self
        }
    };
    (@wrap $v:ident) => { $v };
    (@wrap $v:ident, $conv:path) => { $conv($v) };
}

fn some_string(s: impl Into<String>) -> Option<String> {
    Some(s.into())
}

impl ClientBuilder {
    /// Sets the API token. Default: env `MEETERGO_API_KEY`.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.options.api_key = some_string(key);
        self
    }
    /// Sets the user an `ak_live:` key acts for. Default: env `MEETERGO_USER_ID`.
    #[must_use]
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.options.user_id = some_string(id);
        self
    }
    /// Sets the base URL. Default: env `MEETERGO_BASE_URL`, else `https://api.meetergo.com`.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.options.base_url = some_string(url);
        self
    }
    setter!(/// Timeout of each attempt. Default: 30 s.
        timeout: Duration => timeout via Some);
    setter!(/// Retries after the first attempt. Default: 2.
        max_retries: u32 => max_retries via Some);
    setter!(/// Allow `http` and private endpoint hosts. Default: `false`.
        allow_insecure_endpoints: bool => allow_insecure_endpoints);
    setter!(/// Send an explicit user id with `rgo-` tokens too. Default: `false`.
        send_user_id_with_personal_token: bool => send_user_id_with_personal_token);
    setter!(/// Client-side rate limit. Default: off.
        rate_limit: RateLimit => rate_limit via Some);
    setter!(/// First retry delay. Default: 500 ms.
        initial_retry_delay: Duration => initial_retry_delay via Some);
    setter!(/// Longest wait between attempts. Default: 30 s.
        max_retry_delay: Duration => max_retry_delay via Some);
    setter!(/// Do not read `MEETERGO_*` environment variables. Default: `false`.
        ignore_env: bool => ignore_env);
    /// Sets the `User-Agent`. Default: `meetergo-rust/<version>`.
    #[must_use]
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.options.user_agent = some_string(ua);
        self
    }

    /// Checks the configuration and builds the client. Fails with [`Error::Validation`](crate::Error::Validation) on a missing or malformed
    /// token, an `ak_live:` key without a user id, or a bad base URL. Sends nothing.
    pub fn build(self) -> Result<Client> {
        Client::new(self.options)
    }
}

/// The meetergo API client. Cheap to clone (one shared connection pool); use one per process.
///
/// Its methods are futures for a tokio runtime with the time driver enabled (`#[tokio::main]` has it).
///
/// ```no_run
/// # async fn run() -> Result<(), meetergo_core::Error> {
/// use meetergo_core::{Client, EventType, NewWebhook};
/// let client = Client::builder().api_key("rgo-...").build()?;
/// let hook = client
///     .webhooks()
///     .create(NewWebhook::new("https://example.com/hooks", [EventType::BookingCreated]))
///     .await?;
/// println!("created {}", hook.id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    transport: Arc<Transport>,
    allow_insecure_endpoints: bool,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.transport.root.as_str())
            .field("api_key", &self.transport.api_key)
            .field("timeout", &self.transport.timeout)
            .field("max_retries", &self.transport.max_retries)
            .finish_non_exhaustive()
    }
}

fn env(name: &str, ignore: bool) -> Option<String> {
    if ignore {
        return None;
    }
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Resolves the base URL to the host root the webhook routes hang from (with a trailing `/`).
pub fn resolve_base_url(base: &str) -> Result<Url, ValidationError> {
    let err = |kind, reason: String| ValidationError::new("baseUrl", kind, reason);
    let mut url = Url::parse(base.trim())
        .map_err(|e| err(Kind::Malformed, format!("not an absolute URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(err(
            Kind::Malformed,
            format!("the scheme must be http or https, not `{}`", url.scheme()),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(err(
            Kind::SecretInUrl,
            "the base URL must not contain credentials; use api_key".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(err(
            Kind::Malformed,
            "the base URL must not have a query or fragment".into(),
        ));
    }
    if url.host().is_none() {
        return Err(err(Kind::Malformed, "the base URL has no host".into()));
    }
    let mut path = url.path().trim_end_matches('/').to_owned();
    if path.to_ascii_lowercase().ends_with("/v4") {
        path.truncate(path.len() - 3);
    }
    path.push('/');
    url.set_path(&path);
    Ok(url)
}

impl Client {
    /// A builder; see [`ClientOptions`] for the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment alone (`MEETERGO_API_KEY`, `MEETERGO_USER_ID`,
    /// `MEETERGO_BASE_URL`).
    pub fn from_env() -> Result<Client> {
        Client::new(ClientOptions::default())
    }

    /// A client from options. Checks everything that can be checked without sending.
    pub fn new(options: ClientOptions) -> Result<Client> {
        let ignore = options.ignore_env;
        let token = options
            .api_key
            .clone()
            .or_else(|| env("MEETERGO_API_KEY", ignore))
            .unwrap_or_default();
        let api_key = ApiKey::new(token)?;
        let env_user = env("MEETERGO_USER_ID", ignore);
        let user_id = user_id_header(
            &api_key,
            options.user_id.as_deref(),
            env_user.as_deref(),
            options.send_user_id_with_personal_token,
        )?;
        let base = options
            .base_url
            .clone()
            .or_else(|| env("MEETERGO_BASE_URL", ignore));
        let root = resolve_base_url(base.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let timeout = options.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(ValidationError::new(
                "timeout",
                Kind::Malformed,
                "the timeout must be above zero",
            )
            .into());
        }

        let config_err = |reason: String| ValidationError::new("http", Kind::Config, reason);
        let mut headers = HeaderMap::new();
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", api_key.expose_secret()))
            .map_err(|_| {
                ValidationError::new(
                    "apiKey",
                    Kind::Malformed,
                    "the API key cannot be sent in a header",
                )
            })?;
        auth.set_sensitive(true);
        headers.insert(header::AUTHORIZATION, auth);
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(id) = &user_id {
            let value = HeaderValue::from_str(id).map_err(|_| {
                ValidationError::new(
                    "userId",
                    Kind::Malformed,
                    "the user id cannot be sent in a header",
                )
            })?;
            headers.insert("x-meetergo-api-user-id", value);
        }
        let user_agent = options
            .user_agent
            .clone()
            .unwrap_or_else(|| USER_AGENT.to_owned());

        // reqwest is built without a bundled crypto provider (aws-lc's C build doubles build times): install ring,
        // unless the application already installed one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(user_agent)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| config_err(format!("could not initialise the HTTP client: {e}")))?;

        Ok(Client {
            allow_insecure_endpoints: options.allow_insecure_endpoints,
            transport: Arc::new(Transport {
                http,
                root,
                api_key,
                timeout,
                max_retries: options.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
                limiter: options.rate_limit.map(TokenBucket::new),
                clock: tokio::time::Instant::now(),
                initial_retry_delay: options
                    .initial_retry_delay
                    .unwrap_or(DEFAULT_INITIAL_RETRY_DELAY),
                max_retry_delay: options.max_retry_delay.unwrap_or(DEFAULT_MAX_RETRY_DELAY),
            }),
        })
    }

    /// The webhook endpoints resource.
    pub fn webhooks(&self) -> Webhooks<'_> {
        Webhooks::new(&self.transport, self.allow_insecure_endpoints)
    }

    /// The root URL requests go to (a trailing `/v4` removed).
    pub fn base_url(&self) -> &Url {
        &self.transport.root
    }

    /// Whether `http` and private endpoint hosts are allowed.
    pub fn allows_insecure_endpoints(&self) -> bool {
        self.allow_insecure_endpoints
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_prefix_and_drops_v4() {
        let r = |s: &str| resolve_base_url(s).map(|u| u.to_string());
        assert_eq!(
            r("https://api.meetergo.com").unwrap(),
            "https://api.meetergo.com/"
        );
        assert_eq!(
            r("https://api.meetergo.com/v4").unwrap(),
            "https://api.meetergo.com/"
        );
        assert_eq!(
            r("https://api.meetergo.com/v4/").unwrap(),
            "https://api.meetergo.com/"
        );
        assert_eq!(
            r("http://127.0.0.1:8080/proxy/meetergo/V4").unwrap(),
            "http://127.0.0.1:8080/proxy/meetergo/"
        );
        assert_eq!(
            r("http://127.0.0.1:8080/v44").unwrap(),
            "http://127.0.0.1:8080/v44/"
        );
        assert!(r("ftp://x.example").is_err());
        assert!(r("https://user:pw@api.meetergo.com").is_err());
        assert!(r("https://api.meetergo.com/?x=1").is_err());
        assert!(r("not a url").is_err());
    }
}
