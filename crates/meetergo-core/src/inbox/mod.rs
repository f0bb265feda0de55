//! A durable delivery inbox: exactly-once processing on top of meetergo's at-least-once, never-retried deliveries.
//!
//! An HTTP handler calls [`Inbox::accept`] with the raw body and answers 200 only after it returns: the bytes are then
//! on disk (SQLite in WAL mode with `synchronous = FULL`; concurrent deliveries share one commit). A redelivery of the
//! same event (same idempotency key) is acknowledged and not stored again; a body that does not parse is kept in a
//! quarantine, never dropped. Workers [`Inbox::claim`] pending deliveries under a lease, run the user's handler and
//! [`Inbox::complete`] or [`Inbox::fail`] them: a failure is retried with exponential backoff and jitter, then
//! dead-lettered with its last error; a worker that dies mid-handler loses its claim when the lease expires, and
//! another worker takes the delivery over. [`Inbox::work_once`] runs one delivery through a handler.
//!
//! The store is chosen by URL ([`Inbox::open`]): `sqlite:path` (or `sqlite::memory:` for tests), the embedded
//! default for receivers on one machine, or `redis://host:port/db` (feature `redis`) for receivers on many machines
//! sharing one Redis. Both implement one internal trait with the same semantics, held to it by the same tests.

#[cfg(feature = "axum")]
pub mod axum;
#[cfg(feature = "redis")]
mod redis;
mod sqlite;

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::PayloadError;
use crate::event::{Event, ParseOptions};

/// A body to store.
pub(crate) struct NewDelivery {
    pub key: String,
    pub state: State,
    pub body: Vec<u8>,
    pub headers: String,
    pub webhook_type: Option<String>,
    pub error: Option<String>,
}

/// What a store does; times are milliseconds since the Unix epoch. Each operation is atomic, and answers only once
/// its effect is as durable as the store makes anything.
pub(crate) trait Store: Send + Sync + fmt::Debug {
    /// Stores a new delivery; `false` when its key is already stored (the duplicate is counted). Past the store's
    /// byte limit a new key fails with [`InboxError::Storage`] ("the inbox is full"); a known one is still counted.
    fn insert(&self, d: NewDelivery) -> Result<bool, InboxError>;
    /// Dead-letters deliveries whose lease expired on their last allowed attempt, then claims the due delivery
    /// with the smallest `(next_attempt_at, id)`: pending and due, or running with an expired lease.
    fn claim(
        &self,
        worker: &str,
        options: &InboxOptions,
        now: i64,
    ) -> Result<Option<Claim>, InboxError>;
    /// Running with this token → done ([`InboxError::LeaseLost`] otherwise).
    fn complete(&self, id: i64, token: &str, now: i64) -> Result<(), InboxError>;
    /// Running with this token → pending at the retry's time, or dead.
    fn fail(
        &self,
        id: i64,
        token: &str,
        error: &str,
        retry: Retry,
        now: i64,
    ) -> Result<(), InboxError>;
    /// The state and body of a delivery.
    fn body(&self, id: i64) -> Result<(State, Vec<u8>), InboxError>;
    /// Dead → pending, attempts from zero.
    fn requeue(&self, id: i64, now: i64) -> Result<(), InboxError>;
    /// Every dead delivery → pending; how many.
    fn requeue_all_dead(&self, now: i64) -> Result<u64, InboxError>;
    /// A quarantined body that now parses: pending under its key, or, when that key is already stored, folded into
    /// it as a duplicate. Answers the state the delivery is in afterwards.
    fn unquarantine(
        &self,
        id: i64,
        key: &str,
        webhook_type: &str,
        now: i64,
    ) -> Result<State, InboxError>;
    /// Records why a quarantined body still does not parse.
    fn set_error(&self, id: i64, error: &str) -> Result<(), InboxError>;
    /// Deletes deliveries done before `cutoff`, with their keys; how many.
    fn purge_done(&self, cutoff: i64) -> Result<u64, InboxError>;
    /// Deliveries in `state` by ascending id, at most `limit`.
    fn list(&self, state: State, limit: usize) -> Result<Vec<DeliveryInfo>, InboxError>;
    /// How many deliveries are in each state.
    fn counts(&self) -> Result<Counts, InboxError>;
    /// Why an acknowledged delivery might not survive a crash of the store's server, when the store knows it.
    fn durability_warning(&self) -> Option<&str> {
        None
    }
    /// The store as a URL without credentials (`sqlite:inbox.db`, `redis://host:6379/0?prefix=NAME`).
    fn location(&self) -> String;
}

/// The message of a store that refuses a new delivery because it holds `used` of its `max` bytes.
pub(crate) fn full_message(used: u64, max: u64) -> String {
    format!(
        "the inbox is full ({used} of {max} bytes in use): deliveries are refused until workers drain it and a \
         purge frees space"
    )
}

/// Where a delivery is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Stored, waiting for a worker (or for its next attempt).
    Pending,
    /// Claimed by a worker whose lease has not expired.
    Running,
    /// Handled.
    Done,
    /// Failed `max_attempts` times; kept with its last error until replayed or purged.
    Dead,
    /// The body could not be parsed; kept as received.
    Quarantined,
}

impl State {
    /// Every state, in the order of a delivery's life.
    pub const ALL: [State; 5] = [
        State::Pending,
        State::Running,
        State::Done,
        State::Dead,
        State::Quarantined,
    ];

    /// The name stored and printed (`pending`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Running => "running",
            State::Done => "done",
            State::Dead => "dead",
            State::Quarantined => "quarantined",
        }
    }

    /// The state of a stored name.
    pub fn parse(name: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`Inbox::accept`] did with a body. Every variant means "durably handled": answer meetergo with 200.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Accepted {
    /// Stored as a new pending delivery.
    Stored {
        /// The event's idempotency key.
        key: String,
    },
    /// The same event was stored before (a redelivery); nothing was stored again.
    Duplicate {
        /// The event's idempotency key.
        key: String,
    },
    /// The body does not parse; kept in the quarantine (by the SHA-256 of its bytes, so a resend is not kept twice).
    Quarantined {
        /// `quarantine#sha256:<hex>`.
        key: String,
        /// Why it does not parse (never the body's secrets).
        error: String,
    },
}

impl Accepted {
    /// `stored`, `duplicate` or `quarantined`: the name every runtime gives this outcome.
    pub fn status(&self) -> &'static str {
        match self {
            Accepted::Stored { .. } => "stored",
            Accepted::Duplicate { .. } => "duplicate",
            Accepted::Quarantined { .. } => "quarantined",
        }
    }

    /// The idempotency key (`quarantine#sha256:…` for a body that does not parse).
    pub fn key(&self) -> &str {
        match self {
            Accepted::Stored { key }
            | Accepted::Duplicate { key }
            | Accepted::Quarantined { key, .. } => key,
        }
    }
}

/// Why the inbox failed. An HTTP handler answers 503 for [`InboxError::Storage`] (so meetergo's log shows a failed
/// delivery) and 413 for [`InboxError::TooLarge`]; it never answers 200 without storing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InboxError {
    /// The body is larger than the inbox accepts; nothing was stored.
    #[error("the body is {size} bytes; the inbox accepts at most {limit}")]
    TooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The store failed (disk full, I/O error, database locked or corrupt, connection lost); nothing is promised.
    #[error("the inbox store failed: {0}")]
    Storage(String),
    /// The store URL is not one this SDK knows (`sqlite:PATH`, `redis://...`), or is malformed.
    #[error("unsupported inbox store `{0}`; use sqlite:PATH or redis://HOST[:PORT][/DB]")]
    UnsupportedStore(String),
    /// The delivery is not (or no longer) claimed with this claim: its lease expired and another worker took it.
    #[error("delivery {0} is no longer claimed by this worker (its lease expired)")]
    LeaseLost(i64),
    /// No delivery with this id, or not in a state the operation applies to.
    #[error("no {wanted} delivery {id}")]
    NotFound {
        /// The delivery's id.
        id: i64,
        /// The states the operation applies to.
        wanted: &'static str,
    },
}

impl InboxError {
    /// The status a receiver answers meetergo with: 413 for a body over the limit, 503 for a store that failed
    /// (meetergo's log then shows a failed delivery; nothing was stored), 500 otherwise. Every accepted body is
    /// answered 200.
    pub fn http_status(&self) -> u16 {
        match self {
            InboxError::TooLarge { .. } => 413,
            InboxError::Storage(_) => 503,
            _ => 500,
        }
    }
}

/// Retry and lease policy.
#[derive(Debug, Clone)]
pub struct InboxOptions {
    /// Attempts before a delivery is dead-lettered. Default: 8.
    pub max_attempts: u32,
    /// How long a claim lasts; a worker that has not completed or failed the delivery by then loses it. Default: 60 s.
    pub lease: Duration,
    /// The first retry's delay, doubled for each further attempt, with full jitter. Default: 1 s.
    pub initial_retry_delay: Duration,
    /// The longest delay between attempts. Default: 10 minutes.
    pub max_retry_delay: Duration,
    /// Bodies above this are refused ([`InboxError::TooLarge`]). Default: 1 MiB, as for parsing.
    pub max_body_bytes: usize,
    /// The most bytes the store may hold: past it, [`Inbox::accept`] fails with [`InboxError::Storage`] (answer 503,
    /// so meetergo's log shows the failure) instead of filling the disk, while workers go on draining (space freed
    /// by [`Inbox::purge_done`] is reused). A disk that fills up first gives the same error. Default: no limit but
    /// the disk's.
    pub max_store_bytes: Option<u64>,
}

impl Default for InboxOptions {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            lease: Duration::from_secs(60),
            initial_retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(600),
            max_body_bytes: crate::event::DEFAULT_MAX_BODY_BYTES,
            max_store_bytes: None,
        }
    }
}

/// A delivery as the operations list it (the body is left out: it holds the booking secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryInfo {
    /// The inbox's id of the delivery (ascending in order of arrival).
    pub id: i64,
    /// The idempotency key (`quarantine#sha256:...` for a quarantined body).
    pub key: String,
    /// Where it is.
    pub state: State,
    /// The event's `webhookType`, when the body parsed.
    pub webhook_type: Option<String>,
    /// When it arrived, in milliseconds since the Unix epoch.
    pub received_at_ms: i64,
    /// Attempts so far.
    pub attempts: u32,
    /// When it may next be claimed (pending), in milliseconds since the Unix epoch.
    pub next_attempt_at_ms: i64,
    /// The last failure (or, for a quarantined body, why it does not parse).
    pub last_error: Option<String>,
    /// Redeliveries acknowledged without storing.
    pub duplicates: u32,
}

impl DeliveryInfo {
    /// As JSON with camelCase names (`id`, `key`, `state`, `webhookType`, `receivedAtMs`, `attempts`,
    /// `nextAttemptAtMs`, `lastError`, `duplicates`): what `meetergo inbox list --json` prints and Node receives.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "key": self.key,
            "state": self.state.as_str(),
            "webhookType": self.webhook_type,
            "receivedAtMs": self.received_at_ms,
            "attempts": self.attempts,
            "nextAttemptAtMs": self.next_attempt_at_ms,
            "lastError": self.last_error,
            "duplicates": self.duplicates,
        })
    }
}

/// How many deliveries are in each state (for metrics and `meetergo inbox status`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Waiting for a worker.
    pub pending: u64,
    /// Claimed.
    pub running: u64,
    /// Handled.
    pub done: u64,
    /// Dead-lettered.
    pub dead: u64,
    /// Unparseable bodies.
    pub quarantined: u64,
    /// Redeliveries acknowledged without storing, over all deliveries still kept.
    pub duplicates: u64,
}

impl Counts {
    /// As JSON (`pending`, `running`, `done`, `dead`, `quarantined`, `duplicates`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "pending": self.pending,
            "running": self.running,
            "done": self.done,
            "dead": self.dead,
            "quarantined": self.quarantined,
            "duplicates": self.duplicates,
        })
    }
}

/// A claimed delivery: what the handler gets.
pub struct Claim {
    /// The inbox's id of the delivery.
    pub id: i64,
    /// The idempotency key: use it to make the handler's own side effects idempotent.
    pub key: String,
    /// This attempt's number, from 1.
    pub attempt: u32,
    /// The body as received.
    pub body: Vec<u8>,
    /// Proves the claim to [`Inbox::complete`] and [`Inbox::fail`].
    token: String,
}

impl Claim {
    /// The parsed event (the body parsed when it was accepted, so this succeeds unless the SDK's rules changed).
    pub fn event(&self) -> Result<Event, PayloadError> {
        Event::from_slice_with(
            &self.body,
            &ParseOptions::default().max_body_bytes(self.body.len().max(1)),
        )
    }
}

impl fmt::Debug for Claim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Claim")
            .field("id", &self.id)
            .field("key", &self.key)
            .field("attempt", &self.attempt)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish_non_exhaustive()
    }
}

/// What [`Inbox::fail`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Pending again, not before this many milliseconds from now.
    After(Duration),
    /// Dead-lettered: it failed `max_attempts` times.
    Dead,
}

/// The durable inbox. Cheap to share behind an `Arc`; every method may be called from any thread.
#[derive(Debug)]
pub struct Inbox {
    store: Box<dyn Store>,
    options: InboxOptions,
}

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

impl Inbox {
    /// Opens (creating if needed) the inbox at `url`: `sqlite:path/to/inbox.db`, `sqlite::memory:`, or (feature
    /// `redis`) `redis://[user:password@]host[:port][/db][?prefix=NAME]` (`redis+unix:///path.sock` for a socket;
    /// `prefix` names the inbox's keys, `meetergo:inbox` by default, so several inboxes share one Redis).
    pub fn open(url: &str, options: InboxOptions) -> Result<Inbox, InboxError> {
        let store: Box<dyn Store> = if let Some(path) = sqlite_path(url) {
            Box::new(sqlite::SqliteStore::open(path, options.max_store_bytes)?)
        } else if is_redis_url(url) {
            open_redis(url, &options)?
        } else {
            return Err(InboxError::UnsupportedStore(scheme_only(url)));
        };
        Ok(Inbox { store, options })
    }

    /// Why an acknowledged delivery might not survive a crash of the store's server, when the store can tell: a
    /// Redis that keeps no append-only file. Print it where an operator sees it (`meetergo listen` does).
    pub fn durability_warning(&self) -> Option<&str> {
        self.store.durability_warning()
    }

    /// The store as a URL without its credentials (`sqlite:inbox.db`, `redis://host:6379/0?prefix=NAME`), for
    /// logs and `repr`.
    pub fn location(&self) -> String {
        self.store.location()
    }

    /// The retry and lease policy.
    pub fn options(&self) -> &InboxOptions {
        &self.options
    }

    /// Durably stores a delivery body before it returns (see [`Accepted`]); `headers` are kept for inspection, with
    /// the values of credential-like headers masked. Blocks for one commit (shared with concurrent calls).
    pub fn accept(&self, body: &[u8], headers: &[(&str, &str)]) -> Result<Accepted, InboxError> {
        if body.len() > self.options.max_body_bytes {
            return Err(InboxError::TooLarge {
                size: body.len(),
                limit: self.options.max_body_bytes,
            });
        }
        let options = ParseOptions::default().max_body_bytes(self.options.max_body_bytes);
        let headers = headers_json(headers);
        match Event::from_slice_with(body, &options) {
            Ok(event) => {
                let key = event.idempotency_key().to_owned();
                let stored = self.store.insert(NewDelivery {
                    key: key.clone(),
                    state: State::Pending,
                    body: body.to_vec(),
                    headers,
                    webhook_type: Some(event.webhook_type().as_str().to_owned()),
                    error: None,
                })?;
                Ok(if stored {
                    Accepted::Stored { key }
                } else {
                    Accepted::Duplicate { key }
                })
            }
            Err(e) => {
                let key = format!("quarantine#sha256:{}", crate::sha256_hex(body));
                let error = e.to_string();
                self.store.insert(NewDelivery {
                    key: key.clone(),
                    state: State::Quarantined,
                    body: body.to_vec(),
                    headers,
                    webhook_type: None,
                    error: Some(error.clone()),
                })?;
                Ok(Accepted::Quarantined { key, error })
            }
        }
    }

    /// [`Inbox::accept`] for an HTTP handler: the status and JSON body to answer meetergo with ([`Inbox::answer`]).
    pub fn receive(&self, body: &[u8], headers: &[(&str, &str)]) -> (u16, serde_json::Value) {
        Inbox::answer(self.accept(body, headers))
    }

    /// What a receiver answers meetergo for an outcome of [`Inbox::accept`]: 200 with `{"status", "key"}` once the
    /// delivery is durably handled, else [`InboxError::http_status`] (413, 503) with `{"error"}` — never 200
    /// without storing. A refusal is logged (target `meetergo::inbox`).
    pub fn answer(outcome: Result<Accepted, InboxError>) -> (u16, serde_json::Value) {
        match outcome {
            Ok(accepted) => (
                200,
                serde_json::json!({ "status": accepted.status(), "key": accepted.key() }),
            ),
            Err(e) => {
                log::warn!(target: "meetergo::inbox", "delivery refused: {e}");
                (
                    e.http_status(),
                    serde_json::json!({ "error": e.to_string() }),
                )
            }
        }
    }

    /// Claims the oldest delivery that is due (pending and past its retry time, or running with an expired lease)
    /// for `worker`; `None` when there is none. A delivery whose lease expired after its last allowed attempt is
    /// dead-lettered instead.
    pub fn claim(&self, worker: &str) -> Result<Option<Claim>, InboxError> {
        self.store.claim(worker, &self.options, now_ms())
    }

    /// Marks a claimed delivery handled.
    pub fn complete(&self, claim: &Claim) -> Result<(), InboxError> {
        self.store.complete(claim.id, &claim.token, now_ms())
    }

    /// Records a failed attempt: pending again after a backoff with jitter, or dead after `max_attempts`.
    pub fn fail(&self, claim: &Claim, error: &str) -> Result<Retry, InboxError> {
        let retry = if claim.attempt >= self.options.max_attempts {
            Retry::Dead
        } else {
            Retry::After(retry_delay(claim.attempt, &self.options, random_unit()))
        };
        self.store
            .fail(claim.id, &claim.token, error, retry, now_ms())?;
        Ok(retry)
    }

    /// Claims and handles one delivery with `handler` (its error's text is kept as the delivery's last error);
    /// `Ok(false)` when nothing was due. A handler that panics counts as a failed attempt.
    pub fn work_once<E: fmt::Display>(
        &self,
        worker: &str,
        handler: impl FnOnce(&Claim) -> Result<(), E>,
    ) -> Result<bool, InboxError> {
        let Some(claim) = self.claim(worker)? else {
            return Ok(false);
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&claim)));
        match outcome {
            Ok(Ok(())) => self.complete(&claim)?,
            Ok(Err(e)) => {
                self.fail(&claim, &e.to_string())?;
            }
            Err(panic) => {
                self.fail(
                    &claim,
                    &format!("the handler panicked: {}", panic_text(panic.as_ref())),
                )?;
            }
        }
        Ok(true)
    }

    /// Deliveries in `state`, oldest first, at most `limit`.
    pub fn list(&self, state: State, limit: usize) -> Result<Vec<DeliveryInfo>, InboxError> {
        self.store.list(state, limit)
    }

    /// How many deliveries are in each state.
    pub fn counts(&self) -> Result<Counts, InboxError> {
        self.store.counts()
    }

    /// Puts a dead delivery back to pending (attempts from zero), or parses a quarantined body again: pending when
    /// it now parses (or, when that event was stored meanwhile, folded into it as a duplicate: its state is
    /// answered), still quarantined with the new error when not. Returns the delivery's state afterwards.
    pub fn replay(&self, id: i64) -> Result<State, InboxError> {
        let (state, body) = self.store.body(id)?;
        match state {
            State::Dead => self.store.requeue(id, now_ms()).map(|()| State::Pending),
            State::Quarantined => {
                let options = ParseOptions::default().max_body_bytes(self.options.max_body_bytes);
                match Event::from_slice_with(&body, &options) {
                    Ok(event) => {
                        let key = event.idempotency_key().to_owned();
                        self.store
                            .unquarantine(id, &key, event.webhook_type().as_str(), now_ms())
                    }
                    Err(e) => {
                        self.store.set_error(id, &e.to_string())?;
                        Ok(State::Quarantined)
                    }
                }
            }
            _ => Err(InboxError::NotFound {
                id,
                wanted: "dead or quarantined",
            }),
        }
    }

    /// Puts every dead delivery back to pending; returns how many.
    pub fn replay_dead(&self) -> Result<u64, InboxError> {
        self.store.requeue_all_dead(now_ms())
    }

    /// Deletes deliveries handled more than `older_than` ago; returns how many. Their keys go with them: a
    /// redelivery after the purge is stored again, so keep `older_than` above meetergo's redelivery window.
    pub fn purge_done(&self, older_than: Duration) -> Result<u64, InboxError> {
        let age = i64::try_from(older_than.as_millis()).unwrap_or(i64::MAX);
        self.store.purge_done(now_ms().saturating_sub(age))
    }
}

/// Only a URL's scheme, for messages: the rest may hold a password.
fn scheme_only(url: &str) -> String {
    let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
    format!("{scheme}:…")
}

fn is_redis_url(url: &str) -> bool {
    ["redis://", "redis+unix://", "unix://"]
        .iter()
        .any(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        })
}

#[cfg(feature = "redis")]
fn open_redis(url: &str, options: &InboxOptions) -> Result<Box<dyn Store>, InboxError> {
    Ok(Box::new(redis::RedisStore::open(
        url,
        options.max_store_bytes,
    )?))
}

#[cfg(not(feature = "redis"))]
fn open_redis(url: &str, _: &InboxOptions) -> Result<Box<dyn Store>, InboxError> {
    Err(InboxError::UnsupportedStore(format!(
        "{} (this build has no Redis store: enable the `redis` feature)",
        scheme_only(url)
    )))
}

/// The text of a panic's payload.
pub(crate) fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// The file of a `sqlite:PATH` (or `sqlite://PATH`) store URL; `None` for other stores.
pub fn sqlite_path(url: &str) -> Option<&str> {
    let path = url.strip_prefix("sqlite:")?;
    Some(path.strip_prefix("//").unwrap_or(path))
}

/// The delay before attempt `attempt + 1`: `initial * 2^(attempt-1)`, capped, scaled by `unit` in [0.5, 1) (jitter
/// that keeps at least half of the backoff).
pub(crate) fn retry_delay(attempt: u32, options: &InboxOptions, unit: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).min(30);
    let full = options
        .initial_retry_delay
        .saturating_mul(1u32 << exponent)
        .min(options.max_retry_delay);
    full.mul_f64(0.5 + 0.5 * unit.clamp(0.0, 1.0))
}

/// 64 bits from the clock's low bits, the process id and a counter, mixed (no RNG dependency: they only spread
/// retries and tell claims apart, they guard nothing).
pub(crate) fn random_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0x9e37_79b9_7f4a_7c15);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()));
    let mut x = COUNTER.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
        ^ nanos
        ^ (u64::from(std::process::id()) << 32);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// A number in [0, 1).
fn random_unit() -> f64 {
    // 53 bits of mantissa.
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// The headers as a JSON object, credential-like values masked.
fn headers_json(headers: &[(&str, &str)]) -> String {
    let mut map = serde_json::Map::new();
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let secret = crate::is_secret_key(&name)
            || matches!(
                name.as_str(),
                "authorization"
                    | "cookie"
                    | "set-cookie"
                    | "proxy-authorization"
                    | "x-meetergo-api-user-id"
            );
        let value = if secret { "[redacted]" } else { value };
        match map.get_mut(&name) {
            // A repeated header keeps every value, as HTTP joins them.
            Some(serde_json::Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(value);
            }
            _ => {
                map.insert(name, serde_json::Value::String((*value).to_owned()));
            }
        }
    }
    serde_json::Value::Object(map).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_is_capped_and_keeps_half() {
        let options = InboxOptions {
            initial_retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(10),
            ..InboxOptions::default()
        };
        assert_eq!(retry_delay(1, &options, 1.0), Duration::from_secs(1));
        assert_eq!(retry_delay(2, &options, 1.0), Duration::from_secs(2));
        assert_eq!(retry_delay(3, &options, 0.0), Duration::from_secs(2));
        assert_eq!(retry_delay(9, &options, 1.0), Duration::from_secs(10));
        assert_eq!(retry_delay(40, &options, 1.0), Duration::from_secs(10));
        for _ in 0..1000 {
            let u = random_unit();
            assert!((0.0..1.0).contains(&u), "{u}");
        }
    }

    #[test]
    fn credential_headers_are_masked() {
        let json = headers_json(&[
            ("Content-Type", "application/json"),
            ("Authorization", "Bearer rgo-secret"),
            ("X-Api-Key", "k"),
        ]);
        assert!(json.contains("application/json"), "{json}");
        assert!(
            !json.contains("rgo-secret") && !json.contains("\"k\""),
            "{json}"
        );
    }

    #[test]
    fn store_urls_name_their_file() {
        assert_eq!(sqlite_path("sqlite:inbox.db"), Some("inbox.db"));
        assert_eq!(sqlite_path("sqlite://inbox.db"), Some("inbox.db"));
        assert_eq!(
            sqlite_path("sqlite:/var/lib/inbox.db"),
            Some("/var/lib/inbox.db")
        );
        assert_eq!(sqlite_path("sqlite::memory:"), Some(":memory:"));
        assert_eq!(sqlite_path("redis://localhost"), None);
    }

    #[test]
    fn states_round_trip() {
        for s in State::ALL {
            assert_eq!(State::parse(s.as_str()), Some(s));
        }
        assert_eq!(State::parse("other"), None);
    }
}
