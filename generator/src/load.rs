//! Stage 1: read spec files and parse them into raw, located types.

use crate::diagnostic::{Diagnostic, Kind, did_you_mean};
use crate::raw;
use serde_saphyr::{Error, Location};
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
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_spec_file(p))
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

/// Parses one source. A shape error (unknown key, wrong type, unknown value) stops the parse of
/// that file, since serde stops at the first; other files are still parsed.
pub fn parse(source: Source) -> Result<Loaded, Diagnostic> {
    match serde_saphyr::from_str::<raw::Spec>(&source.text) {
        Ok(spec) => Ok(Loaded { source, spec }),
        Err(e) => Err(shape_diagnostic(&source, &e)),
    }
}

fn shape_diagnostic(source: &Source, error: &Error) -> Diagnostic {
    let location = error.location().unwrap_or(Location::UNKNOWN);
    let found = found_at(&source.text, location);
    let (message, hint) = describe(error.without_snippet(), &found);
    let mut d = Diagnostic::at(&source.path, location, message, hint).kind(Kind::Shape);
    if location == Location::UNKNOWN {
        // Somewhere in the file: point at its first line.
        d = d.span(1, 1, 0);
    }
    d
}

fn list(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the text at `location` is, in words: a list, a mapping, or the scalar itself.
fn found_at(text: &str, location: Location) -> String {
    if location == Location::UNKNOWN {
        return String::new();
    }
    let start = crate::diagnostic::byte_offset(text, location.line(), location.column());
    let rest = &text[start..];
    let token: String = rest
        .lines()
        .next()
        .unwrap_or("")
        .split(" #")
        .next()
        .unwrap_or("")
        .trim_end()
        .chars()
        .take(40)
        .collect();
    match rest.chars().next() {
        Some('[' | '-') => "a list".to_owned(),
        Some('{') => "a mapping".to_owned(),
        _ if token.is_empty() => "nothing".to_owned(),
        _ => format!("`{token}`"),
    }
}

/// Words for a Rust type in a parse error.
fn type_words(ty: &str) -> &str {
    match ty {
        "u64" | "u32" | "usize" => "a whole number (0 or more)",
        "i64" | "i32" => "a whole number",
        "f64" | "f32" => "a number",
        "bool" => "true or false",
        "string scalar" | "string" => "a single value",
        other => other,
    }
}

/// Message and help for a parse error; `found` says what is at its location.
fn describe(error: &Error, found: &str) -> (String, String) {
    match error {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let message = format!("unknown key `{field}`");
            let hint = match did_you_mean(field, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (keys here: {})", list(expected)),
                None if expected.is_empty() => "remove the key".to_owned(),
                None => format!("remove it or use one of {}", list(expected)),
            };
            (message, hint)
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let message = format!("unknown value `{variant}`");
            let hint = match did_you_mean(variant, expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (values here: {})", list(expected)),
                None => format!("use one of {}", list(expected)),
            };
            (message, hint)
        }
        Error::SerdeMissingField { field, .. } => (
            format!("missing key `{field}`"),
            format!(
                "add `{field}:` to the mapping that holds this key; specs/schema.json describes what it holds"
            ),
        ),
        Error::InvalidScalar { ty, .. } => (
            format!("expected {}, found {found}", type_words(ty)),
            "see specs/schema.json (or a spec in specs/) for the expected type".to_owned(),
        ),
        Error::Unexpected { expected, .. } => (
            format!("expected {}, found {found}", type_words(expected)),
            "see specs/schema.json (or a spec in specs/) for the expected type".to_owned(),
        ),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            format!("expected {expected}, found {unexpected}"),
            "see specs/schema.json (or a spec in specs/) for the expected type".to_owned(),
        ),
        Error::DuplicateMappingKey { .. } => (
            plain_message(&error.to_string())
                .split(", set DuplicateKeyPolicy")
                .next()
                .unwrap_or_default()
                .to_owned(),
            "each key may appear once in a mapping: remove or merge the repeat".to_owned(),
        ),
        _ => (
            plain_message(&error.to_string()),
            "see specs/schema.json (or a spec in specs/) for the expected shape".to_owned(),
        ),
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
