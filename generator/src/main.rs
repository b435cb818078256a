//! The `tokenspec` command: `generate` regenerates `generated/` from `specs/`; `check` fails
//! when it is stale; `validate` only checks the specs.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tokenspec::files;

#[derive(Parser)]
#[command(
    name = "tokenspec",
    version,
    about = "Typed Rust clients for SaaS token endpoints, from YAML specs"
)]
struct Cli {
    /// Folder of provider specs.
    #[arg(long, global = true, default_value = "specs")]
    specs: PathBuf,
    /// Folder of the generated crate.
    #[arg(long, global = true, default_value = "generated")]
    out: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the generated crate from the specs (writes only files whose bytes change).
    Generate,
    /// Change nothing; exit 1 listing each stale file and the command that fixes it.
    Check,
    /// Check the specs and report every error of every file.
    Validate,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, tokenspec::Error> {
    let providers = tokenspec::load_and_validate(&cli.specs)?;
    if let Command::Validate = cli.command {
        println!("{} specs are valid", providers.len());
        return Ok(ExitCode::SUCCESS);
    }
    let tree = tokenspec::generate_tree(&providers)?;
    let io = |source| tokenspec::Error::Io {
        path: cli.out.display().to_string(),
        source,
    };
    let changes = files::changes(&cli.out, &tree).map_err(io)?;
    match cli.command {
        Command::Generate => {
            files::apply(&cli.out, &tree, &changes).map_err(io)?;
            for c in &changes {
                match c {
                    files::Change::Write(p) => println!("wrote {}", p.display()),
                    files::Change::Remove(p) => println!("removed {}", p.display()),
                }
            }
            println!(
                "{} providers, {} files changed",
                providers.len(),
                changes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Check if changes.is_empty() => {
            println!("generated/ is up to date with {} specs", providers.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            for c in &changes {
                eprintln!("{c}");
            }
            eprintln!(
                "{} generated files are stale; run `{}`",
                changes.len(),
                tokenspec::emit::REGENERATE
            );
            Ok(ExitCode::FAILURE)
        }
        Command::Validate => Ok(ExitCode::SUCCESS),
    }
}
