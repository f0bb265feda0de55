//! The `meetergo` command. Everything happens in the library (`meetergo_cli`); see `meetergo --help`.

use clap::Parser;

fn main() -> std::process::ExitCode {
    // Usage errors exit with status 2 (clap's default), before anything else runs.
    meetergo_cli::run(meetergo_cli::cli::Cli::parse())
}
