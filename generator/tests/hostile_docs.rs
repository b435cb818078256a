//! Spec prose stays inert in the generated documentation (issue 10): a valid spec whose titles
//! and descriptions hold fenced and indented doctests, list-like indentation, raw HTML,
//! Markdown links, images, reference definitions, tables and headings, plus bidi, CR, NUL and
//! tab characters, generates a module that
//!
//! - compiles with warnings denied here (and so passes the workspace's clippy run),
//! - documents that prose as plain text: parsed as rustdoc parses it, no code block, HTML,
//!   image or link comes from the spec,
//! - and, built as a crate of its own, runs its doctests (only the generator's two builder
//!   examples) without running spec text: the `marker` file the prose would write never
//!   appears, and `cargo doc` with warnings denied renders no spec HTML.
//!
//! `fixtures/hostile.yaml` is the spec; [`model`] adds the control and bidi characters after
//! validation, so that emission is tested on them whatever validation accepts. The module is
//! committed as `fixtures/hostile_generated.rs` (`TOKENSPEC_BLESS=1 cargo test -p tokenspec
//! --test hostile_docs` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/hostile_generated.rs"]
mod hostile;

mod common;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag};
use std::path::{Path, PathBuf};
use std::process::Command;
use tokenspec::model::{FieldSpec, GrantSpec, InputSpec, Provider};

/// The statement every hostile block holds; it must never run, nor become code.
const PAYLOAD: &str = "std::fs::write(\"marker\", \"ran\").unwrap();";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Characters a text field can carry past validation: a bidi override and isolate, a bare CR,
/// NUL and a tab.
fn spiced(text: &str) -> String {
    let text = text.replacen('\n', "\r", 1).replace(' ', " \u{2066}");
    format!("\u{202E}{text}\u{2069}\r\u{0}\t\u{200F}")
}

/// The validated fixture, with [`spiced`] prose and examples (new text and lists in `arena`,
/// as validation puts them there).
fn model(arena: &tokenspec::Bump) -> Provider<'_> {
    let source = tokenspec::load::read_file(&fixtures().join("hostile.yaml")).expect("readable");
    let mut providers = tokenspec::validate_sources(arena, vec![source]).expect("a valid spec");
    let mut p = providers.remove(0);
    let spice = |text: &str| -> &str { arena.alloc_str(&spiced(text)) };
    p.spec.title = spice(p.title);
    p.spec.description = spice(p.description);
    p.spec.inputs = arena.alloc_slice_fill_iter(p.inputs.iter().map(|i| InputSpec {
        description: spice(i.description),
        ..*i
    }));
    p.examples = arena.alloc_slice_fill_iter(p.examples.iter().map(|e| e.map(spice)));
    p.spec.grants = arena.alloc_slice_fill_iter(p.grants.iter().map(|g| GrantSpec {
        description: spice(g.description),
        ..*g
    }));
    p.spec.response = spiced_fields(arena, p.response);
    p.spec.claims = spiced_fields(arena, p.claims);
    p.spec.scopes.known = arena.alloc_slice_fill_iter(
        p.scopes
            .known
            .iter()
            .map(|&(scope, description)| (scope, spice(description))),
    );
    p
}

/// `fields` with [`spiced`] descriptions, in `arena`.
fn spiced_fields<'a>(arena: &'a tokenspec::Bump, fields: &[FieldSpec<'a>]) -> &'a [FieldSpec<'a>] {
    arena.alloc_slice_fill_iter(fields.iter().map(|f| FieldSpec {
        description: arena.alloc_str(&spiced(f.description)),
        ..*f
    }))
}

fn generate() -> String {
    let arena = tokenspec::Bump::new();
    tokenspec::emit::provider_module(&model(&arena)).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("hostile_generated.rs", generate());
}

#[test]
fn literals_keep_the_text_and_the_source_holds_no_control_or_bidi_character() {
    assert!(
        hostile::PROVIDER
            .description
            .contains("std::fs::write(\"marker\",")
    );
    assert!(hostile::PROVIDER.description.starts_with('\u{202E}'));
    assert!(hostile::PROVIDER.description.contains("\r\u{0}\t"));
    assert_eq!(hostile::PROVIDER.scopes.known[0].0, "read");
    let source = generate();
    let bad: Vec<char> = source
        .chars()
        .filter(|&c| (c.is_control() && c != '\n') || tokenspec::text::is_bidi_control(c))
        .collect();
    assert!(bad.is_empty(), "raw characters in the source: {bad:?}");
}

/// The documentation blocks of a generated source: runs of `///` or `//!` lines, without the
/// comment marker and the one space after it, as rustdoc reads them.
fn doc_blocks(source: &str) -> Vec<String> {
    let mut blocks: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in source.lines() {
        let trimmed = line.trim_start();
        let Some(marker) = ["///", "//!"].into_iter().find(|m| trimmed.starts_with(m)) else {
            blocks.push(("", Vec::new()));
            continue;
        };
        let text = &trimmed[3..];
        let text = text.strip_prefix(' ').unwrap_or(text);
        match blocks.last_mut() {
            Some((m, lines)) if *m == marker => lines.push(text),
            _ => blocks.push((marker, vec![text])),
        }
    }
    blocks
        .into_iter()
        .filter(|(m, _)| !m.is_empty())
        .map(|(_, lines)| lines.join("\n"))
        .collect()
}

/// rustdoc's Markdown options (`main_body_opts` in librustdoc) without smart punctuation,
/// which only changes quotes in text.
fn rustdoc_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

/// Identifiers in a doctest's code, string literals left out: what the code can call.
fn code_identifiers(code: &str) -> Vec<String> {
    fn walk(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
                proc_macro2::TokenTree::Group(g) => walk(g.stream(), out),
                _ => {}
            }
        }
    }
    // Lines starting with `#` are hidden lines of the example, still compiled.
    let code: String = code
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let tokens: proc_macro2::TokenStream = code.parse().expect("the doctest is Rust tokens");
    let mut out = Vec::new();
    walk(tokens, &mut out);
    out
}

#[test]
fn documentation_renders_spec_text_as_plain_text() {
    let source = std::fs::read_to_string(fixtures().join("hostile_generated.rs")).expect("read");
    let mut text = String::new();
    let mut code_blocks = Vec::new();
    for block in doc_blocks(&source) {
        let mut in_code: Option<String> = None;
        for event in Parser::new_ext(&block, rustdoc_options()) {
            match event {
                Event::Html(h) | Event::InlineHtml(h) => panic!("HTML {h:?} in:\n{block}"),
                Event::Start(Tag::Image { dest_url, .. }) => {
                    panic!("image {dest_url:?} in:\n{block}")
                }
                Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    ..
                }) => {
                    let intra_doc = link_type == LinkType::Shortcut
                        && dest_url
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
                    let explicit_path = link_type == LinkType::Inline
                        && dest_url.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '/' | '.')
                        })
                        && !dest_url.contains("//");
                    let checked = link_type == LinkType::Autolink
                        && tokenspec::text::check_link_url(&dest_url).is_ok();
                    assert!(
                        intra_doc || explicit_path || checked,
                        "link {link_type:?} {dest_url:?} in:\n{block}"
                    );
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let CodeBlockKind::Fenced(info) = kind else {
                        panic!("indented code block in:\n{block}");
                    };
                    assert!(block.starts_with("A client for "), "{block}");
                    in_code = Some(info.to_string());
                }
                Event::End(pulldown_cmark::TagEnd::CodeBlock) => {}
                Event::Text(t) => match &mut in_code {
                    Some(info) => {
                        code_blocks.push((info.clone(), t.to_string()));
                        in_code = None;
                    }
                    None => text.push_str(&t),
                },
                Event::Start(Tag::FootnoteDefinition(_) | Tag::Table(_) | Tag::BlockQuote(_))
                | Event::FootnoteReference(_) => panic!("{event:?} in:\n{block}"),
                _ => {}
            }
        }
    }
    // The prose is there, as text: the payload, the script tag, the link syntax.
    for kept in [
        PAYLOAD,
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "&amp;",
        "[ref]: https://evil.example/ref",
    ] {
        assert!(text.contains(kept), "{kept:?} is shown as text");
    }
    // The only code block is the generator's client example; it cannot call the payload
    // (it is in it only inside a string literal).
    let infos: Vec<&str> = code_blocks.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(infos, ["no_run"]);
    for (_, code) in &code_blocks {
        let idents = code_identifiers(code);
        assert!(!idents.iter().any(|i| i == "fs" || i == "unwrap"), "{code}");
    }
}

#[test]
fn providers_table_keeps_spec_text_inert() {
    let arena = tokenspec::Bump::new();
    let table = tokenspec::emit::docs::providers_md(&[model(&arena)]).expect("renders");
    // The table only: the file's own header is an HTML comment the generator writes.
    let rows: String = table
        .lines()
        .filter(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    let mut cells_per_row = Vec::new();
    let mut text = String::new();
    let mut code = Vec::new();
    for event in Parser::new_ext(&rows, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::TableHead | Tag::TableRow) => cells_per_row.push(0),
            Event::Start(Tag::TableCell) => {
                if let Some(n) = cells_per_row.last_mut() {
                    *n += 1;
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => panic!("HTML {h:?} in:\n{rows}"),
            Event::Start(Tag::Image { .. } | Tag::CodeBlock(_)) => panic!("{event:?}"),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => assert!(
                dest_url.as_ref() == "../specs/hostile.yaml"
                    || (link_type == LinkType::Autolink
                        && tokenspec::text::check_link_url(&dest_url).is_ok()),
                "link {dest_url:?} in:\n{rows}"
            ),
            Event::Text(t) => text.push_str(&t),
            Event::Code(c) => code.push(c.to_string()),
            _ => {}
        }
    }
    assert_eq!(
        cells_per_row,
        [7, 7],
        "a header and one row of seven cells:\n{rows}"
    );
    assert!(
        text.contains("# Hostile <b onmouseover=alert(1)>bold</b> [t](javascript:alert(1))"),
        "the title, as text: {text}"
    );
    assert!(code.contains(&"X-Evil`|~".to_owned()), "{code:?}");
}

/// The generated module as the crate of its own it is in `generated/providers/` (named
/// `tokenspec-provider-hostile`, as its doc example expects), on this repository's runtime and
/// lock file, with warnings denied. The runtime comes without its default reqwest transport,
/// which no doctest here needs (they are `no_run`), so the first run compiles far fewer
/// dependencies; the build directory is kept under cargo's per-test temporary directory, so
/// later runs compile only this crate.
fn scratch_crate(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let runtime = root.join("runtime").canonicalize().expect("runtime/");
    let manifest = format!(
        "[package]\nname = \"tokenspec-provider-hostile\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\ntokenspec-runtime = {{ path = {runtime:?}, default-features = false }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\n[workspace]\n",
        runtime = runtime.to_string_lossy()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");
    std::fs::create_dir_all(dir.join("src")).expect("src/");
    let module = std::fs::read_to_string(fixtures().join("hostile_generated.rs")).expect("module");
    // Inner attributes go after the module's inner docs and before its first item.
    let lib = module.replacen(
        "use ::tokenspec_runtime as rt;",
        "#![deny(warnings)]\nuse ::tokenspec_runtime as rt;",
        1,
    );
    assert_ne!(
        lib, module,
        "the module starts its items with the runtime alias"
    );
    std::fs::write(dir.join("src/lib.rs"), lib).expect("lib.rs");
}

fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-scratch"),
        )
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

#[test]
fn doctests_run_without_running_spec_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    scratch_crate(dir.path());

    let test = cargo(dir.path(), &["test", "--doc"]);
    let stdout = String::from_utf8_lossy(&test.stdout);
    let stderr = String::from_utf8_lossy(&test.stderr);
    assert!(
        test.status.success(),
        "cargo test --doc:\n{stdout}\n{stderr}"
    );
    assert!(
        !dir.path().join("marker").exists(),
        "a doctest ran spec text"
    );
    // Only the generator's client example is a doctest: a spec fence would add one.
    let doctests: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("test ") && l.ends_with(" ok"))
        .collect();
    assert_eq!(doctests.len(), 1, "{stdout}");
    assert!(
        doctests.iter().all(|l| l.contains("src/lib.rs - Client ")),
        "{stdout}"
    );

    let doc = cargo(dir.path(), &["doc", "--no-deps", "-q"]);
    assert!(
        doc.status.success(),
        "cargo doc with warnings denied:\n{}",
        String::from_utf8_lossy(&doc.stderr)
    );
    let html_dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile-scratch/doc/tokenspec_provider_hostile");
    let mut pages = 0;
    for entry in std::fs::read_dir(&html_dir).expect("rendered module") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(&path).expect("page");
        // Spec HTML is shown as text (`&lt;script&gt;`), never as markup.
        for raw in [
            "<script>alert",
            "<img src=x",
            "<b onmouseover",
            "<!-- comment",
            "<div>\nblock",
            "href=\"javascript:",
        ] {
            assert!(!html.contains(raw), "{raw} in {}", path.display());
        }
    }
    assert!(pages > 3, "rendered {pages} pages");
}
