//! Wire tests: each generated client against a local server (`tokenspec_tests::TestServer`)
//! that checks the request the way the provider's document (`shared/seeds/<provider>.txt`)
//! prescribes it and answers with the documented success and error bodies.
//!
//! Each test checks method, path, query, `Content-Type`, `Accept: application/json`, where the
//! credentials travel (custom header, HTTP Basic decoded, form body, query string) and the
//! complete set of form parameters; then the typed `TokenResponse` field by field, JWT claims
//! where the document describes them, and the typed error for each documented error body.
//! `base_url` replaces scheme, host and port only, so the host each document names is checked
//! on the request built without it (`.request()`, no I/O).

use serde_json::json;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokenspec_provider_approvalmax as approvalmax;
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_provider_learnlink as learnlink;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_provider_smartway as smartway;
use tokenspec_runtime::{OAuthErrorCode, Secret, TokenType};
use tokenspec_tests::{
    RecordedRequest, Reply, TestServer, decode_form, sorted_pairs, unsigned_jwt,
};

/// The instant `secs` seconds after the Unix epoch: `timestamp` claims are typed `SystemTime`.
fn epoch(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Method, path and `Accept` of a token request.
fn assert_token_post(request: &RecordedRequest, path: &str) {
    assert_eq!(request.method, "POST", "method of {request:#?}");
    assert_eq!(request.path(), path, "path of {request:#?}");
    assert_eq!(
        request.header_values("accept"),
        ["application/json"],
        "Accept of {request:#?}"
    );
}

/// A form body with exactly `expected` (any order), no query string.
fn assert_form(request: &RecordedRequest, expected: &[(&str, &str)]) {
    assert_eq!(request.header_values("content-type"), [FORM]);
    assert_eq!(request.query(), None, "no query string expected");
    assert_eq!(sorted_pairs(&request.form()), sorted_pairs(expected));
}

fn scopes(list: &[&str]) -> Option<Vec<String>> {
    Some(list.iter().map(|s| (*s).to_owned()).collect())
}

fn uri<B>(request: &http::Request<B>) -> String {
    request.uri().to_string()
}

// ---------------------------------------------------------------------------------------------
// smartway: POST /api/v1/auth/token, X-API-Key header, no body; JWT with companyId and hrEmail.

const SW_KEY: &str = "sw-company-api-key-1";
const SW_SCOPE: &str =
    "academy.read academy.write employees.read employees.write tests.read tests.write files.read";

fn smartway_client(server: &TestServer) -> smartway::Client {
    smartway::Client::builder(smartway::Inputs {
        company_api_key: SW_KEY.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
}

#[tokio::test]
async fn smartway_none_sends_the_api_key_header_and_no_body() {
    let jwt = unsigned_jwt(&json!({
        "companyId": 4217,
        "hrEmail": "hr.admin@example.com",
        "exp": 1_900_000_000,
    }));
    let server = TestServer::start([Reply::json(
        200,
        &json!({
            "access_token": jwt,
            "token_type": "Bearer",
            "expires_in": 900,
            "scope": SW_SCOPE,
        }),
    )]);
    let token = smartway_client(&server).fetch_token().await.expect("token");

    let request = server.only_request();
    assert_token_post(&request, "/api/v1/auth/token");
    assert_eq!(request.query(), None);
    assert_eq!(request.header_values("x-api-key"), [SW_KEY]);
    assert_eq!(request.header("authorization"), None);
    assert_eq!(
        request.header("content-type"),
        None,
        "the document sends no body"
    );
    assert!(request.body.is_empty(), "body: {:?}", request.body_text());

    assert_eq!(token.access_token.expose(), jwt);
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Duration::from_secs(900));
    assert_eq!(
        token.scope,
        scopes(&[
            "academy.read",
            "academy.write",
            "employees.read",
            "employees.write",
            "tests.read",
            "tests.write",
            "files.read",
        ])
    );
    assert_eq!(
        token.bearer_header().to_str().expect("ascii"),
        format!("Bearer {jwt}")
    );
    let claims = token.claims().expect("claims");
    assert_eq!(claims.company_id, "4217");
    assert_eq!(claims.hr_email.as_deref(), Some("hr.admin@example.com"));

    // The document's URL, without base_url.
    let built = smartway::Client::builder(smartway::Inputs {
        company_api_key: SW_KEY.into(),
    })
    .build()
    .expect("client")
    .fetch_token()
    .request()
    .expect("request");
    assert_eq!(uri(&built), "https://smartway.pro/api/v1/auth/token");
}

#[tokio::test]
async fn smartway_absent_fields_take_the_spec_defaults() {
    let jwt = unsigned_jwt(&json!({"companyId": "c-42"}));
    let server = TestServer::start([Reply::json(200, &json!({"access_token": jwt}))]);
    let token = smartway_client(&server).fetch_token().await.expect("token");
    assert_eq!(server.request_count(), 1);
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Duration::from_secs(900), "900 s tokens");
    assert_eq!(token.scope, None);
    let claims = token.claims().expect("claims");
    assert_eq!(claims.company_id, "c-42");
    assert_eq!(claims.hr_email, None);

    // companyId is what tenant isolation rests on: a token without it has no typed claims.
    let without = unsigned_jwt(&json!({"hrEmail": "hr@example.com"}));
    let server = TestServer::start([Reply::json(200, &json!({"access_token": without}))]);
    let token = smartway_client(&server).fetch_token().await.expect("token");
    let error = token.claims().expect_err("companyId is required");
    assert!(error.to_string().contains("companyId"), "{error}");
}

#[tokio::test]
async fn smartway_html_error_page_is_an_unexpected_response() {
    let server = TestServer::always(Reply::text(
        502,
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ));
    let error = smartway_client(&server)
        .fetch_token()
        .await
        .expect_err("502");
    match error {
        smartway::Error::UnexpectedResponse(e) => {
            assert_eq!(e.status, 502);
            assert_eq!(e.content_type, "text/html");
            assert!(e.excerpt.contains("502 Bad Gateway"), "{}", e.excerpt);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert!(server.request_count() >= 1);
}

// ---------------------------------------------------------------------------------------------
// smartdocumentor: POST /connect/token, form body grant_type, scope=WebAPI, client_id,
// client_secret; RFC 6749 error body {"error": "invalid_client"}.

const SD_ID: &str = "sd-client-id";
/// Characters that form encoding must escape, to prove the server sees the exact secret.
const SD_SECRET: &str = "sd+sec/ret=&x y%2é";

fn smartdocumentor_client(server: &TestServer) -> smartdocumentor::Client {
    smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: SD_ID.into(),
        client_secret: SD_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
}

#[tokio::test]
async fn smartdocumentor_client_credentials_form_body_with_fixed_scope() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({
            "access_token": "sd-access-token",
            "expires_in": 3600,
            "token_type": "Bearer",
            "scope": "WebAPI",
        }),
    )]);
    let token = smartdocumentor_client(&server)
        .fetch_token()
        .await
        .expect("token");

    let request = server.only_request();
    assert_token_post(&request, "/connect/token");
    assert_form(
        &request,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "WebAPI"),
            ("client_id", SD_ID),
            ("client_secret", SD_SECRET),
        ],
    );
    assert_eq!(request.header("authorization"), None);

    assert_eq!(token.access_token.expose(), "sd-access-token");
    assert_eq!(token.expires_in, Duration::from_secs(3600));
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.scope, scopes(&["WebAPI"]));

    let built = smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: SD_ID.into(),
        client_secret: SD_SECRET.into(),
    })
    .build()
    .expect("client")
    .fetch_token()
    .request()
    .expect("request");
    assert_eq!(
        uri(&built),
        "https://cloud.smartdocumentor.net/connect/token"
    );
}

#[tokio::test]
async fn smartdocumentor_defaults_and_tolerances() {
    // expires_in absent: the documented default of 3600 s; token_type in another case.
    let server = TestServer::start([
        Reply::json(200, &json!({"access_token": "a", "token_type": "bearer"})),
        Reply::json(
            200,
            &json!({"access_token": "b", "expires_in": "3600", "token_type": "BEARER"}),
        ),
    ]);
    let client = smartdocumentor_client(&server);
    let token = client.fetch_token().await.expect("token");
    assert_eq!(token.expires_in, Duration::from_secs(3600));
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.scope, None);
    let token = client.fetch_token().await.expect("token");
    assert_eq!(token.access_token.expose(), "b");
    assert_eq!(token.expires_in, Duration::from_secs(3600));
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn smartdocumentor_invalid_client_is_a_typed_provider_error() {
    for status in [400, 401] {
        let server = TestServer::always(Reply::json(status, &json!({"error": "invalid_client"})));
        let error = smartdocumentor_client(&server)
            .fetch_token()
            .await
            .expect_err("invalid_client");
        match error {
            smartdocumentor::Error::Provider(e) => {
                assert_eq!(e.status, status);
                assert_eq!(e.body.error, OAuthErrorCode::InvalidClient);
                assert_eq!(e.body.error_description, None);
                assert_eq!(e.body.error_uri, None);
            }
            other => panic!("expected Provider, got {other:?}"),
        }
        assert_eq!(server.request_count(), 1, "a 4xx is answered once");
    }
}

#[tokio::test]
async fn smartdocumentor_http_200_with_an_oauth_error_is_an_error() {
    let server = TestServer::start([Reply::json(200, &json!({"error": "invalid_grant"}))]);
    let error = smartdocumentor_client(&server)
        .fetch_token()
        .await
        .expect_err("an error body is not a token");
    match error {
        smartdocumentor::Error::Provider(e) => {
            assert_eq!(e.status, 200);
            assert_eq!(e.body.error, OAuthErrorCode::InvalidGrant);
        }
        other => panic!("expected Provider, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// learnlink: POST /oauth2/token/{tenantId}; Basic tenant:secret (or client_id/client_secret in
// the body); optional scope; eight base URLs; error body {status, error, message}.

const LL_TENANT: &str = "eu-west-2_AbcdEfghI";
/// A password may contain `:` (only the user name may not).
const LL_SECRET: &str = "ll-secret:3+/=";

fn learnlink_builder(server: &TestServer) -> learnlink::ClientBuilder {
    learnlink::Client::builder(learnlink::Inputs {
        tenant_id: LL_TENANT.into(),
        client_secret: LL_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
}

fn learnlink_ok() -> Reply {
    Reply::json(
        200,
        &json!({
            "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln",
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "api/read api/write",
        }),
    )
}

#[tokio::test]
async fn learnlink_client_credentials_basic_with_scope() {
    let server = TestServer::start([learnlink_ok()]);
    let token = learnlink_builder(&server)
        .input(learnlink::OptionalInput::Scope, "api/read api/write")
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect("token");

    let request = server.only_request();
    assert_token_post(&request, &format!("/oauth2/token/{LL_TENANT}"));
    assert_eq!(
        request.basic_auth(),
        Some((LL_TENANT.to_owned(), LL_SECRET.to_owned())),
        "Basic: tenant ID as user, API secret as password"
    );
    assert!(
        request
            .header("authorization")
            .is_some_and(|v| v.starts_with("Basic ")),
        "{request:#?}"
    );
    assert_form(
        &request,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "api/read api/write"),
        ],
    );

    assert_eq!(
        token.access_token.expose(),
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.e30.c2ln"
    );
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Duration::from_secs(3600));
    assert_eq!(token.scope, scopes(&["api/read", "api/write"]));
}

#[tokio::test]
async fn learnlink_without_scope_sends_only_the_grant_type() {
    let server = TestServer::start([Reply::json(200, &json!({"access_token": "t"}))]);
    let token = learnlink_builder(&server)
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect("token");
    let request = server.only_request();
    assert_form(&request, &[("grant_type", "client_credentials")]);
    assert_eq!(
        request.basic_auth(),
        Some((LL_TENANT.to_owned(), LL_SECRET.to_owned()))
    );
    // Absent fields: the spec's defaults (the document's example lifetime).
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Duration::from_secs(3600));
    assert_eq!(token.scope, None);
}

#[tokio::test]
async fn learnlink_client_credentials_in_the_body_instead_of_basic() {
    let server = TestServer::start([learnlink_ok()]);
    let token = learnlink_builder(&server)
        .input(learnlink::OptionalInput::Scope, "api/webhooks")
        .credential_placement(learnlink::CredentialPlacement::Body)
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect("token");
    let request = server.only_request();
    assert_token_post(&request, &format!("/oauth2/token/{LL_TENANT}"));
    assert_eq!(request.header("authorization"), None, "no Basic as well");
    assert_form(
        &request,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", LL_TENANT),
            ("client_secret", LL_SECRET),
            ("scope", "api/webhooks"),
        ],
    );
    assert_eq!(token.scope, scopes(&["api/read", "api/write"]));
}

#[tokio::test]
async fn learnlink_every_environment_uses_the_documented_url() {
    use learnlink::Environment as E;
    let documented = [
        (E::Staging, "https://public.api.learnstaging.link"),
        (E::Production, "https://public.api.learn.link"),
        (E::StagingMea, "https://public.api.meastaging.learn.tech"),
        (E::ProductionMea, "https://public.api.mea.learn.tech"),
        (E::StagingWebhooks, "https://user.api.learnstaging.link"),
        (E::ProductionWebhooks, "https://user.api.learn.link"),
        (
            E::StagingMeaWebhooks,
            "https://user.api.meastaging.learn.tech",
        ),
        (E::ProductionMeaWebhooks, "https://user.api.mea.learn.tech"),
    ];
    let server = TestServer::always(Reply::json(200, &json!({"access_token": "t"})));
    for (i, (environment, origin)) in documented.into_iter().enumerate() {
        let built = learnlink::Client::builder(learnlink::Inputs {
            tenant_id: LL_TENANT.into(),
            client_secret: LL_SECRET.into(),
        })
        .environment(environment)
        .build()
        .expect("client")
        .fetch_token()
        .request()
        .expect("request");
        assert_eq!(
            uri(&built),
            format!("{origin}/oauth2/token/{LL_TENANT}"),
            "{environment:?}"
        );

        learnlink_builder(&server)
            .environment(environment)
            .build()
            .expect("client")
            .fetch_token()
            .await
            .expect("token");
        let requests = server.requests();
        assert_eq!(requests.len(), i + 1);
        let request = &requests[i];
        assert_token_post(request, &format!("/oauth2/token/{LL_TENANT}"));
        assert_eq!(
            request.basic_auth(),
            Some((LL_TENANT.to_owned(), LL_SECRET.to_owned()))
        );
        assert_form(request, &[("grant_type", "client_credentials")]);
    }
    // The default environment is production's public API server.
    let built = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: LL_TENANT.into(),
        client_secret: LL_SECRET.into(),
    })
    .build()
    .expect("client")
    .fetch_token()
    .request()
    .expect("request");
    assert_eq!(
        uri(&built),
        format!("https://public.api.learn.link/oauth2/token/{LL_TENANT}")
    );
}

#[tokio::test]
async fn learnlink_documented_error_bodies_are_typed() {
    let cases = [
        (
            400,
            json!({"status": 400.0, "error": "Bad Request", "message": "grant_type is required"}),
        ),
        (
            401,
            json!({"status": 401.0, "error": "Unauthorized", "message": "Invalid credentials"}),
        ),
        (
            500,
            json!({"status": 500.0, "error": "Internal Server Error", "message": {"requestId": "r-1"}}),
        ),
    ];
    for (status, body) in cases {
        let server = TestServer::always(Reply::json(status, &body));
        let client = learnlink_builder(&server).build().expect("client");
        let error = client.fetch_token().await.expect_err("error status");
        match error {
            learnlink::Error::Provider(e) => {
                assert_eq!(e.status, status);
                // `ErrorBody` is non-exhaustive (a spec may add an optional field in a minor
                // version), so it is checked field by field rather than built here.
                assert_eq!(e.body.status, Some(f64::from(status)));
                assert_eq!(e.body.error, body["error"].as_str().expect("error"));
                assert_eq!(e.body.message, Some(body["message"].clone()));
            }
            other => panic!("HTTP {status}: expected Provider, got {other:?}"),
        }
        let requests = server.requests();
        assert!(!requests.is_empty());
        if status < 500 {
            assert_eq!(requests.len(), 1, "HTTP {status} is answered once");
        }
        for request in &requests {
            assert_token_post(request, &format!("/oauth2/token/{LL_TENANT}"));
            assert_eq!(request.body, requests[0].body, "every attempt is the same");
        }
    }
}

#[tokio::test]
async fn learnlink_error_body_with_only_the_required_field() {
    let server = TestServer::always(Reply::json(401, &json!({"error": "Unauthorized"})));
    let error = learnlink_builder(&server)
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect_err("401");
    match error {
        learnlink::Error::Provider(e) => {
            assert_eq!(e.status, 401);
            assert_eq!(e.body.error, "Unauthorized");
            assert_eq!(e.body.status, None);
            assert_eq!(e.body.message, None);
        }
        other => panic!("expected Provider, got {other:?}"),
    }
}

#[tokio::test]
async fn learnlink_html_502_and_non_json_are_unexpected_responses() {
    let server = TestServer::always(Reply::text(
        502,
        "text/html; charset=utf-8",
        "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
    ));
    let error = learnlink_builder(&server)
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect_err("502");
    match &error {
        learnlink::Error::UnexpectedResponse(e) => {
            assert_eq!(e.status, 502);
            assert_eq!(e.content_type, "text/html; charset=utf-8");
            assert!(e.excerpt.contains("502 Bad Gateway"), "{}", e.excerpt);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert_eq!(error.status(), Some(502));

    let server = TestServer::start([Reply::text(200, "text/plain", "OK")]);
    let error = learnlink_builder(&server)
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect_err("not JSON");
    match error {
        learnlink::Error::UnexpectedResponse(e) => {
            assert_eq!(e.status, 200);
            assert_eq!(e.excerpt, "OK");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }

    // A JSON error that is not the documented shape (no `error`): unexpected as well.
    let server = TestServer::start([Reply::json(403, &json!({"message": "Forbidden"}))]);
    let error = learnlink_builder(&server)
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect_err("403");
    assert!(
        matches!(&error, learnlink::Error::UnexpectedResponse(e) if e.status == 403),
        "{error:?}"
    );
}

#[tokio::test]
async fn learnlink_http_200_with_an_error_body_is_an_error() {
    let server = TestServer::start([Reply::json(200, &json!({"error": "invalid_grant"}))]);
    let error = learnlink_builder(&server)
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect_err("an error body is not a token");
    match error {
        learnlink::Error::Provider(e) => {
            assert_eq!(e.status, 200);
            assert_eq!(e.body.error, "invalid_grant");
        }
        other => panic!("expected Provider, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// brainysoft: POST https://{customer-key}-auth.brainysoft.ru/oauth/token, grant_type,
// client_id, client_secret in a form body or the query string; 299 s tokens; sessid.

const BS_KEY: &str = "acme";
const BS_ID: &str = "f81f7fb9-0000-0000-0000-000000000000";
const BS_SECRET: &str = "6jsHY5-bs-secret-4";
const BS_SCOPE: &str = "core_basic admin:read admin:write account:read account:write account:pswrd account:totp admin_1:read admin_1:write";

fn brainysoft_builder() -> brainysoft::ClientBuilder {
    brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: BS_KEY.into(),
        client_id: BS_ID.into(),
        client_secret: BS_SECRET.into(),
    })
}

fn brainysoft_ok() -> Reply {
    Reply::json(
        200,
        &json!({
            "access_token": "bs-access-token",
            "token_type": "Bearer",
            "expires_in": 299,
            "scope": BS_SCOPE,
            "sessid": "d7222674-bc8a-4db9-aa44-a9206cada8df",
        }),
    )
}

#[tokio::test]
async fn brainysoft_client_credentials_in_a_form_body() {
    let server = TestServer::start([brainysoft_ok()]);
    let token = brainysoft_builder()
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect("token");

    let request = server.only_request();
    assert_token_post(&request, "/oauth/token");
    assert_form(
        &request,
        &[
            ("grant_type", "client_credentials"),
            ("client_id", BS_ID),
            ("client_secret", BS_SECRET),
        ],
    );
    assert_eq!(request.header("authorization"), None);

    assert_eq!(token.access_token.expose(), "bs-access-token");
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Duration::from_secs(299));
    assert_eq!(
        token.scope,
        scopes(&[
            "core_basic",
            "admin:read",
            "admin:write",
            "account:read",
            "account:write",
            "account:pswrd",
            "account:totp",
            "admin_1:read",
            "admin_1:write",
        ])
    );
    assert_eq!(
        token.sessid.as_deref(),
        Some("d7222674-bc8a-4db9-aa44-a9206cada8df")
    );

    // The customer key lives in the host name, which base_url replaces: check it without.
    let built = brainysoft_builder()
        .build()
        .expect("client")
        .fetch_token()
        .request()
        .expect("request");
    assert_eq!(uri(&built), "https://acme-auth.brainysoft.ru/oauth/token");
}

#[tokio::test]
async fn brainysoft_client_credentials_in_the_query_string() {
    let server = TestServer::start([brainysoft_ok()]);
    let token = brainysoft_builder()
        .credential_placement(brainysoft::CredentialPlacement::Query)
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect("token");

    let request = server.only_request();
    assert_token_post(&request, "/oauth/token");
    assert_eq!(
        sorted_pairs(&request.query_pairs()),
        sorted_pairs(&[
            ("grant_type", "client_credentials"),
            ("client_id", BS_ID),
            ("client_secret", BS_SECRET),
        ])
    );
    assert!(request.body.is_empty(), "body: {:?}", request.body_text());
    assert_eq!(request.header("content-type"), None);
    assert_eq!(request.header("authorization"), None);
    assert_eq!(token.expires_in, Duration::from_secs(299));
    assert!(token.sessid.is_some());

    let built = brainysoft_builder()
        .credential_placement(brainysoft::CredentialPlacement::Query)
        .build()
        .expect("client")
        .fetch_token()
        .request()
        .expect("request");
    let url = built.uri();
    assert_eq!(url.scheme_str(), Some("https"));
    assert_eq!(url.host(), Some("acme-auth.brainysoft.ru"));
    assert_eq!(url.path(), "/oauth/token");
}

#[tokio::test]
async fn brainysoft_absent_fields_take_the_spec_defaults() {
    let server = TestServer::start([Reply::json(200, &json!({"access_token": "t"}))]);
    let token = brainysoft_builder()
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client")
        .fetch_token()
        .await
        .expect("token");
    assert_eq!(
        token.expires_in,
        Duration::from_secs(299),
        "5-minute tokens"
    );
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.scope, None);
    assert_eq!(token.sessid, None);
}

// ---------------------------------------------------------------------------------------------
// approvalmax: authorization code exchange and refresh at identity.approvalmax.com
// (/connect/authorize, /connect/token); refresh_token with offline_access; JWT claims.

const AM_ID: &str = "8A59498C02D54104B7295D1CA08EA586";
const AM_SECRET: &str = "am-secret-5";
const AM_REDIRECT: &str = "https://app.example/callback";
const AM_REFRESH: &str = "C2495E877E3074027C0D232761D01B084FB264B3211588FA8932C8C01129B639";
const AM_SCOPE_DEFAULT: &str = "https://www.approvalmax.com/scopes/public_api offline_access";
/// RFC 7636 appendix B: verifier and its S256 challenge.
const PKCE_VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const PKCE_CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

/// The decoded access token of the document.
fn approvalmax_claims() -> serde_json::Value {
    json!({
        "nbf": 1680885008,
        "exp": 1680888608,
        "iss": "https://identity.approvalmax.com",
        "client_id": "8A59498C02D54104B7295D1CA08EA586",
        "sub": "92581804-f202-4a87-90b1-a4c9677b9146",
        "auth_time": 1680869179,
        "idp": "AMRemote",
        "https://www.approvalmax.com/connection": "e018ad8d-7875-4f55-a17e-db5dec8dce25",
        "jti": "DD4A003D5F1B93E10B17E5D9EFCD9F3B",
        "sid": "A1C021867AA6360DC73B7A39878C444D",
        "iat": 1680880234,
        "scope": [
            "https://www.approvalmax.com/scopes/public_api",
            "openid",
            "offline_access"
        ],
        "amr": ["external"]
    })
}

fn approvalmax_builder() -> approvalmax::ClientBuilder {
    approvalmax::Client::builder(approvalmax::Inputs {
        client_id: AM_ID.into(),
        client_secret: AM_SECRET.into(),
        redirect_uri: AM_REDIRECT.into(),
    })
}

fn approvalmax_client(server: &TestServer) -> approvalmax::Client {
    approvalmax_builder()
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client")
}

#[tokio::test]
async fn approvalmax_authorization_code_with_pkce() {
    let jwt = unsigned_jwt(&approvalmax_claims());
    let server = TestServer::start([Reply::json(
        200,
        &json!({
            "access_token": jwt,
            "expires_in": 3600,
            "token_type": "Bearer",
            "refresh_token": AM_REFRESH,
            "scope": AM_SCOPE_DEFAULT,
        }),
    )]);
    let token = approvalmax_client(&server)
        .exchange_code("code-123", Some(PKCE_VERIFIER))
        .await
        .expect("token");

    let request = server.only_request();
    assert_token_post(&request, "/connect/token");
    assert_form(
        &request,
        &[
            ("grant_type", "authorization_code"),
            ("code", "code-123"),
            ("redirect_uri", AM_REDIRECT),
            ("code_verifier", PKCE_VERIFIER),
            ("client_id", AM_ID),
            ("client_secret", AM_SECRET),
        ],
    );
    assert_eq!(request.header("authorization"), None);

    assert_eq!(token.access_token.expose(), jwt);
    assert_eq!(token.expires_in, Duration::from_secs(3600));
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(
        token.refresh_token.as_ref().map(Secret::expose),
        Some(AM_REFRESH)
    );
    assert_eq!(
        token.scope,
        scopes(&[
            "https://www.approvalmax.com/scopes/public_api",
            "offline_access"
        ])
    );

    let claims = token.claims().expect("claims");
    assert_eq!(claims.nbf, Some(epoch(1680885008)));
    assert_eq!(claims.exp, epoch(1680888608));
    assert_eq!(
        claims.iss.as_deref(),
        Some("https://identity.approvalmax.com")
    );
    assert_eq!(claims.client_id.as_deref(), Some(AM_ID));
    assert_eq!(
        claims.sub.as_deref(),
        Some("92581804-f202-4a87-90b1-a4c9677b9146")
    );
    assert_eq!(claims.auth_time, Some(epoch(1680869179)));
    assert_eq!(claims.idp.as_deref(), Some("AMRemote"));
    assert_eq!(
        claims.connection.as_deref(),
        Some("e018ad8d-7875-4f55-a17e-db5dec8dce25"),
        "the claim named https://www.approvalmax.com/connection"
    );
    assert_eq!(
        claims.jti.as_deref(),
        Some("DD4A003D5F1B93E10B17E5D9EFCD9F3B")
    );
    assert_eq!(
        claims.sid.as_deref(),
        Some("A1C021867AA6360DC73B7A39878C444D")
    );
    assert_eq!(claims.iat, Some(epoch(1680880234)));
    assert_eq!(
        claims.scope,
        scopes(&[
            "https://www.approvalmax.com/scopes/public_api",
            "openid",
            "offline_access"
        ])
    );
    assert_eq!(claims.amr, scopes(&["external"]));

    let built = approvalmax_builder()
        .build()
        .expect("client")
        .exchange_code("code-123", None)
        .request()
        .expect("request");
    assert_eq!(
        uri(&built),
        "https://identity.approvalmax.com/connect/token"
    );
}

#[tokio::test]
async fn approvalmax_authorization_code_without_pkce_and_without_offline_access() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": "am-access", "token_type": "Bearer"}),
    )]);
    let token = approvalmax_client(&server)
        .exchange_code("code-456", None)
        .await
        .expect("token");
    let request = server.only_request();
    assert_form(
        &request,
        &[
            ("grant_type", "authorization_code"),
            ("code", "code-456"),
            ("redirect_uri", AM_REDIRECT),
            ("client_id", AM_ID),
            ("client_secret", AM_SECRET),
        ],
    );
    assert_eq!(token.refresh_token, None);
    assert_eq!(token.expires_in, Duration::from_secs(3600), "1 hour");
    assert_eq!(token.scope, None);
}

#[tokio::test]
async fn approvalmax_refresh_token() {
    let jwt = unsigned_jwt(&approvalmax_claims());
    let server = TestServer::start([Reply::json(
        200,
        &json!({
            "access_token": jwt,
            "expires_in": 3600,
            "token_type": "Bearer",
            "refresh_token": "NEW-REFRESH-TOKEN",
            "scope": AM_SCOPE_DEFAULT,
        }),
    )]);
    let token = approvalmax_client(&server)
        .refresh(&Secret::new(AM_REFRESH))
        .await
        .expect("token");
    let request = server.only_request();
    assert_token_post(&request, "/connect/token");
    assert_form(
        &request,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", AM_REFRESH),
            ("client_id", AM_ID),
            ("client_secret", AM_SECRET),
        ],
    );
    assert_eq!(
        token.refresh_token.as_ref().map(Secret::expose),
        Some("NEW-REFRESH-TOKEN")
    );
    assert_eq!(token.claims().expect("claims").exp, epoch(1680888608));
}

#[tokio::test]
async fn approvalmax_client_secret_basic_placement() {
    let server = TestServer::start([Reply::json(200, &json!({"access_token": "am-access"}))]);
    approvalmax_builder()
        .credential_placement(approvalmax::CredentialPlacement::Basic)
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client")
        .refresh(&Secret::new(AM_REFRESH))
        .await
        .expect("token");
    let request = server.only_request();
    assert_eq!(
        request.basic_auth(),
        Some((AM_ID.to_owned(), AM_SECRET.to_owned()))
    );
    assert_form(
        &request,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", AM_REFRESH),
        ],
    );
}

#[tokio::test]
async fn approvalmax_errors_are_typed_oauth_errors() {
    let server = TestServer::always(Reply::json(
        400,
        &json!({"error": "invalid_grant", "error_description": "The code has expired"}),
    ));
    let error = approvalmax_client(&server)
        // RFC 6749 §4.1.2's example code. (The code is a secret now, hidden in errors: a code
        // that is a word of the description, such as `expired`, would be hidden there too.)
        .exchange_code("SplxlOBeZQQYbYS6WxSbIA", None)
        .await
        .expect_err("400");
    match error {
        approvalmax::Error::Provider(e) => {
            assert_eq!(e.status, 400);
            assert_eq!(e.body.error, OAuthErrorCode::InvalidGrant);
            assert_eq!(
                e.body.error_description.as_deref(),
                Some("The code has expired")
            );
        }
        other => panic!("expected Provider, got {other:?}"),
    }
    assert_eq!(server.request_count(), 1);

    // Some servers answer 200 with an error body: an error, not a token.
    let server = TestServer::start([Reply::json(200, &json!({"error": "invalid_grant"}))]);
    let error = approvalmax_client(&server)
        .refresh(&Secret::new(AM_REFRESH))
        .await
        .expect_err("200 with an error body");
    match error {
        approvalmax::Error::Provider(e) => {
            assert_eq!(e.status, 200);
            assert_eq!(e.body.error, OAuthErrorCode::InvalidGrant);
        }
        other => panic!("expected Provider, got {other:?}"),
    }
}

/// The authorize URL's query as sorted pairs, and the URL without its query.
fn split_url(url: &str) -> (String, Vec<(String, String)>) {
    let (base, query) = url.split_once('?').expect("a query string");
    assert!(!query.contains('#'), "no fragment expected: {url}");
    (
        base.to_owned(),
        sorted_pairs(&decode_form(query.as_bytes())),
    )
}

#[test]
fn approvalmax_authorize_url_with_pkce() {
    let client = approvalmax_builder().build().expect("client");
    let url = client
        .authorize_url("state-xyz", Some(PKCE_VERIFIER))
        .expect("url");
    let (base, pairs) = split_url(url.as_str());
    assert_eq!(base, "https://identity.approvalmax.com/connect/authorize");
    assert_eq!(
        pairs,
        sorted_pairs(&[
            ("response_type", "code"),
            ("client_id", AM_ID),
            ("redirect_uri", AM_REDIRECT),
            ("scope", AM_SCOPE_DEFAULT),
            ("state", "state-xyz"),
            ("code_challenge", PKCE_CHALLENGE),
            ("code_challenge_method", "S256"),
        ])
    );
}

#[test]
fn approvalmax_authorize_url_without_pkce_and_with_a_chosen_scope() {
    let client = approvalmax_builder()
        .input(
            approvalmax::OptionalInput::Scope,
            "https://www.approvalmax.com/scopes/public_api openid",
        )
        .build()
        .expect("client");
    let url = client.authorize_url("s&t=ate", None).expect("url");
    let (base, pairs) = split_url(url.as_str());
    assert_eq!(base, "https://identity.approvalmax.com/connect/authorize");
    assert_eq!(
        pairs,
        sorted_pairs(&[
            ("response_type", "code"),
            ("client_id", AM_ID),
            ("redirect_uri", AM_REDIRECT),
            (
                "scope",
                "https://www.approvalmax.com/scopes/public_api openid"
            ),
            ("state", "s&t=ate"),
        ])
    );
}

#[test]
fn approvalmax_authorize_url_sends_nothing() {
    let server = TestServer::start([]);
    let url = approvalmax_client(&server)
        .authorize_url("state", Some(PKCE_VERIFIER))
        .expect("url");
    assert_eq!(url.path(), "/connect/authorize");
    assert_eq!(server.request_count(), 0);
}

// ---------------------------------------------------------------------------------------------
// Token facts each document states.

#[test]
fn documented_lifetimes() {
    let hour = Some(3600);
    assert_eq!(smartway::PROVIDER.access_lifetime, Some(900));
    assert_eq!(smartdocumentor::PROVIDER.access_lifetime, hour);
    assert_eq!(learnlink::PROVIDER.access_lifetime, hour);
    assert_eq!(brainysoft::PROVIDER.access_lifetime, Some(299));
    assert_eq!(approvalmax::PROVIDER.access_lifetime, hour);
    assert_eq!(
        approvalmax::PROVIDER.refresh_lifetime,
        Some(30 * 24 * 3600),
        "refresh tokens live 30 days"
    );
}

/// The client resolves its token URL once and keeps it; every setter that changes the URL
/// (an input in it, the environment, the base URL) must make it resolve again.
#[test]
fn the_kept_token_url_follows_every_change() {
    let mut client = tokenspec_providers::client("learnlink").expect("learnlink");
    client.set::<()>("tenant_id", "first").expect("tenant");
    client.set::<()>("client_secret", "s3cret").expect("secret");
    let url = |client: &tokenspec_runtime::Client| {
        let request = client
            .token_request(tokenspec_runtime::GrantKind::ClientCredentials, &[])
            .expect("request");
        uri(&request)
    };
    assert_eq!(
        url(&client),
        "https://public.api.learn.link/oauth2/token/first"
    );
    assert_eq!(
        url(&client),
        "https://public.api.learn.link/oauth2/token/first"
    );
    client.set::<()>("tenant_id", "second").expect("tenant");
    assert_eq!(
        url(&client),
        "https://public.api.learn.link/oauth2/token/second"
    );
    client
        .set_environment::<()>("staging_mea")
        .expect("environment");
    assert_eq!(
        url(&client),
        "https://public.api.meastaging.learn.tech/oauth2/token/second"
    );
    client
        .set_base_url::<()>("http://127.0.0.1:9")
        .expect("base url");
    assert_eq!(url(&client), "http://127.0.0.1:9/oauth2/token/second");
}

/// The client also builds its token request once (it depends only on its settings) and copies
/// it; every setter must make it build again, and per-call inputs never come from the copy.
#[test]
fn the_kept_token_request_follows_every_change() {
    let mut client = tokenspec_providers::client("learnlink").expect("learnlink");
    client.set::<()>("tenant_id", "tenant").expect("tenant");
    client.set::<()>("client_secret", "first").expect("secret");
    let request = |client: &tokenspec_runtime::Client| {
        client
            .token_request(tokenspec_runtime::GrantKind::ClientCredentials, &[])
            .expect("request")
    };
    let basic = |secret: &str| {
        use base64::Engine as _;
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("tenant:{secret}"))
        )
    };
    let authorization = |r: &http::Request<Vec<u8>>| {
        r.headers()
            .get("authorization")
            .map(|v| v.to_str().expect("ascii").to_owned())
    };
    for _ in 0..2 {
        let r = request(&client);
        assert_eq!(authorization(&r), Some(basic("first")));
        assert_eq!(r.body().as_slice(), b"grant_type=client_credentials");
        assert_eq!(r.method(), http::Method::POST);
    }
    client.set::<()>("client_secret", "second").expect("secret");
    assert_eq!(authorization(&request(&client)), Some(basic("second")));
    client.set::<()>("scope", "api/read").expect("scope");
    assert_eq!(
        request(&client).body().as_slice(),
        b"grant_type=client_credentials&scope=api%2Fread"
    );
    client.set_placement::<()>("body").expect("placement");
    let r = request(&client);
    assert_eq!(authorization(&r), None);
    assert_eq!(
        String::from_utf8_lossy(r.body()),
        "grant_type=client_credentials&scope=api%2Fread&client_id=tenant&client_secret=second"
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 11: HTTP Basic encodings, WWW-Authenticate, transport error sources, PKCE, proxies.

/// A secret with every character RFC 6749 section 2.3.1's form encoding changes.
const HOSTILE_SECRET: &str = "p%41ss+w:rd/x";

/// The `Authorization: Basic` credentials exactly as sent (base64-decoded, not split).
fn basic_credentials(request: &RecordedRequest) -> String {
    use base64::Engine as _;
    let value = request
        .header("authorization")
        .expect("an Authorization header");
    let encoded = value.strip_prefix("Basic ").expect("the Basic scheme");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .expect("base64");
    String::from_utf8(bytes).expect("UTF-8")
}

/// RFC 6749 section 2.3.1 (ApprovalMax is IdentityServer, which decodes them): client ID and
/// secret are form-encoded before base64, so a `:` in the ID travels as `%3A` and the server
/// form-decodes both back to the exact values.
#[tokio::test]
async fn approvalmax_basic_form_encodes_client_id_and_secret() {
    let server = TestServer::start([Reply::json(200, &json!({"access_token": "am-access"}))]);
    approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "am:client id".into(),
        client_secret: HOSTILE_SECRET.into(),
        redirect_uri: AM_REDIRECT.into(),
    })
    .credential_placement(approvalmax::CredentialPlacement::Basic)
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
    .refresh(&Secret::new(AM_REFRESH))
    .await
    .expect("token");
    let request = server.only_request();
    let credentials = basic_credentials(&request);
    assert_eq!(credentials, "am%3Aclient+id:p%2541ss%2Bw%3Ard%2Fx");
    // What an RFC 6749 server does: split at the (only) colon, form-decode each part.
    let (user, password) = credentials.split_once(':').expect("one colon");
    assert_eq!(
        decode_form(format!("u={user}").as_bytes())[0].1,
        "am:client id"
    );
    assert_eq!(
        decode_form(format!("p={password}").as_bytes())[0].1,
        HOSTILE_SECRET
    );
    assert_form(
        &request,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", AM_REFRESH),
        ],
    );
}

/// learn.link's Basic is `encoding: raw` (its document describes plain RFC 7617 Basic): the
/// secret goes out byte for byte.
#[tokio::test]
async fn learnlink_basic_raw_sends_the_secret_byte_for_byte() {
    let server = TestServer::start([learnlink_ok()]);
    learnlink::Client::builder(learnlink::Inputs {
        tenant_id: LL_TENANT.into(),
        client_secret: HOSTILE_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
    .fetch_token()
    .await
    .expect("token");
    assert_eq!(
        basic_credentials(&server.only_request()),
        format!("{LL_TENANT}:{HOSTILE_SECRET}")
    );
}

/// RFC 7235 section 4.1 / RFC 6750 section 3: the challenge of a 401 is kept in the provider
/// error, with the request's secret hidden if the server echoed it there.
#[tokio::test]
async fn a_401_keeps_its_www_authenticate_challenge() {
    let server = TestServer::always(
        Reply::json(
            401,
            &json!({"error": "invalid_client", "error_description": "Client authentication failed"}),
        )
        .header(
            "WWW-Authenticate",
            r#"Basic realm="identity", error="invalid_client", error_description="unknown client""#,
        )
        .header("WWW-Authenticate", &format!(r#"Bearer realm="echo {AM_SECRET}""#)),
    );
    let error = approvalmax_client(&server)
        .refresh(&Secret::new(AM_REFRESH))
        .await
        .expect_err("401");
    let approvalmax::Error::Provider(e) = &error else {
        panic!("expected Provider, got {error:?}");
    };
    assert_eq!(e.status, 401);
    assert_eq!(e.body.error, OAuthErrorCode::InvalidClient);
    let challenge = e
        .www_authenticate
        .as_deref()
        .expect("the challenge is kept");
    assert!(
        challenge.starts_with(
            r#"Basic realm="identity", error="invalid_client", error_description="unknown client", Bearer realm="echo "#
        ),
        "{challenge}"
    );
    for shown in [
        challenge.to_owned(),
        format!("{error:?}"),
        error.to_string(),
    ] {
        assert!(!shown.contains(AM_SECRET), "the secret shows: {shown}");
    }

    // No header, no challenge.
    let server = TestServer::always(Reply::json(400, &json!({"error": "invalid_grant"})));
    match approvalmax_client(&server)
        .refresh(&Secret::new(AM_REFRESH))
        .await
    {
        Err(approvalmax::Error::Provider(e)) => assert_eq!(e.www_authenticate, None),
        other => panic!("expected Provider, got {other:?}"),
    }
}

/// A transport error keeps reqwest's error as its source (the whole chain, not a string), and
/// neither shows the URL.
#[tokio::test]
async fn a_transport_error_keeps_the_http_clients_error_as_source() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let error = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: LL_TENANT.into(),
        client_secret: LL_SECRET.into(),
    })
    .base_url(&format!("http://127.0.0.1:{port}"))
    .expect("loopback base URL")
    .http_options(tokenspec_runtime::HttpOptions {
        retry: tokenspec_runtime::RetryPolicy::none(),
        ..Default::default()
    })
    .build()
    .expect("client")
    .fetch_token()
    .await
    .expect_err("nobody listens");
    let learnlink::Error::Transport(e) = &error else {
        panic!("expected Transport, got {error:?}");
    };
    assert_eq!(e.kind, tokenspec_runtime::TransportErrorKind::Connect);
    let source = std::error::Error::source(&**e).expect("a source");
    let reqwest_error = source
        .downcast_ref::<reqwest::Error>()
        .expect("reqwest's own error");
    assert!(reqwest_error.is_connect(), "{reqwest_error:?}");
    assert_eq!(reqwest_error.url(), None, "the URL may carry credentials");
    // The chain goes on below reqwest (hyper, io).
    let chain: Vec<String> = std::iter::successors(Some(source), |e| e.source())
        .map(ToString::to_string)
        .collect();
    assert!(chain.len() >= 2, "{chain:?}");
    assert!(!format!("{error:?}").contains(LL_TENANT), "{error:?}");
}

/// RFC 7636: a random verifier (43 characters from a CSPRNG) and a random state make an
/// authorize URL with the verifier's S256 challenge, and the exchange sends the verifier.
#[tokio::test]
async fn pkce_with_a_random_verifier_and_state() {
    use tokenspec_runtime::{PkceVerifier, State};
    let verifier = PkceVerifier::random().expect("randomness");
    let state = State::random().expect("randomness");
    assert_eq!(verifier.as_str().len(), 43);
    assert!(
        verifier
            .as_str()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "base64url"
    );
    let server = TestServer::start([Reply::json(200, &json!({"access_token": "am-access"}))]);
    let client = approvalmax_client(&server);
    let url = client
        .authorize_url(state.as_str(), Some(verifier.as_str()))
        .expect("authorize URL");
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("code_challenge"), Some(verifier.challenge().as_str()));
    assert_eq!(get("code_challenge_method"), Some("S256"));
    assert!(state.matches(get("state").expect("state")));
    client
        .exchange_code("code-1", Some(verifier.as_str()))
        .await
        .expect("token");
    let request = server.only_request();
    assert_eq!(
        request
            .form()
            .into_iter()
            .find(|(k, _)| k == "code_verifier")
            .map(|(_, v)| v),
        Some(verifier.as_str().to_owned())
    );
}

/// A plain-http (loopback) request never goes through a proxy, whatever `HTTP_PROXY` and
/// `ALL_PROXY` say; an https request goes through the `HTTPS_PROXY`/`ALL_PROXY` one unless
/// `NO_PROXY` lists its host.
#[tokio::test]
async fn plain_http_never_goes_through_a_proxy() {
    use std::sync::Arc;
    use tokenspec_runtime::{HttpOptions, ReqwestTransport};
    let proxy = FakeProxy::start().await;
    let proxy_url = format!("http://user:pw@{}", proxy.addr);
    let env = |no_proxy: Option<&'static str>| {
        let proxy_url = proxy_url.clone();
        move |name: &str| match name {
            "HTTP_PROXY" | "http_proxy" | "ALL_PROXY" | "HTTPS_PROXY" => Some(proxy_url.clone()),
            "NO_PROXY" => no_proxy.map(str::to_owned),
            _ => None,
        }
    };
    let options = HttpOptions {
        retry: tokenspec_runtime::RetryPolicy::none(),
        ..Default::default()
    };
    let transport =
        Arc::new(ReqwestTransport::with_environment(&options, env(None)).expect("transport"));

    let server = TestServer::start([learnlink_ok()]);
    let mut client = tokenspec_providers::client("learnlink").expect("learnlink");
    client.set::<()>("tenant_id", LL_TENANT).expect("tenant");
    client
        .set::<()>("client_secret", LL_SECRET)
        .expect("secret");
    client.set_options(options.clone());
    client.set_transport(transport.clone());
    let mut local = client.clone();
    local
        .set_base_url::<()>(&server.base_url())
        .expect("loopback");
    local
        .fetch(tokenspec_runtime::GrantKind::ClientCredentials, &[])
        .await
        .expect("a direct answer from the local server");
    assert_eq!(server.request_count(), 1);
    assert_eq!(
        proxy.connections(),
        Vec::<String>::new(),
        "plain http went to the proxy"
    );

    // https goes to the proxy: a CONNECT to the provider's host (which our proxy refuses).
    let error = client
        .fetch(tokenspec_runtime::GrantKind::ClientCredentials, &[])
        .await
        .expect_err("the fake proxy tunnels nothing");
    assert!(
        matches!(error, tokenspec_runtime::Error::Transport(_)),
        "{error:?}"
    );
    assert_eq!(
        proxy.connections(),
        ["CONNECT public.api.learn.link:443 HTTP/1.1"]
    );

    // NO_PROXY exempts a host: straight to it (here: nobody listens on localhost:1).
    let transport = Arc::new(
        ReqwestTransport::with_environment(&options, env(Some("localhost"))).expect("transport"),
    );
    let mut exempt = client.clone();
    exempt.set_transport(transport);
    exempt
        .set_base_url::<()>("https://localhost:1")
        .expect("https base URL");
    let _ = exempt
        .fetch(tokenspec_runtime::GrantKind::ClientCredentials, &[])
        .await
        .expect_err("nobody listens");
    assert_eq!(proxy.connections().len(), 1, "NO_PROXY was not honoured");

    // A proxy variable that is no URL is an error naming the variable, not echoing the value.
    let error = ReqwestTransport::with_environment(&options, |name: &str| {
        (name == "ALL_PROXY").then(|| "http://[not a url".to_owned())
    })
    .expect_err("refused");
    assert!(error.message.contains("ALL_PROXY"), "{error}");
    assert!(!error.message.contains("not a url"), "{error}");
}

/// A TCP listener standing in for a proxy: records the first line each connection sends, then
/// closes it.
struct FakeProxy {
    addr: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeProxy {
    async fn start() -> Self {
        use tokio::io::AsyncBufReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let record = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let mut line = String::new();
                let mut reader = tokio::io::BufReader::new(stream);
                let _ = reader.read_line(&mut line).await;
                record
                    .lock()
                    .expect("not poisoned")
                    .push(line.trim_end().to_owned());
            }
        });
        FakeProxy { addr, seen, task }
    }

    fn connections(&self) -> Vec<String> {
        self.seen.lock().expect("not poisoned").clone()
    }
}

impl Drop for FakeProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
