//! Stage 1: read spec files and parse them into raw, located types.
//!
//! Reading is per file: a file that cannot be read, or is not UTF-8, is a diagnostic of its own
//! ([`read_specs`]) and the other files are still read. Parsing is serde's, which stops at a
//! file's first shape error; the file is then walked against the JSON Schema of the spec types
//! ([`shape_errors`]) so that every shape error of it is reported at once.

pub mod raw;
pub mod schema;

mod parse;
mod shape;

pub use parse::{hostile_characters, parse};
pub use shape::shape_errors;

use crate::diagnostic::{Diagnostic, Kind};
use std::path::{Path, PathBuf};

/// A spec file's text, with the path used in diagnostics.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path as shown in diagnostics (relative to the workspace when possible).
    pub path: String,
    /// File stem: the provider name the file must declare.
    pub stem: String,
    /// The YAML text.
    pub text: String,
}

impl Source {
    /// A source from text, named as if it were `path` (the stem is the file name before its
    /// first `.`).
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> Self {
        let path = path.into();
        let name = path.rsplit(['/', '\\']).next().unwrap_or(&path);
        let stem = name.split('.').next().unwrap_or(name).to_owned();
        Source {
            path,
            stem,
            text: text.into(),
        }
    }
}

/// A parsed spec and where it came from.
#[derive(Debug)]
pub struct Loaded {
    /// The file.
    pub source: Source,
    /// Its contents.
    pub spec: raw::Spec,
}

/// Whether `path` names a spec file: `*.yaml` (so `schema.json` and notes are skipped).
pub fn is_spec_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml")
}

/// Every `*.yaml` file directly in `dir`, sorted by name.
pub fn read_dir(dir: &Path) -> std::io::Result<Vec<Source>> {
    spec_paths(dir, false)?
        .iter()
        .map(|p| read_file(p))
        .collect()
}

/// The `*.yaml` files directly in `dir`, sorted by name; with `dangling`, also the `*.yaml`
/// symbolic links that lead nowhere (a spec that cannot be read, rather than none).
fn spec_paths(dir: &Path, dangling: bool) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_spec_file(p) && (p.is_file() || (dangling && p.is_symlink() && !p.exists())))
        .collect();
    paths.sort();
    Ok(paths)
}

/// One spec file.
pub fn read_file(path: &Path) -> std::io::Result<Source> {
    let text = std::fs::read_to_string(path)?;
    Ok(source_at(path, text))
}

fn source_at(path: &Path, text: String) -> Source {
    Source {
        path: path.display().to_string(),
        stem: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        text,
    }
}

/// The spec files of `paths`: each folder's `*.yaml` files, and each file given, in order.
pub fn read_paths(paths: &[PathBuf]) -> Result<Vec<Source>, (PathBuf, std::io::Error)> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            out.extend(read_dir(path).map_err(|e| (path.clone(), e))?);
        } else {
            out.push(read_file(path).map_err(|e| (path.clone(), e))?);
        }
    }
    Ok(out)
}

/// A spec file that could not be read as text.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Why, naming the file (and, for a file that is not UTF-8, the first bad byte).
    pub diagnostic: Diagnostic,
    /// The text as far as it can be shown (invalid bytes replaced), for the diagnostic's
    /// source line; `None` when nothing could be read.
    pub text: Option<String>,
}

/// Spec files as read: the text of each readable one, and a diagnostic for each other one.
#[derive(Debug, Default)]
pub struct Files {
    /// The files read, in order.
    pub sources: Vec<Source>,
    /// The files that could not be read, or are not UTF-8.
    pub unreadable: Vec<Unreadable>,
}

impl Files {
    fn add(&mut self, read: Result<Source, Box<Unreadable>>) {
        match read {
            Ok(source) => self.sources.push(source),
            Err(unreadable) => self.unreadable.push(*unreadable),
        }
    }
}

impl From<Vec<Source>> for Files {
    fn from(sources: Vec<Source>) -> Self {
        Files {
            sources,
            unreadable: Vec::new(),
        }
    }
}

/// One spec file, or why it cannot be one: it cannot be read, or it is not UTF-8 (the
/// diagnostic then points at the first byte that is not).
pub fn read_spec(path: &Path) -> Result<Source, Box<Unreadable>> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Box::new(Unreadable {
            diagnostic: Diagnostic::whole_file(
                &file,
                format!("cannot read the file: {e}"),
                "check that the file exists and is readable",
            ),
            text: None,
        })
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(source_at(path, text)),
        Err(e) => {
            let bytes = e.as_bytes();
            let valid = &bytes[..e.utf8_error().valid_up_to()];
            // The valid prefix is UTF-8: count its lines and the characters of its last line.
            let prefix = String::from_utf8_lossy(valid);
            let line = prefix.matches('\n').count() + 1;
            let column = prefix.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let byte = bytes.get(valid.len()).copied().unwrap_or_default();
            let diagnostic = Diagnostic::whole_file(
                &file,
                format!("the file is not UTF-8: byte 0x{byte:02X} cannot be read as text"),
                "save the file as UTF-8 (specs are UTF-8 YAML)",
            )
            .span(line as u64, column as u64, 0)
            .kind(Kind::Shape);
            Err(Box::new(Unreadable {
                diagnostic,
                text: Some(String::from_utf8_lossy(bytes).into_owned()),
            }))
        }
    }
}

/// The `*.yaml` files of folder `dir`, each read on its own: a file that cannot be read or is
/// not UTF-8 becomes a diagnostic and the others are still read. Fails only when the folder
/// cannot be listed.
pub fn read_spec_dir(dir: &Path) -> std::io::Result<Files> {
    let mut files = Files::default();
    for path in spec_paths(dir, true)? {
        files.add(read_spec(&path));
    }
    Ok(files)
}

/// The spec files of `paths` (each folder's `*.yaml` files, and each file given, in order),
/// each read on its own as by [`read_spec_dir`]. Only a folder that cannot be listed stops the
/// reading.
pub fn read_specs(paths: &[PathBuf]) -> Result<Files, (PathBuf, std::io::Error)> {
    let mut files = Files::default();
    for path in paths {
        if path.is_dir() {
            let more = read_spec_dir(path).map_err(|e| (path.clone(), e))?;
            files.sources.extend(more.sources);
            files.unreadable.extend(more.unreadable);
        } else {
            files.add(read_spec(path));
        }
    }
    Ok(files)
}
