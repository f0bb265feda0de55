//! `meetergo._native.Client`: the core's client, for the Python `Client` (blocking, GIL released while waiting)
//! and `AsyncClient` (awaitables on the running asyncio loop) wrappers in `meetergo/_client.py`.

use std::time::Duration;

use meetergo_core::{Error, EventType, NewWebhook, Webhook as CoreWebhook, WebhookPatch};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use tokio::task::{JoinError, JoinHandle};

use crate::convert;
use crate::error;

/// A registered webhook.
#[pyclass(module = "meetergo._native", frozen)]
pub struct Webhook {
    inner: CoreWebhook,
}

#[pymethods]
impl Webhook {
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    #[getter]
    fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }
    #[getter]
    fn description(&self) -> Option<&str> {
        self.inner.description.as_deref()
    }
    #[getter]
    fn event_types(&self) -> Vec<&str> {
        self.inner
            .event_types
            .iter()
            .map(EventType::as_str)
            .collect()
    }
    #[getter]
    fn company_id(&self) -> Option<&str> {
        self.inner.company_id.as_deref()
    }
    #[getter]
    fn created_at(&self) -> Option<convert::Time> {
        self.inner.created_at.map(convert::Time)
    }
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::map(py, &self.inner.extra)
    }
    /// The webhook as meetergo returns it (wire names).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::value(py, &serde_json::to_value(&self.inner).unwrap_or_default())
    }
    /// Compared by value, so unhashable.
    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Webhook>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "Webhook(id={:?}, endpoint={:?}, event_types={:?}, description={:?})",
            self.inner.id,
            // A webhook registered outside the SDK may carry a credential in its URL.
            meetergo_core::redact_url(&self.inner.endpoint),
            self.event_types(),
            self.inner.description
        )
    }
}

/// The core client; every method has a blocking form and an `_async` form.
#[pyclass(module = "meetergo._native", frozen)]
pub struct Client {
    inner: meetergo_core::Client,
}

fn patch(
    endpoint: Option<String>,
    description: Option<String>,
    event_types: Option<Vec<String>>,
) -> WebhookPatch {
    let mut p = WebhookPatch::new();
    if let Some(e) = endpoint {
        p = p.endpoint(e);
    }
    if let Some(d) = description {
        p = p.description(d);
    }
    if let Some(t) = event_types {
        p = p.event_types(t);
    }
    p
}

fn new_webhook(
    endpoint: String,
    event_types: Vec<String>,
    description: Option<String>,
) -> NewWebhook {
    let new = NewWebhook::new(endpoint, event_types);
    match description {
        Some(d) => new.description(d),
        None => new,
    }
}

/// How often a blocking call looks up from the network to let Ctrl-C (and other signal handlers) through.
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// Aborts the spawned request when the Python side gives up on it (an awaitable cancelled or dropped).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The outcome of a spawned core future: a panic inside the core becomes a `meetergo.MeetergoError`, never
/// pyo3's `PanicException`.
fn joined<T>(py: Python<'_>, outcome: Result<Result<T, Error>, JoinError>) -> PyResult<T> {
    match outcome {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(error::core(py, &e)),
        Err(join) => Err(error::internal(py, &join)),
    }
}

/// Runs a core future to completion on the shared runtime, without holding the GIL. Signal handlers run every
/// `SIGNAL_POLL`: Ctrl-C raises `KeyboardInterrupt` and cancels the request.
fn block<T: Send + 'static>(
    py: Python<'_>,
    fut: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> PyResult<T> {
    // Waiting for a future on a thread that already drives a tokio runtime would panic: say so instead.
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(error::misuse(
            py,
            "the blocking meetergo.Client cannot wait inside a running tokio runtime; use meetergo.AsyncClient",
        ));
    }
    let runtime = pyo3_async_runtimes::tokio::get_runtime();
    let mut task = AbortOnDrop(runtime.spawn(fut));
    loop {
        let step = py.detach(|| {
            // The timer must be made inside the runtime.
            runtime.block_on(async { tokio::time::timeout(SIGNAL_POLL, &mut task.0).await })
        });
        match step {
            Ok(outcome) => return joined(py, outcome),
            // Dropping `task` on the way out aborts the request.
            Err(_still_running) => py.check_signals()?,
        }
    }
}

/// Wraps a core future as a Python awaitable on the running asyncio loop (cancelling the task drops the future,
/// which cancels the request).
fn awaitable<'py, T>(
    py: Python<'py>,
    fut: impl Future<Output = Result<T, Error>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>>
where
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let mut task = AbortOnDrop(tokio::spawn(fut));
        let outcome = (&mut task.0).await;
        Python::attach(|py| joined(py, outcome))
    })
}

/// For the tests: a request whose future panics, as a bug in the core would, run the way every call runs
/// (blocking, or as an awaitable when `asynchronous`). It must raise `meetergo.MeetergoError`.
#[pyfunction]
pub fn _panicking_call(py: Python<'_>, asynchronous: bool) -> PyResult<Py<PyAny>> {
    let fut = async {
        if std::hint::black_box(true) {
            #[allow(clippy::panic)]
            {
                panic!("a deliberate panic (meetergo._native._panicking_call)");
            }
        }
        Ok::<(), Error>(())
    };
    if asynchronous {
        awaitable(py, fut).map(Bound::unbind)
    } else {
        block(py, fut).map(|()| py.None())
    }
}

fn hooks(list: Vec<CoreWebhook>) -> Vec<Webhook> {
    list.into_iter().map(|inner| Webhook { inner }).collect()
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (api_key = None, user_id = None, base_url = None, timeout = None, max_retries = None,
                        allow_insecure_endpoints = false))]
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        user_id: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<f64>,
        allow_insecure_endpoints: bool,
    ) -> PyResult<Self> {
        let mut builder =
            meetergo_core::Client::builder().allow_insecure_endpoints(allow_insecure_endpoints);
        if let Some(k) = api_key {
            builder = builder.api_key(k);
        }
        if let Some(u) = user_id {
            builder = builder.user_id(u);
        }
        if let Some(b) = base_url {
            builder = builder.base_url(b);
        }
        if let Some(t) = timeout {
            let t = meetergo_core::positive_seconds(t, "timeout")
                .map_err(|e| error::validation(py, &e))?;
            builder = builder.timeout(t);
        }
        if let Some(r) = max_retries {
            // A whole number from 0 to 100, checked by the core (not an OverflowError for -1).
            let r = meetergo_core::whole_number(r, "max_retries", 100)
                .map_err(|e| error::validation(py, &e))?;
            builder = builder.max_retries(r);
        }
        builder = builder.user_agent(concat!("meetergo-python/", env!("CARGO_PKG_VERSION")));
        // The client's connection pool lives on the shared runtime: build it there.
        let _guard = pyo3_async_runtimes::tokio::get_runtime().enter();
        let inner = builder.build().map_err(|e| error::core(py, &e))?;
        Ok(Self { inner })
    }

    #[pyo3(signature = (endpoint, event_types, description = None))]
    fn create(
        &self,
        py: Python<'_>,
        endpoint: String,
        event_types: Vec<String>,
        description: Option<String>,
    ) -> PyResult<Webhook> {
        let client = self.inner.clone();
        let new = new_webhook(endpoint, event_types, description);
        block(py, async move { client.webhooks().create(new).await }).map(|inner| Webhook { inner })
    }

    fn list(&self, py: Python<'_>) -> PyResult<Vec<Webhook>> {
        let client = self.inner.clone();
        block(py, async move { client.webhooks().list().await }).map(hooks)
    }

    #[pyo3(signature = (id, endpoint = None, description = None, event_types = None))]
    fn update(
        &self,
        py: Python<'_>,
        id: String,
        endpoint: Option<String>,
        description: Option<String>,
        event_types: Option<Vec<String>>,
    ) -> PyResult<Webhook> {
        let client = self.inner.clone();
        let patch = patch(endpoint, description, event_types);
        block(
            py,
            async move { client.webhooks().update(&id, patch).await },
        )
        .map(|inner| Webhook { inner })
    }

    fn delete(&self, py: Python<'_>, id: String) -> PyResult<()> {
        let client = self.inner.clone();
        block(py, async move { client.webhooks().delete(&id).await })
    }

    #[pyo3(signature = (endpoint, event_types, description = None))]
    fn create_async<'py>(
        &self,
        py: Python<'py>,
        endpoint: String,
        event_types: Vec<String>,
        description: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        let new = new_webhook(endpoint, event_types, description);
        awaitable(py, async move {
            client
                .webhooks()
                .create(new)
                .await
                .map(|inner| Webhook { inner })
        })
    }

    fn list_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        awaitable(py, async move { client.webhooks().list().await.map(hooks) })
    }

    #[pyo3(signature = (id, endpoint = None, description = None, event_types = None))]
    fn update_async<'py>(
        &self,
        py: Python<'py>,
        id: String,
        endpoint: Option<String>,
        description: Option<String>,
        event_types: Option<Vec<String>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        let patch = patch(endpoint, description, event_types);
        awaitable(py, async move {
            client
                .webhooks()
                .update(&id, patch)
                .await
                .map(|inner| Webhook { inner })
        })
    }

    fn delete_async<'py>(&self, py: Python<'py>, id: String) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        awaitable(py, async move { client.webhooks().delete(&id).await })
    }

    fn __repr__(&self) -> String {
        // The core's Debug redacts the token.
        format!("{:?}", self.inner)
    }
}
