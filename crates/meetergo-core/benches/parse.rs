//! Delivery parsing throughput: `Event::from_slice` next to generic JSON decoders on the same bytes.
//!
//! `cargo bench -p meetergo-core --bench parse` (criterion prints time and MB/s per payload); the `to_json` group
//! times the normalized JSON the JavaScript runtimes are handed (`-- to_json` runs it alone).
//! Payloads: the documented `booking_created` delivery and the ~100 KB one (hundreds of attendees, large metadata),
//! both from the shared fixture corpus in `tests/fixtures/deliveries/`.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use meetergo_core::Event;

mod common;
use common::{HandWritten, PAYLOADS, fixture};

fn parsing(c: &mut Criterion) {
    let payloads = PAYLOADS.map(|(name, file)| (name, fixture(file)));
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

/// The normalized JSON that Node and browsers build their event objects from (`Event::to_json`, for a parsed event
/// whose idempotency key is already known).
fn writing(c: &mut Criterion) {
    let mut group = c.benchmark_group("to_json");
    for (name, file) in PAYLOADS {
        let event = Event::from_slice(&fixture(file)).expect("fixture parses");
        let _ = event.idempotency_key();
        group.throughput(Throughput::Bytes(event.to_json().len() as u64));
        group.bench_function(name, |b| b.iter(|| black_box(&event).to_json()));
    }
    group.finish();
}

criterion_group!(benches, parsing, writing);
criterion_main!(benches);
