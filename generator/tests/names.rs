//! Names: provider names the generated crate already uses are refused by `validate` and `new`
//! with the same reason; names that are Rust keywords, and inputs, fields and environments named
//! like the generated code's own locals, methods and paths, generate a crate that compiles.
//!
//! The crate generated from `fixtures/names/` (providers `box`, `type`, `mod`, the weak keywords
//! `union` and `macro_rules`, `std`, `core`, `serde`, `rt`, `tokenspec_runtime`) is written to
//! cargo's temporary folder as a standalone crate, checked by clippy with warnings denied, and
//! runs `fixtures/names_registry.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;
use tokenspec::load::Source;
use tokenspec::model::GrantKind;
use tokenspec::scaffold::{self, Auth, Request, ScaffoldError};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
}

/// A valid spec of provider `name`, in a file of that name.
fn spec(name: &str) -> Source {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/names/type.yaml"),
    )
    .expect("fixture readable")
    .replace("name: type\n", &format!("name: {name}\n"));
    Source::new(format!("specs/{name}.yaml"), text)
}

fn refusal(name: &str) -> String {
    match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![spec(name)]) {
        Ok(_) => panic!("provider `{name}` validates"),
        Err(tokenspec::Error::Specs(d)) => {
            assert_eq!(d.len(), 1, "{name}: {d}");
            d.items[0].message.clone()
        }
        Err(e) => panic!("{name}: {e}"),
    }
}

fn scaffold_refusal(name: &str) -> String {
    let request = Request {
        provider: name.to_owned(),
        grant: GrantKind::ClientCredentials,
        auth: Auth::Basic,
        response: tokenspec::model::ResponseFormat::Json,
        url: None,
    };
    match scaffold::render(&request) {
        Err(ScaffoldError::Name { reason, .. }) => reason,
        other => panic!("`new {name}`: {other:?}"),
    }
}

#[test]
fn names_the_crate_uses_are_refused_by_validate_and_new_alike() {
    for (name, what) in tokenspec::names::CRATE_NAMES {
        let message = refusal(name);
        assert_eq!(
            message,
            format!("provider name `{name}` would clash with {what}")
        );
        assert_eq!(
            scaffold_refusal(name),
            format!("it would clash with {what}")
        );
    }
    for name in ["runtime", "providers", "by_name", "client", "lib", "main"] {
        assert!(tokenspec::names::crate_name_clash(name).is_some(), "{name}");
    }
}

#[test]
fn windows_device_names_are_refused() {
    for name in ["con", "prn", "aux", "nul", "com1", "lpt9"] {
        let upper = name.to_uppercase();
        assert!(
            refusal(name).contains(&format!("the Windows device `{upper}`")),
            "{name}"
        );
        assert!(scaffold_refusal(name).contains("Windows device"), "{name}");
    }
    for name in ["console", "auxiliary", "com10", "lpt"] {
        tokenspec::validate_sources(&tokenspec::Bump::new(), vec![spec(name)])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn names_that_cannot_be_raw_identifiers_are_refused() {
    for name in ["self", "super", "crate"] {
        assert!(
            refusal(name).contains("cannot be a Rust identifier, not even a raw one"),
            "{name}"
        );
        assert!(
            scaffold_refusal(name).contains("not even a raw one"),
            "{name}"
        );
    }
    for name in ["Self", "_"] {
        assert!(refusal(name).contains("is not a snake_case name"), "{name}");
        assert!(scaffold_refusal(name).contains("lower-case"), "{name}");
    }
}

#[test]
fn keywords_are_provider_names() {
    for name in [
        "box", "type", "match", "async", "gen", "try", "mod", "fn", "dyn", "yield",
    ] {
        let arena = tokenspec::Bump::new();
        let providers = tokenspec::validate_sources(&arena, vec![spec(name)])
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(providers[0].name, name);
        scaffold::render(&Request {
            provider: name.to_owned(),
            grant: GrantKind::ClientCredentials,
            auth: Auth::Basic,
            response: tokenspec::model::ResponseFormat::Json,
            url: None,
        })
        .unwrap_or_else(|e| panic!("`new {name}`: {e}"));
    }
}

fn tokenspec(specs: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tokenspec"))
        .arg("--specs")
        .arg(specs)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("tokenspec runs")
}

#[test]
fn the_new_command_refuses_crate_names_and_writes_keyword_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = dir.path().join("specs");
    for (name, what) in [
        (
            "by_name",
            "the generated crate's registry function `by_name`",
        ),
        ("runtime", "the generated crate's `runtime`"),
    ] {
        let out = tokenspec(&specs, &["new", name]);
        assert!(!out.status.success(), "`new {name}` succeeds");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!(
                "`{name}` cannot be a provider name: it would clash with {what}"
            )),
            "{stderr}"
        );
        assert!(
            !specs.join(format!("{name}.yaml")).exists(),
            "nothing written"
        );
    }
    // `null` and `true` would be YAML's null and boolean unquoted: the skeleton quotes them.
    for name in ["box", "true", "null", "yes"] {
        let out = tokenspec(&specs, &["new", name, "--grant", "client-credentials"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let text = std::fs::read_to_string(specs.join("null.yaml")).expect("written");
    assert!(text.contains("\nname: \"null\"\n"), "{text}");
    let text = std::fs::read_to_string(specs.join("box.yaml")).expect("written");
    assert!(text.contains("\nname: box\n"), "{text}");
    let out = tokenspec(&specs, &["validate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Names of the items at the root of an emitted `lib.rs`, and the file's module names.
fn root_items(lib_rs: &str) -> (Vec<String>, Vec<String>) {
    let file = syn::parse_file(lib_rs).expect("lib.rs parses");
    let mut items = Vec::new();
    let mut modules = Vec::new();
    for item in file.items {
        match item {
            syn::Item::Mod(m) => {
                let name = m.ident.to_string();
                modules.push(name.strip_prefix("r#").unwrap_or(&name).to_owned());
            }
            syn::Item::Fn(f) => items.push(f.sig.ident.to_string()),
            syn::Item::Static(s) => items.push(s.ident.to_string()),
            syn::Item::Const(c) => items.push(c.ident.to_string()),
            syn::Item::Use(u) => {
                let mut tree = &u.tree;
                loop {
                    match tree {
                        syn::UseTree::Path(p) => tree = &p.tree,
                        syn::UseTree::Rename(r) => {
                            items.push(r.rename.to_string());
                            break;
                        }
                        syn::UseTree::Name(n) => {
                            items.push(n.ident.to_string());
                            break;
                        }
                        _ => panic!("lib.rs has a glob or group `use` the test does not read"),
                    }
                }
            }
            _ => panic!("lib.rs has a kind of item this test does not read: teach it"),
        }
    }
    (items, modules)
}

#[test]
fn every_name_the_crate_emits_at_its_root_is_refused_as_a_provider_name() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::load_and_validate(
        &arena,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/names"),
    )
    .expect("the fixture validates");
    let names: Vec<&str> = providers.iter().map(|p| p.name).collect();
    for layout in [
        tokenspec::emit::Layout::Crates,
        tokenspec::emit::Layout::Modules,
    ] {
        let lib_rs = tokenspec::emit::lib_rs(&providers, layout).expect("emits");
        let (items, modules) = root_items(&lib_rs);
        assert_eq!(
            modules, names,
            "one module per provider, named as in the spec"
        );
        // No features: crates.io allows 300 per crate, and blocking is the runtime's.
        assert!(!tokenspec::emit::cargo_toml(&providers).contains("[features]"));
        let mut emitted: Vec<&String> = items.iter().collect();
        emitted.retain(|n| !names.contains(&n.as_str()));
        assert!(emitted.len() >= 4, "{emitted:?}");
        for name in emitted {
            assert!(
                tokenspec::names::check_provider_name(name).is_err(),
                "the crate emits `{name}` at its root, yet a provider may take that name: \
                 add it to names::CRATE_NAMES"
            );
        }
    }
    // The files `generate` writes besides the modules.
    let tree = tokenspec::generate_tree(&providers).expect("emits");
    for path in tree.keys() {
        if let Ok(rest) = path.strip_prefix("src")
            && let Some(stem) = rest.file_stem().and_then(|s| s.to_str())
            && !names.contains(&stem)
        {
            assert!(
                tokenspec::names::check_provider_name(stem).is_err(),
                "src/{stem}.rs is generated, yet a provider may take that name"
            );
        }
    }
    assert!(tokenspec::names::check_provider_name("main").is_err());
}

#[test]
fn keyword_providers_keep_their_names_in_every_generated_file() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::load_and_validate(
        &arena,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/names"),
    )
    .expect("the fixture validates");
    let tree = tokenspec::generate_tree(&providers).expect("emits");
    let lib = &tree[Path::new("src/lib.rs")];
    assert!(lib.contains("\npub mod r#box;"), "{lib}");
    assert!(lib.contains("pub mod std;"), "not a keyword: not raw");
    assert!(tree.contains_key(Path::new("src/box.rs")));
    assert!(tree.contains_key(Path::new("src/type.rs")));
    let cargo = &tree[Path::new("providers/box/Cargo.toml")];
    assert!(
        cargo.contains("name = \"tokenspec-provider-box\""),
        "{cargo}"
    );
    let table = &tree[Path::new("PROVIDERS.md")];
    assert!(table.contains("`box`") && !table.contains("r#"), "{table}");
    let module = &tree[Path::new("providers/box/src/lib.rs")];
    assert!(
        module.contains("use tokenspec_provider_box as r#box;")
            && module.contains("r#box::Client::builder(r#box::Inputs {"),
        "the client's doctest names the module as Rust does"
    );
}

/// The generated crate as a standalone package, beside its own copy of the workspace's
/// lock file, so cargo resolves the versions already built in the shared target folder.
fn write_crate(dir: &Path) {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::load_and_validate(
        &arena,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/names"),
    )
    .expect("the fixture validates");
    let standalone = tokenspec::emit::manifest::Standalone {
        name: "names-fixture".to_owned(),
        version: "0.1.0".to_owned(),
        runtime: tokenspec::emit::manifest::Runtime::Path(workspace().join("runtime")),
    };
    let tree = tokenspec::standalone_tree(&providers, &standalone, dir).expect("emits");
    let generated = &tree[Path::new("Cargo.toml")];
    let manifest = format!(
        "{generated}\n[dev-dependencies]\ntokenspec-runtime = {{ path = '{}', features = [\"blocking\"] }}\n\n\
         # Not a member of the tokenspec workspace above this folder.\n[workspace]\n",
        workspace().join("runtime").display()
    );
    let mut files: Vec<(PathBuf, String)> = tree
        .into_iter()
        .filter(|(path, _)| path.starts_with("src"))
        .collect();
    files.push(("Cargo.toml".into(), manifest));
    files.push((
        "tests/registry.rs".into(),
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/names_registry.rs"),
        )
        .expect("fixture readable"),
    ));
    files.push((
        "Cargo.lock".into(),
        std::fs::read_to_string(workspace().join("Cargo.lock")).expect("the lock file"),
    ));
    // Modules of an older fixture go; files are written only when they change, so a second
    // run rebuilds nothing and two runs at once do not rewrite each other's sources.
    if let Ok(entries) = std::fs::read_dir(dir.join("src")) {
        for entry in entries.flatten() {
            let path = Path::new("src").join(entry.file_name());
            if !files.iter().any(|(p, _)| *p == path) {
                std::fs::remove_file(entry.path()).expect("remove a stale module");
            }
        }
    }
    for (path, text) in files {
        let path = dir.join(path);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == text) {
            continue;
        }
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
        std::fs::write(&path, text).expect("write");
    }
}

fn cargo(dir: &Path, args: &[&str]) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The workspace's target folder (the parent of this one), so the runtime and its
    // dependencies built for the workspace are reused.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder");
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_crate_of_keyword_and_clashing_names_passes_clippy_and_its_tests() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("names-fixture");
    write_crate(&dir);
    cargo(
        &dir,
        &[
            "clippy",
            "--offline",
            "--quiet",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
    );
    cargo(
        &dir,
        &[
            "test",
            "--offline",
            "--quiet",
            "--all-features",
            "--test",
            "registry",
        ],
    );
}
