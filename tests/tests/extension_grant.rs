//! Wire test of extension grants (spec format 1.1, docs/spec-format.md "Extension grants"):
//! the module generated from `generator/tests/fixtures/extension_grant.yaml` (committed there
//! and kept fresh by `generator/tests/extension_grant.rs`) against a local server that checks
//! what RFC 6749 §4.5 prescribes for a grant the core specification does not define: the
//! client sends `grant_type` with the grant's own absolute URI or name and the parameters the
//! grant defines, form-encoded in a `POST` to the token endpoint (§4.5, appendix B), with its
//! client authentication (§2.3.1, HTTP Basic here):
//!
//! - `account_credentials` (a vendor name) sends `grant_type=account_credentials` and
//!   `account_id`;
//! - `token_exchange` sends `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
//!   `subject_token`, `subject_token_type` and, when given, `audience` (RFC 8693 §2.1);
//! - the first grant, which needs no per-request value, backs a token source that runs it again
//!   once the token is due.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/extension_grant_generated.rs"]
mod extension_grant;

use base64::Engine as _;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokenspec_runtime::{ManualClock, Secret, TokenType};
use tokenspec_tests::{RecordedRequest, Reply, TestServer, sorted_pairs};

const CLIENT_ID: &str = "app-41c2";
const CLIENT_SECRET: &str = "s3cr3t:+/=";
const ACCOUNT_ID: &str = "acct-9000";
const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

fn client(server: &TestServer) -> extension_grant::Client {
    extension_grant::Client::builder(extension_grant::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
        account_id: ACCOUNT_ID.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
}

fn token_reply(access: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "issued_token_type": ACCESS_TOKEN_TYPE,
        }),
    )
}

/// A form POST to the token path with exactly `expected` in the body, nothing in the query,
/// and the client's HTTP Basic credentials, each part form-encoded first (RFC 6749 §2.3.1).
fn assert_grant_request(request: &RecordedRequest, expected: &[(&str, &str)]) {
    assert_eq!(request.method, "POST", "{request:#?}");
    assert_eq!(request.path(), "/oauth/token", "{request:#?}");
    assert_eq!(request.query(), None, "{request:#?}");
    assert_eq!(
        request.header_values("content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert_eq!(request.header_values("accept"), ["application/json"]);
    let basic = request
        .header("authorization")
        .and_then(|v| v.strip_prefix("Basic "))
        .unwrap_or_else(|| panic!("HTTP Basic: {request:#?}"));
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(basic)
        .expect("base64");
    assert_eq!(
        String::from_utf8(decoded).expect("UTF-8"),
        "app-41c2:s3cr3t%3A%2B%2F%3D"
    );
    assert_eq!(sorted_pairs(&request.form()), sorted_pairs(expected));
    // RFC 6749 §4.5: the grant type comes first, as the core grants send theirs.
    assert!(
        request.body_text().starts_with("grant_type="),
        "{}",
        request.body_text()
    );
}

#[tokio::test]
async fn the_vendor_grant_posts_its_grant_type_and_account_id() {
    let server = TestServer::start([token_reply("account-token-1")]);
    let token = client(&server).account_credentials().await.expect("token");
    assert_grant_request(
        &server.only_request(),
        &[
            ("grant_type", "account_credentials"),
            ("account_id", ACCOUNT_ID),
        ],
    );
    assert_eq!(token.access_token.expose(), "account-token-1");
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Some(Duration::from_secs(3600)));
}

#[tokio::test]
async fn the_uri_grant_posts_the_urn_and_its_parameters() {
    let server = TestServer::start([token_reply("exchanged-1"), token_reply("exchanged-2")]);
    let client = client(&server);
    let token = client
        .token_exchange(
            &Secret::new("subject-token-1"),
            Some("https://api.vendor.example"),
        )
        .await
        .expect("token");
    assert_eq!(token.access_token.expose(), "exchanged-1");
    assert_eq!(token.issued_token_type.as_deref(), Some(ACCESS_TOKEN_TYPE));
    // Without the optional audience, the parameter is not sent at all.
    client
        .token_exchange(&Secret::new("subject-token-2"), None)
        .await
        .expect("token");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_grant_request(
        &requests[0],
        &[
            ("grant_type", TOKEN_EXCHANGE),
            ("subject_token", "subject-token-1"),
            ("subject_token_type", ACCESS_TOKEN_TYPE),
            ("audience", "https://api.vendor.example"),
        ],
    );
    assert_grant_request(
        &requests[1],
        &[
            ("grant_type", TOKEN_EXCHANGE),
            ("subject_token", "subject-token-2"),
            ("subject_token_type", ACCESS_TOKEN_TYPE),
        ],
    );
}

#[tokio::test]
async fn a_provider_error_reaches_the_caller_without_the_secrets() {
    let server = TestServer::start([Reply::json(
        400,
        &json!({
            "error": "unsupported_grant_type",
            "error_description": "account_credentials is off for s3cr3t:+/=",
        }),
    )]);
    let error = client(&server)
        .account_credentials()
        .await
        .expect_err("refused");
    let text = format!("{error} {error:?}");
    assert!(text.contains("unsupported_grant_type"), "{text}");
    assert!(!text.contains(CLIENT_SECRET), "{text}");
}

/// The first grant takes no per-request value, so it backs a token source as
/// `client_credentials` would: one request while the token is fresh, the same grant again once
/// it is due.
#[tokio::test]
async fn a_token_source_runs_the_extension_grant_again_when_due() {
    let server = TestServer::start([token_reply("first"), token_reply("second")]);
    let clock = Arc::new(ManualClock::new(SystemTime::now()));
    let source = client(&server).token_source().with_clock(clock.clone());
    assert_eq!(
        source.access_token().await.expect("first").expose(),
        "first"
    );
    assert_eq!(
        source.access_token().await.expect("cached").expose(),
        "first"
    );
    clock.advance(Duration::from_secs(7200));
    assert_eq!(
        source.access_token().await.expect("renewed").expose(),
        "second"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_grant_request(
            request,
            &[
                ("grant_type", "account_credentials"),
                ("account_id", ACCOUNT_ID),
            ],
        );
    }
}
