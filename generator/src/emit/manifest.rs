//! The generated crate as a standalone package, for use outside this repository
//! (`tokenspec generate --crate-name NAME`): a `Cargo.toml` that spells out every value instead
//! of inheriting it from this workspace, and modules whose doctests name the crate.
//!
//! [`crate::standalone_tree`] puts the crate together; without `--crate-name`, `generate`
//! writes the in-workspace crate of [`crate::generate_tree`].

use crate::model;
use std::path::{Component, Path, PathBuf};

/// The runtime crate's package name, the standalone crate's one generated dependency.
const RUNTIME: &str = "tokenspec-runtime";

/// How the standalone crate depends on `tokenspec-runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// From a registry, by version requirement (`0.1.0`).
    Version(String),
    /// From a folder (`path`, written relative to the crate's folder when it was given
    /// relative), with the version requirement a registry would use once published.
    Path(PathBuf),
}

/// What makes the generated crate a package of its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standalone {
    /// The package name (checked by [`check_crate_name`]).
    pub name: String,
    /// The package version.
    pub version: String,
    /// The runtime dependency.
    pub runtime: Runtime,
}

impl Standalone {
    /// The library's name in Rust paths: the package name with `-` as `_`.
    pub fn lib_name(&self) -> String {
        self.name.replace('-', "_")
    }
}

/// The version requirement on the runtime: this generator's own version, which emits code for
/// the runtime of the same release.
pub const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Names cargo or rustc give a meaning of their own, or that the generated crate's own
/// dependencies take: a package of that name would not build, or would shadow one.
const RESERVED: &[&str] = &[
    "std",
    "core",
    "alloc",
    "proc_macro",
    "test",
    "build",
    "deps",
    "examples",
    "incremental",
    "tokenspec_runtime",
    "serde",
    "serde_derive",
];

/// Checks a package name as cargo does (ASCII letters, digits, `-` and `_`, starting with a
/// letter; at most 64 characters, crates.io's limit) and refuses names that clash with Rust or
/// with the crate's own dependencies. The reason says which rule it breaks.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let Some(first) = name.chars().next() else {
        return Err("a package name cannot be empty".to_owned());
    };
    if !first.is_ascii_alphabetic() {
        return Err(format!(
            "a package name starts with an ASCII letter, not `{}`",
            first.escape_default()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "a package name holds only ASCII letters, digits, `-` and `_`, not `{}`",
            bad.escape_default()
        ));
    }
    if name.len() > 64 {
        return Err("a package name is at most 64 characters long (crates.io's limit)".to_owned());
    }
    let lib = name.replace('-', "_");
    if crate::names::is_keyword(&lib) {
        return Err(format!("`{lib}` is a Rust keyword, not a library name"));
    }
    if RESERVED.contains(&lib.to_ascii_lowercase().as_str()) {
        return Err(format!(
            "`{name}` is reserved: Rust, cargo or the crate's own dependencies use it"
        ));
    }
    Ok(())
}

/// A TOML basic string holding `value`.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `path` without `.` and with `..` applied to what precedes it (lexically: no link is read).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// `to` as seen from the folder `from`, both relative to the same folder.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let (from, to) = (normalize(from), normalize(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for c in to.components().skip(common) {
        out.push(c);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The runtime folder `path` (absolute, or relative to the current folder) as the manifest in
/// `out_dir` names it: relative to `out_dir` when it was given relative.
fn runtime_path(out_dir: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        return path.to_path_buf();
    }
    let out = normalize(out_dir);
    if out.is_absolute() || out.components().next() == Some(Component::ParentDir) {
        // The folders above the current one are known only by their names on disk.
        return match std::env::current_dir() {
            Ok(cwd) => relative(&cwd.join(out_dir), &cwd.join(path)),
            Err(_) => path.to_path_buf(),
        };
    }
    relative(&out, path)
}

/// Checks a version as cargo's `package.version` requires (semver: `MAJOR.MINOR.PATCH`, with an
/// optional pre-release and build suffix).
pub fn check_crate_version(version: &str) -> Result<(), String> {
    let core = version.split(['-', '+']).next().unwrap_or(version);
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let suffix_ok = version[core.len()..]
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-+.".contains(&b));
    if parts.len() == 3 && parts.iter().all(numeric) && suffix_ok && !version.ends_with(['-', '+'])
    {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a semver version such as 0.1.0",
            version.escape_default()
        ))
    }
}

/// Checks a version requirement (`0.1`, `^0.1.0`, `>=0.1, <0.3`) for the characters cargo
/// accepts in one, so that it cannot break the manifest it is written into.
pub fn check_version_req(req: &str) -> Result<(), String> {
    let ok = !req.trim().is_empty()
        && req
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" .,^~=<>*-+".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a version requirement such as 0.1",
            req.escape_default()
        ))
    }
}

/// The standalone crate's `Cargo.toml`: every `[package]` value spelled out, concrete
/// dependency versions, no features (blocking calls are `tokenspec-runtime`'s `blocking`
/// feature). `out_dir` is where it is written: a relative runtime path, given relative
/// to the current folder, is written relative to it.
pub fn cargo_toml(_providers: &[model::Provider], crate_: &Standalone, out_dir: &Path) -> String {
    let runtime = match &crate_.runtime {
        Runtime::Version(v) => format!("{RUNTIME} = {{ version = {} }}", toml_string(v)),
        Runtime::Path(p) => {
            let p = runtime_path(out_dir, p);
            // `/` on every system: cargo reads it everywhere, and the file stays the same.
            let p = p.to_string_lossy().replace('\\', "/");
            format!(
                "{RUNTIME} = {{ path = {}, version = {} }}",
                toml_string(&p),
                toml_string(RUNTIME_VERSION)
            )
        }
    };
    format!(
        "# This file is @generated by tokenspec.\n\
         # Do not edit it: change the specs and run `tokenspec generate` again.\n\n\
         [package]\n\
         name = {}\n\
         version = {}\n\
         description = \"Typed token-endpoint clients generated by tokenspec\"\n\
         edition = \"2024\"\n\
         rust-version = {}\n\n\
         [dependencies]\n\
         {runtime}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n",
        toml_string(&crate_.name),
        toml_string(&crate_.version),
        toml_string(env!("CARGO_PKG_RUST_VERSION")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_follow_cargo() {
        for good in ["acme-tokens", "acme_tokens", "a", "x2"] {
            assert_eq!(check_crate_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "2fa",
            "-x",
            "acme tokens",
            "acme.tokens",
            "ünï",
            "fn",
            "self",
            "std",
            "serde",
            "tokenspec-runtime",
            "test",
        ] {
            assert!(check_crate_name(bad).is_err(), "{bad:?} accepted");
        }
        assert!(check_crate_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn relative_runtime_paths_are_written_from_the_crate_folder() {
        assert_eq!(
            relative(Path::new("out/acme"), Path::new("runtime")),
            Path::new("../../runtime")
        );
        assert_eq!(
            relative(Path::new("./out"), Path::new("out/rt")),
            Path::new("rt")
        );
        assert_eq!(
            relative(Path::new("a/../b"), Path::new("c")),
            Path::new("../c")
        );
        assert_eq!(
            runtime_path(Path::new("out"), Path::new("/opt/rt")),
            Path::new("/opt/rt")
        );
    }

    #[test]
    fn versions_are_checked() {
        for good in ["0.1.0", "1.2.3-beta.1", "1.0.0+build5"] {
            assert_eq!(check_crate_version(good), Ok(()), "{good}");
        }
        for bad in ["", "1", "1.2", "1.2.x", "1.2.3-", "1.2.3\"", "1.2.3-a b"] {
            assert!(check_crate_version(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(check_version_req(">=0.1, <0.3"), Ok(()));
        assert!(check_version_req("0.1\"\npath = \"x").is_err());
        assert!(check_version_req(" ").is_err());
    }

    #[test]
    fn the_manifest_inherits_nothing() {
        let crate_ = Standalone {
            name: "acme-tokens".to_owned(),
            version: "1.2.3".to_owned(),
            runtime: Runtime::Path(PathBuf::from("vendor/rt\"x")),
        };
        let toml = cargo_toml(&[], &crate_, Path::new("out"));
        assert!(!toml.contains("workspace"), "{toml}");
        assert!(toml.contains("name = \"acme-tokens\"\nversion = \"1.2.3\"\n"));
        assert!(toml.contains("path = \"../vendor/rt\\\"x\""), "{toml}");
        let crate_ = Standalone {
            runtime: Runtime::Version("0.1".to_owned()),
            ..crate_
        };
        let toml = cargo_toml(&[], &crate_, Path::new("out"));
        assert!(
            toml.contains("tokenspec-runtime = { version = \"0.1\" }"),
            "{toml}"
        );
    }
}
