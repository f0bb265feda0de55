//! The real `meetergo` binary against the stand-in: every subcommand, JSON output, exit codes, validation before
//! any request, sync idempotence, the trigger → listen round trip, the tour.
#![allow(clippy::unwrap_used)] // test helpers: a failed unwrap is a failed test

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use meetergo_cli::listen::{ListenOptions, Listener};
use meetergo_mock::{MockConfig, MockServer};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const BIN: &str = env!("CARGO_BIN_EXE_meetergo");
const TOKEN: &str = "rgo-cli-tests";
const WAIT: Duration = Duration::from_secs(20);

/// The binary with no `MEETERGO_*` variable from the machine's environment.
fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("MEETERGO_API_KEY")
        .env_remove("MEETERGO_USER_ID")
        .env_remove("MEETERGO_BASE_URL")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

async fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(WAIT, cmd.output())
        .await
        .expect("meetergo did not finish in time")
        .expect("cannot run meetergo")
}

/// Runs `meetergo webhooks ...` against the stand-in with the test token.
async fn webhooks(mock: &MockServer, args: &[&str]) -> Output {
    let base = mock.base_url();
    let mut all = vec!["webhooks"];
    all.extend_from_slice(args);
    run(
        &all,
        &[("MEETERGO_API_KEY", TOKEN), ("MEETERGO_BASE_URL", &base)],
    )
    .await
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(o), stderr(o)))
}

/// The stand-in answering webhook ids as integers (as meetergo's live API does) or as UUID strings.
async fn mock_with_ids(numeric_ids: bool) -> MockServer {
    MockServer::start(
        MockConfig::default()
            .rate_limit(false)
            .numeric_ids(numeric_ids),
    )
    .await
    .unwrap()
}

async fn mock() -> MockServer {
    mock_with_ids(false).await
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "cli-{name}-{}-{}",
        std::process::id(),
        unique()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn unique() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// A long-running child whose stdout is read line by line.
struct Running {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Running {
    async fn spawn(args: &[&str]) -> Running {
        let mut child = command(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Running { child, lines }
    }

    async fn line(&mut self) -> String {
        tokio::time::timeout(WAIT, self.lines.next_line())
            .await
            .expect("no line in time")
            .unwrap()
            .expect("the process closed its output")
    }

    /// The first line, `... listening on http://127.0.0.1:PORT`: the URL.
    async fn url(&mut self, prefix: &str) -> String {
        let first = self.line().await;
        let url = first
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("first line {first:?} does not start with {prefix:?}"));
        assert!(url.starts_with("http://127.0.0.1:"), "{first}");
        url.to_owned()
    }

    /// Lines until one contains `needle`.
    async fn until(&mut self, needle: &str) -> Vec<String> {
        let mut seen = Vec::new();
        loop {
            let line = self.line().await;
            let done = line.contains(needle);
            seen.push(line);
            if done {
                return seen;
            }
        }
    }

    async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn create_list_update_delete_with_json_and_table_output() {
    for numeric_ids in [false, true] {
        crud_flow(numeric_ids).await;
    }
}

/// The whole lifecycle against a stand-in that answers UUID strings (as documented) or integers (as meetergo's live
/// API does): ids are printed as strings either way, in tables and `--json`, and work as arguments.
async fn crud_flow(numeric_ids: bool) {
    let mock = mock_with_ids(numeric_ids).await;
    let created = webhooks(
        &mock,
        &[
            "create",
            "--endpoint",
            "https://example.com/webhooks/meetergo",
            "--event-type",
            "booking_created,booking_cancelled",
            "--event-type",
            "booking_created",
            "--description",
            "Production webhook",
            "--json",
        ],
    )
    .await;
    assert_exit(&created, 0);
    let hook = json(&created);
    let id = hook["id"].as_str().unwrap().to_owned();
    assert_eq!(id.parse::<u64>().is_ok(), numeric_ids, "{id}");
    assert_eq!(hook["endpoint"], "https://example.com/webhooks/meetergo");
    assert_eq!(
        hook["eventTypes"],
        serde_json::json!(["booking_created", "booking_cancelled"])
    );
    assert_eq!(hook["description"], "Production webhook");
    assert!(hook["companyId"].is_string() && hook["createdAt"].is_string());

    let listed = webhooks(&mock, &["list", "--json"]).await;
    assert_exit(&listed, 0);
    let list = json(&listed);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], id.as_str());

    let table = webhooks(&mock, &["list"]).await;
    assert_exit(&table, 0);
    let text = stdout(&table);
    assert!(text.starts_with("ID "), "{text}");
    assert!(text.contains("ENDPOINT") && text.contains(&id) && text.contains("Production webhook"));

    // Flags before the operation's name work too.
    let updated = webhooks(
        &mock,
        &[
            "--json",
            "update",
            &id,
            "--event-type",
            "new_employee",
            "--description",
            "HR",
        ],
    )
    .await;
    assert_exit(&updated, 0);
    let hook = json(&updated);
    assert_eq!(hook["eventTypes"], serde_json::json!(["new_employee"]));
    assert_eq!(hook["description"], "HR");
    assert_eq!(hook["endpoint"], "https://example.com/webhooks/meetergo");

    let human = webhooks(
        &mock,
        &["update", &id, "--endpoint", "https://example.com/v2"],
    )
    .await;
    assert_exit(&human, 0);
    assert!(stdout(&human).starts_with(&format!("updated webhook {id}")));

    let deleted = webhooks(&mock, &["delete", &id, "--json"]).await;
    assert_exit(&deleted, 0);
    assert_eq!(json(&deleted)["deleted"], id.as_str());
    let empty = webhooks(&mock, &["list", "--json"]).await;
    assert_eq!(json(&empty), serde_json::json!([]));
    assert_eq!(
        stdout(&webhooks(&mock, &["list"]).await).trim(),
        "no webhooks"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn flags_override_the_environment() {
    let mock = mock().await;
    let base = mock.base_url();
    // Explicit flags, no environment at all.
    let o = run(
        &[
            "webhooks",
            "list",
            "--json",
            "--api-key",
            TOKEN,
            "--base-url",
            &base,
        ],
        &[],
    )
    .await;
    assert_exit(&o, 0);
    assert_eq!(json(&o), serde_json::json!([]));
    // A wrong key in the environment, the right one as a flag.
    let o = run(
        &[
            "webhooks",
            "list",
            "--api-key",
            TOKEN,
            "--timeout",
            "5",
            "--max-retries",
            "0",
        ],
        &[
            ("MEETERGO_API_KEY", "not-a-valid-key"),
            ("MEETERGO_BASE_URL", &base),
        ],
    )
    .await;
    assert_exit(&o, 0);
    // ak_live keys need a user id: from the flag or the environment.
    let key = "ak_live:00000000-0000-4000-8000-000000000000:secret";
    let o = run(
        &["webhooks", "list", "--api-key", key, "--user-id", "user-1"],
        &[("MEETERGO_BASE_URL", &base)],
    )
    .await;
    assert_exit(&o, 0);
    let o = run(
        &["webhooks", "list"],
        &[
            ("MEETERGO_BASE_URL", &base),
            ("MEETERGO_API_KEY", key),
            ("MEETERGO_USER_ID", "user-1"),
        ],
    )
    .await;
    assert_exit(&o, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["webhooks"][..],
        &["webhooks", "lst"][..],
        &["webhooks", "list", "--bogus"][..],
        &["webhooks", "create", "--endpoint", "https://example.com/h"][..],
        &["webhooks", "update"][..],
        &["webhooks", "delete"][..],
        &["webhooks", "list", "--timeout", "soon"][..],
        &["webhooks", "list", "--timeout", "0"][..],
        &["webhooks", "list", "--max-retries", "-1"][..],
        &["webhooks", "sync"][..],
        &["trigger", "booking_created"][..],
        &["trigger", "booking_created", "--to", "not a url"][..],
        &["trigger", "booking_created", "--to", "ftp://example.com/"][..],
        &[
            "trigger",
            "booking_created",
            "--to",
            "http://127.0.0.1:9/",
            "--repeat",
            "0",
        ][..],
        &["trigger", "--to", "http://127.0.0.1:9/"][..],
        &[
            "trigger",
            "booking_created",
            "--body-file",
            "x.json",
            "--to",
            "http://127.0.0.1:9/",
        ][..],
        &["replay", "log.jsonl"][..],
        &["listen", "--log-secrets"][..],
        &["listen", "--port", "70000"][..],
        &["mock", "--port", "x"][..],
        &["tour", "--extra"][..],
    ] {
        let o = run(args, &[]).await;
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    let help = run(&["--help"], &[]).await;
    assert_exit(&help, 0);
    for sub in [
        "webhooks", "trigger", "listen", "replay", "mock", "inbox", "tour",
    ] {
        assert!(stdout(&help).contains(sub), "{sub}");
    }
    // What the samples guess is said where users meet them.
    let trigger = run(&["trigger", "--help"], &[]).await;
    assert_exit(&trigger, 0);
    for guessed in [
        "guessed",
        "`cancel` object",
        "originalStart",
        "new_employee",
        "`zoom`",
    ] {
        assert!(
            stdout(&trigger).contains(guessed),
            "{guessed}: {}",
            stdout(&trigger)
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn api_errors_exit_1_with_the_message_on_stderr() {
    let mock = mock().await;
    let o = webhooks(&mock, &["delete", "no-such-webhook"]).await;
    assert_exit(&o, 1);
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(
        err.starts_with("error: DELETE /webhooks/no-such-webhook answered 404"),
        "{err}"
    );
    assert!(err.contains("Webhook not found"), "{err}");

    let o = webhooks(
        &mock,
        &["update", "no-such-webhook", "--event-type", "new_employee"],
    )
    .await;
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("404"));

    // meetergo's own 400 for an event type it does not know (the CLI only warns).
    let o = webhooks(
        &mock,
        &[
            "create",
            "--endpoint",
            "https://example.com/h",
            "--event-type",
            "no_such_event",
        ],
    )
    .await;
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("warning: `no_such_event`"), "{err}");
    assert!(err.contains("answered 400"), "{err}");

    // A base URL where nothing listens.
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let o = run(
        &["webhooks", "list", "--max-retries", "0"],
        &[
            ("MEETERGO_API_KEY", TOKEN),
            ("MEETERGO_BASE_URL", &format!("http://{dead}")),
        ],
    )
    .await;
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("connection failed"), "{}", stderr(&o));
}

/// A server echoing the token and the endpoint back, each spelt another way, never gets them printed.
#[tokio::test(flavor = "multi_thread")]
async fn echoes_of_the_token_and_of_a_path_secret_are_never_printed() {
    let mock = mock().await;
    let base = mock.base_url();
    let token = "rgo-echo-7Hq2LmZx9Wc4VbN1Kd8s";
    let secret = meetergo_core::PathSecret::generate().unwrap();
    let hook = secret
        .endpoint("https://example.com/webhooks/meetergo")
        .unwrap();
    let escaped: String = token
        .chars()
        .map(|c| format!("\\u{:04x}", u32::from(c)))
        .collect();
    let message = [
        format!("upper {}", token.to_ascii_uppercase()),
        format!("cut {}", &token[..token.len() - 5]),
        format!("escaped {escaped}"),
        format!("endpoint {hook}"),
        format!(
            "endpoint escaped {}",
            hook.replace('_', "\\u005f").replace('/', "\\/")
        ),
    ];
    mock.inject(
        meetergo_mock::Fault::status_with_body(
            400,
            serde_json::json!({"statusCode": 400, "message": message, "error": token}),
        ),
        1,
    );
    let o = run(
        &[
            "webhooks",
            "create",
            "--endpoint",
            &hook,
            "--event-type",
            "booking_created",
        ],
        &[("MEETERGO_API_KEY", token), ("MEETERGO_BASE_URL", &base)],
    )
    .await;
    assert_exit(&o, 1);
    let all = format!("{}{}", stdout(&o), stderr(&o)).to_ascii_lowercase();
    // Masked by the path-secret scrub itself (only it writes the escaped prefix back with `[redacted]`).
    assert!(all.contains("mps\\u005f[redacted]"), "{all}");
    for secret in [
        "7hq2lmzx9wc4vbn1kd8s".to_owned(),
        secret.reveal()[4..].to_ascii_lowercase(),
    ] {
        for i in 0..=secret.len() - 8 {
            assert!(!all.contains(&secret[i..i + 8]), "{all}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_never_printed() {
    let mock = mock().await;
    let base = mock.base_url();
    let secret = "sk_live_TOPSECRET_0123456789";
    let o = run(
        &["webhooks", "list"],
        &[("MEETERGO_API_KEY", secret), ("MEETERGO_BASE_URL", &base)],
    )
    .await;
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("401"), "{}", stderr(&o));
    let o2 = run(
        &["webhooks", "list", "--api-key", secret, "--base-url", &base],
        &[],
    )
    .await;
    assert_exit(&o2, 1);
    let ak = "ak_live:00000000-0000-4000-8000-000000000000:TOPSECRET";
    let o3 = run(
        &["webhooks", "list", "--api-key", ak, "--base-url", &base],
        &[],
    )
    .await;
    assert_exit(&o3, 1);
    assert!(stderr(&o3).contains("--user-id"), "{}", stderr(&o3));
    let help = run(&["webhooks", "--help"], &[("MEETERGO_API_KEY", secret)]).await;
    assert_exit(&help, 0);
    assert!(stdout(&help).contains("MEETERGO_API_KEY"));
    for out in [&o, &o2, &o3, &help] {
        let all = format!("{}{}", stdout(out), stderr(out));
        assert!(!all.contains("TOPSECRET"), "{all}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn validation_errors_come_before_any_request() {
    let mock = mock().await;
    let before = mock.request_count();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "create",
                "--endpoint",
                "http://example.com/h",
                "--event-type",
                "booking_created",
            ],
            "invalid --endpoint",
        ),
        (
            &[
                "create",
                "--endpoint",
                "https://127.0.0.1/h",
                "--event-type",
                "booking_created",
            ],
            "invalid --endpoint",
        ),
        (
            &[
                "create",
                "--endpoint",
                "https://example.com/h?token=abc",
                "--event-type",
                "booking_created",
            ],
            "invalid --endpoint",
        ),
        (
            &[
                "create",
                "--endpoint",
                "not a url",
                "--event-type",
                "booking_created",
            ],
            "invalid --endpoint",
        ),
        (
            &[
                "create",
                "--endpoint",
                "https://example.com/h",
                "--event-type",
                "",
            ],
            "invalid --event-type",
        ),
        (&["update", "some-id"], "nothing to update"),
        (
            &["update", "some-id", "--endpoint", "http://example.com/h"],
            "invalid --endpoint",
        ),
        (&["delete", ".."], "invalid ID"),
        (
            &["list", "--base-url", "ftp://example.com"],
            "invalid --base-url",
        ),
        (&["list", "--api-key", "has space"], "invalid --api-key"),
    ];
    for (args, expected) in cases {
        let o = webhooks(&mock, args).await;
        assert_exit(&o, 1);
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
    }
    let o = webhooks(
        &mock,
        &[
            "create",
            "--endpoint",
            "http://example.com/h",
            "--event-type",
            "booking_created",
        ],
    )
    .await;
    assert!(stderr(&o).contains("hint: ") && stderr(&o).contains("--allow-insecure-endpoints"));
    assert_eq!(mock.request_count(), before, "a request was sent");

    // Allowed for local development.
    let o = webhooks(
        &mock,
        &[
            "create",
            "--endpoint",
            "http://127.0.0.1:9/h",
            "--event-type",
            "booking_created",
            "--allow-insecure-endpoints",
        ],
    )
    .await;
    assert_exit(&o, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_seventh_webhook_is_refused_with_a_hint() {
    let mock = mock().await;
    for n in 0..6 {
        let endpoint = format!("https://example.com/{n}");
        let o = webhooks(
            &mock,
            &[
                "create",
                "--endpoint",
                &endpoint,
                "--event-type",
                "booking_created",
            ],
        )
        .await;
        assert_exit(&o, 0);
    }
    let o = webhooks(
        &mock,
        &[
            "create",
            "--endpoint",
            "https://example.com/7",
            "--event-type",
            "booking_created",
        ],
    )
    .await;
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains("webhook limit reached") && err.contains("406"),
        "{err}"
    );
    assert!(
        err.contains("Company reached maximum") && err.contains("hint: "),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_plans_applies_and_is_idempotent() {
    for numeric_ids in [false, true] {
        sync_flow(numeric_ids).await;
    }
}

async fn sync_flow(numeric_ids: bool) {
    let mock = mock_with_ids(numeric_ids).await;
    let dir = temp_dir("sync");
    // Already there: one to keep with other types, one to delete.
    for (endpoint, types) in [
        (
            "https://staging.example.com/webhooks/meetergo",
            "new_employee",
        ),
        ("https://old.example.com/hook", "booking_created"),
    ] {
        let o = webhooks(
            &mock,
            &["create", "--endpoint", endpoint, "--event-type", types],
        )
        .await;
        assert_exit(&o, 0);
    }
    let file = dir.join("webhooks.toml");
    std::fs::write(
        &file,
        r#"
[[webhooks]]
endpoint = "https://example.com/webhooks/meetergo"
event_types = ["booking_created", "booking_cancelled", "booking_rescheduled"]
description = "Production webhook"

[[webhooks]]
endpoint = "https://staging.example.com/webhooks/meetergo"
eventTypes = ["booking_created"]
"#,
    )
    .unwrap();
    let path = file.to_str().unwrap();

    let dry = webhooks(&mock, &["sync", path, "--dry-run"]).await;
    assert_exit(&dry, 0);
    let text = stdout(&dry);
    assert!(
        text.starts_with("plan: 1 to create, 1 to update, 1 to delete, 0 unchanged (dry run)"),
        "{text}"
    );
    let order: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.trim().split(' ').nth(1).unwrap_or(""))
        .collect();
    // Updates first (a failure part-way deletes nothing an update could keep), then deletes, then creates.
    assert_eq!(order, ["update", "delete", "create"], "{text}");
    let listed = json(&webhooks(&mock, &["list", "--json"]).await);
    assert_eq!(
        listed.as_array().unwrap().len(),
        2,
        "the dry run changed something"
    );

    // Deleting needs a "y" at a terminal or --yes: without either (no terminal here), nothing changes.
    let requests = mock.request_count();
    let refused = webhooks(&mock, &["sync", path]).await;
    assert_exit(&refused, 1);
    assert!(
        stderr(&refused).contains("deletes 1 webhook(s)") && stderr(&refused).contains("--yes"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stdout(&refused).contains("- delete"),
        "the plan is shown first"
    );
    assert_eq!(mock.request_count(), requests + 1, "only the list was sent");

    let first = webhooks(&mock, &["sync", path, "--json", "-y"]).await;
    assert_exit(&first, 0);
    let report = json(&first);
    assert_eq!(
        report["summary"],
        serde_json::json!({"create": 1, "update": 1, "delete": 1, "unchanged": 0})
    );
    let actions: Vec<&str> = report["applied"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["update", "delete", "create"]);
    let applied = report["applied"].as_array().unwrap();
    assert_eq!(applied[1]["endpoint"], "https://old.example.com/hook");
    assert!(applied[1]["webhook"].is_null());
    assert_eq!(
        applied[0]["webhook"]["eventTypes"],
        serde_json::json!(["booking_created"])
    );
    assert_eq!(applied[2]["id"], applied[2]["webhook"]["id"]);
    assert_eq!(
        applied[2]["id"].as_str().unwrap().parse::<u64>().is_ok(),
        numeric_ids,
        "ids are strings: {}",
        applied[2]["id"]
    );
    assert_eq!(applied[2]["webhook"]["description"], "Production webhook");

    let listed = json(&webhooks(&mock, &["list", "--json"]).await);
    let mut endpoints: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["endpoint"].as_str().unwrap())
        .collect();
    endpoints.sort_unstable();
    assert_eq!(
        endpoints,
        [
            "https://example.com/webhooks/meetergo",
            "https://staging.example.com/webhooks/meetergo"
        ]
    );

    let requests = mock.request_count();
    let second = webhooks(&mock, &["sync", path, "--json"]).await;
    assert_exit(&second, 0);
    let report = json(&second);
    assert_eq!(
        report["summary"],
        serde_json::json!({"create": 0, "update": 0, "delete": 0, "unchanged": 2})
    );
    assert_eq!(report["applied"], serde_json::json!([]));
    assert_eq!(
        mock.request_count(),
        requests + 1,
        "the second run did more than list"
    );
    let human = webhooks(&mock, &["sync", path]).await;
    assert_exit(&human, 0);
    assert!(stdout(&human).contains("0 to create, 0 to update, 0 to delete, 2 unchanged"));

    // The same state as JSON (event types in another order) is also unchanged.
    let same = dir.join("webhooks.json");
    std::fs::write(
        &same,
        r#"[{"endpoint": "https://example.com/webhooks/meetergo", "description": "Production webhook",
             "eventTypes": ["booking_rescheduled", "booking_created", "booking_cancelled"]},
            {"endpoint": "https://staging.example.com/webhooks/meetergo", "event_types": ["booking_created"]}]"#,
    )
    .unwrap();
    let o = webhooks(&mock, &["sync", same.to_str().unwrap(), "--json"]).await;
    assert_exit(&o, 0);
    assert_eq!(json(&o)["summary"]["unchanged"], 2);

    // Invalid files: nothing is sent.
    let requests = mock.request_count();
    let bad: &[(&str, &str, &str)] = &[
        (
            "insecure.json",
            r#"[{"endpoint": "http://example.com/h", "eventTypes": ["booking_created"]}]"#,
            "webhooks[0]",
        ),
        (
            "empty.toml",
            "[[webhooks]]\nendpoint = \"https://example.com/h\"\nevent_types = []\n",
            "event type",
        ),
        (
            "typo.toml",
            "[[webhooks]]\nendpoint = \"https://example.com/h\"\nevent_type = [\"booking_created\"]\n",
            "event_type",
        ),
        ("broken.json", "[{", "broken.json"),
        ("hooks.yaml", "- endpoint: x", "must end in .toml or .json"),
        (
            "twice.json",
            r#"[{"endpoint": "https://example.com/h", "eventTypes": ["booking_created"]},
                {"endpoint": "https://example.com/h", "eventTypes": ["new_employee"]}]"#,
            "same endpoint",
        ),
    ];
    for (name, content, expected) in bad {
        let f = dir.join(name);
        std::fs::write(&f, content).unwrap();
        let o = webhooks(&mock, &["sync", f.to_str().unwrap()]).await;
        assert_exit(&o, 1);
        assert!(stderr(&o).contains(expected), "{name}: {}", stderr(&o));
    }
    let missing = webhooks(&mock, &["sync", dir.join("missing.toml").to_str().unwrap()]).await;
    assert_exit(&missing, 1);
    assert!(stderr(&missing).contains("cannot read"));
    assert_eq!(
        mock.request_count(),
        requests,
        "an invalid file caused a request"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_never_exceeds_the_limit() {
    let mock = mock().await;
    let dir = temp_dir("sync-limit");
    for n in 0..6 {
        let endpoint = format!("https://old.example.com/{n}");
        assert_exit(
            &webhooks(
                &mock,
                &[
                    "create",
                    "--endpoint",
                    &endpoint,
                    "--event-type",
                    "booking_created",
                ],
            )
            .await,
            0,
        );
    }
    // Six other webhooks: each create only works after the deletes.
    let entries: Vec<Value> = (0..6)
        .map(|n| serde_json::json!({"endpoint": format!("https://new.example.com/{n}"), "eventTypes": ["booking_created"]}))
        .collect();
    let file = dir.join("six.json");
    std::fs::write(&file, serde_json::to_string(&entries).unwrap()).unwrap();
    let o = webhooks(&mock, &["sync", file.to_str().unwrap(), "--json", "--yes"]).await;
    assert_exit(&o, 0);
    assert_eq!(
        json(&o)["summary"],
        serde_json::json!({"create": 6, "update": 0, "delete": 6, "unchanged": 0})
    );
    let second = webhooks(&mock, &["sync", file.to_str().unwrap(), "--json"]).await;
    assert_eq!(json(&second)["summary"]["unchanged"], 6);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn trigger_to_listen_round_trip_flags_the_duplicate_and_logs_both() {
    let dir = temp_dir("listen");
    let log = dir.join("deliveries.jsonl");
    let mut listener =
        Running::spawn(&["listen", "--port", "0", "--log", log.to_str().unwrap()]).await;
    let url = listener.url("listening on ").await;
    let target = format!("{url}/webhooks/meetergo");

    let o = run(
        &[
            "trigger",
            "booking_created",
            "--to",
            &target,
            "--repeat",
            "2",
        ],
        &[],
    )
    .await;
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert!(out.contains("attempt 1/2: 200 OK in "), "{out}");
    assert!(out.contains("attempt 2/2: 200 OK in "), "{out}");
    assert!(
        !out.contains("sec_"),
        "the booking secret was printed: {out}"
    );

    let lines = listener.until("#2 ").await;
    let events: Vec<&String> = lines.iter().filter(|l| l.starts_with('#')).collect();
    assert_eq!(events.len(), 2, "{lines:?}");
    assert!(events[0].starts_with("#1 booking_created id="), "{lines:?}");
    assert!(
        events[0].contains(" start=") && events[0].contains(" attendee="),
        "{lines:?}"
    );
    assert!(!events[0].contains("duplicate"), "{lines:?}");
    assert!(events[1].contains("duplicate"), "{lines:?}");
    assert!(
        !lines.iter().any(|l| l.contains("sec_")),
        "the booking secret was printed"
    );

    // Another event: a first delivery again.
    let o = run(&["trigger", "new_employee", "--to", &target], &[]).await;
    assert_exit(&o, 0);
    let line = listener.line().await;
    assert!(line.starts_with("#3 new_employee id="), "{line}");

    let log_text = std::fs::read_to_string(&log).unwrap();
    let records: Vec<Value> = log_text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 3, "{log_text}");
    assert_eq!(records[0]["body"], records[1]["body"]);
    // The log keeps the body as received, with the booking secret masked in place (same length).
    assert!(
        !log_text.contains("sec_"),
        "the booking secret reached the log: {log_text}"
    );
    let logged: Value = serde_json::from_str(records[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(logged["secret"], "*".repeat("sec_".len() + 24));
    assert_eq!(records[0]["masked"], serde_json::json!(["secret"]));
    let length = records[0]["bytes"].as_u64().unwrap();
    assert_eq!(records[0]["body"].as_str().unwrap().len() as u64, length);
    assert_eq!(records[0]["headers"]["content-length"], length.to_string());
    assert_eq!(records[0]["sha256"].as_str().unwrap().len(), 64);
    assert_eq!(logged["webhookType"], "booking_created");
    assert_eq!(records[0]["duplicate"], false);
    assert_eq!(records[1]["duplicate"], true);
    assert_eq!(records[0]["path"], "/webhooks/meetergo");
    assert_eq!(records[0]["headers"]["content-type"], "application/json");
    let body: Value = serde_json::from_str(records[0]["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["webhookType"], "booking_created");
    assert!(records[0]["time"].is_string());
    listener.stop().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_reports_bad_bodies_redacts_credentials_and_forwards() {
    let dir = temp_dir("forward");
    let log = dir.join("log.jsonl");
    let mut target = Listener::start(ListenOptions::new(0)).await.unwrap();
    let mut listener = Running::spawn(&[
        "listen",
        "--port",
        "0",
        "--log",
        log.to_str().unwrap(),
        "--forward-to",
        &target.url(),
    ])
    .await;
    let url = listener.url("listening on ").await;
    let client = meetergo_cli::trigger::delivery_client(WAIT).unwrap();
    let response = client
        .post(format!("{url}/hook"))
        .header("content-type", "application/json")
        .header("authorization", "Bearer rgo-TOPSECRET")
        .body(r#"{"webhookType":"booking_created","id":"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let lines = listener.until("invalid delivery payload").await;
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("#1 invalid delivery payload"),
        "{lines:?}"
    );

    // Forwarded as is, in the background.
    let forwarded = target
        .next_delivery(WAIT)
        .await
        .expect("nothing was forwarded");
    assert_eq!(
        &forwarded.body[..],
        br#"{"webhookType":"booking_created","id":"#
    );
    let line = listener.until("forwarded").await;
    assert!(
        line.last().unwrap().contains("#1 forwarded: 200"),
        "{line:?}"
    );

    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(!log_text.contains("TOPSECRET"), "{log_text}");
    let record: Value = serde_json::from_str(log_text.lines().next().unwrap()).unwrap();
    assert_eq!(record["headers"]["authorization"], "[redacted]");
    assert!(
        record["error"]
            .as_str()
            .unwrap()
            .contains("invalid delivery payload")
    );
    listener.stop().await;
    target.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread")]
async fn trigger_fails_when_the_receiver_is_unreachable_or_not_2xx() {
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let o = run(
        &[
            "trigger",
            "booking_created",
            "--to",
            &format!("http://{dead}/hook"),
        ],
        &[],
    )
    .await;
    assert_exit(&o, 1);
    assert!(stdout(&o).contains("attempt 1/1: failed"), "{}", stdout(&o));
    assert!(
        stderr(&o).starts_with("error: 1 of 1 deliveries"),
        "{}",
        stderr(&o)
    );

    // The stand-in's API answers 401 to a POST without a token.
    let mock = mock().await;
    let o = run(
        &[
            "trigger",
            "booking_cancelled",
            "--to",
            &format!("{}/webhooks", mock.base_url()),
            "--repeat",
            "2",
        ],
        &[],
    )
    .await;
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("attempt 2/2: 401 Unauthorized"),
        "{}",
        stdout(&o)
    );
    assert!(stderr(&o).contains("2 of 2 deliveries"), "{}", stderr(&o));

    let o = run(
        &["trigger", " booking_created", "--to", "http://127.0.0.1:9/"],
        &[],
    )
    .await;
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("invalid --event-type"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_sample_type_is_delivered_and_parsed() {
    let mut target = Listener::start(ListenOptions::new(0)).await.unwrap();
    for t in [
        "booking_created",
        "booking_cancelled",
        "booking_rescheduled",
        "new_employee",
        "form_submission",
        "brand_new_type",
    ] {
        let o = run(&["trigger", t, "--to", &target.url()], &[]).await;
        assert_exit(&o, 0);
        let d = target.next_delivery(WAIT).await.unwrap();
        let summary = d.parsed.unwrap_or_else(|e| panic!("{t}: {e}"));
        assert_eq!(summary.webhook_type, t);
        assert!(summary.id.is_some(), "{t}");
        assert!(!summary.duplicate);
    }
    target.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn mock_serves_the_api_and_reports_a_taken_port() {
    let mut first = Running::spawn(&["mock", "--port", "0"]).await;
    let base = first.url("meetergo mock listening on ").await;
    let o = run(
        &[
            "webhooks",
            "create",
            "--endpoint",
            "https://example.com/h",
            "--event-type",
            "booking_created",
            "--json",
        ],
        &[("MEETERGO_API_KEY", TOKEN), ("MEETERGO_BASE_URL", &base)],
    )
    .await;
    assert_exit(&o, 0);
    let o = run(
        &["webhooks", "list", "--json"],
        &[("MEETERGO_API_KEY", TOKEN), ("MEETERGO_BASE_URL", &base)],
    )
    .await;
    assert_eq!(json(&o).as_array().unwrap().len(), 1);

    let port = base.rsplit(':').next().unwrap();
    let taken = run(&["mock", "--port", port], &[]).await;
    assert_exit(&taken, 1);
    let err = stderr(&taken);
    assert!(
        err.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.to_lowercase().contains("in use"), "{err}");
    first.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn listen_on_a_taken_port_exits_1() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let o = run(&["listen", "--port", &port], &[]).await;
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("cannot listen on"), "{}", stderr(&o));
    let o = run(
        &["listen", "--port", "0", "--log", "/nonexistent-dir/x.jsonl"],
        &[],
    )
    .await;
    assert_exit(&o, 1);
    assert!(
        stderr(&o).contains("cannot open the log file"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tour_exits_0() {
    let started = std::time::Instant::now();
    let o = run(
        &["tour"],
        &[
            ("MEETERGO_API_KEY", "ignored"),
            ("MEETERGO_BASE_URL", "http://127.0.0.1:1"),
        ],
    )
    .await;
    assert_exit(&o, 0);
    let out = stdout(&o);
    for expected in [
        "== 1.",
        "Error::LimitReached (status 406)",
        "[duplicate: key",
        "Error::Validation: invalid endpoint",
        "receiver restarted on port",
        "2 redeliveries recognised (one across the restart)",
        "Tour complete",
    ] {
        assert!(out.contains(expected), "{expected}:\n{out}");
    }
    assert!(started.elapsed() < Duration::from_secs(15));
}

/// The axum receiver example (`crates/meetergo-core/examples/axum_inbox.rs`) on a free port with its inbox in `dir`:
/// the child and its output lines.
async fn start_axum_example(
    dir: &std::path::Path,
) -> (Child, Lines<BufReader<ChildStdout>>, String) {
    // `make test-rust` builds it first (`cargo build --workspace --examples`): `cargo test --all-targets` builds
    // examples only as test harnesses (`examples/axum_inbox-<hash>`), which do not run the example's `main`.
    let example = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(std::path::Path::parent)
        .unwrap()
        .join("examples/axum_inbox");
    assert!(
        example.exists(),
        "{} is missing: build it with `cargo build --workspace --examples` (`make test-rust` does)",
        example.display()
    );
    let mut child = Command::new(example)
        .env(
            "MEETERGO_INBOX",
            format!("sqlite:{}", dir.join("inbox.db").display()),
        )
        // Any free port: the example prints the one it bound.
        .env("PORT", "0")
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("the example did not start")
        .unwrap()
        .unwrap_or_default();
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line: {first}"))
        .to_owned();
    (child, lines, url)
}

/// The axum example, delivered to by `meetergo trigger` as a user would: each event is handled once, also when it is
/// delivered again after the receiver restarts.
#[tokio::test(flavor = "multi_thread")]
async fn the_axum_example_handles_each_triggered_event_once_across_a_restart() {
    let dir = temp_dir("axum-example");
    let body = fixture("booking_created_full.json");
    let body = body.to_str().unwrap();
    let mut handled = Vec::new();
    for round in 0..2 {
        let (mut child, mut lines, url) = start_axum_example(&dir).await;
        let o = run(
            &[
                "trigger",
                "--body-file",
                body,
                "--to",
                &url,
                "--repeat",
                "2",
            ],
            &[],
        )
        .await;
        assert_exit(&o, 0);
        // Both deliveries are acknowledged; the handler runs for the first one only, in the first round only.
        if round == 0 {
            let line = tokio::time::timeout(WAIT, lines.next_line())
                .await
                .expect("the handler did not run")
                .unwrap()
                .unwrap();
            handled.push(line);
        }
        // Whatever else the worker would print shows within six of its polls (every 500 ms).
        if let Ok(Ok(Some(line))) =
            tokio::time::timeout(Duration::from_secs(3), lines.next_line()).await
        {
            handled.push(line);
        }
        child.kill().await.unwrap();
    }
    assert_eq!(handled.len(), 1, "{handled:?}");
    assert!(
        handled[0].starts_with("booking_created booking_created:")
            && handled[0].ends_with("(attempt 1)"),
        "{handled:?}"
    );
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/deliveries")
        .join(name)
}

fn log_records(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `listen --log` keeps the bytes meetergo sent (the seed: "log all requests, for debugging failed deliveries"), and
/// `replay` sends them again: byte for byte with `--log-secrets`, with the secrets masked in place without it.
#[tokio::test(flavor = "multi_thread")]
async fn listen_logs_the_exact_bytes_and_replay_sends_them_again() {
    let dir = temp_dir("replay");
    let (first_log, second_log, masked_log) = (
        dir.join("first.jsonl"),
        dir.join("second.jsonl"),
        dir.join("masked.jsonl"),
    );
    let mut first = Running::spawn(&[
        "listen",
        "--port",
        "0",
        "--log",
        first_log.to_str().unwrap(),
        "--log-secrets",
    ])
    .await;
    let first_url = first.url("listening on ").await;
    // CRLF line ends, keys out of order, a secret; a body that is not UTF-8; one that is not JSON.
    let files = [
        fixture("booking_created_reordered.json"),
        fixture("bad_invalid_utf8.bin"),
        fixture("bad_not_json.txt"),
    ];
    for file in &files {
        let o = run(
            &[
                "trigger",
                "--body-file",
                file.to_str().unwrap(),
                "--to",
                &format!("{first_url}/hooks"),
            ],
            &[],
        )
        .await;
        assert_exit(&o, 0);
    }
    first.until("#3 ").await;
    let logged = log_records(&first_log);
    assert_eq!(logged.len(), 3);
    for (record, file) in logged.iter().zip(&files) {
        let bytes = std::fs::read(file).unwrap();
        let body = match record.get("body") {
            Some(text) => text.as_str().unwrap().as_bytes().to_vec(),
            None => {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(record["bodyBase64"].as_str().unwrap())
                    .unwrap()
            }
        };
        assert_eq!(body, bytes, "{}", file.display());
        assert_eq!(record["bytes"], bytes.len());
        assert_eq!(record["headers"]["content-length"], bytes.len().to_string());
        assert!(record.get("masked").is_none() && record.get("withheld").is_none());
    }
    assert!(logged[1].get("body").is_none(), "not UTF-8: base64");

    // Replayed byte for byte to another receiver, which logs the same bytes.
    let mut second = Running::spawn(&[
        "listen",
        "--port",
        "0",
        "--log",
        second_log.to_str().unwrap(),
        "--log-secrets",
    ])
    .await;
    let second_url = second.url("listening on ").await;
    let o = run(
        &[
            "replay",
            first_log.to_str().unwrap(),
            "--to",
            &format!("{second_url}/replayed"),
        ],
        &[],
    )
    .await;
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o).matches("the bytes received").count(),
        3,
        "{}",
        stdout(&o)
    );
    second.until("#3 ").await;
    let replayed = log_records(&second_log);
    for (a, b) in logged.iter().zip(&replayed) {
        assert_eq!(a["sha256"], b["sha256"]);
        assert_eq!(a["body"], b["body"]);
        assert_eq!(b["path"], "/replayed");
    }
    let o = run(
        &[
            "replay",
            first_log.to_str().unwrap(),
            "--to",
            &second_url,
            "--seq",
            "2",
        ],
        &[],
    )
    .await;
    assert_exit(&o, 0);
    assert!(stdout(&o).starts_with("#2 ("), "{}", stdout(&o));
    let o = run(
        &[
            "replay",
            first_log.to_str().unwrap(),
            "--to",
            &second_url,
            "--seq",
            "99",
        ],
        &[],
    )
    .await;
    assert_exit(&o, 1);
    assert!(stderr(&o).contains("no request #99"), "{}", stderr(&o));

    // Without --log-secrets: the secret is masked in place, a secret-mentioning non-JSON body is withheld, and a
    // replay says what it sends.
    let mut masked = Running::spawn(&[
        "listen",
        "--port",
        "0",
        "--log",
        masked_log.to_str().unwrap(),
    ])
    .await;
    let masked_url = masked.url("listening on ").await;
    let secret_text = dir.join("secret.txt");
    std::fs::write(&secret_text, "not json, but token=abc123").unwrap();
    for file in [&files[0], &files[1], &secret_text] {
        let o = run(
            &[
                "trigger",
                "--body-file",
                file.to_str().unwrap(),
                "--to",
                &masked_url,
            ],
            &[],
        )
        .await;
        assert_exit(&o, 0);
    }
    masked.until("#3 ").await;
    let text = std::fs::read_to_string(&masked_log).unwrap();
    assert!(
        !text.contains("sec_live_") && !text.contains("abc123"),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&masked_log).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the log is private: {mode:o}");
    }
    let records = log_records(&masked_log);
    let original = std::fs::read_to_string(&files[0]).unwrap();
    let body = records[0]["body"].as_str().unwrap();
    assert_eq!(body.len(), original.len());
    assert_eq!(records[0]["masked"], serde_json::json!(["secret"]));
    assert_eq!(
        body.replace('*', ""),
        original.replace("sec_live_Zq8XbT4mW2pR9vK1nY6s", ""),
        "only the secret changed"
    );
    // Not UTF-8: kept as base64, its secret masked all the same.
    let latin1 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .decode(records[1]["bodyBase64"].as_str().unwrap())
            .unwrap()
    };
    let original = std::fs::read(&files[1]).unwrap();
    assert_eq!(latin1.len(), original.len());
    assert!(!String::from_utf8_lossy(&latin1).contains("sec_utf8_"));
    assert!(String::from_utf8_lossy(&original).contains("sec_utf8_"));
    assert_eq!(records[1]["masked"], serde_json::json!(["secret"]));
    assert_eq!(records[2]["withheld"], true);
    let o = run(
        &["replay", masked_log.to_str().unwrap(), "--to", &second_url],
        &[],
    )
    .await;
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("secrets masked, not the bytes received"),
        "{}",
        stdout(&o)
    );
    assert!(
        stdout(&o).contains("#3: not replayed: its body was withheld"),
        "{}",
        stdout(&o)
    );

    for running in [first, second, masked] {
        running.stop().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `meetergo mock --numeric-ids --allow-local-endpoints`: integer ids on the wire, strings for users; endpoints
/// checked as meetergo checks them unless local development is allowed.
#[tokio::test(flavor = "multi_thread")]
async fn mock_flags_numeric_ids_and_local_endpoints() {
    for allow_local in [false, true] {
        let mut args = vec!["mock", "--port", "0", "--numeric-ids", "--no-rate-limit"];
        if allow_local {
            args.push("--allow-local-endpoints");
        }
        let mut mock = Running::spawn(&args).await;
        let base = mock.url("meetergo mock listening on ").await;
        let env = [
            ("MEETERGO_API_KEY", TOKEN),
            ("MEETERGO_BASE_URL", base.as_str()),
        ];
        let o = run(
            &[
                "webhooks",
                "create",
                "--endpoint",
                "http://localhost:3000/hooks",
                "--event-type",
                "booking_created",
                "--allow-insecure-endpoints",
                "--json",
            ],
            &env,
        )
        .await;
        if allow_local {
            assert_exit(&o, 0);
            assert_eq!(json(&o)["id"], "1492");
        } else {
            assert_exit(&o, 1);
            assert!(
                stderr(&o).contains("endpoint must be a URL address"),
                "{}",
                stderr(&o)
            );
        }
        let o = run(
            &[
                "webhooks",
                "create",
                "--endpoint",
                "https://example.com/h",
                "--event-type",
                "new_employee",
            ],
            &env,
        )
        .await;
        assert_exit(&o, 0);
        let id = if allow_local { "1493" } else { "1492" };
        assert!(
            stdout(&o).starts_with(&format!("created webhook {id}\n")),
            "{}",
            stdout(&o)
        );
        let o = run(&["webhooks", "delete", id], &env).await;
        assert_exit(&o, 0);
        mock.stop().await;
    }
}

/// `meetergo inbox` over an inbox the core wrote: counts, lists without bodies, replay of dead and quarantined
/// deliveries, purge, and clear errors for a missing store, a state or an age that does not exist.
#[tokio::test]
async fn inbox_operations_on_a_store_the_core_wrote() {
    use meetergo_core::inbox::{Inbox, InboxOptions, State};
    let dir = std::env::temp_dir().join(format!("meetergo-cli-inbox-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("inbox.db");
    let _ = std::fs::remove_file(&path);
    let store = format!("sqlite:{}", path.display());
    {
        let inbox = Inbox::open(
            &store,
            InboxOptions {
                max_attempts: 1,
                ..InboxOptions::default()
            },
        )
        .unwrap();
        let body = |id: &str| {
            format!(
                r#"{{"webhookType":"booking_created","id":"{id}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","secret":"sec_cli_inbox_{id}"}}"#
            )
        };
        inbox.accept(body("b-1").as_bytes(), &[]).unwrap();
        inbox.accept(body("b-1").as_bytes(), &[]).unwrap();
        inbox.accept(body("b-2").as_bytes(), &[]).unwrap();
        inbox.accept(b"{broken", &[]).unwrap();
        let claim = inbox.claim("w").unwrap().unwrap();
        inbox.fail(&claim, "the handler\x1b[31m failed").unwrap();
        let claim = inbox.claim("w").unwrap().unwrap();
        inbox.complete(&claim).unwrap();
        assert_eq!(inbox.counts().unwrap().dead, 1);
        assert_eq!(inbox.list(State::Done, 5).unwrap().len(), 1);
    }
    let inbox = |args: &[&str]| {
        let mut all = vec!["inbox", "--store", &store];
        all.extend_from_slice(args);
        all.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let go = |args: Vec<String>| async move {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&refs, &[]).await
    };

    let status = go(inbox(&["status", "--json"])).await;
    assert_exit(&status, 0);
    assert_eq!(
        json(&status),
        serde_json::json!({"pending": 0, "running": 0, "done": 1, "dead": 1, "quarantined": 1, "duplicates": 1})
    );
    let status = go(inbox(&["status"])).await;
    assert!(stdout(&status).contains("dead 1"), "{}", stdout(&status));

    let dead = go(inbox(&["list", "--state", "dead"])).await;
    assert_exit(&dead, 0);
    let text = stdout(&dead);
    assert!(
        text.contains("booking_created:b-1") || text.contains("booking_created#"),
        "{text}"
    );
    assert!(text.contains("last error: the handler"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "control characters are not printed: {text:?}"
    );
    assert!(!text.contains("sec_cli_inbox"), "{text}");
    let listed = go(inbox(&["list", "--state", "dead", "--json"])).await;
    let id = json(&listed)[0]["id"].as_i64().expect("an id");

    let quarantined = go(inbox(&["list", "--state", "quarantined", "--json"])).await;
    let rows = json(&quarantined);
    assert!(
        rows[0]["lastError"]
            .as_str()
            .unwrap()
            .contains("not valid JSON"),
        "{rows}"
    );
    let bad = rows[0]["id"].as_i64().unwrap().to_string();
    let again = go(inbox(&["replay", &bad])).await;
    assert_exit(&again, 0);
    assert!(
        stdout(&again).contains("is quarantined"),
        "{}",
        stdout(&again)
    );

    let replayed = go(inbox(&["replay", &id.to_string()])).await;
    assert_exit(&replayed, 0);
    assert!(
        stdout(&replayed).contains("is pending"),
        "{}",
        stdout(&replayed)
    );
    let twice = go(inbox(&["replay", &id.to_string()])).await;
    assert_exit(&twice, 1);
    assert!(
        stderr(&twice).contains("no dead or quarantined delivery"),
        "{}",
        stderr(&twice)
    );
    let all = go(inbox(&["replay", "--all-dead"])).await;
    assert!(
        stdout(&all).contains("0 dead deliveries"),
        "{}",
        stdout(&all)
    );

    let purge = go(inbox(&["purge", "--older-than", "0"])).await;
    assert_exit(&purge, 0);
    assert!(stdout(&purge).contains("purged 1"), "{}", stdout(&purge));

    let bad_state = go(inbox(&["list", "--state", "lost"])).await;
    assert_exit(&bad_state, 1);
    assert!(
        stderr(&bad_state).contains("not a state"),
        "{}",
        stderr(&bad_state)
    );
    let bad_age = go(inbox(&["purge", "--older-than", "3w"])).await;
    assert_exit(&bad_age, 2);
    let no_store = run(&["inbox", "status"], &[]).await;
    assert_exit(&no_store, 1);
    assert!(
        stderr(&no_store).contains("--store"),
        "{}",
        stderr(&no_store)
    );
    let missing = format!("sqlite:{}", dir.join("absent.db").display());
    let absent = run(&["inbox", "status", "--store", &missing], &[]).await;
    assert_exit(&absent, 1);
    assert!(
        stderr(&absent).contains("no inbox there"),
        "{}",
        stderr(&absent)
    );
    assert!(
        !dir.join("absent.db").exists(),
        "status does not create an inbox"
    );
    let redis = run(
        &["inbox", "status", "--store", "redis://u:pw-secret@h"],
        &[],
    )
    .await;
    assert_exit(&redis, 1);
    assert!(!stderr(&redis).contains("pw-secret"), "{}", stderr(&redis));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A receiver `kill -9`ed twice while deliveries (each event twice, eight in flight) are arriving: after restarts
/// on the same store, every delivery that got a 200 was stored once and handled by the forward target (a counting
/// server); deliveries stored without their answer reaching the sender are handled too, nothing else is; a forward
/// runs more than once only when a kill fell between the target's answer and the completion (at most once per kill:
/// the worker forwards one delivery at a time).
#[tokio::test(flavor = "multi_thread")]
async fn a_receiver_killed_mid_stream_loses_nothing_and_processes_each_event_once() {
    use std::collections::BTreeSet;

    use meetergo_core::inbox::{Inbox, InboxOptions};

    let (target_url, seen) = counting_handler().await;

    let dir = temp_dir("inbox-crash");
    let store = format!("sqlite:{}", dir.join("inbox.db").display());
    let args = [
        "listen",
        "--port",
        "0",
        "--store",
        &store,
        "--forward-to",
        &target_url,
        "--lease",
        "2",
    ];
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let body = |n: usize| {
        format!(
            r#"{{"webhookType":"booking_created","id":"crash-{n}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","updatedAt":"2024-01-10T12:00:00Z"}}"#
        )
    };
    let mut acknowledged = BTreeSet::new();
    let mut sent = 0;
    let mut kills = 0;
    for round in 0..3 {
        let mut listener = Running::spawn(&args).await;
        let url = listener.url("listening on ").await;
        // The round's deliveries, each event twice, sent eight at a time.
        let mut posts = tokio::task::JoinSet::new();
        for n in round * 20..(round + 1) * 20 {
            for copy in 0..2 {
                let (client, url, body) = (client.clone(), url.clone(), body(n));
                posts.spawn(async move {
                    tokio::time::sleep(Duration::from_millis((n as u64 % 8) * 3 + copy * 2)).await;
                    let answer = client.post(&url).body(body).send().await;
                    (n, answer.is_ok_and(|a| a.status() == 200))
                });
                sent += 1;
            }
        }
        if round < 2 {
            // SIGKILL while deliveries are in flight: no graceful shutdown; some are answered, some not, some stored
            // without their answer reaching the sender.
            tokio::time::sleep(Duration::from_millis(12)).await;
            listener.child.start_kill().unwrap();
            let _ = listener.child.wait().await;
            kills += 1;
        }
        while let Some(done) = posts.join_next().await {
            let (n, ok) = done.unwrap();
            if ok {
                acknowledged.insert(format!("booking_created:crash-{n}:2024-01-10T12:00:00Z"));
            }
        }
        if round == 2 {
            // Let the worker drain the queue (every stored delivery completed), then stop.
            drained(&store).await;
            listener.stop().await;
        }
    }
    assert_eq!(sent, 120);
    eprintln!(
        "acknowledged {} of 60 events; {kills} kills",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() >= 20,
        "the last round is answered in full: {}",
        acknowledged.len()
    );
    let seen = seen.lock().unwrap().clone();
    let processed: BTreeSet<String> = seen.keys().cloned().collect();
    assert!(
        acknowledged.is_subset(&processed),
        "every acknowledged event was handled: missing {:?}",
        acknowledged.difference(&processed).collect::<Vec<_>>()
    );
    assert!(
        processed
            .iter()
            .all(|k| k.starts_with("booking_created:crash-")),
        "nothing else was handled: {processed:?}"
    );
    let extra: u32 = seen.values().map(|n| n - 1).sum();
    assert!(
        extra <= kills,
        "at most one repeated forward per kill: {seen:?}"
    );

    let inbox = Inbox::open(&store, InboxOptions::default()).unwrap();
    let counts = inbox.counts().unwrap();
    assert_eq!(
        (counts.done, counts.pending, counts.running, counts.dead),
        (processed.len() as u64, 0, 0, 0),
        "every stored delivery was handled: {counts:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// An inbox that cannot take more answers 503 (meetergo's log then shows a failed delivery), never a 200 for a body
/// it did not store; what it stored before is intact.
#[tokio::test(flavor = "multi_thread")]
async fn listen_with_a_full_inbox_answers_503_not_200() {
    use meetergo_core::inbox::{Inbox, InboxOptions};
    let dir = temp_dir("inbox-full");
    let store = format!("sqlite:{}", dir.join("inbox.db").display());
    let mut listener = Listener::start(
        ListenOptions::new(0)
            .store(store.clone())
            .max_store_bytes(Some(64 * 1024)),
    )
    .await
    .unwrap();
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let padding = "x".repeat(8 * 1024);
    let mut ok = 0;
    let mut refused = 0;
    for n in 0..40 {
        let body = format!(
            r#"{{"webhookType":"booking_created","id":"full-{n}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","note":"{padding}"}}"#
        );
        match client
            .post(listener.url())
            .body(body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
        {
            200 => ok += 1,
            503 => refused += 1,
            other => panic!("answered {other}"),
        }
    }
    assert!(ok >= 3 && refused > 0, "{ok} stored, {refused} refused");
    let problems = problems(&mut listener).await;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("503") && p.contains("the inbox is full")),
        "{problems:?}"
    );
    listener.shutdown().await;
    let inbox = Inbox::open(&store, InboxOptions::default()).unwrap();
    assert_eq!(
        inbox.counts().unwrap().pending,
        ok,
        "every 200 is a stored delivery"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

type Forwards = std::sync::Arc<std::sync::Mutex<std::collections::BTreeMap<String, u32>>>;

/// The handler a receiver forwards to: counts forwards per `Idempotency-Key`. Answers its URL and the counts.
async fn counting_handler() -> (String, Forwards) {
    use axum::http::HeaderMap;

    let seen: Forwards = Forwards::default();
    let app = {
        let seen = std::sync::Arc::clone(&seen);
        axum::Router::new().fallback(move |headers: HeaderMap| {
            let seen = std::sync::Arc::clone(&seen);
            async move {
                let key = headers
                    .get("idempotency-key")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("none")
                    .to_owned();
                *seen.lock().unwrap().entry(key).or_default() += 1;
                "ok"
            }
        })
    };
    let target = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/handler", target.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(target, app).await });
    (url, seen)
}

/// Waits until the inbox has nothing pending or running (its workers drained it).
async fn drained(store: &str) -> meetergo_core::inbox::Counts {
    use meetergo_core::inbox::{Inbox, InboxOptions};
    let inbox = Inbox::open(store, InboxOptions::default()).unwrap();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let c = inbox.counts().unwrap();
        if (c.pending == 0 && c.running == 0) || std::time::Instant::now() > deadline {
            return c;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Four receivers (four `meetergo listen` processes, as on four machines) share one Redis; 200 events arrive spread
/// over them, 40 of them twice, each copy at a different receiver than the first, concurrently: every event is
/// stored once and handled exactly once (by whichever receiver's worker claimed it).
#[tokio::test(flavor = "multi_thread")]
async fn four_receivers_sharing_one_redis_handle_each_event_once() {
    use meetergo_mock::services::RedisServer;

    let redis = RedisServer::start(&[]).unwrap();
    let store = format!("{}/?prefix=four", redis.url());
    let (target_url, seen) = counting_handler().await;
    let mut receivers = Vec::new();
    let mut urls = Vec::new();
    for _ in 0..4 {
        let mut receiver = Running::spawn(&[
            "listen",
            "--port",
            "0",
            "--store",
            &store,
            "--forward-to",
            &target_url,
        ])
        .await;
        urls.push(receiver.url("listening on ").await);
        receivers.push(receiver);
    }
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let mut posts = tokio::task::JoinSet::new();
    for n in 0..200usize {
        let body = format!(
            r#"{{"webhookType":"booking_created","id":"four-{n}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","updatedAt":"2024-01-10T12:00:00Z"}}"#
        );
        // Every fifth event twice: the copy goes to the next receiver, at about the same moment.
        let copies = if n % 5 == 0 { 2 } else { 1 };
        for copy in 0..copies {
            let (client, url, body) = (client.clone(), urls[(n + copy) % 4].clone(), body.clone());
            posts.spawn(async move {
                tokio::time::sleep(Duration::from_millis((n as u64 % 10) * 2)).await;
                client
                    .post(&url)
                    .body(body)
                    .send()
                    .await
                    .map(|a| a.status().as_u16())
            });
        }
    }
    let mut answers = std::collections::BTreeMap::new();
    while let Some(done) = posts.join_next().await {
        *answers.entry(done.unwrap().unwrap()).or_insert(0) += 1;
    }
    assert_eq!(
        answers,
        [(200u16, 240)].into(),
        "every delivery acknowledged"
    );
    let counts = drained(&store).await;
    assert_eq!(
        (
            counts.done,
            counts.duplicates,
            counts.pending,
            counts.running,
            counts.dead
        ),
        (200, 40, 0, 0, 0),
        "{counts:?}"
    );
    for receiver in receivers {
        receiver.stop().await;
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 200, "every event handled");
    assert!(
        seen.values().all(|n| *n == 1),
        "an event was handled twice: {:?}",
        seen.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
    );
}

/// A receiver whose Redis goes away answers 503 (meetergo's log shows a failed delivery), never 200 without
/// storing; when Redis is back, it stores again without a restart, and what it acknowledged before is kept.
#[tokio::test(flavor = "multi_thread")]
async fn listen_with_a_lost_redis_answers_503_and_recovers() {
    use meetergo_core::inbox::{Inbox, InboxOptions};
    use meetergo_mock::services::RedisServer;

    let mut redis = RedisServer::start(&[]).unwrap();
    let store = format!("{}/?prefix=lost", redis.url());
    let mut listener = Listener::start(ListenOptions::new(0).store(store.clone()))
        .await
        .unwrap();
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let url = listener.url().to_owned();
    let post = |n: u32| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = format!(
                r#"{{"webhookType":"booking_created","id":"lost-{n}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z"}}"#
            );
            client
                .post(&url)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(post(1).await, 200);
    redis.stop();
    assert_eq!(post(2).await, 503);
    let problems = problems(&mut listener).await;
    assert!(
        problems
            .iter()
            .any(|p| p.contains("503") && p.contains("redis at 127.0.0.1")),
        "{problems:?}"
    );
    redis.restart(&[]).unwrap();
    assert_eq!(post(2).await, 200);
    assert_eq!(
        post(1).await,
        200,
        "a redelivery of what was stored before Redis went away"
    );
    listener.shutdown().await;
    let counts = Inbox::open(&store, InboxOptions::default())
        .unwrap()
        .counts()
        .unwrap();
    assert_eq!((counts.pending, counts.duplicates), (2, 1), "{counts:?}");
}

/// `--exec` as the inbox's handler: the command gets the body on stdin and the key, attempt, id and type in its
/// environment; a non-zero exit is a failed attempt (retried, its stderr kept as the error); each event handled once
/// although delivered twice.
#[tokio::test(flavor = "multi_thread")]
async fn listen_exec_runs_the_command_once_per_event_and_retries_a_failure() {
    use meetergo_core::inbox::{Inbox, InboxOptions};

    let dir = temp_dir("inbox-exec");
    let store = format!("sqlite:{}", dir.join("inbox.db").display());
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let command = format!(
        r#"cat > "{out}/$MEETERGO_DELIVERY_ID-$MEETERGO_ATTEMPT.json"
echo "$MEETERGO_WEBHOOK_TYPE $MEETERGO_ATTEMPT $MEETERGO_IDEMPOTENCY_KEY" >> "{out}/log"
if [ "$MEETERGO_WEBHOOK_TYPE" = booking_cancelled ] && [ "$MEETERGO_ATTEMPT" = 1 ]; then
  echo "the first attempt fails" >&2; exit 3
fi"#,
        out = out.display()
    );
    let mut listener = Listener::start(ListenOptions::new(0).store(store.clone()).exec(command))
        .await
        .unwrap();
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let created = std::fs::read(fixture("booking_created_full.json")).unwrap();
    let cancelled = std::fs::read(fixture("booking_cancelled.json")).unwrap();
    for body in [&created, &created, &cancelled] {
        let status = client
            .post(listener.url())
            .body(body.clone())
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
    }
    let mut failures = Vec::new();
    let mut handled = 0;
    let deadline = tokio::time::Instant::now() + WAIT;
    while handled < 2 {
        match tokio::time::timeout_at(deadline, listener.next()).await {
            Ok(Some(meetergo_cli::listen::Notice::Executed { error: None, .. })) => handled += 1,
            Ok(Some(meetergo_cli::listen::Notice::Executed { error: Some(e), .. })) => {
                failures.push(e);
            }
            Ok(Some(_)) => {}
            other => panic!("no notice in time: {other:?} (failures {failures:?})"),
        }
    }
    listener.shutdown().await;
    assert_eq!(
        failures,
        ["the command exited with 3: the first attempt fails"]
    );
    let log = std::fs::read_to_string(out.join("log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert!(
        lines[0].starts_with("booking_created 1 booking_created:"),
        "{log}"
    );
    assert!(
        lines[1].starts_with("booking_cancelled 1 booking_cancelled:"),
        "{log}"
    );
    assert!(
        lines[2].starts_with("booking_cancelled 2 booking_cancelled:"),
        "{log}"
    );
    // The command read the body exactly as received.
    assert_eq!(std::fs::read(out.join("1-1.json")).unwrap(), created);
    assert_eq!(std::fs::read(out.join("2-2.json")).unwrap(), cancelled);
    let counts = Inbox::open(&store, InboxOptions::default())
        .unwrap()
        .counts()
        .unwrap();
    assert_eq!((counts.done, counts.duplicates), (2, 1), "{counts:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--exec` under hostile commands: one that floods stderr before reading its input fails at once (no pipe
/// deadlock) with only the end of its stderr kept; one that leaves a background process holding stderr completes at
/// once; one that echoes the body and the environment leaks neither the booking secret nor the CLI's API key; one
/// that outlives the lease is killed with everything it started.
#[tokio::test(flavor = "multi_thread")]
async fn listen_exec_survives_hostile_commands() {
    let dir = temp_dir("inbox-exec-hostile");
    let store = format!("sqlite:{}", dir.join("inbox.db").display());
    let marker = dir.join("still-running");
    let script = format!(
        r#"case "$MEETERGO_DELIVERY_ID" in
  1) head -c 300000 /dev/zero | tr '\0' x >&2; cat > /dev/null; echo " the end" >&2; exit 1 ;;
  2) (sleep 30; echo late >&2) & exit 0 ;;
  3) echo "key=$MEETERGO_API_KEY" >&2; cat >&2; exit 1 ;;
  *) (sleep 30; touch "{marker}") & sleep 30 ;;
esac"#,
        marker = marker.display()
    );
    let mut child = command(&[
        "listen", "--port", "0", "--store", &store, "--exec", &script, "--lease", "2",
    ])
    .env("MEETERGO_API_KEY", "rgo-must-not-reach-the-handler")
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut listener = Running {
        lines: BufReader::new(child.stdout.take().unwrap()).lines(),
        child,
    };
    let url = listener.url("listening on ").await;
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let started = std::time::Instant::now();
    for n in 1..=4 {
        let body = format!(
            r#"{{"webhookType":"booking_created","id":"hostile-{n}","start":"2024-01-15T09:00:00Z","end":"2024-01-15T09:30:00Z","secret":"sec_hostile_{n}"}}"#
        );
        let status = client.post(&url).body(body).send().await.unwrap().status();
        assert_eq!(status, 200);
    }
    let mut outcome = std::collections::BTreeMap::new();
    while outcome.len() < 4 {
        let line = listener.line().await;
        for n in 1..=4 {
            if line.starts_with(&format!("delivery {n}")) {
                outcome.entry(n).or_insert(line.clone());
            }
        }
    }
    let elapsed = started.elapsed();
    listener.stop().await;
    assert!(
        outcome[&1].contains("exited with 1") && outcome[&1].ends_with("xxx the end"),
        "{}",
        outcome[&1]
    );
    assert!(
        outcome[&1].len() < 2200,
        "only the end of stderr: {} bytes",
        outcome[&1].len()
    );
    assert!(outcome[&2].contains("handled by --exec"), "{}", outcome[&2]);
    assert!(outcome[&3].contains("exited with 1"), "{}", outcome[&3]);
    assert!(outcome[&3].contains("[redacted]"), "{}", outcome[&3]);
    assert!(!outcome[&3].contains("sec_hostile_3"), "{}", outcome[&3]);
    assert!(!outcome[&3].contains("rgo-must-not"), "{}", outcome[&3]);
    assert!(
        outcome[&4].contains("ran past the lease"),
        "{}",
        outcome[&4]
    );
    assert!(
        elapsed < Duration::from_secs(15),
        "nothing waited for a background process: {elapsed:?}"
    );
    // The killed command's background process went with it: nothing whose command line names the marker is left
    // (the listener, which also names it, is stopped).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let left = std::process::Command::new("pgrep")
        .args(["-f", &marker.display().to_string()])
        .output()
        .unwrap();
    assert!(
        left.stdout.is_empty(),
        "still running: {}",
        String::from_utf8_lossy(&left.stdout)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The problems a listener reported, until it is quiet for 200 ms.
async fn problems(listener: &mut Listener) -> Vec<String> {
    let mut problems = Vec::new();
    while let Ok(Some(notice)) =
        tokio::time::timeout(Duration::from_millis(200), listener.next()).await
    {
        if let meetergo_cli::listen::Notice::Problem(p) = notice {
            problems.push(p);
        }
    }
    problems
}

/// Sends raw bytes to `addr` and returns the beginning of the answer.
async fn raw_answer(addr: std::net::SocketAddr, request: &[u8]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut answer = vec![0u8; 64];
    let n = tokio::time::timeout(WAIT, stream.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

/// Asserts that the listener reported a problem containing `needle`.
async fn assert_problem(listener: &mut Listener, needle: &str) {
    let problems = problems(listener).await;
    assert!(problems.iter().any(|p| p.contains(needle)), "{problems:?}");
}

/// A body that cannot be read is a bad request (400), not a large one: a malformed chunk size used to answer 413
/// ("larger than 4194304 bytes"). A body over the limit still answers 413.
#[tokio::test(flavor = "multi_thread")]
async fn listen_answers_400_for_a_malformed_chunk_and_413_for_a_large_body() {
    let mut listener = Listener::start(ListenOptions::new(0)).await.unwrap();
    let raw = |request: &'static [u8]| raw_answer(listener.addr(), request);
    let malformed = raw(
        b"POST /hooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
    )
    .await;
    assert!(malformed.starts_with("HTTP/1.1 400"), "{malformed}");
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let large = client
        .post(listener.url())
        .body(vec![b' '; 5 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(large.status(), 413);
    assert_problem(&mut listener, "could not be read (400)").await;
    listener.shutdown().await;
}

/// A listener whose notices nobody takes holds at most its byte budget, then answers 503 (with `Retry-After`), so
/// that meetergo's log shows a failure instead of a 200 for a body it would drop; once the notices are taken it
/// answers 200 again.
#[tokio::test(flavor = "multi_thread")]
async fn listen_holds_at_most_its_byte_budget_then_answers_503() {
    let mut listener = Listener::start(ListenOptions::new(0).max_held_bytes(10 * 1024 * 1024))
        .await
        .unwrap();
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let body = vec![b' '; 3 * 1024 * 1024];
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let answer = client
            .post(listener.url())
            .body(body.clone())
            .send()
            .await
            .unwrap();
        if answer.status() == 503 {
            assert_eq!(answer.headers()["retry-after"], "1");
        }
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 200, 503]);
    // Taking the notices gives their room back.
    let mut taken = 0;
    while let Ok(Some(notice)) =
        tokio::time::timeout(Duration::from_millis(200), listener.next()).await
    {
        match notice {
            meetergo_cli::listen::Notice::Delivery(_) => taken += 1,
            meetergo_cli::listen::Notice::Problem(p) => {
                assert!(p.contains("is its output being read?"), "{p}");
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(taken, 3);
    let answer = client
        .post(listener.url())
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    listener.shutdown().await;
}

/// A client that sends its whole body before it reads the answer gets the 503, not a reset connection: a refused
/// body is read and dropped before the answer (seen with `make load`: 235 resets where 503s were expected).
#[tokio::test(flavor = "multi_thread")]
async fn a_body_refused_for_want_of_room_is_answered_not_reset() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = Listener::start(ListenOptions::new(0).max_held_bytes(10 * 1024 * 1024))
        .await
        .unwrap();
    let url = listener.url();
    // Three bodies held (nobody takes the notices) leave no room for a fourth.
    let body = vec![b' '; 3 * 1024 * 1024];
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    for _ in 0..3 {
        let answer = client.post(&url).body(body.clone()).send().await.unwrap();
        assert_eq!(answer.status(), 200);
    }
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The body comes after the listener has given up waiting for room (a second): a slow sender.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stream
        .write_all(&body)
        .await
        .expect("the listener stopped reading the body (a reset)");
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut answer))
        .await
        .expect("no answer")
        .expect("the connection was reset instead of answered");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("retry-after: 1"),
        "{answer}"
    );
    listener.shutdown().await;
}

/// `meetergo listen | (nobody reads)`: once its standard output is full, the process stops taking bodies (503)
/// instead of growing without bound (1 GB after 250 posts of 4 MiB before), and it still answers `GET /`.
#[tokio::test(flavor = "multi_thread")]
async fn listen_with_unread_output_refuses_instead_of_growing() {
    let mut listener = Running::spawn(&["listen", "--port", "0"]).await;
    let url = listener.url("listening on ").await;
    let pid = listener.child.id().unwrap();
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    // Fill the pipe with lines nobody reads.
    let mut refused = 0;
    for _ in 0..3000 {
        let status = client.post(&url).body("{}").send().await.unwrap().status();
        if status == 503 {
            refused += 1;
            break;
        }
    }
    let big = vec![b' '; 4 * 1024 * 1024];
    for _ in 0..20 {
        let status = client
            .post(&url)
            .body(big.clone())
            .send()
            .await
            .unwrap()
            .status();
        assert!(status == 200 || status == 503, "{status}");
        if status == 503 {
            refused += 1;
        }
    }
    assert!(refused >= 3, "only {refused} refusals");
    let rss_kib: u64 = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    assert!(rss_kib < 200 * 1024, "RSS {rss_kib} KiB");
    let alive = client.get(&url).send().await.unwrap();
    assert_eq!(alive.status(), 200);
    // Reading the output again lets deliveries in.
    let reader = tokio::spawn(async move {
        while let Ok(Some(_)) = listener.lines.next_line().await {}
        listener
    });
    let mut accepted = false;
    for _ in 0..50 {
        if client.post(&url).body("{}").send().await.unwrap().status() == 200 {
            accepted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(accepted, "still refusing once the output is read");
    reader.abort();
}

/// A body that stops short is answered 408 after the body timeout, and the listener says why.
#[tokio::test(flavor = "multi_thread")]
async fn listen_answers_408_for_a_body_that_stops_short() {
    let limits = meetergo_mock::serve::Limits::default().body_timeout(Duration::from_millis(500));
    let mut listener = Listener::start(ListenOptions::new(0).limits(limits))
        .await
        .unwrap();
    let answer = raw_answer(
        listener.addr(),
        b"POST /hooks HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id\":",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert_problem(&mut listener, "did not arrive in time (408)").await;
    listener.shutdown().await;
}

/// `webhooks create --secret-path` appends a fresh secret to the endpoint and prints it once; lists show it masked;
/// `listen` with MEETERGO_PATH_SECRET answers 404 to any path without it (before reading the body) and never prints
/// it.
#[tokio::test(flavor = "multi_thread")]
async fn secret_paths_are_made_once_checked_by_listen_and_never_printed() {
    let mock = mock().await;
    let created = webhooks(
        &mock,
        &[
            "create",
            "--endpoint",
            "https://example.com/webhooks/meetergo?tenant=7",
            "--event-type",
            "booking_created",
            "--secret-path",
            "--json",
        ],
    )
    .await;
    assert_exit(&created, 0);
    let hook = json(&created);
    let secret = hook["pathSecret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("mps_") && secret.len() == 47, "{secret}");
    assert_eq!(
        hook["endpoint"],
        format!("https://example.com/webhooks/meetergo/{secret}?tenant=7")
    );
    let other = webhooks(
        &mock,
        &[
            "create",
            "--endpoint",
            "https://example.com/b",
            "--event-type",
            "booking_created",
            "--secret-path",
        ],
    )
    .await;
    assert_exit(&other, 0);
    let text = stdout(&other);
    assert!(text.contains("path secret: mps_"), "{text}");
    assert_eq!(text.matches("mps_").count(), 1, "{text}");
    assert!(text.contains("https://example.com/b/[redacted]"), "{text}");
    let listed = webhooks(&mock, &["list"]).await;
    let listed = stdout(&listed);
    assert!(!listed.contains("mps_"), "{listed}");
    assert_eq!(listed.matches("[redacted]").count(), 2, "{listed}");
    // A malformed secret is refused without being echoed.
    let bad = run(
        &["listen", "--port", "0"],
        &[("MEETERGO_PATH_SECRET", "mps_tooshort")],
    )
    .await;
    assert_exit(&bad, 1);
    assert!(!stderr(&bad).contains("tooshort"), "{}", stderr(&bad));
    assert!(
        stderr(&bad).contains("MEETERGO_PATH_SECRET"),
        "{}",
        stderr(&bad)
    );

    let mut child = command(&["listen", "--port", "0"])
        .env("MEETERGO_PATH_SECRET", &secret)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut listener = Running { child, lines };
    let url = listener.url("listening on ").await;
    let client = meetergo_cli::trigger::delivery_client(Duration::from_secs(10)).unwrap();
    let body = std::fs::read(fixture("booking_created_full.json")).unwrap();
    let good = format!("{url}/webhooks/meetergo/{secret}");
    for (target, status) in [
        (format!("{url}/webhooks/meetergo"), 404),
        (format!("{url}/webhooks/meetergo/{}", &secret[..46]), 404),
        (format!("{url}/webhooks/meetergo/{secret}x"), 404),
        (good.clone(), 200),
    ] {
        let answer = client
            .post(&target)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), status, "{target}");
    }
    let o = run(&["trigger", "booking_created", "--to", &good], &[]).await;
    assert_exit(&o, 0);
    assert!(!stdout(&o).contains(&secret), "{}", stdout(&o));
    let seen = listener.until("#2 ").await;
    let seen = seen.join("\n");
    assert!(!seen.contains(&secret[4..]), "{seen}");
    assert!(
        seen.contains("does not hold the path secret (404)"),
        "{seen}"
    );
    listener.stop().await;
}

#[tokio::test]
async fn completions_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _meetergo"),
        ("zsh", "#compdef meetergo"),
        ("fish", "complete -c meetergo"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[meetergo]"),
    ] {
        let o = run(&["completions", shell], &[]).await;
        assert_exit(&o, 0);
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}: {script}");
        // Subcommands and their flags are completed.
        assert!(
            script.contains("webhooks") && script.contains("--secret-path"),
            "{shell}"
        );
    }
    assert_exit(&run(&["completions", "tcsh"], &[]).await, 2);
}

#[tokio::test]
async fn colour_only_on_terminals_or_when_forced_and_never_with_no_color() {
    // Not a terminal: plain text.
    let plain = run(&["webhooks", "list", "--api-key", "has space"], &[]).await;
    assert_exit(&plain, 1);
    assert!(
        stderr(&plain).starts_with("error: invalid --api-key"),
        "{}",
        stderr(&plain)
    );
    // Forced (CLICOLOR_FORCE): the prefixes are coloured ...
    let forced = run(
        &["webhooks", "list", "--api-key", "has space"],
        &[("CLICOLOR_FORCE", "1")],
    )
    .await;
    assert!(
        stderr(&forced).starts_with("\u{1b}[1;31merror:\u{1b}[0m invalid --api-key"),
        "{:?}",
        stderr(&forced)
    );
    // ... unless NO_COLOR is set (no-color.org), which always wins.
    let none = run(
        &["webhooks", "list", "--api-key", "has space"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    )
    .await;
    assert!(!stderr(&none).contains('\u{1b}'), "{:?}", stderr(&none));
}

#[tokio::test]
async fn json_output_of_trigger_replay_and_listen() {
    let dir = temp_dir("json");
    let log = dir.join("deliveries.jsonl");
    let mut listener = Running::spawn(&[
        "listen",
        "--port",
        "0",
        "--json",
        "--log",
        log.to_str().unwrap(),
    ])
    .await;
    let first: Value =
        serde_json::from_str(&listener.line().await).expect("listen --json starts with JSON");
    assert_eq!(first["type"], "listening");
    let url = first["url"].as_str().unwrap().to_owned();
    let target = format!("{url}/webhooks/meetergo");

    let o = run(
        &[
            "trigger",
            "booking_created",
            "--to",
            &target,
            "--repeat",
            "2",
            "--json",
        ],
        &[],
    )
    .await;
    assert_exit(&o, 0);
    let sent = json(&o);
    assert_eq!(sent["eventType"], "booking_created");
    let attempts = sent["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert!(
        attempts
            .iter()
            .all(|a| a["status"] == 200 && a["ok"] == true && a["ms"].is_number())
    );
    assert!(
        !stdout(&o).contains("sec_"),
        "the booking secret was printed"
    );

    let mut deliveries = Vec::new();
    while deliveries.len() < 2 {
        let line: Value =
            serde_json::from_str(&listener.line().await).expect("one JSON object a line");
        if line["type"] == "delivery" {
            deliveries.push(line);
        }
    }
    assert_eq!(deliveries[0]["webhookType"], "booking_created");
    assert_eq!(deliveries[0]["duplicate"], false);
    assert_eq!(deliveries[1]["duplicate"], true);
    assert_eq!(
        deliveries[0]["idempotencyKey"],
        deliveries[1]["idempotencyKey"]
    );
    listener.stop().await;

    let o = run(
        &["replay", log.to_str().unwrap(), "--to", &target, "--json"],
        &[],
    )
    .await;
    // Nobody listens any more: each request fails, and the JSON says so.
    assert_exit(&o, 1);
    let replayed = json(&o);
    let requests = replayed["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|r| r["status"].is_null() && r["ok"] == false && r["error"].is_string())
    );
    assert_eq!(requests[0]["seq"], 1);
}
