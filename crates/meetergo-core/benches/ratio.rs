//! Parsing speed ratios that survive a noisy machine: the contenders run interleaved, round after round, and each
//! keeps its best round. Prints a table of µs per parse, MB/s and the ratio to sonic-rs.
//!
//! `cargo bench -p meetergo-core --bench ratio` (criterion's `--bench parse` gives the full statistics).

use std::hint::black_box;
use std::time::{Duration, Instant};

use meetergo_core::Event;

mod common;
use common::{HandWritten, PAYLOADS, fixture};

type Contender = (&'static str, fn(&[u8]));

const CONTENDERS: [Contender; 5] = [
    ("meetergo Event::from_slice", |b| {
        black_box(Event::from_slice(b).expect("parses"));
    }),
    ("serde_json -> Value", |b| {
        black_box(serde_json::from_slice::<serde_json::Value>(b).expect("parses"));
    }),
    ("serde_json -> hand-written", |b| {
        black_box(serde_json::from_slice::<HandWritten>(b).expect("parses"));
    }),
    ("sonic-rs -> Value", |b| {
        black_box(sonic_rs::from_slice::<sonic_rs::Value>(b).expect("parses"));
    }),
    ("sonic-rs -> hand-written", |b| {
        black_box(sonic_rs::from_slice::<HandWritten>(b).expect("parses"));
    }),
];

fn main() {
    // `cargo test --all-targets` runs benches once without `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 2 } else { 40 };
    for (_, file) in PAYLOADS {
        let (name, body) = (file, fixture(file));
        let per_round = if quick {
            10
        } else {
            (2_000_000 / body.len()).clamp(20, 2000)
        };
        let mut best = [Duration::MAX; CONTENDERS.len()];
        for _ in 0..rounds {
            for (i, (_, run)) in CONTENDERS.iter().enumerate() {
                let started = Instant::now();
                for _ in 0..per_round {
                    run(black_box(&body));
                }
                best[i] =
                    best[i].min(started.elapsed() / u32::try_from(per_round).unwrap_or(u32::MAX));
            }
        }
        println!(
            "\n{name} ({} bytes), best of {rounds} interleaved rounds of {per_round}:",
            body.len()
        );
        println!(
            "  {:<28} {:>10} {:>10} {:>16} {:>18}",
            "contender", "µs/parse", "MB/s", "vs sonic Value", "vs sonic typed"
        );
        for (i, (label, _)) in CONTENDERS.iter().enumerate() {
            let secs = best[i].as_secs_f64();
            println!(
                "  {label:<28} {:>10.2} {:>10.0} {:>15.2}x {:>17.2}x",
                secs * 1e6,
                body.len() as f64 / secs / 1e6,
                best[3].as_secs_f64() / secs,
                best[4].as_secs_f64() / secs,
            );
        }
    }
}
