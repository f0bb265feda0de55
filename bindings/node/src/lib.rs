//! `meetergo` for Node: napi-rs bindings over meetergo-core. Conversion and error mapping only.
//!
//! Everything about crossing into a dynamic language that Python needs too (options from loose numbers, webhook
//! definitions, the error report, the event's JSON) is `meetergo-bind`'s. Errors cross to JavaScript as
//! [`ErrorReport::js_message`];
//! `node/index.js` turns them into the `MeetergoError` classes. Requests run on napi's tokio runtime: every call
//! returns a [`PendingCall`] at once, so the event loop is never blocked and an `AbortSignal` can cancel it.

pub mod inbox;
pub mod logging;

use std::sync::Mutex;
use std::sync::PoisonError;

use meetergo_bind::report::ErrorReport;
use meetergo_bind::{Runtime, event as bind_event, webhook};
use meetergo_core as core;
use meetergo_core::EventType;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use tokio::task::{AbortHandle, JoinHandle};

fn thrown(report: &ErrorReport) -> Error {
    Error::new(Status::GenericFailure, report.js_message())
}

fn core_error(e: &core::Error) -> Error {
    thrown(&ErrorReport::from(e))
}

fn validation(e: &core::ValidationError) -> Error {
    thrown(&ErrorReport::from(e))
}

/// A failure that is not the core's: a panic inside it (a bug) or a cancelled call.
fn internal(message: &str, code: &'static str) -> Error {
    thrown(&ErrorReport::internal(message, code))
}

/// `new Client(options)`: every option may be left out (environment variables `MEETERGO_*`, then defaults).
#[napi(object)]
#[derive(Default)]
pub struct ClientOptions {
    /// API token (`rgo-...` or `ak_live:...`). Default: `MEETERGO_API_KEY`.
    pub api_key: Option<String>,
    /// Acting user (required for `ak_live:` keys). Default: `MEETERGO_USER_ID`.
    pub user_id: Option<String>,
    /// Default: `MEETERGO_BASE_URL`, else `https://api.meetergo.com`.
    pub base_url: Option<String>,
    /// Timeout per attempt in milliseconds. Default: 30000.
    pub timeout_ms: Option<f64>,
    /// Retries after the first attempt. Default: 2.
    pub max_retries: Option<f64>,
    /// Allow http and private hosts as endpoints (local development). Default: false.
    pub allow_insecure_endpoints: Option<bool>,
    /// Send an explicit `userId` with `rgo-` tokens too. Default: false.
    pub send_user_id_with_personal_token: Option<bool>,
    /// Client-side rate limit. Default: off.
    pub rate_limit: Option<RateLimitOptions>,
    /// Wait before the first retry, in milliseconds (doubled per retry, with jitter). Default: 500.
    pub initial_retry_delay_ms: Option<f64>,
    /// Longest wait between attempts, in milliseconds. Default: 30000.
    pub max_retry_delay_ms: Option<f64>,
    /// Do not read `MEETERGO_*` environment variables. Default: false.
    pub ignore_env: Option<bool>,
}

/// `rateLimit`: meetergo allows 100 requests a minute per key, with bursts up to 200.
#[napi(object)]
pub struct RateLimitOptions {
    /// Sustained requests per minute. Default: 100.
    pub per_minute: Option<f64>,
    /// Requests that may go out at once after a quiet period. Default: 200.
    pub burst: Option<f64>,
}

/// `client.webhooks.create(input)`.
#[napi(object)]
pub struct NewWebhookInput {
    /// URL deliveries are POSTed to.
    pub endpoint: String,
    /// Events to subscribe to.
    pub event_types: Vec<String>,
    /// Human-readable description.
    pub description: Option<String>,
}

/// `client.webhooks.update(id, patch)`: only the fields given are sent.
#[napi(object)]
pub struct WebhookPatchInput {
    /// New endpoint.
    pub endpoint: Option<String>,
    /// New description.
    pub description: Option<String>,
    /// New event subscriptions (replaces the list).
    pub event_types: Option<Vec<String>>,
}

/// `validateWebhook(input)`.
#[napi(object)]
pub struct WebhookDefinition {
    /// URL deliveries are POSTed to.
    pub endpoint: String,
    /// Events to subscribe to.
    pub event_types: Vec<String>,
    /// Human-readable description.
    pub description: Option<String>,
    /// Allow http and private hosts (local development).
    pub allow_insecure_endpoints: Option<bool>,
}

/// A request in flight on the Rust runtime. `outcome()` settles with the answer as JSON; `cancel()` aborts it.
#[napi]
pub struct PendingCall {
    handle: Mutex<Option<JoinHandle<Result<String>>>>,
    abort: AbortHandle,
}

#[napi]
impl PendingCall {
    /// Aborts the request (the connection is dropped; a create may still have reached meetergo).
    #[napi]
    pub fn cancel(&self) {
        self.abort.abort();
    }

    /// The answer, as JSON text (`null` for a delete). Can be awaited once.
    #[napi]
    pub async fn outcome(&self) -> Result<String> {
        let handle = self
            .handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let Some(handle) = handle else {
            return Err(internal(
                "this call's outcome was already taken",
                "MEETERGO_INTERNAL",
            ));
        };
        match handle.await {
            Ok(result) => result,
            Err(e) if e.is_cancelled() => Err(internal("the call was aborted", "MEETERGO_ABORTED")),
            Err(_) => Err(internal(
                "internal error: a bug in meetergo's Rust core (please report it)",
                "MEETERGO_INTERNAL",
            )),
        }
    }
}

fn spawn<T, F>(fut: F) -> PendingCall
where
    T: serde::Serialize,
    F: Future<Output = core::Result<T>> + Send + 'static,
{
    // On napi's tokio runtime (its worker threads), not on the JavaScript thread.
    let handle = napi::bindgen_prelude::within_runtime_if_available(|| {
        tokio::spawn(async move {
            let value = fut.await.map_err(|e| core_error(&e))?;
            serde_json::to_string(&value).map_err(|e| internal(&e.to_string(), "MEETERGO_INTERNAL"))
        })
    });
    let abort = handle.abort_handle();
    PendingCall {
        handle: Mutex::new(Some(handle)),
        abort,
    }
}

/// For the tests: a call whose future panics, as a bug in the core would. Its outcome must reject with a
/// `MeetergoError` (`MEETERGO_INTERNAL`), not crash the process. Only in builds with the `test-hooks` feature.
#[cfg(feature = "test-hooks")]
#[napi]
pub fn panicking_call_for_tests() -> PendingCall {
    spawn(async {
        if std::hint::black_box(true) {
            #[allow(clippy::panic)]
            {
                panic!("a deliberate panic (panickingCallForTests)");
            }
        }
        Ok::<(), core::Error>(())
    })
}

fn desired_list(desired: Vec<NewWebhookInput>) -> Vec<core::NewWebhook> {
    desired
        .into_iter()
        .map(|d| webhook::new_webhook(d.endpoint, d.event_types, d.description))
        .collect()
}

/// The native client; `node/index.js` wraps it as `Client` with `client.webhooks`.
#[napi]
pub struct NativeClient {
    inner: core::Client,
}

#[napi]
impl NativeClient {
    /// Builds the client (validates the options; nothing is sent).
    #[napi(constructor)]
    pub fn new(options: Option<ClientOptions>) -> Result<Self> {
        let o = options.unwrap_or_default();
        let options = meetergo_bind::options::Options {
            api_key: o.api_key,
            user_id: o.user_id,
            base_url: o.base_url,
            timeout: o.timeout_ms,
            max_retries: o.max_retries,
            allow_insecure_endpoints: o.allow_insecure_endpoints,
            send_user_id_with_personal_token: o.send_user_id_with_personal_token,
            rate_limit: o
                .rate_limit
                .map(|r| meetergo_bind::options::RateLimitOptions {
                    per_minute: r.per_minute,
                    burst: r.burst,
                }),
            initial_retry_delay: o.initial_retry_delay_ms,
            max_retry_delay: o.max_retry_delay_ms,
            ignore_env: o.ignore_env,
        };
        let b = options
            .builder(Runtime::JavaScript)
            .map_err(|e| validation(&e))?
            .user_agent(concat!("meetergo-node/", env!("CARGO_PKG_VERSION")));
        let inner = b.build().map_err(|e| core_error(&e))?;
        Ok(Self { inner })
    }

    /// Registers a webhook (validated first).
    #[napi]
    pub fn create(&self, input: NewWebhookInput) -> PendingCall {
        let client = self.inner.clone();
        let new = webhook::new_webhook(input.endpoint, input.event_types, input.description);
        spawn(async move { client.webhooks().create(new).await })
    }

    /// After a create whose outcome is unknown: the registered webhook that matches `input`, or `null`.
    #[napi]
    pub fn reconcile(&self, input: NewWebhookInput) -> PendingCall {
        let client = self.inner.clone();
        let new = webhook::new_webhook(input.endpoint, input.event_types, input.description);
        spawn(async move { client.webhooks().reconcile(&new).await })
    }

    /// The steps that would make the registered webhooks match `desired` (nothing is changed).
    #[napi]
    pub fn plan_sync(&self, desired: Vec<NewWebhookInput>) -> PendingCall {
        let client = self.inner.clone();
        let desired = desired_list(desired);
        spawn(async move { client.webhooks().plan_sync(&desired).await })
    }

    /// Makes the registered webhooks match `desired`; answers with the steps carried out.
    #[napi]
    pub fn sync(&self, desired: Vec<NewWebhookInput>) -> PendingCall {
        let client = self.inner.clone();
        let desired = desired_list(desired);
        spawn(async move { client.webhooks().sync(&desired).await })
    }

    /// The company's webhooks.
    #[napi]
    pub fn list(&self) -> PendingCall {
        let client = self.inner.clone();
        spawn(async move { client.webhooks().list().await })
    }

    /// Changes a webhook.
    #[napi]
    pub fn update(&self, id: String, patch: WebhookPatchInput) -> PendingCall {
        let client = self.inner.clone();
        let p = webhook::patch(patch.endpoint, patch.description, patch.event_types);
        spawn(async move { client.webhooks().update(&id, p).await })
    }

    /// Deletes a webhook.
    #[napi]
    pub fn delete(&self, id: String) -> PendingCall {
        let client = self.inner.clone();
        spawn(async move { client.webhooks().delete(&id).await })
    }

    /// The client with its token redacted (for `util.inspect`).
    #[napi]
    pub fn describe(&self) -> String {
        format!("{:?}", self.inner)
    }
}

/// The event class names, indexed by the digit `parseEvent` answers with.
#[napi]
pub fn event_classes() -> Vec<&'static str> {
    bind_event::CLASS_NAMES.to_vec()
}

/// Parses a delivery body (a `Buffer`, `Uint8Array` or string) exactly as every runtime does and answers with the
/// event for JavaScript (`meetergo_bind::event::for_javascript_ascii`: the core's normalized JSON with the idempotency
/// key, ASCII-escaped, then spaces naming the class), from which `node/lib/shared.js` builds the event object. Throws a
/// payload error report when the body is unreadable.
#[napi]
pub fn parse_event(body: Either<&[u8], String>, max_body_bytes: Option<f64>) -> Result<String> {
    let bytes = match &body {
        Either::A(bytes) => *bytes,
        Either::B(text) => text.as_bytes(),
    };
    bind_event::parse(Runtime::JavaScript, bytes, max_body_bytes)
        .map(|event| bind_event::for_javascript_ascii(&event))
        .map_err(|r| thrown(&r))
}

/// A delivery body fit for printing: secret-looking values masked (the core's `redact_body`).
#[napi]
pub fn redact_body(body: String) -> String {
    core::redact_body(body.as_bytes())
}

/// The normalized definition, as JSON (`{"endpoint", "eventTypes", "description"?}`), or a validation report.
#[napi]
pub fn validate_webhook(input: WebhookDefinition) -> Result<String> {
    let new = webhook::new_webhook(input.endpoint, input.event_types, input.description);
    let checked = core::validate_new_webhook(&new, input.allow_insecure_endpoints.unwrap_or(false))
        .map_err(|e| validation(&e))?;
    serde_json::to_string(&checked).map_err(|e| internal(&e.to_string(), "MEETERGO_INTERNAL"))
}

/// The nine event types meetergo documents, as sent on the wire.
#[napi]
pub fn known_event_types() -> Vec<&'static str> {
    EventType::KNOWN.iter().map(EventType::as_str).collect()
}

/// The most webhooks a company can have.
#[napi]
#[allow(clippy::cast_possible_truncation)] // 6
pub const MAX_WEBHOOKS_PER_COMPANY: u32 = core::MAX_WEBHOOKS_PER_COMPANY as u32;

/// The version of meetergo-core in this build.
#[napi]
pub fn core_version() -> &'static str {
    core::VERSION
}

/// `new PathSecret(secret)` / `PathSecret.generate()`: an unguessable path segment of an endpoint.
#[napi]
pub struct PathSecret {
    inner: core::PathSecret,
}

#[napi]
impl PathSecret {
    /// A secret stored earlier (what `reveal()` gave).
    #[napi(constructor)]
    pub fn new(secret: String) -> Result<Self> {
        let inner = core::PathSecret::parse(&secret).map_err(|e| validation(&e))?;
        Ok(Self { inner })
    }

    /// A new secret from the operating system's random source.
    #[napi(factory)]
    pub fn generate() -> Result<Self> {
        let inner = core::PathSecret::generate().map_err(|e| validation(&e))?;
        Ok(Self { inner })
    }

    /// The secret itself.
    #[napi]
    pub fn reveal(&self) -> String {
        self.inner.reveal().to_owned()
    }

    /// `endpoint` with the secret appended as its last path segment.
    #[napi]
    pub fn endpoint(&self, endpoint: String) -> Result<String> {
        self.inner.endpoint(&endpoint).map_err(|e| validation(&e))
    }

    /// Whether `segment` is this secret (constant time).
    #[napi]
    pub fn matches(&self, segment: String) -> bool {
        self.inner.matches(&segment)
    }

    /// Whether a request path holds this secret as a segment (constant time).
    #[napi]
    pub fn matches_path(&self, path: String) -> bool {
        self.inner.matches_path(&path)
    }
}

/// `new Deduplicator({ ttlMs, maxEntries })`: remembers idempotency keys, thread-safe, bounded.
#[napi]
pub struct Deduplicator {
    inner: core::Deduplicator,
}

/// Options of `Deduplicator`.
#[napi(object)]
pub struct DeduplicatorOptions {
    /// How long a key is remembered, in milliseconds. Default: 24 hours.
    pub ttl_ms: Option<f64>,
    /// How many keys are remembered at most (the oldest go first). Default: 100000.
    pub max_entries: Option<f64>,
}

#[napi]
impl Deduplicator {
    /// A de-duplicator.
    #[napi(constructor)]
    pub fn new(options: Option<DeduplicatorOptions>) -> Result<Self> {
        let (ttl, max) = options.map_or((None, None), |o| (o.ttl_ms, o.max_entries));
        let inner = meetergo_bind::dedup::deduplicator(Runtime::JavaScript, ttl, max)
            .map_err(|e| validation(&e))?;
        Ok(Self { inner })
    }

    /// `true` the first time a key is seen (within the TTL), `false` for a duplicate.
    #[napi]
    pub fn first_seen(&self, key: String) -> bool {
        self.inner.first_seen(&key)
    }

    /// Forgets a key (e.g. when processing failed and a redelivery should be accepted).
    #[napi]
    pub fn forget(&self, key: String) -> bool {
        self.inner.forget(&key)
    }

    /// How many keys are remembered.
    #[napi(getter)]
    pub fn size(&self) -> u32 {
        u32::try_from(self.inner.len()).unwrap_or(u32::MAX)
    }
}
