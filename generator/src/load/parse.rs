//! Parsing one spec: serde-saphyr into the raw types, the characters refused before any
//! parsing ([`hostile_characters`]), and serde's first error in words; when serde stops, the
//! shape walk ([`shape_errors`]) reports every shape error of the file.

use super::{Loaded, Source, shape_errors};
use crate::diagnostic::{Diagnostic, Kind, did_you_mean};
use crate::load::raw;
use serde_saphyr::{Error, Location};
use std::collections::HashSet;

/// Parses one source. When serde stops at a shape error, the whole file is walked against the
/// JSON Schema of the spec types ([`shape_errors`]) so that every shape error of the file is
/// reported, not only the first; serde's own error is added if that walk missed it.
///
/// A file with shape errors gets no semantic checks: they need the whole file parsed.
///
/// A file holding characters that make text display differently from what it is
/// ([`hostile_characters`]) is refused too, with a diagnostic for each; a parse error on the
/// same line as one of them is left out (the character is the mistake to fix).
pub fn parse(source: Source) -> Result<Loaded, Vec<Diagnostic>> {
    let hostile = hostile_characters(&source);
    match serde_saphyr::from_str::<raw::Spec>(&source.text) {
        Ok(spec) if hostile.is_empty() => Ok(Loaded { source, spec }),
        Ok(_) => Err(hostile),
        Err(e) => {
            let first = shape_diagnostic(&source, &e);
            let mut all = shape_errors(&source);
            if !all.iter().any(|d| covers(d, &first)) {
                all.push(first);
            }
            if !hostile.is_empty() {
                let lines: HashSet<u64> = hostile.iter().map(|d| d.line).collect();
                all.retain(|d| !lines.contains(&d.line));
                all.extend(hostile);
            }
            Err(all)
        }
    }
}

/// Every character of the file that makes text display differently from what it is: Unicode
/// bidirectional controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C: the
/// "Trojan Source" attack, CVE-2021-42574, where a reviewer reads one thing and the tools
/// another), C0 and C1 control characters other than tab and line feed, and a carriage return
/// not directly before a line feed (CRLF line ends are fine; a lone CR makes a terminal print
/// over what came before it). One diagnostic each, at its line and column, found in one pass.
pub fn hostile_characters(source: &Source) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let (mut line, mut column) = (1u64, 0u64);
    let mut chars = source.text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        let (message, hint) = if crate::diagnostic::is_bidi_control(c) {
            (
                format!(
                    "bidirectional control character U+{:04X} ({})",
                    u32::from(c),
                    bidi_name(c)
                ),
                "it makes text display in another order than it is read (Trojan Source, \
                 CVE-2021-42574): remove it; specs never need one",
            )
        } else if c == '\r' && chars.peek() != Some(&'\n') {
            (
                "carriage return (U+000D) not followed by a line feed".to_owned(),
                "a lone CR makes a terminal print over the text before it (Trojan Source, \
                 CVE-2021-42574): end lines with LF or CRLF",
            )
        } else if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            (
                format!("control character U+{:04X}", u32::from(c)),
                "control characters can hide or rewrite text when it is shown (Trojan Source, \
                 CVE-2021-42574): remove it; write `\\t` or `\\n` escapes in a double-quoted \
                 value if the text needs one",
            )
        } else {
            if c == '\n' {
                line += 1;
                column = 0;
            }
            continue;
        };
        // Semantic: a rule of its own, which the JSON Schema of the shape cannot express.
        found.push(
            Diagnostic::at(&source.path, Location::UNKNOWN, message, hint).span(
                line,
                column,
                c.len_utf8(),
            ),
        );
    }
    found
}

/// The Unicode name of a bidirectional control character.
fn bidi_name(c: char) -> &'static str {
    match c {
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{061C}' => "ARABIC LETTER MARK",
        _ => "bidirectional control",
    }
}

/// Whether `d`, from the walk, reports the same mistake as `serde`'s error: the same message,
/// or the same line (where the two may word one mistake differently).
fn covers(d: &Diagnostic, serde: &Diagnostic) -> bool {
    d.message == serde.message || d.line == serde.line
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

pub(super) fn list(values: &[&str]) -> String {
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
        Error::DuplicateMappingKey { key, .. } => (
            match key {
                Some(key) => format!("duplicate key `{key}`"),
                None => "duplicate key".to_owned(),
            },
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
