//! The receiver behind `meetergo listen`, usable in-process (the tour and tests run it).
//!
//! It answers every POST with 200 at once, parses the body with [`meetergo_core::Event::from_slice`], flags
//! duplicates by idempotency key with a [`Deduplicator`], appends each request to a JSON-lines log (the body exactly
//! as received, its secrets masked in place unless asked; headers that carry credentials redacted; see
//! [`Delivery::log_record`]), and forwards the raw body in the background when asked. Every request is reported on
//! a channel as a [`Notice`]. `meetergo replay` sends logged requests again.
//!
//! ```no_run
//! # async fn run() -> Result<(), meetergo_cli::CliError> {
//! use meetergo_cli::listen::{ListenOptions, Listener, Notice};
//! let mut listener = Listener::start(ListenOptions::new(0)).await?;
//! println!("deliver to {}", listener.url());
//! while let Some(Notice::Delivery(d)) = listener.next().await {
//!     println!("{}", d.line());
//! }
//! # Ok(()) }
//! ```

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use meetergo_core::inbox::{Accepted, Claim, Inbox, InboxError, InboxOptions};
use meetergo_core::{Deduplicator, Event, EventData, LogBody, PathSecret, PayloadError};
use meetergo_mock::serve::{self, Limits};
use serde_json::{Map, Value, json};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};
use url::Url;

use crate::CliError;
use crate::cli::ListenArgs;
use crate::table::clean;
use crate::trigger::{delivery_client, describe};

/// How long a key is remembered for de-duplication.
pub const DEDUP_TTL: Duration = Duration::from_secs(24 * 3600);
/// How many keys are remembered.
pub const DEDUP_CAPACITY: usize = 100_000;
/// Largest body read; larger requests get 413. (The core rejects bodies over 1 MiB with a typed error.)
pub const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;
/// Notices buffered for a slow reader. A delivery that would not fit is refused with 503 (so that meetergo shows a
/// failure) rather than answered 200 and dropped; other notices past it are dropped.
const CHANNEL_CAPACITY: usize = 4096;
/// The most body bytes a listener holds at once (bodies being read, waiting to be printed, being forwarded) by
/// default; past it, requests are answered 503. See [`ListenOptions::max_held_bytes`].
pub const MAX_HELD_BYTES: usize = 64 * 1024 * 1024;
/// How long a request waits for room within [`ListenOptions::max_held_bytes`] before it is answered 503.
const HELD_WAIT: Duration = Duration::from_secs(1);
/// Timeout of a forward.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// How to run a listener.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ListenOptions {
    /// Address to bind. Default: `127.0.0.1:<port>`.
    pub addr: SocketAddr,
    /// Where to forward each raw body. Default: nowhere.
    pub forward_to: Option<Url>,
    /// JSON-lines file to append each request to. Default: none.
    pub log: Option<PathBuf>,
    /// Log bodies with their secrets (the booking `secret`, tokens) instead of masking them, so that a replay sends
    /// the very bytes meetergo sent. Default: `false`.
    pub log_secrets: bool,
    /// A durable inbox (`sqlite:PATH` or `redis://...`): each body is stored before the 200 (a storage failure answers 503), and
    /// the forward becomes the inbox's handler (retried until the target answers 2xx, then dead-lettered).
    /// Default: none (duplicates are flagged from memory).
    pub store: Option<String>,
    /// How long the inbox worker's claim lasts (see [`InboxOptions::lease`]). Default: 60 s.
    pub lease: Duration,
    /// The most bytes the inbox may hold (see [`InboxOptions::max_store_bytes`]). Default: no limit.
    pub max_store_bytes: Option<u64>,
    /// With a store: a shell command run once per stored event as the inbox's handler (see [`ListenOptions::exec`]).
    pub exec: Option<String>,
    /// The most body bytes held at once: bodies being read, waiting for [`Listener::next`] (a `meetergo listen`
    /// whose output nobody reads), or being forwarded. A request that finds no room within a second is answered 503,
    /// so that meetergo's log shows a failure instead of a 200 for a body the listener could not keep. Default:
    /// [`MAX_HELD_BYTES`]; never less than [`MAX_REQUEST_BYTES`].
    pub max_held_bytes: usize,
    /// Timeouts and the connection limit (see [`Limits`]). Default: [`Limits::default`].
    pub limits: Limits,
    /// Requests whose path does not hold this secret as a segment are answered 404 before their body is read.
    /// Default: none (every path is taken).
    pub path_secret: Option<PathSecret>,
}

impl ListenOptions {
    /// A listener on `127.0.0.1:<port>` (0: any free port).
    pub fn new(port: u16) -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            forward_to: None,
            log: None,
            log_secrets: false,
            store: None,
            lease: Duration::from_secs(60),
            max_store_bytes: None,
            exec: None,
            max_held_bytes: MAX_HELD_BYTES,
            limits: Limits::default(),
            path_secret: None,
        }
    }

    /// Answers 404 to requests whose path does not hold `secret` (see [`ListenOptions::path_secret`]).
    #[must_use]
    pub fn path_secret(mut self, secret: PathSecret) -> Self {
        self.path_secret = Some(secret);
        self
    }

    /// Holds at most `bytes` of bodies at once (see [`ListenOptions::max_held_bytes`]).
    #[must_use]
    pub fn max_held_bytes(mut self, bytes: usize) -> Self {
        self.max_held_bytes = bytes;
        self
    }

    /// Serves within `limits` (timeouts, connection limit).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// With a store: runs `command` (`sh -c`) once per stored event, the body on its standard input and
    /// `MEETERGO_IDEMPOTENCY_KEY`, `MEETERGO_ATTEMPT`, `MEETERGO_DELIVERY_ID`, `MEETERGO_WEBHOOK_TYPE` in its
    /// environment; exit status 0 completes the delivery, anything else (or running past the lease) fails the attempt.
    #[must_use]
    pub fn exec(mut self, command: impl Into<String>) -> Self {
        self.exec = Some(command.into());
        self
    }

    /// Stores each delivery in the durable inbox at `url` (`sqlite:PATH` or `redis://...`) before answering.
    #[must_use]
    pub fn store(mut self, url: impl Into<String>) -> Self {
        self.store = Some(url.into());
        self
    }

    /// How long the inbox worker's claim on a delivery lasts.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Refuses new deliveries (503) once the inbox holds `bytes`.
    #[must_use]
    pub fn max_store_bytes(mut self, bytes: Option<u64>) -> Self {
        self.max_store_bytes = bytes;
        self
    }

    /// Forwards each raw body to `url`.
    #[must_use]
    pub fn forward_to(mut self, url: Url) -> Self {
        self.forward_to = Some(url);
        self
    }

    /// Appends each request to `path`, one JSON object a line.
    #[must_use]
    pub fn log(mut self, path: impl Into<PathBuf>) -> Self {
        self.log = Some(path.into());
        self
    }

    /// Keeps secrets in the logged bodies (see [`ListenOptions::log_secrets`]).
    #[must_use]
    pub fn log_secrets(mut self, on: bool) -> Self {
        self.log_secrets = on;
        self
    }
}

/// What was read from a delivery that parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSummary {
    /// `webhookType`.
    pub webhook_type: String,
    /// The event's id (appointment, user, submission or form), when it has one.
    pub id: Option<String>,
    /// A booking's start (RFC 3339, offset as sent).
    pub start: Option<String>,
    /// The first attendee's e-mail (or the new employee's).
    pub attendee: Option<String>,
    /// The core's idempotency key.
    pub idempotency_key: String,
    /// `true` when the key was seen before: a repeated delivery of the same event.
    pub duplicate: bool,
}

impl EventSummary {
    fn of(event: &Event, duplicate: bool) -> Self {
        let email = |v: Option<&meetergo_core::Str>| v.map(|s| s.as_str().to_owned());
        let (start, attendee) = match event.data() {
            EventData::NewEmployee(e) => (None, email(e.email.as_ref())),
            _ => match event.booking() {
                Some(b) => (
                    Some(b.start.to_rfc3339()),
                    b.attendees.first().and_then(|a| email(a.email.as_ref())),
                ),
                None => (None, None),
            },
        };
        let id = event.id().map(std::borrow::Cow::into_owned);
        Self {
            webhook_type: event.webhook_type().as_str().to_owned(),
            id,
            start,
            attendee,
            idempotency_key: event.idempotency_key().to_owned(),
            duplicate,
        }
    }
}

/// One request the listener received.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// 1 for the first request, 2 for the next, ...
    pub seq: u64,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// The request path.
    pub path: String,
    /// The request headers, credentials redacted.
    pub headers: Map<String, Value>,
    /// The raw body.
    pub body: Bytes,
    /// The parsed event, or why the body could not be read.
    pub parsed: Result<EventSummary, PayloadError>,
}

impl Delivery {
    /// The human line `meetergo listen` prints: type, id, start, attendee, and a duplicate flag; or the
    /// payload error.
    pub fn line(&self) -> String {
        let text = match &self.parsed {
            Ok(e) => {
                let mut line = format!("#{} {}", self.seq, e.webhook_type);
                let person = if e.start.is_some() {
                    "attendee"
                } else {
                    "email"
                };
                for (name, value) in [("id", &e.id), ("start", &e.start), (person, &e.attendee)] {
                    if let Some(v) = value {
                        line.push_str(&format!(" {name}={v}"));
                    }
                }
                if e.duplicate {
                    line.push_str(&format!(
                        "  [duplicate: key {} seen before, skip it]",
                        e.idempotency_key
                    ));
                }
                line
            }
            Err(e) => format!(
                "#{} {} ({} bytes to {})",
                self.seq,
                e,
                self.body.len(),
                self.path
            ),
        };
        clean(&text)
    }

    /// The JSON object appended to the log file: `time`, `seq`, `method`, `path`, `headers` (credentials
    /// redacted), `bytes` (the body's length as received) and `sha256` (of the body as received), then the body:
    ///
    /// - `body`: the text exactly as received when it is UTF-8, except that the values of secret-looking keys (the
    ///   booking `secret`, tokens) are masked in place, byte for byte (`*` for each byte of a string, `9` for each
    ///   character of a number), so the length, the layout and the positions stay those meetergo sent; `masked`
    ///   lists the paths that were masked. With `keep_secrets` nothing is masked.
    /// - `bodyBase64`: the bytes (masked the same way), when they are not UTF-8.
    /// - `withheld: true` and no body: a body that is not JSON (so its secrets cannot be found) but mentions a
    ///   secret-looking word, unless `keep_secrets`.
    ///
    /// The rule is the core's [`meetergo_core::log_body`].
    ///
    /// Then the outcome: `webhookType`, `idempotencyKey` and `duplicate`, or `error`. A record without `masked` or
    /// `withheld` holds the exact bytes: `meetergo replay` sends them again.
    pub fn log_record(&self, keep_secrets: bool) -> Value {
        let mut record = json!({
            "time": self.received_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "seq": self.seq,
            "method": "POST",
            "path": self.path,
            "headers": self.headers,
            "bytes": self.body.len(),
            "sha256": meetergo_core::sha256_hex(&self.body),
        });
        if let Value::Object(m) = &mut record {
            match meetergo_core::log_body(&self.body, keep_secrets) {
                LogBody::Kept(kept) => {
                    match kept.as_text() {
                        Some(text) => m.insert("body".into(), Value::String(text.to_owned())),
                        None => m.insert(
                            "bodyBase64".into(),
                            Value::String(
                                base64::engine::general_purpose::STANDARD.encode(&kept.bytes),
                            ),
                        ),
                    };
                    if !kept.masked.is_empty() {
                        m.insert("masked".into(), json!(kept.masked));
                    }
                }
                LogBody::Withheld => {
                    m.insert("withheld".into(), Value::Bool(true));
                }
                _ => {}
            }
            match &self.parsed {
                Ok(e) => {
                    m.insert("webhookType".into(), json!(e.webhook_type));
                    m.insert("idempotencyKey".into(), json!(e.idempotency_key));
                    m.insert("duplicate".into(), json!(e.duplicate));
                }
                Err(e) => {
                    m.insert("error".into(), json!(e.to_string()));
                }
            }
        }
        record
    }
}

/// What the listener reports.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Notice {
    /// A request arrived (and was answered 200).
    Delivery(Box<Delivery>),
    /// The `--exec` command finished for a delivery.
    Executed {
        /// The inbox's id of the delivery.
        id: i64,
        /// The command's exit code, when it exited.
        code: Option<i32>,
        /// Why the attempt failed, when it did.
        error: Option<String>,
        /// How long it took.
        elapsed: Duration,
    },
    /// A forward finished.
    Forwarded {
        /// The delivery's `seq`.
        seq: u64,
        /// The forward target's status, when it answered.
        status: Option<u16>,
        /// Why it failed, when it did.
        error: Option<String>,
        /// How long it took.
        elapsed: Duration,
    },
    /// A request was refused (too large) or the log file could not be written.
    Problem(String),
}

impl Notice {
    /// The line `meetergo listen` prints for it.
    pub fn line(&self) -> String {
        match self {
            Notice::Delivery(d) => d.line(),
            Notice::Forwarded {
                seq,
                status,
                error,
                elapsed,
            } => {
                let ms = elapsed.as_secs_f64() * 1000.0;
                match (status, error) {
                    (Some(s), _) => format!("#{seq} forwarded: {s} in {ms:.1} ms"),
                    (None, e) => clean(&format!(
                        "#{seq} forward failed after {ms:.1} ms: {}",
                        e.as_deref().unwrap_or("no answer")
                    )),
                }
            }
            Notice::Executed {
                id,
                code,
                error,
                elapsed,
            } => {
                let ms = elapsed.as_secs_f64() * 1000.0;
                match (code, error) {
                    (Some(0), None) => format!("delivery {id} handled by --exec in {ms:.1} ms"),
                    (_, e) => clean(&format!(
                        "delivery {id}: --exec failed after {ms:.1} ms: {}",
                        e.as_deref().unwrap_or("no exit status")
                    )),
                }
            }
            Notice::Problem(p) => clean(p),
        }
    }

    /// The JSON line `meetergo listen --json` prints for it, with a `type`: `delivery` (`seq`, `receivedAt`,
    /// `path`, `bytes`, then `webhookType`, `id`, `start`, `attendee`, `idempotencyKey`, `duplicate`, or `error`),
    /// `executed`, `forwarded` or `problem`. Never the body (it may hold the booking secret).
    pub fn json(&self) -> Value {
        let ms = |d: &Duration| (d.as_secs_f64() * 1e4).round() / 10.0;
        match self {
            Notice::Delivery(d) => {
                let mut out = serde_json::json!({
                    "type": "delivery",
                    "seq": d.seq,
                    "receivedAt": d.received_at.to_rfc3339(),
                    "path": d.path,
                    "bytes": d.body.len(),
                });
                let more = match &d.parsed {
                    Ok(e) => serde_json::json!({
                        "webhookType": e.webhook_type,
                        "id": e.id,
                        "start": e.start,
                        "attendee": e.attendee,
                        "idempotencyKey": e.idempotency_key,
                        "duplicate": e.duplicate,
                    }),
                    Err(e) => serde_json::json!({ "error": e.to_string() }),
                };
                if let (Some(out), Value::Object(more)) = (out.as_object_mut(), more) {
                    out.extend(more);
                }
                out
            }
            Notice::Executed {
                id,
                code,
                error,
                elapsed,
            } => serde_json::json!({
                "type": "executed", "id": id, "exitCode": code, "error": error, "ms": ms(elapsed),
            }),
            Notice::Forwarded {
                seq,
                status,
                error,
                elapsed,
            } => serde_json::json!({
                "type": "forwarded", "seq": seq, "status": status, "error": error, "ms": ms(elapsed),
            }),
            Notice::Problem(p) => serde_json::json!({ "type": "problem", "message": p }),
        }
    }
}

struct Shared {
    seq: AtomicU64,
    dedup: Deduplicator,
    inbox: Option<Arc<Inbox>>,
    log: Option<Mutex<File>>,
    log_secrets: bool,
    forward: Option<(Url, reqwest::Client)>,
    notices: mpsc::Sender<Held>,
    /// One permit per body byte the listener may hold ([`ListenOptions::max_held_bytes`]).
    room: Arc<Semaphore>,
    room_bytes: usize,
    path_secret: Option<PathSecret>,
}

/// A notice with the room its body takes, given back when the notice is taken (and any forward is done).
struct Held {
    notice: Notice,
    _room: Option<Arc<OwnedSemaphorePermit>>,
}

impl Shared {
    fn new(
        options: &ListenOptions,
        notices: mpsc::Sender<Held>,
        inbox: Option<Arc<Inbox>>,
        log: Option<Mutex<File>>,
        forward: Option<(Url, reqwest::Client)>,
    ) -> Arc<Shared> {
        let room_bytes = options
            .max_held_bytes
            .clamp(MAX_REQUEST_BYTES, Semaphore::MAX_PERMITS);
        Arc::new(Shared {
            seq: AtomicU64::new(0),
            dedup: Deduplicator::new(DEDUP_TTL, DEDUP_CAPACITY),
            inbox,
            log,
            log_secrets: options.log_secrets,
            forward,
            notices,
            room: Arc::new(Semaphore::new(room_bytes.min(Semaphore::MAX_PERMITS))),
            room_bytes,
            path_secret: options.path_secret.clone(),
        })
    }

    fn notify(&self, notice: Notice) {
        // Never wait on a slow reader. Deliveries reserve their place before they are answered (`handle`); a
        // problem report is dropped once the queue is half full, so that refused requests cannot crowd deliveries
        // out.
        if self.notices.capacity() < CHANNEL_CAPACITY / 2 {
            return;
        }
        let _ = self.notices.try_send(Held {
            notice,
            _room: None,
        });
    }
}

/// A running listener. Stops on [`Listener::shutdown`] or when dropped.
#[derive(Debug)]
pub struct Listener {
    addr: SocketAddr,
    notices: mpsc::Receiver<Held>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Listener {
    /// Opens the log file, binds, and starts serving in the background (needs a tokio runtime).
    pub async fn start(options: ListenOptions) -> Result<Listener, CliError> {
        if options.exec.is_some() && options.store.is_none() {
            return Err(CliError::msg(
                "--exec runs as the handler of a durable inbox: give --store too",
            ));
        }
        let log = match &options.log {
            Some(path) => Some(Mutex::new(log_file_options().open(path).map_err(|e| {
                CliError::msg(format!("cannot open the log file {}: {e}", path.display()))
            })?)),
            None => None,
        };
        let forward = match options.forward_to.clone() {
            Some(url) => Some((url, delivery_client(FORWARD_TIMEOUT)?)),
            None => None,
        };
        let inbox = match options.store.clone() {
            Some(url) => {
                let (lease, max_store_bytes) = (options.lease, options.max_store_bytes);
                let opened = tokio::task::spawn_blocking(move || {
                    Inbox::open(
                        &url,
                        InboxOptions {
                            max_body_bytes: MAX_REQUEST_BYTES,
                            lease,
                            max_store_bytes,
                            ..InboxOptions::default()
                        },
                    )
                })
                .await
                .map_err(|e| CliError::msg(e.to_string()))?;
                Some(Arc::new(opened.map_err(|e| {
                    CliError::msg(format!("cannot open the inbox: {e}"))
                })?))
            }
            None => None,
        };
        let listener = tokio::net::TcpListener::bind(options.addr)
            .await
            .map_err(|e| {
                CliError::msg(format!(
                    "cannot listen on {}: {e} (is another program using port {}? pick another with --port, or \
                     --port 0 for any free one)",
                    options.addr,
                    options.addr.port()
                ))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| CliError::msg(format!("cannot read the bound address: {e}")))?;
        let (tx, notices) = mpsc::channel(CHANNEL_CAPACITY);
        let shared = Shared::new(&options, tx, inbox, log, forward);
        if let Some(warning) = shared.inbox.as_deref().and_then(Inbox::durability_warning) {
            shared.notify(Notice::Problem(format!("warning: {warning}")));
        }
        let (stop, stopped) = oneshot::channel::<()>();
        let handler = match (&options.exec, &shared.forward) {
            (Some(command), _) => Some(Handler::Exec {
                command: command.clone(),
                timeout: options.lease,
            }),
            (None, Some((url, client))) => Some(Handler::Forward(url.clone(), client.clone())),
            (None, None) => None,
        };
        let worker = match (&shared.inbox, handler) {
            (Some(inbox), Some(handler)) => Some(tokio::spawn(inbox_worker(
                Arc::clone(inbox),
                handler,
                Arc::clone(&shared),
            ))),
            _ => None,
        };
        let app = Router::new().fallback(handle).with_state(shared);
        let limits = options.limits;
        let task = tokio::spawn(async move {
            serve::serve(listener, app, limits, async {
                let _ = stopped.await;
            })
            .await;
            if let Some(worker) = worker {
                worker.abort();
            }
        });
        Ok(Listener {
            addr,
            notices,
            shutdown: Some(stop),
            task: Some(task),
        })
    }

    /// The request handling of a listener without a store, log or forward, and without a socket: for the
    /// `listen_request` fuzz target, which feeds it raw connections (`meetergo_mock::serve::serve_connection`).
    /// Its notices are taken and dropped by a task of its own (needs a tokio runtime).
    #[doc(hidden)]
    pub fn app_for_fuzzing(options: ListenOptions) -> Router {
        let (tx, mut notices) = mpsc::channel::<Held>(CHANNEL_CAPACITY);
        tokio::spawn(async move { while notices.recv().await.is_some() {} });
        let shared = Shared::new(&options, tx, None, None, None);
        Router::new().fallback(handle).with_state(shared)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The next notice (`None` once the listener has stopped).
    pub async fn next(&mut self) -> Option<Notice> {
        self.notices.recv().await.map(|held| held.notice)
    }

    /// The next delivery, skipping other notices, waiting at most `timeout`.
    pub async fn next_delivery(&mut self, timeout: Duration) -> Option<Delivery> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match tokio::time::timeout_at(deadline, self.next()).await {
                Ok(Some(Notice::Delivery(d))) => return Some(*d),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => return None,
            }
        }
    }

    /// Stops serving and waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
    }
}

/// The log is created readable by its owner only: it holds personal data (attendees' e-mail addresses), and with
/// `--log-secrets` credentials.
fn log_file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// `true` for headers that carry credentials or signatures (the core's rule for secret-looking names, plus the
/// user-id header that goes with an API key): their values are not logged.
pub fn is_secret_header(name: &str) -> bool {
    meetergo_core::is_secret_key(name)
        || matches!(
            name.to_ascii_lowercase().as_str(),
            "proxy-authorization" | "set-cookie" | "x-meetergo-api-user-id"
        )
}

/// `text` with every path secret in it (`mps_` and 22 or more base64url characters) replaced by `[redacted]`.
fn mask_path_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(meetergo_core::PATH_SECRET_PREFIX) {
        let after = &rest[at + meetergo_core::PATH_SECRET_PREFIX.len()..];
        let run = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(after.len());
        let token = &rest[at..at + meetergo_core::PATH_SECRET_PREFIX.len() + run];
        out.push_str(&rest[..at]);
        out.push_str(if meetergo_core::is_path_secret(token) {
            "[redacted]"
        } else {
            token
        });
        rest = &rest[at + token.len()..];
    }
    out.push_str(rest);
    out
}

fn headers_without_secrets(headers: &HeaderMap) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, value) in headers {
        let text = if is_secret_header(name.as_str()) {
            "[redacted]".to_owned()
        } else {
            // A proxy's `X-Original-URI` or a `Referer` may carry the path, and with it a path secret.
            mask_path_secrets(&String::from_utf8_lossy(value.as_bytes()))
        };
        match out.get_mut(name.as_str()) {
            Some(Value::String(existing)) => {
                existing.push_str(", ");
                existing.push_str(&text);
            }
            _ => {
                out.insert(name.as_str().to_owned(), Value::String(text));
            }
        }
    }
    out
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if method == Method::GET || method == Method::HEAD {
        return (
            StatusCode::OK,
            "meetergo listen: POST deliveries to any path here\n",
        )
            .into_response();
    }
    if method != Method::POST {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD, POST")],
        )
            .into_response();
    }
    // The path as printed and logged: path secrets masked.
    let path = mask_path_secrets(uri.path());
    if let Some(secret) = &shared.path_secret
        && !secret.matches_path(uri.path())
    {
        shared.notify(Notice::Problem(format!(
            "refused a request to {path}: it does not hold the path secret (404)"
        )));
        return StatusCode::NOT_FOUND.into_response();
    }
    let (body, room) = match read_body(&shared, body).await {
        Ok(read) => read,
        Err(refusal) => {
            shared.notify(Notice::Problem(format!(
                "refused a request to {path}: {} ({})",
                refusal.reason(shared.room_bytes),
                refusal.status().as_u16()
            )));
            return refusal.into_response();
        }
    };
    // The delivery's place in the queue, taken before anything is stored or answered: a listener whose output is
    // not read answers 503 rather than 200 for a delivery it would drop.
    let Ok(place) = shared.notices.try_reserve() else {
        let refusal = Refusal::Full;
        shared.notify(Notice::Problem(format!(
            "refused a request to {path}: {} ({})",
            refusal.reason(shared.room_bytes),
            refusal.status().as_u16()
        )));
        return refusal.into_response();
    };
    let room = Arc::new(room);
    let seq = shared.seq.fetch_add(1, Ordering::Relaxed) + 1;
    // With an inbox, the body is on disk before the answer, and the inbox says what is a duplicate.
    let stored = match &shared.inbox {
        Some(inbox) => {
            let (inbox, bytes) = (Arc::clone(inbox), body.clone());
            let header_pairs: Vec<(String, String)> = headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let result = tokio::task::spawn_blocking(move || {
                let pairs: Vec<(&str, &str)> = header_pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                inbox.accept(&bytes, &pairs)
            })
            .await
            .unwrap_or_else(|e| Err(InboxError::Storage(e.to_string())));
            match result {
                Ok(accepted) => Some(accepted),
                Err(InboxError::TooLarge { .. }) => {
                    return StatusCode::PAYLOAD_TOO_LARGE.into_response();
                }
                Err(e) => {
                    shared.notify(Notice::Problem(format!(
                        "#{seq} not stored, answered 503 so that meetergo shows a failed delivery: {e}"
                    )));
                    return (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "the inbox cannot store the delivery",
                    )
                        .into_response();
                }
            }
        }
        None => None,
    };
    let parsed = Event::from_slice(&body).map(|event| {
        let duplicate = match &stored {
            Some(accepted) => matches!(accepted, Accepted::Duplicate { .. }),
            None => !shared.dedup.first_seen(event.idempotency_key()),
        };
        EventSummary::of(&event, duplicate)
    });
    let delivery = Delivery {
        seq,
        received_at: DateTime::<Utc>::from(std::time::SystemTime::now()),
        path,
        headers: headers_without_secrets(&headers),
        body: body.clone(),
        parsed,
    };
    if let Some(log) = &shared.log {
        let mut line = delivery.log_record(shared.log_secrets).to_string();
        line.push('\n');
        let written = log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .write_all(line.as_bytes());
        if let Err(e) = written {
            shared.notify(Notice::Problem(format!("cannot write the log file: {e}")));
        }
    }
    place.send(Held {
        notice: Notice::Delivery(Box::new(delivery)),
        _room: Some(Arc::clone(&room)),
    });
    // With an inbox, the forward is the inbox's worker (`forward_worker`), not a fire-and-forget task.
    if let (None, Some((url, client))) = (&shared.inbox, &shared.forward) {
        let (url, client, shared) = (url.clone(), client.clone(), Arc::clone(&shared));
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or(header::HeaderValue::from_static("application/json"));
        tokio::spawn(async move {
            let _room = room;
            let started = Instant::now();
            let result = client
                .post(url)
                .header(header::CONTENT_TYPE, content_type)
                .body(body)
                .send()
                .await;
            let (status, error) = match result {
                Ok(r) => (Some(r.status().as_u16()), None),
                Err(e) => (None, Some(describe(e, FORWARD_TIMEOUT))),
            };
            shared.notify(Notice::Forwarded {
                seq,
                status,
                error,
                elapsed: started.elapsed(),
            });
        });
    }
    (StatusCode::OK, "OK").into_response()
}

/// Why a request's body was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Over [`MAX_REQUEST_BYTES`]: 413.
    TooLarge,
    /// Not readable (a malformed chunk size, a connection cut mid-body): 400.
    Unreadable,
    /// Not received within the body timeout: 408.
    Late,
    /// No room within [`ListenOptions::max_held_bytes`], or the queue of notices is full: 503.
    Full,
}

impl Refusal {
    fn status(self) -> StatusCode {
        match self {
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::Unreadable => StatusCode::BAD_REQUEST,
            Refusal::Late => StatusCode::REQUEST_TIMEOUT,
            Refusal::Full => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn reason(self, room_bytes: usize) -> String {
        match self {
            Refusal::TooLarge => format!("larger than {MAX_REQUEST_BYTES} bytes"),
            Refusal::Unreadable => "its body could not be read".to_owned(),
            Refusal::Late => "its body did not arrive in time".to_owned(),
            Refusal::Full => format!(
                "the listener already holds {room_bytes} bytes or {CHANNEL_CAPACITY} deliveries not yet printed or \
                 forwarded (is its output being read?)"
            ),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = self.status();
        if self == Refusal::Full {
            let mut response = (
                status,
                "meetergo listen cannot hold more deliveries now; try again later\n",
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            return response;
        }
        status.into_response()
    }
}

/// `bytes` of the listener's budget, waiting at most [`HELD_WAIT`] for them.
async fn take_room(shared: &Shared, bytes: usize) -> Result<OwnedSemaphorePermit, Refusal> {
    let wanted = u32::try_from(bytes).map_err(|_| Refusal::TooLarge)?;
    match tokio::time::timeout(
        HELD_WAIT,
        Arc::clone(&shared.room).acquire_many_owned(wanted),
    )
    .await
    {
        Ok(Ok(taken)) => Ok(taken),
        _ => Err(Refusal::Full),
    }
}

/// Reads a body of at most [`MAX_REQUEST_BYTES`], taking room for each byte from the listener's budget as it
/// arrives (so that neither a slow reader of the output nor many large bodies at once can grow memory unbounded).
async fn read_body(shared: &Shared, body: Body) -> Result<(Bytes, OwnedSemaphorePermit), Refusal> {
    use http_body::Body as _;
    use http_body_util::BodyExt as _;
    let mut body = body;
    // Read up to the limit even when the announced length is over it: a client still sending when the answer
    // comes sees a reset connection, not the 413.
    let announced = usize::try_from(body.size_hint().lower())
        .unwrap_or(MAX_REQUEST_BYTES)
        .min(MAX_REQUEST_BYTES);
    // An announced length is taken from the budget at once, before anything is allocated for it (so that concurrent
    // bodies do not each hold part of the budget while waiting for the rest); a body without one, frame by frame.
    let mut room = match announced {
        0 => None,
        n => match take_room(shared, n).await {
            Ok(room) => Some(room),
            Err(refusal) => return Err(drain(&mut body, refusal).await),
        },
    };
    let mut bytes = Vec::with_capacity(announced);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            if serve::is_body_timeout(&e) {
                Refusal::Late
            } else {
                Refusal::Unreadable
            }
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        if bytes.len() + data.len() > MAX_REQUEST_BYTES {
            return Err(Refusal::TooLarge);
        }
        let held = room.as_ref().map_or(0, OwnedSemaphorePermit::num_permits);
        let wanted = (bytes.len() + data.len()).saturating_sub(held);
        if wanted > 0 {
            let taken = match take_room(shared, wanted).await {
                Ok(taken) => taken,
                Err(refusal) => return Err(drain(&mut body, refusal).await),
            };
            match &mut room {
                Some(room) => room.merge(taken),
                None => room = Some(taken),
            }
        }
        bytes.extend_from_slice(&data);
    }
    let room = match room {
        Some(room) => room,
        // An empty body holds no room; an empty permit stands for it.
        None => Arc::clone(&shared.room)
            .try_acquire_many_owned(0)
            .map_err(|_| Refusal::Full)?,
    };
    Ok((Bytes::from(bytes), room))
}

/// Reads and drops the rest of a body that is refused for want of room (at most [`MAX_REQUEST_BYTES`], within the
/// body timeout), holding nothing: a connection closed with the body unread reaches a client still sending it as a
/// reset, and it would never see the 503 and its `Retry-After`.
async fn drain(body: &mut Body, refusal: Refusal) -> Refusal {
    use http_body_util::BodyExt as _;
    let mut left = MAX_REQUEST_BYTES;
    while let Some(Ok(frame)) = body.frame().await {
        let Ok(data) = frame.into_data() else {
            continue;
        };
        match left.checked_sub(data.len()) {
            Some(rest) => left = rest,
            None => break,
        }
    }
    refusal
}

/// The idempotency key as a header value: visible ASCII as it is, anything else percent-encoded (a key holds the
/// body's id and, for unknown events, its `webhookType`, which may be any text).
fn header_safe(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for byte in key.bytes() {
        if (0x21..0x7f).contains(&byte) && byte != b'%' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// How long the worker waits when nothing is due.
const IDLE: Duration = Duration::from_millis(100);

/// What the inbox's worker does with each claimed delivery.
enum Handler {
    /// `--forward-to`: POST the body with its `Idempotency-Key`; a 2xx completes it.
    Forward(Url, reqwest::Client),
    /// `--exec`: run the command with the body on its standard input; exit status 0 completes it.
    Exec {
        /// `sh -c` runs it.
        command: String,
        /// Past this (the lease), the command is killed and the attempt failed: another worker may take it over.
        timeout: Duration,
    },
}

/// The inbox's worker: claims due deliveries and runs the handler on each, completing it on success and failing it
/// (to be retried with backoff, then dead-lettered) otherwise.
async fn inbox_worker(inbox: Arc<Inbox>, handler: Handler, shared: Arc<Shared>) {
    let worker = format!("meetergo-listen-{}", std::process::id());
    loop {
        let claimed = {
            let (inbox, worker) = (Arc::clone(&inbox), worker.clone());
            tokio::task::spawn_blocking(move || inbox.claim(&worker)).await
        };
        let claim: Claim = match claimed {
            Ok(Ok(Some(claim))) => claim,
            Ok(Ok(None)) => {
                tokio::time::sleep(IDLE).await;
                continue;
            }
            Ok(Err(e)) => {
                shared.notify(Notice::Problem(format!(
                    "the inbox worker cannot claim: {e}"
                )));
                tokio::time::sleep(IDLE * 10).await;
                continue;
            }
            Err(e) => {
                // The blocking task panicked or was cancelled: say so, and go on draining.
                shared.notify(Notice::Problem(format!(
                    "the inbox worker's claim failed: {e}"
                )));
                tokio::time::sleep(IDLE * 10).await;
                continue;
            }
        };
        let started = Instant::now();
        let (ok, reason, notice) = match &handler {
            Handler::Forward(url, client) => {
                let result = client
                    .post(url.clone())
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("idempotency-key", header_safe(&claim.key))
                    .body(claim.body.clone())
                    .send()
                    .await;
                let (status, error) = match result {
                    Ok(r) => (Some(r.status().as_u16()), None),
                    Err(e) => (None, Some(describe(e, FORWARD_TIMEOUT))),
                };
                let ok = status.is_some_and(|s| (200..300).contains(&s));
                let reason = match (status, &error) {
                    (_, Some(e)) => e.clone(),
                    (Some(s), None) => format!("the forward target answered {s}"),
                    (None, None) => String::new(),
                };
                let notice = Notice::Forwarded {
                    seq: u64::try_from(claim.id).unwrap_or(0),
                    status,
                    error,
                    elapsed: started.elapsed(),
                };
                (ok, reason, notice)
            }
            Handler::Exec { command, timeout } => {
                let (code, error) = execute(command, *timeout, &claim).await;
                let notice = Notice::Executed {
                    id: claim.id,
                    code,
                    error: error.clone(),
                    elapsed: started.elapsed(),
                };
                (error.is_none(), error.unwrap_or_default(), notice)
            }
        };
        let inbox_done = Arc::clone(&inbox);
        let id = claim.id;
        let recorded = tokio::task::spawn_blocking(move || {
            if ok {
                inbox_done.complete(&claim).map(|()| None)
            } else {
                inbox_done.fail(&claim, &reason).map(Some)
            }
        })
        .await;
        if let Ok(Err(e)) = recorded {
            shared.notify(Notice::Problem(format!("delivery {id}: {e}")));
        }
        shared.notify(notice);
    }
}

/// The most of a failed command's standard error kept as the delivery's last error.
const STDERR_TAIL: usize = 2000;

/// Runs `--exec`'s command for a claimed delivery: its exit code, and why the attempt failed (`None`: it succeeded).
/// The command runs in a process group of its own, killed whole when it outlives `timeout` (the lease), and what it
/// leaves running (holding its stderr) is killed when it exits; its input is
/// written while its standard error is read (a command that writes much before reading cannot block on us); only
/// the end of its standard error is kept, with the body's secret values masked.
async fn execute(command: &str, timeout: Duration, claim: &Claim) -> (Option<i32>, Option<String>) {
    use std::process::Stdio;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let webhook_type = claim
        .event()
        .map(|e| e.webhook_type().as_str().to_owned())
        .unwrap_or_default();
    let spawned = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("MEETERGO_IDEMPOTENCY_KEY", &claim.key)
        .env("MEETERGO_ATTEMPT", claim.attempt.to_string())
        .env("MEETERGO_DELIVERY_ID", claim.id.to_string())
        .env("MEETERGO_WEBHOOK_TYPE", webhook_type)
        // The handler gets the delivery, not the CLI's credentials (a Redis URL may hold a password).
        .env_remove("MEETERGO_API_KEY")
        .env_remove("MEETERGO_INBOX")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => return (None, Some(format!("cannot run `sh -c`: {e}"))),
    };
    let group = child.id();
    let (stdin, stderr) = (child.stdin.take(), child.stderr.take());
    let body = claim.body.clone();
    let feed = async move {
        if let Some(mut stdin) = stdin {
            // A command that does not read its input closes the pipe early: not a failure of the delivery.
            let _ = stdin.write_all(&body).await;
        }
    };
    let drain = async move {
        let mut tail: Vec<u8> = Vec::new();
        if let Some(mut stderr) = stderr {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = stderr.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                tail.extend_from_slice(&chunk[..n]);
                if tail.len() > 2 * STDERR_TAIL {
                    tail.drain(..tail.len() - STDERR_TAIL);
                }
            }
        }
        tail
    };
    // The command's own exit decides; a background process it left holding stderr open does not keep us waiting.
    let run = async {
        let (_, status) = tokio::join!(feed, child.wait());
        status
    };
    let drained = tokio::spawn(drain);
    let status = match tokio::time::timeout(timeout, run).await {
        Ok(status) => status,
        Err(_) => {
            kill_group(group);
            let _ = child.kill().await;
            return (
                None,
                Some(format!(
                    "the command ran past the lease ({} s) and was killed",
                    timeout.as_secs_f64()
                )),
            );
        }
    };
    // Processes the command left behind still hold its stderr: they go with it (a handler's work ends when it exits).
    let mut drained = drained;
    let tail = match tokio::time::timeout(Duration::from_millis(50), &mut drained).await {
        Ok(done) => done.unwrap_or_default(),
        Err(_) => {
            kill_group(group);
            tokio::time::timeout(Duration::from_millis(500), drained)
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default()
        }
    };
    match status {
        Ok(status) if status.success() => (status.code(), None),
        Ok(status) => {
            let what = match status.code() {
                Some(code) => format!("exited with {code}"),
                None => "was killed by a signal".to_owned(),
            };
            let text = hide_body_secrets(&String::from_utf8_lossy(&tail), &claim.body);
            let text = text.trim_end();
            let start = text
                .char_indices()
                .rev()
                .nth(STDERR_TAIL.saturating_sub(1))
                .map_or(0, |(i, _)| i);
            let detail = if text.is_empty() {
                String::new()
            } else {
                format!(": {}", &text[start..])
            };
            (status.code(), Some(format!("the command {what}{detail}")))
        }
        Err(e) => (
            None,
            Some(format!("the command could not be waited for: {e}")),
        ),
    }
}

/// Kills a process group (the `--exec` command and whatever it started), without `unsafe`: through kill(1).
fn kill_group(group: Option<u32>) {
    if let Some(pgid) = group {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// `text` with every value of a secret-looking key of the JSON `body` (the booking `secret`, tokens) masked.
fn hide_body_secrets(text: &str, body: &[u8]) -> String {
    fn collect(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, value) in map {
                    match value {
                        serde_json::Value::String(s)
                            if meetergo_core::is_secret_key(key) && !s.is_empty() =>
                        {
                            out.push(s.clone());
                        }
                        other => collect(other, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
            _ => {}
        }
    }
    let mut secrets = Vec::new();
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        collect(&value, &mut secrets);
    }
    secrets.iter().fold(text.to_owned(), |t, secret| {
        t.replace(secret.as_str(), "[redacted]")
    })
}

/// The human lines `meetergo listen` starts with, after "listening on URL".
fn print_banner(args: &ListenArgs, listener: &Listener) {
    say!("listening on {}", listener.url());
    if let Some(store) = &args.store {
        say!(
            "storing each delivery in {} before answering (`meetergo inbox status --store ...`)",
            clean(store)
        );
    }
    if args.exec.is_some() {
        say!(
            "running --exec once per stored event (body on stdin, MEETERGO_IDEMPOTENCY_KEY in the environment)"
        );
    }
    if let Some(url) = &args.forward_to {
        say!(
            "forwarding each body to {}",
            clean(&meetergo_core::redact_url(url.as_str()))
        );
    }
    if let Some(path) = &args.log {
        let path = clean(&path.display().to_string());
        say!(
            "appending each request to {path} ({}; `meetergo replay {path} --to URL` sends them again)",
            if args.log_secrets {
                "bodies exactly as received, secrets included"
            } else {
                "bodies as received with their secrets masked"
            },
        );
    }
    if args.path_secret.is_some() {
        say!("answering 404 to requests whose path does not hold the path secret");
        say!(
            "try: meetergo trigger booking_created --to \"{}/webhooks/meetergo/$MEETERGO_PATH_SECRET\" --repeat 2 \
             (stop with Ctrl-C)",
            listener.url()
        );
    } else {
        say!(
            "try: meetergo trigger booking_created --to {}/webhooks/meetergo --repeat 2 (stop with Ctrl-C)",
            listener.url()
        );
    }
}

/// `meetergo listen`: prints `listening on http://127.0.0.1:PORT` first, then one line per request, until Ctrl-C.
pub async fn run_cli(args: ListenArgs) -> Result<(), CliError> {
    let mut options = ListenOptions::new(args.port);
    if let Some(url) = args.forward_to.clone() {
        options = options.forward_to(url);
    }
    if let Some(path) = args.log.clone() {
        options = options.log(path).log_secrets(args.log_secrets);
    }
    if let Some(store) = args.store.clone() {
        options = options
            .store(store)
            .lease(args.lease)
            .max_store_bytes(args.max_store_bytes);
    }
    if let Some(command) = args.exec.clone() {
        options = options.exec(command);
    }
    if let Some(secret) = &args.path_secret {
        let secret = PathSecret::parse(secret).map_err(|e| {
            CliError::msg(format!(
                "--path-secret (or MEETERGO_PATH_SECRET): {}",
                e.reason
            ))
        })?;
        options = options.path_secret(secret);
    }
    let mut listener = Listener::start(options).await?;
    let json = args.json;
    if json {
        say!(
            "{}",
            serde_json::json!({
                "type": "listening",
                "url": listener.url(),
                "store": args.store.is_some(),
                "forwardTo": args.forward_to.as_ref().map(|u| meetergo_core::redact_url(u.as_str()).into_owned()),
                "log": args.log.as_ref().map(|p| p.display().to_string()),
                "pathSecret": args.path_secret.is_some(),
            })
        );
    } else {
        print_banner(&args, &listener);
    }
    // The lines are written by a thread of their own: a standard output nobody reads blocks that thread, not the
    // server, and the listener's bounded queue then answers 503 (see `ListenOptions::max_held_bytes`).
    let (lines, mut to_print) = mpsc::channel::<String>(1);
    let (printed, done) = oneshot::channel::<()>();
    std::thread::spawn(move || {
        while let Some(line) = to_print.blocking_recv() {
            say!("{line}");
        }
        let _ = printed.send(());
    });
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        tokio::select! {
            notice = listener.next() => match notice {
                Some(n) => {
                    tokio::select! {
                        sent = lines.send(if json { n.json().to_string() } else { n.line() }) => if sent.is_err() { break },
                        _ = &mut ctrl_c => break,
                    }
                }
                None => break,
            },
            _ = &mut ctrl_c => break,
        }
    }
    listener.shutdown().await;
    // The lines already taken are printed, unless standard output stays blocked: then the thread is left behind
    // (never joined, so that a blocked pipe cannot keep the process from exiting).
    drop(lines);
    let _ = tokio::time::timeout(Duration::from_secs(1), done).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_keys_become_header_values() {
        assert_eq!(
            header_safe("booking_created:b-1:2024-01-10T12:00:00Z"),
            "booking_created:b-1:2024-01-10T12:00:00Z"
        );
        assert_eq!(header_safe("x:é 1%\n"), "x:%C3%A9%201%25%0A");
        assert!(header::HeaderValue::from_str(&header_safe("\u{1b}]0;title\u{7}")).is_ok());
    }

    #[test]
    fn credentials_in_headers_are_redacted() {
        let mut h = HeaderMap::new();
        h.insert("authorization", "Bearer rgo-secret".parse().unwrap());
        h.insert("x-webhook-signature", "abc".parse().unwrap());
        h.insert("content-type", "application/json".parse().unwrap());
        h.append("accept", "a".parse().unwrap());
        h.append("accept", "b".parse().unwrap());
        h.insert(
            "referer",
            "https://x.example/h/mps_0123456789abcdefghijKL;v=1?mps_short"
                .parse()
                .unwrap(),
        );
        let out = headers_without_secrets(&h);
        assert_eq!(
            out["referer"],
            "https://x.example/h/[redacted];v=1?mps_short"
        );
        assert_eq!(out["authorization"], "[redacted]");
        assert_eq!(out["x-webhook-signature"], "[redacted]");
        assert_eq!(out["content-type"], "application/json");
        assert_eq!(out["accept"], "a, b");
        assert!(!Value::Object(out).to_string().contains("rgo-secret"));
    }
}
