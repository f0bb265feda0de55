//! What both parsing benchmarks share: the fixtures and the hand-written contender.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Deserialize;

/// A body from the shared fixture corpus (`tests/fixtures/deliveries/`).
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/deliveries")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The two payloads: the documented booking (~1.5 KB) and the ~100 KB one (400 attendees, large metadata).
pub const PAYLOADS: [(&str, &str); 2] = [
    ("booking_1kb", "booking_created_full.json"),
    ("booking_100kb", "booking_large.json"),
];

/// What a user would write by hand with serde derive: owned structs for the fields a handler reads, unknown fields
/// dropped, times as strings. The contender the performance notes call "owned typed structs".
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct HandWritten {
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

/// The five reads of the benchmarks' workload: `id`, `start`, `attendees[0].email`, `hosts[0].givenName`,
/// `meetingType.meetingInfo.name`.
#[allow(dead_code)]
pub fn hand_reads(h: &HandWritten) -> usize {
    h.id.len()
        + h.start.len()
        + h.attendees
            .first()
            .and_then(|a| a.email.as_deref())
            .map_or(0, str::len)
        + h.hosts
            .first()
            .and_then(|a| a.given_name.as_deref())
            .map_or(0, str::len)
        + h.meeting_type
            .as_ref()
            .and_then(|m| m.meeting_info.as_ref())
            .and_then(|i| i.name.as_deref())
            .map_or(0, str::len)
}

/// The same reads of a parsed [`meetergo_core::Event`] (`start` as the typed date-time it is).
#[allow(dead_code)]
pub fn event_reads(e: &meetergo_core::Event) -> usize {
    let b = e.booking().expect("a booking");
    b.id.len()
        + usize::try_from(b.start.timestamp()).unwrap_or(0) % 7
        + b.attendees
            .first()
            .and_then(|a| a.email.as_deref())
            .map_or(0, str::len)
        + b.hosts
            .first()
            .and_then(|h| h.given_name.as_deref())
            .map_or(0, str::len)
        + b.meeting_type
            .as_ref()
            .and_then(|m| m.meeting_info.as_ref())
            .and_then(|i| i.name.as_deref())
            .map_or(0, str::len)
}

/// The same reads through the lazy reader's views (each field decoded as it is read).
#[allow(dead_code)]
pub fn lazy_reads(e: &meetergo_core::LazyEvent) -> usize {
    let b = e.booking().expect("a booking");
    let len = |s: Option<meetergo_core::Str>| s.map_or(0, |s| s.len());
    b.id().expect("id").len()
        + usize::try_from(b.start().expect("start").timestamp()).unwrap_or(0) % 7
        + b.attendees()
            .expect("attendees")
            .get(0)
            .map_or(0, |a| len(a.email().expect("email")))
        + b.hosts()
            .expect("hosts")
            .get(0)
            .map_or(0, |h| len(h.given_name().expect("name")))
        + b.meeting_type()
            .expect("meeting type")
            .and_then(|m| m.meeting_info().expect("info"))
            .map_or(0, |i| len(i.name().expect("name")))
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

/// How many interleaved rounds, and how many parses a round, for `body`: two quick rounds when run without `--bench`
/// (`cargo test --all-targets` runs benches once that way).
#[allow(dead_code)]
pub fn rounds(body: &[u8]) -> (u32, u32) {
    if std::env::args().any(|a| a == "--bench") {
        (
            40,
            u32::try_from((2_000_000 / body.len()).clamp(20, 2000)).unwrap_or(20),
        )
    } else {
        (2, 10)
    }
}

/// A contender: parses the body and gives something to keep (so nothing is optimised away).
#[allow(dead_code)]
pub type Run<'a> = &'a dyn Fn(&[u8]) -> usize;

/// Each contender's best time per parse of `body`, the contenders run in turn, round after round (ratios that
/// survive a noisy machine).
#[allow(dead_code)]
pub fn interleaved(body: &[u8], runs: &[Run<'_>]) -> Vec<Duration> {
    let (rounds, per_round) = rounds(body);
    let mut best = vec![Duration::MAX; runs.len()];
    for _ in 0..rounds {
        for (i, run) in runs.iter().enumerate() {
            let started = Instant::now();
            for _ in 0..per_round {
                black_box(run(black_box(body)));
            }
            best[i] = best[i].min(started.elapsed() / per_round);
        }
    }
    best
}
