//! `tokenspec import nango`: specs from files in the format of Nango's `providers.yaml`.
//!
//! The fixtures (`fixtures/nango/*.yaml`) are written by the team in that format, about
//! fictional providers: one per feature the importer maps and one per reason it refuses an
//! entry. Each test imports one into a fresh folder and snapshots everything the import says
//! and writes; every written spec is read back and validated as `tokenspec generate` would.

use std::path::{Path, PathBuf};
use std::process::Command;
use tokenspec::import::{self, Outcome, nango};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/nango/{name}.yaml"))
}

/// Reads, maps, checks and writes `text` into `out`.
fn import_text(text: &str, only: &[&str], out: &Path) -> Outcome {
    let entries = nango::read(text).expect("a providers file");
    let only: Vec<String> = only.iter().map(|s| (*s).to_owned()).collect();
    let outcome = import::check(nango::map(&entries, &only).expect("known names"));
    import::write(out, outcome).expect("written")
}

/// Imports fixture `name` into a temp folder, checks the folder holds exactly the written
/// specs, each of which validates, and returns what was said and written.
fn import_fixture(name: &str) -> (Outcome, tempfile::TempDir) {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("specs");
    let outcome = import_text(&text, &[], &out);
    assert_folder_holds(&out, &outcome);
    (outcome, dir)
}

/// `out` holds one file per written spec, with its text, and nothing else; each validates on
/// its own through the library's public API.
fn assert_folder_holds(out: &Path, outcome: &Outcome) {
    let mut files: Vec<String> = std::fs::read_dir(out)
        .expect("out exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut expected: Vec<String> = outcome
        .specs
        .iter()
        .map(|s| format!("{}.yaml", s.name))
        .collect();
    expected.sort();
    assert_eq!(files, expected, "the folder holds the written specs only");
    for spec in &outcome.specs {
        let path = out.join(format!("{}.yaml", spec.name));
        let text = std::fs::read_to_string(&path).expect("written");
        assert_eq!(text, spec.text);
        assert!(
            text.starts_with(&format!(
                "# Imported from Nango providers.yaml entry `{}`",
                spec.entry
            )),
            "{text}"
        );
        let arena = tokenspec::Bump::new();
        let source = tokenspec::load::Source {
            path: path.display().to_string(),
            stem: spec.name.clone(),
            text,
        };
        if let Err(e) = tokenspec::validate_sources(&arena, vec![source]) {
            panic!("{} does not validate: {e}", spec.name);
        }
    }
}

/// Everything an import says and writes, as the snapshot shows it.
fn report(outcome: &Outcome) -> String {
    let mut out = String::new();
    for spec in &outcome.specs {
        out.push_str(&format!("--- {}.yaml\n{}", spec.name, spec.text));
    }
    for skipped in &outcome.skipped {
        out.push_str(&format!("{skipped}\n"));
    }
    out.push_str(&outcome.summary());
    out.push('\n');
    out
}

/// A fixture of features: its report snapshotted, nothing skipped.
macro_rules! feature {
    ($($name:ident),* $(,)?) => {$(
        #[test]
        fn $name() {
            let (outcome, _dir) = import_fixture(stringify!($name));
            assert!(!outcome.specs.is_empty());
            insta::assert_snapshot!(report(&outcome));
        }
    )*};
}

/// A fixture of one refusal: nothing written, each entry skipped with a reason in `group`.
macro_rules! refusal {
    ($($name:ident: $group:expr),* $(,)?) => {$(
        #[test]
        fn $name() {
            let (outcome, dir) = import_fixture(stringify!($name));
            assert!(outcome.specs.is_empty(), "{}", report(&outcome));
            assert!(!outcome.skipped.is_empty());
            for s in &outcome.skipped {
                assert!(s.reason.group.contains($group), "{}: {}", s.entry, s.reason.group);
            }
            let files = std::fs::read_dir(dir.path().join("specs")).expect("out").count();
            assert_eq!(files, 0, "nothing is written for a skipped entry");
            insta::assert_snapshot!(report(&outcome));
        }
    )*};
}

feature!(
    oauth2,
    oauth2_subdomain,
    oauth2_host_name,
    oauth2_header_auth,
    client_credentials,
    two_step,
    two_step_grant,
    alias,
    refresh_url,
    headers,
    get,
    mtls,
    omit_empty,
    template,
    json_values,
    callback_value,
    fallback_default,
    cc_token_params,
    cc_authorization_method,
    or_fallback,
);

refusal!(
    refused_auth_mode: "auth_mode ",
    refused_fallback_url: "fallback URL",
    refused_computed: "a value Nango computes",
    refused_secret_in_url: "the spec would not validate",
    refused_skip_encode: "without any percent-encoding",
    refused_unknown_key: "a key the importer does not know",
    refused_expire_at: "expiry instant",
    refused_nango_code: "code of its own",
    refused_invalid: "the spec would not validate",
    refused_grant_type: "grant_type",
    refused_path_segment: "inside a path segment",
    refused_two_step_refresh: "a refresh request without grant_type",
    refused_callback_in_authorize: "the authorization callback brings",
    refused_assertion: "an assertion Nango builds",
    refused_standard_param: "replace a standard parameter",
    refused_jwk: "JWK",
    refused_xml: "body_format xml",
    refused_query_in_url: "query string",
    refused_or_fallback: "a parameter fallback",
);

#[test]
fn summary_counts_each_reason_most_frequent_first() {
    let (outcome, _dir) = import_fixture("refused_auth_mode");
    assert_eq!(
        outcome.summary(),
        "written 0, skipped 3 by reason (auth_mode API_KEY: 1, auth_mode BASIC: 1, auth_mode OAUTH1: 1)"
    );
    let (outcome, _dir) = import_fixture("alias");
    assert_eq!(
        outcome.summary(),
        "written 2, skipped 1 by reason (an alias of an entry the file does not have: 1)"
    );
    let (outcome, _dir) = import_fixture("oauth2");
    assert_eq!(outcome.summary(), "written 1, skipped 0");
}

#[test]
fn only_imports_the_named_entries_in_catalogue_order() {
    let text = std::fs::read_to_string(fixture("client_credentials")).expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let outcome = import_text(&text, &["example-fleet", "example-payroll"], dir.path());
    let names: Vec<&str> = outcome.specs.iter().map(|s| s.entry.as_str()).collect();
    assert_eq!(names, ["example-payroll", "example-fleet"]);
    assert!(outcome.skipped.is_empty());
    assert_folder_holds(dir.path(), &outcome);
}

#[test]
fn only_with_an_unknown_name_is_an_error_naming_it() {
    let text = std::fs::read_to_string(fixture("client_credentials")).expect("fixture");
    let entries = nango::read(&text).expect("file");
    let error = nango::map(
        &entries,
        &["example-payroll".to_owned(), "example_payroll".to_owned()],
    )
    .expect_err("unknown name");
    assert_eq!(error, "no entry `example_payroll` in the providers file");
}

#[test]
fn hostile_entries_write_nothing_outside_out_and_keep_text_as_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("a/specs");
    let text = std::fs::read_to_string(fixture("hostile")).expect("fixture");
    let outcome = import_text(&text, &[], &out);
    assert_folder_holds(&out, &outcome);
    // Nothing beside the output folder: `../escape` has no spec name.
    let beside: Vec<_> = std::fs::read_dir(dir.path().join("a"))
        .expect("a")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(beside, ["specs"]);
    assert!(!dir.path().join("escape.yaml").exists());
    // Quotes, braces, `#`, line breaks and a bidi control are the title, nothing more: the
    // spec has no key `name: injected`, and `{client_secret}` is a fixed value, not an input.
    let spec = outcome
        .specs
        .iter()
        .find(|s| s.entry == "example-quotes")
        .expect("written");
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source {
            path: "example_quotes.yaml".into(),
            stem: "example_quotes".into(),
            text: spec.text.clone(),
        }],
    )
    .expect("valid");
    let provider = &providers[0];
    assert_eq!(provider.name, "example_quotes");
    assert_eq!(
        provider.title,
        "Quote \" and {braces} and # hash\nname: injected\n\u{202E} reversed"
    );
    let params = provider.grants[0].params;
    let resource = params
        .iter()
        .find(|p| p.name == "resource")
        .expect("resource");
    assert!(
        matches!(
            resource.source,
            tokenspec_spec::ParamSource::Fixed("{client_secret}")
        ),
        "{:?}",
        resource.source
    );
    assert!(params.iter().any(|p| p.name == "x\": injected"));
    // A skip line is one line, whatever the entry's name holds.
    let forged = outcome
        .skipped
        .iter()
        .map(ToString::to_string)
        .find(|l| l.contains("forged"))
        .expect("skipped");
    assert!(!forged.contains('\n'), "{forged}");
    insta::assert_snapshot!(report(&outcome));
}

#[test]
fn a_yaml_bomb_is_refused_before_it_expands() {
    // "Billion laughs": nine levels of ten aliases each.
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    let started = std::time::Instant::now();
    let error = nango::read(&bomb).expect_err("refused");
    assert!(error.starts_with("not a Nango providers file"), "{error}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn huge_values_are_written_whole_and_shown_short() {
    let title = "T".repeat(100_000);
    let key = format!("x{}", "-y".repeat(50_000));
    // An explicit key (`? key`): YAML limits implicit keys to 1024 characters.
    let text = format!(
        "example-big:\n  display_name: {title}\n  auth_mode: OAUTH2_CC\n  token_url: https://auth.example-big.test/token\n  docs: https://docs.example-big.test/\n? {key}\n:\n  auth_mode: CUSTOM\n"
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let outcome = import_text(&text, &[], dir.path());
    assert_folder_holds(dir.path(), &outcome);
    assert!(outcome.specs[0].text.contains(&title));
    let line = outcome.skipped[0].to_string();
    assert!(line.len() < 400, "{}", line.len());
}

#[test]
fn a_reimport_refreshes_its_own_specs_and_keeps_hand_written_ones() {
    let text = std::fs::read_to_string(fixture("client_credentials")).expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path();
    std::fs::write(
        out.join("example_payroll.yaml"),
        "# mine\nspec_version: 1\n",
    )
    .expect("w");
    std::fs::write(
        out.join("example_ledger.yaml"),
        "# Imported from Nango providers.yaml entry `example-ledger`.\nstale: true\n",
    )
    .expect("w");
    let outcome = import_text(&text, &["example-payroll", "example-ledger"], out);
    assert_eq!(
        std::fs::read_to_string(out.join("example_payroll.yaml")).expect("r"),
        "# mine\nspec_version: 1\n"
    );
    let ledger = std::fs::read_to_string(out.join("example_ledger.yaml")).expect("r");
    assert_eq!(ledger, outcome.specs[0].text);
    assert_eq!(outcome.specs.len(), 1);
    assert_eq!(outcome.skipped.len(), 1);
    assert_eq!(
        outcome.skipped[0].reason.group,
        "a spec of that name exists"
    );
    assert!(
        outcome.skipped[0].to_string().ends_with(
            "example_payroll.yaml exists and was not written by the importer; it is left as it is"
        ),
        "{}",
        outcome.skipped[0]
    );
}

#[test]
fn every_fixture_file_is_tested() {
    // Each fixture is the name of a test in this file (the macros above make them).
    let source = include_str!("import_nango.rs");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nango");
    for entry in std::fs::read_dir(dir).expect("fixtures") {
        let name = entry.expect("entry").file_name();
        let name = name.to_string_lossy();
        let stem = name.strip_suffix(".yaml").expect("a .yaml fixture");
        let listed = source.contains(&format!("    {stem},\n"))
            || source.contains(&format!("    {stem}: \""))
            || source.contains(&format!("import_fixture(\"{stem}\")"))
            || source.contains(&format!("fixture(\"{stem}\")"));
        assert!(listed, "fixture {name} has no test");
    }
}

// The command as a user runs it.

fn tokenspec(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tokenspec"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("tokenspec runs")
}

#[test]
fn cli_writes_to_the_specs_folder_and_prints_skips_and_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture("alias");
    let output = tokenspec(
        dir.path(),
        &["import", "nango", file.to_str().expect("utf-8 path")],
    );
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let specs = dir.path().join("specs");
    assert_eq!(
        stdout,
        format!(
            "wrote {}\nwrote {}\nskipped example-crm-gone: an alias of an entry the file does not have\nwritten 2, skipped 1 by reason (an alias of an entry the file does not have: 1)\n",
            Path::new("specs").join("example_crm.yaml").display(),
            Path::new("specs").join("example_crm_eu.yaml").display()
        )
    );
    assert!(specs.join("example_crm_eu.yaml").is_file());
    // What it wrote is a specs folder `validate` accepts.
    let validate = tokenspec(dir.path(), &["validate"]);
    assert!(validate.status.success(), "{validate:?}");
}

#[test]
fn cli_out_and_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture("client_credentials");
    let output = tokenspec(
        dir.path(),
        &[
            "--out",
            "elsewhere",
            "import",
            "nango",
            file.to_str().expect("utf-8 path"),
            "--only",
            "example-ledger",
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let names: Vec<_> = std::fs::read_dir(dir.path().join("elsewhere"))
        .expect("out")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["example_ledger.yaml"]);
    assert!(!dir.path().join("specs").exists());
}

#[test]
fn cli_unknown_only_name_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = fixture("client_credentials");
    let output = tokenspec(
        dir.path(),
        &[
            "import",
            "nango",
            file.to_str().expect("utf-8 path"),
            "--only",
            "example-nowhere",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: no entry `example-nowhere` in the providers file; nothing written\n"
    );
    assert!(!dir.path().join("specs").exists());
}

#[test]
fn cli_file_that_is_not_a_providers_file_fails() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("p.yaml"), "- a list\n").expect("w");
    let output = tokenspec(dir.path(), &["import", "nango", "p.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: p.yaml: not a Nango providers file"),
        "{stderr}"
    );
    assert!(!dir.path().join("specs").exists());
}
