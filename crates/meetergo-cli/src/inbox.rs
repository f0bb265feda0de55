//! `meetergo inbox`: the operations of a durable delivery inbox (the store `meetergo_core::inbox` writes).

use meetergo_core::inbox::{DeliveryInfo, Inbox, InboxOptions, State};

use crate::CliError;
use crate::cli::{InboxArgs, InboxCommand};

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::msg(e.to_string())
}

/// Runs one inbox operation. The store is blocking SQLite: it runs on a blocking thread.
pub async fn run(args: InboxArgs) -> Result<(), CliError> {
    let Some(store) = args.store.clone() else {
        return Err(CliError::msg(
            "no inbox given: pass --store sqlite:PATH or --store redis://HOST (or set MEETERGO_INBOX)",
        ));
    };
    tokio::task::spawn_blocking(move || operate(&store, &args))
        .await
        .map_err(failed)?
}

fn operate(store: &str, args: &InboxArgs) -> Result<(), CliError> {
    if let Some(path) = meetergo_core::inbox::sqlite_path(store)
        && path != ":memory:"
        && !std::path::Path::new(path).exists()
    {
        return Err(CliError::msg(format!(
            "{path}: no inbox there (a receiver creates it on its first delivery)"
        )));
    }
    let inbox = Inbox::open(store, InboxOptions::default()).map_err(failed)?;
    match &args.command {
        InboxCommand::Status => {
            let c = inbox.counts().map_err(failed)?;
            if args.json {
                say!("{}", c.to_json());
            } else {
                say!(
                    "pending {}  running {}  done {}  dead {}  quarantined {}  (duplicates acknowledged: {})",
                    c.pending,
                    c.running,
                    c.done,
                    c.dead,
                    c.quarantined,
                    c.duplicates
                );
            }
        }
        InboxCommand::List { state, limit } => {
            let state = State::parse(state).ok_or_else(|| {
                CliError::msg(format!(
                    "`{state}` is not a state: pending, running, done, dead or quarantined"
                ))
            })?;
            let deliveries = inbox.list(state, *limit).map_err(failed)?;
            if args.json {
                let rows: Vec<serde_json::Value> =
                    deliveries.iter().map(DeliveryInfo::to_json).collect();
                say!("{}", serde_json::Value::Array(rows));
            } else if deliveries.is_empty() {
                say!("no {state} deliveries");
            } else {
                for d in &deliveries {
                    say!(
                        "{:>6}  {:<20} attempts {:<2} dup {:<3} {}{}",
                        d.id,
                        crate::table::clean(d.webhook_type.as_deref().unwrap_or("-")),
                        d.attempts,
                        d.duplicates,
                        crate::table::clean(&d.key),
                        d.last_error
                            .as_deref()
                            .map(|e| format!("\n        last error: {}", crate::table::clean(e)))
                            .unwrap_or_default()
                    );
                }
            }
        }
        InboxCommand::Replay { id, all_dead } => {
            if *all_dead {
                let n = inbox.replay_dead().map_err(failed)?;
                say!("{n} dead deliveries are pending again");
            } else if let Some(id) = id {
                let state = inbox.replay(*id).map_err(failed)?;
                say!("delivery {id} is {state}");
            }
        }
        InboxCommand::Purge { older_than } => {
            let n = inbox.purge_done(*older_than).map_err(failed)?;
            say!("purged {n} handled deliveries");
        }
    }
    Ok(())
}
