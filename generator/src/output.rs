//! The one freshness mechanism: every generated artefact (`generated/`, `specs/schema.json`, a
//! standalone crate) is a [`Tree`] of paths and texts, compared with the folder by [`changes`]
//! and written by [`apply`] (only files whose bytes change), or, in check mode, reported stale.
//!
//! The output folders are written by CI from specs that came in a pull request, so the tree
//! that `generate` writes into is treated as untrusted too: a symbolic link planted at a
//! generated file (`generated/src/x.rs`) or at a folder on its way (`generated/src`) would make
//! a plain `std::fs::write` overwrite whatever the link points at, outside the repository.
//! [`changes`] therefore checks every path first, without following links
//! ([`std::fs::symlink_metadata`]), and refuses the whole run before anything is written;
//! [`apply`] checks each path again right before it writes or removes it.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

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

/// The error for a path `generate` will not write through: it names the path and says why.
fn refuse(path: &Path, why: &str) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!(
            "refusing to write {}: {why}; generate writes only regular files inside its output \
             folders and never follows a symbolic link (nothing was written)",
            path.display()
        ),
    )
}

/// Checks that `rel` stays inside its folder (plain names only: no `..`, no root) and that
/// neither the file at `dir/rel` nor any folder between `dir` and it is a symbolic link or
/// something other than a folder (on the way) or a regular file (at the end). Missing parts are
/// fine: they will be created. `dir` itself may be a link; what is below it may not.
fn check_path(dir: &Path, rel: &Path) -> std::io::Result<()> {
    let full = dir.join(rel);
    let components: Vec<&std::ffi::OsStr> = rel
        .components()
        .map(|c| match c {
            Component::Normal(name) => Ok(name),
            _ => Err(refuse(&full, "the path leaves the output folder")),
        })
        .collect::<Result<_, _>>()?;
    if components.is_empty() {
        return Err(refuse(&full, "the path names no file"));
    }
    let mut at = dir.to_path_buf();
    for (i, name) in components.iter().enumerate() {
        at.push(name);
        let last = i + 1 == components.len();
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if meta.file_type().is_symlink() => {
                return Err(refuse(&at, "it is a symbolic link"));
            }
            Ok(meta) if last && !meta.is_file() => {
                return Err(refuse(&at, "it exists and is not a regular file"));
            }
            Ok(meta) if !last && !meta.is_dir() => {
                return Err(refuse(&at, "it exists and is not a folder"));
            }
            Ok(_) => {}
            // Nothing there yet: nothing below it either, so nothing to follow.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What would change on disk to make `dir` hold `tree`. Generated modules live in `src/`
/// (when the tree has any); any other `.rs` file there belongs to a removed spec.
///
/// Fails, naming the path, when a path of the tree or a stale module would be reached through
/// a symbolic link, is not a regular file, or leaves `dir`: see the module docs.
pub fn changes(dir: &Path, tree: &Tree) -> std::io::Result<Vec<Change>> {
    let mut out = file_changes(dir, tree)?;
    let has_modules = tree.keys().any(|rel| rel.starts_with("src"));
    let src = dir.join("src");
    // `check_path` above has seen `src` when the tree has modules: a real folder, or none.
    let src_is_dir = std::fs::symlink_metadata(&src).is_ok_and(|m| m.is_dir());
    if has_modules && src_is_dir {
        let mut extra = Vec::new();
        for entry in std::fs::read_dir(&src)? {
            let entry = entry?;
            let path = entry.path();
            let stale = path.extension().is_some_and(|e| e == "rs")
                && path
                    .strip_prefix(dir)
                    .is_ok_and(|rel| !tree.contains_key(rel));
            if !stale {
                continue;
            }
            // `DirEntry::file_type` does not follow links: a linked stale module is refused
            // rather than removed, since removing it is not what its owner expects either.
            let kind = entry.file_type()?;
            if kind.is_symlink() {
                return Err(refuse(&path, "it is a symbolic link"));
            }
            if !kind.is_file() {
                return Err(refuse(&path, "it is not a regular file"));
            }
            extra.push(path);
        }
        extra.sort();
        out.extend(extra.into_iter().map(Change::Remove));
    }
    out.extend(stale_crates(dir, tree)?.into_iter().map(Change::Remove));
    Ok(out)
}

/// The files of `tree` that differ from (or are missing in) `dir`, leaving alone whatever else
/// `dir` holds: for an output folder the generator does not own as a whole (a build script's
/// `OUT_DIR`, the test fixtures), where [`changes`] would also list stale modules and crates.
/// Fails as [`changes`] does on a path that is a link, not a regular file, or leaves `dir`.
pub fn file_changes(dir: &Path, tree: &Tree) -> std::io::Result<Vec<Change>> {
    let mut out = Vec::new();
    for (rel, text) in tree {
        check_path(dir, rel)?;
        let path = dir.join(rel);
        match std::fs::read(&path) {
            Ok(bytes) if bytes == text.as_bytes() => {}
            Ok(_) => out.push(Change::Write(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => out.push(Change::Write(path)),
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// Files of provider crates (`providers/<name>/`) whose spec is gone: every file in a crate
/// folder the tree does not mention. A link or anything but a folder or a regular file in
/// such a folder is refused, not removed.
fn stale_crates(dir: &Path, tree: &Tree) -> std::io::Result<Vec<PathBuf>> {
    let crates = dir.join(CRATES);
    if !std::fs::symlink_metadata(&crates).is_ok_and(|m| m.is_dir()) {
        return Ok(Vec::new());
    }
    // The crate folders the tree holds, looked up once each: a scan of the tree per folder
    // would be quadratic in the number of providers.
    let known: std::collections::BTreeSet<&std::ffi::OsStr> = tree
        .keys()
        .filter_map(|path| {
            let mut parts = path.strip_prefix(CRATES).ok()?.components();
            Some(parts.next()?.as_os_str())
        })
        .collect();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(&crates)? {
        let entry = entry?;
        if known.contains(entry.file_name().as_os_str()) {
            continue;
        }
        collect_files(&entry.path(), &mut stale)?;
    }
    stale.sort();
    Ok(stale)
}

/// Every regular file below `path` (a folder, or a file), refusing links.
fn collect_files(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let kind = std::fs::symlink_metadata(path)?.file_type();
    if kind.is_symlink() {
        return Err(refuse(path, "it is a symbolic link"));
    }
    if kind.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    if !kind.is_dir() {
        return Err(refuse(path, "it is not a regular file"));
    }
    for entry in std::fs::read_dir(path)? {
        collect_files(&entry?.path(), out)?;
    }
    Ok(())
}

/// The folder of `generated/` that holds one crate per provider.
pub const CRATES: &str = "providers";

/// Applies `changes` (from [`changes`] on the same `dir` and `tree`), writing only what
/// differs. Each path is checked again right before it is written or removed, so a link
/// planted since [`changes`] ran is refused too.
pub fn apply(dir: &Path, tree: &Tree, changes: &[Change]) -> std::io::Result<()> {
    for change in changes {
        match change {
            Change::Write(path) => {
                let Ok(rel) = path.strip_prefix(dir) else {
                    return Err(refuse(path, "the path is outside the output folder"));
                };
                let Some(text) = tree.get(rel) else { continue };
                check_path(dir, rel)?;
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::write(path, text)?;
            }
            Change::Remove(path) => {
                let Ok(rel) = path.strip_prefix(dir) else {
                    return Err(refuse(path, "the path is outside the output folder"));
                };
                check_path(dir, rel)?;
                // `remove_file` on a link would remove the link only; `check_path` has refused
                // links anyway.
                std::fs::remove_file(path)?;
                // A removed provider crate leaves empty folders: remove them, up to (not
                // including) `providers/`. `remove_dir` refuses a folder that is not empty.
                let mut parent = rel.parent();
                while let Some(folder) =
                    parent.filter(|f| f.starts_with(CRATES) && *f != Path::new(CRATES))
                {
                    if std::fs::remove_dir(dir.join(folder)).is_err() {
                        break;
                    }
                    parent = folder.parent();
                }
            }
        }
    }
    Ok(())
}
