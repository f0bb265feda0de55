//! Peak heap memory of one `Event::from_slice` per payload, against the body's size (the target: no more than 3×
//! for the 100 KB body), and of one `LazyEvent::from_slice` (Python's reader: the body and its tape). Each
//! measurement runs in a process of its own, so that one measurement's peak does not hide another's.
//!
//! `cargo bench -p meetergo-core --bench memory`

use std::process::Command;

use meetergo_core::{Event, LazyEvent};

mod common;
use common::{PAYLOADS, fixture};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip_while(|a| a != "--measure")
        .skip(1)
        .collect();
    if let [reader, file] = &args[..] {
        let body = fixture(file);
        let _profiler = dhat::Profiler::builder().testing().build();
        // Each reader's result on the stack, so that only the heap it uses is counted.
        let (before, after) = if reader == "lazy" {
            let before = dhat::HeapStats::get();
            let event = LazyEvent::from_slice(&body).expect("parses");
            let after = dhat::HeapStats::get();
            drop(event);
            (before, after)
        } else {
            let before = dhat::HeapStats::get();
            let event = Event::from_slice(&body).expect("parses");
            let after = dhat::HeapStats::get();
            drop(event);
            (before, after)
        };
        let (peak, held) = (
            after.max_bytes - before.curr_bytes,
            after.curr_bytes - before.curr_bytes,
        );
        println!(
            "  {reader:<6} {file:<28} {:>8} bytes: peak {peak:>8} bytes ({:.2}x the body), the event holds {held} bytes in {} blocks",
            body.len(),
            peak as f64 / body.len() as f64,
            after.curr_blocks - before.curr_blocks,
        );
        return;
    }
    println!(
        "Peak heap of one Event::from_slice (built) and one LazyEvent::from_slice (lazy), dhat, each in its own process:"
    );
    let me = std::env::current_exe().expect("own path");
    for (reader, (_, file)) in ["built", "lazy"]
        .into_iter()
        .flat_map(|r| PAYLOADS.iter().map(move |p| (r, p)))
    {
        let out = Command::new(&me)
            .args(["--measure", reader, file])
            .output()
            .expect("runs");
        print!("{}", String::from_utf8_lossy(&out.stdout));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
