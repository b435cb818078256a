//! `tokenctl`: try any tokenspec provider's token endpoint from the command line.
//!
//! ```text
//! tokenctl providers [--json]
//! tokenctl describe <provider> [--json]
//! tokenctl token <provider> [--env NAME] [--grant GRANT] [--set NAME=VALUE]...
//!                           [--base-url URL] [--placement KIND] [--dry-run] [--reveal]
//!                           [--timeout SECONDS] [--retries N]
//! tokenctl authorize-url <provider> [--env NAME] [--set NAME=VALUE]... [--base-url URL]
//! ```
//!
//! `token` sends through the runtime's client with the runtime's defaults: each attempt within
//! `--timeout` (30 s), and `--retries` (2) more attempts after a connection failure, a timeout,
//! `429` or `5xx`, with backoff and `Retry-After`; never after another `4xx`. `--retries 0`
//! sends once. The answer of the last attempt is the one shown.
//!
//! Exit status: 0 success; 1 the provider answered with an error or an unusable response, or
//! it could not be reached (connection refused, timeout): stdout then holds
//! `{"error": {"status": N or null, ...}}` and stderr one line; 2 bad usage or input (stderr
//! says what is expected). Secrets print as `***` everywhere unless `token --reveal`.

mod describe;
mod inputs;
mod mask;
mod token;

use clap::{Parser, Subcommand};
use mask::Redactor;
use serde_json::{Value, json};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "tokenctl",
    version,
    about = "Try any tokenspec provider's token endpoint from the command line",
    after_help = "Inputs come from --set NAME=VALUE, else from TOKENSPEC_<NAME> environment \
                  variables (TOKENSPEC_CLIENT_SECRET). Secrets print as *** unless --reveal.\n\
                  `token` retries connection failures, timeouts, 429 and 5xx (--retries, \
                  --timeout per attempt); never another 4xx.\n\
                  Exit status: 0 success, 1 provider error, unusable response or transport \
                  failure, 2 bad usage or input."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the providers compiled in.
    Providers {
        /// One JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show a provider's environments, grants and inputs.
    Describe {
        /// Provider name (see `tokenctl providers`).
        provider: String,
        /// One JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Build the token request and send it (or print it with --dry-run).
    Token(token::TokenArgs),
    /// Print the URL to send the user to (authorization-code providers).
    AuthorizeUrl(token::AuthorizeArgs),
}

/// What a command prints on success.
#[derive(Debug)]
pub enum Stdout {
    /// Printed as pretty JSON.
    Json(Value),
    /// Printed as a line (or lines).
    Text(String),
}

/// The output of a successful command.
#[derive(Debug)]
pub struct Report {
    stdout: Stdout,
    /// Lines for stderr (the command still succeeded).
    warnings: Vec<String>,
}

impl Report {
    fn json(value: Value) -> Self {
        Report {
            stdout: Stdout::Json(value),
            warnings: Vec::new(),
        }
    }

    fn text(text: String) -> Self {
        Report {
            stdout: Stdout::Text(text),
            warnings: Vec::new(),
        }
    }
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or input (exit 2): unknown provider, environment, grant or input, a missing
    /// or invalid value. Nothing was sent.
    Usage(String),
    /// The provider answered with an error or an unusable response, or could not be reached
    /// (exit 1). `error` is printed on stdout as `{"error": error}`, `message` on stderr.
    Remote { error: Value, message: String },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // clap prints usage errors to stderr and exits 2; --help and --version exit 0.
        Err(e) => e.exit(),
    };
    let reveal = matches!(&cli.command, Command::Token(args) if args.reveal);
    let mut redactor = Redactor::new(reveal);
    let result = run(cli.command, &mut redactor);
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    // Write errors (a closed pipe) are ignored: never a panic.
    match result {
        Ok(report) => {
            let mut out = stdout.lock();
            match report.stdout {
                Stdout::Json(mut value) => {
                    redactor.json(&mut value);
                    let _ = writeln!(out, "{}", pretty(&value));
                }
                Stdout::Text(text) => {
                    let _ = writeln!(out, "{}", redactor.text(text.trim_end()));
                }
            }
            let _ = out.flush();
            let mut err = stderr.lock();
            for warning in report.warnings {
                let _ = writeln!(err, "tokenctl: {}", redactor.text(&warning));
            }
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(message)) => {
            let _ = writeln!(stderr.lock(), "tokenctl: {}", redactor.text(&message));
            ExitCode::from(2)
        }
        Err(Failure::Remote { error, message }) => {
            let mut value = json!({ "error": error });
            redactor.json(&mut value);
            let mut out = stdout.lock();
            let _ = writeln!(out, "{}", pretty(&value));
            let _ = out.flush();
            let line = redactor.text(&message).replace(['\n', '\r'], " ");
            let _ = writeln!(stderr.lock(), "tokenctl: {line}");
            ExitCode::from(1)
        }
    }
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

fn run(command: Command, redactor: &mut Redactor) -> Result<Report, Failure> {
    match command {
        Command::Providers { json } => {
            let providers = tokenspec_providers::providers();
            Ok(if json {
                Report::json(Value::Array(
                    providers
                        .iter()
                        .map(|p| describe::provider_summary(p))
                        .collect(),
                ))
            } else {
                Report::text(describe::providers_table(providers))
            })
        }
        Command::Describe { provider, json } => {
            let provider = token::find_provider(&provider)?;
            Ok(if json {
                Report::json(describe::provider_details(provider))
            } else {
                Report::text(describe::details_text(provider))
            })
        }
        Command::Token(args) => token::token(&args, redactor),
        Command::AuthorizeUrl(args) => token::authorize_url(&args, redactor),
    }
}
