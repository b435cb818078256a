//! Wire test of templated values, headers and JSON values (spec format 1.2, docs/spec-format.md
//! 6.9, 7.1 and 8.1): the module generated from `generator/tests/fixtures/templated_values.yaml`
//! (committed there and kept fresh by `generator/tests/templated_values.rs`).
//!
//! - A request snapshot records the whole request (method, URL, every header, body) with the
//!   keys masked: an app key and an API key in two credential headers, one of them the
//!   template `Bearer {api_key}`, a fixed `X-Api-Version`, and a JSON body of templates and
//!   JSON numbers, booleans and objects as written.
//! - Against a local server: the exact method, path, headers and JSON body arrive; a server
//!   that echoes the credential headers in its error never gets them into the error text; a
//!   key that would break a header never reaches the wire (RFC 9110 section 5.5).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/templated_values_generated.rs"]
mod templated_values;

use serde_json::json;
use tokenspec_runtime::{Error, Secret};
use tokenspec_tests::{Reply, TestServer};

const APP_KEY: &str = "tv-app-key-9876543210";
const API_KEY: &str = "tv-api-key-0123456789";

fn builder(api_key: &str) -> templated_values::ClientBuilder {
    templated_values::Client::builder(templated_values::Inputs {
        app_key: Secret::new(APP_KEY),
        api_key: Secret::new(api_key),
        client_id: "app-41c2".into(),
        account: "acct-9000".into(),
        instance: "acme.vendor.example".into(),
    })
}

/// Method, URL, headers (in order, sensitive ones marked) and body, with every key masked.
fn render(request: &http::Request<Vec<u8>>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        let sensitive = if value.is_sensitive() {
            " (sensitive)"
        } else {
            ""
        };
        let value = value.to_str().unwrap_or("<binary>");
        out.push_str(&format!("{name}: {value}{sensitive}\n"));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(request.body()));
    out.replace(APP_KEY, "***").replace(API_KEY, "***")
}

#[test]
fn the_request_snapshot_shows_every_header_and_the_typed_body_with_keys_masked() {
    let client = builder(API_KEY)
        .input(templated_values::OptionalInput::Region, "eu")
        .build()
        .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request), @r#"
    POST https://api.vendor.example/v2/auth/token
    accept: application/json
    x-api-version: 2
    x-region: region=eu
    x-app-key: *** (sensitive)
    authorization: Bearer *** (sensitive)
    content-type: application/json

    {"audience":"https://acme.vendor.example/api","grant_type":"client_credentials","lifetime":3600,"literal":"{acct-9000}","offline":true,"options":{"limits":{"burst":2.5,"rate":10},"scopes":["read","write"]},"subject":"app-41c2:acct-9000"}
    "#);
}

#[tokio::test]
async fn the_server_gets_both_key_headers_and_the_json_body() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": "tv-access-1", "token_type": "Bearer", "expires_in": 600}),
    )]);
    let client = builder(API_KEY)
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client");
    let token = client.fetch_token().await.expect("token");
    assert_eq!(token.access_token.expose(), "tv-access-1");
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/v2/auth/token");
    assert_eq!(request.query(), None);
    assert_eq!(request.header_values("x-app-key"), [APP_KEY]);
    assert_eq!(
        request.header_values("authorization"),
        [format!("Bearer {API_KEY}").as_str()]
    );
    assert_eq!(request.header_values("x-api-version"), ["2"]);
    // An optional input left unset: the header built from it alone is not sent.
    assert!(request.header_values("x-region").is_empty());
    assert_eq!(request.header_values("content-type"), ["application/json"]);
    assert_eq!(
        request.json(),
        Some(json!({
            "grant_type": "client_credentials",
            "subject": "app-41c2:acct-9000",
            "audience": "https://acme.vendor.example/api",
            "lifetime": 3600,
            "offline": true,
            "options": {"scopes": ["read", "write"], "limits": {"rate": 10, "burst": 2.5}},
            "literal": "{acct-9000}",
        }))
    );
}

#[tokio::test]
async fn a_server_echoing_the_key_headers_never_shows_them_in_the_error() {
    let server = TestServer::with_handler(|request| {
        let echoed: Vec<String> = request
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {value}"))
            .collect();
        Reply::json(
            401,
            &json!({"error": "invalid_client", "error_description": echoed.join("; ")}),
        )
    });
    let client = builder(API_KEY)
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client");
    let error = client.fetch_token().await.expect_err("refused");
    let text = format!("{error} {error:?}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains(API_KEY) && !text.contains(APP_KEY), "{text}");
}

#[tokio::test]
async fn a_key_that_would_break_a_header_never_reaches_the_wire() {
    let server = TestServer::start([]);
    for hostile in ["key\r\nX-Injected: 1", "key\nX-Injected: 1", "key\0"] {
        let built = builder(hostile)
            .base_url(&server.base_url())
            .expect("loopback base URL")
            .build();
        let error = match built {
            Err(e) => e,
            Ok(client) => client.fetch_token().await.expect_err("refused"),
        };
        let Error::InvalidInput(invalid) = &error else {
            panic!("{hostile:?}: {error}");
        };
        assert_eq!(invalid.input, "api_key");
        assert!(!error.to_string().contains("X-Injected"));
    }
    assert_eq!(server.request_count(), 0);
}
