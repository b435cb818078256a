//! Wire test of discovery (spec format 1.2, docs/spec-format.md 4.4): the module generated from
//! `generator/tests/fixtures/discovery.yaml` (committed there and kept fresh by
//! `generator/tests/discovery.rs`). Its environment gives `issuer:
//! https://{host}/realms/{realm}` with `discovery: openid` and no token or authorize URL.
//!
//! - Against a local server serving the OpenID Connect Discovery 1.0 document and the token
//!   endpoint (the base URL replaces scheme, host and port of every URL, the metadata's
//!   included): one metadata GET, then the token POST; later fetches, from the client or a
//!   clone, send the POST alone until the discovery TTL has passed.
//! - A hostile or broken document (another issuer, an endpoint that is plain http or on another
//!   host, a huge body, no JSON, no token endpoint, a 404) is a typed [`Error::Discovery`], and
//!   no token request is sent anywhere.
//! - Without a base URL, through a transport that serves the document: the request snapshot of
//!   the token request to the discovered URL, and the authorize URL.
//! - The blocking twin discovers too.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/discovery_generated.rs"]
mod discovery;

use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokenspec_runtime::{BoxFuture, DiscoveryErrorKind, Error, Secret, Transport, TransportError};
use tokenspec_tests::{Reply, TestServer, sorted_pairs};

const SECRET: &str = "disc-client-secret-value";
const ISSUER: &str = "https://sso.example.com/realms/acme";
const METADATA_PATH: &str = "/realms/acme/.well-known/openid-configuration";
const TOKEN_PATH: &str = "/realms/acme/protocol/openid-connect/token";

fn inputs() -> discovery::Inputs {
    discovery::Inputs {
        host: "sso.example.com".into(),
        realm: "acme".into(),
        client_id: "svc".into(),
        client_secret: Secret::new(SECRET),
    }
}

/// A Keycloak-like document: the issuer, its endpoints and members the runtime ignores.
fn metadata() -> serde_json::Value {
    json!({
        "issuer": ISSUER,
        "authorization_endpoint": format!("{ISSUER}/protocol/openid-connect/auth"),
        "token_endpoint": format!("{ISSUER}/protocol/openid-connect/token"),
        "jwks_uri": format!("{ISSUER}/protocol/openid-connect/certs"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
    })
}

/// A server answering the document at its well-known path with `document`, and a token at
/// the token endpoint.
fn server(document: Reply) -> TestServer {
    TestServer::with_handler(move |request| match request.path() {
        METADATA_PATH => document.clone(),
        TOKEN_PATH => Reply::json(
            200,
            &json!({
                "access_token": format!("disc-access-{}", request.index),
                "token_type": "Bearer",
                "expires_in": 300,
            }),
        ),
        _ => Reply::new(404),
    })
}

fn client(server: &TestServer) -> discovery::Client {
    discovery::Client::builder(inputs())
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client")
}

#[tokio::test]
async fn one_metadata_get_then_the_token_post_and_the_endpoints_are_kept() {
    let server = server(Reply::json(200, &metadata()));
    let client = client(&server);
    let token = client.fetch_token().await.expect("token");
    assert_eq!(token.access_token.expose(), "disc-access-1");
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    // OpenID Connect Discovery 1.0 section 4.1: a GET of the well-known document.
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].target, METADATA_PATH);
    assert_eq!(requests[0].header("accept"), Some("application/json"));
    assert_eq!(requests[0].header("authorization"), None);
    assert!(requests[0].body.is_empty());
    // Then the token request, to the discovered endpoint, as without discovery.
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].target, TOKEN_PATH);
    assert_eq!(
        requests[1].basic_auth(),
        Some(("svc".to_string(), SECRET.to_string()))
    );
    assert_eq!(
        sorted_pairs(&requests[1].form()),
        sorted_pairs(&[("grant_type", "client_credentials")])
    );

    // The endpoints are kept: the next fetch, and a clone's, send the token request alone.
    client.fetch_token().await.expect("second token");
    client.clone().fetch_token().await.expect("a clone's token");
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(
        targets,
        [METADATA_PATH, TOKEN_PATH, TOKEN_PATH, TOKEN_PATH],
        "{requests:#?}"
    );
}

#[tokio::test]
async fn the_metadata_is_read_again_once_the_ttl_has_passed() {
    let server = server(Reply::json(200, &metadata()));
    let mut client = tokenspec_runtime::Client::new(&discovery::PROVIDER);
    for (name, value) in [
        ("host", "sso.example.com"),
        ("realm", "acme"),
        ("client_id", "svc"),
        ("client_secret", SECRET),
    ] {
        client.set::<()>(name, value).expect("input");
    }
    client
        .set_base_url::<()>(&server.base_url())
        .expect("loopback base URL");
    // No TTL: every fetch reads the document first.
    client.set_discovery_ttl(Duration::ZERO);
    for _ in 0..2 {
        client
            .fetch(tokenspec_runtime::GrantKind::ClientCredentials, &[])
            .await
            .expect("token");
    }
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(
        targets,
        [METADATA_PATH, TOKEN_PATH, METADATA_PATH, TOKEN_PATH]
    );
}

/// `document` served as the metadata: the fetch fails with a discovery error of `kind`, and
/// nothing but the metadata GET reached the server.
async fn refused(document: Reply, kind: DiscoveryErrorKind, says: &str) {
    let server = server(document);
    let client = client(&server);
    let error = client.fetch_token().await.expect_err("refused");
    let Error::Discovery(e) = &error else {
        panic!("{says}: not a discovery error: {error}");
    };
    assert_eq!(e.kind, kind, "{error}");
    assert!(error.to_string().contains(says), "{error}");
    assert_eq!(e.issuer, ISSUER);
    assert!(!error.to_string().contains(SECRET));
    assert!(!format!("{error:?}").contains(SECRET));
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, [METADATA_PATH], "{error}");
}

fn with(member: &str, value: serde_json::Value) -> Reply {
    let mut document = metadata();
    document[member] = value;
    Reply::json(200, &document)
}

#[tokio::test]
async fn a_document_for_another_issuer_is_refused() {
    // RFC 8414 section 3.3: identical, so neither another host nor a trailing slash.
    for issuer in [
        "https://evil.example/realms/acme",
        "https://sso.example.com/realms/acme/",
        "https://SSO.example.com/realms/acme",
    ] {
        refused(
            with("issuer", json!(issuer)),
            DiscoveryErrorKind::IssuerMismatch,
            "not the configured one",
        )
        .await;
    }
}

#[tokio::test]
async fn an_endpoint_off_the_issuers_host_or_not_https_is_refused() {
    for (endpoint, says) in [
        ("http://sso.example.com/realms/acme/token", "plain http"),
        ("https://evil.example/realms/acme/token", "issuer's host"),
        (
            "https://sso.example.com.evil.example/token",
            "issuer's host",
        ),
        ("https://sso.example.com:8443/token", "issuer's host"),
        ("https://user:pw@sso.example.com/token", "user info"),
        ("https://sso.example.com/token#x", "fragment"),
    ] {
        refused(
            with("token_endpoint", json!(endpoint)),
            DiscoveryErrorKind::EndpointRefused,
            says,
        )
        .await;
    }
    // The authorize URL is checked as well, though no token request needs it.
    refused(
        with(
            "authorization_endpoint",
            json!("https://phish.example/auth"),
        ),
        DiscoveryErrorKind::EndpointRefused,
        "authorization_endpoint",
    )
    .await;
}

#[tokio::test]
async fn a_huge_broken_or_missing_document_is_refused() {
    let huge = format!(
        "{{\"issuer\":\"{ISSUER}\",\"padding\":\"{}\"}}",
        "x".repeat(100 * 1024)
    );
    refused(
        Reply::text(200, "application/json", huge),
        DiscoveryErrorKind::TooLarge,
        "more than 65536 bytes",
    )
    .await;
    refused(
        Reply::text(200, "text/html", "<html>sign in</html>"),
        DiscoveryErrorKind::NotJson,
        "not JSON",
    )
    .await;
    refused(
        Reply::json(200, &json!(["issuer", ISSUER])),
        DiscoveryErrorKind::NotJson,
        "not a metadata document",
    )
    .await;
    refused(
        with("token_endpoint", json!(42)),
        DiscoveryErrorKind::NotJson,
        "not a metadata document",
    )
    .await;
    let mut document = metadata();
    document
        .as_object_mut()
        .expect("an object")
        .remove("token_endpoint");
    refused(
        Reply::json(200, &document),
        DiscoveryErrorKind::EndpointMissing,
        "no `token_endpoint`",
    )
    .await;
    refused(Reply::new(404), DiscoveryErrorKind::Unreachable, "HTTP 404").await;
}

#[tokio::test]
async fn a_refused_document_is_not_kept() {
    let answers = Arc::new(Mutex::new(vec![
        Reply::json(200, &metadata()),
        with("issuer", json!("https://evil.example/realms/acme")),
    ]));
    let server = TestServer::with_handler(move |request| match request.path() {
        METADATA_PATH => answers
            .lock()
            .expect("not poisoned")
            .pop()
            .unwrap_or_else(|| Reply::new(500)),
        TOKEN_PATH => Reply::json(200, &json!({"access_token": "a", "token_type": "Bearer"})),
        _ => Reply::new(404),
    });
    let client = client(&server);
    assert!(matches!(
        client.fetch_token().await,
        Err(Error::Discovery(_))
    ));
    // The failure was not kept: the next fetch reads the document again, and succeeds.
    client.fetch_token().await.expect("token");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, [METADATA_PATH, METADATA_PATH, TOKEN_PATH]);
}

/// A transport serving `document` for every request (no server: the URLs stay the
/// provider's own), recording each request's method and URL.
struct Serves {
    document: serde_json::Value,
    seen: Mutex<Vec<String>>,
}

impl Transport for Serves {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        self.seen.lock().expect("not poisoned").push(format!(
            "{} {}",
            request.method(),
            request.uri()
        ));
        let body = self.document.to_string().into_bytes();
        Box::pin(async move {
            let mut response = http::Response::new(body);
            response.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            Ok(response)
        })
    }
}

/// Method, URL, headers (sorted, `Authorization` redacted) and body, one per line.
fn render(request: &http::Request<Vec<u8>>) -> String {
    let mut headers: Vec<String> = request
        .headers()
        .iter()
        .map(|(name, value)| {
            let value = if name == http::header::AUTHORIZATION {
                "<redacted>"
            } else {
                value.to_str().unwrap_or("<binary>")
            };
            format!("{name}: {value}")
        })
        .collect();
    headers.sort();
    format!(
        "{} {}\n{}\n\n{}",
        request.method(),
        request.uri(),
        headers.join("\n"),
        String::from_utf8_lossy(request.body())
    )
}

#[tokio::test]
async fn requests_go_to_the_discovered_urls() {
    let transport = Arc::new(Serves {
        document: metadata(),
        seen: Mutex::new(Vec::new()),
    });
    let client = discovery::Client::builder(inputs())
        .transport(transport.clone())
        .build()
        .expect("client");
    let endpoints = client
        .runtime()
        .discover()
        .await
        .expect("discovered")
        .expect("the environment has an issuer");
    assert_eq!(endpoints.issuer, ISSUER);
    assert_eq!(
        *transport.seen.lock().expect("not poisoned"),
        [format!("GET {ISSUER}/.well-known/openid-configuration")]
    );
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request), @r"
    POST https://sso.example.com/realms/acme/protocol/openid-connect/token
    accept: application/json
    authorization: <redacted>
    content-type: application/x-www-form-urlencoded

    grant_type=client_credentials
    ");
    let url = client.authorize_url("st-1").expect("authorize URL");
    assert_eq!(
        url.as_str(),
        "https://sso.example.com/realms/acme/protocol/openid-connect/auth?response_type=code&client_id=svc&state=st-1"
    );
}

#[test]
fn the_blocking_twin_discovers_too() {
    let server = server(Reply::json(200, &metadata()));
    let client = client(&server);
    let token = client.fetch_token().blocking().expect("token");
    assert_eq!(token.access_token.expose(), "disc-access-1");
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, [METADATA_PATH, TOKEN_PATH]);
}
