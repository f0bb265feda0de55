//! De-duplication of deliveries (meetergo delivers at least once).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// Keys longer than this are stored as their SHA-256, so memory stays bounded whatever keys arrive.
const MAX_STORED_KEY_BYTES: usize = 128;

/// Remembers idempotency keys for a while, to skip duplicate deliveries.
///
/// Thread-safe (share it in an `Arc`). Bounded: at most `capacity` keys, each forgotten `ttl` after it was first
/// seen; when full, the oldest key is forgotten first. A duplicate that arrives after its key was forgotten is
/// reported as first seen, so pick a `ttl` longer than meetergo's redelivery window and a `capacity` above the
/// number of events you receive in that time.
///
/// ```
/// use std::time::Duration;
/// use meetergo_core::Deduplicator;
/// let seen = Deduplicator::new(Duration::from_secs(3600), 10_000);
/// assert!(seen.first_seen("booking_created:appt-1:2024-01-15T10:00:00Z"));
/// assert!(!seen.first_seen("booking_created:appt-1:2024-01-15T10:00:00Z"));
/// ```
#[derive(Debug)]
pub struct Deduplicator {
    ttl: Duration,
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Key → when it was first seen.
    seen: HashMap<Box<str>, Instant>,
    /// Keys in the order they were first seen (oldest first).
    order: VecDeque<(Instant, Box<str>)>,
}

impl Deduplicator {
    /// A de-duplicator that forgets keys `ttl` after first seeing them and holds at most `capacity` keys
    /// (a capacity of 0 is taken as 1).
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        Self {
            ttl,
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// `true` the first time `key` is seen (within its TTL), `false` for a duplicate.
    pub fn first_seen(&self, key: &str) -> bool {
        self.first_seen_at(key, Instant::now())
    }

    /// [`Deduplicator::first_seen`] at a given instant (for tests and simulations). Instants must not go backwards.
    pub fn first_seen_at(&self, key: &str, now: Instant) -> bool {
        let stored = stored_key(key);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        state.expire(now, self.ttl);
        if state.seen.contains_key(stored.as_ref()) {
            return false;
        }
        while state.order.len() >= self.capacity {
            if let Some((_, oldest)) = state.order.pop_front() {
                state.seen.remove(&oldest);
            }
        }
        state.seen.insert(stored.clone(), now);
        state.order.push_back((now, stored));
        true
    }

    /// Forgets a key (e.g. when processing it failed and a redelivery should be processed).
    pub fn forget(&self, key: &str) -> bool {
        let stored = stored_key(key);
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let removed = state.seen.remove(stored.as_ref()).is_some();
        if removed {
            state.order.retain(|(_, k)| *k != stored);
        }
        removed
    }

    /// How many keys are remembered now (expired ones included until the next call).
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .seen
            .len()
    }

    /// `true` when no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The configured time-to-live.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The configured capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

impl State {
    fn expire(&mut self, now: Instant, ttl: Duration) {
        while let Some((at, _)) = self.order.front() {
            if now.saturating_duration_since(*at) < ttl {
                break;
            }
            if let Some((_, key)) = self.order.pop_front() {
                self.seen.remove(&key);
            }
        }
    }
}

fn stored_key(key: &str) -> Box<str> {
    if key.len() <= MAX_STORED_KEY_BYTES {
        return key.into();
    }
    // The NUL prefix keeps a hashed key apart from any short key a caller could pass.
    format!(
        "\u{0}sha256:{}",
        crate::idempotency::hex(&Sha256::digest(key.as_bytes()))
    )
    .into()
}
