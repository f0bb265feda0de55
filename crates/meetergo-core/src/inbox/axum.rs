//! Receiving with [axum](https://docs.rs/axum) (feature `axum`): a handler that stores each delivery before it
//! answers, and workers on tokio that run an async handler once per stored event.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use meetergo_core::inbox::{Inbox, InboxOptions, axum::{router, WorkerOptions, spawn_worker}};
//!
//! let inbox = Arc::new(Inbox::open("sqlite:inbox.db", InboxOptions::default())?);
//! let worker = spawn_worker(Arc::clone(&inbox), WorkerOptions::default(), |claim| async move {
//!     let event = claim.event()?; // key side effects by claim.key: a handler may run again after a failure
//!     println!("{} (attempt {})", event.idempotency_key(), claim.attempt);
//!     Ok::<(), meetergo_core::PayloadError>(())
//! });
//! let app = router(inbox, "/webhooks/meetergo");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! worker.stop().await;
//! # Ok(()) }
//! ```

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Claim, Inbox, InboxError};

/// A router with one route, `POST path`, storing deliveries in `inbox` ([`receive`]). Its body limit follows the
/// inbox's (`max_body_bytes`; axum's own default is 2 MB), so that the inbox itself refuses what is too large.
pub fn router(inbox: Arc<Inbox>, path: &str) -> axum::Router {
    let limit = inbox.options().max_body_bytes.saturating_add(1);
    axum::Router::new()
        .route(path, post(receive))
        .layer(axum::extract::DefaultBodyLimit::max(limit))
        .with_state(inbox)
}

/// The handler: stores the raw body (off the async runtime: a commit waits for the disk or Redis), then answers
/// meetergo — 200 with `{"status", "key"}` once stored (or recognised as a redelivery, or quarantined), 413 for a
/// body over the limit, 503 when the store failed (nothing stored), each with `{"error"}`.
pub async fn receive(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, body: Bytes) -> Response {
    let pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| {
            Some((name.as_str().to_owned(), value.to_str().ok()?.to_owned()))
        })
        .collect();
    let outcome = tokio::task::spawn_blocking(move || {
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        inbox.accept(&body, &refs)
    })
    .await
    .unwrap_or_else(|e| Err(InboxError::Storage(format!("the inbox task failed: {e}"))));
    let (status, answer) = Inbox::answer(outcome);
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    (status, Json(answer)).into_response()
}

/// How [`spawn_worker`] works.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Deliveries handled at once. Default: 1.
    pub concurrency: usize,
    /// How long a worker with nothing due waits before it looks again. Default: 500 ms.
    pub poll_interval: Duration,
    /// The worker's name in the store (claims are recorded with it). Default: `tokio:<pid>`.
    pub name: String,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        Self {
            concurrency: 1,
            poll_interval: Duration::from_millis(500),
            name: format!("tokio:{}", std::process::id()),
        }
    }
}

/// Workers started by [`spawn_worker`]; dropping it (without [`Worker::stop`]) stops them too, after the deliveries
/// they are handling.
#[derive(Debug)]
#[must_use = "the workers stop when this is dropped; keep it, and call `stop().await` to wait for them"]
pub struct Worker {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl Worker {
    /// Stops the workers after the deliveries they are handling, and waits for them.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

/// Starts `options.concurrency` tasks that claim due deliveries and run `handler` on each: `Ok` completes the
/// delivery, `Err` (or a panic) records a failed attempt (retried with backoff, then dead-lettered). Store failures
/// are logged and retried after the poll interval. Needs a multi-threaded tokio runtime's blocking pool.
pub fn spawn_worker<F, Fut, E>(inbox: Arc<Inbox>, options: WorkerOptions, handler: F) -> Worker
where
    F: Fn(Arc<Claim>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Display + Send + 'static,
{
    let (stop, stopped) = watch::channel(false);
    let handler = Arc::new(handler);
    let tasks = (0..options.concurrency.max(1))
        .map(|n| {
            let (inbox, handler, mut stopped) =
                (Arc::clone(&inbox), Arc::clone(&handler), stopped.clone());
            let (name, poll) = (format!("{}:{n}", options.name), options.poll_interval);
            tokio::spawn(async move {
                // Until stopped, or the `Worker` is dropped (its sender with it).
                while !*stopped.borrow() && stopped.has_changed().is_ok() {
                    let worked = match work_once(&inbox, &name, &*handler).await {
                        Ok(worked) => worked,
                        Err(e) => {
                            log::error!(target: "meetergo::inbox", "inbox worker {name}: {e}");
                            false
                        }
                    };
                    if !worked {
                        tokio::select! {
                            _ = tokio::time::sleep(poll) => {}
                            // A stop, or the `Worker` dropped: both end the loop.
                            changed = stopped.changed() => if changed.is_err() { break },
                        }
                    }
                }
            })
        })
        .collect();
    Worker { stop, tasks }
}

/// Claims one due delivery and runs `handler` on it; `Ok(false)` when nothing was due.
pub async fn work_once<F, Fut, E>(
    inbox: &Arc<Inbox>,
    worker: &str,
    handler: &F,
) -> Result<bool, InboxError>
where
    F: Fn(Arc<Claim>) -> Fut,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    E: Display + Send + 'static,
{
    let claimed = {
        let (inbox, worker) = (Arc::clone(inbox), worker.to_owned());
        tokio::task::spawn_blocking(move || inbox.claim(&worker))
            .await
            .map_err(|e| InboxError::Storage(format!("the inbox task failed: {e}")))??
    };
    let Some(claim) = claimed.map(Arc::new) else {
        return Ok(false);
    };
    // A handler that panics before its future exists, or while it runs (its own task), is a failed attempt, not a
    // dead worker.
    let started =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(Arc::clone(&claim))));
    let outcome = match started {
        Err(panic) => Some(format!(
            "the handler panicked: {}",
            super::panic_text(panic.as_ref())
        )),
        Ok(future) => match tokio::spawn(future).await {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(e) if e.is_panic() => Some(format!(
                "the handler panicked: {}",
                super::panic_text(e.into_panic().as_ref())
            )),
            Err(e) => Some(format!("the handler was cancelled: {e}")),
        },
    };
    let inbox = Arc::clone(inbox);
    let settled = tokio::task::spawn_blocking(move || match outcome {
        None => inbox.complete(&claim),
        Some(error) => inbox.fail(&claim, &error).map(|_| ()),
    })
    .await
    .map_err(|e| InboxError::Storage(format!("the inbox task failed: {e}")))?;
    match settled {
        // Its lease expired while the handler ran: another worker has it now.
        Err(InboxError::LeaseLost(id)) => {
            log::warn!(target: "meetergo::inbox", "delivery {id}: the lease expired while its handler ran");
            Ok(true)
        }
        other => other.map(|()| true),
    }
}
