//! `meetergo` for browsers: wasm-bindgen bindings over meetergo-core without its HTTP client (API keys never live
//! in a browser). Conversion and error mapping only (through `meetergo-bind`, shared with the Node and Python
//! bindings); `node/lib/shared.js` builds the same objects and error classes as the Node package from these answers.
//!
//! Errors are thrown as JavaScript `Error`s whose message is [`ErrorReport::js_message`] (the Node binding does the
//! same). The core does not panic on any input (tested with property
//! tests and every prefix of the fixture corpus); a panic would still surface as a WebAssembly trap.

use meetergo_bind::Runtime;
use meetergo_bind::event as bind_event;
use meetergo_bind::report::ErrorReport;
use meetergo_core::EventType;
use wasm_bindgen::prelude::*;

/// Talc instead of dlmalloc: 11.5 KB less code (see docs/benchmarks.md).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn thrown(report: &ErrorReport) -> JsError {
    JsError::new(&report.js_message())
}

/// Parses a delivery body given as bytes exactly as the core parses it; answers with the event for JavaScript
/// (`meetergo_bind::event::for_javascript`: the normalized JSON, then spaces naming the class).
#[wasm_bindgen(js_name = parseEventBytes)]
pub fn parse_event_bytes(body: &[u8], max_body_bytes: Option<f64>) -> Result<String, JsError> {
    bind_event::parse(Runtime::JavaScript, body, max_body_bytes)
        .map(|event| bind_event::for_javascript(&event))
        .map_err(|r| thrown(&r))
}

/// Parses a delivery body given as text; see [`parse_event_bytes`].
#[wasm_bindgen(js_name = parseEventText)]
pub fn parse_event_text(body: &str, max_body_bytes: Option<f64>) -> Result<String, JsError> {
    parse_event_bytes(body.as_bytes(), max_body_bytes)
}

/// The event class names, indexed by the digit the parses answer with.
#[wasm_bindgen(js_name = eventClasses)]
pub fn event_classes() -> Vec<String> {
    bind_event::CLASS_NAMES
        .iter()
        .map(|&c| c.to_owned())
        .collect()
}

/// A delivery body fit for printing: secret-looking values masked (the core's `redact_body`).
#[wasm_bindgen(js_name = redactBody)]
pub fn redact_body(body: &str) -> String {
    meetergo_core::redact_body(body.as_bytes())
}

/// Checks a webhook definition as the client does before sending; answers with the normalized definition as JSON
/// (`{"endpoint", "eventTypes", "description"?}`) or throws a validation report.
#[wasm_bindgen(js_name = validateWebhook)]
pub fn validate_webhook(
    endpoint: String,
    event_types: Vec<String>,
    description: Option<String>,
    allow_insecure_endpoints: bool,
) -> Result<String, JsError> {
    let new = meetergo_bind::webhook::new_webhook(endpoint, event_types, description);
    let checked = meetergo_core::validate_new_webhook(&new, allow_insecure_endpoints)
        .map_err(|e| thrown(&ErrorReport::from(&e)))?;
    serde_json::to_string(&checked).map_err(|e| JsError::new(&e.to_string()))
}

/// The nine event types meetergo documents, as sent on the wire.
#[wasm_bindgen(js_name = knownEventTypes)]
pub fn known_event_types() -> Vec<String> {
    EventType::KNOWN
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect()
}

/// The version of meetergo-core in this build.
#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    meetergo_core::VERSION.to_owned()
}

/// The most webhooks a company can have.
#[wasm_bindgen(js_name = maxWebhooksPerCompany)]
pub fn max_webhooks_per_company() -> u32 {
    u32::try_from(meetergo_core::MAX_WEBHOOKS_PER_COMPANY).unwrap_or(u32::MAX)
}
