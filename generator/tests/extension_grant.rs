//! Extension grants (`fixtures/extension_grant.yaml`, spec format 1.1): RFC 6749 §4.5 lets a
//! token endpoint define grants of its own, named by an absolute URI or, in practice, by a
//! vendor's name. The fixture declares one of each: `account_credentials` (a vendor
//! `grant_type`) and `token_exchange` (`urn:ietf:params:oauth:grant-type:token-exchange`,
//! RFC 8693 §2.1). Its generated module is compiled here with warnings denied and its requests
//! are checked against what the RFCs prescribe:
//!
//! - each grant's method sends its own `grant_type` first, then its parameters, form-encoded
//!   (RFC 6749 §4.5, appendix B), with the client authenticated by HTTP Basic (§2.3.1);
//! - an optional per-request parameter left unset is not sent at all;
//! - changing a grant's `grant_type` is a breaking change for `tokenspec diff`.
//!
//! The module is committed as `fixtures/extension_grant_generated.rs`; the first test keeps it
//! fresh (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test extension_grant` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/extension_grant_generated.rs"]
mod extension_grant;

mod common;

use std::path::{Path, PathBuf};
use tokenspec::diff::Class;
use tokenspec_runtime::http;
use tokenspec_runtime::serde_json::json;
use tokenspec_runtime::{Secret, TokenType};

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extension_grant.yaml")
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
    common::assert_fixture_fresh("extension_grant_generated.rs", generate());
}

const CLIENT_ID: &str = "app-41c2";
const CLIENT_SECRET: &str = "s3cr3t:+/=";
const ACCOUNT_ID: &str = "acct-9000";
const TOKEN_URL: &str = "https://auth.vendor.example/oauth/token";
const SUBJECT_TOKEN: &str = "subject-token-1";
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

fn client() -> extension_grant::Client {
    extension_grant::Client::builder(extension_grant::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
        account_id: ACCOUNT_ID.into(),
    })
    .build()
    .expect("every required input set")
}

/// The request's form body as ordered pairs.
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

/// HTTP Basic credentials of [`CLIENT_ID`] and [`CLIENT_SECRET`], each form-encoded first
/// (RFC 6749 §2.3.1): base64 of `app-41c2:s3cr3t%3A%2B%2F%3D`.
const BASIC: &str = "Basic YXBwLTQxYzI6czNjcjN0JTNBJTJCJTJGJTNE";

/// `POST` to the token URL with a form body, the client authenticated by HTTP Basic.
fn assert_token_request(request: &http::Request<Vec<u8>>) {
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri().to_string(), TOKEN_URL);
    let mut headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().expect("ASCII header").to_owned(),
            )
        })
        .collect();
    headers.sort_unstable();
    assert_eq!(
        headers,
        pairs(&[
            ("accept", "application/json"),
            ("authorization", BASIC),
            ("content-type", "application/x-www-form-urlencoded"),
        ])
    );
}

#[test]
fn the_vendor_grant_sends_its_grant_type_and_its_parameters() {
    let request = client().account_credentials().request().expect("request");
    assert_token_request(&request);
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "account_credentials"),
            ("account_id", ACCOUNT_ID)
        ])
    );
    insta::assert_snapshot!(
        String::from_utf8_lossy(request.body()),
        @"grant_type=account_credentials&account_id=acct-9000"
    );
}

#[test]
fn the_uri_grant_sends_the_urn_and_its_parameters() {
    let request = client()
        .token_exchange(
            &Secret::new(SUBJECT_TOKEN),
            Some("https://api.vendor.example"),
        )
        .request()
        .expect("request");
    assert_token_request(&request);
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", TOKEN_EXCHANGE),
            ("subject_token", SUBJECT_TOKEN),
            ("subject_token_type", ACCESS_TOKEN_TYPE),
            ("audience", "https://api.vendor.example"),
        ])
    );
    insta::assert_snapshot!(
        String::from_utf8_lossy(request.body()).replace(SUBJECT_TOKEN, "***"),
        @"grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=***&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&audience=https%3A%2F%2Fapi.vendor.example"
    );
}

#[test]
fn an_unset_optional_parameter_is_not_sent() {
    let request = client()
        .token_exchange(&Secret::new(SUBJECT_TOKEN), None)
        .request()
        .expect("request");
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", TOKEN_EXCHANGE),
            ("subject_token", SUBJECT_TOKEN),
            ("subject_token_type", ACCESS_TOKEN_TYPE),
        ])
    );
}

#[test]
fn the_grants_are_found_by_their_own_names() {
    let spec = &extension_grant::PROVIDER;
    let names: Vec<&str> = spec.grants.iter().map(|g| g.name()).collect();
    assert_eq!(names, ["account_credentials", "token_exchange"]);
    assert_eq!(
        spec.grant_by_name("token_exchange")
            .and_then(|g| g.grant_type()),
        Some(TOKEN_EXCHANGE)
    );
    // The kind's own name finds no grant: a spec's grants go by their own names.
    assert!(spec.grant_by_name("extension").is_none());
    // The untyped client runs a grant named at run time, as `tokenctl --grant` does.
    let runtime = client().runtime().clone();
    let request = runtime
        .token_request("account_credentials", &[])
        .expect("request");
    assert_eq!(
        form(&request),
        pairs(&[
            ("grant_type", "account_credentials"),
            ("account_id", ACCOUNT_ID)
        ])
    );
    let unknown = runtime
        .token_request("password", &[])
        .expect_err("no such grant");
    let text = unknown.to_string();
    assert!(
        text.contains("no password grant") && text.contains("account_credentials, token_exchange"),
        "{text}"
    );
}

#[test]
fn the_token_response_is_parsed() {
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(
            json!({
                "access_token": "exchanged-1",
                "token_type": "Bearer",
                "expires_in": 1800,
                "issued_token_type": ACCESS_TOKEN_TYPE,
            })
            .to_string()
            .into_bytes(),
        )
        .expect("response");
    let token = client().parse_response(&response).expect("a token");
    assert_eq!(token.access_token.expose(), "exchanged-1");
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.issued_token_type.as_deref(), Some(ACCESS_TOKEN_TYPE));
}

/// The classes `tokenspec diff` gives to changes of an extension grant.
fn diff(old: &str, new: &str) -> Vec<tokenspec::diff::Change> {
    let arena = tokenspec::Bump::new();
    let load = |text: &str| {
        tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new("extension_grant.yaml", text)],
        )
        .unwrap_or_else(|e| panic!("valid:\n{e}"))
    };
    let (a, b) = (load(old), load(new));
    tokenspec::diff::diff(&a, &b)
}

#[test]
fn changing_a_grant_type_is_breaking_and_adding_a_grant_is_not() {
    let old = fixture_text();
    let changed = old.replace(
        "grant_type: account_credentials",
        "grant_type: https://vendor.example/grants/account",
    );
    let changes = diff(&old, &changed);
    assert_eq!(
        changes.len(),
        1,
        "{}",
        tokenspec::diff::render_text(&changes)
    );
    assert_eq!(changes[0].class, Class::Breaking);
    assert!(
        changes[0]
            .what
            .contains("grant_type of `account_credentials`"),
        "{:?}",
        changes[0]
    );

    // Removing a grant takes its method away; adding one adds a method.
    let without = old.replace(
        "  token_exchange:\n    grant_type: urn:ietf:params:oauth:grant-type:token-exchange\n",
        "  token_exchange_v0:\n    grant_type: urn:ietf:params:oauth:grant-type:token-exchange\n",
    );
    let changes = diff(&old, &without);
    let summary: Vec<(Class, &str)> = changes.iter().map(|c| (c.class, c.what.as_str())).collect();
    assert_eq!(
        summary,
        [
            (Class::Breaking, "grant `token_exchange` removed"),
            (Class::Compatible, "grant `token_exchange_v0` added"),
        ],
        "{}",
        tokenspec::diff::render_text(&changes)
    );
    assert!(
        changes[0].why.contains("`token_exchange`"),
        "{:?}",
        changes[0]
    );
}

/// The worked example of docs/spec-format.md, "8.7 Extension grants", validates and is this
/// fixture: `tokenspec diff` finds no change between the two.
#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(&["### 8.7 Extension grants"], "extension_grant");
}

/// PROVIDERS.md names each extension grant with the `grant_type` it sends, which is how the
/// provider's own documentation knows it.
#[test]
fn providers_md_shows_each_grant_with_its_grant_type() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::read_file(&fixture_path()).expect("readable")],
    )
    .expect("valid");
    let markdown = tokenspec::emit::docs::providers_md(&providers).expect("renders");
    let row = markdown
        .lines()
        .find(|l| l.contains("[`extension_grant`]"))
        .unwrap_or_else(|| panic!("a row for the fixture:\n{markdown}"));
    assert!(
        row.contains(
            "`account_credentials` (grant_type `account_credentials`), `token_exchange` \
             (grant_type `urn:ietf:params:oauth:grant-type:token-exchange`)"
        ),
        "{row}"
    );
}
