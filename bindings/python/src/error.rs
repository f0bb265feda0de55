//! Core errors → the Python exceptions of `meetergo._errors` (defined in Python so users can catch and pickle them).

use meetergo_core::{PayloadError, PayloadErrorKind, ValidationError, ValidationErrorKind};
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

fn kind_name(kind: &PayloadErrorKind) -> &'static str {
    match kind {
        PayloadErrorKind::TooLarge { .. } => "TooLarge",
        PayloadErrorKind::InvalidUtf8 { .. } => "InvalidUtf8",
        PayloadErrorKind::InvalidJson { .. } => "InvalidJson",
        PayloadErrorKind::TooDeep => "TooDeep",
        PayloadErrorKind::NotAnObject => "NotAnObject",
        PayloadErrorKind::MissingWebhookType => "MissingWebhookType",
        PayloadErrorKind::InvalidWebhookType => "InvalidWebhookType",
        PayloadErrorKind::InvalidField { .. } => "InvalidField",
        _ => "Other",
    }
}

/// `meetergo.PayloadError`, with `kind`, `path`, `line`, `column`.
pub(crate) fn payload(py: Python<'_>, e: &PayloadError) -> PyErr {
    let mut attrs: Vec<(&str, Py<PyAny>)> = Vec::new();
    let to = |v: &str| PyString::new(py, v).into_any().unbind();
    attrs.push(("kind", to(kind_name(&e.kind))));
    match &e.kind {
        PayloadErrorKind::InvalidField { path } => attrs.push(("path", to(path))),
        PayloadErrorKind::InvalidJson { line, column } => {
            let (Ok(l) | Err(l)) = line.into_pyobject(py).map_err(|never| match never {});
            let (Ok(c) | Err(c)) = column.into_pyobject(py).map_err(|never| match never {});
            attrs.push(("line", l.into_any().unbind()));
            attrs.push(("column", c.into_any().unbind()));
        }
        _ => {}
    }
    raise(py, "PayloadError", e.to_string(), attrs)
}

/// `meetergo.ValidationError`, with `field`, `reason`, `kind`.
pub(crate) fn validation(py: Python<'_>, e: &ValidationError) -> PyErr {
    let kind = match e.kind {
        ValidationErrorKind::Missing => "Missing",
        ValidationErrorKind::Malformed => "Malformed",
        ValidationErrorKind::InsecureScheme => "InsecureScheme",
        ValidationErrorKind::PrivateHost => "PrivateHost",
        ValidationErrorKind::SecretInUrl => "SecretInUrl",
        ValidationErrorKind::TooLong => "TooLong",
        ValidationErrorKind::Config => "Config",
        _ => "Other",
    };
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
