//! `tokenspec diff`: pairs of specs under `fixtures/diff/` (the `base` spec and one folder per
//! kind of change) are compared as models; each report is an insta snapshot, and each case is
//! classed as expected. The command itself is run on two folders, two files, and a git
//! revision of a throwaway repository.

use std::path::{Path, PathBuf};
use std::process::Command;
use tokenspec::diff::{Class, diff, has_breaking, render_markdown, render_text};
use tokenspec::model::Provider;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}

fn models<'a>(arena: &'a tokenspec::Bump, path: &Path) -> Vec<Provider<'a>> {
    let sources = tokenspec::diff::sources_at_path(path).expect("readable");
    tokenspec::validate_sources(arena, sources)
        .unwrap_or_else(|e| panic!("{} is valid: {e}", path.display()))
}

fn case<'a>(arena: &'a tokenspec::Bump, name: &str) -> Vec<Provider<'a>> {
    models(arena, &fixtures().join(name).join("demo.yaml"))
}

const BREAKING: &[&str] = &[
    "claim_removed",
    "content_type_changed",
    "default_environment_changed",
    "environment_removed",
    "error_body_changed",
    "fixed_parameter_added",
    "grant_removed",
    "input_becomes_optional",
    "input_pattern_tightened",
    "input_removed",
    "optional_per_request_input_added",
    "placement_removed",
    "preferred_placement_changed",
    "required_input_added",
    "required_response_field_added",
    "response_field_becomes_required",
    "response_field_removed",
    "response_field_type_changed",
    "scope_delimiter_changed",
    "token_url_changed",
];

const COMPATIBLE: &[&str] = &[
    "documentation_changed",
    "environment_added",
    "input_pattern_removed",
    "known_scope_added",
    "lifetime_changed",
    "optional_claim_added",
    "optional_input_added",
    "optional_response_field_added",
    "placement_added",
];

#[test]
fn every_fixture_is_a_known_case() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !["base", "folders"].contains(&n.as_str()))
        .collect();
    dirs.sort();
    let mut known: Vec<&str> = BREAKING
        .iter()
        .chain(COMPATIBLE)
        .copied()
        .chain(["unchanged_but_reformatted"])
        .collect();
    known.sort_unstable();
    assert_eq!(dirs, known);
}

#[test]
fn each_case_is_classed_and_matches_its_snapshot() {
    let arena = tokenspec::Bump::new();
    let base = case(&arena, "base");
    for name in BREAKING.iter().chain(COMPATIBLE) {
        let changes = diff(&base, &case(&arena, name));
        assert!(!changes.is_empty(), "{name}: a change");
        if BREAKING.contains(name) {
            assert!(
                has_breaking(&changes),
                "{name} is breaking:\n{}",
                render_text(&changes)
            );
        } else {
            assert!(
                changes.iter().all(|c| c.class == Class::Compatible),
                "{name} is compatible:\n{}",
                render_text(&changes)
            );
        }
        insta::with_settings!({
            snapshot_path => "snapshots/diff",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(*name, render_text(&changes));
        });
    }
}

#[test]
fn reversing_a_removal_is_an_addition() {
    let arena = tokenspec::Bump::new();
    let base = case(&arena, "base");
    let changes = diff(&case(&arena, "grant_removed"), &base);
    assert!(!has_breaking(&changes), "{}", render_text(&changes));
    let text = render_text(&changes);
    assert!(text.contains("grant `refresh_token` added"), "{text}");
    insta::with_settings!({
        snapshot_path => "snapshots/diff",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("grant_added", text);
    });
}

#[test]
fn formatting_comments_and_key_order_are_no_change() {
    let arena = tokenspec::Bump::new();
    let changes = diff(
        &case(&arena, "base"),
        &case(&arena, "unchanged_but_reformatted"),
    );
    assert!(changes.is_empty(), "{}", render_text(&changes));
    assert_eq!(
        render_text(&changes),
        "no changes to the wire or the generated API\n"
    );
}

#[test]
fn folders_compare_provider_by_provider() {
    let arena = tokenspec::Bump::new();
    let old = models(&arena, &fixtures().join("folders/old"));
    let new = models(&arena, &fixtures().join("folders/new"));
    let changes = diff(&old, &new);
    let text = render_text(&changes);
    assert!(
        text.contains("legacy\n  breaking    provider removed"),
        "{text}"
    );
    assert!(
        text.contains("newcomer\n  compatible  provider added"),
        "{text}"
    );
    insta::with_settings!({
        snapshot_path => "snapshots/diff",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("folders_text", text);
    });
    let mut everything = changes;
    everything.extend(diff(
        &case(&arena, "base"),
        &case(&arena, "required_input_added"),
    ));
    everything.extend(diff(
        &case(&arena, "base"),
        &case(&arena, "documentation_changed"),
    ));
    insta::with_settings!({
        snapshot_path => "snapshots/diff",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("folders_markdown", render_markdown(&everything));
    });
}

fn tokenspec(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tokenspec"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("tokenspec runs")
}

#[test]
fn the_command_compares_folders_and_files() {
    let dir = fixtures();
    let out = tokenspec(&dir, &["diff", "folders/old", "folders/new"]);
    assert!(out.status.success(), "breaking changes alone do not fail");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("provider removed"), "{stdout}");

    let out = tokenspec(
        &dir,
        &[
            "diff",
            "folders/old",
            "folders/new",
            "--format",
            "markdown",
            "--deny-breaking",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "--deny-breaking fails on breaking changes"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("| `legacy` | provider removed | **breaking** |"),
        "{stdout}"
    );

    let out = tokenspec(
        &dir,
        &[
            "diff",
            "base/demo.yaml",
            "known_scope_added/demo.yaml",
            "--deny-breaking",
        ],
    );
    assert!(
        out.status.success(),
        "compatible changes pass --deny-breaking"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("known scope `write` added"));

    let out = tokenspec(&dir, &["diff", "base/demo.yaml"]);
    assert!(!out.status.success(), "NEW is required without --base");
}

#[test]
fn the_command_compares_a_git_revision_with_the_working_tree() {
    let repo = tempfile::tempdir().expect("tempdir");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(repo.path())
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let specs = repo.path().join("specs");
    std::fs::create_dir_all(&specs).expect("mkdir");
    std::fs::copy(fixtures().join("base/demo.yaml"), specs.join("demo.yaml")).expect("copy");
    std::fs::write(specs.join("schema.json"), "{}").expect("not a spec: ignored");
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);

    let out = tokenspec(repo.path(), &["diff", "--base", "HEAD"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "no changes to the wire or the generated API\n"
    );

    std::fs::copy(
        fixtures().join("environment_removed/demo.yaml"),
        specs.join("demo.yaml"),
    )
    .expect("copy");
    let out = tokenspec(repo.path(), &["diff", "--base", "HEAD", "--deny-breaking"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("environment `staging` removed"), "{stdout}");

    let out = tokenspec(repo.path(), &["diff", "--base", "no-such-rev"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("git ls-tree"));
}

/// Spec values in a diff (a fixed parameter value, a URL, a scope) reach a PR comment as code
/// spans, whatever backticks or HTML they hold: nothing a spec says can close the span and
/// form HTML or a link in the Markdown table.
#[test]
fn spec_values_stay_code_in_the_markdown_table() {
    let arena = tokenspec::Bump::new();
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let base = case(&arena, "base");
    let text = std::fs::read_to_string(fixtures().join("fixed_parameter_added/demo.yaml"))
        .expect("fixture");
    let hostile = "x` <script>alert(1)</script> [a](javascript:alert(1)) ``` | ";
    let text = text.replace(
        "value: https://api.demo.example",
        &format!("value: {hostile:?}"),
    );
    assert!(
        text.contains("<script>"),
        "the fixture holds the fixed value"
    );
    let new = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new("demo.yaml", text)],
    )
    .expect("the hostile value is a valid fixed value");
    let markdown = render_markdown(&diff(&base, &new));
    assert!(markdown.contains("alert(1)"), "{markdown}");
    for event in Parser::new_ext(&markdown, Options::ENABLE_TABLES) {
        assert!(
            !matches!(
                event,
                Event::Html(_)
                    | Event::InlineHtml(_)
                    | Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_))
            ),
            "{event:?} formed in:\n{markdown}"
        );
    }
}
