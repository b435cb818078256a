//! tokenspec: generates typed Rust clients for SaaS token endpoints from YAML specs.
//!
//! The pipeline is four stages, each a module with one job:
//! [`load`] (YAML → located raw types), [`validate`] (every semantic check → [`model`]),
//! [`emit`] (model → formatted Rust), and [`files`] (write or check `generated/`).
//! [`generate_tree`] composes them.

pub mod diagnostic;
pub mod emit;
pub mod files;
pub mod load;
pub mod model;
pub mod raw;
pub mod validate;

use diagnostic::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
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
}

/// Loads and validates every spec in `specs_dir`, reporting all errors of all files at once.
pub fn load_and_validate(specs_dir: &Path) -> Result<Vec<model::Provider>, Error> {
    let sources = load::read_dir(specs_dir).map_err(|source| Error::Io {
        path: specs_dir.display().to_string(),
        source,
    })?;
    validate_sources(sources)
}

/// Parses and validates the given sources.
pub fn validate_sources(sources: Vec<load::Source>) -> Result<Vec<model::Provider>, Error> {
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut loaded = Vec::new();
    for source in sources {
        match load::parse(source) {
            Ok(l) => loaded.push(l),
            Err(d) => diagnostics.push(d),
        }
    }
    match validate::validate(&loaded) {
        Ok(providers) if diagnostics.is_empty() => Ok(providers),
        Ok(_) => Err(Error::Specs(Diagnostics(diagnostics))),
        Err(Diagnostics(more)) => {
            diagnostics.extend(more);
            diagnostics.sort();
            Err(Error::Specs(Diagnostics(diagnostics)))
        }
    }
}

/// Everything `generated/` should contain for `providers`.
pub fn generate_tree(providers: &[model::Provider]) -> Result<files::Tree, Error> {
    let mut tree = files::Tree::new();
    tree.insert(PathBuf::from("Cargo.toml"), emit::cargo_toml(providers));
    tree.insert(PathBuf::from("src/lib.rs"), emit::lib_rs(providers)?);
    for p in providers {
        tree.insert(
            PathBuf::from(format!("src/{}.rs", p.name)),
            emit::provider_module(p)?,
        );
    }
    Ok(tree)
}
