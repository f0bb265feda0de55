//! `meetergo.Deduplicator`.

use pyo3::prelude::*;

/// Remembers idempotency keys for a while; thread-safe, bounded.
#[pyclass(module = "meetergo._native", frozen)]
pub struct Deduplicator {
    inner: meetergo_core::Deduplicator,
}

#[pymethods]
impl Deduplicator {
    #[new]
    #[pyo3(signature = (ttl_seconds = None, max_entries = None))]
    fn new(py: Python<'_>, ttl_seconds: Option<f64>, max_entries: Option<f64>) -> PyResult<Self> {
        // Checked by meetergo-bind: a negative count is a `ValidationError`, not an `OverflowError`.
        let inner = meetergo_bind::dedup::deduplicator(
            meetergo_bind::Runtime::Python,
            ttl_seconds,
            max_entries,
        )
        .map_err(|e| crate::error::validation(py, &e))?;
        Ok(Self { inner })
    }

    /// `True` the first time `key` is seen (within its TTL), `False` for a duplicate.
    fn first_seen(&self, py: Python<'_>, key: &str) -> bool {
        // The lock is short, but other threads may hold it: wait without the GIL.
        let key = key.to_owned();
        py.detach(|| self.inner.first_seen(&key))
    }

    /// Forgets a key (so a redelivery is processed again). `True` if it was remembered.
    fn forget(&self, key: &str) -> bool {
        self.inner.forget(key)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Deduplicator(ttl_seconds={}, max_entries={}, len={})",
            self.inner.ttl().as_secs_f64(),
            self.inner.capacity(),
            self.inner.len()
        )
    }
}
