//! Wire tests of request shapes and a grant's own request (spec format 1.2, docs/spec-format.md
//! §7.1 and §8.9): the modules generated from `generator/tests/fixtures/refresh_elsewhere.yaml`
//! and `get_token.yaml` (committed there, kept fresh by `generator/tests/request_shapes.rs`)
//! against a local server that records exactly what arrives:
//!
//! - the client credentials grant posts its credentials in a form body to the token path
//!   (RFC 6749 §2.3.1, §4.4.2), while the refresh posts a JSON body to its own path with HTTP
//!   Basic (§6), whatever placement the caller picked;
//! - a token request by GET carries `grant_type` and every parameter in the query string and
//!   no body (RFC 9110 §9.3.1), the API key as the password of an empty Basic user (RFC 7617
//!   §2), or in the query string when the caller picks the `query` placement the spec accepts.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/refresh_elsewhere_generated.rs"]
mod refresh_elsewhere;

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/get_token_generated.rs"]
mod get_token;

use serde_json::json;
use tokenspec_runtime::Secret;
use tokenspec_tests::{RecordedRequest, Reply, TestServer, sorted_pairs};

const CLIENT_ID: &str = "app-41c2";
const CLIENT_SECRET: &str = "s3cr3t:+/=";
const API_KEY: &str = "key:with/odd+chars";

fn token_reply(access: &str) -> Reply {
    Reply::json(
        200,
        &json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "refresh-2",
        }),
    )
}

/// A request as one line per part: method and target, the headers that carry meaning here,
/// then the body. Nothing secret of a real deployment: these are the tests' own values.
fn render(request: &RecordedRequest) -> String {
    let mut out = format!("{} {}\n", request.method, request.target);
    for name in ["accept", "authorization", "content-type"] {
        for value in request.header_values(name) {
            out.push_str(&format!("{name}: {value}\n"));
        }
    }
    out.push_str(&request.body_text());
    out
}

#[tokio::test]
async fn client_credentials_posts_the_body_and_refresh_goes_to_its_own_url_with_basic() {
    let server = TestServer::start([token_reply("cc-1"), token_reply("refreshed-1")]);
    let client = refresh_elsewhere::Client::builder(refresh_elsewhere::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client");
    let token = client.fetch_token().await.expect("token");
    assert_eq!(token.access_token.expose(), "cc-1");
    let refreshed = client.refresh("refresh-1").await.expect("refreshed");
    assert_eq!(refreshed.access_token.expose(), "refreshed-1");

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    let (token_request, refresh_request) = (&requests[0], &requests[1]);
    assert_eq!(token_request.method, "POST");
    assert_eq!(token_request.path(), "/oauth/token");
    assert_eq!(token_request.query(), None);
    assert_eq!(token_request.header("authorization"), None);
    assert_eq!(
        sorted_pairs(&token_request.form()),
        sorted_pairs(&[
            ("grant_type", "client_credentials"),
            ("client_id", CLIENT_ID),
            ("client_secret", CLIENT_SECRET),
        ])
    );

    assert_eq!(refresh_request.method, "POST");
    assert_eq!(refresh_request.path(), "/oauth/refresh");
    assert_eq!(refresh_request.query(), None);
    // RFC 6749 §2.3.1: each part form-encoded before base64.
    assert_eq!(
        refresh_request.basic_auth(),
        Some((CLIENT_ID.to_owned(), "s3cr3t%3A%2B%2F%3D".to_owned()))
    );
    assert_eq!(
        refresh_request.json(),
        Some(json!({"grant_type": "refresh_token", "refresh_token": "refresh-1"}))
    );
    insta::assert_snapshot!(render(refresh_request), @r#"
    POST /oauth/refresh
    accept: application/json
    authorization: Basic YXBwLTQxYzI6czNjcjN0JTNBJTJCJTJGJTNE
    content-type: application/json
    {"grant_type":"refresh_token","refresh_token":"refresh-1"}
    "#);
}

#[tokio::test]
async fn the_refresh_keeps_basic_when_the_caller_picks_the_body() {
    let server = TestServer::start([token_reply("refreshed-1")]);
    let client = refresh_elsewhere::Client::builder(refresh_elsewhere::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(CLIENT_SECRET),
    })
    .credential_placement(refresh_elsewhere::CredentialPlacement::Body)
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client");
    client.refresh("refresh-1").await.expect("refreshed");
    let request = server.only_request();
    assert_eq!(request.path(), "/oauth/refresh");
    assert!(request.basic_auth().is_some(), "{request:#?}");
    assert!(
        !request.body_text().contains("client_secret"),
        "{}",
        request.body_text()
    );
}

fn get_client(server: &TestServer, placement: get_token::CredentialPlacement) -> get_token::Client {
    get_token::Client::builder(get_token::Inputs {
        api_key: Secret::new(API_KEY),
    })
    .input(get_token::OptionalInput::Scope, "read write")
    .credential_placement(placement)
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
}

#[tokio::test]
async fn a_get_sends_everything_in_the_query_and_the_key_as_the_basic_password() {
    let server = TestServer::start([token_reply("got-1")]);
    let token = get_client(&server, get_token::CredentialPlacement::Basic)
        .fetch_token()
        .await
        .expect("token");
    assert_eq!(token.access_token.expose(), "got-1");
    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path(), "/oauth/token");
    assert!(request.body.is_empty(), "{request:#?}");
    assert_eq!(request.header("content-type"), None);
    // RFC 7617 §2: an empty user-id; the key form-encoded as Basic passwords are (§6.2).
    assert_eq!(
        request.basic_auth(),
        Some((String::new(), "key%3Awith%2Fodd%2Bchars".to_owned()))
    );
    assert_eq!(
        request.query_pairs(),
        [
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("scope".to_owned(), "read write".to_owned()),
            ("format".to_owned(), "json".to_owned()),
        ]
    );
    insta::assert_snapshot!(render(&request), @r"
    GET /oauth/token?grant_type=client_credentials&scope=read+write&format=json
    accept: application/json
    authorization: Basic OmtleSUzQXdpdGglMkZvZGQlMkJjaGFycw==
    ");
}

#[tokio::test]
async fn a_get_stays_a_get_when_the_prepared_request_is_reused() {
    // The client builds a request without per-call inputs once and copies it for later
    // fetches (`Client::prepared`): the copy must keep the method, or a GET-only endpoint
    // answers the second fetch with 405 (RFC 9110 section 15.5.6).
    let server = TestServer::start([token_reply("got-a"), token_reply("got-b")]);
    let client = get_client(&server, get_token::CredentialPlacement::Basic);
    for expected in ["got-a", "got-b"] {
        let token = client.fetch_token().await.expect("token");
        assert_eq!(token.access_token.expose(), expected);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "GET", "{request:#?}");
        assert!(request.body.is_empty(), "{request:#?}");
        assert_eq!(
            request
                .query_pairs()
                .first()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            Some(("grant_type", "client_credentials"))
        );
    }
}

#[tokio::test]
async fn a_get_with_the_query_placement_sends_the_key_in_the_query_alone() {
    let server = TestServer::start([token_reply("got-2")]);
    get_client(&server, get_token::CredentialPlacement::Query)
        .fetch_token()
        .await
        .expect("token");
    let request = server.only_request();
    assert_eq!(request.method, "GET");
    assert_eq!(request.header("authorization"), None);
    assert!(request.body.is_empty(), "{request:#?}");
    assert_eq!(
        request.query_pairs(),
        [
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("scope".to_owned(), "read write".to_owned()),
            ("format".to_owned(), "json".to_owned()),
            ("api_key".to_owned(), API_KEY.to_owned()),
        ]
    );
}
