//! A public client (`fixtures/public_client.yaml`, spec format 1.1 documents it): a client id
//! and no secret, the authorization code grant with PKCE required, and refresh. RFC 6749 §2.1
//! calls such a client (a native or browser app) public: it cannot keep a secret, so it is
//! identified, not authenticated. The spec says so with a body placement holding `client_id`
//! alone; its generated module is compiled here with warnings denied and its requests are
//! checked against what the RFCs prescribe:
//!
//! - the authorization request carries `client_id` and the S256 challenge, never the verifier
//!   (RFC 6749 §4.1.1, RFC 7636 §4.3);
//! - the code exchange carries `grant_type`, `code`, `redirect_uri`, `client_id` and
//!   `code_verifier` (RFC 6749 §4.1.3, RFC 7636 §4.5), and no secret and no `Authorization`
//!   header (§2.3 is for clients that have credentials);
//! - the refresh request carries `grant_type`, `refresh_token` and `client_id` (§6), likewise
//!   without a secret.
//!
//! The module is committed as `fixtures/public_client_generated.rs`; the first test keeps it
//! fresh (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test public_client` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/public_client_generated.rs"]
mod public_client;

mod common;

use std::path::Path;
use tokenspec_runtime::__private::http;
use tokenspec_runtime::__private::serde_json::json;
use tokenspec_runtime::{Secret, TokenType};

fn generate() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = tokenspec::load::read_file(&dir.join("public_client.yaml")).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("public_client_generated.rs", generate());
}

const CLIENT_ID: &str = "app-7f3e";
const REDIRECT_URI: &str = "com.example.app:/oauth2redirect";
const TOKEN_URL: &str = "https://auth.public.example/oauth/token";
/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REFRESH_TOKEN: &str = "pc-refresh-1";

fn client() -> public_client::Client {
    public_client::Client::builder(public_client::Inputs {
        client_id: CLIENT_ID.into(),
        redirect_uri: REDIRECT_URI.into(),
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

/// What every token request of a public client shares: `POST` to the token URL, a form body,
/// and no credential header of any kind.
fn assert_public(request: &http::Request<Vec<u8>>) {
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri().to_string(), TOKEN_URL);
    let mut headers: Vec<(&str, &str)> = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str(), v.to_str().expect("ASCII header")))
        .collect();
    headers.sort_unstable();
    assert_eq!(
        headers,
        [
            ("accept", "application/json"),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "no Authorization header: a public client has no password to send (RFC 6749 §2.3.1)"
    );
    let body = String::from_utf8(request.body().clone()).expect("UTF-8 body");
    assert!(!body.contains("secret"), "no client secret: {body}");
}

#[test]
fn the_code_exchange_sends_client_id_and_code_verifier_and_no_secret() {
    let request = client()
        .exchange_code("code-1", &Secret::new(VERIFIER))
        .request()
        .expect("request");
    assert_public(&request);
    assert_eq!(
        form(&request),
        [
            ("grant_type", "authorization_code"),
            ("code", "code-1"),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
            ("client_id", CLIENT_ID),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    insta::assert_snapshot!(
        String::from_utf8_lossy(request.body()).replace(VERIFIER, "***"),
        @"grant_type=authorization_code&code=code-1&redirect_uri=com.example.app%3A%2Foauth2redirect&code_verifier=***&client_id=app-7f3e"
    );
}

#[test]
fn the_refresh_sends_client_id_and_no_secret() {
    let request = client()
        .refresh(&Secret::new(REFRESH_TOKEN))
        .request()
        .expect("request");
    assert_public(&request);
    assert_eq!(
        form(&request),
        [
            ("grant_type", "refresh_token"),
            ("refresh_token", REFRESH_TOKEN),
            ("client_id", CLIENT_ID),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}

#[test]
fn the_authorize_url_carries_the_challenge_and_never_the_verifier() {
    let url = client()
        .authorize_url("af0ifjsldkj", &Secret::new(VERIFIER))
        .expect("authorize URL");
    assert_eq!(
        url.as_str(),
        format!(
            "https://auth.public.example/oauth/authorize?response_type=code&client_id={CLIENT_ID}\
             &redirect_uri=com.example.app%3A%2Foauth2redirect&scope=openid+offline_access\
             &state=af0ifjsldkj&code_challenge={CHALLENGE}&code_challenge_method=S256"
        )
    );
    assert!(!url.as_str().contains(VERIFIER));
}

#[test]
fn the_token_response_is_parsed() {
    let response = http::Response::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(
            json!({
                "access_token": "pc-access-2",
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": "pc-refresh-3",
                "scope": "openid offline_access",
            })
            .to_string()
            .into_bytes(),
        )
        .expect("response");
    let token = client().parse_response(&response).expect("a token");
    assert_eq!(token.access_token.expose(), "pc-access-2");
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(
        token.refresh_token.as_ref().map(Secret::expose),
        Some("pc-refresh-3")
    );
}

/// The worked example of docs/spec-format.md, "6.6 Public clients", validates and is this
/// fixture: `tokenspec diff` finds no change between the two.
#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(&["### 6.6 Public clients"], "public_client");
}
