//! `Inbox` for Node: the core's durable inbox. Every operation may wait for the disk or for Redis, so each runs on
//! libuv's thread pool ([`AsyncTask`]) and answers a Promise; results cross as JSON (except claims, which keep the
//! core's claim on the Rust side). The worker loop and the framework adapters are `node/lib/inbox.js`'s.

use std::sync::Arc;

use meetergo_bind::Runtime;
use meetergo_bind::report::ErrorReport;
use meetergo_core::inbox::{self, InboxError, State};
use napi::bindgen_prelude::*;
use napi::{Env, Task};
use napi_derive::napi;
use serde_json::{Value, json};

fn inbox_error(e: &InboxError) -> Error {
    crate::thrown(&ErrorReport::from(e))
}

/// Options of `Inbox.open` (numbers as JavaScript gives them; checked by meetergo-bind).
#[napi(object)]
#[derive(Default)]
pub struct InboxOptions {
    /// Attempts before a delivery is dead-lettered. Default: 8.
    pub max_attempts: Option<f64>,
    /// How long a claim lasts, in milliseconds. Default: 60000.
    pub lease_ms: Option<f64>,
    /// The first retry's delay, in milliseconds (doubled per attempt, with jitter). Default: 1000.
    pub initial_retry_delay_ms: Option<f64>,
    /// The longest delay between attempts, in milliseconds. Default: 600000.
    pub max_retry_delay_ms: Option<f64>,
    /// Bodies above this many bytes are refused (413). Default: 1 MiB.
    pub max_body_bytes: Option<f64>,
    /// New deliveries are refused (503) once the store holds this many bytes. Default: no limit.
    pub max_store_bytes: Option<f64>,
}

/// Opens an inbox on the thread pool.
pub struct Open {
    url: String,
    options: inbox::InboxOptions,
}

impl Task for Open {
    type Output = inbox::Inbox;
    type JsValue = Inbox;

    fn compute(&mut self) -> Result<Self::Output> {
        inbox::Inbox::open(&self.url, self.options.clone()).map_err(|e| inbox_error(&e))
    }

    fn resolve(&mut self, _: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(Inbox {
            inner: Arc::new(output),
        })
    }
}

/// Opens (creating if needed) the inbox at `url` (`sqlite:PATH`, `redis://host:6379/0?prefix=NAME`).
#[napi(ts_return_type = "Promise<Inbox>")]
pub fn open_inbox(url: String, options: Option<InboxOptions>) -> Result<AsyncTask<Open>> {
    let o = options.unwrap_or_default();
    let options = meetergo_bind::inbox::Options {
        max_attempts: o.max_attempts,
        lease: o.lease_ms,
        initial_retry_delay: o.initial_retry_delay_ms,
        max_retry_delay: o.max_retry_delay_ms,
        max_body_bytes: o.max_body_bytes,
        max_store_bytes: o.max_store_bytes,
    }
    .resolve(Runtime::JavaScript)
    .map_err(|e| crate::validation(&e))?;
    Ok(AsyncTask::new(Open { url, options }))
}

/// One operation on the thread pool, answering JSON.
pub struct Call {
    run: Option<Box<dyn FnOnce() -> std::result::Result<Value, InboxError> + Send>>,
}

impl Task for Call {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<Self::Output> {
        let run = self
            .run
            .take()
            .ok_or_else(|| crate::internal("an inbox call ran twice", "MEETERGO_INTERNAL"))?;
        run().map(|v| v.to_string()).map_err(|e| inbox_error(&e))
    }

    fn resolve(&mut self, _: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output)
    }
}

fn call(
    run: impl FnOnce() -> std::result::Result<Value, InboxError> + Send + 'static,
) -> AsyncTask<Call> {
    AsyncTask::new(Call {
        run: Some(Box::new(run)),
    })
}

/// Claims a delivery on the thread pool.
pub struct ClaimTask {
    inbox: Arc<inbox::Inbox>,
    worker: String,
}

impl Task for ClaimTask {
    type Output = Option<inbox::Claim>;
    type JsValue = Option<Claim>;

    fn compute(&mut self) -> Result<Self::Output> {
        self.inbox.claim(&self.worker).map_err(|e| inbox_error(&e))
    }

    fn resolve(&mut self, _: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output.map(|c| Claim { inner: Arc::new(c) }))
    }
}

/// A claimed delivery (`inbox.claim()`): what a handler gets.
#[napi]
pub struct Claim {
    inner: Arc<inbox::Claim>,
}

#[napi]
impl Claim {
    /// The inbox's id of the delivery.
    #[napi(getter)]
    pub fn id(&self) -> i64 {
        self.inner.id
    }

    /// The idempotency key: make the handler's own side effects idempotent with it.
    #[napi(getter)]
    pub fn key(&self) -> String {
        self.inner.key.clone()
    }

    /// This attempt's number, from 1.
    #[napi(getter)]
    pub fn attempt(&self) -> u32 {
        self.inner.attempt
    }

    /// The body as received.
    #[napi(getter)]
    pub fn body(&self) -> Buffer {
        Buffer::from(self.inner.body.clone())
    }
}

/// The body of `accept`/`receive`: a `Buffer`/`Uint8Array` (copied: the work runs off the JavaScript thread) or a
/// string.
fn bytes(body: Either<&[u8], String>) -> Vec<u8> {
    match body {
        Either::A(bytes) => bytes.to_vec(),
        Either::B(text) => text.into_bytes(),
    }
}

/// `[name, value, name, value, ...]` (Node's `rawHeaders`) as pairs; an odd last name is dropped.
fn pairs(headers: &[String]) -> Vec<(&str, &str)> {
    headers
        .chunks_exact(2)
        .map(|p| (p[0].as_str(), p[1].as_str()))
        .collect()
}

fn accepted_json(a: &inbox::Accepted) -> Value {
    let (status, key, error) = meetergo_bind::inbox::accepted(a);
    let mut out = json!({ "status": status, "key": key });
    if let Some(error) = error {
        out["error"] = Value::from(error);
    }
    out
}

fn state(name: &str) -> Result<State> {
    State::parse(name).ok_or_else(|| {
        Error::new(
            Status::InvalidArg,
            format!("unknown state {name:?}: pending, running, done, dead or quarantined"),
        )
    })
}

/// The core's inbox: `node/lib/inbox.js` wraps it as `meetergo.Inbox`.
#[napi]
pub struct Inbox {
    inner: Arc<inbox::Inbox>,
}

#[napi]
impl Inbox {
    /// Stores a body durably; answers `{status, key, error?}` (JSON).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn accept(&self, body: Either<&[u8], String>, headers: Vec<String>) -> AsyncTask<Call> {
        let (inbox, body) = (Arc::clone(&self.inner), bytes(body));
        call(move || {
            inbox
                .accept(&body, &pairs(&headers))
                .map(|a| accepted_json(&a))
        })
    }

    /// `accept` for an HTTP handler: `{status, body}` (JSON) to answer meetergo with — 200 once stored, 413 or 503
    /// (with `{error}`) when not. Never rejects for the store's failures.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn receive(&self, body: Either<&[u8], String>, headers: Vec<String>) -> AsyncTask<Call> {
        let (inbox, body) = (Arc::clone(&self.inner), bytes(body));
        call(move || {
            let (status, answer) = inbox.receive(&body, &pairs(&headers));
            Ok(json!({ "status": status, "body": answer }))
        })
    }

    /// Claims the oldest due delivery for `worker`; `null` when there is none.
    #[napi(ts_return_type = "Promise<Claim | null>")]
    pub fn claim(&self, worker: String) -> AsyncTask<ClaimTask> {
        AsyncTask::new(ClaimTask {
            inbox: Arc::clone(&self.inner),
            worker,
        })
    }

    /// Marks a claimed delivery handled (rejects with `kind` `LeaseLost` when its lease expired).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn complete(&self, claim: &Claim) -> AsyncTask<Call> {
        let (inbox, claim) = (Arc::clone(&self.inner), Arc::clone(&claim.inner));
        call(move || inbox.complete(&claim).map(|()| Value::Null))
    }

    /// Records a failed attempt: the milliseconds until the next one, or `null` when dead-lettered (JSON).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn fail(&self, claim: &Claim, error: String) -> AsyncTask<Call> {
        let (inbox, claim) = (Arc::clone(&self.inner), Arc::clone(&claim.inner));
        call(move || {
            inbox.fail(&claim, &error).map(|retry| match retry {
                inbox::Retry::After(delay) => {
                    Value::from(u64::try_from(delay.as_millis()).unwrap_or(u64::MAX))
                }
                inbox::Retry::Dead => Value::Null,
            })
        })
    }

    /// Deliveries in `state`, oldest first, at most `limit` (JSON).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn list(&self, state: String, limit: u32) -> Result<AsyncTask<Call>> {
        let (inbox, state) = (Arc::clone(&self.inner), self::state(&state)?);
        Ok(call(move || {
            let listed = inbox.list(state, usize::try_from(limit).unwrap_or(usize::MAX))?;
            Ok(Value::Array(
                listed.iter().map(inbox::DeliveryInfo::to_json).collect(),
            ))
        }))
    }

    /// How many deliveries are in each state (JSON).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn counts(&self) -> AsyncTask<Call> {
        let inbox = Arc::clone(&self.inner);
        call(move || Ok(inbox.counts()?.to_json()))
    }

    /// Puts a dead delivery back, or parses a quarantined one again: its state afterwards (JSON).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn replay(&self, id: i64) -> AsyncTask<Call> {
        let inbox = Arc::clone(&self.inner);
        call(move || inbox.replay(id).map(|s| Value::from(s.as_str())))
    }

    /// Puts every dead delivery back: how many (JSON).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn replay_dead(&self) -> AsyncTask<Call> {
        let inbox = Arc::clone(&self.inner);
        call(move || inbox.replay_dead().map(Value::from))
    }

    /// Deletes deliveries handled more than `older_than_ms` ago: how many (JSON).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn purge_done(&self, older_than_ms: f64) -> Result<AsyncTask<Call>> {
        let age = std::time::Duration::try_from_secs_f64(older_than_ms / 1000.0).map_err(|_| {
            crate::validation(&meetergo_core::ValidationError::new(
                "olderThanMs",
                meetergo_core::ValidationErrorKind::Malformed,
                "must be a number of milliseconds, 0 or more",
            ))
        })?;
        let inbox = Arc::clone(&self.inner);
        Ok(call(move || inbox.purge_done(age).map(Value::from)))
    }

    /// Why an acknowledged delivery might not survive a crash of the store's server, or `null`.
    #[napi(getter)]
    pub fn durability_warning(&self) -> Option<String> {
        self.inner.durability_warning().map(str::to_owned)
    }

    /// The store as a URL without credentials.
    #[napi(getter)]
    pub fn location(&self) -> String {
        self.inner.location()
    }
}
