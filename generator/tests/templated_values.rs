//! Templated values, headers and JSON values (`fixtures/templated_values.yaml`, spec format
//! 1.2): two credential headers at once (`headers:`, one a template `Bearer {api_key}`), a
//! header on every request (`request.headers`), and a JSON body whose values are templates
//! (`{client_id}:{account}`) or JSON numbers, booleans and objects as written. The generated
//! module is compiled here with warnings denied; the request it builds is checked to the byte.
//!
//! The module is committed as `fixtures/templated_values_generated.rs`; the first test keeps
//! it fresh (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test templated_values` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/templated_values_generated.rs"]
mod templated_values;

mod common;

use std::path::{Path, PathBuf};
use tokenspec::diff::Class;
use tokenspec::model::{ParamSource, Placement, TemplatePart};
use tokenspec_runtime::serde_json::{self, json};
use tokenspec_runtime::{Error, Secret, http};

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templated_values.yaml")
}

fn fixture_text() -> String {
    std::fs::read_to_string(fixture_path()).expect("the fixture")
}

fn generate() -> String {
    let source = tokenspec::load::read_file(&fixture_path()).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("templated_values_generated.rs", generate());
}

#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(
        &["### 8.1 Parameters", "#### Templates and JSON values"],
        "templated_values",
    );
}

const API_KEY: &str = "tv-api-key-0123456789";
const APP_KEY: &str = "tv-app-key-9876543210";

fn client(account: &str) -> templated_values::ClientBuilder {
    templated_values::Client::builder(templated_values::Inputs {
        app_key: Secret::new(APP_KEY),
        api_key: Secret::new(API_KEY),
        client_id: "app-41c2".into(),
        account: account.into(),
        instance: "acme.vendor.example".into(),
    })
}

#[test]
fn the_request_carries_both_key_headers_the_version_header_and_typed_json() {
    let client = client("acct-9000").build().expect("client");
    let request = client.fetch_token().request().expect("request");
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri().to_string(),
        "https://api.vendor.example/v2/auth/token"
    );
    let headers = request.headers();
    assert_eq!(headers["x-app-key"], APP_KEY);
    assert_eq!(
        headers["authorization"],
        format!("Bearer {API_KEY}").as_str()
    );
    assert_eq!(headers["x-api-version"], "2");
    assert_eq!(headers["content-type"], "application/json");
    // Credential headers are sensitive; the fixed version header is not.
    assert!(headers["x-app-key"].is_sensitive() && headers["authorization"].is_sensitive());
    assert!(!headers["x-api-version"].is_sensitive());
    // An optional input unset: the header built from it alone is left out.
    assert!(headers.get("x-region").is_none());
    let body: serde_json::Value = serde_json::from_slice(request.body()).expect("JSON");
    assert_eq!(
        body,
        json!({
            "grant_type": "client_credentials",
            "subject": "app-41c2:acct-9000",
            "audience": "https://acme.vendor.example/api",
            "lifetime": 3600,
            "offline": true,
            "options": {"scopes": ["read", "write"], "limits": {"rate": 10, "burst": 2.5}},
            "literal": "{acct-9000}",
        })
    );
}

#[test]
fn a_template_value_is_json_escaped_as_a_whole() {
    // A quote and a backslash in an input stay inside the JSON string.
    let client = client("a\"b\\c").build().expect("client");
    let request = client.fetch_token().request().expect("request");
    let body: serde_json::Value = serde_json::from_slice(request.body()).expect("JSON");
    assert_eq!(body["subject"], "app-41c2:a\"b\\c");
    assert_eq!(body["literal"], "{a\"b\\c}");
}

#[test]
fn an_optional_input_in_a_header_template_is_sent_when_set() {
    let client = client("acct-9000")
        .input(templated_values::OptionalInput::Region, "eu")
        .build()
        .expect("client");
    let request = client.fetch_token().request().expect("request");
    assert_eq!(request.headers()["x-region"], "region=eu");
}

#[test]
fn debug_output_of_the_request_never_shows_a_key() {
    let client = client("acct-9000").build().expect("client");
    let request = client.fetch_token().request().expect("request");
    let debug = format!("{:?}", request.headers());
    assert!(
        !debug.contains(API_KEY) && !debug.contains(APP_KEY),
        "{debug}"
    );
    let debug = format!("{client:?}");
    assert!(
        !debug.contains(API_KEY) && !debug.contains(APP_KEY),
        "{debug}"
    );
}

#[test]
fn a_key_that_would_break_a_header_is_refused_naming_the_input() {
    let built = templated_values::Client::builder(templated_values::Inputs {
        app_key: Secret::new(APP_KEY),
        api_key: Secret::new("key\r\nX-Injected: yes"),
        client_id: "app-41c2".into(),
        account: "acct-9000".into(),
        instance: "acme.vendor.example".into(),
    })
    .build();
    let error = match built {
        Err(e) => e,
        Ok(client) => client.fetch_token().request().expect_err("refused"),
    };
    let Error::InvalidInput(invalid) = &error else {
        panic!("{error}");
    };
    assert_eq!(invalid.input, "api_key");
    assert!(!error.to_string().contains("X-Injected"));
}

#[test]
fn the_model_holds_templates_json_and_headers() {
    let source = tokenspec::load::read_file(&fixture_path()).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(&arena, vec![source]).expect("valid");
    let p = &providers[0];
    let Some(Placement::Headers(headers)) = p.credentials.preferred() else {
        panic!("{:?}", p.credentials);
    };
    assert_eq!(headers.len(), 2);
    assert_eq!(
        headers[1].source,
        ParamSource::Template(&[
            TemplatePart::Text("Bearer "),
            TemplatePart::Input("api_key")
        ])
    );
    assert_eq!(
        p.placement_of("api_key").as_deref(),
        Some("header:Authorization")
    );
    assert_eq!(p.placement_of("region").as_deref(), Some("header:X-Region"));
    assert_eq!(p.placement_of("account").as_deref(), Some("body"));
    let params = p.grants[0].params;
    assert_eq!(params[2].source, ParamSource::Json("3600"));
    assert_eq!(params[3].source, ParamSource::Json("true"));
}

/// The fixture with `from` replaced by `to`: its diagnostics, as text.
fn diagnostics_with(from: &str, to: &str) -> String {
    let text = fixture_text();
    assert!(text.contains(from), "the fixture has {from:?}");
    let text = text.replacen(from, to, 1);
    let arena = tokenspec::Bump::new();
    let source = tokenspec::load::Source::new("templated_values.yaml", text.as_str());
    match tokenspec::validate_sources(&arena, vec![source]) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn template_mistakes_are_diagnostics_at_their_place() {
    let unknown = diagnostics_with(
        "subject: {template: \"{client_id}:{account}\"}",
        "subject: {template: \"{client_id}:{acount}\"}",
    );
    assert!(
        unknown.contains("uses input `acount`, which is not declared"),
        "{unknown}"
    );
    assert!(unknown.contains("did you mean `account`?"), "{unknown}");
    let unclosed = diagnostics_with("\"Bearer {api_key}\"", "\"Bearer {api_key\"");
    assert!(unclosed.contains("never closed"), "{unclosed}");
    assert!(
        unclosed.contains("{{"),
        "the hint says how to write a brace: {unclosed}"
    );
    let stray = diagnostics_with("\"region={region}\"", "\"region}={region}\"");
    assert!(stray.contains("closes nothing"), "{stray}");
    let no_input = diagnostics_with("\"region={region}\"", "\"region\"");
    assert!(no_input.contains("names no input"), "{no_input}");
    let three = diagnostics_with(
        "subject: {template: \"{client_id}:{account}\"}",
        "subject: {template: \"{client_id}\", value: x}",
    );
    assert!(
        three.contains("exactly one of `value`, `input` and `template`"),
        "{three}"
    );
}

#[test]
fn json_values_go_in_a_json_body_only() {
    let form = diagnostics_with("body: json", "body: form");
    assert!(
        form.contains("parameter `lifetime` has a number as its value, but it goes in a form body"),
        "{form}"
    );
    assert!(form.contains("parameter `options` has a mapping"), "{form}");
    let header = diagnostics_with("X-Api-Version: {value: \"2\"}", "X-Api-Version: {value: 2}");
    assert!(header.contains("it goes in a header"), "{header}");
    // Before spec format 1.2 a number was its text, as it always was; a mapping needs 1.2.
    let older = diagnostics_with("spec_version: 1.2", "spec_version: 1.1");
    assert!(
        older.contains("`options` has a mapping as its value"),
        "{older}"
    );
    assert!(!older.contains("`lifetime`"), "{older}");
}

#[test]
fn header_mistakes_are_refused() {
    let framing = diagnostics_with("X-Api-Version:", "Content-Length:");
    assert!(
        framing.contains("header `Content-Length` cannot be set by a spec"),
        "{framing}"
    );
    let hop = diagnostics_with("X-Api-Version:", "Connection:");
    assert!(hop.contains("hop-by-hop"), "{hop}");
    let name = diagnostics_with("X-Api-Version:", "X Api Version:");
    assert!(name.contains("is not an HTTP header name"), "{name}");
    let twice = diagnostics_with("X-Region:", "x-api-version:");
    assert!(twice.contains("given twice"), "{twice}");
    let line_break = diagnostics_with("{value: \"2\"}", "{value: \"2\\r\\nX-Evil: 1\"}");
    assert!(
        line_break.contains("which an HTTP header value cannot"),
        "{line_break}"
    );
    let clash = diagnostics_with("X-Api-Version:", "X-App-Key:");
    assert!(
        clash.contains("also sent by the headers credentials"),
        "{clash}"
    );
    let public = diagnostics_with(
        "Authorization: {template: \"Bearer {api_key}\"}",
        "X-Client: {input: client_id}",
    );
    assert!(
        public.contains("sends no secret input") || public.contains("never sent"),
        "{public}"
    );
}

fn diff(from: &str, to: &str) -> Vec<(Class, String)> {
    let arena = tokenspec::Bump::new();
    let text = fixture_text();
    let old = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "templated_values.yaml",
            text.as_str(),
        )],
    )
    .expect("valid");
    let changed = text.replacen(from, to, 1);
    let new = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "templated_values.yaml",
            changed.as_str(),
        )],
    )
    .expect("the change is valid");
    tokenspec::diff::diff(&old, &new)
        .into_iter()
        .map(|c| (c.class, format!("{}: {}", c.what, c.why)))
        .collect()
}

#[test]
fn diff_classes_template_and_header_changes() {
    let changed = diff(
        "subject: {template: \"{client_id}:{account}\"}",
        "subject: {template: \"{account}/{client_id}\"}",
    );
    assert!(
        changed
            .iter()
            .any(|(class, what)| *class == Class::Breaking && what.contains("subject")),
        "{changed:?}"
    );
    let header = diff("{value: \"2\"}", "{value: \"3\"}");
    assert!(
        header
            .iter()
            .any(|(class, what)| *class == Class::Breaking && what.contains("X-Api-Version")),
        "{header:?}"
    );
    let added = diff(
        "    X-Region: {template: \"region={region}\"}\n",
        "    X-Region: {template: \"region={region}\"}\n    X-Trace: {template: \"t-{region}\"}\n",
    );
    assert!(
        added
            .iter()
            .any(|(class, what)| *class == Class::Compatible && what.contains("X-Trace")),
        "{added:?}"
    );
    let json = diff("{value: 3600}", "{value: 7200}");
    assert!(
        json.iter()
            .any(|(class, what)| *class == Class::Breaking && what.contains("lifetime")),
        "{json:?}"
    );
}

/// The first YAML block of docs/spec-format.md after `heading`.
fn documented_snippet(heading: &str) -> String {
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/spec-format.md"),
    )
    .expect("the docs");
    let (_, rest) = docs
        .split_once(heading)
        .unwrap_or_else(|| panic!("docs/spec-format.md has {heading:?}"));
    let (_, rest) = rest.split_once("```yaml\n").expect("a YAML block");
    let (block, _) = rest.split_once("```").expect("a closed block");
    block.to_owned()
}

#[test]
fn the_documented_header_snippets_are_parts_of_the_fixture() {
    // §6.9 and §7.2 show pieces of the fixture: each piece is in it as written, key order
    // included (besides the first line, a top-level key, the fixture may have more keys).
    let fixture = fixture_text();
    for heading in [
        "### 6.9 Several headers at once",
        "### 7.2 Headers on every request",
    ] {
        let snippet = documented_snippet(heading);
        let mut lines = snippet.lines();
        let top = lines.next().expect("a first line");
        let (_, after) = fixture
            .split_once(&format!("\n{top}\n"))
            .unwrap_or_else(|| panic!("{heading}: the fixture has `{top}`"));
        for line in lines {
            assert!(
                after.lines().any(|l| l == line),
                "{heading}: the fixture's `{top}` has {line:?}"
            );
        }
    }
}
