//! Stage 1: read spec files and parse them into raw, located types.

use crate::diagnostic::Diagnostic;
use crate::raw;
use serde_saphyr::Location;
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

/// A parsed spec and where it came from.
#[derive(Debug)]
pub struct Loaded {
    /// The file.
    pub source: Source,
    /// Its contents.
    pub spec: raw::Spec,
}

/// Every `*.yaml` file directly in `dir`, sorted by name.
pub fn read_dir(dir: &Path) -> std::io::Result<Vec<Source>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read_file(p)).collect()
}

/// One spec file.
pub fn read_file(path: &Path) -> std::io::Result<Source> {
    let text = std::fs::read_to_string(path)?;
    Ok(Source {
        path: path.display().to_string(),
        stem: path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default(),
        text,
    })
}

/// Parses one source. A shape error (unknown key, wrong type, unknown value) stops the parse of
/// that file, since serde stops at the first; other files are still parsed.
pub fn parse(source: Source) -> Result<Loaded, Diagnostic> {
    match serde_saphyr::from_str::<raw::Spec>(&source.text) {
        Ok(spec) => Ok(Loaded { source, spec }),
        Err(e) => {
            let location = e.location().unwrap_or(Location::UNKNOWN);
            let message = plain_message(&e.without_snippet().to_string());
            let hint = shape_hint(&message);
            Err(Diagnostic::at(&source.path, location, message, hint))
        }
    }
}

/// The parser's message without its own location suffix (the diagnostic carries one).
fn plain_message(message: &str) -> String {
    let first = message.lines().next().unwrap_or(message).trim();
    match first.rfind(" at line ") {
        Some(i) => first[..i].trim_end_matches(',').to_owned(),
        None => first.to_owned(),
    }
}

fn shape_hint(message: &str) -> String {
    if message.contains("unknown field") {
        "remove the key or fix its spelling; docs/spec-format.md lists every key".into()
    } else if message.contains("unknown variant") {
        "use one of the values listed; docs/spec-format.md describes each".into()
    } else if message.contains("missing field") {
        "add the key; docs/spec-format.md says what it holds".into()
    } else {
        "see docs/spec-format.md for the expected shape".into()
    }
}
