//! A spec file that cannot be read, or is not UTF-8, is one diagnostic naming the file, not the
//! end of the run: the other files are still read and checked, and everything is reported.

use std::path::Path;
use std::process::{Command, Output};
use tokenspec::diagnostic::Diagnostics;
use tokenspec::load;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
}

fn tokenspec(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokenspec"))
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("tokenspec runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A temp workspace whose `specs/` holds smartway (with a semantic error: a default environment
/// that does not exist), `latin1.yaml` (brainysoft with a Latin-1 `é` on line 5) and
/// `gone.yaml` (a symbolic link to nothing).
fn workspace_with_bad_files() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(&specs).expect("mkdir");
    let smartway = std::fs::read_to_string(workspace().join("specs/smartway.yaml"))
        .expect("readable")
        .replace(
            "default_environment: production",
            "default_environment: nowhere",
        );
    std::fs::write(specs.join("smartway.yaml"), smartway).expect("write");
    let brainysoft =
        std::fs::read_to_string(workspace().join("specs/brainysoft.yaml")).expect("readable");
    let mut lines: Vec<Vec<u8>> = brainysoft.lines().map(|l| l.as_bytes().to_vec()).collect();
    assert!(lines[4].starts_with(b"title: "), "line 5 is the title");
    lines[4] = b"title: Caf\xe9".to_vec();
    std::fs::write(specs.join("latin1.yaml"), lines.join(&b'\n')).expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("nowhere.yaml"), specs.join("gone.yaml"))
        .expect("symlink");
    dir
}

#[test]
fn unreadable_files_are_diagnostics_and_the_others_are_checked() {
    let dir = workspace_with_bad_files();
    let files = load::read_spec_dir(&dir.path().join("specs")).expect("the folder lists");
    assert_eq!(files.sources.len(), 1, "smartway is read");
    assert_eq!(files.unreadable.len(), if cfg!(unix) { 2 } else { 1 });
    let Err(tokenspec::Error::Specs(d)) = tokenspec::validate_files(&tokenspec::Bump::new(), files)
    else {
        panic!("errors expected");
    };
    let d: Diagnostics = d;
    let latin1 = d
        .items
        .iter()
        .find(|i| i.file.ends_with("latin1.yaml"))
        .expect("latin1.yaml is reported");
    assert_eq!(
        (latin1.line, latin1.column),
        (5, 11),
        "at the first bad byte"
    );
    assert_eq!(
        latin1.message,
        "the file is not UTF-8: byte 0xE9 cannot be read as text"
    );
    assert!(
        d.items.iter().any(|i| i.file.ends_with("smartway.yaml")
            && i.message == "default environment `nowhere` does not exist"),
        "the readable file is still checked:\n{d}"
    );
    let rendered = d.render(false);
    assert!(rendered.contains("5 | title: Caf\u{fffd}"), "{rendered}");
    if cfg!(unix) {
        let gone = d
            .items
            .iter()
            .find(|i| i.file.ends_with("gone.yaml"))
            .expect("gone.yaml is reported");
        assert!(gone.is_whole_file());
        assert!(gone.message.starts_with("cannot read the file: "), "{gone}");
        assert!(
            rendered.contains(&format!("error: {}\n  --> {}\n", gone.message, gone.file)),
            "shown without a line:\n{rendered}"
        );
        assert!(
            rendered.ends_with("error: 3 errors in 3 files"),
            "{rendered}"
        );
    }
}

#[test]
fn validate_and_generate_report_unreadable_files_with_every_other_error() {
    let dir = workspace_with_bad_files();
    for args in [&["validate"][..], &["generate"], &["check"]] {
        let out = tokenspec(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = text(&out.stderr);
        for expected in [
            "error: the file is not UTF-8: byte 0xE9 cannot be read as text",
            "--> specs/latin1.yaml:5:11",
            "error: default environment `nowhere` does not exist",
            "--> specs/smartway.yaml:",
        ] {
            assert!(
                stderr.contains(expected),
                "{args:?}: {expected:?} not in\n{stderr}"
            );
        }
        if cfg!(unix) {
            assert!(
                stderr.contains("--> specs/gone.yaml\n"),
                "{args:?}: the dangling link is named:\n{stderr}"
            );
        }
    }
    assert!(
        !dir.path().join("generated").exists(),
        "nothing generated from bad specs"
    );

    // Files named on the command line: one missing, one fine.
    std::fs::copy(
        workspace().join("specs/brainysoft.yaml"),
        dir.path().join("specs/brainysoft.yaml"),
    )
    .expect("copy");
    let out = tokenspec(
        dir.path(),
        &["validate", "specs/brainysoft.yaml", "specs/missing.yaml"],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("error: cannot read the file: ")
            && stderr.contains("--> specs/missing.yaml\n")
            && stderr.contains("= help: check that the file exists and is readable")
            && stderr.ends_with("error: 1 error in 1 file\n"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_a_diagnostic() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("locked.yaml");
    std::fs::write(&path, "spec_version: 1\n").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        // Running as root: permissions do not stop reading.
        return;
    }
    let unreadable = load::read_spec(&path).expect_err("unreadable");
    assert!(unreadable.diagnostic.is_whole_file());
    assert!(
        unreadable
            .diagnostic
            .message
            .starts_with("cannot read the file: "),
        "{}",
        unreadable.diagnostic
    );
}
