//! # meetergo-mock
//!
//! A local, stateful stand-in for meetergo's Webhooks API, so the SDK runs and is tested without an account:
//! `POST/GET /webhooks`, `PATCH/DELETE /webhooks/{id}` with meetergo's authentication rules, NestJS-style errors, the
//! six-webhook limit and the rate limit; and, under `/_mock/`, routes that simulate events and deliver them to the
//! registered webhooks (as meetergo does, at least once), record every delivery, and inject faults.
//!
//! ```no_run
//! # async fn run() -> Result<(), meetergo_mock::MockError> {
//! let mock = meetergo_mock::MockServer::start(meetergo_mock::MockConfig::default()).await?;
//! println!("meetergo stand-in on {}", mock.base_url());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod deliver;
mod faults;
mod is_url;
pub mod samples;
pub mod serve;
pub mod services;
mod state;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub use api::{company_of, owner_of};
pub use deliver::{DeliveryRecord, SimulateRequest, SimulateResponse};
pub use faults::Fault;

/// How the stand-in behaves. `Default` gives meetergo's own numbers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MockConfig {
    /// Address to bind. Default: `127.0.0.1:0` (any free port; see [`MockServer::addr`]).
    pub bind: SocketAddr,
    /// Enforce meetergo's rate limit (100 requests a minute per token, bursts of 200). Default: `true`.
    pub rate_limit: bool,
    /// Largest request body accepted; larger ones get 413. Default: 1 MiB.
    pub max_body_bytes: usize,
    /// How long a delivery waits for the receiver's answer. Default: 30 s (meetergo's).
    pub delivery_timeout: Duration,
    /// Webhooks per company. Default: 6 (meetergo's).
    pub max_webhooks: usize,
    /// Answer webhook ids as JSON integers (`"id": 1492`), as meetergo's live API has been seen doing, instead of
    /// the UUID strings its documentation shows. Default: `false`.
    pub numeric_ids: bool,
    /// Accept endpoints whose host has no top-level domain (`http://localhost:3000/hooks`, `http://receiver/`),
    /// which meetergo's URL check refuses: for local development. IP addresses pass that check either way.
    /// Default: `false`.
    pub allow_local_endpoints: bool,
    /// Header and body timeouts and the connection limit (see [`serve::Limits`]). Default: [`serve::Limits::default`].
    pub limits: serve::Limits,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            rate_limit: true,
            max_body_bytes: 1024 * 1024,
            delivery_timeout: Duration::from_secs(30),
            max_webhooks: meetergo_core::MAX_WEBHOOKS_PER_COMPANY,
            numeric_ids: false,
            allow_local_endpoints: false,
            limits: serve::Limits::default(),
        }
    }
}

impl MockConfig {
    /// Binds `127.0.0.1:<port>` (0: any free port).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.bind = SocketAddr::from(([127, 0, 0, 1], port));
        self
    }

    /// Turns the rate limit on or off.
    #[must_use]
    pub fn rate_limit(mut self, on: bool) -> Self {
        self.rate_limit = on;
        self
    }

    /// Sets the delivery timeout.
    #[must_use]
    pub fn delivery_timeout(mut self, timeout: Duration) -> Self {
        self.delivery_timeout = timeout;
        self
    }

    /// Sets the number of webhooks a company may have.
    #[must_use]
    pub fn max_webhooks(mut self, max: usize) -> Self {
        self.max_webhooks = max;
        self
    }

    /// Answers webhook ids as JSON integers (see [`MockConfig::numeric_ids`]).
    #[must_use]
    pub fn numeric_ids(mut self, on: bool) -> Self {
        self.numeric_ids = on;
        self
    }

    /// Accepts endpoints without a top-level domain (see [`MockConfig::allow_local_endpoints`]).
    #[must_use]
    pub fn allow_local_endpoints(mut self, on: bool) -> Self {
        self.allow_local_endpoints = on;
        self
    }

    /// Sets the largest request body accepted.
    #[must_use]
    pub fn max_body_bytes(mut self, max: usize) -> Self {
        self.max_body_bytes = max;
        self
    }
}

/// Why the stand-in could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The address could not be bound (port taken, no permission).
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP client used for deliveries could not be built.
    #[error("cannot build the delivery client: {0}")]
    Client(String),
}

/// A running stand-in. Stops when dropped or on [`MockServer::shutdown`].
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<state::State>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Binds and starts serving in the background (needs a tokio runtime).
    pub async fn start(config: MockConfig) -> Result<MockServer, MockError> {
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .map_err(|source| MockError::Bind {
                addr: config.bind,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| MockError::Bind {
            addr: config.bind,
            source,
        })?;
        let config_limits = config.limits;
        let state = Arc::new(state::State::new(config).map_err(MockError::Client)?);
        let app = api::router(Arc::clone(&state));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            serve::serve(listener, app, config_limits, async {
                let _ = rx.await;
            })
            .await;
        });
        log::info!(target: "meetergo_mock", "listening on http://{addr}");
        Ok(MockServer {
            addr,
            state,
            shutdown: Some(tx),
            task: Some(task),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`: pass it as the SDK's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Simulates an event and delivers it to every webhook of the company (or of every company) subscribed to its
    /// type, as `POST /_mock/events` does.
    pub async fn simulate(&self, request: SimulateRequest) -> SimulateResponse {
        deliver::simulate(&self.state, None, request).await
    }

    /// Every delivery made so far, oldest first.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.deliveries()
    }

    /// Makes the next `count` API requests (not `/_mock/` ones) fail as `fault` says.
    pub fn inject(&self, fault: Fault, count: u32) {
        self.state.inject(fault, count);
    }

    /// How many API requests were received (the `/_mock/` routes excluded).
    pub fn request_count(&self) -> u64 {
        self.state.request_count()
    }

    /// Stops serving: requests in flight get up to two seconds to finish (a `Hang` fault may hold one for longer),
    /// then the server task is ended.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take()
            && tokio::time::timeout(Duration::from_secs(2), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
