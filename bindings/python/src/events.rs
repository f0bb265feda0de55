//! Parsed deliveries as Python objects. Each object keeps the core's checked event (`LazyEvent`): a field is decoded
//! from the body, and its Python value built, only when its attribute is read.

use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use meetergo_core as core;
use meetergo_core::lazy::{Got, LazyEvent, List, View};
use meetergo_core::{EventData, EventType, Str};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PySlice, PyString};

use crate::convert::{self, Time};
use crate::error;

/// A model field as a Python value.
trait Field {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

impl Field for Option<Str> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.as_deref().into_pyobject(py)?.into_any())
    }
}

impl Field for Option<u64> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.into_pyobject(py)?.into_any())
    }
}

impl Field for Option<DateTime<FixedOffset>> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.map(Time).into_pyobject(py)?.into_any())
    }
}

impl Field for Str {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self.as_str()).into_any())
    }
}

impl Field for DateTime<FixedOffset> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(Time(*self).into_pyobject(py)?.into_any())
    }
}

impl Field for Option<bool> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self.into_pyobject(py)?.into_any())
    }
}

impl Field for Vec<Str> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyList::new(py, self.iter().map(Str::as_str))?.into_any())
    }
}

/// The booking secret, readable (never shown by `repr`: the classes holding it write their own).
impl Field for Option<core::Secret> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(self
            .as_ref()
            .map(core::Secret::expose_secret)
            .into_pyobject(py)?
            .into_any())
    }
}

impl Field for Option<serde_json::Map<String, serde_json::Value>> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(map) => Ok(convert::map(py, map)?.into_any()),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

/// A model object inside a parsed event: the event and where the object is on its tape. Nothing is copied or decoded
/// until a field is read (a booking's 400 attendees are not built to read one e-mail address).
pub(crate) struct Held<M: 'static> {
    event: Arc<LazyEvent>,
    handle: u32,
    model: PhantomData<fn() -> M>,
}

impl<M> Held<M> {
    fn new(event: &Arc<LazyEvent>, handle: u32) -> Self {
        Self {
            event: Arc::clone(event),
            handle,
            model: PhantomData,
        }
    }

    fn get(&self) -> View<'_, M> {
        self.event.view(self.handle)
    }
}

/// A field read through a view (a failure is a bug in the SDK, raised as `RuntimeError`).
fn got<T>(read: Got<T>) -> PyResult<T> {
    read.map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

/// The getters of the plain fields of a class whose nested objects are views written by hand (`MeetingType`, the
/// booking events): `this => expr` gives the core's view of the model (the field lists and docstrings are
/// generated).
macro_rules! getters {
    ($name:ident, $this:ident => $view:expr, [$(#[doc = $doc:literal] $field:ident),* $(,)?]) => {
        #[pymethods]
        impl $name {
            $(
                #[doc = $doc]
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    let $this = self;
                    Field::to_py(&got($view.$field())?, py)
                }
            )*
        }
    };
}

/// The methods every model class has: `extra`, `to_dict`, `==` (by value, so unhashable).
macro_rules! model_common {
    ($name:ident) => {
        #[pymethods]
        impl $name {
            /// Fields this SDK does not know, as received.
            #[getter]
            fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                convert::map(py, &got(self.inner.get().extra())?)
            }

            /// The object as a `dict` (wire names).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let model = got(self.inner.get().model())?;
                convert::value(py, &serde_json::to_value(&model).unwrap_or_default())
            }

            /// Equal objects must hash alike: these compare by value, so they are unhashable.
            #[classattr]
            const __hash__: Option<Py<PyAny>> = None;

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
                let Ok(other) = other.cast::<$name>() else {
                    return Ok(false);
                };
                Ok(got(other.get().inner.get().model())? == got(self.inner.get().model())?)
            }
        }
    };
}

/// Generates a Python class around a core model, with a getter per field.
macro_rules! model {
    ($name:ident, $core:ty, [$(#[doc = $doc:literal] $field:ident),* $(,)?]) => {
        #[doc = concat!("`meetergo.", stringify!($name), "`: a read-only view of the delivery's object.")]
        #[pyclass(module = "meetergo._native", frozen)]
        pub struct $name {
            pub(crate) inner: Held<$core>,
        }

        getters!($name, this => this.inner.get(), [$(#[doc = $doc] $field),*]);
        model_common!($name);

        #[pymethods]
        impl $name {
            /// `Attendee(id='a-1', email='ada@example.com', ...)`: the fields that are set, URLs with their
            /// credentials masked; unknown fields (`extra`) are left out, as they may hold secrets.
            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let view = self.inner.get();
                let mut parts: Vec<String> = Vec::new();
                $(
                    let value = Field::to_py(&got(view.$field())?, py)?;
                    if !value.is_none() {
                        parts.push(format!("{}={}", stringify!($field), convert::safe_repr(&value)?));
                    }
                )*
                Ok(format!("{}({})", stringify!($name), parts.join(", ")))
            }
        }
    };
}

/// `meetergo.MeetingType`.
#[pyclass(module = "meetergo._native", frozen)]
pub struct MeetingType {
    pub(crate) inner: Held<core::MeetingType>,
}

model_common!(MeetingType);

#[pymethods]
impl MeetingType {
    /// Its duration and name.
    #[getter]
    fn meeting_info(&self) -> PyResult<Option<MeetingTypeInfo>> {
        Ok(
            got(self.inner.get().meeting_info())?.map(|v| MeetingTypeInfo {
                inner: Held::new(&self.inner.event, v.handle()),
            }),
        )
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let view = self.inner.get();
        let mut parts = Vec::new();
        for (name, value) in [("id", got(view.id())?), ("slug", got(view.slug())?)] {
            if let Some(v) = value {
                parts.push(format!("{name}={}", PyString::new(py, &v).repr()?));
            }
        }
        if let Some(info) = self.meeting_info()? {
            parts.push(format!(
                "meeting_info={}",
                Py::new(py, info)?.bind(py).repr()?
            ));
        }
        Ok(format!("MeetingType({})", parts.join(", ")))
    }
}

/// Generates a read-only sequence of a booking's attendees or hosts: items are made when they are read, so
/// `event.attendees[0]` does not build 400 objects.
macro_rules! model_list {
    ($name:ident, $item:ident, $core:ty, $field:literal) => {
        #[doc = concat!("`meetergo.", stringify!($name), "`: a read-only sequence of `", stringify!($item), "`.")]
        #[pyclass(module = "meetergo._native", frozen, sequence)]
        pub struct $name {
            event: Arc<LazyEvent>,
            handle: u32,
        }

        impl $name {
            fn list(&self) -> List<'_, $core> {
                self.event.list(self.handle)
            }

            fn len(&self) -> usize {
                self.list().len()
            }

            fn item(&self, index: usize) -> PyResult<$item> {
                let view = self.list().get(index).ok_or_else(|| {
                    pyo3::exceptions::PyIndexError::new_err(concat!($field, " index out of range"))
                })?;
                Ok($item {
                    inner: Held::new(&self.event, view.handle()),
                })
            }

            fn models(&self) -> PyResult<Vec<$core>> {
                got(self.list().iter().map(|v| v.model()).collect())
            }

            fn to_list<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
                let items = (0..self.len())
                    .map(|i| Py::new(py, self.item(i)?))
                    .collect::<PyResult<Vec<_>>>()?;
                PyList::new(py, items)
            }
        }

        #[pymethods]
        impl $name {
            fn __len__(&self) -> usize {
                self.len()
            }

            fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
                if index.cast::<PySlice>().is_ok() {
                    return self.to_list(py)?.as_any().get_item(index);
                }
                let i: isize = index.extract()?;
                let len = isize::try_from(self.len()).unwrap_or(isize::MAX);
                let at = if i < 0 { i + len } else { i };
                if at < 0 || at >= len {
                    return Err(pyo3::exceptions::PyIndexError::new_err(concat!(
                        $field,
                        " index out of range"
                    )));
                }
                Ok(Py::new(py, self.item(at.unsigned_abs())?)?.into_bound(py).into_any())
            }

            fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                self.to_list(py)?.as_any().try_iter().map(Bound::into_any)
            }

            fn __reversed__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let list = self.to_list(py)?;
                list.reverse()?;
                list.as_any().try_iter().map(Bound::into_any)
            }

            fn __contains__(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<bool> {
                self.to_list(py)?.contains(value)
            }

            /// The position of the first item equal to `value` (`ValueError` if none).
            fn index(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<usize> {
                self.to_list(py)?.index(value)
            }

            /// How many items equal `value`.
            fn count(&self, py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<usize> {
                self.to_list(py)?.as_any().call_method1("count", (value,))?.extract()
            }

            /// Compared by value with another such sequence or a `list` of equal items, so unhashable.
            #[classattr]
            const __hash__: Option<Py<PyAny>> = None;

            fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
                if let Ok(other) = other.cast::<$name>() {
                    return Ok(other.get().models()? == self.models()?);
                }
                // Like a `list`: equal to a `list` of equal items, not to a `tuple`.
                if other.cast::<PyList>().is_err() {
                    return Ok(false);
                }
                self.to_list(py)?.as_any().eq(other)
            }

            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                Ok(self.to_list(py)?.repr()?.to_string())
            }
        }
    };
}

model_list!(AttendeeList, Attendee, core::Attendee, "attendees");
model_list!(HostList, Host, core::Host, "hosts");

/// What every event class offers.
macro_rules! event_common {
    ($name:ident) => {
        #[pymethods]
        impl $name {
            /// The event's type (`webhookType`), as a string.
            #[getter]
            fn webhook_type(&self) -> &str {
                self.event.webhook_type().as_str()
            }
            /// The same for every delivery of this event, different for every other event.
            #[getter]
            fn idempotency_key(&self) -> PyResult<&str> {
                got(self.event.idempotency_key())
            }
            /// The event's id, when it has one.
            #[getter]
            fn event_id(&self) -> PyResult<Option<String>> {
                got(self.event.id())
            }
            /// The body as a `dict` (it holds the booking `secret`: do not log it).
            #[getter]
            fn raw<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                convert::value(py, &self.event.raw_value())
            }
            /// The body as received.
            #[getter]
            fn raw_json(&self) -> &str {
                self.event.raw_json()
            }
            /// `True` when the body used the older `{"event", "data"}` envelope.
            #[getter]
            fn is_envelope(&self) -> bool {
                self.event.is_envelope()
            }
            /// The payload as a `dict` with `webhookType` (wire names).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let normalized: serde_json::Value =
                    serde_json::from_str(&got(self.event.event())?.to_json()).unwrap_or_default();
                convert::value(py, &normalized)
            }
            /// Equal objects must hash alike: these compare by value, so they are unhashable.
            #[classattr]
            const __hash__: Option<Py<PyAny>> = None;

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
                let Ok(other) = other.cast::<$name>() else {
                    return Ok(false);
                };
                Ok(got(other.get().event.event())? == got(self.event.event())?)
            }
            /// `BookingCreated(event_id='appt-1', idempotency_key='booking_created:appt-1:...')`; never the secret.
            fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
                let id = match got(self.event.id())? {
                    Some(id) => format!("event_id={}, ", PyString::new(py, &id).repr()?),
                    None => String::new(),
                };
                Ok(format!(
                    "{}({id}idempotency_key={})",
                    stringify!($name),
                    PyString::new(py, got(self.event.idempotency_key())?).repr()?
                ))
            }
        }
    };
}

/// The plain getters of an event class whose model has only plain fields (`NewEmployee`, `FormSubmission`), and its
/// `extra`; the field lists are generated.
macro_rules! event_fields {
    ($name:ident, $core:ident, [$(#[doc = $doc:literal] $field:ident),* $(,)?]) => {
        #[pymethods]
        impl $name {
            $(
                #[doc = $doc]
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    match self.model() {
                        Some(m) => Field::to_py(&got(m.$field())?, py),
                        None => Ok(py.None().into_bound(py)),
                    }
                }
            )*
            /// Fields this SDK does not know, as received.
            #[getter]
            fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                match got(self.event.event())?.data() {
                    EventData::$core(m) => convert::map(py, &m.extra),
                    _ => Ok(PyDict::new(py)),
                }
            }
        }
    };
}

/// The three booking events share their attributes.
macro_rules! booking_event {
    ($name:ident) => {
        #[doc = concat!("`meetergo.", stringify!($name), "`: a booking delivery.")]
        #[pyclass(module = "meetergo._native", frozen)]
        pub struct $name {
            pub(crate) event: Arc<LazyEvent>,
        }

        impl $name {
            fn b(&self) -> PyResult<View<'_, core::Booking>> {
                self.event
                    .booking()
                    .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("not a booking"))
            }
        }

        #[pymethods]
        impl $name {
            /// The start before a reschedule: `original_start`, else a `previousStart` or `oldStart` field meetergo may send.
            #[getter]
            fn previous_start(&self) -> PyResult<Option<Time>> {
                Ok(got(self.b()?.previous_start())?.map(Time))
            }
            /// Where the meeting happens.
            #[getter]
            fn meeting_info(&self) -> PyResult<Option<MeetingInfo>> {
                Ok(got(self.b()?.meeting_info())?.map(|v| MeetingInfo {
                    inner: Held::new(&self.event, v.handle()),
                }))
            }
            /// The people who booked, a read-only sequence (items are made when read).
            #[getter]
            fn attendees(&self) -> PyResult<AttendeeList> {
                Ok(AttendeeList {
                    event: Arc::clone(&self.event),
                    handle: got(self.b()?.attendees())?.handle(),
                })
            }
            /// The meetergo users hosting it, a read-only sequence (items are made when read).
            #[getter]
            fn hosts(&self) -> PyResult<HostList> {
                Ok(HostList {
                    event: Arc::clone(&self.event),
                    handle: got(self.b()?.hosts())?.handle(),
                })
            }
            /// The meeting type that was booked.
            #[getter]
            fn meeting_type(&self) -> PyResult<Option<MeetingType>> {
                Ok(got(self.b()?.meeting_type())?.map(|v| MeetingType {
                    inner: Held::new(&self.event, v.handle()),
                }))
            }
            /// Who cancelled, when and why (cancellations).
            #[getter]
            fn cancel(&self) -> PyResult<Option<Cancellation>> {
                Ok(got(self.b()?.cancel())?.map(|v| Cancellation {
                    inner: Held::new(&self.event, v.handle()),
                }))
            }
            /// Fields this SDK does not know, and values of an unexpected type for undocumented fields, as received.
            #[getter]
            fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                match got(self.event.event())?.booking() {
                    Some(b) => convert::map(py, &b.extra),
                    None => Ok(PyDict::new(py)),
                }
            }
        }
    };
}

event_common!(BookingCreated);
event_common!(BookingCancelled);
event_common!(BookingRescheduled);
event_common!(NewEmployee);
event_common!(FormSubmission);
event_common!(UnknownEvent);

booking_event!(BookingCreated);
booking_event!(BookingCancelled);
booking_event!(BookingRescheduled);

/// `meetergo.NewEmployee`.
#[pyclass(module = "meetergo._native", frozen)]
pub struct NewEmployee {
    pub(crate) event: Arc<LazyEvent>,
}

impl NewEmployee {
    fn model(&self) -> Option<View<'_, core::NewEmployee>> {
        self.event.new_employee()
    }
}

/// `meetergo.FormSubmission`.
#[pyclass(module = "meetergo._native", frozen)]
pub struct FormSubmission {
    pub(crate) event: Arc<LazyEvent>,
}

impl FormSubmission {
    fn model(&self) -> Option<View<'_, core::FormSubmission>> {
        self.event.form_submission()
    }
}

/// `meetergo.UnknownEvent`: any other `webhookType`; the body is kept.
#[pyclass(module = "meetergo._native", frozen)]
pub struct UnknownEvent {
    pub(crate) event: Arc<LazyEvent>,
}

#[pymethods]
impl UnknownEvent {
    /// The body's fields (without `webhookType`).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        match got(self.event.event())?.data() {
            EventData::Unknown(u) => convert::map(py, &u.body),
            _ => Ok(PyDict::new(py)),
        }
    }
}

/// Parses a delivery body (`bytes`, `bytearray` or `str`) into its event class. Bodies over `max_body_bytes`
/// (default 1 MiB, at most 256 MiB) are refused.
#[pyfunction]
#[pyo3(signature = (body, *, max_body_bytes = None))]
pub fn parse_event(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
    max_body_bytes: Option<f64>,
) -> PyResult<Py<PyAny>> {
    // Checked by meetergo-bind (a negative limit is a `ValidationError`, not an `OverflowError`).
    let options =
        meetergo_bind::event::parse_options(meetergo_bind::Runtime::Python, max_body_bytes)
            .map_err(|e| error::validation(py, &e))?;
    let bytes = body_bytes(body, "parse_event()")?;
    let parsed = LazyEvent::from_slice_with(&bytes, &options);
    event_object(py, parsed.map_err(|e| error::payload(py, &e))?)
}

/// The bytes of a body given as `bytes`, `bytearray` or `str`; `what` names the function in a `TypeError`.
pub(crate) fn body_bytes<'a>(
    body: &'a Bound<'_, PyAny>,
    what: &str,
) -> PyResult<std::borrow::Cow<'a, [u8]>> {
    use std::borrow::Cow;
    if let Ok(b) = body.cast::<PyBytes>() {
        Ok(Cow::Borrowed(b.as_bytes()))
    } else if let Ok(s) = body.cast::<PyString>() {
        match s.to_cow() {
            Ok(Cow::Borrowed(text)) => Ok(Cow::Borrowed(text.as_bytes())),
            Ok(Cow::Owned(text)) => Ok(Cow::Owned(text.into_bytes())),
            // A lone surrogate cannot be UTF-8: let the core report it (a `PayloadError`), rather than a
            // `UnicodeEncodeError` that would carry the whole body, booking secret included.
            Err(_) => {
                let raw = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
                Ok(Cow::Owned(raw.cast::<PyBytes>()?.as_bytes().to_vec()))
            }
        }
    } else if let Ok(b) = body.cast::<PyByteArray>() {
        Ok(Cow::Owned(b.to_vec()))
    } else {
        Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "{what} takes bytes, bytearray or str, not {}",
            body.get_type().name()?
        )))
    }
}

/// A parsed event as its Python class.
pub(crate) fn event_object(py: Python<'_>, event: LazyEvent) -> PyResult<Py<PyAny>> {
    let event = Arc::new(event);
    Ok(match event.webhook_type() {
        EventType::BookingCreated => Py::new(py, BookingCreated { event })?.into_any(),
        EventType::BookingCancelled => Py::new(py, BookingCancelled { event })?.into_any(),
        EventType::BookingRescheduled => Py::new(py, BookingRescheduled { event })?.into_any(),
        EventType::NewEmployee => Py::new(py, NewEmployee { event })?.into_any(),
        EventType::FormSubmission => Py::new(py, FormSubmission { event })?.into_any(),
        _ => Py::new(py, UnknownEvent { event })?.into_any(),
    })
}

// The views of the nested objects and the plain getters of `NewEmployee` and `FormSubmission`, from the core's model
// descriptions (`make generate`).
include!("generated.rs");
