//! tokenspec: generates typed Rust clients for SaaS token endpoints from YAML specs.
//!
//! The pipeline is four stages, each a module with one job, and each depends only on the
//! stages before it (`tests/layering.rs` refuses a reference up the pipeline):
//! [`load`] (YAML → located raw types; [`load::schema`] is their JSON Schema),
//! [`validate`] (every semantic check, one file per spec section → [`model`]),
//! [`emit`] (model → formatted Rust, `PROVIDERS.md`, manifests, the build-script include file),
//! and [`output`] (the one freshness mechanism: compare a tree of generated files with a
//! folder, write only what changed, or report it stale).
//! [`generate_tree`] composes them; [`outputs`] adds the specs folder's `schema.json`.
//! Leaves every stage may use: [`diagnostic`] (rustc-style reports), [`text`] (spec text made
//! inert for Rust and Markdown), [`names`] (keywords and reserved names), [`template`] (the
//! minijinja environment and its filters) and [`model`].
//!
//! The model is the runtime's own description of a provider (`tokenspec-spec`'s
//! `ProviderSpec`, borrowed), which validation lowers into a [`Bump`] arena the caller owns:
//!
//! ```no_run
//! let arena = tokenspec::Bump::new();
//! let providers = tokenspec::load_and_validate(&arena, "specs".as_ref())?;
//! let tree = tokenspec::generate_tree(&providers)?;
//! # Ok::<(), tokenspec::Error>(())
//! ```
//!
//! Beside [`emit`]: [`scaffold`] (`tokenspec new`) and [`diff`] (`tokenspec diff`: model
//! changes, classed).
//!
//! For use outside this repository: [`Builder`] ([`library`]) generates providers from a
//! crate's own build script into one file it `include!`s ([`emit::include`]);
//! [`emit::manifest`] makes `--out` a standalone crate (`tokenspec generate --crate-name NAME`).

pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod import;
pub mod library;
pub mod load;
pub mod model;
pub mod names;
pub mod output;
pub mod scaffold;
pub mod template;
pub mod text;
pub mod validate;

pub use bumpalo::Bump;
pub use library::Builder;

use diagnostic::{Diagnostic, Diagnostics};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Why a run failed.
///
/// `Debug` shows the same text as `Display`: a build script that returns this error from
/// `main` (`tokenspec::Builder::new().specs_dir("specs").generate()?`) then prints each spec
/// error rustc-style, with its file, line and column, instead of the diagnostics' fields.
#[derive(thiserror::Error)]
pub enum Error {
    /// The specs have errors; each is listed.
    #[error("{0}")]
    Specs(Diagnostics),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    /// Emission produced invalid Rust (a generator bug).
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
    /// A template did not render (a generator bug).
    #[error(transparent)]
    Template(#[from] template::TemplateError),
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// Loads and validates every spec in `specs_dir`, reporting all errors of all files at once (a
/// file that cannot be read is one of them). The providers borrow from `arena`.
pub fn load_and_validate<'b>(
    arena: &'b Bump,
    specs_dir: &Path,
) -> Result<Vec<model::Provider<'b>>, Error> {
    let files = load::read_spec_dir(specs_dir).map_err(|source| Error::Io {
        path: specs_dir.display().to_string(),
        source,
    })?;
    validate_files(arena, files)
}

/// Parses and validates the given sources: every shape error and every semantic error of every
/// file, sorted, with the files' text for display. The providers borrow from `arena`.
pub fn validate_sources<'b>(
    arena: &'b Bump,
    sources: Vec<load::Source>,
) -> Result<Vec<model::Provider<'b>>, Error> {
    validate_files(arena, load::Files::from(sources))
}

/// Parses and validates spec files as read: a diagnostic for each file that could not be read,
/// every shape error of each file that does not parse (such a file gets no semantic checks,
/// which need it parsed), and every semantic error of the others; sorted, with the files' text
/// for display. The providers borrow from `arena`.
pub fn validate_files<'b>(
    arena: &'b Bump,
    files: load::Files,
) -> Result<Vec<model::Provider<'b>>, Error> {
    let mut texts: BTreeMap<String, String> = files
        .sources
        .iter()
        .map(|s| (s.path.clone(), s.text.clone()))
        .collect();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for unreadable in files.unreadable {
        if let Some(text) = unreadable.text {
            texts.insert(unreadable.diagnostic.file.clone(), text);
        }
        diagnostics.push(unreadable.diagnostic);
    }
    let mut loaded = Vec::new();
    for source in files.sources {
        match load::parse(source) {
            Ok(l) => loaded.push(l),
            Err(d) => diagnostics.extend(d),
        }
    }
    match validate::validate(arena, &loaded) {
        Ok(providers) if diagnostics.is_empty() => Ok(providers),
        Ok(_) => Err(Error::Specs(
            Diagnostics::new(diagnostics).with_sources(texts),
        )),
        Err(more) => {
            diagnostics.extend(more.items);
            Err(Error::Specs(
                Diagnostics::new(diagnostics).with_sources(texts),
            ))
        }
    }
}

/// Everything `generated/` should contain for `providers`: the registry crate (`Cargo.toml`,
/// `src/lib.rs`, one data module `src/<name>.rs` per provider, `PROVIDERS.md`) and one typed
/// client crate per provider in `providers/<name>/`.
pub fn generate_tree(providers: &[model::Provider]) -> Result<output::Tree, Error> {
    let mut tree = output::Tree::new();
    tree.insert(PathBuf::from("Cargo.toml"), emit::cargo_toml(providers));
    tree.insert(PathBuf::from("rustfmt.toml"), emit::RUSTFMT_TOML.to_owned());
    tree.insert(
        PathBuf::from("src/lib.rs"),
        emit::lib_rs(providers, emit::Layout::Crates)?,
    );
    tree.insert(
        PathBuf::from(emit::docs::PROVIDERS_FILE),
        emit::docs::providers_md(providers)?,
    );
    let files = per_provider(providers, |p| {
        let crate_dir = Path::new(output::CRATES).join(p.name);
        Ok([
            (
                PathBuf::from(format!("src/{}.rs", p.name)),
                emit::spec_module(p)?,
            ),
            (crate_dir.join("Cargo.toml"), emit::provider_cargo_toml(p)),
            (crate_dir.join("src/lib.rs"), emit::provider_module(p)?),
        ])
    })?;
    tree.extend(files.into_iter().flatten());
    Ok(tree)
}

/// `emit` applied to every provider, on one thread per core; the results in provider order,
/// or the error of the first provider (in that order) that failed.
///
/// Emission is most of `generate` (a `syn` parse and a prettyplease pass per module) and each
/// provider's files depend on that provider alone, so the order the work is done in cannot
/// change a byte of the output (BENCHMARKS.md, "Issue 12": 2 threads take about 0.6 of the
/// time of one on 1,000 specs).
fn per_provider<T: Send>(
    providers: &[model::Provider],
    emit: impl Fn(&model::Provider) -> Result<T, Error> + Sync,
) -> Result<Vec<T>, Error> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || providers.len() < 2 {
        return providers.iter().map(&emit).collect();
    }
    let emit = &emit;
    std::thread::scope(|scope| {
        let workers: Vec<_> = providers
            .chunks(providers.len().div_ceil(threads))
            .map(|part| {
                scope.spawn(move || part.iter().map(emit).collect::<Result<Vec<T>, Error>>())
            })
            .collect();
        let mut out = Vec::with_capacity(providers.len());
        for worker in workers {
            // A panic in the generator is a bug: it surfaces as it would on one thread.
            let part = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            out.extend(part);
        }
        Ok(out)
    })
}

/// Everything the standalone crate's folder holds: its manifest, `src/lib.rs` with one typed
/// module per provider and the registry, each module's doc example naming this crate, and
/// `PROVIDERS.md`. One crate without features: a company's own providers are few, and a user
/// who needs one of a thousand uses the per-provider crates of the committed `generated/`.
pub fn standalone_tree(
    providers: &[model::Provider],
    crate_: &emit::manifest::Standalone,
    out_dir: &Path,
) -> Result<output::Tree, Error> {
    let mut tree = output::Tree::new();
    tree.insert(
        PathBuf::from("Cargo.toml"),
        emit::manifest::cargo_toml(providers, crate_, out_dir),
    );
    tree.insert(PathBuf::from("rustfmt.toml"), emit::RUSTFMT_TOML.to_owned());
    tree.insert(
        PathBuf::from("src/lib.rs"),
        emit::lib_rs(providers, emit::Layout::Modules)?,
    );
    tree.insert(
        PathBuf::from(emit::docs::PROVIDERS_FILE),
        emit::docs::providers_md(providers)?,
    );
    let lib = crate_.lib_name();
    let modules = per_provider(providers, |p| {
        let path = format!("{lib}::{}", emit::module_ident(p.name));
        Ok((
            PathBuf::from(format!("src/{}.rs", p.name)),
            emit::provider_module_at(p, Some(&path))?,
        ))
    })?;
    tree.extend(modules);
    // The crate's owner regenerates it with the installed command, not with this
    // repository's `cargo run -p tokenspec`, which their checkout does not have.
    // Only the two header lines change: the same words in spec text further down are data.
    let ours = format!("`{}`", names::REGENERATE);
    for text in tree.values_mut() {
        let header_end = text
            .match_indices('\n')
            .nth(1)
            .map_or(text.len(), |(i, _)| i);
        let header = text[..header_end].replace(&ours, STANDALONE_REGENERATE);
        text.replace_range(..header_end, &header);
    }
    Ok(tree)
}

/// The command a standalone crate's headers tell its owner to run.
pub const STANDALONE_REGENERATE: &str = "`tokenspec generate` with the same options";

/// Everything the specs folder holds besides the specs: `schema.json`.
pub fn spec_tree() -> output::Tree {
    let mut tree = output::Tree::new();
    tree.insert(
        PathBuf::from(load::schema::FILE),
        load::schema::schema_json(),
    );
    tree
}

/// Every generated tree and the folder it belongs in: `generated/` and the specs folder.
pub fn outputs(
    providers: &[model::Provider],
    specs_dir: &Path,
    out_dir: &Path,
) -> Result<Vec<(PathBuf, output::Tree)>, Error> {
    Ok(vec![
        (out_dir.to_path_buf(), generate_tree(providers)?),
        (specs_dir.to_path_buf(), spec_tree()),
    ])
}

/// Every generated tree and its folder for a standalone crate (`generate --crate-name`): the
/// crate of [`standalone_tree`] in `out_dir`, and the specs folder's `schema.json`.
pub fn standalone_outputs(
    providers: &[model::Provider],
    crate_: &emit::manifest::Standalone,
    specs_dir: &Path,
    out_dir: &Path,
) -> Result<Vec<(PathBuf, output::Tree)>, Error> {
    Ok(vec![
        (
            out_dir.to_path_buf(),
            standalone_tree(providers, crate_, out_dir)?,
        ),
        (specs_dir.to_path_buf(), spec_tree()),
    ])
}
