//! Spec text in generated output: every string a spec supplies reaches the generated crate
//! either as a Rust string literal ([`literal`]) or, in documentation (rustdoc comments and
//! `PROVIDERS.md`), as inert Markdown made here.
//!
//! Documentation is CommonMark (rustdoc renders it with pulldown-cmark), where text can turn
//! into code that runs (a fenced or indented block is a doctest), raw HTML, links and images.
//! Spec text is untrusted, so the functions here render it as *plain text*:
//!
//! - **Kept**: the words and their order, line breaks, and paragraph breaks (one or more blank
//!   lines become one). Bare `https://` URLs that pass [`check_link_url`] become autolinks
//!   (`<https://…>`): the only links spec text can produce.
//! - **Escaped** (shown as typed, with no Markdown meaning): `\`, `` ` ``, `*`, `~`, `|`, `[`,
//!   `]`, `<`, `&`, `$`, `^`, and `_` unless it sits inside a word (`client_id` cannot start
//!   emphasis); at the start of a line also `-`, `+`, `=`, `#`, `>`, `:` and the `.` or `)`
//!   after leading digits, so no list, heading, quote, rule or setext underline can form.
//!   So no code block, HTML (tags, comments, entities), link, image, autolink, reference
//!   definition, footnote, table or math can form.
//! - **Collapsed**: leading and trailing whitespace of every line (so no indented code block,
//!   and no hard break), runs of whitespace inside a line, and tabs (each a space).
//! - **Dropped**: control characters (a bare CR is a line break first: it would end a doc
//!   comment line) and the bidirectional controls U+061C, U+200E, U+200F, U+202A–U+202E and
//!   U+2066–U+2069, which can make text read differently from what the compiler sees
//!   (CVE-2021-42574) and which rustc refuses in comments.
//! - URLs that are not `https`, or that fail [`check_link_url`], are shown as code spans: never
//!   links, and never the bare URLs rustdoc warns about.
//!
//! Values (patterns, defaults, examples, URL templates, wire names) are shown verbatim in code
//! spans ([`code`]), whose content Markdown never interprets.

use proc_macro2::Literal;

/// A Rust string literal holding exactly `value`.
///
/// `proc_macro2` writes the literal with `char::escape_debug`, which escapes `"` and `\`, every
/// control character and every character Rust does not consider printable, including the
/// bidirectional controls: the literal is ASCII-safe to read, the deny-by-default
/// `text_direction_codepoint_in_literal` lint never fires, and no value can end the literal
/// early. Every spec string in generated code is made here (`emit` calls nothing else).
pub fn literal(value: &str) -> Literal {
    Literal::string(value)
}

/// Whether `c` is a bidirectional control character (Unicode UAX #9: embeddings, overrides,
/// isolates and marks).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Spec text without control and bidi characters, as lines: CR LF and a bare CR end a line
/// (as in CommonMark, §2.1), other whitespace controls (tab, vertical tab, form feed, NEL,
/// U+2028, U+2029) are spaces.
fn clean_lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.split('\n')
        .map(|line| {
            line.chars()
                .filter_map(|c| {
                    if c.is_whitespace() {
                        Some(' ')
                    } else if c.is_control() || is_bidi_control(c) {
                        None
                    } else {
                        Some(c)
                    }
                })
                .collect::<String>()
        })
        .collect()
}

/// Block text (a description): plain-text paragraphs, as the module documentation says.
pub fn prose(text: &str) -> String {
    let mut paragraphs: Vec<Vec<String>> = vec![Vec::new()];
    for line in clean_lines(text) {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            if paragraphs.last().is_some_and(|p| !p.is_empty()) {
                paragraphs.push(Vec::new());
            }
        } else if let Some(paragraph) = paragraphs.last_mut() {
            paragraph.push(escape_line(&words.join(" ")));
        }
    }
    paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join("\n"))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Inline text (a title, or text inside a generated sentence): [`prose`] on one line.
pub fn inline(text: &str) -> String {
    let lines = clean_lines(text);
    let words: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    escape_line(&words.join(" "))
}

/// A value shown verbatim as a code span, whatever it holds: the fence is one backtick longer
/// than the longest run inside, and a space pads content that starts or ends with a backtick
/// or space (CommonMark §6.1 strips one from each side). Controls and bidi characters are
/// dropped, line breaks and tabs become spaces. An empty value reads `(empty)`.
pub fn code(value: &str) -> String {
    let content = clean_lines(value).join(" ");
    if content.is_empty() {
        return "(empty)".to_owned();
    }
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let edge = |c: Option<char>| matches!(c, Some('`' | ' '));
    let pad = (edge(content.chars().next()) || edge(content.chars().last()))
        && content.chars().any(|c| c != ' ');
    let space = if pad { " " } else { "" };
    format!("{fence}{space}{content}{space}{fence}")
}

/// A link the generator makes to a spec's URL: an autolink when it passes [`check_link_url`]
/// (validation refused it otherwise, for `docs`), else the URL as a code span.
pub fn link(url: &str) -> String {
    if check_link_url(url).is_ok() {
        format!("<{url}>")
    } else {
        code(url)
    }
}

/// Why a URL cannot become a link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkUrlError {
    /// The URL does not parse (WHATWG URL parsing, as the `url` crate does it).
    #[error("is not a URL: {0}")]
    Invalid(String),
    /// Another scheme than `https`.
    #[error("uses {0}, not https")]
    NotHttps(String),
    /// `user:password@` before the host: a credential in documentation.
    #[error("has user info (`user:password@`)")]
    UserInfo,
    /// No host name.
    #[error("has no host")]
    NoHost,
    /// A character that could end a Markdown link or an HTML attribute.
    #[error("contains {0:?}, which could end a Markdown link or an HTML attribute")]
    Character(char),
}

/// Characters a link URL may hold: RFC 3986's unreserved and reserved characters (§2.2, §2.3)
/// and `%`, except `'`, `(`, `)`, `[` and `]`, which can end a Markdown link destination or
/// an HTML attribute. Everything else (spaces, controls, `<`, `>`, `"`, `` ` ``, `\`, `{`,
/// `}`, `|`, `^`, non-ASCII) must be percent-encoded.
fn url_char_allowed(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '-' | '.'
                | '_'
                | '~'
                | ':'
                | '/'
                | '?'
                | '#'
                | '@'
                | '!'
                | '$'
                | '&'
                | '*'
                | '+'
                | ','
                | ';'
                | '='
                | '%'
        )
}

/// Whether `url` may become a link in generated documentation: it parses, is `https`, has a
/// host and no user info, and holds only ASCII letters, digits and `-._~:/?#@!$&*+,;=%`
/// (RFC 3986 §2.2 and §2.3 without `'()[]`), so it is the same URL in Markdown, in HTML and to
/// the `url` crate. `validate` applies it to `docs`.
pub fn check_link_url(url: &str) -> Result<(), LinkUrlError> {
    if let Some(c) = url.chars().find(|c| !url_char_allowed(*c)) {
        return Err(LinkUrlError::Character(c));
    }
    let parsed = url::Url::parse(url).map_err(|e| LinkUrlError::Invalid(e.to_string()))?;
    if parsed.scheme() != "https" {
        return Err(LinkUrlError::NotHttps(parsed.scheme().to_owned()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(LinkUrlError::UserInfo);
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(LinkUrlError::NoHost);
    }
    Ok(())
}

/// Where each bare URL of `line` starts, and ends: it starts at `http://` or `https://` in any
/// case (rustdoc's `bare_urls` lint looks for them anywhere) and runs to whitespace or a
/// character no URL holds, without the sentence's closing punctuation.
fn url_spans(line: &str) -> Vec<(usize, usize)> {
    let lower = line.to_ascii_lowercase();
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = ["http://", "https://"]
        .iter()
        .filter_map(|s| lower[from..].find(s))
        .min()
    {
        let start = from + found;
        let mut end = line[start..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
            .map_or(line.len(), |n| start + n);
        loop {
            let token = &line[start..end];
            let Some(last) = token.chars().last() else {
                break;
            };
            let unbalanced = last == ')' && token.matches('(').count() < token.matches(')').count();
            if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'') || unbalanced {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        spans.push((start, end));
        from = end.max(start + 1);
    }
    spans
}

/// One line of spec text (no line breaks, no leading or trailing whitespace) as inert
/// Markdown.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 4);
    let mut last = 0;
    for (start, end) in url_spans(line) {
        escape_text(&line[last..start], last == 0, &mut out);
        out.push_str(&link(&line[start..end]));
        last = end;
    }
    escape_text(&line[last..], last == 0, &mut out);
    out
}

/// Text without URLs, escaped; `line_start` when it begins a line.
fn escape_text(text: &str, line_start: bool, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    // The `.` or `)` that would make leading digits an ordered-list marker (CommonMark §5.2).
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let list_dot = (line_start && digits > 0).then_some(digits);
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            // `$` and `^`: math and superscript in Markdown dialects that have them (GitHub
            // renders `$…$`), whose spans could otherwise swallow the backtick of a code span.
            '\\' | '`' | '*' | '~' | '|' | '[' | ']' | '<' | '&' | '$' | '^' => true,
            '_' => {
                let inside_word = i > 0
                    && chars[i - 1].is_alphanumeric()
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                !inside_word
            }
            // `:` starts a definition in Markdown dialects with definition lists.
            '-' | '+' | '=' | '#' | '>' | ':' => line_start && i == 0,
            '.' | ')' => list_dot == Some(i),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_html_and_links_are_escaped() {
        assert_eq!(
            prose("```\nstd::fs::write(\"m\", \"x\");\n```"),
            "\\`\\`\\`\nstd::fs::write(\"m\", \"x\");\n\\`\\`\\`"
        );
        assert_eq!(prose("    indented\n\tcode"), "indented\ncode");
        assert_eq!(
            prose("<script>alert(1)</script> &amp;"),
            "\\<script>alert(1)\\</script> \\&amp;"
        );
        assert_eq!(
            prose("[x](javascript:alert(1)) ![i](j)"),
            "\\[x\\](javascript:alert(1)) !\\[i\\](j)"
        );
        assert_eq!(
            prose("- a\n1. b\n# c\n> d\n==="),
            "\\- a\n1\\. b\n\\# c\n\\> d\n\\==="
        );
        assert_eq!(prose("client_id _x_"), "client_id \\_x\\_");
    }

    #[test]
    fn paragraphs_stay_and_controls_go() {
        assert_eq!(prose("\n\na\r\nb\rc\n\n\n\nd  \n"), "a\nb\nc\n\nd");
        assert_eq!(prose("a\u{202E}b\u{2066}c\u{0}d\u{7}"), "abcd");
        assert_eq!(inline("Evil\nTitle\t \u{2028}x"), "Evil Title x");
        assert_eq!(inline("1) first"), "1\\) first");
    }

    #[test]
    fn checked_urls_link_and_others_are_code() {
        assert_eq!(
            prose("Issuer, https://identity.example.com."),
            "Issuer, <https://identity.example.com>."
        );
        assert_eq!(
            prose("(see https://a.example/x?y=1)"),
            "(see <https://a.example/x?y=1>)"
        );
        assert_eq!(prose("http://a.example/"), "`http://a.example/`");
        assert_eq!(
            prose("https://example.com/a)](javascript:alert(1))"),
            "`https://example.com/a)](javascript:alert(1)`)"
        );
        assert_eq!(prose("xhttps://a.example/"), "x<https://a.example/>");
    }

    #[test]
    fn code_spans_hold_any_value() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
        assert_eq!(code(" a"), "`  a `");
        assert_eq!(code(""), "(empty)");
        assert_eq!(code("a\nb\u{202E}"), "`a b`");
    }

    #[test]
    fn link_urls_are_checked() {
        assert_eq!(check_link_url("https://example.com/a?b=c#d"), Ok(()));
        assert_eq!(
            check_link_url("https://example.com/a)](javascript:alert(1))<script>"),
            Err(LinkUrlError::Character(')'))
        );
        assert_eq!(
            check_link_url("http://example.com/"),
            Err(LinkUrlError::NotHttps("http".into()))
        );
        assert_eq!(
            check_link_url("https://u:p@example.com/"),
            Err(LinkUrlError::UserInfo)
        );
        assert!(check_link_url("https://").is_err());
        assert_eq!(
            check_link_url("https://example.com/\"x"),
            Err(LinkUrlError::Character('"'))
        );
    }
}
