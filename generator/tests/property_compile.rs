//! Property: every spec that validates generates code that compiles without warnings.
//!
//! Random specs are built as YAML text, with names, titles, descriptions, environment names,
//! scope values and example values drawn from hostile alphabets: quotes, backslashes, code
//! fences, indented blocks, HTML, Markdown links, comment markers, Rust keywords, non-ASCII
//! text, and control and bidi characters (written as YAML escapes in double-quoted scalars, the
//! one way validation accepts them: raw in the file they are refused). Each goes through the
//! whole pipeline; those that validate (with distinct provider names) are generated together as
//! one tree (the registry crate and one typed-client crate per provider), which one
//! `cargo check --workspace` compiles with warnings denied (`[lints.rust] warnings = "deny"` in
//! every manifest).
//!
//! The scratch crates live in a temp folder with a `[workspace]` of their own and a path
//! dependency on `runtime/`; its target folder is this workspace's `target/`, so the
//! dependencies the workspace build compiled are reused.
//!
//! `cargo test` runs 24 specs; `TOKENSPEC_PROPERTY_CASES=200` runs more and
//! `TOKENSPEC_PROPERTY_SEED=<n>` another sequence (README, "Tests").

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use std::path::{Path, PathBuf};
use std::process::Command;
use tokenspec::load::Source;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
        .to_path_buf()
}

/// Pieces of hostile text: each has broken a generator somewhere (doc comments that become
/// doctests or HTML, string literals, Markdown tables, terminals).
const HOSTILE: &[&str] = &[
    "\"",
    "'",
    "\\",
    "\\\"",
    "```",
    "```rust\nstd::fs::write(\"marker\", \"ran\").unwrap();\n```",
    "~~~",
    "\n    indented();\n",
    "\n\n    let x = 1;",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "[link](javascript:alert(1))",
    "](https://evil.example)",
    "<https://evil.example>",
    "*/",
    "/*",
    "//",
    "//!",
    "#",
    "#[cfg(test)]",
    "{",
    "}",
    "{{",
    "}}",
    "{name}",
    "r#\"",
    "\"#",
    "|",
    "| a | b |",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\n- item",
    "\n1. item",
    "\n> quote",
    "`",
    "``",
    "&amp;",
    "&lt;",
    "$",
    "%",
    "é",
    "ß",
    "日本",
    "😀",
    "\u{0}",
    "\u{7}",
    "\u{1b}[2J",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{200B}",
    "\u{200E}",
    "\u{202E}",
    "\u{2066}",
    "\u{2069}",
    "\u{2028}",
    "\u{FEFF}",
    "fn",
    "unsafe",
    "self",
    "Self",
    "super",
    "crate",
    "mod",
    "r#type",
    "panic!()",
    "include_str!(\"/etc/passwd\")",
    " ",
    "a",
    "Token",
];

/// Names: plausible snake_case ones, Rust keywords and names the generator itself uses.
const NAMES: &[&str] = &[
    "r#type",
    "type",
    "box",
    "match",
    "async",
    "await",
    "dyn",
    "gen",
    "try",
    "yield",
    "macro",
    "union",
    "static",
    "ref",
    "move",
    "loop",
    "impl",
    "where",
    "fn",
    "struct",
    "enum",
    "trait",
    "self",
    "super",
    "crate",
    "default",
    "blocking",
    "runtime",
    "client",
    "builder",
    "build",
    "new",
    "fetch",
    "token",
    "provider",
    "providers",
    "by_name",
    "lib",
    "main",
    "error",
    "result",
    "option",
    "some",
    "none",
    "ok",
    "err",
    "string",
    "vec",
    "box_",
    "core",
    "std",
    "alloc",
    "serde",
    "rt",
    "tenant",
    "region",
    "audience",
    "scope",
    "production",
    "sandbox",
    "a",
    "b",
    "x1",
    "with_digits_1",
];

fn hostile_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(HOSTILE).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
            2 => "[A-Za-z ]{1,12}",
        ],
        1..6,
    )
    .prop_map(|pieces| pieces.concat())
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(NAMES).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9]{0,5}(_[a-z0-9]{1,4})?",
    ]
}

/// One random spec's parts.
#[derive(Debug, Clone)]
struct Case {
    provider: String,
    title: String,
    description: String,
    environments: [String; 2],
    input: String,
    input_description: String,
    example: String,
    param: String,
    grant_description: String,
    scope: String,
    scope_description: String,
    field: String,
    field_description: String,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (name(), hostile_text(), hostile_text()),
        (name(), name()),
        (name(), hostile_text(), hostile_text(), name()),
        (hostile_text(), hostile_text(), hostile_text()),
        (name(), hostile_text()),
    )
        .prop_map(
            |(
                (provider, title, description),
                (env_a, env_b),
                (input, input_description, example, param),
                (grant_description, scope, scope_description),
                (field, field_description),
            )| Case {
                provider,
                title,
                description,
                environments: [env_a, env_b],
                input,
                input_description,
                example,
                param,
                grant_description,
                scope,
                scope_description,
                field,
                field_description,
            },
        )
}

/// `text` as a YAML double-quoted scalar: `"` and `\` escaped, and every character that is
/// not printable in YAML (YAML 1.2 §5.1) or that validation refuses raw in a file (bidi and
/// control characters) written as an escape, so the value holds it and the file does not.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || tokenspec::diagnostic::is_bidi_control(c)
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
                || (c as u32) >= 0xFFFE && (c as u32) <= 0xFFFF =>
            {
                out.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn spec_text(c: &Case) -> String {
    let [env_a, env_b] = &c.environments;
    format!(
        "spec_version: 1
name: {provider}
title: {title}
description: {description}
docs: https://example.com/docs/token
default_environment: {env_a}
environments:
  {env_a}:
    token_url: https://auth.example.com/oauth/token
  {env_b}:
    token_url: https://sandbox.example.com/oauth/token
inputs:
  {input}:
    description: {input_description}
    required: false
    example: {example}
  client_id:
    description: The client ID.
  client_secret:
    description: The client secret.
    secret: true
credentials:
  preferred: basic
  accepted:
    basic:
      user: client_id
      password: client_secret
request:
  body: form
grants:
  client_credentials:
    description: {grant_description}
    params:
      {param}:
        input: {input}
scopes:
  known:
    {scope}: {scope_description}
response:
  fields:
    access_token:
      type: secret
      required: true
      description: The access token.
    {field}:
      type: string
      description: {field_description}
errors:
  format: oauth2
",
        provider = quoted(&c.provider),
        title = quoted(&c.title),
        description = quoted(&c.description),
        env_a = quoted(env_a),
        env_b = quoted(env_b),
        input = quoted(&c.input),
        input_description = quoted(&c.input_description),
        example = quoted(&c.example),
        param = quoted(&c.param),
        grant_description = quoted(&c.grant_description),
        scope = quoted(&c.scope),
        scope_description = quoted(&c.scope_description),
        field = quoted(&c.field),
        field_description = quoted(&c.field_description),
    )
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A generated crate's manifest made standalone: the workspace-inherited keys spelled out,
/// the runtime a path dependency, warnings denied. `workspace` is the `[workspace]` table the
/// root manifest gets (none for the member crates).
fn standalone_manifest(generated: &str, workspace_table: Option<&str>) -> String {
    let runtime = workspace().join("runtime");
    let mut out = String::new();
    for line in generated.lines() {
        let line = match line.trim() {
            "version.workspace = true" => "version = \"0.0.0\"".to_owned(),
            "edition.workspace = true" => "edition = \"2024\"".to_owned(),
            "license.workspace = true" | "rust-version.workspace = true" => continue,
            "tokenspec-runtime.workspace = true" => format!(
                "tokenspec-runtime = {{ path = {:?} }}",
                runtime.display().to_string()
            ),
            "serde.workspace = true" => {
                "serde = { version = \"1\", features = [\"derive\"] }".to_owned()
            }
            other if other.contains(".workspace = true") => {
                panic!("the generated manifest inherits `{other}`: teach this test its value")
            }
            _ => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    // Warnings denied for these crates only (a `RUSTFLAGS=-Dwarnings` would rebuild every
    // dependency in another configuration than the workspace's, minutes on a fresh machine).
    out.push_str("\n[lints.rust]\nwarnings = \"deny\"\n");
    if let Some(table) = workspace_table {
        out.push('\n');
        out.push_str(table);
    }
    out
}

#[test]
fn every_random_spec_that_validates_generates_code_that_compiles() {
    let cases = env_number("TOKENSPEC_PROPERTY_CASES", 24) as usize;
    let seed = env_number("TOKENSPEC_PROPERTY_SEED", 0x70C3_5EC0);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
    );
    let strategy = case();

    let arena = tokenspec::Bump::new();
    let mut providers = Vec::new();
    let mut names = std::collections::BTreeSet::new();
    let mut refused = Vec::new();
    for _ in 0..cases {
        let case = strategy.new_tree(&mut runner).expect("a case").current();
        let text = spec_text(&case);
        let source = Source::new(format!("specs/{}.yaml", case.provider), text.clone());
        match tokenspec::validate_sources(&arena, vec![source]) {
            Ok(mut valid) => {
                let provider = valid.remove(0);
                // One crate holds them all: a second provider of the same name is left out.
                if names.insert(provider.name) {
                    providers.push(provider);
                }
            }
            Err(tokenspec::Error::Specs(d)) => {
                assert!(!d.is_empty());
                let _ = d.render(false);
                refused.push(d.items[0].message.clone());
            }
            Err(e) => panic!("neither valid nor diagnosed: {e}\n{text}"),
        }
    }
    eprintln!(
        "{} of {cases} random specs validated; first refusals: {:?}",
        providers.len(),
        &refused[..refused.len().min(5)]
    );
    // Hostile text is meant to be accepted and made inert, not refused wholesale: most names
    // in `NAMES` and all text can be valid.
    assert!(
        providers.len() * 4 >= cases,
        "only {} of {cases} cases validated; refusals: {refused:#?}",
        providers.len()
    );

    let tree = tokenspec::generate_tree(&providers).expect("valid specs emit");
    // The registry crate at the root and one typed-client crate per provider: every one of
    // them a member of the scratch workspace, so `cargo check --workspace` compiles the typed
    // modules too, not only the registry's data.
    let members: Vec<String> = tree
        .keys()
        .filter(|rel| rel.file_name().is_some_and(|f| f == "Cargo.toml"))
        .filter_map(|rel| rel.parent())
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| format!("{:?}", dir.display().to_string()))
        .collect();
    assert_eq!(
        members.len(),
        providers.len(),
        "one crate per provider besides the registry: {members:?}"
    );
    let workspace_table = format!("[workspace]\nmembers = [{}]\n", members.join(", "));
    let dir = tempfile::tempdir().expect("tempdir");
    for (rel, text) in &tree {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        let text = if rel == Path::new("Cargo.toml") {
            standalone_manifest(text, Some(&workspace_table))
        } else if rel.ends_with("Cargo.toml") {
            standalone_manifest(text, None)
        } else {
            text.clone()
        };
        std::fs::write(&path, text).expect("write");
    }
    // The workspace's lock file: the same dependency versions, no resolution from scratch.
    std::fs::copy(
        workspace().join("Cargo.lock"),
        dir.path().join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");
    let output = Command::new(env!("CARGO"))
        .current_dir(dir.path())
        .args(["check", "--quiet", "--workspace", "--all-targets"])
        // The workspace's target folder (the parent of this test's), so the runtime and its
        // dependencies built for the workspace are reused.
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .parent()
                .expect("the target folder"),
        )
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    if !output.status.success() {
        // Keep the crate for a look.
        let kept = dir.keep();
        panic!(
            "the generated crate of {} valid specs does not compile (kept in {}):\n{}",
            providers.len(),
            kept.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
