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
