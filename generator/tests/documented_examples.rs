//! Documented examples (spec format 1.1): the worked example of docs/spec-format.md, section
//! "11.4 Documented examples", validates, and the diagnostic the section shows for an ISO date
//! in a `seconds` field is the one `validate` prints; the five seed specs' examples pass.

use std::path::{Path, PathBuf};
use tokenspec::load::Source;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The section's first yaml block and its text block (the diagnostic).
fn section() -> (String, String) {
    let docs = std::fs::read_to_string(root().join("docs/spec-format.md")).expect("the docs");
    let (_, section) = docs
        .split_once("### 11.4 Documented examples (spec format 1.1)")
        .expect("the section");
    let block = |fence: &str| {
        let (_, rest) = section.split_once(fence).expect("a code block");
        let (body, _) = rest.split_once("```\n").expect("a closed block");
        body.to_owned()
    };
    (block("```yaml\n"), block("```text\n"))
}

fn validate(text: &str) -> Result<usize, String> {
    let source = Source::new("specs/documented.yaml", text.to_owned());
    match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source]) {
        Ok(providers) => Ok(providers.len()),
        Err(tokenspec::Error::Specs(d)) => Err(d.render(false)),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn the_worked_example_validates() {
    let (yaml, _) = section();
    assert!(yaml.contains("  example: |\n"), "a JSON-text example");
    assert!(
        yaml.contains("  example:\n    status: 401"),
        "a mapping example"
    );
    assert_eq!(validate(&yaml), Ok(1));
}

#[test]
fn the_documented_diagnostic_is_what_validate_prints() {
    let (yaml, expected) = section();
    let broken = yaml.replace(
        r#""expires_in": 3600,"#,
        r#""expires_in": "2026-11-29T15:00:00Z","#,
    );
    assert_ne!(broken, yaml, "the example has the line the section changes");
    let rendered = validate(&broken).expect_err("an ISO date is not seconds");
    assert!(
        rendered.starts_with(&expected),
        "docs show:\n{expected}\nvalidate prints:\n{rendered}"
    );
}

#[test]
fn a_missing_nested_required_field_is_named() {
    let (yaml, _) = section();
    let broken = yaml.replace(
        "      from: data.accountId\n",
        "      from: data.accountId\n      required: true\n",
    );
    let broken = broken.replace(r#""data": {"accountId": 1234}"#, r#""data": {}"#);
    let rendered = validate(&broken).expect_err("data.accountId is missing");
    assert!(
        rendered.contains("required field `data.accountId` is missing"),
        "{rendered}"
    );
    assert!(
        rendered.contains("`account_id`"),
        "the hint names the field: {rendered}"
    );
}

#[test]
fn every_seed_spec_carries_a_documented_example_that_validates() {
    let mut sources = Vec::new();
    for name in [
        "approvalmax",
        "brainysoft",
        "learnlink",
        "smartdocumentor",
        "smartway",
    ] {
        let path = root().join(format!("specs/{name}.yaml"));
        let source = tokenspec::load::read_file(&path).expect("readable");
        assert!(
            source.text.contains("\n  example:"),
            "{name} carries its document's example"
        );
        sources.push(source);
    }
    let providers = tokenspec::validate_sources(&tokenspec::Bump::new(), sources)
        .map(|p| p.len())
        .map_err(|e| e.to_string());
    assert_eq!(providers, Ok(5));
}
