//! Simulated events and their delivery to registered webhooks, as meetergo does it: one POST per subscribed
//! webhook, JSON body, a 30 s wait for the answer, no retry; optionally more than once (at-least-once delivery).

use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::samples;
use crate::state::State;

/// What to simulate (`POST /_mock/events` takes it as JSON).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SimulateRequest {
    /// The event type (`booking_created`, ...; any string).
    pub event_type: String,
    /// How many times each webhook receives the event (meetergo delivers at least once). Default: 1; at most 10.
    #[serde(default)]
    pub repeat: Option<u32>,
    /// Fields that replace those of the generated payload.
    #[serde(default)]
    pub payload: Option<Map<String, Value>>,
    /// Deliver to this company's webhooks only. Default: the company of the request's token, or every company.
    #[serde(default)]
    pub company_id: Option<String>,
}

impl SimulateRequest {
    /// An event of this type, delivered once.
    pub fn new(event_type: impl Into<String>) -> Self {
        Self {
            event_type: event_type.into(),
            repeat: None,
            payload: None,
            company_id: None,
        }
    }

    /// Delivers each event `n` times (1 to 10).
    #[must_use]
    pub fn repeat(mut self, n: u32) -> Self {
        self.repeat = Some(n);
        self
    }

    /// Only this company's webhooks.
    #[must_use]
    pub fn company_id(mut self, id: impl Into<String>) -> Self {
        self.company_id = Some(id.into());
        self
    }

    /// Replaces fields of the generated payload.
    #[must_use]
    pub fn payload(mut self, fields: Map<String, Value>) -> Self {
        self.payload = Some(fields);
        self
    }
}

/// One delivery attempt to one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// The webhook delivered to.
    pub webhook_id: String,
    /// Its endpoint.
    pub endpoint: String,
    /// The event type.
    pub event_type: String,
    /// The event's `id`, when it has one.
    pub event_id: Option<String>,
    /// 1 for the first delivery of the event to this webhook, 2 for the duplicate, ...
    pub attempt: u32,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why the delivery failed (connection refused, timeout), when it did.
    pub error: Option<String>,
    /// How long the receiver took, in milliseconds.
    pub duration_ms: u64,
}

/// The generated event and its deliveries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SimulateResponse {
    /// The payload that was delivered.
    pub event: Value,
    /// One record per webhook and attempt.
    pub deliveries: Vec<DeliveryRecord>,
}

pub(crate) async fn simulate(
    state: &State,
    company: Option<String>,
    request: SimulateRequest,
) -> SimulateResponse {
    let company = request.company_id.clone().or(company);
    let mut event = samples::sample_event(
        &request.event_type,
        company.as_deref().unwrap_or("company-mock"),
    );
    if let (Value::Object(fields), Some(overrides)) = (&mut event, request.payload) {
        fields.extend(overrides);
    }
    let body = samples::delivery_body(&event);
    let event_id = event.get("id").and_then(Value::as_str).map(str::to_owned);
    let hooks = state.subscribers(company.as_deref(), &request.event_type);
    let mut deliveries = Vec::new();
    // Each attempt reaches every webhook at once (a slow receiver does not hold up the others); the attempts
    // follow each other, as meetergo's duplicate deliveries do.
    for attempt in 1..=request.repeat.unwrap_or(1).clamp(1, 10) {
        let sends = hooks.iter().map(|hook| {
            deliver_one(
                state,
                hook,
                &body,
                &request.event_type,
                event_id.as_ref(),
                attempt,
            )
        });
        for record in futures_util::future::join_all(sends).await {
            state.record(record.clone());
            deliveries.push(record);
        }
    }
    SimulateResponse { event, deliveries }
}

async fn deliver_one(
    state: &State,
    hook: &crate::state::StoredWebhook,
    body: &[u8],
    event_type: &str,
    event_id: Option<&String>,
    attempt: u32,
) -> DeliveryRecord {
    let started = Instant::now();
    let result = state
        .http
        .post(&hook.endpoint)
        .header("content-type", "application/json")
        .timeout(state.config.delivery_timeout)
        .body(body.to_vec())
        .send()
        .await;
    let (status, error) = match result {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(e) if e.is_timeout() => (
            None,
            Some(format!(
                "no answer within {:?}",
                state.config.delivery_timeout
            )),
        ),
        Err(e) => (None, Some(error_chain(&e))),
    };
    let record = DeliveryRecord {
        webhook_id: hook.id.text(),
        endpoint: hook.endpoint.clone(),
        event_type: event_type.to_owned(),
        event_id: event_id.cloned(),
        attempt,
        status,
        error,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    };
    log::info!(target: "meetergo_mock", "delivered {} to {} -> {:?}", record.event_type, record.endpoint, record.status);
    record
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut message = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}
