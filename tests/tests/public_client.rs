//! Wire test of a public client (spec format 1.1, docs/spec-format.md "Public clients"): the
//! module generated from `generator/tests/fixtures/public_client.yaml` (committed there and
//! kept fresh by `generator/tests/public_client.rs`) against a local server that checks what
//! the RFCs prescribe for a client with an id and no secret:
//!
//! - the code exchange is a form POST of `grant_type`, `code`, `redirect_uri`, `client_id` and
//!   `code_verifier` (RFC 6749 §4.1.3, RFC 7636 §4.5), with no `client_secret` and no
//!   `Authorization` header (RFC 6749 §2.1: a public client has no credentials to send);
//! - a refresh sends `grant_type`, `refresh_token` and `client_id` (§6), likewise.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/public_client_generated.rs"]
mod public_client;

use serde_json::json;
use std::time::Duration;
use tokenspec_runtime::{Secret, TokenType};
use tokenspec_tests::{RecordedRequest, Reply, TestServer, sorted_pairs};

const CLIENT_ID: &str = "app-7f3e";
const REDIRECT_URI: &str = "com.example.app:/oauth2redirect";
/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn client(server: &TestServer) -> public_client::Client {
    public_client::Client::builder(public_client::Inputs {
        client_id: CLIENT_ID.into(),
        redirect_uri: REDIRECT_URI.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
}

fn token_reply(access: &str, refresh: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": refresh,
            "scope": "openid offline_access",
        }),
    )
}

/// A form POST to the token path with exactly `expected`, and nothing that authenticates.
fn assert_public_request(request: &RecordedRequest, expected: &[(&str, &str)]) {
    assert_eq!(request.method, "POST", "{request:#?}");
    assert_eq!(request.path(), "/oauth/token", "{request:#?}");
    assert_eq!(request.query(), None, "{request:#?}");
    assert_eq!(
        request.header_values("content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert_eq!(request.header_values("accept"), ["application/json"]);
    assert_eq!(sorted_pairs(&request.form()), sorted_pairs(expected));
    assert_eq!(request.header("authorization"), None, "{request:#?}");
    assert!(
        !request.body_text().contains("secret"),
        "no client secret: {request:#?}"
    );
}

#[tokio::test]
async fn the_code_exchange_sends_client_id_and_code_verifier_and_no_secret() {
    let server = TestServer::start([token_reply("pc-access-1", "pc-refresh-1")]);
    let token = client(&server)
        .exchange_code("code-123", &Secret::new(VERIFIER))
        .await
        .expect("token");
    assert_public_request(
        &server.only_request(),
        &[
            ("grant_type", "authorization_code"),
            ("code", "code-123"),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", VERIFIER),
            ("client_id", CLIENT_ID),
        ],
    );
    assert_eq!(token.access_token.expose(), "pc-access-1");
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Some(Duration::from_secs(3600)));
    assert_eq!(
        token.refresh_token.as_ref().map(Secret::expose),
        Some("pc-refresh-1")
    );
}

#[tokio::test]
async fn the_refresh_sends_client_id_and_no_secret() {
    let server = TestServer::start([token_reply("pc-access-2", "pc-refresh-3")]);
    let token = client(&server)
        .refresh(&Secret::new("pc-refresh-2"))
        .await
        .expect("token");
    assert_public_request(
        &server.only_request(),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", "pc-refresh-2"),
            ("client_id", CLIENT_ID),
        ],
    );
    assert_eq!(token.access_token.expose(), "pc-access-2");
    assert_eq!(
        token.refresh_token.as_ref().map(Secret::expose),
        Some("pc-refresh-3"),
        "a rotated refresh token comes back"
    );
}
