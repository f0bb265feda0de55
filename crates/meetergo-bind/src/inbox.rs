//! The durable inbox as the bindings offer it: options from loosely typed numbers (seconds in Python, milliseconds
//! in JavaScript), and what an accepted body is called. What a receiver answers is the core's (`Inbox::answer`).

use meetergo_core::ValidationError;
use meetergo_core::inbox::{Accepted, InboxOptions};

use crate::Runtime;
use crate::numbers::whole_number;

/// The inbox's options as a binding receives them (`None`: the default).
#[derive(Debug, Default, Clone, Copy)]
pub struct Options {
    /// Attempts before a delivery is dead-lettered (1 or more).
    pub max_attempts: Option<f64>,
    /// How long a claim lasts, in the runtime's unit.
    pub lease: Option<f64>,
    /// The first retry's delay, in the runtime's unit.
    pub initial_retry_delay: Option<f64>,
    /// The longest delay between attempts, in the runtime's unit.
    pub max_retry_delay: Option<f64>,
    /// Bodies above this many bytes are refused (413).
    pub max_body_bytes: Option<f64>,
    /// New deliveries are refused (503) once the store holds this many bytes.
    pub max_store_bytes: Option<f64>,
}

impl Options {
    /// The core's options, each number checked ([`ValidationError`] naming the option as the runtime spells it).
    pub fn resolve(&self, runtime: Runtime) -> Result<InboxOptions, ValidationError> {
        let mut out = InboxOptions::default();
        if let Some(n) = self.max_attempts {
            let field = runtime.name("max_attempts", "maxAttempts");
            out.max_attempts = whole_number(n, field, 1000)?;
            if out.max_attempts == 0 {
                return Err(ValidationError::new(
                    field,
                    meetergo_core::ValidationErrorKind::Malformed,
                    "must be at least 1",
                ));
            }
        }
        let duration = |value: Option<f64>, python: &str, javascript: &str| {
            value
                .map(|v| runtime.duration(v, runtime.name(python, javascript)))
                .transpose()
        };
        if let Some(d) = duration(self.lease, "lease", "leaseMs")? {
            out.lease = d;
        }
        if let Some(d) = duration(
            self.initial_retry_delay,
            "initial_retry_delay",
            "initialRetryDelayMs",
        )? {
            out.initial_retry_delay = d;
        }
        if let Some(d) = duration(self.max_retry_delay, "max_retry_delay", "maxRetryDelayMs")? {
            out.max_retry_delay = d;
        }
        if let Some(n) = self.max_body_bytes {
            let n = whole_number(n, runtime.name("max_body_bytes", "maxBodyBytes"), u32::MAX)?;
            out.max_body_bytes = usize::try_from(n).unwrap_or(usize::MAX).max(1);
        }
        if let Some(n) = self.max_store_bytes {
            out.max_store_bytes = Some(bytes(n, runtime.name("max_store_bytes", "maxStoreBytes"))?);
        }
        Ok(out)
    }
}

/// A byte count up to 2^53 (what a JavaScript number holds exactly).
fn bytes(value: f64, field: &str) -> Result<u64, ValidationError> {
    const MAX: f64 = 9_007_199_254_740_992.0;
    if value.fract() == 0.0 && (0.0..=MAX).contains(&value) {
        // Whole and within 2^53: exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(value as u64);
    }
    Err(ValidationError::new(
        field,
        meetergo_core::ValidationErrorKind::Malformed,
        "must be a whole number of bytes from 0 to 2^53",
    ))
}

/// What became of an accepted body, as the runtimes name it: `stored`, `duplicate` or `quarantined`, its key, and
/// for a quarantined body why it does not parse.
pub fn accepted(a: &Accepted) -> (&'static str, &str, Option<&str>) {
    let error = match a {
        Accepted::Quarantined { error, .. } => Some(error.as_str()),
        _ => None,
    };
    (a.status(), a.key(), error)
}
