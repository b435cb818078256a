//! Use outside this repository: a crate that generates its own providers from a build script
//! (`tokenspec::Builder`, the output `include!`d), and a standalone crate written by
//! `tokenspec generate --crate-name`, each built by cargo in a scratch workspace of its own
//! that is not a member of this one, then run.
//!
//! Cost: both scratch workspaces build into this workspace's `target/`, with a copy of its
//! `Cargo.lock`, so `--offline` resolves to the versions already downloaded and the
//! dependencies the workspace build compiled are reused.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
}

/// An empty scratch workspace named `name` under cargo's temporary folder: its own
/// `[workspace]` of `members`, and the lock file of this one.
fn scratch(name: &str, members: &[&str]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    // Left over from an earlier run: start clean, so nothing old passes for new.
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove the old scratch workspace");
    }
    std::fs::create_dir_all(&dir).expect("mkdir");
    let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "# A workspace of its own: not a member of the tokenspec workspace above it.\n\
             [workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy the lock");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// Copies specs of this repository into `dir`.
fn copy_specs(dir: &Path, names: &[&str]) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for name in names {
        let file = format!("{name}.yaml");
        std::fs::copy(workspace().join("specs").join(&file), dir.join(&file)).expect("copy spec");
    }
}

/// A TOML string of `path`.
fn toml_path(path: &Path) -> String {
    format!("{:?}", path.display().to_string())
}

/// `cargo ARGS` in `dir`, offline, into the shared scratch target folder.
fn cargo(dir: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .args(args)
        .arg("--offline")
        .current_dir(dir)
        // The workspace's target folder, so what the workspace built is reused.
        .env("CARGO_TARGET_DIR", workspace().join("target"))
        // The outer `cargo test` may set these for this crate; the scratch build is not it.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs")
}

fn success(what: &str, output: &Output) -> String {
    assert!(
        output.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn tokenspec(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tokenspec"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("tokenspec runs")
}

/// The program both user crates run: a brainysoft client built from its inputs, the request
/// it would send, an input `build` refuses, and the registry.
const USE_BRAINYSOFT: &str = r#"
    use providers::brainysoft;
    let inputs = brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "id".into(),
        client_secret: "secret".into(),
    };
    let client = brainysoft::Client::builder(inputs.clone()).build()?;
    let request = client.fetch_token().request()?;
    println!("{} {}", request.method(), request.uri());
    let refused = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme.evil".into(),
        ..inputs
    })
    .build();
    assert!(
        matches!(&refused, Err(brainysoft::Error::InvalidInput(e)) if e.input == "customer_key"),
        "a host variable that is not one DNS label"
    );
    let names: Vec<&str> = providers::providers().iter().map(|p| p.name).collect();
    println!("{}", names.join(","));
    println!("{}", brainysoft::PROVIDER.title);
    assert!(providers::by_name("approvalmax").is_some());
    assert!(providers::client("approvalmax").is_some());
    Ok(())
"#;

#[test]
fn a_build_script_generates_providers_that_the_crate_includes() {
    let ws = scratch("outside-build-script", &["withbuild"]);
    let krate = ws.join("withbuild");
    copy_specs(&krate.join("specs"), &["brainysoft", "approvalmax"]);
    write(
        &krate.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"withbuild\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
             publish = false\n\n\
             [dependencies]\ntokenspec-runtime = {{ path = {} }}\n\
             serde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
             [build-dependencies]\ntokenspec = {{ path = {}, default-features = false }}\n",
            toml_path(&workspace().join("runtime")),
            toml_path(&workspace().join("generator")),
        ),
    );
    write(
        &krate.join("build.rs"),
        "fn main() -> Result<(), tokenspec::Error> {\n    \
         tokenspec::Builder::new().specs_dir(\"specs\").generate()?;\n    Ok(())\n}\n",
    );
    // Warnings denied and every public item documented: the included code must not make a
    // careful crate fail (no unknown `cfg(feature)`, no undocumented item, no dead code).
    write(
        &krate.join("src/lib.rs"),
        "//! A crate with its own providers.\n#![deny(warnings, missing_docs)]\n\n\
         /// Providers generated from `specs/` by the build script.\n\
         pub mod providers {\n    \
         include!(concat!(env!(\"OUT_DIR\"), \"/tokenspec_providers.rs\"));\n}\n",
    );
    write(
        &krate.join("src/main.rs"),
        &format!(
            "use withbuild::providers;\n\n\
             fn main() -> Result<(), providers::brainysoft::Error> {{{USE_BRAINYSOFT}}}\n"
        ),
    );

    let out = success("cargo run", &cargo(&krate, &["run", "--quiet"]));
    assert_eq!(
        out,
        "POST https://acme-auth.brainysoft.ru/oauth/token\napprovalmax,brainysoft\nBrainysoft\n"
    );

    // The script asked cargo to watch the specs: an edited spec regenerates the file.
    let spec = krate.join("specs/brainysoft.yaml");
    let text = std::fs::read_to_string(&spec).expect("read spec");
    assert!(
        text.contains("title: Brainysoft\n"),
        "the seed spec changed"
    );
    std::fs::write(
        &spec,
        text.replace("title: Brainysoft\n", "title: Brainysoft Two\n"),
    )
    .expect("edit spec");
    let out = success(
        "cargo run after an edit",
        &cargo(&krate, &["run", "--quiet"]),
    );
    assert!(out.ends_with("\nBrainysoft Two\n"), "{out}");

    // A spec error fails the build with the diagnostic, at its file, line and column.
    write(
        &krate.join("specs/broken.yaml"),
        "spec_version: 1\nname: broken\ntitel: Broken\n",
    );
    let failed = cargo(&krate, &["build", "--quiet"]);
    assert!(!failed.status.success(), "a broken spec builds");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("specs/broken.yaml:3:1"), "{stderr}");
    assert!(stderr.contains("titel"), "{stderr}");
    assert!(
        !stderr.contains("Diagnostics {"),
        "the error shows rendered: {stderr}"
    );
}

#[test]
fn a_standalone_crate_builds_outside_the_workspace() {
    let ws = scratch("outside-standalone", &["acme-tokens", "acme-user"]);
    copy_specs(&ws.join("specs"), &["brainysoft", "approvalmax"]);
    // The runtime path is given relative to the current folder, as a user would type it.
    let depth = ws
        .strip_prefix(workspace())
        .expect("the scratch folder is under the workspace's target folder")
        .components()
        .count();
    let runtime = format!("{}runtime", "../".repeat(depth));
    let args = [
        "--specs",
        "specs",
        "--out",
        "acme-tokens",
        "--crate-name",
        "acme-tokens",
        "--crate-version",
        "1.2.0",
        "--runtime-path",
        runtime.as_str(),
    ];
    let mut generate = vec!["generate"];
    generate.extend(args);
    success("tokenspec generate", &tokenspec(&ws, &generate));

    let manifest =
        std::fs::read_to_string(ws.join("acme-tokens/Cargo.toml")).expect("a Cargo.toml");
    assert!(!manifest.contains("workspace"), "{manifest}");
    assert!(
        manifest.contains("name = \"acme-tokens\"\nversion = \"1.2.0\"\n"),
        "{manifest}"
    );
    // Written from the crate's folder, one level deeper than the command ran.
    assert!(
        manifest.contains(&format!("path = \"../{runtime}\"")),
        "{manifest}"
    );
    let module =
        std::fs::read_to_string(ws.join("acme-tokens/src/brainysoft.rs")).expect("a module");
    // The doc example names the crate by the name it was given, and compiles under it.
    assert!(
        module.contains("use acme_tokens::brainysoft as brainysoft;"),
        "{module}"
    );
    assert!(!module.contains("tokenspec_provider"), "{module}");
    // Its header names the command its owner has, not this repository's `cargo run -p`.
    assert!(
        module.contains("run `tokenspec generate` with the same options")
            && !module.contains("cargo run -p tokenspec"),
        "{module}"
    );

    write(
        &ws.join("acme-user/Cargo.toml"),
        "[package]\nname = \"acme-user\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\
         publish = false\n\n[dependencies]\nacme-tokens = { path = \"../acme-tokens\" }\n",
    );
    write(
        &ws.join("acme-user/src/main.rs"),
        &format!(
            "use acme_tokens as providers;\n\n\
             fn main() -> Result<(), providers::brainysoft::Error> {{{USE_BRAINYSOFT}}}\n"
        ),
    );
    let out = success(
        "cargo run",
        &cargo(&ws, &["run", "--quiet", "-p", "acme-user"]),
    );
    assert_eq!(
        out,
        "POST https://acme-auth.brainysoft.ru/oauth/token\napprovalmax,brainysoft\nBrainysoft\n"
    );
    let doc = success(
        "cargo test --doc",
        &cargo(&ws, &["test", "--quiet", "--doc", "-p", "acme-tokens"]),
    );
    assert!(
        doc.contains("test result: ok.") && !doc.contains("ok. 0 passed"),
        "the module doc examples compile: {doc}"
    );

    // `check` with the same options: fresh now, stale once a spec changes.
    let mut check = vec!["check"];
    check.extend(args);
    success("tokenspec check", &tokenspec(&ws, &check));
    let spec = ws.join("specs/brainysoft.yaml");
    let text = std::fs::read_to_string(&spec).expect("read spec");
    std::fs::write(
        &spec,
        text.replace("title: Brainysoft\n", "title: Brainysoft Two\n"),
    )
    .expect("edit spec");
    let stale = tokenspec(&ws, &check);
    assert!(!stale.status.success());
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stderr.contains("stale: acme-tokens/src/brainysoft.rs"),
        "{stderr}"
    );
    assert!(
        stderr.contains("run `tokenspec generate` with the same options"),
        "{stderr}"
    );
}

#[test]
fn crate_names_cargo_would_refuse_are_refused_and_nothing_is_written() {
    let ws = Path::new(env!("CARGO_TARGET_TMPDIR")).join("outside-bad-name");
    if ws.exists() {
        std::fs::remove_dir_all(&ws).expect("clean");
    }
    copy_specs(&ws.join("specs"), &["brainysoft"]);
    for name in ["2fa", "acme tokens", "fn", "std", "serde"] {
        let output = tokenspec(
            &ws,
            &[
                "generate",
                "--specs",
                "specs",
                "--out",
                "out",
                "--crate-name",
                name,
            ],
        );
        assert!(!output.status.success(), "{name} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--crate-name"), "{name}: {stderr}");
        assert!(!ws.join("out").exists(), "{name}: something was written");
    }
    // The standalone options need a crate name, and one runtime source.
    let output = tokenspec(
        &ws,
        &["generate", "--out", "out", "--runtime-version", "0.1"],
    );
    assert!(!output.status.success());
    let output = tokenspec(
        &ws,
        &[
            "generate",
            "--out",
            "out",
            "--crate-name",
            "x",
            "--runtime-version",
            "0.1",
            "--runtime-path",
            "rt",
        ],
    );
    assert!(!output.status.success());
    assert!(!ws.join("out").exists());
}
