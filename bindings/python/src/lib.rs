//! `meetergo._native`: the Python face of meetergo-core. Conversion and error mapping only.
#![forbid(unsafe_code)]

mod client;
mod convert;
mod dedup;
mod error;
mod events;
mod inbox;
mod path_secret;

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Checks a webhook definition as the client does before sending; returns it normalized
/// (`{"endpoint", "event_types", "description"}`) or raises `meetergo.ValidationError`.
#[pyfunction]
#[pyo3(signature = (endpoint, event_types, description = None, allow_insecure_endpoints = false))]
fn validate_webhook<'py>(
    py: Python<'py>,
    endpoint: String,
    event_types: Vec<String>,
    description: Option<String>,
    allow_insecure_endpoints: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let new = meetergo_bind::webhook::new_webhook(endpoint, event_types, description);
    let checked = meetergo_core::validate_new_webhook(&new, allow_insecure_endpoints)
        .map_err(|e| error::validation(py, &e))?;
    let out = PyDict::new(py);
    out.set_item("endpoint", checked.endpoint)?;
    out.set_item(
        "event_types",
        checked
            .event_types
            .iter()
            .map(meetergo_core::EventType::as_str)
            .collect::<Vec<_>>(),
    )?;
    out.set_item("description", checked.description)?;
    Ok(out)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // The core's `log` records (target `meetergo`: requests, retries; never the token) reach Python's `logging`
    // under the `meetergo` logger. No caching, so levels set later (e.g. by pytest's caplog) apply. If the
    // process already has a Rust logger, keep it.
    if let Ok(logger) = pyo3_log::Logger::new(m.py(), pyo3_log::Caching::Nothing) {
        // Only the SDK's own records: not those of hyper, rustls or reqwest.
        let logger = logger
            .filter(log::LevelFilter::Off)
            .filter_target("meetergo".to_owned(), log::LevelFilter::Trace);
        let _ = logger.install();
    }
    m.add_function(wrap_pyfunction!(events::parse_event, m)?)?;
    m.add_function(wrap_pyfunction!(validate_webhook, m)?)?;
    #[cfg(feature = "test-hooks")]
    m.add_function(wrap_pyfunction!(client::_panicking_call, m)?)?;
    m.add_class::<events::BookingCreated>()?;
    m.add_class::<events::BookingCancelled>()?;
    m.add_class::<events::BookingRescheduled>()?;
    m.add_class::<events::NewEmployee>()?;
    m.add_class::<events::FormSubmission>()?;
    m.add_class::<events::UnknownEvent>()?;
    m.add_class::<events::Attendee>()?;
    m.add_class::<events::Host>()?;
    m.add_class::<events::AttendeeList>()?;
    m.add_class::<events::HostList>()?;
    m.add_class::<events::MeetingInfo>()?;
    m.add_class::<events::MeetingType>()?;
    m.add_class::<events::MeetingTypeInfo>()?;
    m.add_class::<events::Cancellation>()?;
    m.add_class::<dedup::Deduplicator>()?;
    m.add_class::<path_secret::PathSecret>()?;
    m.add_class::<inbox::Inbox>()?;
    m.add_class::<inbox::Accepted>()?;
    m.add_class::<inbox::Claim>()?;
    m.add_class::<client::Client>()?;
    m.add_class::<client::Webhook>()?;
    m.add_class::<client::SyncAction>()?;
    m.add(
        "MAX_WEBHOOKS_PER_COMPANY",
        meetergo_core::MAX_WEBHOOKS_PER_COMPANY,
    )?;
    m.add("CORE_VERSION", meetergo_core::VERSION)?;
    Ok(())
}
