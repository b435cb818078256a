//! Names that are Rust keywords still work: a spec whose environments, inputs, response,
//! error and claim fields are all keywords generates a module that compiles (warnings denied)
//! and uses raw identifiers (`r#type`), while the wire keeps the spec's names. Inputs named
//! like the builder's methods (`build`, `environment`) are plain inputs too. Provider names
//! that are keywords (`box`: `pub mod r#box;` and a registry key `box`) need the whole crate
//! around them: `tests/names.rs` builds one.
//!
//! The module generated from `fixtures/keywords.yaml` is committed as
//! `fixtures/keywords_generated.rs` and compiled right here; the first test keeps it fresh
//! (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test keywords` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/keywords_generated.rs"]
mod keywords;

mod common;

use std::path::Path;
use tokenspec_runtime::__private::http;

fn generate() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = tokenspec::load::read_file(&dir.join("keywords.yaml")).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("keywords are valid names");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("keywords_generated.rs", generate());
}

fn inputs() -> keywords::Inputs {
    keywords::Inputs {
        r#async: "acme".into(),
        r#fn: "tenant".into(),
        r#type: "client-id".into(),
        r#static: "client-secret".into(),
        r#loop: "https://app.example/callback".into(),
        build: "b-42".into(),
    }
}

fn client() -> keywords::Client {
    keywords::Client::builder(inputs())
        .input(keywords::OptionalInput::Ref, "read write")
        .input(keywords::OptionalInput::Environment, "blue")
        .environment(keywords::Environment::Match)
        .build()
        .expect("a DNS label, one segment, every input set")
}

/// RFC 7636 appendix B: a verifier the runtime accepts (43 to 128 unreserved characters).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[test]
fn keyword_inputs_and_environments_are_raw_identifiers() {
    let client = client();
    let request = client
        .exchange_code("the-code", Some(VERIFIER))
        .request()
        .expect("builds");
    assert_eq!(
        request.uri().to_string(),
        "https://acme.example.net/tenant/token"
    );
    let body = String::from_utf8(request.body().clone()).expect("utf-8");
    assert!(body.contains("code=the-code"), "{body}");
    assert!(
        body.contains(&format!("code_verifier={VERIFIER}")),
        "{body}"
    );
    let url = client.authorize_url("xyz").expect("authorize URL");
    assert!(url.as_str().contains("client_id=client-id"), "{url}");
    assert!(url.as_str().contains("state=xyz"), "{url}");
    let secret = tokenspec_runtime::Secret::new("r".to_owned());
    let refresh = client.refresh(&secret).request().expect("builds");
    let body = String::from_utf8(refresh.body().clone()).expect("utf-8");
    assert!(body.contains("refresh_token=r"), "{body}");
    for (variant, name) in [
        (keywords::Environment::Type, "type"),
        (keywords::Environment::Match, "match"),
    ] {
        let index = tokenspec_runtime::Environment::index(variant);
        assert_eq!(keywords::PROVIDER.environments[index].name, name);
    }
    assert_eq!(
        keywords::Environment::default(),
        keywords::Environment::Type
    );
}

/// Inputs named like the builder's own methods: `build` is a field of `Inputs`, `environment` a
/// variant of `OptionalInput`; the builder's `build` and `environment` still do their own work
/// beside them, and each input's value reaches the wire under its parameter.
#[test]
fn inputs_named_like_builder_methods_are_plain_inputs() {
    let request = client()
        .exchange_code("the-code", Some(VERIFIER))
        .request()
        .expect("builds");
    let body = String::from_utf8(request.body().clone()).expect("utf-8");
    assert!(body.contains("&build=b-42"), "{body}");
    let refresh = client()
        .refresh(&tokenspec_runtime::Secret::new("r".to_owned()))
        .request()
        .expect("builds");
    let body = String::from_utf8(refresh.body().clone()).expect("utf-8");
    assert!(body.contains("&environment=blue"), "{body}");
    // The optional `environment` input is optional: left out, the parameter is not sent.
    let without = keywords::Client::builder(inputs()).build().expect("client");
    let refresh = without
        .refresh(&tokenspec_runtime::Secret::new("r".to_owned()))
        .request()
        .expect("builds");
    let body = String::from_utf8(refresh.body().clone()).expect("utf-8");
    assert!(!body.contains("environment"), "{body}");
    assert_eq!(
        refresh.uri().to_string(),
        "https://acme.example.com/tenant/token",
        "the builder's environment() was not called: the default environment"
    );
    // `build` checks the input `build` like any other.
    let error = keywords::Client::builder(keywords::Inputs {
        build: String::new(),
        ..inputs()
    })
    .build()
    .expect_err("empty");
    match error {
        keywords::Error::InvalidInput(e) => assert_eq!(e.input, "build"),
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

#[test]
fn keyword_fields_keep_their_wire_names() {
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(
            br#"{"access_token":"t","type":"bearer-ish","match":7,"loop":"a b","data":{"struct":60}}"#
                .to_vec(),
        )
        .expect("response");
    let token = client().parse_response(&response).expect("a token");
    assert_eq!(token.r#type, "bearer-ish");
    assert_eq!(token.r#match, Some(7));
    assert_eq!(token.r#loop, Some(vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(token.r#struct, Some(std::time::Duration::from_secs(60)));
    assert!(!token.r#try, "the default applies");

    let error = http::Response::builder()
        .status(400)
        .header("content-type", "application/json")
        .body(br#"{"fn":"bad","where":{"at":"here"}}"#.to_vec())
        .expect("response");
    match client().parse_response(&error) {
        Err(keywords::Error::Provider(e)) => {
            assert_eq!(e.body.r#fn, "bad");
            assert!(e.body.r#where.is_some());
        }
        other => panic!("expected the provider's error body, got {other:?}"),
    }
}

#[test]
fn keyword_claims_are_raw_identifiers() {
    let claims = keywords::Claims {
        r#enum: "e".into(),
        r#impl: Some(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1)),
        r#dyn: None,
        r#abstract: None,
        self_claim: Some("me".into()),
    };
    assert_eq!(claims.r#enum, "e");
    assert_eq!(claims.self_claim.as_deref(), Some("me"));
}
