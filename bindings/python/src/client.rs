//! `meetergo._native.Client`: the core's client, for the Python `Client` (blocking, GIL released while waiting)
//! and `AsyncClient` (awaitables on the running asyncio loop) wrappers in `meetergo/_client.py`.

use std::time::Duration;

use meetergo_bind::Runtime;
use meetergo_bind::webhook::{new_webhook, patch};
use meetergo_core::{Error, EventType, NewWebhook, Webhook as CoreWebhook};
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
    /// The webhook's id, as meetergo assigned it (always text, also when the API sends a number).
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }
    /// The HTTPS URL meetergo POSTs deliveries to.
    #[getter]
    fn endpoint(&self) -> &str {
        &self.inner.endpoint
    }
    /// The description, or `None`.
    #[getter]
    fn description(&self) -> Option<&str> {
        self.inner.description.as_deref()
    }
    /// The event types it receives (`"booking_created"`, ...), in meetergo's order.
    #[getter]
    fn event_types(&self) -> Vec<&str> {
        self.inner
            .event_types
            .iter()
            .map(EventType::as_str)
            .collect()
    }
    /// The meetergo company it belongs to, or `None` when the API does not say.
    #[getter]
    fn company_id(&self) -> Option<&str> {
        self.inner.company_id.as_deref()
    }
    /// When it was created (a timezone-aware `datetime`), or `None`.
    #[getter]
    fn created_at(&self) -> Option<convert::Time> {
        self.inner.created_at.map(convert::Time)
    }
    /// The fields this SDK does not know, as meetergo sent them.
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
/// (blocking, or as an awaitable when `asynchronous`). It must raise `meetergo.MeetergoError`. Only in builds with
/// the `test-hooks` feature (`maturin develop`, never the wheels).
#[cfg(feature = "test-hooks")]
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
                        allow_insecure_endpoints = false, send_user_id_with_personal_token = false,
                        rate_limit = None, initial_retry_delay = None, max_retry_delay = None,
                        ignore_env = false))]
    #[allow(clippy::too_many_arguments)] // Python's keyword arguments, one per option
    fn new(
        py: Python<'_>,
        api_key: Option<String>,
        user_id: Option<String>,
        base_url: Option<String>,
        timeout: Option<f64>,
        max_retries: Option<f64>,
        allow_insecure_endpoints: bool,
        send_user_id_with_personal_token: bool,
        rate_limit: Option<(Option<f64>, Option<f64>)>,
        initial_retry_delay: Option<f64>,
        max_retry_delay: Option<f64>,
        ignore_env: bool,
    ) -> PyResult<Self> {
        let options = meetergo_bind::options::Options {
            api_key,
            user_id,
            base_url,
            timeout,
            max_retries,
            allow_insecure_endpoints: Some(allow_insecure_endpoints),
            send_user_id_with_personal_token: Some(send_user_id_with_personal_token),
            rate_limit: rate_limit.map(|(per_minute, burst)| {
                meetergo_bind::options::RateLimitOptions { per_minute, burst }
            }),
            initial_retry_delay,
            max_retry_delay,
            ignore_env: Some(ignore_env),
        };
        let builder = options
            .builder(Runtime::Python)
            .map_err(|e| error::validation(py, &e))?
            .user_agent(concat!("meetergo-python/", env!("CARGO_PKG_VERSION")));
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

    #[pyo3(signature = (endpoint, event_types, description = None))]
    fn reconcile(
        &self,
        py: Python<'_>,
        endpoint: String,
        event_types: Vec<String>,
        description: Option<String>,
    ) -> PyResult<Option<Webhook>> {
        let client = self.inner.clone();
        let new = new_webhook(endpoint, event_types, description);
        block(py, async move { client.webhooks().reconcile(&new).await })
            .map(|hook| hook.map(|inner| Webhook { inner }))
    }

    #[pyo3(signature = (endpoint, event_types, description = None))]
    fn reconcile_async<'py>(
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
                .reconcile(&new)
                .await
                .map(|hook| hook.map(|inner| Webhook { inner }))
        })
    }

    fn plan_sync(&self, py: Python<'_>, desired: Vec<Desired>) -> PyResult<Vec<SyncAction>> {
        let client = self.inner.clone();
        let desired = wanted(desired);
        block(
            py,
            async move { client.webhooks().plan_sync(&desired).await },
        )
        .map(actions)
    }

    fn plan_sync_async<'py>(
        &self,
        py: Python<'py>,
        desired: Vec<Desired>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        let desired = wanted(desired);
        awaitable(py, async move {
            client.webhooks().plan_sync(&desired).await.map(actions)
        })
    }

    fn sync(&self, py: Python<'_>, desired: Vec<Desired>) -> PyResult<Vec<SyncAction>> {
        let client = self.inner.clone();
        let desired = wanted(desired);
        block(py, async move { client.webhooks().sync(&desired).await }).map(steps)
    }

    fn sync_async<'py>(
        &self,
        py: Python<'py>,
        desired: Vec<Desired>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        let desired = wanted(desired);
        awaitable(py, async move {
            client.webhooks().sync(&desired).await.map(steps)
        })
    }

    fn __repr__(&self) -> String {
        // The core's Debug redacts the token.
        format!("{:?}", self.inner)
    }
}

/// One wanted webhook of a sync: `(endpoint, event_types, description)`.
type Desired = (String, Vec<String>, Option<String>);

fn wanted(desired: Vec<Desired>) -> Vec<NewWebhook> {
    desired
        .into_iter()
        .map(|(endpoint, types, description)| new_webhook(endpoint, types, description))
        .collect()
}

fn actions(list: Vec<meetergo_core::SyncAction>) -> Vec<SyncAction> {
    list.into_iter()
        .map(|action| SyncAction {
            action,
            webhook: None,
        })
        .collect()
}

fn steps(list: Vec<meetergo_core::SyncStep>) -> Vec<SyncAction> {
    list.into_iter()
        .map(|step| SyncAction {
            webhook: step.webhook.map(|inner| Webhook { inner }),
            action: step.action,
        })
        .collect()
}

/// One step of a sync plan (`plan_sync`), or one carried out (`sync`, with the webhook afterwards).
#[pyclass(module = "meetergo._native", frozen)]
pub struct SyncAction {
    action: meetergo_core::SyncAction,
    webhook: Option<Webhook>,
}

fn type_names(types: &[EventType]) -> Vec<&str> {
    types.iter().map(EventType::as_str).collect()
}

#[pymethods]
impl SyncAction {
    /// `"create"`, `"update"`, `"delete"` or `"unchanged"`.
    #[getter]
    fn action(&self) -> &'static str {
        self.action.kind()
    }
    /// The endpoint the step is about.
    #[getter]
    fn endpoint(&self) -> &str {
        self.action.endpoint()
    }
    /// The registered webhook's id (for a create: the created webhook's, after `sync`).
    #[getter]
    fn id(&self) -> Option<&str> {
        self.action
            .id()
            .or(self.webhook.as_ref().map(|w| w.inner.id.as_str()))
    }
    /// The event types afterwards, for a create or an update that changes them.
    #[getter]
    fn event_types(&self) -> Option<Vec<&str>> {
        use meetergo_core::SyncAction as A;
        match &self.action {
            A::Create { webhook, .. } => Some(type_names(&webhook.event_types)),
            A::Update { patch, .. } => patch.event_types.as_deref().map(type_names),
            _ => None,
        }
    }
    /// The event types before an update.
    #[getter]
    fn event_types_before(&self) -> Option<Vec<&str>> {
        match &self.action {
            meetergo_core::SyncAction::Update { before, .. } => Some(type_names(before)),
            _ => None,
        }
    }
    /// The description afterwards, for a create or an update that changes it.
    #[getter]
    fn description(&self) -> Option<&str> {
        use meetergo_core::SyncAction as A;
        match &self.action {
            A::Create { webhook, .. } => webhook.description.as_deref(),
            A::Update { patch, .. } => patch.description.as_deref(),
            _ => None,
        }
    }
    /// After `sync`: the webhook as it is now (updated or created; `None` after a delete, and in a plan).
    #[getter]
    fn webhook(&self, py: Python<'_>) -> PyResult<Option<Py<Webhook>>> {
        self.webhook
            .as_ref()
            .map(|w| {
                Py::new(
                    py,
                    Webhook {
                        inner: w.inner.clone(),
                    },
                )
            })
            .transpose()
    }
    /// `True` for the steps that change something.
    #[getter]
    fn is_change(&self) -> bool {
        self.action.is_change()
    }
    fn __repr__(&self) -> String {
        format!(
            "SyncAction(action={:?}, id={:?}, endpoint={:?})",
            self.action(),
            self.id(),
            meetergo_core::redact_url(self.endpoint())
        )
    }
}
