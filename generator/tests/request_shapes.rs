//! Request shapes and a grant's own request (spec format 1.2, docs/spec-format.md "A grant's
//! own request" and "Request method and parameter place"): two fixtures, their generated
//! modules compiled here with warnings denied, and the requests they build.
//!
//! - `fixtures/refresh_elsewhere.yaml`: the client credentials grant posts its credentials in
//!   a form body (RFC 6749 §2.3.1) to the environment's token URL, while the refresh token
//!   grant (§6) goes to its own URL in each environment, with HTTP Basic and a JSON body,
//!   whatever placement the caller picked for the client;
//! - `fixtures/get_token.yaml`: a token request by GET (RFC 9110 §9.3.1): `grant_type` and
//!   every parameter in the query string, no body, and the API key as the password of an empty
//!   HTTP Basic user name (RFC 7617 §2); in the query too when the caller picks the `query`
//!   placement, which the spec accepts.
//!
//! The modules are committed as `fixtures/<name>_generated.rs`; the first test keeps them
//! fresh (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test request_shapes` rewrites them).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/refresh_elsewhere_generated.rs"]
mod refresh_elsewhere;

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/get_token_generated.rs"]
mod get_token;

mod common;

use std::path::{Path, PathBuf};
use tokenspec::diff::Class;
use tokenspec_runtime::Secret;
use tokenspec_runtime::http;

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/{name}.yaml"))
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).expect("the fixture")
}

fn generate(name: &str) -> String {
    let source = tokenspec::load::read_file(&fixture_path(name)).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_modules_are_what_the_generator_emits() {
    common::assert_fixture_fresh(
        "refresh_elsewhere_generated.rs",
        generate("refresh_elsewhere"),
    );
    common::assert_fixture_fresh("get_token_generated.rs", generate("get_token"));
}

const CLIENT_ID: &str = "app-41c2";
const CLIENT_SECRET: &str = "s3cr3t:+/=";
const REFRESH_TOKEN: &str = "refresh-1";
const API_KEY: &str = "key:with/odd+chars";

fn refresh_client(
    environment: refresh_elsewhere::Environment,
    placement: refresh_elsewhere::CredentialPlacement,
) -> refresh_elsewhere::Client {
    refresh_elsewhere::Client::builder(refresh_elsewhere::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
    })
    .environment(environment)
    .credential_placement(placement)
    .build()
    .expect("every required input set")
}

fn header<'r>(request: &'r http::Request<Vec<u8>>, name: &str) -> Option<&'r str> {
    request
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("ASCII header"))
}

/// `Basic base64("app-41c2:s3cr3t%3A%2B%2F%3D")`: the client ID and secret, each form-encoded
/// first (RFC 6749 §2.3.1).
const CLIENT_BASIC: &str = "Basic YXBwLTQxYzI6czNjcjN0JTNBJTJCJTJGJTNE";
/// `Basic base64(":key%3Awith%2Fodd%2Bchars")`: an empty user name (RFC 7617 §2), then the
/// key, form-encoded.
const KEY_BASIC: &str = "Basic OmtleSUzQXdpdGglMkZvZGQlMkJjaGFycw==";

fn form(request: &http::Request<Vec<u8>>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(request.body())
        .into_owned()
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn client_credentials_posts_the_body_credentials_to_the_environments_token_url() {
    let request = refresh_client(
        refresh_elsewhere::Environment::Production,
        refresh_elsewhere::CredentialPlacement::Body,
    )
    .fetch_token()
    .request()
    .expect("request");
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(
        request.uri().to_string(),
        "https://auth.vendor.example/oauth/token"
    );
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(
        header(&request, "content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
    );
}

#[test]
fn refresh_goes_to_its_own_url_with_basic_and_a_json_body_in_each_environment() {
    for (environment, url) in [
        (
            refresh_elsewhere::Environment::Production,
            "https://auth.vendor.example/oauth/refresh",
        ),
        (
            refresh_elsewhere::Environment::Sandbox,
            "https://sandbox.vendor.example/oauth/refresh",
        ),
    ] {
        // The caller's placement is the body; the refresh endpoint takes Basic only, and the
        // spec's word for that grant wins.
        let request = refresh_client(environment, refresh_elsewhere::CredentialPlacement::Body)
            .refresh(REFRESH_TOKEN)
            .request()
            .expect("request");
        assert_eq!(request.method(), http::Method::POST);
        assert_eq!(request.uri().to_string(), url);
        assert_eq!(header(&request, "authorization"), Some(CLIENT_BASIC));
        assert_eq!(header(&request, "content-type"), Some("application/json"));
        let body: serde_json::Value = serde_json::from_slice(request.body()).expect("a JSON body");
        assert_eq!(
            body,
            serde_json::json!({"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN}),
            "no client_secret in the body"
        );
    }
}

#[test]
fn the_callers_placement_still_applies_to_grants_without_their_own() {
    let request = refresh_client(
        refresh_elsewhere::Environment::Production,
        refresh_elsewhere::CredentialPlacement::Basic,
    )
    .fetch_token()
    .request()
    .expect("request");
    assert_eq!(header(&request, "authorization"), Some(CLIENT_BASIC));
    assert_eq!(
        form(&request),
        pairs(&[("grant_type", "client_credentials")])
    );
}

fn get_client(placement: get_token::CredentialPlacement) -> get_token::Client {
    get_token::Client::builder(get_token::Inputs {
        api_key: Secret::new(API_KEY),
    })
    .input(get_token::OptionalInput::Scope, "read write")
    .credential_placement(placement)
    .build()
    .expect("every required input set")
}

#[test]
fn a_get_sends_every_parameter_in_the_query_and_the_key_as_basic_password_alone() {
    let request = get_client(get_token::CredentialPlacement::Basic)
        .fetch_token()
        .request()
        .expect("request");
    assert_eq!(request.method(), http::Method::GET);
    // RFC 9110 §9.3.1: no body, so no Content-Type either.
    assert!(request.body().is_empty());
    assert_eq!(header(&request, "content-type"), None);
    // RFC 7617 §2: an empty user-id, then the key.
    assert_eq!(header(&request, "authorization"), Some(KEY_BASIC));
    insta::assert_snapshot!(
        request.uri().to_string(),
        @"https://api.vendor.example/oauth/token?grant_type=client_credentials&scope=read+write&format=json"
    );
}

#[test]
fn a_get_with_the_query_placement_puts_the_key_in_the_url_as_the_spec_accepts() {
    let request = get_client(get_token::CredentialPlacement::Query)
        .fetch_token()
        .request()
        .expect("request");
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(header(&request, "authorization"), None);
    assert!(request.body().is_empty());
    let query: Vec<(String, String)> =
        url::form_urlencoded::parse(request.uri().query().unwrap_or("").as_bytes())
            .into_owned()
            .collect();
    assert_eq!(
        query,
        pairs(&[
            ("grant_type", "client_credentials"),
            ("scope", "read write"),
            ("format", "json"),
            ("api_key", API_KEY),
        ])
    );
}

/// The classes `tokenspec diff` gives to changes of `file`.
fn diff(file: &str, old: &str, new: &str) -> Vec<tokenspec::diff::Change> {
    let arena = tokenspec::Bump::new();
    let load = |text: &str| {
        tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new(format!("{file}.yaml"), text)],
        )
        .unwrap_or_else(|e| panic!("valid:\n{e}"))
    };
    let (a, b) = (load(old), load(new));
    tokenspec::diff::diff(&a, &b)
}

fn summary(changes: &[tokenspec::diff::Change]) -> Vec<(Class, &str)> {
    changes.iter().map(|c| (c.class, c.what.as_str())).collect()
}

#[test]
fn a_grants_own_url_credentials_and_body_are_wire_changes() {
    let old = fixture_text("refresh_elsewhere");
    let moved = old.replace(
        "production: https://auth.vendor.example/oauth/refresh",
        "production: https://auth.vendor.example/oauth/token/refresh",
    );
    assert_eq!(
        summary(&diff("refresh_elsewhere", &old, &moved)),
        [(
            Class::Breaking,
            "token_url of grant `refresh_token` in `production`: `https://auth.vendor.example/oauth/refresh` → `https://auth.vendor.example/oauth/token/refresh`"
        )]
    );
    let unpinned = old.replace("    credentials: basic\n", "");
    assert_eq!(
        summary(&diff("refresh_elsewhere", &old, &unpinned)),
        [(
            Class::Breaking,
            "credentials of grant `refresh_token` basic → the client's placement"
        )]
    );
    let form = old.replace("    body: json\n", "");
    assert_eq!(
        summary(&diff("refresh_elsewhere", &old, &form)),
        [(
            Class::Breaking,
            "request body of grant `refresh_token` json → form"
        )]
    );
}

#[test]
fn the_request_method_is_a_wire_change() {
    let old = fixture_text("get_token");
    let post = old.replace("  method: get\n", "  method: post\n");
    // A POST sends its parameters in the body: each parameter moves too.
    assert_eq!(
        summary(&diff("get_token", &old, &post)),
        [
            (Class::Breaking, "request method get → post"),
            (Class::Breaking, "request params_in query → body"),
            (
                Class::Breaking,
                "parameter `scope` of `client_credentials` moves from the query to the body"
            ),
            (
                Class::Breaking,
                "parameter `format` of `client_credentials` moves from the query to the body"
            ),
        ]
    );
    // The same POST with its parameters in the query string is the same request but for
    // the method.
    let query = post.replace("  method: post\n", "  params_in: query\n");
    assert_eq!(
        summary(&diff("get_token", &old, &query)),
        [(Class::Breaking, "request method get → post")]
    );
}

/// The worked examples of docs/spec-format.md validate and are these fixtures.
#[test]
fn the_documented_examples_are_the_fixtures() {
    common::assert_documented_example_is_fixture(
        &["### 8.9 A grant's own request", "The worked example"],
        "refresh_elsewhere",
    );
    common::assert_documented_example_is_fixture(
        &["### 7.1 Method and parameter place", "The worked example"],
        "get_token",
    );
}

/// PROVIDERS.md says how a grant's request differs from the provider's.
#[test]
fn providers_md_says_how_each_grant_is_sent() {
    let arena = tokenspec::Bump::new();
    let sources = vec![
        tokenspec::load::read_file(&fixture_path("refresh_elsewhere")).expect("readable"),
        tokenspec::load::read_file(&fixture_path("get_token")).expect("readable"),
    ];
    let providers = tokenspec::validate_sources(&arena, sources).expect("valid");
    let markdown = tokenspec::emit::docs::providers_md(&providers).expect("renders");
    let row = |name: &str| {
        markdown
            .lines()
            .find(|l| l.contains(&format!("[`{name}`]")))
            .unwrap_or_else(|| panic!("a row for {name}:\n{markdown}"))
            .to_owned()
    };
    assert!(
        row("refresh_elsewhere").contains(
            "`client_credentials`, `refresh_token` (own token URL, credentials HTTP Basic, JSON body)"
        ),
        "{}",
        row("refresh_elsewhere")
    );
    assert!(
        row("get_token").contains("`client_credentials` (by GET)"),
        "{}",
        row("get_token")
    );
}

/// The refresh fixture with headers of the refresh grant's own (spec format 1.2, §8.9).
fn with_grant_headers(headers: &str) -> String {
    let text = fixture_text("refresh_elsewhere");
    let anchor = "    credentials: basic\n    body: json\n";
    assert!(text.contains(anchor), "the fixture's refresh grant moved");
    text.replace(anchor, &format!("{anchor}    headers:\n{headers}"))
}

#[test]
fn a_grants_own_headers_are_lowered_checked_and_a_wire_change() {
    use tokenspec_runtime::spec::{GrantKind, ParamSource};
    let text = with_grant_headers(
        "      X-Refresh-Client: {input: client_id}\n      X-Api-Version: {value: \"2\"}\n",
    );
    let arena = tokenspec::Bump::new();
    let source = tokenspec::load::Source::new("refresh_elsewhere.yaml", text.as_str());
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).unwrap_or_else(|e| panic!("{e}"));
    let spec = &providers[0];
    let refresh = spec.grant(GrantKind::RefreshToken).expect("refresh grant");
    let headers: Vec<_> = refresh
        .overrides
        .headers
        .iter()
        .map(|h| (h.name, h.source))
        .collect();
    assert_eq!(
        headers,
        [
            ("X-Refresh-Client", ParamSource::Input("client_id")),
            ("X-Api-Version", ParamSource::Fixed("2")),
        ]
    );
    // The other grant sends none of them.
    let cc = spec.grant(GrantKind::ClientCredentials).expect("cc grant");
    assert!(cc.overrides.headers.is_empty());

    // Adding one is a change on the wire.
    let changes = diff(
        "refresh_elsewhere",
        &fixture_text("refresh_elsewhere"),
        &text,
    );
    assert!(
        changes
            .iter()
            .any(|c| c.class == Class::Breaking
                && c.what == "headers of grant `refresh_token` changed"),
        "{changes:#?}"
    );

    // A grant header the grant's Basic credentials send, or a framing header, is refused at
    // its place.
    let clash = with_grant_headers("      Authorization: {value: \"Bearer x\"}\n");
    let source = tokenspec::load::Source::new("refresh_elsewhere.yaml", clash.as_str());
    let Err(error) = tokenspec::validate_sources(&arena, vec![source]) else {
        panic!("refused");
    };
    let error = error.to_string();
    assert!(
        error.contains("`Authorization` is also sent by the basic credentials"),
        "{error}"
    );
    let framing = with_grant_headers("      Content-Length: {value: \"0\"}\n");
    let source = tokenspec::load::Source::new("refresh_elsewhere.yaml", framing.as_str());
    let Err(error) = tokenspec::validate_sources(&arena, vec![source]) else {
        panic!("refused");
    };
    let error = error.to_string();
    assert!(error.contains("cannot be set by a spec"), "{error}");
}
