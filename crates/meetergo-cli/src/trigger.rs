//! `meetergo trigger <event-type> --to <url>`: the seed's "Test with curl", done right: a realistic delivery
//! (every documented field, fresh ids, a start tomorrow) POSTed as meetergo does, the same bytes each time with
//! `--repeat`, so the receiver's de-duplication can be seen at work.

use std::time::{Duration, Instant};

use meetergo_core::{EventType, validate_event_types};
use url::Url;

use crate::CliError;
use crate::cli::TriggerArgs;
use crate::commands::{known_event_types, warn_unknown};
use crate::table;

/// The company id put in sample payloads sent by `trigger`.
pub const SAMPLE_COMPANY_ID: &str = "company-local-dev";

/// The outcome of one POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why there was no answer.
    pub error: Option<String>,
    /// Time until the answer's head (or the failure).
    pub elapsed: Duration,
}

impl Attempt {
    /// `true` for a 2xx answer.
    pub fn ok(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }

    /// `200 OK in 1.2 ms`, `503 Service Unavailable in 0.8 ms  (not 2xx)` or `failed after 30000.0 ms: ...`, safe
    /// for a terminal.
    pub fn outcome(&self) -> String {
        let ms = self.elapsed.as_secs_f64() * 1000.0;
        let text = match (self.status, &self.error) {
            (Some(status), _) => {
                let reason = reqwest::StatusCode::from_u16(status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("");
                let flag = if self.ok() { "" } else { "  (not 2xx)" };
                format!("{status} {reason} in {ms:.1} ms{flag}")
            }
            (None, error) => format!(
                "failed after {ms:.1} ms: {}",
                error.as_deref().unwrap_or("no answer")
            ),
        };
        table::clean(&text)
    }

    /// The attempt for `--json`: `attempt`, `status` (or `null`), `ok`, `ms`, `error` (or `null`).
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "attempt": self.number,
            "status": self.status,
            "ok": self.ok(),
            "ms": (self.elapsed.as_secs_f64() * 1e4).round() / 10.0,
            "error": self.error,
        })
    }
}

/// Prints `value` as one line of JSON (for `--json`).
pub fn print_json(value: &serde_json::Value) {
    say!("{value}");
}

/// A sample delivery body for `event_type`, as meetergo would send it.
pub fn sample_body(event_type: &str) -> Result<Vec<u8>, CliError> {
    let event = meetergo_mock::samples::sample_event(event_type, SAMPLE_COMPANY_ID);
    Ok(meetergo_mock::samples::delivery_body(&event))
}

/// An HTTP client for deliveries: no redirects (meetergo follows none), a timeout per request.
pub fn delivery_client(timeout: Duration) -> Result<reqwest::Client, CliError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(concat!("meetergo-cli/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .build()
        .map_err(|e| CliError::msg(format!("cannot build the HTTP client: {e}")))
}

/// The error and its causes, without the URL (printed once, elsewhere).
pub fn describe(e: reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", timeout.as_secs_f64());
    }
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// POSTs `body` once, as meetergo does (JSON, no redirects), and measures the answer.
pub async fn post(
    client: &reqwest::Client,
    to: &Url,
    body: Vec<u8>,
    number: u32,
    timeout: Duration,
) -> Attempt {
    post_as(client, to, "application/json", body, number, timeout).await
}

/// POSTs `body` once with this content type, and measures the answer.
pub async fn post_as(
    client: &reqwest::Client,
    to: &Url,
    content_type: &str,
    body: Vec<u8>,
    number: u32,
    timeout: Duration,
) -> Attempt {
    let started = Instant::now();
    let result = client
        .post(to.clone())
        .header(reqwest::header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await;
    let elapsed = started.elapsed();
    let (status, error) = match result {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(e) => (None, Some(describe(e, timeout))),
    };
    Attempt {
        number,
        status,
        error,
        elapsed,
    }
}

/// What `trigger` sends: a sample for an event type, or a file's bytes.
fn what_to_send(args: &TriggerArgs) -> Result<(Vec<u8>, String, Option<String>), CliError> {
    if let Some(path) = &args.body_file {
        let body = std::fs::read(path).map_err(|e| {
            CliError::msg(format!(
                "cannot read {}: {e}",
                table::clean(&path.display().to_string())
            ))
        })?;
        let what = table::clean(&path.display().to_string());
        return Ok((body, what, None));
    }
    let given = args.event_type.as_deref().unwrap_or_default();
    let types = validate_event_types([given])?;
    warn_unknown(&[given.to_owned()]);
    let event_type = types.first().map_or(given, EventType::as_str).to_owned();
    let body = sample_body(&event_type)?;
    let id = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
        .unwrap_or_default();
    Ok((
        body,
        format!("{} (id {id})", table::clean(&event_type)),
        Some(event_type),
    ))
}

/// `meetergo trigger`.
pub async fn run(args: TriggerArgs) -> Result<(), CliError> {
    let (body, what, event_type) = what_to_send(&args)?;
    let client = delivery_client(args.timeout)?;
    let to = meetergo_core::redact_url(args.to.as_str()).into_owned();
    if !args.json {
        say!(
            "sending {what} ({} bytes) to {} {}",
            body.len(),
            table::clean(&to),
            if args.repeat > 1 {
                format!("{} times (same body)", args.repeat)
            } else {
                "once".into()
            }
        );
    }
    let mut failed = 0;
    let mut attempts = Vec::new();
    for n in 1..=args.repeat {
        let attempt = post(&client, &args.to, body.clone(), n, args.timeout).await;
        if !attempt.ok() {
            failed += 1;
        }
        if args.json {
            attempts.push(attempt.json());
        } else {
            say!("attempt {n}/{}: {}", args.repeat, attempt.outcome());
        }
    }
    if args.json {
        print_json(&serde_json::json!({
            "eventType": event_type,
            "bodyFile": args.body_file.as_ref().map(|p| p.display().to_string()),
            "bytes": body.len(),
            "to": to,
            "attempts": attempts,
        }));
    }
    if failed > 0 {
        return Err(CliError::msg(format!(
            "{failed} of {} deliveries to {} failed (no answer, or not 2xx)",
            args.repeat,
            table::clean(&to)
        )));
    }
    if !args.json && event_type.is_some_and(|t| EventType::from(t).is_unknown()) {
        say!("(known event types: {})", known_event_types());
    }
    Ok(())
}
