//! Generating providers from a crate's own build script, as `prost-build` does for protobuf.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), tokenspec::Error> {
//!     tokenspec::Builder::new().specs_dir("specs").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! The build script writes one file, `$OUT_DIR/tokenspec_providers.rs`, which the crate
//! includes: `pub mod providers { include!(concat!(env!("OUT_DIR"), "/tokenspec_providers.rs")); }`.
//! It holds each provider as an inline `pub mod <name> { .. }` (the same module the committed
//! crate has in `src/<name>.rs`) and the registry: `PROVIDERS`, `providers()`, `by_name()`
//! and `client()`.
//!
//! A file brought in by `include!` cannot carry inner attributes (`//!` docs, `#![allow]`), so
//! a module's inner attributes become outer attributes of its `pub mod` item, which mean the
//! same. Its modules carry no doc example: it would have to name the including crate's path to
//! them, which the generator does not know. Blocking calls (`.blocking()` on a call) come with
//! the `blocking` feature of `tokenspec-runtime`, which the including crate enables if it wants
//! them.

use crate::emit::include::{DEFAULT_FILE_NAME, include_file};
use crate::{Error, output};
use std::path::PathBuf;

/// Generates provider clients for a crate's own specs from its build script.
#[derive(Debug, Clone)]
pub struct Builder {
    specs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    file_name: String,
    cargo_metadata: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// No specs yet; writes `$OUT_DIR/tokenspec_providers.rs` and tells cargo to rerun the
    /// build script when a spec changes.
    pub fn new() -> Self {
        Builder {
            specs: Vec::new(),
            out_dir: None,
            file_name: DEFAULT_FILE_NAME.to_owned(),
            cargo_metadata: true,
        }
    }

    /// Every `*.yaml` spec in `dir` (may be given more than once).
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs.push(dir.into());
        self
    }

    /// One spec file.
    pub fn spec(mut self, file: impl Into<PathBuf>) -> Self {
        self.specs.push(file.into());
        self
    }

    /// Where the file is written; by default the `OUT_DIR` cargo gives build scripts.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The name of the written file (default [`DEFAULT_FILE_NAME`]).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for the specs (default: yes). Off for callers
    /// that are not build scripts.
    pub fn cargo_metadata(mut self, on: bool) -> Self {
        self.cargo_metadata = on;
        self
    }

    /// Loads, checks and emits the specs, and writes the file (only when its bytes change, so
    /// an unchanged build compiles nothing again). Returns the path written.
    ///
    /// Spec errors come back as [`Error::Specs`], which displays them rustc-style
    /// (`specs/x.yaml:3:7`), each with the line it is about.
    pub fn generate(self) -> Result<PathBuf, Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| Error::Io {
                    path: "OUT_DIR".to_owned(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "not set: call `out_dir` outside a build script",
                    ),
                })?,
        };
        let path = out_dir.join(&self.file_name);
        let text = self.generate_string()?;
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        // Written as `generate` writes `generated/`: only when its bytes change (so cargo does
        // not rebuild the including crate for nothing), never through a link; nothing else in
        // the folder is touched.
        let tree = output::Tree::from([(PathBuf::from(&self.file_name), text)]);
        let changes = output::file_changes(&out_dir, &tree).map_err(io)?;
        output::apply(&out_dir, &tree, &changes).map_err(io)?;
        Ok(path)
    }

    /// The file [`generate`](Self::generate) writes, as text (for tests, and for callers that
    /// write it themselves). Prints the `cargo:rerun-if-changed` lines when asked to.
    pub fn generate_string(&self) -> Result<String, Error> {
        let read = crate::load::read_specs(&self.specs).map_err(|(path, source)| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        if self.cargo_metadata {
            // The folders too: cargo then reruns the script when a spec is added or removed.
            for path in &self.specs {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            for source in &read.sources {
                println!("cargo:rerun-if-changed={}", source.path);
            }
        }
        let arena = crate::Bump::new();
        let providers = crate::validate_files(&arena, read)?;
        let from: Vec<String> = self.specs.iter().map(|p| p.display().to_string()).collect();
        Ok(include_file(&providers, &from.join(", "))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn providers(arena: &crate::Bump) -> Vec<crate::model::Provider<'_>> {
        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        crate::load_and_validate(arena, &specs).expect("the repository's specs validate")
    }

    #[test]
    fn the_include_file_is_rust_without_inner_attributes_doctests_or_feature_gates() {
        let arena = crate::Bump::new();
        let providers = providers(&arena);
        let text = include_file(&providers, "specs").expect("emits");
        let file = syn::parse_file(&text).expect("parses");
        assert!(file.attrs.is_empty(), "no inner attribute at the top");
        assert!(!text.contains("//!") && !text.contains("#!["));
        assert!(!text.contains("```"), "no doctest");
        assert!(
            !text.contains("cfg(feature"),
            "no feature of the including crate"
        );
        let modules: Vec<String> = file
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Mod(m) if m.content.is_some() => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        let names: Vec<String> = providers.iter().map(|p| p.name.to_owned()).collect();
        assert_eq!(modules, names);
        assert!(text.contains("pub fn by_name("));
        // The module docs survive as outer docs of the module item.
        let brainysoft = providers.iter().find(|p| p.name == "brainysoft");
        if brainysoft.is_some() {
            assert!(text.contains("/// Brainysoft\n"), "{text}");
        }
    }

    #[test]
    fn spec_errors_are_reported_with_their_position() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("bad.yaml"),
            "spec_version: 1\nname: bad\nwhat: 3\n",
        )
        .expect("write");
        let err = Builder::new()
            .specs_dir(dir.path())
            .cargo_metadata(false)
            .generate_string()
            .expect_err("an invalid spec");
        let shown = err.to_string();
        assert!(matches!(err, Error::Specs(_)));
        assert!(shown.contains("bad.yaml:"), "{shown}");
    }
}
