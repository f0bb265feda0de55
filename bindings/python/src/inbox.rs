//! `meetergo.Inbox`: the core's durable inbox (SQLite or Redis). Conversion and error mapping only; the worker loops
//! (threads, asyncio) are in `meetergo/_inbox.py`.

use std::sync::Arc;

use meetergo_core::inbox::{self, DeliveryInfo, State};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};

use crate::error;

fn inbox_error(py: Python<'_>, e: &inbox::InboxError) -> PyErr {
    error::inbox(py, e)
}

/// A durable delivery inbox: `Inbox("sqlite:inbox.db")` or `Inbox("redis://host:6379/0?prefix=NAME")`.
#[pyclass(module = "meetergo._native", name = "Inbox", frozen, subclass)]
pub struct Inbox {
    inner: Arc<inbox::Inbox>,
}

/// What `Inbox.accept` did with a body: `status` is `"stored"`, `"duplicate"` or `"quarantined"`.
#[pyclass(module = "meetergo._native", frozen)]
pub struct Accepted {
    /// `"stored"`, `"duplicate"` or `"quarantined"`.
    #[pyo3(get)]
    status: &'static str,
    /// The event's idempotency key (`quarantine#sha256:…` for a body that does not parse).
    #[pyo3(get)]
    key: String,
    /// Why a quarantined body does not parse; `None` otherwise.
    #[pyo3(get)]
    error: Option<String>,
}

#[pymethods]
impl Accepted {
    fn __repr__(&self) -> String {
        format!("Accepted(status={:?}, key={:?})", self.status, self.key)
    }
}

/// A claimed delivery: what a handler gets.
#[pyclass(module = "meetergo._native", frozen)]
pub struct Claim {
    inner: inbox::Claim,
}

#[pymethods]
impl Claim {
    /// The inbox's id of the delivery.
    #[getter]
    fn id(&self) -> i64 {
        self.inner.id
    }

    /// The idempotency key: make the handler's own side effects idempotent with it.
    #[getter]
    fn key(&self) -> &str {
        &self.inner.key
    }

    /// This attempt's number, from 1.
    #[getter]
    fn attempt(&self) -> u32 {
        self.inner.attempt
    }

    /// The body as received.
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.inner.body)
    }

    /// The parsed event (as `parse_event` returns it).
    fn event(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let event = self.inner.event().map_err(|e| error::payload(py, &e))?;
        let event =
            meetergo_core::LazyEvent::from_event(event).map_err(|e| error::payload(py, &e))?;
        crate::events::event_object(py, event)
    }

    fn __repr__(&self) -> String {
        format!(
            "Claim(id={}, key={:?}, attempt={})",
            self.inner.id, self.inner.key, self.inner.attempt
        )
    }
}

fn state(name: &str) -> PyResult<State> {
    State::parse(name).ok_or_else(|| {
        pyo3::exceptions::PyValueError::new_err(format!(
            "unknown state {name:?}: pending, running, done, dead or quarantined"
        ))
    })
}

fn delivery<'py>(py: Python<'py>, d: &DeliveryInfo) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("id", d.id)?;
    out.set_item("key", &d.key)?;
    out.set_item("state", d.state.as_str())?;
    out.set_item("webhook_type", &d.webhook_type)?;
    out.set_item("received_at_ms", d.received_at_ms)?;
    out.set_item("attempts", d.attempts)?;
    out.set_item("next_attempt_at_ms", d.next_attempt_at_ms)?;
    out.set_item("last_error", &d.last_error)?;
    out.set_item("duplicates", d.duplicates)?;
    Ok(out)
}

/// The headers as name/value pairs: a mapping (its `items()`, so every value of a repeated header) or pairs.
fn header_pairs(headers: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(headers) = headers else {
        return Ok(Vec::new());
    };
    let items = if headers.hasattr("items")? {
        headers.call_method0("items")?
    } else {
        headers.clone()
    };
    let mut out = Vec::new();
    for item in items.try_iter()? {
        let (name, value): (String, String) = item?.extract()?;
        out.push((name, value));
    }
    Ok(out)
}

fn accept_pairs(
    inbox: &inbox::Inbox,
    body: &[u8],
    headers: &[(String, String)],
) -> Result<inbox::Accepted, inbox::InboxError> {
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    inbox.accept(body, &pairs)
}

/// The core's answer to meetergo ([`inbox::Inbox::answer`]) as Python values.
fn received<'py>(
    py: Python<'py>,
    outcome: Result<inbox::Accepted, inbox::InboxError>,
) -> PyResult<(u16, Bound<'py, PyAny>)> {
    let (status, answer) = inbox::Inbox::answer(outcome);
    Ok((status, crate::convert::value(py, &answer)?))
}

impl Inbox {
    /// Runs `f` on the inbox without the GIL (a commit may wait for the disk or for Redis).
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&inbox::Inbox) -> Result<T, inbox::InboxError> + Send,
    ) -> PyResult<T> {
        let inner = &self.inner;
        py.detach(|| f(inner)).map_err(|e| inbox_error(py, &e))
    }
}

#[pymethods]
impl Inbox {
    #[new]
    #[pyo3(signature = (
        url,
        *,
        max_attempts = None,
        lease = None,
        initial_retry_delay = None,
        max_retry_delay = None,
        max_body_bytes = None,
        max_store_bytes = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        url: &str,
        max_attempts: Option<f64>,
        lease: Option<f64>,
        initial_retry_delay: Option<f64>,
        max_retry_delay: Option<f64>,
        max_body_bytes: Option<f64>,
        max_store_bytes: Option<f64>,
    ) -> PyResult<Self> {
        let options = meetergo_bind::inbox::Options {
            max_attempts,
            lease,
            initial_retry_delay,
            max_retry_delay,
            max_body_bytes,
            max_store_bytes,
        }
        .resolve(meetergo_bind::Runtime::Python)
        .map_err(|e| error::validation(py, &e))?;
        let url = url.to_owned();
        let opened = py
            .detach(|| inbox::Inbox::open(&url, options))
            .map_err(|e| inbox_error(py, &e))?;
        Ok(Self {
            inner: Arc::new(opened),
        })
    }

    /// Stores a delivery body (`bytes`, `bytearray` or `str`) durably before it returns; `headers` (a mapping or
    /// pairs) are kept with credentials masked. Raises `InboxError` (`kind` `TooLarge`: answer 413; `Storage`:
    /// answer 503); otherwise answer 200.
    #[pyo3(signature = (body, headers = None))]
    fn accept(
        &self,
        py: Python<'_>,
        body: &Bound<'_, PyAny>,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Accepted> {
        let bytes = crate::events::body_bytes(body, "accept()")?.into_owned();
        let headers = header_pairs(headers)?;
        let accepted = self.run(py, move |inbox| {
            let pairs: Vec<(&str, &str)> = headers
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            inbox.accept(&bytes, &pairs)
        })?;
        let (status, key, error) = meetergo_bind::inbox::accepted(&accepted);
        Ok(Accepted {
            status,
            key: key.to_owned(),
            error: error.map(str::to_owned),
        })
    }

    /// `accept` for an HTTP handler: `(status, body)` to answer meetergo with — 200 and `{"status", "key"}` when the
    /// body is durably handled, 413 or 503 and `{"error"}` when not (never 200 without storing).
    #[pyo3(signature = (body, headers = None))]
    fn receive<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'_, PyAny>,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(u16, Bound<'py, PyAny>)> {
        let bytes = crate::events::body_bytes(body, "receive()")?.into_owned();
        let headers = header_pairs(headers)?;
        let inner = &self.inner;
        let outcome = py.detach(|| accept_pairs(inner, &bytes, &headers));
        received(py, outcome)
    }

    /// `receive` as an awaitable for asyncio (FastAPI, Starlette): the store's work runs on the SDK's own threads,
    /// never on the event loop, and without a Python thread pool.
    #[pyo3(signature = (body, headers = None))]
    fn areceive<'py>(
        &self,
        py: Python<'py>,
        body: &Bound<'_, PyAny>,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let bytes = crate::events::body_bytes(body, "areceive()")?.into_owned();
        let headers = header_pairs(headers)?;
        let inner = Arc::clone(&self.inner);
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let outcome =
                tokio::task::spawn_blocking(move || accept_pairs(&inner, &bytes, &headers))
                    .await
                    .unwrap_or_else(|e| {
                        Err(inbox::InboxError::Storage(format!(
                            "the inbox task failed: {e}"
                        )))
                    });
            Python::attach(|py| {
                received(py, outcome).map(|(status, answer)| (status, answer.unbind()))
            })
        })
    }

    /// Claims the oldest due delivery for `worker`; `None` when there is none.
    #[pyo3(signature = (worker = "python"))]
    fn claim(&self, py: Python<'_>, worker: &str) -> PyResult<Option<Claim>> {
        let worker = worker.to_owned();
        let claimed = self.run(py, move |inbox| inbox.claim(&worker))?;
        Ok(claimed.map(|inner| Claim { inner }))
    }

    /// Marks a claimed delivery handled. Raises `InboxError` (`kind` `LeaseLost`) when its lease expired and another
    /// worker took it.
    fn complete(&self, py: Python<'_>, claim: Py<Claim>) -> PyResult<()> {
        let claim = claim.get();
        self.run(py, |inbox| inbox.complete(&claim.inner))
    }

    /// Records a failed attempt; returns the seconds until the next one, or `None` when it was dead-lettered.
    fn fail(&self, py: Python<'_>, claim: Py<Claim>, error: &str) -> PyResult<Option<f64>> {
        let claim = claim.get();
        let error = error.to_owned();
        let retry = self.run(py, move |inbox| inbox.fail(&claim.inner, &error))?;
        Ok(match retry {
            inbox::Retry::After(delay) => Some(delay.as_secs_f64()),
            inbox::Retry::Dead => None,
        })
    }

    /// Deliveries in `state` (`pending`, `running`, `done`, `dead`, `quarantined`), oldest first, as dicts.
    #[pyo3(signature = (state = "pending", limit = 100))]
    fn list<'py>(
        &self,
        py: Python<'py>,
        state: &str,
        limit: usize,
    ) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let state = self::state(state)?;
        let listed = self.run(py, move |inbox| inbox.list(state, limit))?;
        listed.iter().map(|d| delivery(py, d)).collect()
    }

    /// How many deliveries are in each state, and the redeliveries acknowledged without storing (`duplicates`).
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.run(py, inbox::Inbox::counts)?;
        let out = PyDict::new(py);
        out.set_item("pending", c.pending)?;
        out.set_item("running", c.running)?;
        out.set_item("done", c.done)?;
        out.set_item("dead", c.dead)?;
        out.set_item("quarantined", c.quarantined)?;
        out.set_item("duplicates", c.duplicates)?;
        Ok(out)
    }

    /// Puts a dead delivery back in the queue, or parses a quarantined body again; returns its state afterwards.
    fn replay(&self, py: Python<'_>, id: i64) -> PyResult<&'static str> {
        self.run(py, move |inbox| inbox.replay(id))
            .map(State::as_str)
    }

    /// Puts every dead delivery back in the queue; returns how many.
    fn replay_dead(&self, py: Python<'_>) -> PyResult<u64> {
        self.run(py, inbox::Inbox::replay_dead)
    }

    /// Deletes deliveries handled more than `older_than` seconds ago; returns how many.
    fn purge_done(&self, py: Python<'_>, older_than: f64) -> PyResult<u64> {
        let age = std::time::Duration::try_from_secs_f64(older_than).map_err(|_| {
            let e = meetergo_core::ValidationError::new(
                "older_than",
                meetergo_core::ValidationErrorKind::Malformed,
                "must be a number of seconds, 0 or more",
            );
            error::validation(py, &e)
        })?;
        self.run(py, move |inbox| inbox.purge_done(age))
    }

    /// Why an acknowledged delivery might not survive a crash of the store's server (a Redis without an
    /// append-only file), or `None`.
    #[getter]
    fn durability_warning(&self) -> Option<String> {
        self.inner.durability_warning().map(str::to_owned)
    }

    /// The store as a URL without credentials.
    #[getter]
    fn location(&self) -> String {
        self.inner.location()
    }

    fn __repr__(&self) -> String {
        format!("Inbox({:?})", self.inner.location())
    }
}
