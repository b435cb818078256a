//! One spec using as much of the format as one spec can (`fixtures/features.yaml`): a JSON
//! request body, every credential placement (a custom header with a prefix, HTTP Basic, the
//! body, the query string), fixed parameters and parameters sent `in: query`, PKCE required,
//! nested and renamed response fields of every type, a custom error body and JWT claims. Its
//! generated module is compiled here with warnings denied and driven sans-IO: the request of
//! each grant's call (`.request()`) for each placement (asserted exactly, and snapshotted with
//! secrets masked), the authorize URL, and `parse_response` on crafted answers. The behaviour asserted is the one
//! `docs/spec-format.md` documents.
//!
//! The module generated from `fixtures/features.yaml` is committed as
//! `fixtures/features_generated.rs`; the first test keeps it fresh
//! (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test features` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/features_generated.rs"]
mod features;

mod common;

use std::path::Path;

fn generate() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = tokenspec::load::read_file(&dir.join("features.yaml")).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("features_generated.rs", generate());
}

use features::{CredentialPlacement, Environment, OptionalInput};
use std::time::{Duration, UNIX_EPOCH};
use tokenspec_runtime::__private::http;
use tokenspec_runtime::__private::serde_json::{self, Value, json};
use tokenspec_runtime::{GrantKind, Secret, TokenType};

const CLIENT_SECRET: &str = "ft-secret-1";
const API_KEY: &str = "ft-key-2";
const REFRESH_TOKEN: &str = "ft-refresh-3";
/// Values used as secrets below; each is replaced by `***` in snapshots.
const SECRETS: &[&str] = &[CLIENT_SECRET, API_KEY, REFRESH_TOKEN];

/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const TOKEN_URL: &str = "https://mycorp.auth.features.example/oauth2/t1/token";
const REDIRECT_URI: &str = "https://app.example/callback";
/// `Basic base64("cid:ft-secret-1")`.
const BASIC: &str = "Basic Y2lkOmZ0LXNlY3JldC0x";
const REQUEST_ID: &str = "0af3-77";

// ---------------------------------------------------------------------------------------------
// Helpers: base64 (no extra dependency), the client, request checks and rendering.

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(alphabet[(n >> (18 - 6 * i) & 63) as usize]));
        }
        if pad {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

fn base64_decode(text: &str) -> Vec<u8> {
    let mut bits = 0u32;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|c| *c != b'=') {
        let value = STANDARD.iter().position(|a| *a == c).expect("base64");
        bits = bits << 6 | value as u32;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count & 0xff) as u8);
        }
    }
    out
}

/// An unsigned JWT (`alg: none`, empty signature) carrying `claims`.
fn jwt(claims: &Value) -> String {
    let header = base64(br#"{"alg":"none","typ":"JWT"}"#, URL_SAFE, false);
    let payload = base64(claims.to_string().as_bytes(), URL_SAFE, false);
    format!("{header}.{payload}.")
}

/// The required inputs, every one valid.
fn inputs() -> features::Inputs {
    features::Inputs {
        account: "mycorp".into(),
        tenant_id: "t1".into(),
        client_id: "cid".into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: REDIRECT_URI.into(),
    }
}

fn builder() -> features::ClientBuilder {
    features::Client::builder(inputs())
}

/// Every input set, credentials sent as `placement`.
fn client(placement: CredentialPlacement) -> features::Client {
    builder()
        .input(OptionalInput::ApiKey, API_KEY)
        .input(OptionalInput::Audience, "https://api.features.example")
        .credential_placement(placement)
        .build()
        .expect("every input set")
}

/// Asserts the whole request: `POST`, the exact URL, exactly these headers, and the body: a
/// JSON object equal to `body` whose every value is a string, or nothing.
fn assert_request(
    request: &http::Request<Vec<u8>>,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) {
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.uri().to_string(), url);
    let mut actual: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = value.to_str().expect("ascii header");
            (name.as_str().to_owned(), value.to_owned())
        })
        .collect();
    actual.sort();
    let mut expected: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(actual, expected, "headers of {url}");
    for name in ["authorization", "x-features-key"] {
        if let Some(value) = request.headers().get(name) {
            assert!(
                value.is_sensitive(),
                "the {name} credential is marked sensitive"
            );
        }
    }
    match body {
        Some(expected) => {
            let actual: Value = serde_json::from_slice(request.body()).expect("a JSON body");
            assert_eq!(actual, expected);
            let object = actual.as_object().expect("one JSON object");
            assert!(
                object.values().all(Value::is_string),
                "every value is a JSON string: {actual}"
            );
        }
        None => assert!(request.body().is_empty(), "no body"),
    }
}

/// The request as the wire-request snapshots show requests: Basic decoded, secrets as `***`.
fn render(request: &http::Request<Vec<u8>>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        let mut value = value.to_str().expect("ascii header").to_owned();
        if let Some(encoded) = value.strip_prefix("Basic ") {
            let decoded = String::from_utf8(base64_decode(encoded)).expect("utf-8");
            value = format!("Basic base64({decoded})");
        }
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push('\n');
    out.push_str(std::str::from_utf8(request.body()).expect("utf-8 body"));
    for secret in SECRETS {
        out = out.replace(secret, "***");
    }
    out
}

fn response(status: u16, content_type: &str, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body.as_bytes().to_vec())
        .expect("response")
}

fn json_response(status: u16, body: &Value) -> http::Response<Vec<u8>> {
    response(status, "application/json", &body.to_string())
}

fn invalid_input(error: features::Error) -> (String, String) {
    match error {
        features::Error::InvalidInput(e) => (e.input, e.reason),
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

#[test]
fn helpers_encode_base64_as_the_rfc_does() {
    // RFC 4648 section 10.
    assert_eq!(base64(b"fooba", STANDARD, true), "Zm9vYmE=");
    assert_eq!(base64(b"foob", STANDARD, true), "Zm9vYg==");
    assert_eq!(base64(b"foobar", STANDARD, true), "Zm9vYmFy");
    assert_eq!(base64_decode("Zm9vYmE="), b"fooba");
    assert_eq!(
        BASIC,
        format!("Basic {}", base64(b"cid:ft-secret-1", STANDARD, true))
    );
}

// ---------------------------------------------------------------------------------------------
// client_credentials: fixed parameters in the body and the query, optional inputs in the query.

/// The client-credentials query string when the credentials are not in the query.
const CC_QUERY: &str =
    "?audience=https%3A%2F%2Fapi.features.example&api-version=2024-05-01&request_id=0af3-77";

#[test]
fn client_credentials_body() {
    let request = client(CredentialPlacement::Body)
        .fetch_token(Some(REQUEST_ID))
        .request()
        .expect("request");
    assert_request(
        &request,
        &format!("{TOKEN_URL}{CC_QUERY}"),
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "client_credentials",
            "scope": "read,offline_access",
            "resource": "api",
            "clientId": "cid",
            "clientSecret": CLIENT_SECRET,
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn client_credentials_body_is_the_default_placement() {
    let preferred = builder().build().expect("client");
    assert_eq!(CredentialPlacement::default(), CredentialPlacement::Body);
    let request = preferred.fetch_token(None).request().expect("request");
    assert_request(
        &request,
        &format!("{TOKEN_URL}?api-version=2024-05-01"),
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "client_credentials",
            "scope": "read,offline_access",
            "resource": "api",
            "clientId": "cid",
            "clientSecret": CLIENT_SECRET,
        })),
    );
}

#[test]
fn client_credentials_header() {
    let request = client(CredentialPlacement::Header)
        .fetch_token(Some(REQUEST_ID))
        .request()
        .expect("request");
    assert_request(
        &request,
        &format!("{TOKEN_URL}{CC_QUERY}"),
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
            ("x-features-key", "Token ft-key-2"),
        ],
        Some(json!({
            "grant_type": "client_credentials",
            "scope": "read,offline_access",
            "resource": "api",
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn client_credentials_basic() {
    let request = client(CredentialPlacement::Basic)
        .fetch_token(Some(REQUEST_ID))
        .request()
        .expect("request");
    assert_request(
        &request,
        &format!("{TOKEN_URL}{CC_QUERY}"),
        &[
            ("accept", "application/json"),
            ("authorization", BASIC),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "client_credentials",
            "scope": "read,offline_access",
            "resource": "api",
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn client_credentials_query() {
    // With the query placement every parameter goes into the query string and no body is sent
    // (spec format 6.4).
    let request = client(CredentialPlacement::Query)
        .fetch_token(Some(REQUEST_ID))
        .request()
        .expect("request");
    assert_request(
        &request,
        &format!(
            "{TOKEN_URL}?grant_type=client_credentials&scope=read%2Coffline_access&resource=api\
             &audience=https%3A%2F%2Fapi.features.example&api-version=2024-05-01\
             &request_id=0af3-77&client_id=cid&client_secret=ft-secret-1"
        ),
        &[("accept", "application/json")],
        None,
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn optional_inputs_are_left_out_and_defaults_replaced() {
    let client = builder()
        .input(OptionalInput::Scope, "read,write")
        .build()
        .expect("client");
    let request = client.fetch_token(None).request().expect("request");
    assert_request(
        &request,
        &format!("{TOKEN_URL}?api-version=2024-05-01"),
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "client_credentials",
            "scope": "read,write",
            "resource": "api",
            "clientId": "cid",
            "clientSecret": CLIENT_SECRET,
        })),
    );
}

#[test]
fn bad_inputs_are_refused_before_anything_is_built() {
    // A per-request input is checked against its pattern.
    let error = client(CredentialPlacement::Body)
        .fetch_token(Some("NOT HEX"))
        .request()
        .expect_err("the pattern is [0-9a-f-]{1,36}");
    assert_eq!(invalid_input(error).0, "request_id");

    // The header credential's input is optional for the client, but the header placement needs
    // it: unset, it is an invalid input (spec format 5).
    let without_key = builder()
        .credential_placement(CredentialPlacement::Header)
        .build()
        .expect("api_key is optional");
    let error = without_key
        .fetch_token(None)
        .request()
        .expect_err("no api_key for the header");
    assert_eq!(invalid_input(error).0, "api_key");

    // Host variables are DNS labels matching the pattern, path variables one segment; `build`
    // checks them and names the first bad one in spec order (account before tenant_id).
    let bad_account = features::Inputs {
        account: "evil.com/x#".into(),
        ..inputs()
    };
    let error = features::Client::builder(bad_account.clone())
        .build()
        .expect_err("not a DNS label");
    assert_eq!(invalid_input(error).0, "account");
    let bad_tenant = features::Inputs {
        tenant_id: "a/../b".into(),
        ..inputs()
    };
    let error = features::Client::builder(bad_tenant.clone())
        .build()
        .expect_err("not one segment");
    assert_eq!(invalid_input(error).0, "tenant_id");
    let both_bad = features::Inputs {
        tenant_id: bad_tenant.tenant_id,
        ..bad_account
    };
    let error = features::Client::builder(both_bad)
        .build()
        .expect_err("two bad inputs");
    assert_eq!(invalid_input(error).0, "account", "the first in spec order");
}

// ---------------------------------------------------------------------------------------------
// authorization_code with PKCE required.

#[test]
fn authorization_code_body() {
    let request = client(CredentialPlacement::Body)
        .exchange_code("code-1", Some(VERIFIER))
        .request()
        .expect("request");
    assert_request(
        &request,
        TOKEN_URL,
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "authorization_code",
            "code": "code-1",
            "redirect_uri": REDIRECT_URI,
            "code_verifier": VERIFIER,
            "client_kind": "confidential",
            "clientId": "cid",
            "clientSecret": CLIENT_SECRET,
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn authorization_code_header() {
    let request = client(CredentialPlacement::Header)
        .exchange_code("code-1", Some(VERIFIER))
        .request()
        .expect("request");
    assert_request(
        &request,
        TOKEN_URL,
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
            ("x-features-key", "Token ft-key-2"),
        ],
        Some(json!({
            "grant_type": "authorization_code",
            "code": "code-1",
            "redirect_uri": REDIRECT_URI,
            "code_verifier": VERIFIER,
            "client_kind": "confidential",
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn authorization_code_basic() {
    let request = client(CredentialPlacement::Basic)
        .exchange_code("code-1", Some(VERIFIER))
        .request()
        .expect("request");
    assert_request(
        &request,
        TOKEN_URL,
        &[
            ("accept", "application/json"),
            ("authorization", BASIC),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "authorization_code",
            "code": "code-1",
            "redirect_uri": REDIRECT_URI,
            "code_verifier": VERIFIER,
            "client_kind": "confidential",
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn authorization_code_query() {
    let request = client(CredentialPlacement::Query)
        .exchange_code("code-1", Some(VERIFIER))
        .request()
        .expect("request");
    assert_request(
        &request,
        &format!(
            "{TOKEN_URL}?grant_type=authorization_code&code=code-1\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&code_verifier={VERIFIER}\
             &client_kind=confidential&client_id=cid&client_secret=ft-secret-1"
        ),
        &[("accept", "application/json")],
        None,
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn pkce_required_refuses_a_code_exchange_without_verifier() {
    for placement in [
        CredentialPlacement::Header,
        CredentialPlacement::Basic,
        CredentialPlacement::Body,
        CredentialPlacement::Query,
    ] {
        let error = client(placement)
            .exchange_code("code-1", None)
            .request()
            .expect_err("PKCE is required");
        let (input, reason) = invalid_input(error);
        assert_eq!(input, "code_verifier", "{placement:?}: {reason}");
    }
    // The same through the provider-independent client.
    let runtime = client(CredentialPlacement::Body).runtime().clone();
    match runtime.token_request(GrantKind::AuthorizationCode, &[("code", "code-1")]) {
        Err(tokenspec_runtime::Error::InvalidInput(e)) => {
            assert_eq!(e.input, "code_verifier");
        }
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

#[test]
fn authorize_url_with_pkce() {
    assert_eq!(
        tokenspec_runtime::request::pkce_challenge(VERIFIER),
        CHALLENGE,
        "RFC 7636 appendix B"
    );
    let url = client(CredentialPlacement::Body)
        .authorize_url("af0ifjsldkj", Some(VERIFIER))
        .expect("authorize URL");
    // response_type, the authorize parameters in spec order (fixed ones too, `in` ignored),
    // then the PKCE pair.
    assert_eq!(
        url.as_str(),
        format!(
            "https://mycorp.auth.features.example/oauth2/t1/authorize?response_type=code\
             &client_id=cid&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback\
             &scope=read%2Coffline_access&state=af0ifjsldkj&prompt=consent&display=page\
             &code_challenge={CHALLENGE}&code_challenge_method=S256"
        )
    );
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("code_challenge".into(), CHALLENGE.into())));
    assert!(pairs.contains(&("code_challenge_method".into(), "S256".into())));
    assert!(
        !url.as_str().contains(VERIFIER),
        "the verifier itself never leaves the client"
    );
    insta::assert_snapshot!(url.as_str());
}

#[test]
fn authorize_url_without_verifier_is_refused() {
    let error = client(CredentialPlacement::Body)
        .authorize_url("af0ifjsldkj", None)
        .expect_err("PKCE is required");
    assert_eq!(invalid_input(error).0, "code_verifier");
}

// ---------------------------------------------------------------------------------------------
// refresh_token.

#[test]
fn refresh_token_body() {
    let request = client(CredentialPlacement::Body)
        .refresh(&Secret::new(REFRESH_TOKEN))
        .request()
        .expect("request");
    assert_request(
        &request,
        TOKEN_URL,
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "refresh_token",
            "refresh_token": REFRESH_TOKEN,
            "scope": "read,offline_access",
            "clientId": "cid",
            "clientSecret": CLIENT_SECRET,
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn refresh_token_header() {
    let request = client(CredentialPlacement::Header)
        .refresh(&Secret::new(REFRESH_TOKEN))
        .request()
        .expect("request");
    assert_request(
        &request,
        TOKEN_URL,
        &[
            ("accept", "application/json"),
            ("content-type", "application/json"),
            ("x-features-key", "Token ft-key-2"),
        ],
        Some(json!({
            "grant_type": "refresh_token",
            "refresh_token": REFRESH_TOKEN,
            "scope": "read,offline_access",
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn refresh_token_basic() {
    let request = client(CredentialPlacement::Basic)
        .refresh(&Secret::new(REFRESH_TOKEN))
        .request()
        .expect("request");
    assert_request(
        &request,
        TOKEN_URL,
        &[
            ("accept", "application/json"),
            ("authorization", BASIC),
            ("content-type", "application/json"),
        ],
        Some(json!({
            "grant_type": "refresh_token",
            "refresh_token": REFRESH_TOKEN,
            "scope": "read,offline_access",
        })),
    );
    insta::assert_snapshot!(render(&request));
}

#[test]
fn refresh_token_query() {
    let request = client(CredentialPlacement::Query)
        .refresh(&Secret::new(REFRESH_TOKEN))
        .request()
        .expect("request");
    assert_request(
        &request,
        &format!(
            "{TOKEN_URL}?grant_type=refresh_token&refresh_token=ft-refresh-3\
             &scope=read%2Coffline_access&client_id=cid&client_secret=ft-secret-1"
        ),
        &[("accept", "application/json")],
        None,
    );
    insta::assert_snapshot!(render(&request));
}

// ---------------------------------------------------------------------------------------------
// Environments and base URL.

#[test]
fn sandbox_environment_and_path_encoding() {
    // One segment; the pattern allows spaces.
    let client = features::Client::builder(features::Inputs {
        tenant_id: "t 1".into(),
        ..inputs()
    })
    .environment(Environment::Sandbox)
    .build()
    .expect("client");
    assert_eq!(Environment::default(), Environment::Production);
    // Each variant stands for its own entry of the spec the runtime reads.
    for (variant, name) in [
        (Environment::Production, "production"),
        (Environment::Sandbox, "sandbox"),
    ] {
        let index = tokenspec_runtime::Environment::index(variant);
        assert_eq!(features::PROVIDER.environments[index].name, name);
    }
    let request = client
        .refresh(&Secret::new(REFRESH_TOKEN))
        .request()
        .expect("request");
    assert_eq!(
        request.uri().to_string(),
        "https://mycorp.sandbox.features.example/v2/t%201/token"
    );
    let url = client
        .authorize_url("s", Some(VERIFIER))
        .expect("authorize URL");
    assert!(
        url.as_str().starts_with(
            "https://login.sandbox.features.example/t%201/authorize?response_type=code&"
        ),
        "{url}"
    );
}

#[test]
fn base_url_replaces_scheme_host_and_port_only() {
    let client = builder()
        .input(OptionalInput::Audience, "https://api.features.example")
        .base_url("http://127.0.0.1:1")
        .expect("loopback")
        .build()
        .expect("client");
    let request = client
        .fetch_token(Some(REQUEST_ID))
        .request()
        .expect("request");
    assert_eq!(
        request.uri().to_string(),
        format!("http://127.0.0.1:1/oauth2/t1/token{CC_QUERY}")
    );
    let error = builder()
        .base_url("http://example.com")
        .expect_err("plain http off loopback");
    assert_eq!(invalid_input(error).0, "base_url");
}

// ---------------------------------------------------------------------------------------------
// Responses: every field type, nested and renamed fields, defaults.

fn claims_payload() -> Value {
    json!({
        "sub": "user-1",
        "exp": "1700003600",
        "https://features.example/tenant": 12,
        "scp": "read,write",
        "groups": ["g1", "g2"],
        "level": "3",
        "weight": 2.5,
        "admin": "false",
        "ttl": 60.0,
        "ctx.data": {"k": [1, 2]},
        // Claim names are not split on dots: this is not `ctx.data`.
        "ctx": {"data": "not this one"},
        "iat": 1700000000,
    })
}

#[test]
fn every_response_field_type_nested_and_renamed() {
    let access_token = jwt(&claims_payload());
    let body = json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": " 120 ",
        "refresh_token": REFRESH_TOKEN,
        "refreshExpiresIn": 7200.0,
        "scope": " read,write,,offline_access ",
        "type": "access",
        "region": "us",
        "data": {
            "user": {"id": 42, "verified": "true", "groups": "admins"},
            "session": 9001,
            "nbf": "1700000000",
            "profile": {"name": "Ada", "langs": ["en"]},
        },
        "issuedAt": 1700000000.0,
        "limits": {"quota": "250", "burst": 10.0, "ratio": "0.75"},
        "score": 1,
        "admin": "true",
        "roles": ["owner", "billing"],
        "grantedScopes": ["read", "write"],
        "plan": {"tier": "pro"},
        "undocumented": "ignored",
    });
    let token = client(CredentialPlacement::Body)
        .parse_response(&json_response(200, &body))
        .expect("a token");
    assert_eq!(
        token,
        features::TokenResponse {
            access_token: Secret::new(access_token.clone()),
            token_type: TokenType::Bearer,
            expires_in: Duration::from_secs(120),
            refresh_token: Some(Secret::new(REFRESH_TOKEN)),
            refresh_expires_in: Duration::from_secs(7200),
            scope: Some(vec!["read".into(), "write".into(), "offline_access".into()]),
            r#type: Some("access".into()),
            region: "us".into(),
            user_id: "42".into(),
            session: "9001".into(),
            issued_at: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            not_before: UNIX_EPOCH + Duration::from_secs(1_700_000_000),
            quota: 250,
            burst: Some(10),
            score: 1.0,
            ratio: Some(0.75),
            admin: true,
            verified: Some(true),
            roles: vec!["owner".into(), "billing".into()],
            groups: Some(vec!["admins".into()]),
            granted: vec!["read".into(), "write".into()],
            profile: Some(json!({"name": "Ada", "langs": ["en"]})),
            plan: json!({"tier": "pro"}),
        }
    );
    assert_eq!(
        token.bearer_header().to_str().expect("ascii"),
        format!("Bearer {access_token}")
    );
    let debug = format!("{token:?}");
    assert!(
        !debug.contains(&access_token) && !debug.contains(REFRESH_TOKEN),
        "{debug}"
    );
}

/// The token of a response with only the required fields: every default applied.
fn minimal_token() -> features::TokenResponse {
    features::TokenResponse {
        access_token: Secret::new("opaque"),
        token_type: TokenType::Bearer,
        // access_lifetime, as expires_in has no default of its own (spec format 12).
        expires_in: Duration::from_secs(3600),
        refresh_token: None,
        refresh_expires_in: Duration::from_secs(86400),
        scope: None,
        r#type: None,
        region: "eu".into(),
        user_id: "u-1".into(),
        session: "anonymous".into(),
        issued_at: None,
        not_before: UNIX_EPOCH,
        quota: 100,
        burst: None,
        score: 0.5,
        ratio: None,
        admin: false,
        verified: None,
        // `strings` and `scopes` defaults are split on whitespace, whatever the delimiter.
        roles: vec!["user".into(), "viewer".into()],
        groups: None,
        granted: vec!["read".into(), "write".into()],
        profile: None,
        plan: json!("free"),
    }
}

#[test]
fn absent_fields_take_their_defaults() {
    let body = json!({"access_token": "opaque", "data": {"user": {"id": "u-1"}}});
    let token = client(CredentialPlacement::Body)
        .parse_response(&json_response(200, &body))
        .expect("a token");
    assert_eq!(token, minimal_token());
}

#[test]
fn null_fields_are_absent() {
    let body = json!({
        "access_token": "opaque",
        "token_type": null,
        "expires_in": null,
        "refresh_token": null,
        "refreshExpiresIn": null,
        "scope": null,
        "type": null,
        "region": null,
        "data": {
            "user": {"id": "u-1", "verified": null, "groups": null},
            "session": null,
            "nbf": null,
            "profile": null,
        },
        "issuedAt": null,
        "limits": null,
        "score": null,
        "ratio": null,
        "admin": null,
        "roles": null,
        "grantedScopes": null,
        "plan": null,
    });
    // Content types are not trusted: JSON sent as text/plain is still read.
    let token = client(CredentialPlacement::Body)
        .parse_response(&response(200, "text/plain", &body.to_string()))
        .expect("a token");
    assert_eq!(token, minimal_token());
}

#[test]
fn other_token_types_are_kept_and_bearer_header_stays_bearer() {
    let body = json!({"access_token": "opaque", "token_type": "MAC", "data": {"user": {"id": 1}}});
    let token = client(CredentialPlacement::Body)
        .parse_response(&json_response(200, &body))
        .expect("a token");
    assert_eq!(token.token_type, TokenType::Other("MAC".into()));
    assert_eq!(
        token.bearer_header().to_str().expect("ascii"),
        "Bearer opaque"
    );
}

#[test]
fn unusable_responses_are_unexpected() {
    let cases = [
        // The required nested field is missing, or its parent is not an object.
        json!({"access_token": "opaque-1"}),
        json!({"access_token": "opaque-1", "data": {"user": "u-1"}}),
        // access_token missing or empty.
        json!({"data": {"user": {"id": 1}}}),
        json!({"access_token": "", "data": {"user": {"id": 1}}}),
        // Values of the wrong type.
        json!({"access_token": "opaque-1", "expires_in": -5, "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "expires_in": 1.5, "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "admin": "yes", "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "limits": {"quota": 2.5}, "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "score": "many", "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "roles": [1, 2], "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "scope": 7, "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "region": 7, "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "data": {"user": {"id": true}}}),
        json!({"access_token": "opaque-1", "issuedAt": "yesterday", "data": {"user": {"id": 1}}}),
        json!({"access_token": "opaque-1", "refresh_token": "", "data": {"user": {"id": 1}}}),
    ];
    for body in cases {
        match client(CredentialPlacement::Body).parse_response(&json_response(200, &body)) {
            Err(features::Error::UnexpectedResponse(e)) => {
                assert_eq!(e.status, 200, "{body}");
                assert!(
                    !e.excerpt.contains("opaque-1"),
                    "access_token masked: {}",
                    e.excerpt
                );
            }
            other => panic!("expected an unexpected-response error for {body}, got {other:?}"),
        }
    }
    match client(CredentialPlacement::Body).parse_response(&response(
        200,
        "application/json",
        "<html>oops</html>",
    )) {
        Err(features::Error::UnexpectedResponse(e)) if e.status == 200 => {}
        other => panic!("expected an unexpected-response error, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The custom error body.

#[test]
fn custom_error_body_every_field() {
    let body = json!({
        "code": "7",
        "error": {"message": "bad scope", "kind": "BEARER"},
        "details": {"field": "scope"},
        "traceId": 12345,
        "retryable": "true",
        "weight": "1.5",
        "hints": "try read",
        "at": 1700000000,
        "needed": "read,write",
    });
    match client(CredentialPlacement::Body).parse_response(&json_response(400, &body)) {
        Err(features::Error::Provider(e)) => {
            assert_eq!(e.status, 400);
            assert_eq!(
                e.body,
                features::ErrorBody {
                    code: 7,
                    message: "bad scope".into(),
                    details: Some(json!({"field": "scope"})),
                    trace_id: Some("12345".into()),
                    retryable: true,
                    weight: Some(1.5),
                    hints: Some(vec!["try read".into()]),
                    kind: Some(TokenType::Bearer),
                    at: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
                    scopes_needed: Some(vec!["read".into(), "write".into()]),
                }
            );
        }
        other => panic!("expected the provider's error body, got {other:?}"),
    }
}

#[test]
fn custom_error_body_defaults_and_200() {
    let minimal = features::ErrorBody {
        code: 9,
        message: "try later".into(),
        details: None,
        trace_id: None,
        retryable: false,
        weight: None,
        hints: None,
        kind: None,
        at: None,
        scopes_needed: None,
    };
    let body = json!({"code": 9, "error": {"message": "try later"}});
    for status in [401, 500, 200] {
        // A 200 with an `error` key, no access_token and the documented shape is an error too.
        match client(CredentialPlacement::Body).parse_response(&json_response(status, &body)) {
            Err(features::Error::Provider(e)) => {
                assert_eq!(e.status, status);
                assert_eq!(e.body, minimal);
            }
            other => panic!("expected the provider's error body at {status}, got {other:?}"),
        }
    }
}

#[test]
fn other_error_shapes_are_unexpected() {
    let cases = [
        // An RFC 6749 body: not this provider's shape (no code, `error` not an object).
        (400, "application/json", r#"{"error":"invalid_client"}"#),
        // A required field of the wrong type.
        (
            400,
            "application/json",
            r#"{"code":"x","error":{"message":"m"}}"#,
        ),
        // message missing.
        (401, "application/json", r#"{"code":1,"error":{}}"#),
        (502, "text/html", "<html><body>Bad Gateway</body></html>"),
        (
            500,
            "application/json",
            r#"{"refresh_token":"ft-refresh-3","oops":true}"#,
        ),
    ];
    for (status, content_type, text) in cases {
        match client(CredentialPlacement::Body).parse_response(&response(
            status,
            content_type,
            text,
        )) {
            Err(features::Error::UnexpectedResponse(e)) => {
                assert_eq!((e.status, e.content_type.as_str()), (status, content_type));
                assert!(!e.excerpt.contains(REFRESH_TOKEN), "masked: {}", e.excerpt);
            }
            other => panic!("expected an unexpected-response error for {text}, got {other:?}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// JWT claims, decoded without verifying the signature.

fn token_with(access_token: &str) -> features::TokenResponse {
    let body = json!({"access_token": access_token, "data": {"user": {"id": 1}}});
    client(CredentialPlacement::Body)
        .parse_response(&json_response(200, &body))
        .expect("a token")
}

#[test]
fn claims_of_every_type() {
    let claims = token_with(&jwt(&claims_payload()))
        .claims()
        .expect("claims");
    assert_eq!(
        claims,
        features::Claims {
            sub: "user-1".into(),
            exp: UNIX_EPOCH + Duration::from_secs(1_700_003_600),
            tenant: Some("12".into()),
            scp: Some(vec!["read".into(), "write".into()]),
            groups: Some(vec!["g1".into(), "g2".into()]),
            level: Some(3),
            weight: Some(2.5),
            admin: Some(false),
            ttl: Some(Duration::from_secs(60)),
            ctx: Some(json!({"k": [1, 2]})),
        }
    );
}

#[test]
fn claims_optional_absent_and_other_spellings() {
    let claims = token_with(&jwt(&json!({
        "sub": "s",
        "exp": 1,
        "scp": ["a", "b"],
        "groups": "one",
        "admin": true,
        "weight": "0.25",
    })))
    .claims()
    .expect("claims");
    assert_eq!(
        claims,
        features::Claims {
            sub: "s".into(),
            exp: UNIX_EPOCH + Duration::from_secs(1),
            tenant: None,
            scp: Some(vec!["a".into(), "b".into()]),
            groups: Some(vec!["one".into()]),
            level: None,
            weight: Some(0.25),
            admin: Some(true),
            ttl: None,
            ctx: None,
        }
    );
}

#[test]
fn unreadable_claims_are_errors_without_the_token() {
    let cases = [
        // exp is required.
        jwt(&json!({"sub": "s"})),
        // Of the wrong type.
        jwt(&json!({"sub": "s", "exp": "soon"})),
        // Not a JWT, or a payload that is not base64url JSON.
        "opaque-token".to_owned(),
        "a.%%%.c".to_owned(),
        format!("a.{}.c", base64(b"[1,2]", URL_SAFE, false)),
    ];
    for token in cases {
        let error = token_with(&token).claims().expect_err("unreadable claims");
        assert!(
            !error.to_string().contains(&token),
            "the error never shows the token: {error}"
        );
    }
}
