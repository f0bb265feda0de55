//! # meetergo-cli
//!
//! The `meetergo` command: a thin shell over `meetergo-core` (which holds every rule: validation, errors, parsing,
//! de-duplication) and `meetergo-mock` (the local stand-in). It parses flags, calls the SDK and prints.
//!
//! The receiver behind `meetergo listen` lives in [`listen`], so that [`tour`] (and tests) can run it in-process.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::fmt;
use std::process::ExitCode;

/// Writes a line to stdout. A closed pipe (`meetergo webhooks list | head -1`) is not an error worth a panic.
macro_rules! say {
    () => {{
        use ::std::io::Write as _;
        let _ = writeln!(::std::io::stdout().lock());
    }};
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = writeln!(::std::io::stdout().lock(), $($arg)*);
    }};
}

/// Writes a line to stderr.
macro_rules! warn {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = writeln!(::std::io::stderr().lock(), $($arg)*);
    }};
}

pub mod cli;
pub mod commands;
pub mod inbox;
pub mod listen;
pub mod replay;
pub mod sync;
pub mod table;
pub mod tour;
pub mod trigger;

use cli::{Cli, Command};

/// Why a command failed (exit status 1). `Display` never contains the API token: the core's errors never do, and
/// the CLI prints no token of its own.
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// The SDK rejected the input or meetergo answered with an error.
    Sdk(meetergo_core::Error),
    /// Anything else: a file that cannot be read, a receiver that did not answer 2xx, a tour step that went wrong.
    Message(String),
}

impl CliError {
    /// A failure with this message.
    pub fn msg(message: impl Into<String>) -> Self {
        CliError::Message(message.into())
    }

    /// What to try next, for the failures that have an obvious next step.
    pub fn hint(&self) -> Option<String> {
        use meetergo_core::Error;
        let CliError::Sdk(e) = self else {
            return None;
        };
        match e {
            Error::LimitReached(_) => Some(format!(
                "meetergo allows {} webhooks per company: delete one first (`meetergo webhooks delete ID`)",
                meetergo_core::MAX_WEBHOOKS_PER_COMPANY
            )),
            Error::Validation(v) if v.field == "endpoint" => Some(
                "for local development (http://, localhost, private addresses) pass --allow-insecure-endpoints"
                    .into(),
            )
            .filter(|_| {
                matches!(
                    v.kind,
                    meetergo_core::ValidationErrorKind::InsecureScheme
                        | meetergo_core::ValidationErrorKind::PrivateHost
                )
            }),
            Error::RateLimited { .. } => {
                Some("nothing was changed; try again after the wait meetergo asked for".into())
            }
            e if e.is_outcome_unknown() => Some(
                "meetergo may have processed the request: check with `meetergo webhooks list` before retrying"
                    .into(),
            ),
            Error::Transport { .. } | Error::Timeout { .. } => {
                Some("is the base URL right? (--base-url or MEETERGO_BASE_URL)".into())
            }
            _ => match e.status() {
                Some(401) => Some("check the API key (--api-key or MEETERGO_API_KEY)".into()),
                Some(403) => Some(
                    "an `rgo-` personal access token acts as its owner only: leave out --user-id".into(),
                ),
                Some(404) => Some("see the ids with `meetergo webhooks list`".into()),
                _ => None,
            },
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A validation error names the flag (`invalid --api-key: ...`), not the SDK's field (`apiKey`).
            CliError::Sdk(meetergo_core::Error::Validation(v)) => match flag_of(&v.field) {
                Some(flag) => write!(f, "invalid {flag}: {}", v.reason),
                None => write!(f, "{v}"),
            },
            CliError::Sdk(e) => write!(f, "{e}"),
            CliError::Message(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for CliError {}

impl From<meetergo_core::Error> for CliError {
    fn from(e: meetergo_core::Error) -> Self {
        CliError::Sdk(e)
    }
}

impl From<meetergo_core::ValidationError> for CliError {
    fn from(e: meetergo_core::ValidationError) -> Self {
        CliError::Sdk(e.into())
    }
}

/// Runs a parsed command line on a new tokio runtime and returns the exit status (0 ok, 1 failure; usage errors
/// never get here: clap exits with 2).
pub fn run(cli: Cli) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            warn!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let (error, hint) = (
                table::paint("error:", "1;31", table::Stream::Stderr),
                table::paint("hint:", "33", table::Stream::Stderr),
            );
            warn!("{error} {}", table::clean(&e.to_string()));
            if let Some(text) = e.hint() {
                warn!("{hint} {text}");
            }
            ExitCode::FAILURE
        }
    }
}

/// Runs one command.
pub async fn dispatch(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Webhooks(args) => commands::webhooks(args).await,
        Command::Trigger(args) => trigger::run(args).await,
        Command::Replay(args) => replay::run(args).await,
        Command::Listen(args) => listen::run_cli(args).await,
        Command::Mock(args) => commands::mock(args).await,
        Command::Inbox(args) => inbox::run(args).await,
        Command::Tour => tour::run().await,
        Command::Completions { shell } => {
            use clap::CommandFactory as _;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "meetergo",
                &mut std::io::stdout(),
            );
            Ok(())
        }
    }
}

/// The command-line flag of an SDK field (`apiKey` → `--api-key`), so that errors name what the user typed.
fn flag_of(field: &str) -> Option<&'static str> {
    let base = field.split('[').next().unwrap_or(field);
    Some(match base {
        "apiKey" => "--api-key",
        "userId" => "--user-id",
        "baseUrl" => "--base-url",
        "endpoint" => "--endpoint",
        "eventTypes" => "--event-type",
        "description" => "--description",
        "timeout" => "--timeout",
        "maxRetries" => "--max-retries",
        "pathSecret" => "--path-secret",
        "id" => "ID",
        _ => return None,
    })
}
