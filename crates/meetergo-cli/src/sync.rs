//! `meetergo webhooks sync FILE`: make the company's webhooks match a declared list.
//!
//! Webhooks are matched by endpoint (as URLs, so `https://Example.com` matches `https://example.com/`). The plan
//! deletes what the file does not list, updates event types (compared as sets) and descriptions that differ, and
//! creates what is missing, in that order: with at most six entries in the file, the company never holds more than
//! six webhooks at any point. Every entry is validated by the core before the first request, and a second run
//! finds everything unchanged.

use std::collections::HashSet;
use std::path::Path;

use meetergo_core::{
    EventType, MAX_WEBHOOKS_PER_COMPANY, NewWebhook, Webhook, WebhookPatch, validate_endpoint,
    validate_new_webhook,
};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::CliError;
use crate::cli::ApiArgs;
use crate::commands::{client, warn_unknown};
use crate::table;

/// One wanted webhook, as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesiredEntry {
    /// The endpoint URL (the key webhooks are matched by).
    pub endpoint: String,
    /// The event types (`event_types` or `eventTypes`).
    #[serde(alias = "eventTypes")]
    pub event_types: Vec<String>,
    /// Description; when left out, an existing webhook's description is left as it is.
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    webhooks: Vec<DesiredEntry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum JsonDocument {
    List(Vec<DesiredEntry>),
    Object(Document),
}

/// A wanted webhook after validation: normalized by the core, with its endpoint parsed for matching.
#[derive(Debug, Clone)]
pub struct Desired {
    /// The webhook to create, normalized (event types de-duplicated).
    pub webhook: NewWebhook,
    url: Url,
}

/// Reads the file: TOML for `.toml`, JSON for `.json`.
pub fn load(path: &Path) -> Result<Vec<DesiredEntry>, CliError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::msg(format!("cannot read {shown}: {e}")))?;
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("toml") => toml::from_str::<Document>(&text)
            .map(|d| d.webhooks)
            .map_err(|e| CliError::msg(format!("{shown}: {}", e.message()))),
        Some("json") => match serde_json::from_str::<JsonDocument>(&text) {
            Ok(JsonDocument::List(l)) => Ok(l),
            Ok(JsonDocument::Object(d)) => Ok(d.webhooks),
            Err(_) => {
                // The untagged enum's error says nothing useful: parse again for a precise one.
                let detail = match serde_json::from_str::<Vec<DesiredEntry>>(&text) {
                    Err(e) if !text.trim_start().starts_with('{') => e.to_string(),
                    _ => match serde_json::from_str::<Document>(&text) {
                        Err(e) => e.to_string(),
                        Ok(_) => "unreadable".into(),
                    },
                };
                Err(CliError::msg(format!(
                    "{shown}: {detail} (expected a list of {{\"endpoint\", \"eventTypes\", \"description\"}} or \
                     {{\"webhooks\": [...]}})"
                )))
            }
        },
        _ => Err(CliError::msg(format!(
            "{shown}: the file must end in .toml or .json"
        ))),
    }
}

/// Validates every entry with the core (nothing is sent if one is wrong), rejects two entries with one endpoint and
/// more entries than meetergo allows.
pub fn validate(entries: &[DesiredEntry], allow_insecure: bool) -> Result<Vec<Desired>, CliError> {
    if entries.len() > MAX_WEBHOOKS_PER_COMPANY {
        return Err(CliError::msg(format!(
            "the file lists {} webhooks; meetergo allows {MAX_WEBHOOKS_PER_COMPANY} per company",
            entries.len()
        )));
    }
    let mut out: Vec<Desired> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let mut new = NewWebhook::new(entry.endpoint.clone(), &entry.event_types);
        if let Some(d) = &entry.description {
            new = new.description(d.clone());
        }
        let at = |e: meetergo_core::ValidationError| {
            CliError::msg(format!(
                "webhooks[{i}] ({}): {e}",
                table::clean(&entry.endpoint)
            ))
        };
        let webhook = validate_new_webhook(&new, allow_insecure).map_err(at)?;
        let url = validate_endpoint(&webhook.endpoint, allow_insecure).map_err(at)?;
        if let Some(j) = out.iter().position(|d| d.url == url) {
            return Err(CliError::msg(format!(
                "webhooks[{i}] and webhooks[{j}] have the same endpoint {url}; webhooks are matched by endpoint"
            )));
        }
        out.push(Desired { webhook, url });
    }
    Ok(out)
}

/// What sync does to one webhook.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Action {
    /// Not in the file: deleted.
    Delete {
        /// Its id.
        id: String,
        /// Its endpoint.
        endpoint: String,
    },
    /// In the file and registered, with other event types or another description.
    Update {
        /// Its id.
        id: String,
        /// Its endpoint.
        endpoint: String,
        /// The fields that change.
        patch: WebhookPatch,
        /// The event types before.
        #[serde(rename = "eventTypesBefore")]
        before: Vec<EventType>,
    },
    /// In the file, not registered.
    Create {
        /// Its endpoint.
        endpoint: String,
        /// What is created.
        webhook: NewWebhook,
    },
    /// Registered as the file says.
    Unchanged {
        /// Its id.
        id: String,
        /// Its endpoint.
        endpoint: String,
    },
}

impl Action {
    fn order(&self) -> u8 {
        match self {
            Action::Delete { .. } => 0,
            Action::Update { .. } => 1,
            Action::Create { .. } => 2,
            Action::Unchanged { .. } => 3,
        }
    }

    /// One line of the human plan.
    pub fn describe(&self) -> String {
        let line = match self {
            Action::Delete { id, endpoint } => format!("- delete     {id}  {endpoint}"),
            Action::Update {
                id,
                endpoint,
                patch,
                before,
            } => {
                let mut changes = Vec::new();
                if let Some(types) = &patch.event_types {
                    changes.push(format!("eventTypes {} -> {}", join(before), join(types)));
                }
                if let Some(d) = &patch.description {
                    changes.push(format!("description -> {d:?}"));
                }
                format!("~ update     {id}  {endpoint}  ({})", changes.join("; "))
            }
            Action::Create { endpoint, webhook } => {
                format!("+ create     {endpoint}  [{}]", join(&webhook.event_types))
            }
            Action::Unchanged { id, endpoint } => format!("= unchanged  {id}  {endpoint}"),
        };
        table::clean(&line)
    }
}

fn join(types: &[EventType]) -> String {
    types
        .iter()
        .map(EventType::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

fn type_set(types: &[EventType]) -> Vec<&str> {
    let mut v: Vec<&str> = types.iter().map(EventType::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The plan that turns `existing` into `desired`: deletes first, then updates, then creates (then the unchanged).
pub fn plan(desired: &[Desired], existing: &[Webhook]) -> Vec<Action> {
    let mut matched: HashSet<usize> = HashSet::new();
    let mut actions = Vec::new();
    for want in desired {
        let found = existing.iter().enumerate().find(|(i, hook)| {
            !matched.contains(i)
                && (Url::parse(&hook.endpoint).is_ok_and(|u| u == want.url)
                    || hook.endpoint == want.webhook.endpoint)
        });
        let Some((i, hook)) = found else {
            actions.push(Action::Create {
                endpoint: want.webhook.endpoint.clone(),
                webhook: want.webhook.clone(),
            });
            continue;
        };
        matched.insert(i);
        let mut patch = WebhookPatch::new();
        if type_set(&hook.event_types) != type_set(&want.webhook.event_types) {
            patch = patch.event_types(&want.webhook.event_types);
        }
        if let Some(d) = &want.webhook.description
            && hook.description.as_ref() != Some(d)
        {
            patch = patch.description(d.clone());
        }
        actions.push(if patch.is_empty() {
            Action::Unchanged {
                id: hook.id.clone(),
                endpoint: hook.endpoint.clone(),
            }
        } else {
            Action::Update {
                id: hook.id.clone(),
                endpoint: hook.endpoint.clone(),
                patch,
                before: hook.event_types.clone(),
            }
        });
    }
    for (i, hook) in existing.iter().enumerate() {
        if !matched.contains(&i) {
            actions.push(Action::Delete {
                id: hook.id.clone(),
                endpoint: hook.endpoint.clone(),
            });
        }
    }
    actions.sort_by_key(Action::order);
    actions
}

/// Counts by kind: (create, update, delete, unchanged).
pub fn summary(actions: &[Action]) -> (usize, usize, usize, usize) {
    let count = |k: u8| actions.iter().filter(|a| a.order() == k).count();
    (count(2), count(1), count(0), count(3))
}

/// `meetergo webhooks sync FILE [--dry-run]`.
pub async fn run(api: &ApiArgs, file: &Path, dry_run: bool) -> Result<(), CliError> {
    let entries = load(file)?;
    let desired = validate(&entries, api.allow_insecure_endpoints)?;
    for entry in &entries {
        warn_unknown(&entry.event_types);
    }
    let client = client(api)?;
    let webhooks = client.webhooks();
    let existing = webhooks.list().await?;
    let actions = plan(&desired, &existing);
    let (create, update, delete, unchanged) = summary(&actions);
    if !api.json {
        say!(
            "plan: {create} to create, {update} to update, {delete} to delete, {unchanged} unchanged{}",
            if dry_run { " (dry run)" } else { "" }
        );
        for action in &actions {
            say!("  {}", action.describe());
        }
    }
    let mut applied = Vec::new();
    let mut failure = None;
    if !dry_run {
        for action in &actions {
            let result = match action {
                Action::Delete { id, .. } => webhooks.delete(id).await.map(|()| None),
                Action::Update { id, patch, .. } => {
                    webhooks.update(id, patch.clone()).await.map(Some)
                }
                Action::Create { webhook, .. } => webhooks.create(webhook.clone()).await.map(Some),
                Action::Unchanged { .. } => continue,
            };
            match result {
                Ok(hook) => {
                    if !api.json {
                        let what = match action {
                            Action::Delete { id, .. } => format!("deleted {id}"),
                            Action::Update { id, .. } => format!("updated {id}"),
                            _ => format!(
                                "created {}",
                                hook.as_ref().map(|h| h.id.as_str()).unwrap_or("?")
                            ),
                        };
                        say!("{}", table::clean(&what));
                    }
                    let (kind, id, endpoint) = match action {
                        Action::Delete { id, endpoint } => ("delete", Some(id.as_str()), endpoint),
                        Action::Update { id, endpoint, .. } => {
                            ("update", Some(id.as_str()), endpoint)
                        }
                        Action::Create { endpoint, .. } | Action::Unchanged { endpoint, .. } => {
                            ("create", hook.as_ref().map(|h| h.id.as_str()), endpoint)
                        }
                    };
                    applied.push(serde_json::json!({
                        "action": kind, "id": id, "endpoint": endpoint, "webhook": hook,
                    }));
                }
                Err(e) => {
                    failure = Some(CliError::msg(format!(
                        "{} failed: {e}; {} of {} changes applied (run sync again to finish)",
                        action.describe(),
                        applied.len(),
                        create + update + delete
                    )));
                    break;
                }
            }
        }
    }
    if api.json {
        let out = serde_json::json!({
            "dryRun": dry_run,
            "summary": { "create": create, "update": update, "delete": delete, "unchanged": unchanged },
            "plan": actions,
            "applied": applied,
        });
        let text = serde_json::to_string_pretty(&out)
            .map_err(|e| CliError::msg(format!("cannot write JSON: {e}")))?;
        say!("{text}");
    } else if failure.is_none() && !dry_run {
        say!(
            "{}",
            if create + update + delete == 0 {
                "nothing to do: the webhooks match the file"
            } else {
                "done"
            }
        );
    }
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
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

    fn entry(endpoint: &str, types: &[&str], description: Option<&str>) -> DesiredEntry {
        DesiredEntry {
            endpoint: endpoint.into(),
            event_types: types.iter().map(|s| (*s).to_owned()).collect(),
            description: description.map(str::to_owned),
        }
    }

    #[test]
    fn plans_deletes_then_updates_then_creates() {
        let desired = validate(
            &[
                entry("https://a.example.com/h", &["booking_created"], None),
                entry(
                    "https://B.example.com/h",
                    &["booking_cancelled", "booking_created"],
                    None,
                ),
                entry("https://c.example.com/h", &["new_employee"], Some("C")),
                entry("https://d.example.com/h", &["form_submission"], None),
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
        let actions = plan(&desired, &existing);
        let kinds: Vec<u8> = actions.iter().map(Action::order).collect();
        assert_eq!(kinds, [0, 1, 2, 3, 3]);
        assert!(matches!(&actions[0], Action::Delete { id, .. } if id == "4"));
        assert!(
            matches!(&actions[1], Action::Update { id, patch, .. } if id == "3" && patch.event_types.is_none()
                && patch.description.as_deref() == Some("C"))
        );
        assert!(
            matches!(&actions[2], Action::Create { endpoint, .. } if endpoint == "https://d.example.com/h")
        );
        assert_eq!(summary(&actions), (1, 1, 1, 2));
    }

    #[test]
    fn rejects_bad_entries_before_anything_is_sent() {
        let bad = validate(
            &[entry("http://example.com/h", &["booking_created"], None)],
            false,
        );
        assert!(bad.unwrap_err().to_string().contains("webhooks[0]"));
        let empty = validate(&[entry("https://example.com/h", &[], None)], false);
        assert!(empty.unwrap_err().to_string().contains("event type"));
        let twice = validate(
            &[
                entry("https://example.com/h", &["booking_created"], None),
                entry("https://EXAMPLE.com/h", &["new_employee"], None),
            ],
            false,
        );
        assert!(twice.unwrap_err().to_string().contains("same endpoint"));
        let many: Vec<DesiredEntry> = (0..7)
            .map(|i| {
                entry(
                    &format!("https://example.com/{i}"),
                    &["booking_created"],
                    None,
                )
            })
            .collect();
        assert!(validate(&many, false).is_err());
    }

    #[test]
    fn reads_toml_and_both_json_shapes() {
        let dir = std::env::temp_dir().join(format!("meetergo-sync-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let toml_file = dir.join("w.toml");
        std::fs::write(
            &toml_file,
            "[[webhooks]]\nendpoint = \"https://example.com/h\"\nevent_types = [\"booking_created\"]\n\n\
             [[webhooks]]\nendpoint = \"https://example.com/i\"\neventTypes = [\"new_employee\"]\ndescription = \"x\"\n",
        )
        .unwrap();
        let entries = load(&toml_file).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[1].description.as_deref(), Some("x"));
        let list = dir.join("l.json");
        std::fs::write(
            &list,
            r#"[{"endpoint":"https://example.com/h","eventTypes":["booking_created"]}]"#,
        )
        .unwrap();
        assert_eq!(load(&list).unwrap().len(), 1);
        let object = dir.join("o.json");
        std::fs::write(
            &object,
            r#"{"webhooks":[{"endpoint":"https://example.com/h","event_types":["booking_created"]}]}"#,
        )
        .unwrap();
        assert_eq!(load(&object).unwrap().len(), 1);
        let typo = dir.join("t.json");
        std::fs::write(
            &typo,
            r#"[{"endpoint":"https://example.com/h","evenTypes":["booking_created"]}]"#,
        )
        .unwrap();
        assert!(load(&typo).unwrap_err().to_string().contains("evenTypes"));
        assert!(load(&dir.join("w.yaml")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
