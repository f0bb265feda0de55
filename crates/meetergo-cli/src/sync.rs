//! `meetergo webhooks sync FILE`: make the company's webhooks match a declared list.
//!
//! The file is read here; the checks, the plan (matching by endpoint, updates, then deletes, then creates) and each
//! step are the core's (`meetergo_core::{validate_desired, plan_sync, SyncAction}`), so every runtime syncs alike.

use std::path::Path;

use meetergo_core::{EventType, NewWebhook, SyncAction, plan_sync, validate_desired};
use serde::Deserialize;

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

/// The file's entries as the core's wanted webhooks, checked by the core (nothing is sent if one is wrong).
pub fn validate(
    entries: &[DesiredEntry],
    allow_insecure: bool,
) -> Result<Vec<NewWebhook>, CliError> {
    let wanted: Vec<NewWebhook> = entries
        .iter()
        .map(|entry| {
            let new = NewWebhook::new(entry.endpoint.clone(), &entry.event_types);
            match &entry.description {
                Some(d) => new.description(d.clone()),
                None => new,
            }
        })
        .collect();
    validate_desired(&wanted, allow_insecure)
        .map_err(|e| CliError::msg(table::clean(&e.to_string())))
}

/// One line of the human plan.
pub fn describe(action: &SyncAction) -> String {
    // Endpoints as printable: path secrets and credentials masked.
    let shown = |endpoint: &str| meetergo_core::redact_url(endpoint).into_owned();
    let line = match action {
        SyncAction::Delete { id, endpoint } => format!("- delete     {id}  {}", shown(endpoint)),
        SyncAction::Update {
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
            format!(
                "~ update     {id}  {}  ({})",
                shown(endpoint),
                changes.join("; ")
            )
        }
        SyncAction::Create { endpoint, webhook } => {
            format!(
                "+ create     {}  [{}]",
                shown(endpoint),
                join(&webhook.event_types)
            )
        }
        SyncAction::Unchanged { id, endpoint } => {
            format!("= unchanged  {id}  {}", shown(endpoint))
        }
        _ => format!("? {}", action.kind()),
    };
    table::clean(&line)
}

fn join(types: &[EventType]) -> String {
    types
        .iter()
        .map(EventType::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// Counts by kind: (create, update, delete, unchanged).
pub fn summary(actions: &[SyncAction]) -> (usize, usize, usize, usize) {
    let count = |k: &str| actions.iter().filter(|a| a.kind() == k).count();
    (
        count("create"),
        count("update"),
        count("delete"),
        count("unchanged"),
    )
}

/// Whether the deletes of a plan may go ahead: `--yes`, or a "y" typed at the terminal. Without a terminal on standard
/// input and without `--yes`, a plan that deletes is refused before anything changes.
fn confirm_deletes(delete: usize, yes: bool) -> Result<(), CliError> {
    use std::io::{BufRead as _, IsTerminal as _, Write as _};
    if delete == 0 || yes {
        return Ok(());
    }
    let refused = || {
        CliError::msg(format!(
            "the plan deletes {delete} webhook(s) that are not in the file; nothing was changed (pass --yes to \
             confirm, or --dry-run to see the plan)"
        ))
    };
    if !std::io::stdin().is_terminal() {
        return Err(refused());
    }
    let mut stderr = std::io::stderr().lock();
    let _ = write!(
        stderr,
        "delete {delete} webhook(s) that are not in the file? [y/N] "
    );
    let _ = stderr.flush();
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        Err(refused())
    }
}

/// `meetergo webhooks sync FILE [--dry-run] [--yes]`.
pub async fn run(api: &ApiArgs, file: &Path, dry_run: bool, yes: bool) -> Result<(), CliError> {
    let entries = load(file)?;
    let desired = validate(&entries, api.allow_insecure_endpoints)?;
    for entry in &entries {
        warn_unknown(&entry.event_types);
    }
    let client = client(api)?;
    let webhooks = client.webhooks();
    let existing = webhooks.list().await?;
    let actions = plan_sync(&desired, &existing);
    let (create, update, delete, unchanged) = summary(&actions);
    if !api.json {
        say!(
            "plan: {create} to create, {update} to update, {delete} to delete, {unchanged} unchanged{}",
            if dry_run { " (dry run)" } else { "" }
        );
        for action in &actions {
            let line = describe(action);
            let line = match action {
                SyncAction::Create { .. } => table::paint(&line, "32", table::Stream::Stdout),
                SyncAction::Update { .. } => table::paint(&line, "33", table::Stream::Stdout),
                SyncAction::Delete { .. } => table::paint(&line, "31", table::Stream::Stdout),
                _ => line,
            };
            say!("  {line}");
        }
    }
    if !dry_run {
        confirm_deletes(delete, yes)?;
    }
    let mut applied = Vec::new();
    let mut failure = None;
    if !dry_run {
        for action in actions.iter().filter(|a| a.is_change()) {
            let result = action.apply(&webhooks).await;
            match result {
                Ok(hook) => {
                    if !api.json {
                        let what = match action {
                            SyncAction::Delete { id, .. } => format!("deleted {id}"),
                            SyncAction::Update { id, .. } => format!("updated {id}"),
                            _ => format!(
                                "created {}",
                                hook.as_ref().map(|h| h.id.as_str()).unwrap_or("?")
                            ),
                        };
                        say!("{}", table::clean(&what));
                    }
                    let id = action.id().or(hook.as_ref().map(|h| h.id.as_str()));
                    let endpoint = action.endpoint();
                    let kind = action.kind();
                    applied.push(serde_json::json!({
                        "action": kind, "id": id, "endpoint": endpoint, "webhook": hook,
                    }));
                }
                Err(e) => {
                    failure = Some(CliError::msg(format!(
                        "{} failed: {e}; {} of {} changes applied (run sync again to finish)",
                        describe(action),
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

    fn entry(endpoint: &str, types: &[&str], description: Option<&str>) -> DesiredEntry {
        DesiredEntry {
            endpoint: endpoint.into(),
            event_types: types.iter().map(|s| (*s).to_owned()).collect(),
            description: description.map(str::to_owned),
        }
    }

    #[test]
    fn entries_are_checked_by_the_core() {
        let bad = validate(
            &[entry("http://example.com/h", &["booking_created"], None)],
            false,
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("webhooks[0].endpoint")
        );
        let ok = validate(
            &[entry(
                "https://example.com/h",
                &["new_employee", "new_employee"],
                Some("d"),
            )],
            false,
        );
        assert_eq!(ok.unwrap()[0].event_types.len(), 1);
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
