//! What the fixture tests share: keeping a committed generated fixture fresh.

use std::path::{Path, PathBuf};

/// Asserts that `tests/fixtures/<name>` holds `fresh`, through the generator's own freshness
/// mechanism ([`tokenspec::output::file_changes`], the comparison `tokenspec check` makes for
/// `generated/`); with `TOKENSPEC_BLESS` set, writes it first ([`tokenspec::output::apply`]).
pub fn assert_fixture_fresh(name: &str, fresh: String) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let tree = tokenspec::output::Tree::from([(PathBuf::from(name), fresh)]);
    let mut changes = tokenspec::output::file_changes(&dir, &tree).expect("compare the fixture");
    if std::env::var_os("TOKENSPEC_BLESS").is_some() {
        tokenspec::output::apply(&dir, &tree, &changes).expect("write the fixture");
        changes = tokenspec::output::file_changes(&dir, &tree).expect("compare the fixture");
    }
    if !changes.is_empty() {
        // Show the difference, not only that there is one.
        let committed = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        assert_eq!(
            committed,
            tree[Path::new(name)],
            "tests/fixtures/{name} is stale: run with TOKENSPEC_BLESS=1 to refresh"
        );
        panic!("tests/fixtures/{name} is stale: {changes:?}");
    }
}

/// The first YAML block of docs/spec-format.md after each of `headings` in turn (a section,
/// then a subsection of it).
fn documented_example(headings: &[&str]) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("../docs/spec-format.md")).expect("the docs");
    let mut rest = docs.as_str();
    for heading in headings {
        rest = rest
            .split_once(heading)
            .unwrap_or_else(|| panic!("docs/spec-format.md has {heading:?}"))
            .1;
    }
    rest.split_once("```yaml\n")
        .and_then(|(_, block)| block.split_once("```\n"))
        .unwrap_or_else(|| panic!("a YAML block under {headings:?}"))
        .0
        .to_string()
}

/// Asserts that the worked example under `headings` validates and is the fixture
/// `tests/fixtures/<fixture>.yaml`: `tokenspec diff` finds no change between the two.
#[allow(dead_code)] // each test file includes this module; not all of them have a docs example
pub fn assert_documented_example_is_fixture(headings: &[&str], fixture: &str) {
    let example = documented_example(headings);
    let file = format!("{fixture}.yaml");
    let arena = tokenspec::Bump::new();
    let documented = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            file.as_str(),
            example.as_str(),
        )],
    )
    .unwrap_or_else(|e| panic!("the documented example {headings:?} validates:\n{e}"));
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(&file);
    let committed = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::read_file(&path).expect("the fixture is readable")],
    )
    .expect("the fixture validates");
    let changes = tokenspec::diff::diff(&committed, &documented);
    assert!(
        changes.is_empty(),
        "{fixture}: {}",
        tokenspec::diff::render_text(&changes)
    );
}
