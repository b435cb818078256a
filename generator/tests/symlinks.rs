//! `generate` writes only regular files inside `generated/` and `specs/schema.json`: a symbolic
//! link planted at a generated file or at a folder on its way is refused, with an error naming
//! it, before anything at all is written (the link's target outside stays as it was).
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
}

/// A temp folder with `repo/specs/brainysoft.yaml` and an `outside/` folder beside `repo/`
/// holding `victim.rs`, the file a link would make `generate` overwrite.
struct Setup {
    _dir: tempfile::TempDir,
    repo: PathBuf,
    outside: PathBuf,
}

const VICTIM: &str = "// not generated: must survive\n";

fn setup() -> Setup {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(repo.join("specs")).expect("mkdir");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::copy(
        workspace().join("specs/brainysoft.yaml"),
        repo.join("specs/brainysoft.yaml"),
    )
    .expect("copy");
    std::fs::write(outside.join("victim.rs"), VICTIM).expect("write");
    Setup {
        _dir: dir,
        repo,
        outside,
    }
}

fn generate(repo: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokenspec"))
        .current_dir(repo)
        .args(["generate", "--color", "never"])
        .output()
        .expect("tokenspec runs")
}

/// Every file under `dir` (links listed, not followed), relative to it, sorted.
fn listing(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let entry = entry.expect("entry");
            let path = entry.path();
            out.push(
                path.strip_prefix(root)
                    .expect("under root")
                    .display()
                    .to_string(),
            );
            if entry.file_type().expect("type").is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// `generate` failed, naming `path`, and left `repo` and `outside` as they were.
fn assert_refused(s: &Setup, output: &Output, path: &str, before: &[String]) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "refused: {stderr}");
    assert!(
        stderr.contains(path) && stderr.contains("symbolic link"),
        "the error names {path}: {stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(s.outside.join("victim.rs")).expect("still there"),
        VICTIM,
        "the link's target is untouched"
    );
    assert_eq!(
        listing(&s.repo),
        before,
        "nothing was written in the repository"
    );
    assert_eq!(listing(&s.outside), ["victim.rs"], "nor outside");
}

#[test]
fn a_linked_generated_module_is_refused_and_nothing_is_written() {
    let s = setup();
    std::fs::create_dir_all(s.repo.join("generated/src")).expect("mkdir");
    symlink(
        s.outside.join("victim.rs"),
        s.repo.join("generated/src/brainysoft.rs"),
    )
    .expect("symlink");
    let before = listing(&s.repo);
    let output = generate(&s.repo);
    assert_refused(&s, &output, "generated/src/brainysoft.rs", &before);
    assert!(
        !s.repo.join("specs/schema.json").exists(),
        "the other output folder is not written either"
    );
}

#[test]
fn a_linked_folder_on_the_way_is_refused() {
    let s = setup();
    std::fs::create_dir_all(s.repo.join("generated")).expect("mkdir");
    // `generated/src` → outside/: lib.rs and brainysoft.rs would land there, and victim.rs
    // would look like the stale module of a removed spec.
    symlink(&s.outside, s.repo.join("generated/src")).expect("symlink");
    let before = listing(&s.repo);
    let output = generate(&s.repo);
    assert_refused(&s, &output, "generated/src", &before);
}

#[test]
fn a_linked_schema_json_is_refused() {
    let s = setup();
    symlink(
        s.outside.join("victim.rs"),
        s.repo.join("specs/schema.json"),
    )
    .expect("symlink");
    let before = listing(&s.repo);
    let output = generate(&s.repo);
    assert_refused(&s, &output, "specs/schema.json", &before);
    assert!(
        !s.repo.join("generated").exists(),
        "generated/ is not written before the schema is checked"
    );
}

#[test]
fn a_linked_stale_module_is_neither_followed_nor_removed() {
    let s = setup();
    assert!(generate(&s.repo).status.success(), "a clean first run");
    let link = s.repo.join("generated/src/gone.rs");
    symlink(s.outside.join("victim.rs"), &link).expect("symlink");
    let before = listing(&s.repo);
    let output = generate(&s.repo);
    assert_refused(&s, &output, "generated/src/gone.rs", &before);
    assert!(
        link.symlink_metadata().is_ok(),
        "the link itself is left for a person to look at"
    );
}

#[test]
fn a_tree_path_leaving_the_output_folder_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("generated");
    let mut tree = tokenspec::output::Tree::new();
    tree.insert(PathBuf::from("src/lib.rs"), "// ok\n".to_owned());
    tree.insert(PathBuf::from("../escaped.rs"), "// no\n".to_owned());
    let error = tokenspec::output::changes(&out, &tree).expect_err("refused");
    assert!(
        error.to_string().contains("leaves the output folder"),
        "{error}"
    );
    assert!(!dir.path().join("escaped.rs").exists());
    assert!(!out.exists(), "nothing written");
}

#[test]
fn a_regular_tree_is_still_written_and_rewritten() {
    let s = setup();
    assert!(generate(&s.repo).status.success());
    // A second run over real files (no links) changes nothing and succeeds.
    let output = generate(&s.repo);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("0 files changed"));
    assert!(s.repo.join("generated/src/brainysoft.rs").is_file());
    assert!(s.repo.join("specs/schema.json").is_file());
}

/// The build-script include file goes through the same freshness mechanism as `generated/`:
/// a link planted at it is refused (its target untouched), and a folder's other files,
/// including a `providers/` folder, are left alone.
#[test]
fn the_include_file_is_written_only_as_a_regular_file_and_touches_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("providers/mine")).expect("mkdir");
    std::fs::write(out.join("providers/mine/keep.rs"), "// mine\n").expect("write");
    let builder = || {
        tokenspec::Builder::new()
            .specs_dir(&specs)
            .out_dir(&out)
            .cargo_metadata(false)
    };
    let path = builder().generate().expect("generates");
    assert!(path.is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("providers/mine/keep.rs")).expect("kept"),
        "// mine\n"
    );

    let target = dir.path().join("target.rs");
    std::fs::write(&target, "// not the generator's\n").expect("write");
    std::fs::remove_file(&path).expect("remove");
    symlink(&target, &path).expect("symlink");
    let error = builder().generate().expect_err("refused");
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert_eq!(
        std::fs::read_to_string(&target).expect("target"),
        "// not the generator's\n"
    );
}
