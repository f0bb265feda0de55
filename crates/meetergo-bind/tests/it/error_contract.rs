//! The error contract every runtime shares: `tests/fixtures/errors.json` lists a scenario for every error the core
//! can produce (each category, each validation and payload kind that a call can meet, timeouts and connection
//! errors) and the core's report for it ([`ErrorReport`], as JSON). This test holds the core to those reports; the
//! Python and Node tests run the same scenarios and hold their exceptions' attributes to the same reports.
//!
//! `expect` lists every field of the report: a value compares exactly, except under `~contains`, where it is a
//! substring of the field (messages quoting an operating-system error). A field not listed must be absent.

use std::collections::BTreeSet;
use std::time::Duration;

use meetergo_bind::report::{ErrorClass, ErrorReport};
use meetergo_core::{
    Client, ErrorCategory, Event, NewWebhook, ParseOptions, PayloadErrorKind, WebhookPatch,
};
use meetergo_mock::{MockConfig, MockServer};
use serde::Deserialize;
use serde_json::{Map, Value};

/// `tests/fixtures` at the workspace root.
fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scenario {
    pub name: String,
    #[serde(default)]
    pub fault: Option<Value>,
    pub call: Call,
    pub expect: Map<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct Call {
    pub op: String,
    pub endpoint: Option<String>,
    pub event_types: Option<Vec<String>>,
    pub id: Option<String>,
    pub description: Option<String>,
    pub file: Option<String>,
    pub max_body_bytes: Option<usize>,
    /// The inbox's store (`op: inbox`); an in-memory SQLite one when left out.
    pub store: Option<String>,
    #[serde(default)]
    pub client: ClientSpec,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ClientSpec {
    pub api_key: Option<String>,
    pub max_retries: Option<u32>,
    pub timeout_ms: Option<u64>,
    /// `"closed"`: a port nothing listens on.
    pub base_url: Option<String>,
}

pub(crate) fn scenarios() -> Vec<Scenario> {
    let text = std::fs::read_to_string(fixtures_dir().join("errors.json")).expect("errors.json");
    serde_json::from_str(&text).expect("errors.json is a list of scenarios")
}

fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

async fn inject(mock: &MockServer, fault: &Value) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let status = reqwest::Client::new()
        .post(format!("{}/_mock/faults", mock.base_url()))
        .header("content-type", "application/json")
        .body(fault.to_string())
        .send()
        .await
        .expect("fault route")
        .status();
    assert_eq!(status.as_u16(), 201, "fault {fault}");
}

/// Runs a scenario's call with the core; answers its error's report.
async fn run(mock: &MockServer, n: usize, s: &Scenario) -> Value {
    let call = &s.call;
    let report =
        |e: &meetergo_core::Error| serde_json::to_value(ErrorReport::from(e)).expect("report");
    if call.op == "inbox" {
        use meetergo_core::inbox::{Inbox, InboxOptions};
        let bytes = std::fs::read(
            fixtures_dir()
                .join("deliveries")
                .join(call.file.as_deref().expect("file")),
        )
        .expect("fixture file");
        let mut options = InboxOptions::default();
        if let Some(limit) = call.max_body_bytes {
            options.max_body_bytes = limit;
        }
        let e = Inbox::open(call.store.as_deref().unwrap_or("sqlite::memory:"), options)
            .and_then(|inbox| inbox.accept(&bytes, &[]))
            .expect_err("the inbox must refuse");
        return serde_json::to_value(ErrorReport::from(&e)).expect("report");
    }
    if call.op == "parse" {
        let bytes = std::fs::read(
            fixtures_dir()
                .join("deliveries")
                .join(call.file.as_deref().expect("file")),
        )
        .expect("fixture file");
        let mut options = ParseOptions::default();
        if let Some(limit) = call.max_body_bytes {
            options = options.max_body_bytes(limit);
        }
        let e = Event::from_slice_with(&bytes, &options).expect_err("the body must be refused");
        return report(&e.into());
    }
    if let Some(fault) = &s.fault {
        inject(mock, fault).await;
    }
    let spec = &call.client;
    let base = match spec.base_url.as_deref() {
        Some("closed") => closed_port(),
        Some(other) => other.to_owned(),
        None => mock.base_url(),
    };
    let mut builder = Client::builder()
        .base_url(base)
        .api_key(
            spec.api_key
                .clone()
                .unwrap_or_else(|| format!("rgo-error-contract-{n}")),
        )
        .ignore_env(true);
    if let Some(r) = spec.max_retries {
        builder = builder.max_retries(r);
    }
    if let Some(ms) = spec.timeout_ms {
        builder = builder.timeout(Duration::from_millis(ms));
    }
    let client = match builder.build() {
        Ok(c) => c,
        Err(e) => return report(&e),
    };
    assert_ne!(call.op, "client", "{}: the client was built", s.name);
    let webhooks = client.webhooks();
    let new = || {
        NewWebhook::new(
            call.endpoint.clone().unwrap_or_default(),
            call.event_types.clone().unwrap_or_default(),
        )
    };
    let id = call.id.clone().unwrap_or_default();
    let outcome = match call.op.as_str() {
        "create" => webhooks.create(new()).await.map(|_| ()),
        "list" => webhooks.list().await.map(|_| ()),
        "update" => webhooks
            .update(
                &id,
                WebhookPatch::new().description(call.description.clone().unwrap_or_default()),
            )
            .await
            .map(|_| ()),
        "delete" => webhooks.delete(&id).await,
        other => panic!("{}: unknown op {other}", s.name),
    };
    report(&outcome.expect_err(&format!("{}: the call must fail", s.name)))
}

/// `Ok(())` when `report` is what `expect` says.
pub(crate) fn compare(
    report: &Map<String, Value>,
    expect: &Map<String, Value>,
) -> Result<(), String> {
    let contains = expect.get("~contains").and_then(Value::as_object);
    let mut problems = Vec::new();
    for (key, value) in report {
        match (expect.get(key), contains.and_then(|c| c.get(key))) {
            (Some(wanted), _) if wanted == value => {}
            (None, Some(Value::String(part)))
                if value.as_str().is_some_and(|v| v.contains(part.as_str())) => {}
            (None, None) => problems.push(format!("{key} = {value} is not expected")),
            (wanted, part) => problems.push(format!(
                "{key} = {value}, expected {wanted:?} / containing {part:?}"
            )),
        }
    }
    for key in expect
        .keys()
        .chain(contains.into_iter().flat_map(|c| c.keys()))
    {
        if key != "~contains" && !report.contains_key(key) {
            problems.push(format!("{key} is missing"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[tokio::test]
async fn every_error_scenario_gives_the_shared_report() {
    let mock = MockServer::start(MockConfig::default().rate_limit(false))
        .await
        .expect("stand-in");
    let dump = std::env::var_os("MEETERGO_DUMP_ERRORS").is_some();
    let mut failures = Vec::new();
    let mut categories = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    for (n, scenario) in scenarios().iter().enumerate() {
        let report = run(&mock, n, scenario).await;
        if dump {
            println!("{}: {report}", scenario.name);
        }
        let report = report.as_object().expect("an object").clone();
        categories.insert(report["name"].as_str().unwrap_or_default().to_owned());
        if report["name"] == "PayloadError" {
            kinds.insert(report["kind"].as_str().unwrap_or_default().to_owned());
        }
        if let Err(problem) = compare(&report, &scenario.expect) {
            failures.push(format!("{}: {problem}", scenario.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for category in ErrorCategory::ALL {
        assert!(
            categories.contains(ErrorClass::of(category).name),
            "no scenario gives {}",
            ErrorClass::of(category).name
        );
    }
    let payload_kinds = [
        PayloadErrorKind::TooLarge { size: 0, limit: 0 },
        PayloadErrorKind::InvalidUtf8 { offset: 0 },
        PayloadErrorKind::InvalidJson { line: 0, column: 0 },
        PayloadErrorKind::TooDeep,
        PayloadErrorKind::NotAnObject,
        PayloadErrorKind::MissingWebhookType,
        PayloadErrorKind::InvalidWebhookType,
        PayloadErrorKind::InvalidField {
            path: String::new(),
        },
    ];
    for kind in payload_kinds {
        assert!(
            kinds.contains(kind.name()),
            "no scenario gives a {} payload error",
            kind.name()
        );
    }
    mock.shutdown().await;
}
