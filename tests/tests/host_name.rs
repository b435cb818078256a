//! Wire test of a whole host name as an input (spec format 1.1, docs/spec-format.md 4.3): the
//! module generated from `generator/tests/fixtures/host_name.yaml` (committed there and kept
//! fresh by `generator/tests/host_name.rs`). Its token URL is
//! `https://{host}/realms/{realm}/protocol/openid-connect/token`; the host input may carry a
//! port (`allow_port: true`) and is checked as a DNS host name (RFC 1123 §2.1).
//!
//! - The request a client builds goes to the host it was given, and a request snapshot records
//!   the whole request (method, URL, headers with the credentials redacted, body).
//! - Against a local server (the base URL replaces scheme, host and port, as a test or a proxy
//!   does): a client-credentials POST with HTTP Basic (RFC 6749 §2.3.1, §4.4.2) to the realm's
//!   path, and the host input is still checked: a value that is not a host name never reaches
//!   the wire.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/host_name_generated.rs"]
mod host_name;

use serde_json::json;
use tokenspec_runtime::{Error, Secret};
use tokenspec_tests::{Reply, TestServer, sorted_pairs};

const SECRET: &str = "hn-client-secret-value";

fn builder(host: &str) -> host_name::ClientBuilder {
    host_name::Client::builder(host_name::Inputs {
        host: host.into(),
        realm: "acme".into(),
        client_id: "svc".into(),
        client_secret: Secret::new(SECRET),
    })
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

#[test]
fn the_request_goes_to_the_given_host_and_port() {
    let client = builder("sso.example.com:8443").build().expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request), @r"
    POST https://sso.example.com:8443/realms/acme/protocol/openid-connect/token
    accept: application/json
    authorization: <redacted>
    content-type: application/x-www-form-urlencoded

    grant_type=client_credentials
    ");
}

#[tokio::test]
async fn a_client_credentials_post_reaches_the_realm_path_with_basic_credentials() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": "hn-access-1", "token_type": "Bearer", "expires_in": 300}),
    )]);
    let client = builder("sso.example.com")
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client");
    let token = client.fetch_token().await.expect("token");
    assert_eq!(token.access_token.expose(), "hn-access-1");
    assert_eq!(token.expires_in, Some(std::time::Duration::from_secs(300)));
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/realms/acme/protocol/openid-connect/token");
    assert_eq!(request.query(), None);
    assert_eq!(
        request.basic_auth(),
        Some(("svc".to_string(), SECRET.to_string()))
    );
    assert_eq!(
        sorted_pairs(&request.form()),
        sorted_pairs(&[("grant_type", "client_credentials")])
    );
    assert_eq!(
        request.header_values("content-type"),
        ["application/x-www-form-urlencoded"]
    );
}

#[tokio::test]
async fn a_value_that_is_not_a_host_name_never_reaches_the_wire() {
    let server = TestServer::start([]);
    for value in [
        "user:pw@sso.example.com",
        "evil.example/x",
        "169.254.169.254",
        "sso.example.com.",
    ] {
        let built = builder(value)
            .base_url(&server.base_url())
            .expect("loopback base URL")
            .build();
        let error = match built {
            Err(e) => e,
            Ok(client) => client.fetch_token().await.expect_err("refused"),
        };
        let Error::InvalidInput(invalid) = &error else {
            panic!("{value}: {error}");
        };
        assert_eq!(invalid.input, "host", "{value}");
        assert!(!error.to_string().contains(SECRET));
    }
    assert_eq!(server.request_count(), 0);
}
