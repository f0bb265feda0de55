//! JSON values → Python objects.

use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyString, PyType};
use serde_json::{Map, Value};

/// A JSON value as the Python object `json.loads` would give.
pub(crate) fn value<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.into_pyobject(py)?.into_any(),
            (_, Some(u), _) => u.into_pyobject(py)?.into_any(),
            (_, _, Some(f)) => f.into_pyobject(py)?.into_any(),
            _ => py.None().into_bound(py),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| value(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(m) => map(py, m)?.into_any(),
    })
}

/// A JSON object as a `dict`.
pub(crate) fn map<'py>(py: Python<'py>, m: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in m {
        dict.set_item(k, value(py, v)?)?;
    }
    Ok(dict)
}

/// A delivery or webhook time, converted to an aware `datetime` with the offset as sent. Faster than pyo3's chrono
/// conversion under abi3 (which builds a new `timezone` per value): the `datetime` class and one `timezone` per
/// offset are cached.
pub(crate) struct Time(pub DateTime<FixedOffset>);

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEZONE: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();
/// The `timezone` objects made so far, by offset in seconds (a delivery uses one or two offsets).
static ZONES: Mutex<Vec<(i32, Py<PyAny>)>> = Mutex::new(Vec::new());
const MAX_ZONES: usize = 64;

fn zone(py: Python<'_>, seconds: i32) -> PyResult<Bound<'_, PyAny>> {
    // Never call into Python while holding the lock (another thread could hold the GIL and wait for the lock).
    let cached = ZONES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .find(|(s, _)| *s == seconds)
        .map(|(_, z)| z.clone_ref(py));
    if let Some(z) = cached {
        return Ok(z.into_bound(py));
    }
    let delta = TIMEDELTA
        .import(py, "datetime", "timedelta")?
        .call1((0, seconds))?;
    let made = TIMEZONE
        .import(py, "datetime", "timezone")?
        .call1((delta,))?;
    let mut zones = ZONES.lock().unwrap_or_else(PoisonError::into_inner);
    if zones.len() < MAX_ZONES && !zones.iter().any(|(s, _)| *s == seconds) {
        zones.push((seconds, made.clone().unbind()));
    }
    Ok(made)
}

impl<'py> IntoPyObject<'py> for Time {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let t = self.0;
        let tz = zone(py, t.offset().local_minus_utc())?;
        let local = t.naive_local();
        // A leap second (nanoseconds past 1e9) has no `datetime` form: keep the last microsecond of the second.
        let micros = (local.nanosecond() / 1000).min(999_999);
        DATETIME.import(py, "datetime", "datetime")?.call1((
            local.year(),
            local.month(),
            local.day(),
            local.hour(),
            local.minute(),
            local.second(),
            micros,
            tz,
        ))
    }
}

/// `repr(value)`, with credentials in a URL string masked ([`meetergo_core::redact_url`]).
pub(crate) fn safe_repr(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_cow()?;
        let masked = meetergo_core::redact_url(&text);
        return Ok(PyString::new(value.py(), &masked).repr()?.to_string());
    }
    Ok(value.repr()?.to_string())
}
