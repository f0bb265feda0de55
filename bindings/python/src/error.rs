//! Core errors → the Python exceptions of `meetergo._errors` (defined in Python so users can catch and pickle them).
//! Every exception is built from the core's [`ErrorReport`] by `meetergo._errors._from_report`, the one place that
//! names the attributes: each attribute the core's error carries reaches Python, with the meaning it has in Node.

use meetergo_bind::report::ErrorReport;
use meetergo_core::{Error, PayloadError, ValidationError};
use pyo3::prelude::*;

/// `meetergo._errors._from_report(report)` as a `PyErr`.
fn from_report(py: Python<'_>, report: &ErrorReport) -> PyErr {
    let built = (|| -> PyResult<PyErr> {
        let json = serde_json::to_value(report).unwrap_or_default();
        let dict = crate::convert::value(py, &json)?;
        let exc = py
            .import("meetergo._errors")?
            .getattr("_from_report")?
            .call1((dict,))?;
        Ok(PyErr::from_value(exc))
    })();
    // The error classes are part of the package; if they cannot be loaded, say so rather than lose the error.
    built.unwrap_or_else(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!(
            "{} (and meetergo._errors failed to load: {e})",
            report.message
        ))
    })
}

/// `meetergo.PayloadError`, with `kind` and where (`path`, or `line` and `column`), `size`/`limit` or `offset`.
pub(crate) fn payload(py: Python<'_>, e: &PayloadError) -> PyErr {
    from_report(py, &ErrorReport::from(e))
}

/// `meetergo.ValidationError`, with `field`, `reason`, `kind`.
pub(crate) fn validation(py: Python<'_>, e: &ValidationError) -> PyErr {
    from_report(py, &ErrorReport::from(e))
}

/// `meetergo.InboxError`, with `kind` (`TooLarge`, `Storage`, ...) and, for a body over the limit, `size` and `limit`.
pub(crate) fn inbox(py: Python<'_>, e: &meetergo_core::inbox::InboxError) -> PyErr {
    from_report(py, &ErrorReport::from(e))
}

/// Any core error as its Python exception class, with every attribute of the core's report.
pub(crate) fn core(py: Python<'_>, e: &Error) -> PyErr {
    from_report(py, &ErrorReport::from(e))
}

/// A `meetergo.MeetergoError` with only a message (failures outside the core's errors).
fn plain(py: Python<'_>, message: String) -> PyErr {
    let built = (|| -> PyResult<PyErr> {
        let exc = py
            .import("meetergo._errors")?
            .getattr("MeetergoError")?
            .call1((message.clone(),))?;
        Ok(PyErr::from_value(exc))
    })();
    built.unwrap_or_else(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!(
            "{message} (and meetergo._errors failed to load: {e})"
        ))
    })
}

/// A panic inside the core (a bug) as a `meetergo.MeetergoError`, so it never reaches Python as pyo3's
/// `PanicException` (which is not an `Exception`).
pub(crate) fn internal(py: Python<'_>, e: &tokio::task::JoinError) -> PyErr {
    let what = if e.is_cancelled() {
        "the request was cancelled"
    } else {
        "a bug in meetergo's Rust core (please report it)"
    };
    plain(py, format!("internal error: {what}"))
}

/// A call the SDK refuses because of where it was made (e.g. the blocking client inside a tokio runtime).
pub(crate) fn misuse(py: Python<'_>, message: &str) -> PyErr {
    plain(py, message.to_owned())
}
