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

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Spec format 1.1: an old version saved under any name (`git show rev:specs/brainysoft.yaml >
/// old.yaml`) compares with the spec in `specs/`, as the provider its `name:` declares.
#[test]
fn a_saved_old_version_compares_with_the_spec_whatever_its_file_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let current = workspace().join("specs/brainysoft.yaml");
    let text = std::fs::read_to_string(&current).expect("specs/brainysoft.yaml");
    let query = "    query:\n      client_id: client_id\n      client_secret: client_secret\n";
    assert!(text.contains(query), "the spec accepts the query placement");
    std::fs::write(dir.path().join("old.yaml"), text.replace(query, "")).expect("write");
    let current = current.to_str().expect("UTF-8 path");

    let out = tokenspec(
        dir.path(),
        &["diff", "old.yaml", current, "--deny-breaking"],
    );
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "brainysoft\n  compatible  credential placement query string added\n              \
         a new alternative; the preferred placement decides what is sent\n\n\
         0 breaking, 1 compatible change in 1 provider\n"
    );

    // The other way round it is a removal: breaking.
    let out = tokenspec(
        dir.path(),
        &["diff", current, "old.yaml", "--deny-breaking"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(
        stdout_of(&out)
            .contains("brainysoft\n  breaking    credential placement query string removed"),
        "{}",
        stdout_of(&out)
    );

    // The same spec under another file name is no change.
    std::fs::write(dir.path().join("copy.yaml"), &text).expect("write");
    let out = tokenspec(dir.path(), &["diff", current, "copy.yaml"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    assert_eq!(
        stdout_of(&out),
        "no changes to the wire or the generated API\n"
    );
}

#[test]
fn two_files_of_other_names_are_one_provider() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        fixtures().join("base/demo.yaml"),
        dir.path().join("before.yaml"),
    )
    .expect("copy");
    std::fs::copy(
        fixtures().join("environment_removed/demo.yaml"),
        dir.path().join("v2.draft.yaml"),
    )
    .expect("copy");
    let out = tokenspec(dir.path(), &["diff", "before.yaml", "v2.draft.yaml"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    assert!(
        stdout.starts_with("demo\n  breaking    environment `staging` removed\n"),
        "{stdout}"
    );
    assert!(!stdout.contains("provider added"), "{stdout}");
    assert!(stdout.ends_with("in 1 provider\n"), "{stdout}");
}

/// Two files whose `name:` differ are still two versions of one spec: the rename is breaking
/// (crate, module, feature and registry entry change) and every other change is listed too,
/// instead of one provider removed and another added.
#[test]
fn a_renamed_provider_between_two_files_is_a_breaking_rename_and_still_compared() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(
        fixtures().join("base/demo.yaml"),
        dir.path().join("old.yaml"),
    )
    .expect("copy");
    let renamed =
        std::fs::read_to_string(fixtures().join("known_scope_added/demo.yaml")).expect("fixture");
    assert!(renamed.contains("\nname: demo\n"), "the fixture's name");
    std::fs::write(
        dir.path().join("new.yaml"),
        renamed.replace("\nname: demo\n", "\nname: demo_two\n"),
    )
    .expect("write");
    let out = tokenspec(dir.path(), &["diff", "old.yaml", "new.yaml"]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let stdout = stdout_of(&out);
    assert!(
        stdout.starts_with("demo_two\n  breaking    provider renamed `demo` → `demo_two`\n"),
        "{stdout}"
    );
    assert!(stdout.contains("known scope `write` added"), "{stdout}");
    assert!(
        !stdout.contains("provider added") && !stdout.contains("provider removed"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 breaking, 1 compatible change in 1 provider\n"),
        "{stdout}"
    );

    // The library call, for tools that compare two models themselves.
    let arena = tokenspec::Bump::new();
    let old = models(&arena, &dir.path().join("old.yaml"));
    let new = models(&arena, &dir.path().join("new.yaml"));
    let changes = tokenspec::diff::diff_files(&old[0], &new[0]);
    assert_eq!(changes.len(), 2, "{}", render_text(&changes));
    assert_eq!(changes[0].class, Class::Breaking);
    assert!(changes.iter().all(|c| c.provider == "demo_two"));
    // Folders keep comparing by name: there the rename is a removal and an addition.
    let by_name = diff(&old, &new);
    let text = render_text(&by_name);
    assert!(
        text.contains("demo\n  breaking    provider removed"),
        "{text}"
    );
    assert!(
        text.contains("demo_two\n  compatible  provider added"),
        "{text}"
    );
}

/// An old file named anything still has its errors reported at its own path, line and column,
/// both a semantic error and a shape error, and nothing is compared.
#[test]
fn errors_of_an_old_file_point_at_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let current = workspace().join("specs/brainysoft.yaml");
    let text = std::fs::read_to_string(&current).expect("specs/brainysoft.yaml");
    let current = current.to_str().expect("UTF-8 path");
    for (broken, expected) in [
        (
            text.replace(
                "default_environment: production",
                "default_environment: prodution",
            ),
            [
                "error: default environment `prodution` does not exist",
                "--> old.yaml:11:22",
            ],
        ),
        (
            text.replace("title:", "titel:"),
            ["error: unknown key `titel`", "--> old.yaml:5:1"],
        ),
    ] {
        std::fs::write(dir.path().join("old.yaml"), broken).expect("write");
        let out = tokenspec(dir.path(), &["diff", "old.yaml", current]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stdout_of(&out), "", "nothing is compared");
        let stderr = stderr_of(&out);
        for needle in expected
            .iter()
            .chain(&["error: the old specs are not valid; nothing to compare"])
        {
            assert!(stderr.contains(needle), "{needle:?} not in\n{stderr}");
        }
        assert!(!stderr.contains("is in a file named"), "{stderr}");
    }
}

/// Changes that give a generated method a new argument are breaking, as Cargo's semver rules
/// count a changed signature (E0061 for every caller), even when the input is optional.
#[test]
fn a_method_that_gains_an_argument_is_a_breaking_change() {
    let arena = tokenspec::Bump::new();
    let spec = std::fs::read_to_string(workspace().join("specs/approvalmax.yaml")).expect("spec");
    let load = |text: String| {
        tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new("approvalmax.yaml", text)],
        )
        .expect("valid")
    };
    let current = load(spec.clone());

    // PKCE none → optional: `authorize_url` gains `code_verifier`.
    let without_pkce = load(spec.replace("    pkce: optional\n", "    pkce: none\n"));
    let changes = diff(&without_pkce, &current);
    let pkce = changes
        .iter()
        .find(|c| c.what.starts_with("PKCE of `authorization_code`"))
        .expect("the PKCE change");
    assert_eq!(pkce.class, tokenspec::diff::Class::Breaking, "{changes:?}");
    assert!(
        pkce.why.contains("`code_verifier` argument"),
        "{}",
        pkce.why
    );

    // A refresh parameter reading the optional per-request `code_verifier`: `refresh` gains it.
    let with_param = load(spec.replace(
        "      refresh_token:\n        input: refresh_token\n",
        "      refresh_token:\n        input: refresh_token\n      code_verifier:\n        input: code_verifier\n",
    ));
    let changes = diff(&current, &with_param);
    let param = changes
        .iter()
        .find(|c| c.what.contains("`code_verifier` of `refresh_token` added"))
        .expect("the parameter change");
    assert_eq!(param.class, tokenspec::diff::Class::Breaking, "{changes:?}");
    assert!(
        param.why.contains("gains a `code_verifier` argument"),
        "{}",
        param.why
    );
}
