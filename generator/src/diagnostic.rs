//! Errors about a spec, each pointing at a place in its file, rendered rustc-style:
//!
//! ```text
//! error: default environment `prodution` does not exist
//!   --> specs/brainysoft.yaml:12:22
//!    |
//! 12 | default_environment: prodution
//!    |                      ^^^^^^^^^
//!    |
//!    = help: did you mean `production`?
//! ```
//!
//! Rendering uses annotate-snippets (the renderer rustc and cargo use), with colour only when
//! asked for: [`ColorChoice::Auto`] colours a terminal unless `NO_COLOR` or `CI` is set.

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use serde_saphyr::Location;
use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal;

/// Whether a diagnostic is about the shape of the YAML (caught while parsing, as the JSON
/// Schema would) or about its meaning (caught by `validate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An unknown key, a wrong type, an unknown value, a missing key, bad YAML.
    Shape,
    /// Everything the JSON Schema cannot say: references, URLs, names, consistency.
    Semantic,
}

/// A problem in a spec file: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path of the spec file as given.
    pub file: String,
    /// 1-based line; 0 for a diagnostic about the whole file ([`Diagnostic::whole_file`]).
    pub line: u64,
    /// 1-based column (in characters); 0 for the whole file.
    pub column: u64,
    /// Length in bytes of the offending text; 0 when unknown (one character is marked).
    pub len: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// Shape or meaning.
    pub kind: Kind,
}

impl Diagnostic {
    /// A semantic diagnostic at `location` in `file`, marking the located text.
    pub fn at(
        file: &str,
        location: Location,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line: location.line().max(1),
            column: location.column().max(1),
            len: location
                .span()
                .byte_len()
                .and_then(|l| usize::try_from(l).ok())
                .unwrap_or(0),
            message: message.into(),
            hint: hint.into(),
            kind: Kind::Semantic,
        }
    }

    /// A diagnostic about the whole of `file` (it cannot be read, say): shown without a line.
    pub fn whole_file(file: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_owned(),
            line: 0,
            column: 0,
            len: 0,
            message: message.into(),
            hint: hint.into(),
            kind: Kind::Shape,
        }
    }

    /// Whether the diagnostic is about the whole file rather than a place in it.
    pub fn is_whole_file(&self) -> bool {
        self.line == 0
    }

    /// The same diagnostic, of another kind.
    #[must_use]
    pub fn kind(mut self, kind: Kind) -> Self {
        self.kind = kind;
        self
    }

    /// The same diagnostic, marking `len` bytes from `column` of `line`.
    #[must_use]
    pub fn span(mut self, line: u64, column: u64, len: usize) -> Self {
        self.line = line.max(1);
        self.column = column.max(1);
        self.len = len;
        self
    }

    /// Byte range of the marked text in `source`, clamped to it.
    fn range(&self, source: &str) -> std::ops::Range<usize> {
        let start = byte_offset(source, self.line, self.column);
        let len = if self.len > 0 {
            self.len
        } else {
            source[start..].chars().next().map_or(0, char::len_utf8)
        };
        let mut end = (start + len).min(source.len());
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        start..end.max(start)
    }
}

/// Byte offset of 1-based `line` and character `column` in `text`, clamped to the text.
pub fn byte_offset(text: &str, line: u64, column: u64) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match text[offset..].find('\n') {
            Some(i) => offset += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    text[offset..line_end]
        .char_indices()
        .nth(usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX))
        .map_or(line_end, |(i, _)| offset + i)
}

impl fmt::Display for Diagnostic {
    /// Without its source: the message, where, and the help line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_whole_file() {
            write!(f, "error: {}\n  --> {}", self.message, self.file)?;
        } else {
            write!(
                f,
                "error: {}\n  --> {}:{}:{}",
                self.message, self.file, self.line, self.column
            )?;
        }
        if !self.hint.is_empty() {
            write!(f, "\n  = help: {}", self.hint)?;
        }
        Ok(())
    }
}

/// Colour or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour when both the stream written and stdout are terminals and neither `NO_COLOR`
    /// nor `CI` is set.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour text written to `stream` (stdout or stderr).
    pub fn colors(self, stream: &impl IsTerminal) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
                !set("NO_COLOR")
                    && !set("CI")
                    && stream.is_terminal()
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// Every diagnostic of a run, sorted by file and position, with the text of each file so they
/// can be shown with their source line.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    /// The diagnostics, sorted.
    pub items: Vec<Diagnostic>,
    /// File path (as in [`Diagnostic::file`]) → its text.
    pub sources: BTreeMap<String, String>,
}

impl Diagnostics {
    /// Diagnostics without sources (shown without source lines).
    pub fn new(mut items: Vec<Diagnostic>) -> Self {
        items.sort();
        Diagnostics {
            items,
            sources: BTreeMap::new(),
        }
    }

    /// The diagnostics, sorted, shown with the lines of `sources`.
    pub fn with_sources(mut self, sources: BTreeMap<String, String>) -> Self {
        self.items.sort();
        self.sources = sources;
        self
    }

    /// Whether there is no diagnostic.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The number of diagnostics.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The report: every diagnostic rustc-style, then a count of errors and files.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        for d in &self.items {
            out.push_str(&render_one(&renderer, d, self.sources.get(&d.file)));
            out.push_str("\n\n");
        }
        let n = self.items.len();
        let files: std::collections::BTreeSet<&str> =
            self.items.iter().map(|d| d.file.as_str()).collect();
        let summary = format!(
            "{n} error{} in {} file{}",
            if n == 1 { "" } else { "s" },
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        out.push_str(&renderer.render(&[annotate_snippets::Group::with_title(
            Level::ERROR.primary_title(summary.as_str()),
        )]));
        out
    }
}

fn render_one(renderer: &Renderer, d: &Diagnostic, source: Option<&String>) -> String {
    let Some(text) = source.filter(|_| !d.is_whole_file()) else {
        // No text to show (or no place in it): say where in words.
        return d.to_string();
    };
    let mut group = Level::ERROR.primary_title(d.message.as_str()).element(
        Snippet::source(text.as_str())
            .path(d.file.as_str())
            .annotation(AnnotationKind::Primary.span(d.range(text))),
    );
    if !d.hint.is_empty() {
        group = group.element(Level::HELP.message(d.hint.as_str()));
    }
    renderer.render(&[group])
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

/// "Did you mean" for a name among candidates.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
