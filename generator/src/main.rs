//! The `tokenspec` command: `generate` regenerates `generated/` (and `specs/schema.json`) from
//! `specs/`, or with `--crate-name` a standalone crate in `--out`; `check` fails when they are
//! stale; `validate` only checks the specs.

// Generation is allocation-bound: most of its time is spent in malloc and free for token
// streams and syn's buffers. mimalloc takes about a third off (BENCHMARKS.md, "Issue 12"). The
// library leaves the allocator to the program that uses it (a build script, a test).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use tokenspec::diagnostic::ColorChoice;
use tokenspec::emit::manifest;
use tokenspec::output;

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
    /// Folder of the generated crate [default: generated]; for `import`, the folder the specs
    /// are written to [default: the --specs folder].
    #[arg(long, global = true, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Colour diagnostics: auto (a terminal, unless NO_COLOR or CI is set), always or never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

impl From<Color> for ColorChoice {
    fn from(c: Color) -> Self {
        match c {
            Color::Auto => ColorChoice::Auto,
            Color::Always => ColorChoice::Always,
            Color::Never => ColorChoice::Never,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate the generated crate and specs/schema.json from the specs (writes only files
    /// whose bytes change).
    Generate(Standalone),
    /// Change nothing; exit 1 listing each stale file and the command that fixes it.
    Check(Standalone),
    /// Check spec files (default: every spec in --specs) and report every error of every file.
    Validate {
        /// Spec files or folders of specs.
        paths: Vec<PathBuf>,
    },
    /// Write a commented skeleton spec, <specs>/<provider>.yaml, that validates as it is.
    New {
        /// The provider name: snake_case, the file, module and feature name.
        provider: String,
        /// The grant the endpoint supports; the spec's snake_case names (`client_credentials`)
        /// work too.
        #[arg(long, value_enum, default_value_t = Grant::ClientCredentials)]
        grant: Grant,
        /// Where the client puts its credentials.
        #[arg(long, value_enum, default_value_t = Auth::Basic)]
        auth: Auth,
        /// How the endpoint answers (spec format 1.1 `response.format`).
        #[arg(long, value_enum, default_value_t = Response::Json)]
        response: Response,
        /// The token endpoint's URL; `{name}` marks a variable host label or path segment.
        #[arg(long)]
        url: Option<String>,
    },
    /// Write specs from another project's catalogue of token endpoints (one per entry it can
    /// describe exactly; every other entry is listed with the reason).
    Import {
        #[command(subcommand)]
        from: ImportFrom,
    },
    /// List what changed between two spec files or folders, or between the specs at a git
    /// revision and the working tree: each change breaking or compatible, with the reason.
    /// Two files are two versions of one provider, whatever the files are called (a different
    /// `name:` is reported as a breaking rename).
    Diff {
        /// The old spec file or folder (not with --base).
        #[arg(required_unless_present = "base", conflicts_with = "base")]
        old: Option<PathBuf>,
        /// The new spec file or folder (not with --base).
        #[arg(required_unless_present = "base", conflicts_with = "base")]
        new: Option<PathBuf>,
        /// Compare the specs folder at this git revision with the working tree.
        #[arg(long, value_name = "GIT_REV")]
        base: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 1 when any change is breaking.
        #[arg(long)]
        deny_breaking: bool,
    },
}

/// The catalogues `tokenspec import` reads.
#[derive(Subcommand)]
enum ImportFrom {
    /// Nango's providers.yaml: OAUTH2, OAUTH2_CC and TWO_STEP entries, written to --out
    /// (default: the --specs folder) as <name>.yaml.
    Nango {
        /// The providers.yaml file (Nango's format).
        providers_yaml: PathBuf,
        /// Import only these entries (Nango's names, `example-crm`).
        #[arg(long, value_name = "NAME", num_args = 1..)]
        only: Vec<String>,
    },
}

/// Options that make `--out` a standalone crate, which builds outside this repository.
#[derive(Args)]
struct Standalone {
    /// Write a standalone crate of this package name (its own Cargo.toml, inheriting nothing
    /// from a workspace). Without it: the crate of this repository's workspace.
    #[arg(long, value_name = "NAME", value_parser = parse_crate_name)]
    crate_name: Option<String>,
    /// The standalone crate's version.
    #[arg(long, value_name = "V", requires = "crate_name", default_value = "0.1.0",
          value_parser = parse_crate_version)]
    crate_version: String,
    /// Depend on tokenspec-runtime in this folder (written relative to --out when relative).
    #[arg(
        long,
        value_name = "PATH",
        requires = "crate_name",
        conflicts_with = "runtime_version"
    )]
    runtime_path: Option<PathBuf>,
    /// Depend on tokenspec-runtime from crates.io with this version requirement [default: this
    /// generator's version].
    #[arg(long, value_name = "V", requires = "crate_name", value_parser = parse_version_req)]
    runtime_version: Option<String>,
}

impl Standalone {
    fn crate_(&self) -> Option<manifest::Standalone> {
        let name = self.crate_name.clone()?;
        let runtime = match (&self.runtime_path, &self.runtime_version) {
            (Some(path), _) => manifest::Runtime::Path(path.clone()),
            (None, Some(v)) => manifest::Runtime::Version(v.clone()),
            (None, None) => manifest::Runtime::Version(manifest::RUNTIME_VERSION.to_owned()),
        };
        Some(manifest::Standalone {
            name,
            version: self.crate_version.clone(),
            runtime,
        })
    }
}

fn parse_crate_name(name: &str) -> Result<String, String> {
    manifest::check_crate_name(name).map(|()| name.to_owned())
}

fn parse_crate_version(version: &str) -> Result<String, String> {
    manifest::check_crate_version(version).map(|()| version.to_owned())
}

fn parse_version_req(req: &str) -> Result<String, String> {
    manifest::check_version_req(req).map(|()| req.to_owned())
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Grouped by provider, for a terminal.
    Text,
    /// A table, for a pull-request comment.
    Markdown,
}

/// A grant: kebab-case as clap spells it, or snake_case as the spec does.
#[derive(Clone, Copy, ValueEnum)]
enum Grant {
    /// A key exchange, no OAuth grant.
    None,
    #[value(alias = "client_credentials")]
    ClientCredentials,
    #[value(alias = "authorization_code")]
    AuthorizationCode,
    #[value(alias = "refresh_token")]
    RefreshToken,
    /// The JWT-bearer grant (RFC 7523 §2.1): a signed assertion for every request.
    #[value(alias = "jwt_bearer")]
    JwtBearer,
    /// An extension grant (RFC 6749 §4.5): a vendor's `grant_type` or an absolute URI.
    Extension,
}

#[derive(Clone, Copy, ValueEnum)]
enum Auth {
    /// An API key in a header.
    Header,
    /// HTTP Basic.
    Basic,
    /// In the form body.
    Body,
    /// In the query string.
    Query,
    /// A public client: the client ID alone in the body, no secret, PKCE required
    /// (authorization-code and refresh-token grants).
    Public,
    /// A client assertion signed with a private key (RFC 7523, OpenID Connect private_key_jwt).
    #[value(alias = "private_key_jwt")]
    PrivateKeyJwt,
    /// A client assertion MACed with the client secret (RFC 7523, OpenID Connect
    /// client_secret_jwt).
    #[value(alias = "client_secret_jwt")]
    ClientSecretJwt,
    /// A TLS client certificate issued by a CA the provider trusts (RFC 8705 section 2.1).
    #[value(name = "tls-client-auth", alias = "tls_client_auth")]
    Tls,
    /// A self-signed TLS client certificate the provider registered (RFC 8705 section 2.2).
    #[value(
        name = "self-signed-tls-client-auth",
        alias = "self_signed_tls_client_auth"
    )]
    SelfSignedTls,
    /// Several credential headers at once, an app key and an API key (spec format 1.2).
    Headers,
}

/// A response format: kebab-case as clap spells it, or snake_case as the spec does.
#[derive(Clone, Copy, ValueEnum)]
enum Response {
    /// A JSON object (RFC 6749 §5.1).
    Json,
    /// `application/x-www-form-urlencoded` pairs.
    Form,
    /// Either, by the answer's Content-Type.
    #[value(alias = "json_or_form")]
    JsonOrForm,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}", render_error(&cli, &e));
            ExitCode::FAILURE
        }
    }
}

fn run(cli: &Cli) -> Result<ExitCode, tokenspec::Error> {
    let mode = match &cli.command {
        Command::Validate { paths } => return validate(cli, paths),
        Command::New {
            provider,
            grant,
            auth,
            response,
            url,
        } => return new(cli, provider, *grant, *auth, *response, url.clone()),
        Command::Diff {
            old,
            new,
            base,
            format,
            deny_breaking,
        } => {
            return diff(
                cli,
                old.as_deref(),
                new.as_deref(),
                base.as_deref(),
                *format,
                *deny_breaking,
            );
        }
        Command::Import {
            from:
                ImportFrom::Nango {
                    providers_yaml,
                    only,
                },
        } => return import_nango(cli, providers_yaml, only),
        Command::Generate(standalone) => (output::Mode::Write, standalone.crate_()),
        Command::Check(standalone) => (output::Mode::Check, standalone.crate_()),
    };
    let (mode, standalone) = mode;
    let out = cli
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("generated"));
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::load_and_validate(&arena, &cli.specs)?;
    let outputs = match &standalone {
        None => tokenspec::outputs(&providers, &cli.specs, &out)?,
        Some(crate_) => tokenspec::standalone_outputs(&providers, crate_, &cli.specs, &out)?,
    };
    // Every output folder is checked (no symbolic links, nothing outside it) before any of
    // them is written, so a refused run writes nothing at all.
    let mut planned = Vec::new();
    for (dir, tree) in &outputs {
        let found = output::changes(dir, tree).map_err(|source| tokenspec::Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        planned.push((dir, tree, found));
    }
    let mut changes = Vec::new();
    for (dir, tree, found) in planned {
        if mode == output::Mode::Write {
            output::apply(dir, tree, &found).map_err(|source| tokenspec::Error::Io {
                path: dir.display().to_string(),
                source,
            })?;
        }
        changes.extend(found);
    }
    match mode {
        output::Mode::Write => {
            for c in &changes {
                match c {
                    output::Change::Write(p) => println!("wrote {}", p.display()),
                    output::Change::Remove(p) => println!("removed {}", p.display()),
                }
            }
            println!(
                "{} providers, {} files changed",
                providers.len(),
                changes.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        output::Mode::Check if changes.is_empty() => {
            println!(
                "{} and {} are up to date with {} specs",
                out.display(),
                cli.specs.join(tokenspec::load::schema::FILE).display(),
                providers.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        output::Mode::Check => {
            for c in &changes {
                eprintln!("{c}");
            }
            let fix = match &standalone {
                None => format!("`{}`", tokenspec::names::REGENERATE),
                Some(_) => "`tokenspec generate` with the same options".to_owned(),
            };
            eprintln!("{} generated files are stale; run {fix}", changes.len());
            Ok(ExitCode::FAILURE)
        }
    }
}

fn validate(cli: &Cli, paths: &[PathBuf]) -> Result<ExitCode, tokenspec::Error> {
    let paths = if paths.is_empty() {
        vec![cli.specs.clone()]
    } else {
        paths.to_vec()
    };
    let read =
        tokenspec::load::read_specs(&paths).map_err(|(path, source)| tokenspec::Error::Io {
            path: path.display().to_string(),
            source,
        })?;
    let files = read.sources.len() + read.unreadable.len();
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_files(&arena, read)?;
    println!(
        "{files} spec{} valid: {}",
        if files == 1 { " is" } else { "s are" },
        providers
            .iter()
            .map(|p| p.name)
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

fn new(
    cli: &Cli,
    provider: &str,
    grant: Grant,
    auth: Auth,
    response: Response,
    url: Option<String>,
) -> Result<ExitCode, tokenspec::Error> {
    use tokenspec::model::GrantKind;
    use tokenspec::scaffold;
    let request = scaffold::Request {
        provider: provider.to_owned(),
        grant: match grant {
            Grant::None => GrantKind::None,
            Grant::ClientCredentials => GrantKind::ClientCredentials,
            Grant::AuthorizationCode => GrantKind::AuthorizationCode,
            Grant::RefreshToken => GrantKind::RefreshToken,
            Grant::JwtBearer => GrantKind::JwtBearer,
            Grant::Extension => GrantKind::Extension,
        },
        auth: match auth {
            Auth::Header => scaffold::Auth::Header,
            Auth::Basic => scaffold::Auth::Basic,
            Auth::Body => scaffold::Auth::Body,
            Auth::Query => scaffold::Auth::Query,
            Auth::Public => scaffold::Auth::Public,
            Auth::PrivateKeyJwt => scaffold::Auth::PrivateKeyJwt,
            Auth::ClientSecretJwt => scaffold::Auth::ClientSecretJwt,
            Auth::Tls => scaffold::Auth::TlsClientAuth,
            Auth::SelfSignedTls => scaffold::Auth::SelfSignedTlsClientAuth,
            Auth::Headers => scaffold::Auth::Headers,
        },
        response: match response {
            Response::Json => tokenspec::model::ResponseFormat::Json,
            Response::Form => tokenspec::model::ResponseFormat::Form,
            Response::JsonOrForm => tokenspec::model::ResponseFormat::JsonOrForm,
        },
        url,
    };
    let path = cli.specs.join(format!("{provider}.yaml"));
    let text = match scaffold::render(&request) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {e}; nothing written");
            return Ok(ExitCode::FAILURE);
        }
    };
    if path.exists() {
        eprintln!(
            "error: {} already exists; `tokenspec new` never overwrites a spec (edit it, or remove it first)",
            path.display()
        );
        return Ok(ExitCode::FAILURE);
    }
    let source = tokenspec::load::Source {
        path: path.display().to_string(),
        stem: provider.to_owned(),
        text: text.clone(),
    };
    let arena = tokenspec::Bump::new();
    let model = match tokenspec::validate_sources(&arena, vec![source]) {
        Ok(mut providers) => providers.remove(0),
        Err(e) => {
            eprintln!("{}", render_error(cli, &e));
            eprintln!("error: the skeleton for these options is not valid; nothing written");
            return Ok(ExitCode::FAILURE);
        }
    };
    let io = |source| tokenspec::Error::Io {
        path: path.display().to_string(),
        source,
    };
    std::fs::create_dir_all(&cli.specs).map_err(io)?;
    // `create_new`: never overwrite, even a file created since the check above.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io)?;
    let todos = text.matches("TODO").count();
    println!(
        "wrote {} ({} grant, credentials in {}{}); it validates as it is",
        path.display(),
        request.grant.name(),
        request.auth.placement(),
        if request.auth == scaffold::Auth::Public {
            ": the client ID alone, a public client"
        } else {
            ""
        }
    );
    println!("next:");
    println!(
        "  1. replace the {todos} TODOs in {} with what the provider documents",
        path.display()
    );
    println!("  2. cargo run -p tokenspec -- validate {}", path.display());
    println!("  3. cargo run -p tokenspec -- generate");
    // The required inputs of a token request: plain ones as --set, secrets from the
    // environment (tokenctl reads TOKENSPEC_<NAME>).
    let sent_per_request = |name: &str| {
        model.grants.iter().any(|g| {
            g.params
                .iter()
                .any(|p| p.source == tokenspec::model::ParamSource::Input(name))
        })
    };
    let required = model
        .inputs
        .iter()
        .filter(|i| i.required && (!i.per_request || sent_per_request(i.name)));
    let (secrets, plain): (Vec<&tokenspec::model::InputSpec>, Vec<_>) =
        required.partition(|i| i.secret);
    let sets: String = plain
        .iter()
        .map(|i| format!(" --set {}=...", i.name))
        .collect();
    let envs: String = secrets
        .iter()
        .map(|i| format!("TOKENSPEC_{}=... ", i.name.to_uppercase()))
        .collect();
    println!("  4. {envs}cargo run -p tokenctl -- token {provider}{sets} --dry-run");
    println!(
        "  5. add a wire-request snapshot and a wire test (README, \"Adding a provider\"), then cargo insta review"
    );
    Ok(ExitCode::SUCCESS)
}

/// `tokenspec import nango`: read the file, map each entry, validate each spec in process,
/// write them; one `skipped <name>: <reason>` line per entry left out, then the summary.
fn import_nango(
    cli: &Cli,
    path: &std::path::Path,
    only: &[String],
) -> Result<ExitCode, tokenspec::Error> {
    use tokenspec::import::{self, nango};
    let text = std::fs::read_to_string(path).map_err(|source| tokenspec::Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let entries = match nango::read(&text) {
        Ok(entries) => entries,
        Err(message) => {
            eprintln!("error: {}: {message}", path.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let outcome = match nango::map(&entries, only) {
        Ok(outcome) => import::check(outcome),
        Err(message) => {
            eprintln!("error: {message}; nothing written");
            return Ok(ExitCode::FAILURE);
        }
    };
    let out = cli.out.clone().unwrap_or_else(|| cli.specs.clone());
    let outcome = import::write(&out, outcome).map_err(|source| tokenspec::Error::Io {
        path: out.display().to_string(),
        source,
    })?;
    for spec in &outcome.specs {
        println!(
            "wrote {}",
            out.join(format!("{}.yaml", spec.name)).display()
        );
    }
    for skipped in &outcome.skipped {
        println!("{skipped}");
    }
    println!("{}", outcome.summary());
    Ok(ExitCode::SUCCESS)
}

/// An error as the user sees it: diagnostics rustc-style (coloured when allowed), else text.
fn render_error(cli: &Cli, e: &tokenspec::Error) -> String {
    match e {
        tokenspec::Error::Specs(d) => {
            d.render(ColorChoice::from(cli.color).colors(&std::io::stderr()))
        }
        other => format!("error: {other}"),
    }
}

fn diff(
    cli: &Cli,
    old: Option<&std::path::Path>,
    new: Option<&std::path::Path>,
    base: Option<&str>,
    format: Format,
    deny_breaking: bool,
) -> Result<ExitCode, tokenspec::Error> {
    use tokenspec::diff;
    let io = |path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| tokenspec::Error::Io { path, source }
    };
    let (old_sources, new_sources) = match (base, old, new) {
        (Some(rev), _, _) => {
            let old = match diff::sources_at_rev(rev, &cli.specs) {
                Ok(sources) => sources,
                Err(message) => {
                    eprintln!("error: {message}");
                    return Ok(ExitCode::FAILURE);
                }
            };
            let new = diff::sources_at_path(&cli.specs).map_err(io(&cli.specs))?;
            (old, new)
        }
        (None, Some(old), Some(new)) => (
            diff::sources_at_path(old).map_err(io(old))?,
            diff::sources_at_path(new).map_err(io(new))?,
        ),
        _ => {
            eprintln!("error: give OLD and NEW, or --base GIT_REV");
            return Ok(ExitCode::FAILURE);
        }
    };
    // Both sides' models borrow from one arena.
    let arena = tokenspec::Bump::new();
    let mut models = Vec::new();
    for (side, sources) in [("old", old_sources), ("new", new_sources)] {
        match tokenspec::validate_sources(&arena, sources) {
            Ok(providers) => models.push(providers),
            Err(e) => {
                eprintln!("{}", render_error(cli, &e));
                eprintln!("error: the {side} specs are not valid; nothing to compare");
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    // Two files are two versions of one provider, whatever their names (spec format 1.1).
    let files =
        base.is_none() && old.is_some_and(|p| !p.is_dir()) && new.is_some_and(|p| !p.is_dir());
    let changes = match (&models[0][..], &models[1][..]) {
        ([a], [b]) if files => diff::diff_files(a, b),
        (a, b) => diff::diff(a, b),
    };
    match format {
        Format::Text => print!("{}", diff::render_text(&changes)),
        Format::Markdown => print!("{}", diff::render_markdown(&changes)),
    }
    if deny_breaking && diff::has_breaking(&changes) {
        eprintln!("error: breaking changes (--deny-breaking)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
