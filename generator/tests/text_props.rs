//! Property tests of `tokenspec::text`, the one way spec text reaches generated documentation
//! and literals: random strings from a hostile alphabet (fences, indentation, HTML, entities,
//! Markdown links and images, autolinks, list and heading markers, quotes, backslashes,
//! control and bidi characters, keywords, non-ASCII) are
//!
//! - rendered by `prose` and `inline` as plain text: pulldown-cmark, with rustdoc's options,
//!   finds only paragraphs, text, line breaks and autolinks to URLs that pass
//!   `check_link_url` (and, with every extension on, never code blocks, HTML, links, images,
//!   footnotes, tables, headings, lists or quotes), and every visible character survives;
//! - shown verbatim by `code` as exactly one code span;
//! - kept exactly by `literal`, whose Rust source holds no control or bidi character.
//!
//! 256 cases per property by default; `PROPTEST_CASES=20000 cargo test -p tokenspec --test
//! text_props` runs more.

use proptest::prelude::*;
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};
use tokenspec::text::{check_link_url, code, inline, is_bidi_control, literal, prose};

fn piece() -> impl Strategy<Value = String> {
    let fixed: Vec<&'static str> = vec![
        "\"",
        "'",
        "\\",
        "```",
        "~~~",
        "```rust\n",
        "    ",
        "\t",
        "\n",
        "\n\n",
        "\r",
        "\r\n",
        "<script>",
        "</script>",
        "<img src=x onerror=alert(1)>",
        "<!--",
        "-->",
        "<div>",
        "&amp;",
        "&#60;",
        "&lt;",
        "[x](y)",
        "[x](javascript:alert(1))",
        "![i](j)",
        "[r]: https://e.example/r",
        "[^1]",
        "[[w]]",
        "<http://a.example>",
        "<https://a.example/b>",
        "<a@b.example>",
        "https://a.example/x",
        "https://a.example/x_(y)",
        "https://a.example/a)](javascript:x)",
        "HTTPS://A.EXAMPLE/",
        "http://b.example",
        "www.c.example",
        "- ",
        "+ ",
        "* ",
        "1. ",
        "2) ",
        "# ",
        "> ",
        "---",
        "===",
        "***",
        "___",
        "| a | b |",
        "|---|",
        ": ",
        "*",
        "_",
        "__",
        "`",
        "``",
        "~",
        "$x$",
        "$",
        "$$",
        "https://a.example/$",
        "https://a.example/^",
        "http://a.example/$",
        "^s^",
        "{#id}",
        "fn main() { std::fs::write(\"marker\", \"ran\").unwrap(); }",
        "r#type",
        "self",
        "*/",
        "/*",
        "///",
        "\u{202A}",
        "\u{202E}",
        "\u{2066}",
        "\u{2069}",
        "\u{200E}",
        "\u{200F}",
        "\u{061C}",
        "\u{0}",
        "\u{7}",
        "\u{1b}",
        "\u{7f}",
        "\u{85}",
        "\u{a0}",
        "\u{2028}",
        "\u{2029}",
        "\u{feff}",
        "é",
        "日本",
        "👍🏽",
        "e\u{301}",
    ];
    prop_oneof![
        4 => prop::sample::select(fixed).prop_map(str::to_owned),
        2 => "[a-z]{1,6}( [a-z]{1,6}){0,2}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|pieces| pieces.concat())
}

/// rustdoc's Markdown options (`main_body_opts` in librustdoc) without smart punctuation,
/// which only turns quotes and dashes of text into typographic ones.
fn rustdoc_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// The characters a reader sees, whitespace left out (line structure is not compared).
fn visible(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && !is_bidi_control(*c))
        .collect()
}

/// Checks that `markdown` is plain text under rustdoc's options and returns what it shows.
fn plain_text(markdown: &str) -> Result<String, TestCaseError> {
    let mut shown = String::new();
    for event in Parser::new_ext(markdown, rustdoc_options()) {
        match event {
            Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph | TagEnd::Link) => {}
            Event::SoftBreak => shown.push('\n'),
            Event::Text(t) | Event::Code(t) => shown.push_str(&t),
            Event::Start(Tag::Link {
                link_type: LinkType::Autolink,
                dest_url,
                ..
            }) => prop_assert!(
                check_link_url(&dest_url).is_ok(),
                "autolink to an unchecked URL {dest_url:?} in {markdown:?}"
            ),
            other => prop_assert!(false, "{other:?} in {markdown:?}"),
        }
    }
    Ok(shown)
}

/// With every pulldown-cmark extension on, still nothing that runs, links, or structures.
fn nothing_forbidden(markdown: &str) -> Result<(), TestCaseError> {
    for event in Parser::new_ext(markdown, Options::all()) {
        let forbidden = match &event {
            Event::Html(_)
            | Event::InlineHtml(_)
            | Event::FootnoteReference(_)
            | Event::HardBreak
            | Event::Rule => true,
            Event::Start(Tag::Link { link_type, .. }) => *link_type != LinkType::Autolink,
            Event::Start(tag) => matches!(
                tag,
                Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::Image { .. }
                    | Tag::FootnoteDefinition(_)
                    | Tag::Table(_)
                    | Tag::Heading { .. }
                    | Tag::List(_)
                    | Tag::BlockQuote(_)
                    | Tag::MetadataBlock(_)
            ),
            _ => false,
        };
        prop_assert!(!forbidden, "{event:?} in {markdown:?}");
    }
    Ok(())
}

/// Lines a doc comment can carry: no control or bidi character, no leading whitespace (an
/// indented code block), no trailing whitespace (a hard break).
fn clean_lines(markdown: &str) -> Result<(), TestCaseError> {
    for line in markdown.split('\n') {
        prop_assert!(
            !line.chars().any(|c| c.is_control() || is_bidi_control(c)),
            "{line:?}"
        );
        prop_assert_eq!(line.trim(), line);
    }
    Ok(())
}

proptest! {
    // Cases: PROPTEST_CASES (proptest reads it into the default config), 256 when unset.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn prose_is_plain_text_and_keeps_every_visible_character(text in hostile()) {
        let markdown = prose(&text);
        clean_lines(&markdown)?;
        let shown = plain_text(&markdown)?;
        nothing_forbidden(&markdown)?;
        prop_assert_eq!(visible(&shown), visible(&text), "{:?}", markdown);
    }

    #[test]
    fn inline_is_one_line_of_plain_text(text in hostile()) {
        let markdown = inline(&text);
        prop_assert!(!markdown.contains('\n'));
        clean_lines(&markdown)?;
        let shown = plain_text(&markdown)?;
        nothing_forbidden(&markdown)?;
        prop_assert_eq!(visible(&shown), visible(&text), "{:?}", markdown);
        // Inline text goes into generated sentences, after other words: still plain there.
        let sentence = format!("A client for {markdown}'s token endpoint.");
        plain_text(&sentence)?;
        nothing_forbidden(&sentence)?;
    }

    #[test]
    fn code_is_one_code_span_of_the_value(value in hostile()) {
        let expected: String = value
            .replace("\r\n", "\n")
            .chars()
            .filter(|c| (c.is_whitespace() || !c.is_control()) && !is_bidi_control(*c))
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        let markdown = code(&value);
        clean_lines(&markdown.replace(' ', "x"))?;
        for context in [format!("{markdown}."), format!("Default: {markdown}.")] {
            let events: Vec<Event> = Parser::new_ext(&context, Options::all()).collect();
            let codes: Vec<&Event> = events.iter().filter(|e| matches!(e, Event::Code(_))).collect();
            if expected.is_empty() {
                prop_assert!(codes.is_empty());
                continue;
            }
            prop_assert_eq!(codes.len(), 1, "{:?}: {:?}", context, events);
            prop_assert_eq!(codes[0], &Event::Code(expected.clone().into()), "{:?}", context);
            nothing_forbidden(&context)?;
        }
    }

    #[test]
    fn literal_holds_the_exact_value_and_no_raw_control(value in hostile()) {
        let source = literal(&value).to_string();
        prop_assert!(
            !source.chars().any(|c| c.is_control() || is_bidi_control(c)),
            "{:?}", source
        );
        let parsed: syn::LitStr = syn::parse_str(&source)
            .map_err(|e| TestCaseError::fail(format!("{source}: {e}")))?;
        prop_assert_eq!(parsed.value(), value);
    }
}

#[test]
fn the_alphabet_reaches_every_construct() {
    // A fixed sample, so a change of the alphabet that dropped the hard cases shows up here.
    let sample = "```\nstd::fs::write(\"marker\", \"ran\");\n```\n\n    x\n\n<script>a</script>\n\n\
                  [x](y) ![i](j) <http://a.example/>\n\n- item\n\u{202E}\r\t";
    let markdown = prose(sample);
    assert!(plain_text(&markdown).is_ok(), "{markdown}");
    let unescaped: Vec<Event> = Parser::new_ext(sample, rustdoc_options()).collect();
    let kinds = |pred: fn(&Event) -> bool| unescaped.iter().any(pred);
    assert!(kinds(|e| matches!(e, Event::Start(Tag::CodeBlock(_)))));
    assert!(kinds(|e| matches!(
        e,
        Event::Html(_) | Event::InlineHtml(_)
    )));
    assert!(kinds(|e| matches!(e, Event::Start(Tag::Link { .. }))));
    assert!(kinds(|e| matches!(e, Event::Start(Tag::Image { .. }))));
    assert!(kinds(|e| matches!(e, Event::Start(Tag::List(_)))));
}
