//! A spec whose strings try to break out of literals and comments generates code that
//! compiles (warnings denied) and carries those strings as inert text.
//!
//! The module generated from `fixtures/evil.yaml` is committed as
//! `fixtures/evil_generated.rs` and compiled right here; the first test keeps it fresh
//! (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test injection` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/evil_generated.rs"]
mod evil;

mod common;

use std::path::Path;

const BREAKOUT: &str = "\"); std::process::exit(1); (\"";

fn generate() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = tokenspec::load::read_file(&dir.join("evil.yaml")).expect("fixture readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("evil_generated.rs", generate());
}

#[test]
fn strings_stay_strings() {
    assert_eq!(evil::PROVIDER.title, format!("Evil {BREAKOUT}"));
    assert!(evil::PROVIDER.description.starts_with("*/ } fn main()"));
    assert!(evil::PROVIDER.description.contains('\0'));
    assert_eq!(evil::PROVIDER.inputs[0].description, BREAKOUT);
    assert_eq!(
        evil::PROVIDER.grants[0].params[0].name,
        format!("x{BREAKOUT}")
    );
    assert_eq!(
        evil::PROVIDER.claims[0].wire,
        [format!("https://evil.example/{BREAKOUT}").as_str()]
    );
    let source = generate();
    assert!(
        !source.contains("\nstd::process::exit"),
        "never a statement"
    );
}

#[test]
fn keywords_become_raw_identifiers() {
    let body = evil::ErrorBody { r#type: "t".into() };
    assert_eq!(body.r#type, "t");
    let claims = evil::Claims { r#match: None };
    assert!(claims.r#match.is_none());
}

#[test]
fn the_breakout_prefix_is_sent_as_data() {
    let client = evil::Client::builder(evil::Inputs {
        tenant: "acme".into(),
        path_var: "p".into(),
        api_key: "k".into(),
    })
    .build()
    .expect("a DNS label and one segment, both matching their patterns");
    let request = client.fetch_token().request().expect("builds");
    let header = request.headers().get("x-evil").expect("credential header");
    assert_eq!(header.to_str().expect("ascii"), format!("{BREAKOUT}k"));
    // Spec format 1.2: a template's text is data too, in a header and in the body.
    let header = request.headers().get("x-breakout").expect("request header");
    assert_eq!(header.to_str().expect("ascii"), format!("{BREAKOUT} k */"));
    let body: Vec<(String, String)> = url::form_urlencoded::parse(request.body())
        .into_owned()
        .collect();
    assert!(
        body.contains(&("y".to_owned(), format!("*/ p /* {{{BREAKOUT}}}"))),
        "{body:?}"
    );
}

#[test]
fn template_text_stays_in_literals() {
    use tokenspec_runtime::{ParamSource, TemplatePart};
    assert_eq!(
        evil::PROVIDER.headers[0].source,
        ParamSource::Template(&[
            TemplatePart::Text("\"); std::process::exit(1); (\" "),
            TemplatePart::Input("api_key"),
            TemplatePart::Text(" */"),
        ])
    );
    assert_eq!(
        evil::PROVIDER.grants[0].params[1].source,
        ParamSource::Template(&[
            TemplatePart::Text("*/ "),
            TemplatePart::Input("path_var"),
            TemplatePart::Text(" /* {\"); std::process::exit(1); (\"}"),
        ])
    );
}
