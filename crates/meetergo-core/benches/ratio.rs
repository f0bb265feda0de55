//! Parsing speed ratios that survive a noisy machine: the contenders run interleaved, round after round, and each
//! keeps its best round. Every contender parses the body and reads `id`, `start`, `attendees[0].email`,
//! `hosts[0].givenName` and `meetingType.meetingInfo.name` (the workload of `docs/benchmarks.md`). Prints µs per
//! parse, MB/s and the ratio to sonic-rs into hand-written structs (the peer to beat); the last two rows only check
//! the JSON syntax (what a reader that builds nothing until read could not go below). `--bench memory` gives the
//! peak heap memory of one parse.
//!
//! `cargo bench -p meetergo-core --bench ratio` (criterion's `--bench parse` gives the full statistics).

use std::hint::black_box;

use meetergo_core::{Event, LazyEvent};

mod common;
use common::{HandWritten, PAYLOADS, event_reads, fixture, hand_reads, lazy_reads};

type Contender = (&'static str, fn(&[u8]) -> usize);

const CONTENDERS: [Contender; 8] = [
    ("meetergo Event::from_slice", |b| {
        event_reads(&Event::from_slice(b).expect("parses"))
    }),
    // The engine behind the Python binding: checked at parse, each field decoded when read.
    ("meetergo LazyEvent (views)", |b| {
        lazy_reads(&LazyEvent::from_slice(b).expect("parses"))
    }),
    ("meetergo reference reader", |b| {
        let text = std::str::from_utf8(b).expect("UTF-8");
        event_reads(&Event::__reference(text).expect("parses"))
    }),
    ("serde_json -> hand-written", |b| {
        hand_reads(&serde_json::from_slice::<HandWritten>(b).expect("parses"))
    }),
    ("sonic-rs -> Value", |b| {
        let v = sonic_rs::from_slice::<sonic_rs::Value>(b).expect("parses");
        black_box(&v);
        0
    }),
    ("sonic-rs -> hand-written", |b| {
        hand_reads(&sonic_rs::from_slice::<HandWritten>(b).expect("parses"))
    }),
    // Floors of a reader that checks without building (a tape decoded on access): the JSON syntax alone, no typed
    // check, nothing kept, no reads.
    ("serde_json syntax only", |b| {
        serde_json::from_slice::<serde::de::IgnoredAny>(b).expect("parses");
        0
    }),
    ("sonic-rs syntax only", |b| {
        sonic_rs::from_slice::<serde::de::IgnoredAny>(b).expect("parses");
        0
    }),
];

/// The index of the peer to beat in [`CONTENDERS`].
const PEER: usize = 5;

fn main() {
    for (_, file) in PAYLOADS {
        let (name, body) = (file, fixture(file));
        let (rounds, per_round) = common::rounds(&body);
        let runs: Vec<common::Run<'_>> = CONTENDERS.iter().map(|(_, run)| run as _).collect();
        let best = common::interleaved(&body, &runs);
        println!(
            "\n{name} ({} bytes), parse + 5 reads, best of {rounds} interleaved rounds of {per_round}:",
            body.len()
        );
        println!(
            "  {:<28} {:>10} {:>10} {:>22}",
            "contender", "µs/parse", "MB/s", "vs sonic-rs typed"
        );
        for (i, (label, _)) in CONTENDERS.iter().enumerate() {
            let secs = best[i].as_secs_f64();
            println!(
                "  {label:<28} {:>10.2} {:>10.0} {:>21.2}x",
                secs * 1e6,
                body.len() as f64 / secs / 1e6,
                best[PEER].as_secs_f64() / secs,
            );
        }
    }
}
