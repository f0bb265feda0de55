//! Core errors → the Python exceptions of `meetergo._errors` (defined in Python so users can catch and pickle them).

use meetergo_core::{Error, PayloadError, PayloadErrorKind, ValidationError};
use pyo3::prelude::*;
use pyo3::types::PyString;

/// Builds `meetergo._errors.<class>(message)` with extra attributes, as a `PyErr`.
fn raise(py: Python<'_>, class: &str, message: String, attrs: Vec<(&str, Py<PyAny>)>) -> PyErr {
    let built = (|| -> PyResult<PyErr> {
        let cls = py.import("meetergo._errors")?.getattr(class)?;
        let exc = cls.call1((message.clone(),))?;
        for (name, value) in attrs {
            exc.setattr(name, value)?;
        }
        Ok(PyErr::from_value(exc))
    })();
    // The error classes are part of the package; if they cannot be loaded, say so rather than lose the error.
    built.unwrap_or_else(|e| {
        pyo3::exceptions::PyRuntimeError::new_err(format!(
            "{message} (and meetergo._errors failed to load: {e})"
        ))
    })
}

/// `meetergo.PayloadError`, with `kind`, `path`, `line`, `column`.
pub(crate) fn payload(py: Python<'_>, e: &PayloadError) -> PyErr {
    let mut attrs: Vec<(&str, Py<PyAny>)> = Vec::new();
    let to = |v: &str| PyString::new(py, v).into_any().unbind();
    attrs.push(("kind", to(e.kind.name())));
    match &e.kind {
        PayloadErrorKind::InvalidField { path } => attrs.push(("path", to(path))),
        PayloadErrorKind::InvalidJson { line, column } => {
            attrs.push(("line", usize_py(py, *line)));
            attrs.push(("column", usize_py(py, *column)));
        }
        _ => {}
    }
    raise(py, "PayloadError", e.to_string(), attrs)
}

/// `meetergo.ValidationError`, with `field`, `reason`, `kind`.
pub(crate) fn validation(py: Python<'_>, e: &ValidationError) -> PyErr {
    let kind = e.kind.name();
    let mut attrs: Vec<(&str, Py<PyAny>)> = Vec::new();
    for (name, value) in [
        ("field", e.field.as_str()),
        ("reason", e.reason.as_str()),
        ("kind", kind),
    ] {
        attrs.push((name, PyString::new(py, value).into_any().unbind()));
    }
    raise(py, "ValidationError", e.to_string(), attrs)
}

/// Any core error as its Python exception class, with `status_code`, `message`, `body`, `retry_after`.
pub(crate) fn core(py: Python<'_>, e: &Error) -> PyErr {
    let text = |v: &str| PyString::new(py, v).into_any().unbind();
    match e {
        Error::Validation(v) => validation(py, v),
        Error::Payload(p) => payload(py, p),
        Error::Timeout { .. } => raise(py, "TimeoutError", e.to_string(), Vec::new()),
        Error::Transport { .. } => raise(py, "ConnectionError", e.to_string(), Vec::new()),
        Error::UnexpectedResponse { status, body, .. } => {
            let attrs = vec![("body", text(body)), ("status_code", int(py, *status))];
            raise(py, "APIError", e.to_string(), attrs)
        }
        _ => match e.api_error() {
            Some(api) => {
                let class = e.category().class_name();
                let mut attrs = vec![
                    ("body", text(&api.body)),
                    ("status_code", int(py, api.status)),
                ];
                let messages = api.messages();
                if let Ok(list) = messages.into_pyobject(py) {
                    attrs.push(("server_messages", list.into_any().unbind()));
                }
                attrs.push((
                    "outcome_unknown",
                    e.is_outcome_unknown()
                        .into_pyobject(py)
                        .map_or_else(|n| match n {}, |b| b.to_owned().into_any().unbind()),
                ));
                if let Some(after) = api.retry_after
                    && let Ok(secs) = after.as_secs_f64().into_pyobject(py)
                {
                    attrs.push(("retry_after", secs.into_any().unbind()));
                }
                raise(py, class, e.to_string(), attrs)
            }
            None => raise(py, "MeetergoError", e.to_string(), Vec::new()),
        },
    }
}

/// A panic inside the core (a bug) as a `meetergo.MeetergoError`, so it never reaches Python as pyo3's
/// `PanicException` (which is not an `Exception`).
pub(crate) fn internal(py: Python<'_>, e: &tokio::task::JoinError) -> PyErr {
    let what = if e.is_cancelled() {
        "the request was cancelled"
    } else {
        "a bug in meetergo's Rust core (please report it)"
    };
    raise(
        py,
        "MeetergoError",
        format!("internal error: {what}"),
        Vec::new(),
    )
}

/// A call the SDK refuses because of where it was made (e.g. the blocking client inside a tokio runtime).
pub(crate) fn misuse(py: Python<'_>, message: &str) -> PyErr {
    raise(py, "MeetergoError", message.to_owned(), Vec::new())
}

fn int(py: Python<'_>, v: u16) -> Py<PyAny> {
    v.into_pyobject(py)
        .map_or_else(|never| match never {}, |i| i.into_any().unbind())
}

fn usize_py(py: Python<'_>, v: usize) -> Py<PyAny> {
    v.into_pyobject(py)
        .map_or_else(|never| match never {}, |i| i.into_any().unbind())
}
