//! `meetergo` for Node: napi-rs bindings over meetergo-core. Conversion and error mapping only.
//!
//! Errors cross to JavaScript as the core's [`ErrorReport::js_message`];
//! `node/index.js` turns them into the `MeetergoError` classes. Requests run on napi's tokio runtime: every call
//! returns a [`PendingCall`] at once, so the event loop is never blocked and an `AbortSignal` can cancel it.

use std::sync::Mutex;
use std::sync::PoisonError;

use meetergo_core as core;
use meetergo_core::{ErrorReport, Event, EventType};
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
fn internal(message: &str, code: &str) -> Error {
    let report = serde_json::json!({
        "name": "MeetergoError",
        "code": code,
        "message": message,
        "outcomeUnknown": true,
    });
    Error::new(
        Status::GenericFailure,
        format!("{}{report}", ErrorReport::JS_PREFIX),
    )
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
/// `MeetergoError` (`MEETERGO_INTERNAL`), not crash the process.
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
        let mut b = core::Client::builder()
            .allow_insecure_endpoints(o.allow_insecure_endpoints.unwrap_or(false))
            .user_agent(concat!("meetergo-node/", env!("CARGO_PKG_VERSION")));
        if let Some(k) = o.api_key {
            b = b.api_key(k);
        }
        if let Some(u) = o.user_id {
            b = b.user_id(u);
        }
        if let Some(u) = o.base_url {
            b = b.base_url(u);
        }
        if let Some(ms) = o.timeout_ms {
            b = b.timeout(core::positive_millis(ms, "timeoutMs").map_err(|e| validation(&e))?);
        }
        if let Some(n) = o.max_retries {
            b = b
                .max_retries(core::whole_number(n, "maxRetries", 100).map_err(|e| validation(&e))?);
        }
        let inner = b.build().map_err(|e| core_error(&e))?;
        Ok(Self { inner })
    }

    /// Registers a webhook (validated first).
    #[napi]
    pub fn create(&self, input: NewWebhookInput) -> PendingCall {
        let client = self.inner.clone();
        let mut new = core::NewWebhook::new(input.endpoint, input.event_types);
        if let Some(d) = input.description {
            new = new.description(d);
        }
        spawn(async move { client.webhooks().create(new).await })
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
        let mut p = core::WebhookPatch::new();
        if let Some(e) = patch.endpoint {
            p = p.endpoint(e);
        }
        if let Some(d) = patch.description {
            p = p.description(d);
        }
        if let Some(t) = patch.event_types {
            p = p.event_types(t);
        }
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

/// The event class names, indexed by the digit `checkEvent` answers with.
#[napi]
pub fn event_classes() -> Vec<&'static str> {
    Event::CLASS_NAMES.to_vec()
}

/// Where each event class reads ids (`Event::ID_PATHS`), by class: its paths joined by `,`. The layer turns the
/// integers there into strings when `checkEvent` says a body had some.
#[napi]
pub fn id_paths() -> Vec<String> {
    Event::ID_PATHS
        .iter()
        .map(|paths| paths.join(","))
        .collect()
}

/// Checks a delivery body (a `Buffer`, `Uint8Array` or string) exactly as the core parses it and answers with the
/// core's `Event::js_summary` (class, envelope, integer ids, idempotency key), from which `node/lib/shared.js` builds the event
/// object. Throws a payload error report when the body is unreadable.
#[napi]
pub fn check_event(body: Either<&[u8], String>, max_body_bytes: Option<f64>) -> Result<String> {
    let bytes = match &body {
        Either::A(bytes) => *bytes,
        Either::B(text) => text.as_bytes(),
    };
    Event::js_check(bytes, max_body_bytes).map_err(|r| thrown(&r))
}

/// A delivery body fit for printing: secret-looking values masked (the core's `redact_body`).
#[napi]
pub fn redact_body(body: String) -> String {
    core::redact_body(body.as_bytes())
}

/// The normalized definition, as JSON (`{"endpoint", "eventTypes", "description"?}`), or a validation report.
#[napi]
pub fn validate_webhook(input: WebhookDefinition) -> Result<String> {
    let mut new = core::NewWebhook::new(input.endpoint, input.event_types);
    if let Some(d) = input.description {
        new = new.description(d);
    }
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
        let ttl = core::positive_millis(ttl.unwrap_or(86_400_000.0), "ttlMs")
            .map_err(|e| validation(&e))?;
        let max = core::whole_number(max.unwrap_or(100_000.0), "maxEntries", u32::MAX)
            .map_err(|e| validation(&e))?;
        Ok(Self {
            inner: core::Deduplicator::new(ttl, usize::try_from(max).unwrap_or(usize::MAX)),
        })
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
