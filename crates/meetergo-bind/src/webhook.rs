//! Webhook definitions from the optional fields a binding receives.

use meetergo_core::{NewWebhook, WebhookPatch};

/// A `NewWebhook` from its fields (the core validates it when it is sent, or in `validate_new_webhook`).
pub fn new_webhook(
    endpoint: String,
    event_types: Vec<String>,
    description: Option<String>,
) -> NewWebhook {
    let new = NewWebhook::new(endpoint, event_types);
    match description {
        Some(d) => new.description(d),
        None => new,
    }
}

/// A `WebhookPatch` with the fields that were given: only those are sent.
pub fn patch(
    endpoint: Option<String>,
    description: Option<String>,
    event_types: Option<Vec<String>>,
) -> WebhookPatch {
    let mut p = WebhookPatch::new();
    if let Some(e) = endpoint {
        p = p.endpoint(e);
    }
    if let Some(d) = description {
        p = p.description(d);
    }
    if let Some(t) = event_types {
        p = p.event_types(t);
    }
    p
}
