//! Declarative webhooks: the plan that turns the registered webhooks into a wanted list, and its steps.
//!
//! Webhooks are matched by endpoint (as URLs: `https://Example.com` matches `https://example.com/`). Event types are
//! compared as sets; a wanted description of `None` leaves the registered one alone. The plan updates first, then
//! deletes, then creates: with at most six wanted webhooks the company never holds more than six at any point, and a
//! failure part-way leaves nothing deleted that an update could have kept. Running a finished plan again finds
//! everything unchanged.

use std::collections::HashSet;

use serde::Serialize;

use crate::error::{ValidationError, ValidationErrorKind as Kind};
use crate::event_type::EventType;
use crate::models::{MAX_WEBHOOKS_PER_COMPANY, NewWebhook, Webhook, WebhookPatch};
use crate::validate::validate_new_webhook;

/// One step of a sync plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
#[non_exhaustive]
pub enum SyncAction {
    /// Registered and wanted, with other event types or another description.
    Update {
        /// The webhook's id.
        id: String,
        /// Its endpoint.
        endpoint: String,
        /// The fields that change.
        patch: WebhookPatch,
        /// The event types before.
        #[serde(rename = "eventTypesBefore")]
        before: Vec<EventType>,
    },
    /// Registered, not wanted.
    Delete {
        /// The webhook's id.
        id: String,
        /// Its endpoint.
        endpoint: String,
    },
    /// Wanted, not registered.
    Create {
        /// Its endpoint.
        endpoint: String,
        /// What is created.
        webhook: NewWebhook,
    },
    /// Registered as wanted.
    Unchanged {
        /// The webhook's id.
        id: String,
        /// Its endpoint.
        endpoint: String,
    },
}

impl SyncAction {
    /// The step's kind: `"update"`, `"delete"`, `"create"` or `"unchanged"`.
    pub fn kind(&self) -> &'static str {
        match self {
            SyncAction::Update { .. } => "update",
            SyncAction::Delete { .. } => "delete",
            SyncAction::Create { .. } => "create",
            SyncAction::Unchanged { .. } => "unchanged",
        }
    }

    /// The endpoint the step is about.
    pub fn endpoint(&self) -> &str {
        match self {
            SyncAction::Update { endpoint, .. }
            | SyncAction::Delete { endpoint, .. }
            | SyncAction::Create { endpoint, .. }
            | SyncAction::Unchanged { endpoint, .. } => endpoint,
        }
    }

    /// The registered webhook's id; `None` for a create (the id comes with the created webhook).
    pub fn id(&self) -> Option<&str> {
        match self {
            SyncAction::Update { id, .. }
            | SyncAction::Delete { id, .. }
            | SyncAction::Unchanged { id, .. } => Some(id),
            SyncAction::Create { .. } => None,
        }
    }

    fn order(&self) -> u8 {
        match self {
            SyncAction::Update { .. } => 0,
            SyncAction::Delete { .. } => 1,
            SyncAction::Create { .. } => 2,
            SyncAction::Unchanged { .. } => 3,
        }
    }

    /// `true` for the steps that change something.
    pub fn is_change(&self) -> bool {
        !matches!(self, SyncAction::Unchanged { .. })
    }

    /// Carries the step out: the webhook as it is afterwards (`None` for a delete or an unchanged one).
    #[cfg(feature = "http")]
    pub async fn apply(&self, webhooks: &crate::Webhooks<'_>) -> crate::Result<Option<Webhook>> {
        match self {
            SyncAction::Update { id, patch, .. } => {
                webhooks.update(id, patch.clone()).await.map(Some)
            }
            SyncAction::Delete { id, .. } => match webhooks.delete(id).await {
                // Gone already (a concurrent run, or a retry of a sync that stopped part-way): the goal is met.
                Err(e) if e.status() == Some(404) => Ok(None),
                other => other.map(|()| None),
            },
            SyncAction::Create { webhook, .. } => webhooks.create(webhook.clone()).await.map(Some),
            SyncAction::Unchanged { .. } => Ok(None),
        }
    }
}

/// Checks a wanted list before anything is sent: each entry as [`validate_new_webhook`] does (returned normalized),
/// at most [`MAX_WEBHOOKS_PER_COMPANY`] entries, no endpoint twice. Errors name the entry (`webhooks[2].endpoint`).
pub fn validate_desired(
    desired: &[NewWebhook],
    allow_insecure: bool,
) -> Result<Vec<NewWebhook>, ValidationError> {
    if desired.len() > MAX_WEBHOOKS_PER_COMPANY {
        return Err(ValidationError::new(
            "webhooks",
            Kind::TooLong,
            format!(
                "{} webhooks listed; meetergo allows {MAX_WEBHOOKS_PER_COMPANY} per company",
                desired.len()
            ),
        ));
    }
    let mut out: Vec<NewWebhook> = Vec::with_capacity(desired.len());
    for (i, wanted) in desired.iter().enumerate() {
        let at = |e: ValidationError| ValidationError {
            field: format!("webhooks[{i}].{}", e.field),
            ..e
        };
        let webhook = validate_new_webhook(wanted, allow_insecure).map_err(at)?;
        if let Some(j) = out
            .iter()
            .position(|w| same_endpoint(&w.endpoint, &webhook.endpoint))
        {
            return Err(ValidationError::new(
                format!("webhooks[{i}].endpoint"),
                Kind::Config,
                format!(
                    "webhooks[{j}] has the same endpoint {}; webhooks are matched by endpoint",
                    webhook.endpoint
                ),
            ));
        }
        out.push(webhook);
    }
    Ok(out)
}

fn type_set(types: &[EventType]) -> Vec<&str> {
    let mut v: Vec<&str> = types.iter().map(EventType::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Two endpoints are the same when equal once normalized (`HTTPS://Example.com:443/a/../b` is
/// `https://example.com/b`).
pub(crate) fn same_endpoint(registered: &str, wanted: &str) -> bool {
    registered == wanted
        || matches!(
            (crate::endpoint::normalize(registered), crate::endpoint::normalize(wanted)),
            (Some(a), Some(b)) if a == b
        )
}

/// The plan that turns `existing` into `desired` (validated with [`validate_desired`]): updates, then deletes,
/// then creates, then the unchanged ones.
pub fn plan_sync(desired: &[NewWebhook], existing: &[Webhook]) -> Vec<SyncAction> {
    let mut matched: HashSet<usize> = HashSet::new();
    let mut actions = Vec::new();
    for want in desired {
        let found = existing.iter().enumerate().find(|(i, hook)| {
            !matched.contains(i) && same_endpoint(&hook.endpoint, &want.endpoint)
        });
        let Some((i, hook)) = found else {
            actions.push(SyncAction::Create {
                endpoint: want.endpoint.clone(),
                webhook: want.clone(),
            });
            continue;
        };
        matched.insert(i);
        let mut patch = WebhookPatch::new();
        if type_set(&hook.event_types) != type_set(&want.event_types) {
            patch = patch.event_types(&want.event_types);
        }
        if let Some(d) = &want.description
            && hook.description.as_ref() != Some(d)
        {
            patch = patch.description(d.clone());
        }
        actions.push(if patch.is_empty() {
            SyncAction::Unchanged {
                id: hook.id.clone(),
                endpoint: hook.endpoint.clone(),
            }
        } else {
            SyncAction::Update {
                id: hook.id.clone(),
                endpoint: hook.endpoint.clone(),
                patch,
                before: hook.event_types.clone(),
            }
        });
    }
    for (i, hook) in existing.iter().enumerate() {
        if !matched.contains(&i) {
            actions.push(SyncAction::Delete {
                id: hook.id.clone(),
                endpoint: hook.endpoint.clone(),
            });
        }
    }
    actions.sort_by_key(SyncAction::order);
    actions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook(id: &str, endpoint: &str, types: &[&str], description: Option<&str>) -> Webhook {
        serde_json::from_value(serde_json::json!({
            "id": id, "endpoint": endpoint, "eventTypes": types, "description": description,
            "companyId": "c", "createdAt": "2024-01-15T10:00:00Z"
        }))
        .unwrap()
    }

    fn want(endpoint: &str, types: &[&str], description: Option<&str>) -> NewWebhook {
        let w = NewWebhook::new(endpoint, types.iter().copied());
        match description {
            Some(d) => w.description(d),
            None => w,
        }
    }

    #[test]
    fn plans_updates_then_deletes_then_creates() {
        let desired = validate_desired(
            &[
                want("https://a.example.com/h", &["booking_created"], None),
                want(
                    "https://B.example.com/h",
                    &["booking_cancelled", "booking_created"],
                    None,
                ),
                want("https://c.example.com/h", &["new_employee"], Some("C")),
                want("https://d.example.com/h", &["form_submission"], None),
            ],
            false,
        )
        .unwrap();
        let existing = [
            hook(
                "1",
                "https://a.example.com/h",
                &["booking_created"],
                Some("kept"),
            ),
            hook(
                "2",
                "https://b.example.com/h",
                &["booking_created", "booking_cancelled"],
                None,
            ),
            hook(
                "3",
                "https://c.example.com/h",
                &["new_employee"],
                Some("old"),
            ),
            hook("4", "https://gone.example.com/h", &["new_employee"], None),
        ];
        let actions = plan_sync(&desired, &existing);
        let kinds: Vec<&str> = actions.iter().map(SyncAction::kind).collect();
        assert_eq!(
            kinds,
            ["update", "delete", "create", "unchanged", "unchanged"]
        );
        assert!(
            matches!(&actions[0], SyncAction::Update { id, patch, .. } if id == "3"
            && patch.event_types.is_none() && patch.description.as_deref() == Some("C"))
        );
        assert!(matches!(&actions[1], SyncAction::Delete { id, .. } if id == "4"));
        assert!(
            matches!(&actions[2], SyncAction::Create { endpoint, .. } if endpoint == "https://d.example.com/h")
        );
        // The finished state plans nothing.
        let after = [
            hook(
                "1",
                "https://a.example.com/h",
                &["booking_created"],
                Some("kept"),
            ),
            hook(
                "2",
                "https://b.example.com/h",
                &["booking_created", "booking_cancelled"],
                None,
            ),
            hook("3", "https://c.example.com/h", &["new_employee"], Some("C")),
            hook("5", "https://d.example.com/h", &["form_submission"], None),
        ];
        assert!(plan_sync(&desired, &after).iter().all(|a| !a.is_change()));
    }

    #[test]
    fn rejects_bad_lists_before_anything_is_sent() {
        let e = validate_desired(
            &[want("http://example.com/h", &["booking_created"], None)],
            false,
        )
        .unwrap_err();
        assert_eq!(e.field, "webhooks[0].endpoint");
        let e = validate_desired(&[want("https://example.com/h", &[], None)], false).unwrap_err();
        assert_eq!(e.field, "webhooks[0].eventTypes");
        let e = validate_desired(
            &[
                want("https://example.com/h", &["booking_created"], None),
                want("https://EXAMPLE.com/h", &["new_employee"], None),
            ],
            false,
        )
        .unwrap_err();
        assert!(e.reason.contains("same endpoint"), "{e}");
        let many: Vec<NewWebhook> = (0..7)
            .map(|i| {
                want(
                    &format!("https://example.com/{i}"),
                    &["booking_created"],
                    None,
                )
            })
            .collect();
        assert_eq!(
            validate_desired(&many, false).unwrap_err().field,
            "webhooks"
        );
    }
}
