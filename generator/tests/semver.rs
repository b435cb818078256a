//! Semver: what `tokenspec diff` calls compatible is compatible under Cargo's semver rules
//! (<https://doc.rust-lang.org/cargo/reference/semver.html>: adding a variant to an exhaustive
//! enum, or a field to a struct with only public fields, is a major change).
//!
//! `fixtures/semver_user.rs` uses every item of the generated API of the diff fixtures' base
//! spec (`fixtures/diff/base/demo.yaml`). In one scratch workspace, one provider crate is
//! generated per fixture spec and one copy of that user crate depends on each (under the name
//! `demo`); a single `cargo check --keep-going` over every case folder then asserts:
//! - the user compiles against every version `diff` calls compatible (classes from
//!   `tokenspec::diff`, not a copy), and against breaking changes that are on the wire only;
//! - it does not compile against the versions listed in `API_BREAKING` (so it is a user that
//!   would notice a break), and `diff` calls each of those breaking;
//! - users that rely on exhaustiveness (a match without `_`, a struct literal or a pattern
//!   without `..`) are refused already against the base, which is what lets a later version
//!   add an environment, a placement, an optional input, a response field or a claim in a
//!   minor release.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The cases whose change breaks the Rust API the user touches, so that the user of the base
/// no longer compiles, each with the error rustc gives (so the user fails for the reason the
/// case is about). Every other case must keep it compiling: what `diff` calls compatible,
/// and breaking changes that are on the wire or in behaviour only (a token URL, a content
/// type, a fixed parameter, a tighter pattern, a new required response field, the default
/// environment or placement, the scope delimiter).
const API_BREAKING: &[(&str, &str)] = &[
    // `Claims::roles` is gone.
    ("claim_removed", "E0609"),
    // `Environment::Staging` is gone.
    ("environment_removed", "E0599"),
    // `ErrorBody` becomes `OAuthErrorBody`, without `message`.
    ("error_body_changed", "E0609"),
    // `Client::refresh` is gone.
    ("grant_removed", "E0599"),
    // It leaves `Inputs` for `OptionalInput`: the struct literal naming it fails.
    ("input_becomes_optional", "E0560"),
    // `scope` was the only optional input: `OptionalInput` is gone.
    ("input_removed", "E0432"),
    // The grant method gains an `Option` argument.
    ("optional_per_request_input_added", "E0061"),
    // One placement left: `CredentialPlacement` is gone.
    ("placement_removed", "E0432"),
    // `Inputs` gains a field: the struct literal without it fails.
    ("required_input_added", "E0063"),
    // `TokenResponse::session` changes from `Option<String>` to `String`.
    ("response_field_becomes_required", "E0308"),
    ("response_field_removed", "E0609"),
    ("response_field_type_changed", "E0308"),
];

/// Users of the base that rely on a generated type being exhaustive, each with the error
/// rustc gives when the type is `#[non_exhaustive]`.
const EXHAUSTIVE_USERS: &[(&str, &str, &str)] = &[
    (
        "exhaustive-environment-match",
        "E0004",
        "pub fn f(e: demo::Environment) -> u8 {\n    match e {\n        \
         demo::Environment::Production => 0,\n        \
         demo::Environment::Staging => 1,\n    }\n}\n",
    ),
    (
        "exhaustive-placement-match",
        "E0004",
        "pub fn f(p: demo::CredentialPlacement) -> u8 {\n    match p {\n        \
         demo::CredentialPlacement::Basic => 0,\n        \
         demo::CredentialPlacement::Body => 1,\n    }\n}\n",
    ),
    (
        "exhaustive-optional-input-match",
        "E0004",
        "pub fn f(i: demo::OptionalInput) -> u8 {\n    match i {\n        \
         demo::OptionalInput::Scope => 0,\n    }\n}\n",
    ),
    (
        "exhaustive-response-pattern",
        "E0638",
        "pub fn f(t: demo::TokenResponse) {\n    let demo::TokenResponse {\n        \
         access_token, token_type, expires_in, refresh_token, session,\n    } = t;\n    \
         drop((access_token, token_type, expires_in, refresh_token, session));\n}\n",
    ),
    (
        "exhaustive-claims-pattern",
        "E0638",
        "pub fn f(c: demo::Claims) -> String {\n    \
         let demo::Claims { tenant_id, roles } = c;\n    drop(roles);\n    tenant_id\n}\n",
    ),
    (
        "error-body-literal",
        "E0639",
        "pub fn f() -> demo::ErrorBody {\n    \
         demo::ErrorBody { error: String::new(), message: None }\n}\n",
    ),
];

fn provider_package(case: &str) -> String {
    format!("demo-{}", case.replace('_', "-"))
}

fn user_package(case: &str) -> String {
    format!("user-{}", case.replace('_', "-"))
}

/// Writes `text` unless the file already holds it, so a second run rebuilds nothing.
fn write(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The provider crate generated from `fixtures/diff/<case>/demo.yaml`, laid out as
/// `generated/providers/<name>` is (the module is the library root), its library named
/// `demo`, on the runtime without its default transport (only `cargo check` runs).
fn write_provider(root: &Path, case: &str) {
    let arena = tokenspec::Bump::new();
    let providers = models(&arena, case);
    assert_eq!(providers.len(), 1, "{case}");
    let module = tokenspec::emit::provider_module(&providers[0]).expect("emits");
    let dir = root.join(provider_package(case));
    let runtime = workspace().join("runtime");
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\nname = \"demo\"\n\n[dependencies]\n\
             tokenspec-runtime = {{ path = {:?}, default-features = false }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\n",
            provider_package(case),
            runtime.display().to_string(),
        ),
    );
    write(&dir.join("src/lib.rs"), &module);
}

/// A user crate named `package` with `source` as its library, depending on the provider
/// crate of `case` under the name `demo`.
fn write_user(root: &Path, package: &str, case: &str, source: &str) {
    let dir = root.join(package);
    let runtime = workspace().join("runtime");
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"{package}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
             publish = false\n\n[dependencies]\n\
             demo = {{ path = \"../{}\", package = \"{}\" }}\n\
             tokenspec-runtime = {{ path = {:?}, default-features = false }}\n\
             http = \"1\"\n",
            provider_package(case),
            provider_package(case),
            runtime.display().to_string(),
        ),
    );
    write(&dir.join("src/lib.rs"), source);
}

/// Runs one `cargo check --keep-going` over the scratch workspace; returns its diagnostics.
fn check(root: &Path) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The workspace's target folder (the parent of this one), so the runtime and its
    // dependencies checked for other scratch crates are reused.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder");
    let output = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--workspace",
            "--keep-going",
            "--message-format=short",
        ])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Whether cargo reported that `package` failed to compile.
fn failed(diagnostics: &str, package: &str) -> bool {
    diagnostics.contains(&format!("could not compile `{package}`"))
}

/// The error lines rustc reported in `package`'s sources.
fn errors_in<'a>(diagnostics: &'a str, package: &str) -> Vec<&'a str> {
    let prefix = format!("{package}/src/");
    diagnostics
        .lines()
        .filter(|l| l.starts_with(&prefix) && l.contains(": error"))
        .collect()
}

/// The provider models of one fixture case.
fn models<'a>(arena: &'a tokenspec::Bump, case: &str) -> Vec<tokenspec::model::Provider<'a>> {
    let path = fixtures().join("diff").join(case).join("demo.yaml");
    let sources = tokenspec::diff::sources_at_path(&path).expect("readable");
    tokenspec::validate_sources(arena, sources)
        .unwrap_or_else(|e| panic!("{} is valid: {e}", path.display()))
}

/// Every case folder of `fixtures/diff` (one kind of change to `base` each).
fn cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(fixtures().join("diff"))
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !["base", "folders"].contains(&n.as_str()))
        .collect();
    cases.sort();
    cases
}

#[test]
fn diff_classes_agree_with_what_a_user_of_the_old_api_compiles() {
    let arena = tokenspec::Bump::new();
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("semver");
    let user = std::fs::read_to_string(fixtures().join("semver_user.rs")).expect("readable");
    let cases = cases();
    for (case, _) in API_BREAKING {
        assert!(cases.iter().any(|c| c == case), "no fixture `{case}`");
    }
    let mut members = Vec::new();
    for case in std::iter::once("base").chain(cases.iter().map(String::as_str)) {
        write_provider(&root, case);
        write_user(&root, &user_package(case), case, &user);
        members.push(provider_package(case));
        members.push(user_package(case));
    }
    for (package, _, source) in EXHAUSTIVE_USERS {
        write_user(&root, package, "base", source);
        members.push((*package).to_owned());
    }
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    write(
        &root.join("Cargo.toml"),
        &format!(
            "# Not a member of the tokenspec workspace above this folder.\n[workspace]\n\
             resolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    // The workspace's lock file: cargo resolves, offline, the versions already downloaded.
    write(
        &root.join("Cargo.lock"),
        &std::fs::read_to_string(workspace().join("Cargo.lock")).expect("the lock file"),
    );

    let diagnostics = check(&root);

    let base = models(&arena, "base");
    assert!(
        !failed(&diagnostics, &provider_package("base"))
            && !failed(&diagnostics, &user_package("base")),
        "the user does not compile against the base it was written for:\n{diagnostics}"
    );
    for case in &cases {
        assert!(
            !failed(&diagnostics, &provider_package(case)),
            "{case}: the generated crate does not compile:\n{diagnostics}"
        );
        let breaking =
            tokenspec::diff::has_breaking(&tokenspec::diff::diff(&base, &models(&arena, case)));
        let user_compiles = !failed(&diagnostics, &user_package(case));
        if let Some((_, code)) = API_BREAKING.iter().find(|(c, _)| c == case) {
            assert!(
                breaking,
                "{case} breaks the Rust API, yet `tokenspec diff` calls it compatible"
            );
            let errors = errors_in(&diagnostics, &user_package(case));
            assert!(
                !user_compiles && errors.iter().any(|l| l.contains(&format!("error[{code}]"))),
                "{case} breaks the API, yet the user of the base version does not fail with \
                 {code}: it no longer uses all of the API, or fails for another reason:\n{}",
                errors.join("\n")
            );
        } else {
            assert!(
                user_compiles,
                "{case}: a user of the base version no longer compiles, yet the change is \
                 not listed as breaking the API{}:\n{}",
                if breaking {
                    ""
                } else {
                    " and `tokenspec diff` calls it compatible"
                },
                errors_in(&diagnostics, &user_package(case)).join("\n")
            );
        }
    }
    for (package, code, _) in EXHAUSTIVE_USERS {
        let errors = errors_in(&diagnostics, package);
        assert!(
            !errors.is_empty() && errors.iter().all(|l| l.contains(&format!("error[{code}]"))),
            "{package}: relying on exhaustiveness must fail with {code} against the base \
             (the type must be #[non_exhaustive]), got:\n{}",
            errors.join("\n")
        );
    }
}
