//! Webhook resources: what meetergo returns and what the SDK sends.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use crate::event_type::EventType;
use crate::open_struct::open_struct;

/// The most webhooks a company can have. The next create answers 406 ([`Error::LimitReached`](crate::Error)).
pub const MAX_WEBHOOKS_PER_COMPANY: usize = 6;

open_struct! {
    /// A registered webhook, as meetergo returns it.
    pub struct Webhook {
        /// meetergo's id of the webhook. meetergo documents a string and has been seen answering an integer
        /// (`"id": 1492`): both are read, an integer as its decimal string (`"1492"`), which is what paths use.
        id: String = "id"; id,
        /// The URL deliveries are POSTed to.
        endpoint: String = "endpoint",
        /// Human-readable description.
        description: Option<String> = "description"; lenient,
        /// The events it subscribes to.
        event_types: Vec<EventType> = "eventTypes",
        /// The company the webhook belongs to.
        company_id: Option<String> = "companyId"; lenient_id,
        /// When it was created (offset kept as sent).
        created_at: Option<DateTime<FixedOffset>> = "createdAt"; lenient,
    }
}

/// A webhook to create: `endpoint` and at least one event type are required.
///
/// ```
/// use meetergo_core::{EventType, NewWebhook};
/// let hook = NewWebhook::new("https://example.com/hooks", [EventType::BookingCreated])
///     .description("Production webhook");
/// assert_eq!(hook.event_types, vec![EventType::BookingCreated]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NewWebhook {
    /// URL to receive webhook POST requests (https, public host).
    pub endpoint: String,
    /// Human-readable description. Default: none (not sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Events to subscribe to (at least one; duplicates are removed before sending).
    pub event_types: Vec<EventType>,
}

impl NewWebhook {
    /// A webhook with its required fields. Event types can be [`EventType`]s or strings.
    pub fn new<E: Into<EventType>>(
        endpoint: impl Into<String>,
        event_types: impl IntoIterator<Item = E>,
    ) -> Self {
        Self {
            endpoint: endpoint.into(),
            description: None,
            event_types: event_types.into_iter().map(Into::into).collect(),
        }
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

/// Changes to a webhook. Only the fields that are set are sent; `event_types` replaces the whole list.
///
/// ```
/// use meetergo_core::{EventType, WebhookPatch};
/// let patch = WebhookPatch::new().event_types([EventType::BookingCreated, EventType::NewEmployee]);
/// assert_eq!(serde_json::to_string(&patch).unwrap(), r#"{"eventTypes":["booking_created","new_employee"]}"#);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookPatch {
    /// New endpoint URL. Default: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// New description. Default: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// New event subscriptions, replacing the old list. Default: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_types: Option<Vec<EventType>>,
}

impl WebhookPatch {
    /// An empty patch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a new endpoint.
    #[must_use]
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// Sets a new description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Replaces the event subscriptions.
    #[must_use]
    pub fn event_types<E: Into<EventType>>(
        mut self,
        event_types: impl IntoIterator<Item = E>,
    ) -> Self {
        self.event_types = Some(event_types.into_iter().map(Into::into).collect());
        self
    }

    /// `true` when no field is set.
    pub fn is_empty(&self) -> bool {
        self.endpoint.is_none() && self.description.is_none() && self.event_types.is_none()
    }
}
