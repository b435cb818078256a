//! The `tokenspec` command as a user runs it: `validate` (every error of every file, rustc-style,
//! colour only when asked or on a terminal, exit 1), and `generate`/`check` keeping
//! `generated/` (with PROVIDERS.md) and `specs/schema.json` fresh.

use std::path::Path;
use std::process::{Command, Output};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
}

fn tokenspec(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tokenspec"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("CI");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("tokenspec runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A temp workspace with `specs/` holding copies of the named real specs.
fn temp_specs(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("specs")).expect("mkdir");
    for name in names {
        std::fs::copy(
            workspace().join(format!("specs/{name}.yaml")),
            dir.path().join(format!("specs/{name}.yaml")),
        )
        .expect("copy");
    }
    dir
}

#[test]
fn validate_reports_every_error_of_every_file_and_exits_1() {
    let dir = temp_specs(&["brainysoft", "smartway"]);
    let specs = dir.path().join("specs");
    let brainysoft = std::fs::read_to_string(specs.join("brainysoft.yaml")).expect("read");
    std::fs::write(
        specs.join("brainysoft.yaml"),
        brainysoft
            .replace(
                "default_environment: production",
                "default_environment: prodution",
            )
            .replace("preferred: body", "preferred: bodi"),
    )
    .expect("write");
    let smartway = std::fs::read_to_string(specs.join("smartway.yaml")).expect("read");
    std::fs::write(
        specs.join("smartway.yaml"),
        smartway.replace("title:", "titel:"),
    )
    .expect("write");
    let out = tokenspec(dir.path(), &["validate"], &[]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    for expected in [
        "error: default environment `prodution` does not exist",
        "--> specs/brainysoft.yaml:11:22",
        "= help: did you mean `production`?",
        "error: preferred placement `bodi` is not accepted",
        "= help: did you mean `body`?",
        "error: unknown key `titel`",
        "--> specs/smartway.yaml:5:1",
        "= help: did you mean `title`?",
        "error: 3 errors in 2 files",
    ] {
        assert!(stderr.contains(expected), "{expected:?} not in\n{stderr}");
    }
    assert!(
        stderr.contains("^^^^^^^^^"),
        "a caret under the span:\n{stderr}"
    );
    assert!(!stderr.contains('\u{1b}'), "not a terminal: no colour");

    let coloured = tokenspec(dir.path(), &["validate", "--color", "always"], &[]);
    assert!(
        text(&coloured.stderr).contains('\u{1b}'),
        "colour when asked for"
    );
    for env in [("NO_COLOR", "1"), ("CI", "true")] {
        let out = tokenspec(dir.path(), &["validate"], &[env]);
        assert!(!text(&out.stderr).contains('\u{1b}'), "{env:?}: no colour");
    }
    let one = tokenspec(dir.path(), &["validate", "specs/smartway.yaml"], &[]);
    assert_eq!(one.status.code(), Some(1));
    assert!(
        text(&one.stderr).contains("1 error in 1 file"),
        "{}",
        text(&one.stderr)
    );
}

#[test]
fn validate_accepts_the_real_specs_and_ignores_schema_json() {
    let out = tokenspec(workspace(), &["validate"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("5 specs are valid"),
        "{}",
        text(&out.stdout)
    );
    assert!(workspace().join("specs/schema.json").exists());
}

#[test]
fn generate_then_check_then_stale_files_fail_check() {
    let dir = temp_specs(&["brainysoft", "learnlink"]);
    let generate = tokenspec(dir.path(), &["generate"], &[]);
    assert!(generate.status.success(), "{}", text(&generate.stderr));
    let stdout = text(&generate.stdout);
    assert!(stdout.contains("wrote generated/PROVIDERS.md"), "{stdout}");
    assert!(stdout.contains("wrote specs/schema.json"), "{stdout}");

    let check = tokenspec(dir.path(), &["check"], &[]);
    assert!(check.status.success(), "{}", text(&check.stderr));

    std::fs::write(
        dir.path().join("generated/PROVIDERS.md"),
        "edited by hand\n",
    )
    .expect("write");
    std::fs::write(dir.path().join("specs/schema.json"), "{}\n").expect("write");
    let check = tokenspec(dir.path(), &["check"], &[]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = text(&check.stderr);
    assert!(stderr.contains("stale: generated/PROVIDERS.md"), "{stderr}");
    assert!(stderr.contains("stale: specs/schema.json"), "{stderr}");
    assert!(
        stderr.contains("cargo run -p tokenspec -- generate"),
        "{stderr}"
    );
}
