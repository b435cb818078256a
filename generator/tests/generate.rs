//! The pipeline over the real specs: snapshots of every generated file, determinism, and
//! freshness of the committed `generated/` crate.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
        .to_path_buf()
}

fn tree() -> tokenspec::files::Tree {
    let providers =
        tokenspec::load_and_validate(&workspace().join("specs")).expect("specs are valid");
    tokenspec::generate_tree(&providers).expect("emission succeeds")
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    let tree = tree();
    assert!(
        tree.len() >= 9,
        "Cargo.toml, rustfmt.toml, PROVIDERS.md, lib.rs and five modules"
    );
    for (path, text) in &tree {
        let name = path.display().to_string().replace(['/', '.'], "_");
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn generation_is_deterministic() {
    let first = tree();
    let second = tree();
    assert_eq!(first, second);
    for text in first.values() {
        assert!(
            text.contains("@generated"),
            "every file says it is generated"
        );
        assert!(!text.contains("2026"), "no timestamps");
    }
}

#[test]
fn committed_generated_crate_is_fresh() {
    let changes =
        tokenspec::files::changes(&workspace().join("generated"), &tree()).expect("readable");
    assert!(
        changes.is_empty(),
        "stale: {changes:?}; run `cargo run -p tokenspec -- generate`"
    );
}

#[test]
fn generate_writes_only_changed_files_and_removes_deleted_specs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = dir.path().join("specs");
    let out = dir.path().join("generated");
    std::fs::create_dir_all(&specs).expect("mkdir");
    for name in ["brainysoft", "smartway"] {
        std::fs::copy(
            workspace().join(format!("specs/{name}.yaml")),
            specs.join(format!("{name}.yaml")),
        )
        .expect("copy spec");
    }
    let run = |specs: &Path| {
        let providers = tokenspec::load_and_validate(specs).expect("valid");
        let tree = tokenspec::generate_tree(&providers).expect("emits");
        let changes = tokenspec::files::changes(&out, &tree).expect("readable");
        tokenspec::files::apply(&out, &tree, &changes).expect("writes");
        changes
    };
    assert_eq!(run(&specs).len(), 6, "first run writes every file");
    let module = out.join("src/smartway.rs");
    let before = std::fs::metadata(&module)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert!(run(&specs).is_empty(), "second run changes nothing");
    let after = std::fs::metadata(&module)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after, "unchanged files are not rewritten");

    std::fs::remove_file(specs.join("smartway.yaml")).expect("rm");
    let changes = run(&specs);
    assert!(changes.contains(&tokenspec::files::Change::Remove(module.clone())));
    assert!(!module.exists(), "the module of a deleted spec is removed");
    let cargo = std::fs::read_to_string(out.join("Cargo.toml")).expect("read");
    assert!(cargo.contains("default = [\"brainysoft\"]"), "{cargo}");
    assert!(!cargo.contains("smartway"), "its feature is gone too");
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).expect("read");
    assert!(!lib.contains("smartway"), "and its registry entry");
    let table = std::fs::read_to_string(out.join("PROVIDERS.md")).expect("read");
    assert!(!table.contains("smartway"), "and its row in PROVIDERS.md");
    assert!(table.contains("[`brainysoft`]"), "{table}");
}

#[test]
fn providers_table_has_one_row_per_provider() {
    let tree = tree();
    let table = &tree[Path::new("PROVIDERS.md")];
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("| [`")).collect();
    assert_eq!(rows.len(), 5, "{table}");
    let learnlink = rows
        .iter()
        .find(|r| r.contains("[`learnlink`]"))
        .expect("a learnlink row");
    assert!(learnlink.contains("`production` (default)"), "{learnlink}");
    assert!(
        learnlink.contains("**HTTP Basic**; also body"),
        "{learnlink}"
    );
    assert!(learnlink.contains("access 3600 s (1 h)"), "{learnlink}");
    assert!(learnlink.contains("<https://learn.link/>"), "{learnlink}");
}

#[test]
fn table_cells_cannot_break_the_table() {
    assert_eq!(tokenspec::docs::cell("a | b\nc".into()), "a \\| b c");
    assert_eq!(tokenspec::docs::duration_words(299), "299 s");
    assert_eq!(
        tokenspec::docs::duration_words(2_592_000),
        "2592000 s (30 d)"
    );
}

#[test]
fn builder_methods_that_validation_reserves_are_the_emitted_ones() {
    // learnlink's builder has every method (it has a credential-placement choice).
    let module = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated/src/learnlink.rs"),
    )
    .expect("generated module");
    let builder = &module[module.find("pub struct ClientBuilder").expect("builder")..];
    for method in tokenspec::emit::BUILDER_METHODS {
        assert!(
            builder.contains(&format!("pub fn {method}(")),
            "`{method}` is reserved but not emitted"
        );
    }
    let emitted = builder.matches("pub fn ").count();
    let setters = ["tenant_id", "client_secret", "scope"];
    assert_eq!(
        emitted,
        tokenspec::emit::BUILDER_METHODS.len() + setters.len(),
        "a builder method was added without reserving its name in emit::BUILDER_METHODS"
    );
}
