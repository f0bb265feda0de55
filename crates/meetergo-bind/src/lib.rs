//! What the three bindings of meetergo-core (Python, Node, browsers) share: everything about crossing into a
//! dynamic language, written once.
//!
//! - [`numbers`]: options given as loosely typed numbers (a JavaScript number, a Python float) checked into
//!   durations and counts, with a [`ValidationError`](meetergo_core::ValidationError) naming the option as the
//!   runtime spells it.
//! - [`report`]: the error report every runtime raises from, with the one table of error classes and codes.
//! - [`event`]: the event classes, a body checked with a loosely typed limit, and the event as the JavaScript
//!   runtimes receive it.
//! - [`webhook`]: `NewWebhook` and `WebhookPatch` from optional fields.
//! - [`options`] (feature `http`): the client's options, every one of them, for Python and Node.
//! - [`dedup`]: the `Deduplicator`'s defaults.
//! - [`inbox`] (feature `inbox`): the durable inbox's options from loosely typed numbers, and what to answer.
//! - [`generate`]: the generated surfaces (the `.pyi` and `.d.ts` models, the Python views' field lists, the error
//!   classes of Python and JavaScript, the event type lists), written by `make generate`, checked by the tests.
//!
//! Not published, not part of any public API: the core's public API is what a Rust user needs.

pub mod dedup;
pub mod event;
pub mod generate;
#[cfg(feature = "inbox")]
pub mod inbox;
pub mod numbers;
#[cfg(feature = "http")]
pub mod options;
pub mod report;
pub mod webhook;

/// How a runtime spells option names and durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// snake_case names, durations in seconds (`timeout=`, `ttl_seconds=`).
    Python,
    /// camelCase names, durations in milliseconds (`timeoutMs`, `ttlMs`).
    JavaScript,
}

impl Runtime {
    /// The option's name in this runtime: `python` or `javascript`.
    pub fn name<'a>(self, python: &'a str, javascript: &'a str) -> &'a str {
        match self {
            Runtime::Python => python,
            Runtime::JavaScript => javascript,
        }
    }

    /// A duration option given in this runtime's unit, as a `Duration`.
    pub fn duration(
        self,
        value: f64,
        field: &str,
    ) -> Result<std::time::Duration, meetergo_core::ValidationError> {
        match self {
            Runtime::Python => numbers::positive_seconds(value, field),
            Runtime::JavaScript => numbers::positive_millis(value, field),
        }
    }
}
