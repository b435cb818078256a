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
    /// Text of the source never to be shown, as `(line, column, len)` like the mark: the user
    /// info of a URL (`user:password`), shown as `***` in the source line.
    pub redact: Option<(u64, u64, usize)>,
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
            redact: None,
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
            redact: None,
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

    /// The same diagnostic, never showing the `len` bytes from `column` of `line` of the
    /// source (they are shown as `***`): a password in the line the diagnostic is about.
    #[must_use]
    pub fn redact(mut self, line: u64, column: u64, len: usize) -> Self {
        self.redact = Some((line.max(1), column.max(1), len));
        self
    }

    /// Byte range of the marked text in the indexed source, clamped to it.
    fn range(&self, index: &LineIndex<'_>) -> std::ops::Range<usize> {
        let source = index.text;
        let start = index.offset(self.line, self.column);
        let len = if self.len > 0 {
            self.len
        } else {
            source[start..].chars().next().map_or(0, char::len_utf8)
        };
        let mut end = start.saturating_add(len).min(source.len());
        while !source.is_char_boundary(end) {
            end -= 1;
        }
        start..end.max(start)
    }
}

/// Where each line of a text starts, found in one pass: a line and column then become a byte
/// offset in time proportional to that line's length, not to the text before it. Rendering
/// thousands of diagnostics of one file stays linear in the file's size.
#[derive(Debug, Clone)]
pub struct LineIndex<'t> {
    text: &'t str,
    /// Byte offset of the start of each line; line 1 starts at 0.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    /// The index of `text` (one pass over it).
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
    }

    /// The text indexed.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// Byte range of 1-based `line`, without its line break; `None` past the last line.
    pub fn line(&self, line: u64) -> Option<std::ops::Range<usize>> {
        let i = usize::try_from(line.checked_sub(1)?).ok()?;
        let start = *self.starts.get(i)?;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.text.len(), |next| next - 1);
        Some(start..end)
    }

    /// 1-based line of byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> u64 {
        // `starts[0] == 0`, so the partition point is at least 1.
        self.starts.partition_point(|s| *s <= offset) as u64
    }

    /// Byte offset of 1-based `line` and character `column`, clamped to the text (past the
    /// last line: its end; past the end of a line: that line's end).
    pub fn offset(&self, line: u64, column: u64) -> usize {
        let Some(range) = self.line(line.max(1)) else {
            return self.text.len();
        };
        let skip = usize::try_from(column.saturating_sub(1)).unwrap_or(usize::MAX);
        self.text[range.clone()]
            .char_indices()
            .nth(skip)
            .map_or(range.end, |(i, _)| range.start + i)
    }

    /// 1-based line and character column of byte `offset` (clamped to the text, and to a
    /// character boundary at or before it).
    pub fn line_column(&self, offset: usize) -> (u64, u64) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.starts[usize::try_from(line).unwrap_or(1).saturating_sub(1)];
        let column = self.text[start..offset].chars().count() + 1;
        (line, column as u64)
    }
}

/// Byte offset of 1-based `line` and character `column` in `text`, clamped to the text. For
/// one look-up; many look-ups in one text share a [`LineIndex`].
pub fn byte_offset(text: &str, line: u64, column: u64) -> usize {
    LineIndex::new(text).offset(line, column)
}

/// Whether `c` is a character that changes how the text around it is displayed without being
/// visible itself: the Unicode bidirectional controls that "Trojan Source" (CVE-2021-42574)
/// uses to make code read differently from how it runs.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Whether `c` would be shown raw in a terminal in a way that misleads or garbles it: a bidi
/// control ([`is_bidi_control`]) or a C0/C1 control character other than tab and line feed.
pub fn is_unsafe_to_show(c: char) -> bool {
    is_bidi_control(c) || (c.is_control() && c != '\t' && c != '\n')
}

/// `text` with each character that is unsafe to show ([`is_unsafe_to_show`]) written as a Rust
/// escape, `\u{202E}`: diagnostics name such characters without letting them act on the
/// terminal.
pub fn escape_for_display(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_unsafe_to_show) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe_to_show(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl fmt::Display for Diagnostic {
    /// Without its source: the message, where, and the help line (characters unsafe to show
    /// escaped, see [`escape_for_display`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = escape_for_display(&self.message);
        let file = escape_for_display(&self.file);
        if self.is_whole_file() {
            write!(f, "error: {message}\n  --> {file}")?;
        } else {
            write!(
                f,
                "error: {message}\n  --> {file}:{}:{}",
                self.line, self.column
            )?;
        }
        if !self.hint.is_empty() {
            write!(f, "\n  = help: {}", escape_for_display(&self.hint))?;
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

    /// The report: the diagnostics rustc-style, at most [`SHOWN_PER_FILE`] of each file (then
    /// a note counting the rest), then a count of all errors and files.
    ///
    /// Each file's lines are indexed once and each diagnostic is shown from the few lines it
    /// marks, so the report takes time linear in the files' size and the number of errors.
    pub fn render(&self, color: bool) -> String {
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = String::new();
        let mut files = 0;
        // Items are sorted by file: each file's diagnostics are one run of them.
        for run in self.items.chunk_by(|a, b| a.file == b.file) {
            files += 1;
            let index = self
                .sources
                .get(&run[0].file)
                .map(|text| LineIndex::new(text));
            for d in run.iter().take(SHOWN_PER_FILE) {
                out.push_str(&render_one(&renderer, d, index.as_ref()));
                out.push_str("\n\n");
            }
            if let Some(more) = run.len().checked_sub(SHOWN_PER_FILE).filter(|m| *m > 0) {
                let note = format!(
                    "and {more} more error{} in {} (the first {SHOWN_PER_FILE} of each file are shown)",
                    if more == 1 { "" } else { "s" },
                    escape_for_display(&run[0].file),
                );
                out.push_str(&renderer.render(&[annotate_snippets::Group::with_title(
                    Level::NOTE.primary_title(note.as_str()),
                )]));
                out.push_str("\n\n");
            }
        }
        let n = self.items.len();
        let summary = format!(
            "{n} error{} in {files} file{}",
            if n == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" }
        );
        out.push_str(&renderer.render(&[annotate_snippets::Group::with_title(
            Level::ERROR.primary_title(summary.as_str()),
        )]));
        out
    }
}

/// How many diagnostics of one file a report shows; a note counts the others. Past a few
/// dozen, more of the same mistake help nobody, and a hostile file with thousands of errors
/// would otherwise flood the CI log.
pub const SHOWN_PER_FILE: usize = 50;

fn render_one(renderer: &Renderer, d: &Diagnostic, index: Option<&LineIndex<'_>>) -> String {
    let Some(index) = index.filter(|_| !d.is_whole_file()) else {
        // No text to show (or no place in it): say where in words.
        return d.to_string();
    };
    // Only the lines the diagnostic marks go to the renderer, numbered from the first of them.
    let range = d.range(index);
    let first = index.line_of(range.start);
    let last = index.line_of(range.end.saturating_sub(1).max(range.start));
    let lines_start = index.line(first).map_or(range.start, |l| l.start);
    let lines_end = index.line(last).map_or(range.end, |l| l.end).max(range.end);
    // The redacted bytes, relative to the shown lines (clamped to them).
    let redact = d.redact.map(|(line, column, len)| {
        let start = index.offset(line, column).clamp(lines_start, lines_end);
        let end = start.saturating_add(len).clamp(start, lines_end);
        start - lines_start..end - lines_start
    });
    let (shown, span) = shown_lines(
        &index.text()[lines_start..lines_end],
        range.start - lines_start..range.end - lines_start,
        redact,
    );
    let message = escape_for_display(&d.message);
    let path = escape_for_display(&d.file);
    let hint = escape_for_display(&d.hint);
    let mut group = Level::ERROR.primary_title(message).element(
        Snippet::source(shown)
            .line_start(usize::try_from(first).unwrap_or(1))
            .path(path)
            .annotation(AnnotationKind::Primary.span(span)),
    );
    if !d.hint.is_empty() {
        group = group.element(Level::HELP.message(hint));
    }
    renderer.render(&[group])
}

/// The lines to show, with characters unsafe to show escaped (a raw U+202E would reorder the
/// terminal line it is printed on), the CR of CRLF line ends dropped and the `redact` bytes
/// shown as `***`, and `span` moved to where its text is in them.
fn shown_lines(
    lines: &str,
    span: std::ops::Range<usize>,
    redact: Option<std::ops::Range<usize>>,
) -> (String, std::ops::Range<usize>) {
    let mut out = String::with_capacity(lines.len());
    let (mut start, mut end) = (None, None);
    let mut chars = lines.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i == span.start {
            start = Some(out.len());
        }
        if i == span.end {
            end = Some(out.len());
        }
        if let Some(r) = redact.as_ref().filter(|r| r.contains(&i)) {
            if i == r.start {
                out.push_str("***");
            }
            continue;
        }
        let line_end = matches!(chars.peek(), None | Some((_, '\n')));
        if c == '\r' && line_end {
            continue;
        }
        if is_unsafe_to_show(c) {
            out.push_str(&format!("\\u{{{:04X}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    let start = start.unwrap_or(out.len());
    let end = end.unwrap_or(out.len()).max(start);
    (out, start..end)
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

impl std::error::Error for Diagnostics {}

/// How many candidates "did you mean" compares a name with. Real specs have a few dozen names
/// of a kind; a hostile one with thousands of inputs and thousands of misspelled references
/// would otherwise make the suggestions quadratic.
const SUGGESTION_CANDIDATES: usize = 256;

/// "Did you mean" for a name among candidates (the first 256 of them: a hostile spec
/// with thousands of names would otherwise make the suggestions quadratic).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .take(SUGGESTION_CANDIDATES)
        .filter(|c| *c != name)
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
