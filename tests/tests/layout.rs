//! The publishing layout of `generated/` (issue 12): one crate per provider plus a data-only
//! registry, no cargo features, and a program that depends on one provider compiles no other.
//!
//! Asked of cargo itself (`cargo tree`, `cargo metadata`), not of our own reading of the
//! manifests, so a path dependency or a feature slipped in by hand would be seen.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The provider crates in `generated/providers/`, by folder name.
fn provider_dirs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(workspace().join("generated/providers"))
        .expect("generated/providers")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The packages a build of `package` compiles (normal dependencies, as a user gets them).
fn compiled_packages(package: &str) -> Vec<String> {
    let tree = cargo(&[
        "tree",
        "--offline",
        "-p",
        package,
        "-e",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ]);
    let mut names: Vec<String> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn a_user_of_one_provider_compiles_no_other_provider() {
    let dirs = provider_dirs();
    assert!(dirs.len() >= 5, "{dirs:?}");
    assert!(dirs.iter().any(|d| d == "brainysoft"), "{dirs:?}");
    for dir in &dirs {
        let package = format!("tokenspec-provider-{}", dir.replace('_', "-"));
        let ours: Vec<String> = compiled_packages(&package)
            .into_iter()
            .filter(|p| p.starts_with("tokenspec"))
            .collect();
        assert_eq!(
            ours,
            [package.as_str(), "tokenspec-runtime", "tokenspec-spec"],
            "{package} pulls in another provider or the registry"
        );
    }
}

#[test]
fn the_registry_holds_data_only_and_depends_on_no_provider_crate() {
    let ours: Vec<String> = compiled_packages("tokenspec-providers")
        .into_iter()
        .filter(|p| p.starts_with("tokenspec"))
        .collect();
    assert_eq!(
        ours,
        ["tokenspec-providers", "tokenspec-runtime", "tokenspec-spec"]
    );
}

#[test]
fn generated_crates_declare_no_features() {
    // crates.io allows 300 features per crate: one per provider would not scale to 1,000.
    let metadata = cargo(&[
        "metadata",
        "--offline",
        "--no-deps",
        "--format-version",
        "1",
    ]);
    let metadata: serde_json::Value = serde_json::from_str(&metadata).expect("json");
    let packages = metadata["packages"].as_array().expect("packages");
    let generated: Vec<&serde_json::Value> = packages
        .iter()
        .filter(|p| {
            let name = p["name"].as_str().unwrap_or_default();
            name == "tokenspec-providers" || name.starts_with("tokenspec-provider-")
        })
        .collect();
    assert_eq!(generated.len(), provider_dirs().len() + 1);
    for package in generated {
        assert_eq!(
            package["features"],
            serde_json::json!({}),
            "{} declares features",
            package["name"]
        );
    }
}
