//! `meetergo replay <log> --to <url>`: sends requests logged by `meetergo listen --log` again.
//!
//! A record holds the body as received (see [`Delivery::log_record`](crate::listen::Delivery::log_record)): replayed
//! as it is, byte for byte, and checked against the logged `sha256`. A record whose secrets were masked is replayed
//! with the masks (same length and layout; its idempotency key can differ when it was derived from the body's
//! digest), and says so; a withheld body cannot be replayed.

use std::path::Path;

use base64::Engine as _;
use serde_json::Value;

use crate::CliError;
use crate::cli::ReplayArgs;
use crate::table::clean;
use crate::trigger::{delivery_client, post_as};

/// One request read back from a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logged {
    /// Its `seq`.
    pub seq: u64,
    /// The path it was received on.
    pub path: String,
    /// Its `content-type`, or `application/json`.
    pub content_type: String,
    /// The body to send, or why there is none.
    pub body: Result<Vec<u8>, String>,
    /// Why the body is not the one received, when it is not: `secrets masked`, or its SHA-256 does not match.
    pub differs: Option<String>,
}

/// Reads every record of a log written by `meetergo listen --log`. A line that is not such a record fails with its
/// line number.
pub fn read_log(path: &Path) -> Result<Vec<Logged>, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::msg(format!(
            "cannot read {}: {e}",
            clean(&path.display().to_string())
        ))
    })?;
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let record: Value = serde_json::from_str(line)
            .map_err(|e| CliError::msg(format!("line {} of the log is not JSON: {e}", n + 1)))?;
        out.push(logged(&record).ok_or_else(|| {
            CliError::msg(format!(
                "line {} of the log is not a `meetergo listen --log` record",
                n + 1
            ))
        })?);
    }
    Ok(out)
}

fn logged(record: &Value) -> Option<Logged> {
    let seq = record.get("seq")?.as_u64()?;
    let body = if let Some(text) = record.get("body").and_then(Value::as_str) {
        Ok(text.as_bytes().to_vec())
    } else if let Some(encoded) = record.get("bodyBase64").and_then(Value::as_str) {
        base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| format!("its bodyBase64 does not decode: {e}"))
    } else if record.get("withheld") == Some(&Value::Bool(true)) {
        Err(
            "its body was withheld from the log (not JSON, and it may hold a secret; \
             `meetergo listen --log-secrets` keeps such bodies)"
                .to_owned(),
        )
    } else {
        return None;
    };
    let masked = record
        .get("masked")
        .and_then(Value::as_array)
        .is_some_and(|m| !m.is_empty());
    let logged_digest = record.get("sha256").and_then(Value::as_str);
    let differs = match &body {
        Err(_) => None,
        Ok(_) if masked => Some("secrets masked, not the bytes received".to_owned()),
        Ok(b) => match logged_digest {
            Some(d) if d == meetergo_core::sha256_hex(b) => None,
            Some(_) => {
                Some("its SHA-256 differs from the one logged: not the bytes received".to_owned())
            }
            None => Some("no SHA-256 logged: the bytes received, unverified".to_owned()),
        },
    };
    Some(Logged {
        seq,
        path: record.get("path")?.as_str()?.to_owned(),
        content_type: record
            .get("headers")
            .and_then(|h| h.get("content-type"))
            .and_then(Value::as_str)
            .unwrap_or("application/json")
            .to_owned(),
        body,
        differs,
    })
}

/// `meetergo replay`.
pub async fn run(args: ReplayArgs) -> Result<(), CliError> {
    let mut records = read_log(&args.log)?;
    if !args.seq.is_empty() {
        records.retain(|r| args.seq.contains(&r.seq));
        if let Some(missing) = args
            .seq
            .iter()
            .find(|s| !records.iter().any(|r| r.seq == **s))
        {
            return Err(CliError::msg(format!("the log has no request #{missing}")));
        }
    }
    if records.is_empty() {
        return Err(CliError::msg("the log holds no request"));
    }
    let client = delivery_client(args.timeout)?;
    let mut failed = 0;
    let mut results = Vec::new();
    for (n, record) in records.iter().enumerate() {
        let body = match &record.body {
            Ok(body) => body.clone(),
            Err(why) => {
                failed += 1;
                if args.json {
                    results.push(
                        serde_json::json!({"seq": record.seq, "replayed": false, "reason": why}),
                    );
                } else {
                    say!("#{}: not replayed: {}", record.seq, clean(why));
                }
                continue;
            }
        };
        let note = record.differs.as_deref().unwrap_or("the bytes received");
        let attempt = post_as(
            &client,
            &args.to,
            &record.content_type,
            body.clone(),
            u32::try_from(n + 1).unwrap_or(u32::MAX),
            args.timeout,
        )
        .await;
        if !attempt.ok() {
            failed += 1;
        }
        if args.json {
            let mut result = attempt.json();
            if let Some(object) = result.as_object_mut() {
                object.insert("seq".into(), record.seq.into());
                object.insert("replayed".into(), true.into());
                object.insert("bytes".into(), body.len().into());
                object.insert("loggedPath".into(), record.path.clone().into());
                object.insert("differs".into(), record.differs.clone().into());
            }
            results.push(result);
        } else {
            say!(
                "#{} ({} bytes to {}, logged on {}; {note}): {}",
                record.seq,
                body.len(),
                clean(&meetergo_core::redact_url(args.to.as_str())),
                clean(&record.path),
                attempt.outcome()
            );
        }
    }
    if args.json {
        crate::trigger::print_json(&serde_json::json!({
            "to": meetergo_core::redact_url(args.to.as_str()),
            "requests": results,
        }));
    }
    if failed > 0 {
        return Err(CliError::msg(format!(
            "{failed} of {} logged requests were not delivered (no answer, not 2xx, or no body)",
            records.len()
        )));
    }
    Ok(())
}
