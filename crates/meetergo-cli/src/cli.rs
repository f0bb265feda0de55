//! The command line: every subcommand, flag and environment variable of `meetergo`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use url::Url;

/// The default port of `meetergo listen` (the seed's `ngrok http 3000`).
pub const DEFAULT_LISTEN_PORT: u16 = 3000;
/// The default port of `meetergo mock`.
pub const DEFAULT_MOCK_PORT: u16 = 4010;

/// meetergo's Webhooks API from the command line: manage webhooks, send and receive test deliveries, run a local
/// stand-in for meetergo.
#[derive(Debug, Parser)]
#[command(name = "meetergo", version, propagate_version = true)]
#[command(
    after_help = "Exit status: 0 ok, 1 API or validation error (message on stderr), 2 usage error."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Manage the company's webhook endpoints (list, create, update, delete, sync).
    Webhooks(WebhooksArgs),
    /// POST a realistic sample delivery (or a file's bytes) to a URL and print the receiver's answer and latency.
    ///
    /// The samples follow meetergo's documented `booking_created` example; what meetergo does not document is
    /// guessed, and marked so in the README ("What the stand-in's samples guess"): the `cancel` object of `booking_cancelled`
    /// (taken from meetergo's appointment API), `originalStart` of `booking_rescheduled` (the name is a guess),
    /// every field of `new_employee` and `form_submission` but `formId` and `submittedAt`, and the `channel` values
    /// (`zoom`, `google`, `local`, ..., as meetergo's own tools spell them).
    Trigger(TriggerArgs),
    /// Send requests logged by `meetergo listen --log` again, to a receiver.
    Replay(ReplayArgs),
    /// Receive deliveries locally: answer 200 at once, print each parsed event, flag duplicates.
    Listen(ListenArgs),
    /// Run the local meetergo stand-in until Ctrl-C.
    Mock(MockArgs),
    /// Inspect and operate a durable delivery inbox: counts, lists, replay of dead or quarantined deliveries, purge.
    Inbox(InboxArgs),
    /// Walk through the SDK end to end on an in-process stand-in and listener (offline, a few seconds).
    Tour,
    /// Print a shell completion script: `meetergo completions bash > ~/.local/share/bash-completion/completions/meetergo`,
    /// `meetergo completions zsh > "${fpath[1]}/_meetergo"`, `meetergo completions fish > ~/.config/fish/completions/meetergo.fish`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// `meetergo inbox ...`.
#[derive(Debug, Args)]
pub struct InboxArgs {
    /// The inbox's store: `sqlite:PATH` or `redis://HOST[:PORT][/DB][?prefix=NAME]`.
    #[arg(long, env = "MEETERGO_INBOX", value_name = "URL", global = true)]
    pub store: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    /// The operation.
    #[command(subcommand)]
    pub command: InboxCommand,
}

/// The inbox operations.
#[derive(Debug, Subcommand)]
pub enum InboxCommand {
    /// How many deliveries are pending, running, done, dead and quarantined, and how many duplicates were folded.
    Status,
    /// The deliveries in one state, oldest first (bodies are not shown: they hold booking secrets).
    List {
        /// pending, running, done, dead or quarantined.
        #[arg(long, default_value = "dead")]
        state: String,
        /// At most this many.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Put a dead delivery back in the queue, or parse a quarantined body again; `--all-dead` replays every dead one.
    Replay {
        /// The delivery's id (from `meetergo inbox list`).
        #[arg(required_unless_present = "all_dead", conflicts_with = "all_dead")]
        id: Option<i64>,
        /// Every dead delivery.
        #[arg(long)]
        all_dead: bool,
    },
    /// Delete deliveries handled longer ago than `--older-than` (their keys go too: keep it above the time meetergo
    /// may redeliver).
    Purge {
        /// Age in seconds, or with a unit: `30d`, `12h`, `90m`.
        #[arg(long, value_name = "AGE", value_parser = parse_age)]
        older_than: Duration,
    },
}

/// `30d`, `12h`, `90m`, `45s` or plain seconds.
fn parse_age(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not an age such as 30d, 12h, 90m or 3600"))?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("`{text}`: the unit must be s, m, h or d")),
    };
    n.checked_mul(seconds)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("`{text}` is too long"))
}

/// `meetergo webhooks ...`.
#[derive(Debug, Args)]
pub struct WebhooksArgs {
    /// Connection and output options.
    #[command(flatten)]
    pub api: ApiArgs,
    /// The operation.
    #[command(subcommand)]
    pub command: WebhooksCommand,
}

/// How to reach meetergo, and how to print. Accepted before or after the operation's name.
#[derive(Debug, Clone, Default, Args)]
pub struct ApiArgs {
    /// API token: an `ak_live:...` key (needs --user-id) or an `rgo-...` personal access token.
    #[arg(long, env = "MEETERGO_API_KEY", hide_env_values = true, global = true)]
    pub api_key: Option<String>,
    /// The user an `ak_live:` key acts for (`x-meetergo-api-user-id`); not sent with `rgo-` tokens.
    #[arg(long, env = "MEETERGO_USER_ID", global = true)]
    pub user_id: Option<String>,
    /// API base URL [default: https://api.meetergo.com].
    #[arg(long, env = "MEETERGO_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Allow `http://` and private or loopback endpoint hosts (local development, tunnels).
    #[arg(long, global = true)]
    pub allow_insecure_endpoints: bool,
    /// Timeout of each attempt, in seconds [default: 30].
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, global = true)]
    pub timeout: Option<Duration>,
    /// Retries after the first attempt, for answers that are safe to retry [default: 2].
    #[arg(long, value_name = "N", global = true)]
    pub max_retries: Option<u32>,
    /// Print JSON (the webhooks as meetergo sends them) instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The webhook operations.
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// List the company's webhooks.
    List,
    /// Register a webhook.
    Create {
        /// URL that receives the deliveries (https on a public host, unless --allow-insecure-endpoints).
        #[arg(long)]
        endpoint: String,
        /// Event type to subscribe to (repeat the flag or separate with commas), e.g. booking_created.
        #[arg(
            long = "event-type",
            value_name = "TYPE",
            value_delimiter = ',',
            required = true
        )]
        event_types: Vec<String>,
        /// Human-readable description.
        #[arg(long)]
        description: Option<String>,
        /// Append an unguessable path segment (`mps_` and 256 random bits) to the endpoint, so that your receiver
        /// can refuse deliveries that do not come from meetergo (which does not sign them). The secret is printed
        /// once: keep it in MEETERGO_PATH_SECRET for `meetergo listen` or your receiver's `PathSecret` check.
        #[arg(long)]
        secret_path: bool,
    },
    /// Change a webhook: only the options given are changed; --event-type replaces the whole list.
    Update {
        /// The webhook's id.
        id: String,
        /// New endpoint URL.
        #[arg(long)]
        endpoint: Option<String>,
        /// New event types (repeat the flag or separate with commas).
        #[arg(long = "event-type", value_name = "TYPE", value_delimiter = ',')]
        event_types: Vec<String>,
        /// New description.
        #[arg(long)]
        description: Option<String>,
        /// Append a new path secret to the new --endpoint (to rotate one: give the endpoint without the old one).
        #[arg(long, requires = "endpoint")]
        secret_path: bool,
    },
    /// Delete a webhook.
    Delete {
        /// The webhook's id.
        id: String,
    },
    /// Make the company's webhooks match a file (TOML or JSON, by extension): prints the plan, then applies it.
    ///
    /// The file lists the wanted webhooks, matched to the existing ones by endpoint. TOML:
    /// `[[webhooks]]` tables with `endpoint`, `event_types` (or `eventTypes`) and an optional `description`;
    /// JSON: a list of such objects, or `{"webhooks": [...]}`. Webhooks not in the file are deleted.
    Sync {
        /// The desired state (`.toml` or `.json`).
        file: PathBuf,
        /// Print the plan without changing anything.
        #[arg(long)]
        dry_run: bool,
        /// Delete webhooks that are not in the file without asking (needed when standard input is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

/// `meetergo trigger ...`.
#[derive(Debug, Args)]
pub struct TriggerArgs {
    /// The event type of the sample delivery: booking_created, booking_cancelled, booking_rescheduled,
    /// new_employee, form_submission (any other type gets a minimal body). Not with --body-file.
    #[arg(required_unless_present = "body_file", conflicts_with = "body_file")]
    pub event_type: Option<String>,
    /// Send this file's bytes as they are instead of a sample (a delivery saved from a log, a fixture).
    #[arg(long, value_name = "FILE")]
    pub body_file: Option<PathBuf>,
    /// The receiver's URL (http or https).
    #[arg(long, value_name = "URL", value_parser = parse_http_url)]
    pub to: Url,
    /// Send the same delivery this many times (meetergo delivers at least once).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeat: u32,
    /// How long to wait for each answer, in seconds (meetergo waits 30).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, default_value = "30")]
    pub timeout: Duration,
    /// Print one JSON object (what was sent, and each attempt's status, time and error) instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// `meetergo replay ...`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A log written by `meetergo listen --log`.
    pub log: PathBuf,
    /// The receiver's URL (http or https); every request goes to it, whatever path it was logged with.
    #[arg(long, value_name = "URL", value_parser = parse_http_url)]
    pub to: Url,
    /// Only the request with this sequence number (repeat the flag for several) [default: every request].
    #[arg(long, value_name = "N")]
    pub seq: Vec<u64>,
    /// How long to wait for each answer, in seconds.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, default_value = "30")]
    pub timeout: Duration,
    /// Print one JSON object (each request's sequence number, status, time and error) instead of lines.
    #[arg(long)]
    pub json: bool,
}

/// `meetergo listen ...`.
#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Port on 127.0.0.1 (0 picks a free one; the first line printed names it).
    #[arg(long, default_value_t = DEFAULT_LISTEN_PORT)]
    pub port: u16,
    /// Print one JSON object a line (`"type": "listening"` first, then `delivery`, `forwarded`, `executed`,
    /// `problem`) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also POST each raw body to this URL (in the background; the sender still gets its 200 at once).
    #[arg(long, value_name = "URL", value_parser = parse_http_url)]
    pub forward_to: Option<Url>,
    /// Append every request to this file, one JSON object a line: time, path, headers without credentials, and the
    /// body exactly as received with the values of secret-looking keys (the booking `secret`) masked in place.
    /// `meetergo replay FILE --to URL` sends logged requests again.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Keep secrets in the logged bodies, so that a replay sends the very bytes received. The log then holds
    /// credentials (a booking secret can cancel the booking): keep it private.
    #[arg(long, requires = "log")]
    pub log_secrets: bool,
    /// A durable inbox (`sqlite:PATH`, or `redis://HOST[:PORT][/DB][?prefix=NAME]` for receivers on many machines): every delivery is stored before the 200 (503 when it cannot be), redeliveries
    /// are recognised across restarts, and `--forward-to` becomes its handler: retried with backoff until the target
    /// answers 2xx (with an `Idempotency-Key` header), then dead-lettered (`meetergo inbox list`).
    #[arg(long, value_name = "URL", env = "MEETERGO_INBOX")]
    pub store: Option<String>,
    /// With --store: run this shell command (`sh -c`) once per stored event as the inbox's handler: the body on its
    /// standard input, `MEETERGO_IDEMPOTENCY_KEY`, `MEETERGO_ATTEMPT`, `MEETERGO_DELIVERY_ID` and
    /// `MEETERGO_WEBHOOK_TYPE` in its environment. Exit status 0 completes the delivery; anything else (or running
    /// past --lease) is a failed attempt, retried with backoff, then dead-lettered with the end of its stderr. It runs in
    /// a process group of its own: what it leaves running when it exits, or when it is killed, goes with it.
    #[arg(
        long,
        value_name = "COMMAND",
        requires = "store",
        conflicts_with = "forward_to"
    )]
    pub exec: Option<String>,
    /// With --store: how long a delivery being forwarded stays claimed; after a crash, another listener on the same
    /// store takes it over once this has passed. Keep it above the forward's 30-second timeout.
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, requires = "store", default_value = "60")]
    pub lease: Duration,
    /// With --store: refuse new deliveries (503) once the inbox holds this many bytes, instead of filling the disk.
    #[arg(long, value_name = "BYTES", requires = "store")]
    pub max_store_bytes: Option<u64>,
    /// Answer 404 to requests whose path does not hold this path secret (`webhooks create --secret-path` makes
    /// one). Give it in the environment rather than on the command line, where other users of the machine can
    /// read it.
    #[arg(
        long,
        value_name = "SECRET",
        env = "MEETERGO_PATH_SECRET",
        hide_env_values = true
    )]
    pub path_secret: Option<String>,
}

/// `meetergo mock ...`.
#[derive(Debug, Args)]
pub struct MockArgs {
    /// Port on 127.0.0.1 (0 picks a free one; the first line printed names it).
    #[arg(long, default_value_t = DEFAULT_MOCK_PORT)]
    pub port: u16,
    /// Do not enforce meetergo's rate limit (100 requests a minute per token, bursts of 200).
    #[arg(long)]
    pub no_rate_limit: bool,
    /// How long a delivery waits for the receiver's answer, in seconds (meetergo: 30).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds, default_value = "30")]
    pub delivery_timeout: Duration,
    /// Webhooks a company may have (meetergo: 6).
    #[arg(long, value_name = "N", default_value_t = meetergo_core::MAX_WEBHOOKS_PER_COMPANY)]
    pub max_webhooks: usize,
    /// Largest request body accepted, in bytes; larger ones get 413.
    #[arg(long, value_name = "BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Answer webhook ids as JSON integers (`"id": 1492`), as meetergo's live API does, instead of the UUID strings
    /// its documentation shows.
    #[arg(long)]
    pub numeric_ids: bool,
    /// Accept endpoints whose host has no top-level domain (`http://localhost:3000/hooks`), which meetergo refuses
    /// ("endpoint must be a URL address"): for local development.
    #[arg(long)]
    pub allow_local_endpoints: bool,
}

/// Seconds as a positive decimal number, at most a day.
fn parse_seconds(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err("the timeout must be above 0 and at most 86400 seconds".into());
    }
    Duration::try_from_secs_f64(secs).map_err(|e| e.to_string())
}

/// An absolute `http` or `https` URL.
fn parse_http_url(s: &str) -> Result<Url, String> {
    let url = Url::parse(s.trim()).map_err(|e| format!("not an absolute URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("the URL must be http:// or https:// with a host".into());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn seconds_and_urls() {
        assert_eq!(parse_seconds("2.5"), Ok(Duration::from_millis(2500)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("NaN").is_err());
        assert!(parse_seconds("inf").is_err());
        assert!(parse_http_url("http://127.0.0.1:3000/hook").is_ok());
        assert!(parse_http_url("ftp://example.com").is_err());
        assert!(parse_http_url("example.com").is_err());
    }

    #[test]
    fn event_types_repeat_or_split_on_commas() {
        let cli = Cli::try_parse_from([
            "meetergo",
            "webhooks",
            "create",
            "--endpoint",
            "https://example.com/h",
            "--event-type",
            "booking_created,booking_cancelled",
            "--event-type",
            "new_employee",
            "--json",
        ])
        .unwrap();
        let Command::Webhooks(w) = cli.command else {
            panic!("not webhooks")
        };
        assert!(w.api.json);
        let WebhooksCommand::Create { event_types, .. } = w.command else {
            panic!("not create")
        };
        assert_eq!(
            event_types,
            ["booking_created", "booking_cancelled", "new_employee"]
        );
    }
}
