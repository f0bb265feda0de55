//! `meetergo.PathSecret`.

use pyo3::prelude::*;

/// An unguessable path segment in a webhook's endpoint (`mps_` and 256 random bits), so that a receiver can refuse
/// deliveries that do not come from meetergo, which does not sign them. Its `repr` never shows it; `reveal()` does.
#[pyclass(module = "meetergo._native", frozen)]
pub struct PathSecret {
    inner: meetergo_core::PathSecret,
}

#[pymethods]
impl PathSecret {
    /// A secret stored earlier (what `reveal()` gave); `ValidationError` unless it is `mps_` and 22 to 128
    /// letters, digits, `-` or `_`.
    #[new]
    fn new(py: Python<'_>, secret: &str) -> PyResult<Self> {
        let inner = meetergo_core::PathSecret::parse(secret)
            .map_err(|e| crate::error::validation(py, &e))?;
        Ok(Self { inner })
    }

    /// A new secret from the operating system's random source.
    #[staticmethod]
    fn generate(py: Python<'_>) -> PyResult<Self> {
        let inner =
            meetergo_core::PathSecret::generate().map_err(|e| crate::error::validation(py, &e))?;
        Ok(Self { inner })
    }

    /// The secret itself, to keep where the receiver reads it (an environment variable, a secret manager).
    fn reveal(&self) -> &str {
        self.inner.reveal()
    }

    /// `endpoint` with the secret appended as its last path segment (before any query).
    fn endpoint(&self, py: Python<'_>, endpoint: &str) -> PyResult<String> {
        self.inner
            .endpoint(endpoint)
            .map_err(|e| crate::error::validation(py, &e))
    }

    /// Whether `segment` is this secret (compared in constant time).
    fn matches(&self, segment: &str) -> bool {
        self.inner.matches(segment)
    }

    /// Whether a request path (query allowed) has this secret as one of its segments (compared in constant time).
    fn matches_path(&self, path: &str) -> bool {
        self.inner.matches_path(path)
    }

    fn __repr__(&self) -> &'static str {
        "PathSecret([redacted])"
    }
}
