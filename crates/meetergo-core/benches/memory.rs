//! Peak heap memory of one `Event::from_slice` per payload, against the body's size (the target: no more than 3×
//! for the 100 KB body). Each payload is measured in a process of its own, so that one measurement's peak does not
//! hide another's.
//!
//! `cargo bench -p meetergo-core --bench memory`

use std::process::Command;

use meetergo_core::Event;

mod common;
use common::{PAYLOADS, fixture};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    if let Some(file) = std::env::args().skip_while(|a| a != "--measure").nth(1) {
        let body = fixture(&file);
        let _profiler = dhat::Profiler::builder().testing().build();
        let before = dhat::HeapStats::get();
        let event = Event::from_slice(&body).expect("parses");
        let after = dhat::HeapStats::get();
        let (peak, held) = (
            after.max_bytes - before.curr_bytes,
            after.curr_bytes - before.curr_bytes,
        );
        drop(event);
        println!(
            "  {file:<28} {:>8} bytes: peak {peak:>8} bytes ({:.2}x the body), the event holds {held} bytes in {} blocks",
            body.len(),
            peak as f64 / body.len() as f64,
            after.curr_blocks - before.curr_blocks,
        );
        return;
    }
    println!("Peak heap of one Event::from_slice (dhat), each payload in its own process:");
    let me = std::env::current_exe().expect("own path");
    for (_, file) in PAYLOADS {
        let out = Command::new(&me)
            .args(["--measure", file])
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
