//! `meetergo webhooks ...` and `meetergo mock`: flags in, SDK calls, output out.

use meetergo_core::{
    Client, ClientOptions, EventType, NewWebhook, PathSecret, Webhook, WebhookPatch,
};
use meetergo_mock::{MockConfig, MockError, MockServer};

use crate::CliError;
use crate::cli::{ApiArgs, MockArgs, WebhooksArgs, WebhooksCommand};
use crate::table;

/// A flag or environment value, `None` when blank (as the core treats blank environment variables).
fn given(value: Option<&String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty()).cloned()
}

/// The SDK's options for these flags. What is not given falls back to the environment (read by clap and, again,
/// by the core), then to the core's defaults.
pub fn client_options(api: &ApiArgs) -> ClientOptions {
    let mut options = ClientOptions::default();
    options.api_key = given(api.api_key.as_ref());
    options.user_id = given(api.user_id.as_ref());
    options.base_url = given(api.base_url.as_ref());
    options.timeout = api.timeout;
    options.max_retries = api.max_retries;
    options.allow_insecure_endpoints = api.allow_insecure_endpoints;
    options
}

/// Builds the client: a missing or malformed token, an `ak_live:` key without a user id or a bad base URL fail here,
/// before any request.
pub fn client(api: &ApiArgs) -> Result<Client, CliError> {
    Ok(Client::new(client_options(api))?)
}

/// Warns about event types this SDK version does not know: meetergo will probably reject them.
pub fn warn_unknown(event_types: &[String]) {
    for t in event_types {
        if EventType::from(t.as_str()).is_unknown() && !t.trim().is_empty() {
            warn!(
                "warning: `{}` is not an event type this version knows ({}); meetergo may reject it",
                table::clean(t),
                known_event_types()
            );
        }
    }
}

/// The known event types, comma-separated.
pub fn known_event_types() -> String {
    EventType::KNOWN
        .iter()
        .map(EventType::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::msg(format!("cannot write JSON: {e}")))?;
    say!("{text}");
    Ok(())
}

fn print_one(
    verb: &str,
    hook: &Webhook,
    secret: Option<&PathSecret>,
    as_json: bool,
) -> Result<(), CliError> {
    if as_json {
        let mut value = serde_json::to_value(hook).map_err(|e| CliError::msg(e.to_string()))?;
        if let (Some(secret), Some(object)) = (secret, value.as_object_mut()) {
            object.insert("pathSecret".to_owned(), secret.reveal().into());
        }
        return json(&value);
    }
    say!("{verb} webhook {}", table::clean(&hook.id));
    say!("{}", table::webhooks(std::slice::from_ref(hook)));
    if let Some(secret) = secret {
        say!(
            "path secret: {}\n  shown this once: keep it where your receiver reads it (MEETERGO_PATH_SECRET for \
             `meetergo listen`, `PathSecret` in the SDKs); lists show it as [redacted]",
            secret.reveal()
        );
    }
    Ok(())
}

/// The endpoint with a new path secret appended, when asked.
fn with_path_secret(
    endpoint: String,
    asked: bool,
) -> Result<(String, Option<PathSecret>), CliError> {
    if !asked {
        return Ok((endpoint, None));
    }
    let secret = PathSecret::generate().map_err(meetergo_core::Error::from)?;
    let endpoint = secret
        .endpoint(&endpoint)
        .map_err(meetergo_core::Error::from)?;
    Ok((endpoint, Some(secret)))
}

/// `meetergo webhooks list|create|update|delete|sync`.
pub async fn webhooks(args: WebhooksArgs) -> Result<(), CliError> {
    let api = &args.api;
    match args.command {
        WebhooksCommand::List => {
            let client = client(api)?;
            let hooks = client.webhooks().list().await?;
            if api.json {
                return json(&hooks);
            }
            if hooks.is_empty() {
                say!("no webhooks");
            } else {
                say!("{}", table::webhooks(&hooks));
            }
            Ok(())
        }
        WebhooksCommand::Create {
            endpoint,
            event_types,
            description,
            secret_path,
        } => {
            let client = client(api)?;
            warn_unknown(&event_types);
            let (endpoint, secret) = with_path_secret(endpoint, secret_path)?;
            let mut new = NewWebhook::new(endpoint, event_types);
            if let Some(d) = description {
                new = new.description(d);
            }
            let hook = client.webhooks().create(new).await?;
            print_one("created", &hook, secret.as_ref(), api.json)
        }
        WebhooksCommand::Update {
            id,
            endpoint,
            event_types,
            description,
            secret_path,
        } => {
            let client = client(api)?;
            let mut patch = WebhookPatch::new();
            let mut secret = None;
            if let Some(e) = endpoint {
                let (e, s) = with_path_secret(e, secret_path)?;
                patch = patch.endpoint(e);
                secret = s;
            }
            if !event_types.is_empty() {
                warn_unknown(&event_types);
                patch = patch.event_types(event_types);
            }
            if let Some(d) = description {
                patch = patch.description(d);
            }
            let hook = client.webhooks().update(&id, patch).await?;
            print_one("updated", &hook, secret.as_ref(), api.json)
        }
        WebhooksCommand::Delete { id } => {
            let client = client(api)?;
            client.webhooks().delete(&id).await?;
            if api.json {
                return json(&serde_json::json!({ "deleted": id }));
            }
            say!("deleted webhook {}", table::clean(&id));
            Ok(())
        }
        WebhooksCommand::Sync { file, dry_run, yes } => {
            crate::sync::run(api, &file, dry_run, yes).await
        }
    }
}

/// `meetergo mock`: the stand-in, until Ctrl-C.
pub async fn mock(args: MockArgs) -> Result<(), CliError> {
    let config = MockConfig::default()
        .port(args.port)
        .rate_limit(!args.no_rate_limit)
        .delivery_timeout(args.delivery_timeout)
        .max_webhooks(args.max_webhooks)
        .max_body_bytes(args.max_body_bytes)
        .numeric_ids(args.numeric_ids)
        .allow_local_endpoints(args.allow_local_endpoints);
    let server = MockServer::start(config).await.map_err(|e| match e {
        MockError::Bind { addr, source } => CliError::msg(format!(
            "cannot listen on {addr}: {source} (is another program using port {}? pick another with --port, or \
             --port 0 for any free one)",
            addr.port()
        )),
        other => CliError::msg(other.to_string()),
    })?;
    let base = server.base_url();
    say!("meetergo mock listening on {base}");
    say!(
        "  webhooks API: {base}/webhooks (any `rgo-...` token works; `ak_live:<uuid>:<secret>` needs a user id)"
    );
    say!(
        "  simulate a delivery: POST {base}/_mock/events {{\"eventType\":\"booking_created\",\"repeat\":2}}"
    );
    say!(
        "  try: export MEETERGO_BASE_URL={base} MEETERGO_API_KEY=rgo-local-dev; meetergo webhooks list"
    );
    say!(
        "  webhook ids: {}; endpoints: {}",
        if args.numeric_ids {
            "JSON integers, as meetergo's live API answers"
        } else {
            "UUID strings, as meetergo documents"
        },
        if args.allow_local_endpoints {
            "any http(s) URL, localhost included"
        } else {
            "checked as meetergo does (localhost refused; --allow-local-endpoints for local development)"
        }
    );
    say!(
        "  rate limit: {}; stop with Ctrl-C",
        if args.no_rate_limit {
            "off"
        } else {
            "100/min per token, bursts of 200"
        }
    );
    let stopped = tokio::signal::ctrl_c().await;
    server.shutdown().await;
    match stopped {
        Ok(()) => {
            say!("meetergo mock stopped");
            Ok(())
        }
        Err(e) => Err(CliError::msg(format!("cannot wait for Ctrl-C: {e}"))),
    }
}
