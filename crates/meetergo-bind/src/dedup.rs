//! The `Deduplicator` of the bindings, with its defaults.

use std::time::Duration;

use meetergo_core::{Deduplicator, ValidationError};

use crate::Runtime;
use crate::numbers::whole_number;

/// How long a key is remembered by default: 24 hours.
pub const DEFAULT_TTL: Duration = Duration::from_secs(24 * 3600);
/// How many keys are remembered by default.
pub const DEFAULT_MAX_ENTRIES: u32 = 100_000;

/// A de-duplicator from the runtime's options (`ttl_seconds`/`max_entries`, `ttlMs`/`maxEntries`); a left-out
/// option takes its default.
pub fn deduplicator(
    runtime: Runtime,
    ttl: Option<f64>,
    max_entries: Option<f64>,
) -> Result<Deduplicator, ValidationError> {
    let ttl = match ttl {
        Some(t) => runtime.duration(t, runtime.name("ttl_seconds", "ttlMs"))?,
        None => DEFAULT_TTL,
    };
    let max = match max_entries {
        Some(m) => {
            let field = runtime.name("max_entries", "maxEntries");
            let n = whole_number(m, field, u32::MAX)?;
            // A de-duplicator that remembers nothing would pass every duplicate: refused, not taken as 1.
            if n == 0 {
                return Err(ValidationError::new(
                    field,
                    meetergo_core::ValidationErrorKind::Malformed,
                    "must be at least 1 (a de-duplicator that remembers no key skips no duplicate)",
                ));
            }
            n
        }
        None => DEFAULT_MAX_ENTRIES,
    };
    Ok(Deduplicator::new(
        ttl,
        usize::try_from(max).unwrap_or(usize::MAX),
    ))
}
