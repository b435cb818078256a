//! Writing `generated/` (only files whose bytes change) or checking it is fresh.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The full contents of `generated/` that the specs call for, keyed by path relative to it.
pub type Tree = BTreeMap<PathBuf, String>;

/// What a run does with the differences: write them, or only report them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `generate`: write what differs.
    Write,
    /// `check`: change nothing.
    Check,
}

/// A difference between the expected tree and the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A file to create or overwrite.
    Write(PathBuf),
    /// A generated module whose spec is gone.
    Remove(PathBuf),
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Write(p) => write!(f, "stale: {}", p.display()),
            Change::Remove(p) => write!(f, "obsolete: {}", p.display()),
        }
    }
}

/// What would change on disk to make `dir` hold `tree`. Generated modules live in `src/`; any
/// other `.rs` file there belongs to a removed spec.
pub fn changes(dir: &Path, tree: &Tree) -> std::io::Result<Vec<Change>> {
    let mut out = Vec::new();
    for (rel, text) in tree {
        let path = dir.join(rel);
        match std::fs::read(&path) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => out.push(Change::Write(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.push(Change::Write(path)),
            Err(e) => return Err(e),
        }
    }
    let src = dir.join("src");
    if src.is_dir() {
        let mut extra: Vec<PathBuf> = std::fs::read_dir(&src)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .filter(|p| p.strip_prefix(dir).is_ok_and(|rel| !tree.contains_key(rel)))
            .collect();
        extra.sort();
        out.extend(extra.into_iter().map(Change::Remove));
    }
    Ok(out)
}

/// Applies `changes`, writing only what differs.
pub fn apply(dir: &Path, tree: &Tree, changes: &[Change]) -> std::io::Result<()> {
    for change in changes {
        match change {
            Change::Write(path) => {
                let rel = path.strip_prefix(dir).unwrap_or(path);
                let Some(text) = tree.get(rel) else { continue };
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, text)?;
            }
            Change::Remove(path) => std::fs::remove_file(path)?,
        }
    }
    Ok(())
}
