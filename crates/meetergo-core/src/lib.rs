//! # meetergo-core
//!
//! Everything the meetergo SDK does, in one crate that the Python, Node and browser packages wrap: models of
//! meetergo's Webhooks API, validation before sending, an async client with safe retries and typed errors, and the
//! parsing, idempotency keys and de-duplication of the deliveries meetergo POSTs to your endpoint.
//!
//! ## Quick start
//!
//! Provision a webhook (async, tokio):
//!
//! ```no_run
//! use meetergo_core::{Client, Error, EventType, NewWebhook, WebhookPatch};
//!
//! # async fn run() -> Result<(), Error> {
//! // Reads MEETERGO_API_KEY / MEETERGO_USER_ID / MEETERGO_BASE_URL for what is not set here.
//! let client = Client::builder().api_key("ak_live:...").user_id("user-uuid").build()?;
//! let hook = client
//!     .webhooks()
//!     .create(
//!         NewWebhook::new("https://example.com/webhooks/meetergo", [EventType::BookingCreated])
//!             .description("Production webhook"),
//!     )
//!     .await?;
//! client.webhooks().update(&hook.id, WebhookPatch::new().event_types(["booking_created", "booking_cancelled"])).await?;
//! match client.webhooks().create(NewWebhook::new("https://example.com/b", ["new_employee"])).await {
//!     Err(Error::LimitReached(e)) => eprintln!("six webhooks already: {e}"),
//!     other => println!("{other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! Receive deliveries exactly once (meetergo delivers at least once and never retries):
//!
//! ```
//! use std::time::Duration;
//! use meetergo_core::{Deduplicator, Event, EventData};
//!
//! let seen = Deduplicator::new(Duration::from_secs(24 * 3600), 100_000);
//! let body = br#"{"webhookType":"booking_created","id":"appt-1","secret":"s3cr3t",
//!   "start":"2024-01-15T09:00:00+01:00","end":"2024-01-15T09:30:00+01:00",
//!   "updatedAt":"2024-01-15T08:00:00Z","attendees":[{"email":"ada@example.com"}]}"#;
//! for _delivery in 0..2 {
//!     let event = Event::from_slice(body)?;
//!     if !seen.first_seen(event.idempotency_key()) {
//!         continue; // a duplicate delivery
//!     }
//!     if let EventData::BookingCreated(booking) = event.data() {
//!         assert_eq!(booking.attendees[0].email.as_deref(), Some("ada@example.com"));
//!         assert!(!format!("{booking:?}").contains("s3cr3t")); // secrets never print
//!     }
//! }
//! # Ok::<(), meetergo_core::PayloadError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod credentials;
mod dedup;
#[cfg(feature = "describe")]
pub mod describe;
mod endpoint;
mod error;
mod event;
mod event_type;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod idempotency;
#[cfg(feature = "inbox")]
pub mod inbox;
mod json_out;
mod models;
mod num;
mod open_struct;
mod path_secret;
mod secret;
mod sync;
mod text;
mod time;
pub mod validate;

#[cfg(feature = "http")]
mod client;
#[cfg(feature = "http")]
mod http;
#[cfg(feature = "http")]
mod rate_limit;
#[cfg(feature = "http")]
mod retry;
#[cfg(feature = "http")]
mod webhooks;

/// The version of this crate (`meetergo-core`), which every binding reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub use credentials::{ApiKey, TokenKind, user_id_header};
pub use dedup::Deduplicator;
pub use error::{
    ApiError, Error, ErrorCategory, ErrorMessage, FieldError, PayloadError, PayloadErrorKind,
    Result, ValidationError, ValidationErrorKind,
};
/// The payload models described as data (the `describe` feature, for the SDK's own generators).
#[cfg(feature = "describe")]
#[doc(hidden)]
pub use event::PAYLOAD_MODELS;
pub use event::{
    Attendee, Booking, Cancellation, DEFAULT_MAX_BODY_BYTES, Event, EventData, FormSubmission,
    Host, MeetingInfo, MeetingType, MeetingTypeInfo, NewEmployee, ParseOptions, UnknownEvent,
};
pub use event_type::EventType;
#[cfg(not(target_arch = "wasm32"))]
pub use lazy::LazyEvent;

/// The lazy reader: a delivery checked at parse and decoded field by field when read ([`LazyEvent`]). The engine
/// behind the Python binding; [`Event::from_slice`] builds every field at once instead.
#[cfg(not(target_arch = "wasm32"))]
pub mod lazy {
    pub use crate::event::lazy::{
        Field, Got, LazyEvent, List, MAX_LAZY_BODY_BYTES, View, ViewError, marker,
    };
}
pub use idempotency::{canonical_digest, sha256_hex};
pub use models::{MAX_WEBHOOKS_PER_COMPANY, NewWebhook, Webhook, WebhookPatch};
pub use path_secret::{PATH_SECRET_PREFIX, PathSecret, is_path_secret};
pub use secret::{
    LogBody, MaskedBody, Secret, is_secret_key, log_body, mask_secrets, redact_body, redact_json,
    redact_url,
};
pub use sync::{SyncAction, plan_sync, validate_desired};
pub use text::Str;
pub use validate::{
    is_non_public_ip, validate_endpoint, validate_event_types, validate_new_webhook,
    validate_patch, validate_webhook_id,
};

#[cfg(feature = "http")]
pub use client::{
    Client, ClientBuilder, ClientOptions, DEFAULT_BASE_URL, DEFAULT_INITIAL_RETRY_DELAY,
    DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_DELAY, DEFAULT_TIMEOUT, USER_AGENT, resolve_base_url,
};
#[cfg(feature = "http")]
pub use rate_limit::RateLimit;
#[cfg(feature = "http")]
pub use webhooks::{SyncStep, Webhooks};

/// The README's examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
