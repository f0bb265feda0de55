//! Parsed deliveries as Python objects. Each object keeps the core's parsed event and builds Python values only
//! for the attributes that are read.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use meetergo_core as core;
use meetergo_core::{Event, EventData, Str};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};

use crate::convert;
use crate::error;

fn s(v: Option<&Str>) -> Option<&str> {
    v.map(Str::as_str)
}

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
        Ok(self.into_pyobject(py)?.into_any())
    }
}

/// Generates a Python class around a core model, with a getter per field.
macro_rules! model {
    ($name:ident, $core:ty, [$($field:ident),* $(,)?]) => {
        #[doc = concat!("`meetergo.", stringify!($name), "`: a read-only view of the delivery's object.")]
        #[pyclass(module = "meetergo._native", frozen)]
        pub struct $name {
            pub(crate) inner: $core,
        }

        #[pymethods]
        impl $name {
            $(
                #[getter]
                fn $field<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                    Field::to_py(&self.inner.$field, py)
                }
            )*

            /// Fields this SDK does not know, as received.
            #[getter]
            fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                convert::map(py, &self.inner.extra)
            }

            /// The object as a `dict` (wire names).
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                convert::value(py, &serde_json::to_value(&self.inner).unwrap_or_default())
            }

            /// Equal objects must hash alike: these compare by value, so they are unhashable.
            #[classattr]
            const __hash__: Option<Py<PyAny>> = None;

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other.cast::<$name>().is_ok_and(|o| o.get().inner == self.inner)
            }

            fn __repr__(&self) -> String {
                // The core's Debug never shows secrets.
                format!("{:?}", self.inner)
            }
        }
    };
}

model!(
    Attendee,
    core::Attendee,
    [
        id, email, firstname, lastname, fullname, phone, timezone, language
    ]
);
model!(
    Host,
    core::Host,
    [id, email, given_name, family_name, full_name, slug, picture]
);
model!(MeetingInfo, core::MeetingInfo, [channel, meeting_link]);
model!(MeetingTypeInfo, core::MeetingTypeInfo, [name, duration]);
model!(
    Cancellation,
    core::Cancellation,
    [action_source, action_at, action_by, reason]
);

/// `meetergo.MeetingType`.
#[pyclass(module = "meetergo._native", frozen)]
pub struct MeetingType {
    pub(crate) inner: core::MeetingType,
}

#[pymethods]
impl MeetingType {
    #[getter]
    fn id(&self) -> Option<&str> {
        s(self.inner.id.as_ref())
    }
    #[getter]
    fn slug(&self) -> Option<&str> {
        s(self.inner.slug.as_ref())
    }
    #[getter]
    fn meeting_info(&self) -> Option<MeetingTypeInfo> {
        self.inner
            .meeting_info
            .clone()
            .map(|inner| MeetingTypeInfo { inner })
    }
    #[getter]
    fn metadata<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.inner
            .metadata
            .as_ref()
            .map(|m| convert::map(py, m))
            .transpose()
    }
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        convert::map(py, &self.inner.extra)
    }
    /// The object as a `dict` (wire names).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::value(py, &serde_json::to_value(&self.inner).unwrap_or_default())
    }
    /// Compared by value, so unhashable.
    #[classattr]
    const __hash__: Option<Py<PyAny>> = None;

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<MeetingType>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        format!("{:?}", self.inner)
    }
}

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
            fn idempotency_key(&self) -> &str {
                self.event.idempotency_key()
            }
            /// The event's id, when it has one.
            #[getter]
            fn event_id(&self) -> Option<&str> {
                self.event.id()
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
                convert::value(py, &self.event.to_value())
            }
            /// Equal objects must hash alike: these compare by value, so they are unhashable.
            #[classattr]
            const __hash__: Option<Py<PyAny>> = None;

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other
                    .cast::<$name>()
                    .is_ok_and(|o| *o.get().event == *self.event)
            }
            fn __repr__(&self) -> String {
                format!("{}({:?})", stringify!($name), self.event.data())
            }
        }
    };
}

fn booking(event: &Event) -> Option<&core::Booking> {
    event.booking()
}

/// The three booking events share their attributes.
macro_rules! booking_event {
    ($name:ident) => {
        #[doc = concat!("`meetergo.", stringify!($name), "`: a booking delivery.")]
        #[pyclass(module = "meetergo._native", frozen)]
        pub struct $name {
            pub(crate) event: Arc<Event>,
        }

        impl $name {
            fn b(&self) -> PyResult<&core::Booking> {
                booking(&self.event)
                    .ok_or_else(|| pyo3::exceptions::PyRuntimeError::new_err("not a booking"))
            }
        }

        #[pymethods]
        impl $name {
            #[getter]
            fn id(&self) -> PyResult<&str> {
                Ok(self.b()?.id.as_str())
            }
            /// The token that can cancel or reschedule the booking. Never shown by `repr`.
            #[getter]
            fn secret(&self) -> PyResult<Option<&str>> {
                Ok(self.b()?.secret.as_ref().map(core::Secret::expose_secret))
            }
            #[getter]
            fn start(&self) -> PyResult<DateTime<FixedOffset>> {
                Ok(self.b()?.start)
            }
            #[getter]
            fn end(&self) -> PyResult<DateTime<FixedOffset>> {
                Ok(self.b()?.end)
            }
            #[getter]
            fn location(&self) -> PyResult<Option<&str>> {
                Ok(s(self.b()?.location.as_ref()))
            }
            #[getter]
            fn is_cancelled(&self) -> PyResult<Option<bool>> {
                Ok(self.b()?.is_cancelled)
            }
            #[getter]
            fn rescheduled_at(&self) -> PyResult<Option<DateTime<FixedOffset>>> {
                Ok(self.b()?.rescheduled_at)
            }
            #[getter]
            fn previous_start(&self) -> PyResult<Option<DateTime<FixedOffset>>> {
                Ok(self.b()?.previous_start())
            }
            #[getter]
            fn meeting_info(&self) -> PyResult<Option<MeetingInfo>> {
                Ok(self
                    .b()?
                    .meeting_info
                    .clone()
                    .map(|inner| MeetingInfo { inner }))
            }
            #[getter]
            fn attendees(&self) -> PyResult<Vec<Attendee>> {
                Ok(self
                    .b()?
                    .attendees
                    .iter()
                    .cloned()
                    .map(|inner| Attendee { inner })
                    .collect())
            }
            #[getter]
            fn hosts(&self) -> PyResult<Vec<Host>> {
                Ok(self
                    .b()?
                    .hosts
                    .iter()
                    .cloned()
                    .map(|inner| Host { inner })
                    .collect())
            }
            #[getter]
            fn host_ids(&self) -> PyResult<Vec<&str>> {
                Ok(self.b()?.host_ids.iter().map(Str::as_str).collect())
            }
            #[getter]
            fn meeting_type(&self) -> PyResult<Option<MeetingType>> {
                Ok(self
                    .b()?
                    .meeting_type
                    .clone()
                    .map(|inner| MeetingType { inner }))
            }
            #[getter]
            fn meeting_type_id(&self) -> PyResult<Option<&str>> {
                Ok(s(self.b()?.meeting_type_id.as_ref()))
            }
            #[getter]
            fn company_id(&self) -> PyResult<Option<&str>> {
                Ok(s(self.b()?.company_id.as_ref()))
            }
            #[getter]
            fn created_at(&self) -> PyResult<Option<DateTime<FixedOffset>>> {
                Ok(self.b()?.created_at)
            }
            #[getter]
            fn updated_at(&self) -> PyResult<Option<DateTime<FixedOffset>>> {
                Ok(self.b()?.updated_at)
            }
            #[getter]
            fn cancel(&self) -> PyResult<Option<Cancellation>> {
                Ok(self.b()?.cancel.clone().map(|inner| Cancellation { inner }))
            }
            #[getter]
            fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
                convert::map(py, &self.b()?.extra)
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
    pub(crate) event: Arc<Event>,
}

impl NewEmployee {
    fn e(&self) -> Option<&core::NewEmployee> {
        match self.event.data() {
            EventData::NewEmployee(e) => Some(e),
            _ => None,
        }
    }
}

#[pymethods]
impl NewEmployee {
    #[getter]
    fn id(&self) -> Option<&str> {
        self.e().and_then(|e| s(e.id.as_ref()))
    }
    #[getter]
    fn email(&self) -> Option<&str> {
        self.e().and_then(|e| s(e.email.as_ref()))
    }
    #[getter]
    fn given_name(&self) -> Option<&str> {
        self.e().and_then(|e| s(e.given_name.as_ref()))
    }
    #[getter]
    fn family_name(&self) -> Option<&str> {
        self.e().and_then(|e| s(e.family_name.as_ref()))
    }
    #[getter]
    fn company_id(&self) -> Option<&str> {
        self.e().and_then(|e| s(e.company_id.as_ref()))
    }
    #[getter]
    fn created_at(&self) -> Option<DateTime<FixedOffset>> {
        self.e().and_then(|e| e.created_at)
    }
    #[getter]
    fn updated_at(&self) -> Option<DateTime<FixedOffset>> {
        self.e().and_then(|e| e.updated_at)
    }
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        match self.e() {
            Some(e) => convert::map(py, &e.extra),
            None => Ok(PyDict::new(py)),
        }
    }
}

/// `meetergo.FormSubmission`.
#[pyclass(module = "meetergo._native", frozen)]
pub struct FormSubmission {
    pub(crate) event: Arc<Event>,
}

impl FormSubmission {
    fn f(&self) -> Option<&core::FormSubmission> {
        match self.event.data() {
            EventData::FormSubmission(f) => Some(f),
            _ => None,
        }
    }
}

#[pymethods]
impl FormSubmission {
    #[getter]
    fn id(&self) -> Option<&str> {
        self.f().and_then(|f| s(f.id.as_ref()))
    }
    #[getter]
    fn form_id(&self) -> Option<&str> {
        self.f().and_then(|f| s(f.form_id.as_ref()))
    }
    #[getter]
    fn submitted_at(&self) -> Option<DateTime<FixedOffset>> {
        self.f().and_then(|f| f.submitted_at)
    }
    #[getter]
    fn company_id(&self) -> Option<&str> {
        self.f().and_then(|f| s(f.company_id.as_ref()))
    }
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        match self.f() {
            Some(f) => convert::map(py, &f.extra),
            None => Ok(PyDict::new(py)),
        }
    }
}

/// `meetergo.UnknownEvent`: any other `webhookType`; the body is kept.
#[pyclass(module = "meetergo._native", frozen)]
pub struct UnknownEvent {
    pub(crate) event: Arc<Event>,
}

#[pymethods]
impl UnknownEvent {
    /// The body's fields (without `webhookType`).
    #[getter]
    fn body<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        match self.event.data() {
            EventData::Unknown(u) => convert::map(py, &u.body),
            _ => Ok(PyDict::new(py)),
        }
    }
}

/// Parses a delivery body (`bytes`, `bytearray` or `str`) into its event class. Bodies over `max_body_bytes`
/// (default 1 MiB) are refused.
#[pyfunction]
#[pyo3(signature = (body, *, max_body_bytes = 1_048_576))]
pub fn parse_event(
    py: Python<'_>,
    body: &Bound<'_, PyAny>,
    max_body_bytes: usize,
) -> PyResult<Py<PyAny>> {
    let options = meetergo_core::ParseOptions::default().max_body_bytes(max_body_bytes);
    let parsed = if let Ok(b) = body.cast::<PyBytes>() {
        Event::from_slice_with(b.as_bytes(), &options)
    } else if let Ok(s) = body.cast::<PyString>() {
        match s.to_cow() {
            Ok(text) => Event::from_slice_with(text.as_bytes(), &options),
            // A lone surrogate cannot be UTF-8: let the core report it (a `PayloadError`), rather than a
            // `UnicodeEncodeError` that would carry the whole body, booking secret included.
            Err(_) => {
                let raw = s.call_method1("encode", ("utf-8", "surrogatepass"))?;
                Event::from_slice_with(raw.cast::<PyBytes>()?.as_bytes(), &options)
            }
        }
    } else if let Ok(b) = body.cast::<PyByteArray>() {
        Event::from_slice_with(&b.to_vec(), &options)
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "parse_event() takes bytes, bytearray or str, not {}",
            body.get_type().name()?
        )));
    };
    let event = Arc::new(parsed.map_err(|e| error::payload(py, &e))?);
    Ok(match event.data() {
        EventData::BookingCreated(_) => Py::new(py, BookingCreated { event })?.into_any(),
        EventData::BookingCancelled(_) => Py::new(py, BookingCancelled { event })?.into_any(),
        EventData::BookingRescheduled(_) => Py::new(py, BookingRescheduled { event })?.into_any(),
        EventData::NewEmployee(_) => Py::new(py, NewEmployee { event })?.into_any(),
        EventData::FormSubmission(_) => Py::new(py, FormSubmission { event })?.into_any(),
        _ => Py::new(py, UnknownEvent { event })?.into_any(),
    })
}
