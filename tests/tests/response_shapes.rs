//! Wire tests of the other response shapes (spec format 1.1, docs/spec-format.md §10.6): the
//! modules generated from `generator/tests/fixtures/form_response.yaml` and `header_token.yaml`
//! (committed there, kept fresh by `generator/tests/response_shapes.rs`) against a local server
//! answering each shape.
//!
//! - `response.format: form`: the request asks for form pairs (`Accept`, RFC 9110 §12.5.1); a
//!   success is `access_token=...&expires_in=...` pairs typed as a JSON body's fields are; an
//!   RFC 6749 §5.2 error is `error=...&error_description=...` pairs, with status 400 or, as
//!   GitHub sends a failed code exchange, 200. Hostile pairs (repeated names, RFC 6749 §3.1;
//!   bad percent-encoding; bytes that are not UTF-8; JSON; a body over the limit) are typed
//!   errors that never show a value.
//! - `header:`: the token comes from `X-Subject-Token` (OpenStack Keystone v3), looked up
//!   case-insensitively (RFC 9110 §5.1), secret like any secret field; a missing one is an
//!   unexpected response naming the header and the field.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/form_response_generated.rs"]
mod form_response;

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/header_token_generated.rs"]
mod header_token;

use std::time::Duration;
use tokenspec_runtime::{Error, HttpOptions, OAuthErrorCode, Secret, TokenType};
use tokenspec_tests::{Reply, TestServer, sorted_pairs};

const CLIENT_SECRET: &str = "fr-secret-1";
const ACCESS: &str = "gho_16C7e42F292c6912E7710c838347Ae178B4a";
const REFRESH: &str = "ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1cc";
const FORM: &str = "application/x-www-form-urlencoded";

fn form_client(server: &TestServer) -> form_response::Client {
    form_client_with(server, HttpOptions::default())
}

fn form_client_with(server: &TestServer, options: HttpOptions) -> form_response::Client {
    form_response::Client::builder(form_response::Inputs {
        client_id: "Iv1.8a61f9b3a7aba766".into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .http_options(options)
    .build()
    .expect("client")
}

/// The pairs of a GitHub App user token, in the order its documentation shows.
fn token_pairs() -> String {
    format!(
        "access_token={ACCESS}&expires_in=28800&refresh_token={REFRESH}\
         &refresh_token_expires_in=15811200&scope=repo%2Cgist&token_type=bearer"
    )
}

fn unexpected<B: std::fmt::Debug>(error: Error<B>) -> tokenspec_runtime::UnexpectedResponse {
    match error {
        Error::UnexpectedResponse(e) => *e,
        other => panic!("not an unexpected response: {other:?}"),
    }
}

#[tokio::test]
async fn a_form_answer_is_typed_like_a_json_one() {
    let server = TestServer::start([Reply::text(200, FORM, token_pairs())]);
    let token = form_client(&server)
        .exchange_code("code-1")
        .await
        .expect("token");
    let request = server.only_request();
    assert_eq!(request.header_values("accept"), [FORM]);
    assert_eq!(
        sorted_pairs(&request.form()),
        sorted_pairs(&[
            ("grant_type", "authorization_code"),
            ("code", "code-1"),
            ("redirect_uri", "https://app.example/callback"),
            ("client_id", "Iv1.8a61f9b3a7aba766"),
            ("client_secret", CLIENT_SECRET),
        ])
    );
    assert_eq!(token.access_token.expose(), ACCESS);
    assert_eq!(token.token_type, TokenType::Bearer);
    // Numeric text is seconds; the scope list is split on the spec's `,` after decoding.
    assert_eq!(token.expires_in, Some(Duration::from_secs(28800)));
    assert_eq!(
        token.refresh_token_expires_in,
        Some(Duration::from_secs(15_811_200))
    );
    assert_eq!(
        token.scope,
        Some(vec!["repo".to_owned(), "gist".to_owned()])
    );
    assert_eq!(
        token.refresh_token.as_ref().map(Secret::expose),
        Some(REFRESH)
    );
    // Secrets stay secret however they arrived.
    let debug = format!("{token:?}");
    assert!(
        !debug.contains(ACCESS) && !debug.contains(REFRESH),
        "{debug}"
    );
}

#[tokio::test]
async fn the_content_type_does_not_decide_a_form_spec() {
    // GitHub has been seen labelling form pairs application/json (community discussion
    // 101123): `form` reads the body as declared, whatever the label.
    let server = TestServer::start([Reply::text(200, "application/json", token_pairs())]);
    let token = form_client(&server)
        .refresh(&Secret::new(REFRESH))
        .await
        .expect("token");
    assert_eq!(token.access_token.expose(), ACCESS);
    let request = server.only_request();
    assert_eq!(request.header_values("accept"), [FORM]);
    assert!(
        request
            .form()
            .contains(&("grant_type".to_owned(), "refresh_token".to_owned()))
    );
}

#[tokio::test]
async fn a_form_error_body_is_the_typed_oauth_error_with_status_400_or_200() {
    let pairs = "error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.\
                 &error_uri=https%3A%2F%2Fforms.example%2Fdocs%2Foauth%2Ferrors";
    for status in [400, 200] {
        let server = TestServer::start([Reply::text(status, FORM, pairs)]);
        let error = form_client(&server)
            .exchange_code("code-2")
            .await
            .expect_err("an error");
        let Error::Provider(provider) = &error else {
            panic!("{status}: not a provider error: {error:?}");
        };
        assert_eq!(provider.status, status);
        assert_eq!(
            provider.body.error,
            OAuthErrorCode::Other("bad_verification_code".into())
        );
        assert_eq!(
            provider.body.error_description.as_deref(),
            Some("The code passed is incorrect or expired.")
        );
        assert_eq!(
            provider.body.error_uri.as_deref(),
            Some("https://forms.example/docs/oauth/errors")
        );
    }
    // A registered RFC 6749 code is the typed variant.
    let server = TestServer::start([Reply::text(400, FORM, "error=invalid_grant")]);
    let error = form_client(&server)
        .refresh(&Secret::new(REFRESH))
        .await
        .expect_err("an error");
    assert!(
        matches!(&error, Error::Provider(p) if p.body.error == OAuthErrorCode::InvalidGrant),
        "{error:?}"
    );
}

#[tokio::test]
async fn hostile_form_answers_are_typed_errors_that_show_no_value() {
    // Every token value carries the marker `v4lue`: no error may show it.
    let cases: [(&[u8], &str); 6] = [
        (
            b"access_token=v4lue1&access_token=v4lue2&token_type=bearer",
            "`access_token` more than once",
        ),
        (
            b"access_token=%zzv4lue3&token_type=bearer",
            "not followed by two hex digits",
        ),
        (b"access_token=%FF%FEv4lue4&token_type=bearer", "not UTF-8"),
        (b"access_token=\xffv4lue5&token_type=bearer", "not UTF-8"),
        (
            br#"{"access_token": "v4lue6", "token_type": "bearer"}"#,
            "the body looks like JSON",
        ),
        (
            b"token_type=bearer&expires_in=soon",
            "required field `access_token` is missing",
        ),
    ];
    for (body, says) in cases {
        let server = TestServer::start([Reply::text(200, FORM, body.to_vec())]);
        let error = form_client(&server)
            .exchange_code("code-3")
            .await
            .expect_err("refused");
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("v4lue"), "{shown}");
        let e = unexpected(error);
        assert!(e.reason.contains(says), "{says}: {}", e.reason);
        assert_eq!(server.request_count(), 1);
    }
    // A value of the wrong type names the field, as for JSON.
    let server = TestServer::start([Reply::text(
        200,
        FORM,
        format!("access_token={ACCESS}&token_type=bearer&expires_in=8h"),
    )]);
    let e = unexpected(
        form_client(&server)
            .exchange_code("code-4")
            .await
            .expect_err("refused"),
    );
    assert!(
        e.reason
            .contains("field `expires_in` is not a whole number of seconds"),
        "{}",
        e.reason
    );
    assert!(!e.excerpt.contains(ACCESS), "{}", e.excerpt);
}

#[tokio::test]
async fn a_huge_form_body_is_stopped_at_the_body_limit() {
    let body = format!("{}&padding={}", token_pairs(), "x".repeat(64 * 1024));
    let server = TestServer::start([Reply::chunked(200, FORM, body.as_bytes(), 4096)]);
    let error = form_client_with(
        &server,
        HttpOptions {
            body_limit: 16 * 1024,
            ..HttpOptions::default()
        },
    )
    .exchange_code("code-5")
    .await
    .expect_err("too large");
    assert!(
        matches!(&error, Error::Transport(e) if e.kind == tokenspec_runtime::TransportErrorKind::BodyTooLarge),
        "{error:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// A token in a response header.

const SUBJECT_TOKEN: &str = "gAAAAABnS0x4Vf1lQ-subject-token";
const AC_SECRET: &str = "ht-secret-2";

fn header_client(server: &TestServer) -> header_token::Client {
    header_token::Client::builder(header_token::Inputs {
        application_credential_id: "423f19a4ac1e4f48bbb4180756e6eb6c".into(),
        application_credential_secret: AC_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
}

fn keystone_body() -> serde_json::Value {
    serde_json::json!({
        "token": {
            "expires_at": "2099-11-29T21:26:52.999747Z",
            "issued_at": "2099-11-29T20:26:52.999819Z",
            "methods": ["application_credential"],
            "user": {"id": "bb6c14b425e34251a7d6114dbab87722", "name": "admin"},
        }
    })
}

#[tokio::test]
async fn the_token_is_read_from_its_header_in_any_case() {
    // Keystone answers 201 Created; HTTP/1.1 servers send header names in any case.
    let server = TestServer::start([Reply::json(201, &keystone_body())
        .header("x-subject-token", SUBJECT_TOKEN)
        .header("X-OPENSTACK-REQUEST-ID", "req-5a84a013")]);
    let token = header_client(&server).fetch_token().await.expect("token");
    let request = server.only_request();
    assert_eq!(request.path(), "/v3/auth/tokens");
    assert_eq!(request.header_values("accept"), ["application/json"]);
    assert_eq!(
        request.json(),
        Some(serde_json::json!({
            "application_credential_id": "423f19a4ac1e4f48bbb4180756e6eb6c",
            "application_credential_secret": AC_SECRET,
        }))
    );
    assert_eq!(token.access_token.expose(), SUBJECT_TOKEN);
    // The body's RFC 3339 expiry, typed (a header field and a body field in one response);
    // datetime fields keep milliseconds.
    assert_eq!(
        token.expires_at,
        std::time::UNIX_EPOCH + Duration::new(4_099_670_812, 999_000_000)
    );
    assert_eq!(
        token.user_id.as_deref(),
        Some("bb6c14b425e34251a7d6114dbab87722")
    );
    assert_eq!(token.request_id.as_deref(), Some("req-5a84a013"));
    let debug = format!("{token:?}");
    assert!(!debug.contains(SUBJECT_TOKEN), "{debug}");
}

#[tokio::test]
async fn a_missing_token_header_is_a_typed_error_naming_the_field() {
    // A token in the body is not where the spec says: it is not taken from there either.
    let mut body = keystone_body();
    body["access_token"] = serde_json::json!("body-token");
    let server = TestServer::start([Reply::json(201, &body)]);
    let e = unexpected(
        header_client(&server)
            .fetch_token()
            .await
            .expect_err("no header"),
    );
    assert!(
        e.reason
            .contains("required header `X-Subject-Token` (field `access_token`) is missing"),
        "{}",
        e.reason
    );
    assert!(!e.excerpt.contains("body-token"), "{}", e.excerpt);
}

#[tokio::test]
async fn a_repeated_or_unreadable_token_header_is_refused() {
    let server = TestServer::start([Reply::json(201, &keystone_body())
        .header("X-Subject-Token", SUBJECT_TOKEN)
        .header("X-Subject-Token", "second-subject-token")]);
    let e = unexpected(
        header_client(&server)
            .fetch_token()
            .await
            .expect_err("twice"),
    );
    assert!(e.reason.contains("sent more than once"), "{}", e.reason);
    assert!(!e.reason.contains(SUBJECT_TOKEN) && !e.reason.contains("second-subject-token"));
}

#[tokio::test]
async fn an_error_answer_is_the_custom_error_body_whatever_the_headers() {
    let server = TestServer::start([Reply::json(
        401,
        &serde_json::json!({"error": {
            "code": 401,
            "message": "The request you have made requires authentication.",
            "title": "Unauthorized",
        }}),
    )
    .header("X-Subject-Token", "never-a-token")]);
    let error = header_client(&server)
        .fetch_token()
        .await
        .expect_err("an error");
    let Error::Provider(provider) = &error else {
        panic!("not a provider error: {error:?}");
    };
    assert_eq!(provider.status, 401);
    assert_eq!(provider.body.code, 401);
    assert_eq!(provider.body.title.as_deref(), Some("Unauthorized"));
}

// ---------------------------------------------------------------------------------------------
// Wire-request snapshots: what each shape's request looks like, its `Accept` header first
// among them. Secrets are masked.

fn render(request: &http::Request<Vec<u8>>, secrets: &[&str]) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        let value = value.to_str().expect("ascii header");
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push('\n');
    out.push_str(std::str::from_utf8(request.body()).expect("utf-8 body"));
    for secret in secrets {
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        out = out.replace(&encoded, "***").replace(secret, "***");
    }
    out
}

#[test]
fn form_response_authorization_code_request() {
    let client = form_response::Client::builder(form_response::Inputs {
        client_id: "Iv1.8a61f9b3a7aba766".into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .build()
    .expect("client");
    let request = client.exchange_code("code-1").request().expect("request");
    insta::assert_snapshot!(render(&request, &[CLIENT_SECRET, "code-1"]));
}

#[test]
fn form_response_refresh_token_request() {
    let client = form_response::Client::builder(form_response::Inputs {
        client_id: "Iv1.8a61f9b3a7aba766".into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .build()
    .expect("client");
    let request = client
        .refresh(&Secret::new(REFRESH))
        .request()
        .expect("request");
    insta::assert_snapshot!(render(&request, &[CLIENT_SECRET, REFRESH]));
}

#[test]
fn header_token_none_request() {
    let client = header_token::Client::builder(header_token::Inputs {
        application_credential_id: "423f19a4ac1e4f48bbb4180756e6eb6c".into(),
        application_credential_secret: AC_SECRET.into(),
    })
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request, &[AC_SECRET]));
}
