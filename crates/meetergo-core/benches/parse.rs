//! Delivery parsing throughput: `Event::from_slice` next to generic JSON decoders on the same bytes.
//!
//! `cargo bench -p meetergo-core --bench parse` (criterion prints time and MB/s per payload).
//! Payloads: the documented `booking_created` delivery and the ~100 KB one (hundreds of attendees, large metadata),
//! both from the shared fixture corpus in `tests/fixtures/deliveries/`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use meetergo_core::Event;
use serde::Deserialize;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/deliveries")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// What a user would write by hand with serde derive: owned structs for the fields they read, unknown fields
/// dropped, times as strings. The contender the performance notes call "owned typed structs".
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandWritten {
    webhook_type: String,
    id: String,
    start: String,
    end: String,
    #[serde(default)]
    attendees: Vec<HandAttendee>,
    #[serde(default)]
    hosts: Vec<HandHost>,
    meeting_type: Option<HandMeetingType>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandAttendee {
    email: Option<String>,
    firstname: Option<String>,
    lastname: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandHost {
    email: Option<String>,
    given_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct HandMeetingType {
    id: Option<String>,
    meeting_info: Option<HandInfo>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct HandInfo {
    name: Option<String>,
}

fn parsing(c: &mut Criterion) {
    let payloads = [
        ("booking_1kb", fixture("booking_created_full.json")),
        ("booking_100kb", fixture("booking_large.json")),
    ];
    let mut group = c.benchmark_group("parse");
    for (name, body) in &payloads {
        // Sanity: every contender reads the same body.
        let event = Event::from_slice(body).expect("fixture parses");
        assert!(event.booking().is_some());
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("meetergo_event", name), body, |b, body| {
            b.iter(|| Event::from_slice(black_box(body)).expect("parses"));
        });
        group.bench_with_input(
            BenchmarkId::new("serde_json_value", name),
            body,
            |b, body| {
                b.iter(|| {
                    serde_json::from_slice::<serde_json::Value>(black_box(body)).expect("parses")
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("serde_json_handwritten", name),
            body,
            |b, body| {
                b.iter(|| serde_json::from_slice::<HandWritten>(black_box(body)).expect("parses"));
            },
        );
        group.bench_with_input(BenchmarkId::new("sonic_rs_value", name), body, |b, body| {
            b.iter(|| sonic_rs::from_slice::<sonic_rs::Value>(black_box(body)).expect("parses"));
        });
        group.bench_with_input(
            BenchmarkId::new("sonic_rs_handwritten", name),
            body,
            |b, body| {
                b.iter(|| sonic_rs::from_slice::<HandWritten>(black_box(body)).expect("parses"));
            },
        );
    }
    group.finish();
}

criterion_group!(benches, parsing);
criterion_main!(benches);
