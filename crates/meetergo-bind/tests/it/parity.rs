//! One model in every runtime: `tests/fixtures/parity.json` gives, for every delivery of the shared corpus and for
//! cases of its own (lenient fields, absent against `null`, ids as numbers, escapes, every payload error kind), the
//! exact normalized JSON of the event (`Event::to_json`) or the exact error report. This test holds the core to it;
//! `python/tests/test_parity.py` (`to_dict()`) and `node/test/parity.js` (the napi addon and the WebAssembly build)
//! hold the other runtimes to the same file, value for value.
//!
//! A new case is written with its `name` and `file` or `body` only; `MEETERGO_BLESS_PARITY=1 cargo test -p
//! meetergo-bind --features http parity` fills in what the core gives, to be reviewed in the diff like any code.

use std::collections::BTreeSet;

use meetergo_bind::report::ErrorReport;
use meetergo_core::{Event, ParseOptions};
use serde_json::{Map, Value};

fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

/// The body of a case: a file of `deliveries/` (bytes) or an inline `body` (its UTF-8).
fn body(case: &Map<String, Value>) -> Vec<u8> {
    match (case.get("file"), case.get("body")) {
        (Some(Value::String(file)), None) => {
            std::fs::read(fixtures_dir().join("deliveries").join(file)).expect("fixture file")
        }
        (None, Some(Value::String(body))) => body.as_bytes().to_vec(),
        _ => panic!("{case:?}: a case has a `file` or a `body`"),
    }
}

/// `("event", normalized JSON)` or `("error", report)`.
fn outcome(case: &Map<String, Value>) -> (&'static str, Value) {
    let mut options = ParseOptions::default();
    if let Some(limit) = case.get("maxBodyBytes") {
        let limit = usize::try_from(limit.as_u64().expect("maxBodyBytes")).expect("a usize");
        options = options.max_body_bytes(limit);
    }
    match Event::from_slice_with(&body(case), &options) {
        Ok(event) => {
            let json: Value = serde_json::from_str(&event.to_json()).expect("to_json is JSON");
            ("event", json)
        }
        Err(e) => (
            "error",
            serde_json::to_value(ErrorReport::from(&meetergo_core::Error::from(e)))
                .expect("report"),
        ),
    }
}

/// The keys of a case, in the order the file writes them.
const KEYS: [&str; 6] = ["name", "file", "body", "maxBodyBytes", "event", "error"];

#[test]
fn every_case_gives_the_recorded_event_or_error() {
    let path = fixtures_dir().join("parity.json");
    let text = std::fs::read_to_string(&path).expect("parity.json");
    let cases: Vec<Map<String, Value>> = serde_json::from_str(&text).expect("a list of cases");
    let bless = std::env::var_os("MEETERGO_BLESS_PARITY").is_some();
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    let mut blessed = Vec::new();
    for mut case in cases {
        let name = case["name"].as_str().expect("name").to_owned();
        assert!(names.insert(name.clone()), "{name}: names are unique");
        for key in case.keys() {
            assert!(KEYS.contains(&key.as_str()), "{name}: unknown key {key}");
        }
        let (kind, actual) = outcome(&case);
        if bless {
            case.remove("event");
            case.remove("error");
            case.insert(kind.into(), actual);
        } else {
            let other = if kind == "event" { "error" } else { "event" };
            match (case.get(kind), case.get(other)) {
                (Some(wanted), None) if *wanted == actual => {}
                (wanted, _) => failures.push(format!(
                    "{name}: gives {kind} {actual}\n  recorded: {}",
                    wanted.map_or_else(
                        || format!("{other} {:?}", case.get(other)),
                        Value::to_string
                    )
                )),
            }
        }
        blessed.push(case);
    }
    if bless {
        // One case a line, its keys in a fixed order (the name first), so that a diff shows what changed.
        let lines: Vec<String> = blessed
            .iter()
            .map(|case| {
                let fields: Vec<String> = KEYS
                    .iter()
                    .filter_map(|k| case.get(*k).map(|v| format!("\"{k}\": {v}")))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            })
            .collect();
        std::fs::write(&path, format!("[\n{}\n]\n", lines.join(",\n"))).expect("write");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ (MEETERGO_BLESS_PARITY=1 rewrites them):\n{}",
        failures.len(),
        blessed.len(),
        failures.join("\n")
    );
}

/// Every delivery of the corpus (`deliveries.json`) is a parity case under the same name, with the same body limit.
#[test]
fn the_corpus_is_part_of_the_parity_suite() {
    let read = |file: &str| -> Vec<Map<String, Value>> {
        serde_json::from_str(&std::fs::read_to_string(fixtures_dir().join(file)).expect(file))
            .expect(file)
    };
    let parity = read("parity.json");
    for c in read("deliveries.json") {
        let name = &c["name"];
        let found = parity
            .iter()
            .find(|p| p["name"] == *name)
            .unwrap_or_else(|| panic!("corpus case {name} is not in parity.json"));
        assert_eq!(found.get("file"), c.get("file"), "{name}");
        assert_eq!(found.get("maxBodyBytes"), c.get("maxBodyBytes"), "{name}");
        assert_eq!(
            found.contains_key("event"),
            c["expect"]["ok"] == Value::Bool(true),
            "{name}: parity and the corpus agree on ok"
        );
    }
}
