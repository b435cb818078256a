//! The bearer middleware and layer against a real HTTP server on loopback that plays both the
//! provider's token endpoint (brainysoft's generated client fetches from it) and an API that
//! answers 401 once to the first token (RFC 6750 section 3.1: the token was revoked).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use std::sync::{Arc, Mutex};
use tokenspec_middleware::{BearerLayer, BearerMiddleware, NoReplay};
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_tests::{RecordedRequest, Reply, TestServer};
use tower::ServiceExt;

const FIRST: &str = "at-first-token-0001";
const SECOND: &str = "at-second-token-0002";
const THIRD: &str = "at-third-token-0003";

/// What the API does with a token it has not seen refused.
#[derive(Clone, Copy)]
enum Api {
    /// 401 to the first token, 200 to any other.
    RefuseFirst,
    /// 401 to every token.
    RefuseAll,
}

/// A server issuing FIRST, SECOND, THIRD at `/oauth/token`, with an API on `/v1/...`.
fn server(api: Api) -> TestServer {
    let issued = Arc::new(Mutex::new(0usize));
    TestServer::with_handler(move |request: &RecordedRequest| {
        if request.path() == "/oauth/token" {
            let mut issued = issued.lock().expect("counter");
            let token = [FIRST, SECOND, THIRD]
                .get(*issued)
                .copied()
                .unwrap_or(THIRD);
            *issued += 1;
            return Reply::json(
                200,
                &json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}),
            );
        }
        let authorization = request.header("authorization").unwrap_or_default();
        let refused = match api {
            Api::RefuseFirst => {
                authorization == format!("Bearer {FIRST}") || authorization.is_empty()
            }
            Api::RefuseAll => true,
        };
        if refused {
            Reply::json(401, &json!({"error": "invalid_token"}))
                .header("WWW-Authenticate", "Bearer error=\"invalid_token\"")
        } else {
            Reply::json(200, &json!({"ok": true, "body": request.body_text()}))
        }
    })
}

fn source(server: &TestServer) -> tokenspec_runtime::CachedTokenSource<brainysoft::ErrorBody> {
    brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "client-1".into(),
        client_secret: "cs-secret-value".into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base url")
    .build()
    .expect("client")
    .token_source()
}

fn token_requests(server: &TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path() == "/oauth/token")
        .count()
}

/// The API requests, as (method, path, Authorization, body).
fn api_requests(server: &TestServer) -> Vec<(String, String, String, String)> {
    server
        .requests()
        .iter()
        .filter(|r| r.path() != "/oauth/token")
        .map(|r| {
            (
                r.method.clone(),
                r.path().to_string(),
                r.header("authorization").unwrap_or_default().to_string(),
                r.body_text(),
            )
        })
        .collect()
}

fn reqwest_api(
    source: impl tokenspec_middleware::BearerSource,
    non_idempotent: bool,
) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(BearerMiddleware::new(source).retry_non_idempotent(non_idempotent))
        .build()
}

#[tokio::test]
async fn reqwest_a_401_costs_one_renewal_and_one_retry() {
    let server = server(Api::RefuseFirst);
    let api = reqwest_api(source(&server), false);
    let answer = api
        .put(server.url("/v1/things/1"))
        .body("payload")
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 200);
    assert_eq!(
        token_requests(&server),
        2,
        "the refused token was renewed once"
    );
    assert_eq!(
        api_requests(&server),
        [
            (
                "PUT".into(),
                "/v1/things/1".into(),
                format!("Bearer {FIRST}"),
                "payload".into()
            ),
            (
                "PUT".into(),
                "/v1/things/1".into(),
                format!("Bearer {SECOND}"),
                "payload".into()
            ),
        ]
    );
    // The fresh token is cached: the next request uses it without a renewal.
    let again = api.get(server.url("/v1/me")).send().await.expect("sent");
    assert_eq!(again.status(), 200);
    assert_eq!(token_requests(&server), 2);
    assert_eq!(api_requests(&server)[2].2, format!("Bearer {SECOND}"));
}

#[tokio::test]
async fn reqwest_retries_once_never_more() {
    let server = server(Api::RefuseAll);
    let api = reqwest_api(source(&server), false);
    let answer = api.get(server.url("/v1/me")).send().await.expect("sent");
    assert_eq!(
        answer.status(),
        401,
        "the second 401 goes back to the caller"
    );
    assert_eq!(api_requests(&server).len(), 2);
    assert_eq!(token_requests(&server), 2);
}

#[tokio::test]
async fn reqwest_does_not_resend_a_post_unless_allowed() {
    let server = server(Api::RefuseFirst);
    let api = reqwest_api(source(&server), false);
    let answer = api
        .post(server.url("/v1/payments"))
        .body("pay 10")
        .send()
        .await
        .expect("sent");
    assert_eq!(
        answer.status(),
        401,
        "a POST is not sent twice (RFC 9110 9.2.2)"
    );
    assert_eq!(api_requests(&server).len(), 1);
    // The refused token is forgotten all the same: the next request gets a fresh one.
    let next = api.get(server.url("/v1/me")).send().await.expect("sent");
    assert_eq!(next.status(), 200);
    assert_eq!(api_requests(&server)[1].2, format!("Bearer {SECOND}"));

    let server = self::server(Api::RefuseFirst);
    let api = reqwest_api(source(&server), true);
    let answer = api
        .post(server.url("/v1/payments"))
        .body("pay 10")
        .send()
        .await
        .expect("sent");
    assert_eq!(answer.status(), 200, "allowed by the user");
    assert_eq!(api_requests(&server).len(), 2);
    assert_eq!(api_requests(&server)[1].3, "pay 10");
}

#[tokio::test]
async fn many_requests_refused_at_once_cost_one_renewal() {
    let server = server(Api::RefuseFirst);
    let source = source(&server);
    // Warm: every request below starts with FIRST.
    source.access_token().await.expect("first token");
    let api = reqwest_api(source, false);
    let calls = (0..20).map(|i| api.get(server.url(&format!("/v1/item/{i}"))).send());
    for answer in futures_util::future::join_all(calls).await {
        assert_eq!(answer.expect("sent").status(), 200);
    }
    assert_eq!(
        token_requests(&server),
        2,
        "20 requests refused with the same token forget it once and share one renewal"
    );
}

#[tokio::test]
async fn reqwest_token_errors_are_typed_and_hold_no_secret() {
    let server = TestServer::always(Reply::json(
        401,
        &json!({"error": "invalid_client", "error_description": "bad cs-secret-value"}),
    ));
    let api = reqwest_api(source(&server), false);
    let error = api
        .get(server.url("/v1/me"))
        .send()
        .await
        .expect_err("no token, no request");
    let text = format!("{error} {error:?}");
    assert!(!text.contains("cs-secret-value"), "{text}");
    assert!(
        matches!(error, reqwest_middleware::Error::Middleware(_)),
        "{text}"
    );
    assert_eq!(api_requests(&server).len(), 0, "the API was never called");
}

type Hyper = HyperClient<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>;

fn hyper() -> Hyper {
    HyperClient::builder(TokioExecutor::new()).build_http()
}

fn get(server: &TestServer, method: &str, path: &str, body: &str) -> http::Request<Full<Bytes>> {
    http::Request::builder()
        .method(method)
        .uri(server.url(path))
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

#[tokio::test]
async fn tower_a_401_costs_one_renewal_and_one_retry() {
    let server = server(Api::RefuseFirst);
    let api = tower::ServiceBuilder::new()
        .layer(BearerLayer::new(source(&server)))
        .service(hyper());
    let answer = api
        .clone()
        .oneshot(get(&server, "DELETE", "/v1/things/7", "why"))
        .await
        .expect("sent");
    assert_eq!(answer.status(), 200);
    let body = answer.into_body().collect().await.expect("body").to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("why"));
    assert_eq!(
        api_requests(&server),
        [
            (
                "DELETE".into(),
                "/v1/things/7".into(),
                format!("Bearer {FIRST}"),
                "why".into()
            ),
            (
                "DELETE".into(),
                "/v1/things/7".into(),
                format!("Bearer {SECOND}"),
                "why".into()
            ),
        ]
    );
    assert_eq!(token_requests(&server), 2);

    // POST: sent once, the 401 returned; the next request has the fresh token.
    let server = self::server(Api::RefuseFirst);
    let api = tower::ServiceBuilder::new()
        .layer(BearerLayer::new(source(&server)))
        .service(hyper());
    let answer = api
        .clone()
        .oneshot(get(&server, "POST", "/v1/pay", "10"))
        .await
        .expect("sent");
    assert_eq!(answer.status(), 401);
    assert_eq!(api_requests(&server).len(), 1);
    let answer = api
        .oneshot(get(&server, "GET", "/v1/me", ""))
        .await
        .expect("sent");
    assert_eq!(answer.status(), 200);
    assert_eq!(api_requests(&server)[1].2, format!("Bearer {SECOND}"));
}

#[tokio::test]
async fn tower_retries_once_never_more_and_no_replay_sends_once() {
    let server = server(Api::RefuseAll);
    let api = tower::ServiceBuilder::new()
        .layer(BearerLayer::new(source(&server)))
        .service(hyper());
    let answer = api
        .oneshot(get(&server, "GET", "/v1/me", ""))
        .await
        .expect("sent");
    assert_eq!(answer.status(), 401);
    assert_eq!(api_requests(&server).len(), 2);

    let server = self::server(Api::RefuseFirst);
    let api = tower::ServiceBuilder::new()
        .layer(BearerLayer::new(source(&server)).replay(NoReplay))
        .service(hyper());
    let answer = api
        .oneshot(get(&server, "GET", "/v1/me", ""))
        .await
        .expect("sent");
    assert_eq!(answer.status(), 401, "NoReplay: the caller sees the 401");
    assert_eq!(api_requests(&server).len(), 1);
    assert_eq!(token_requests(&server), 1);
}

/// A user's token refused by the API is renewed with its refresh token (RFC 6749 section 6),
/// never with another grant: the user stays the user.
#[tokio::test]
async fn a_refused_user_token_is_renewed_with_its_refresh_token() {
    use tokenspec_provider_approvalmax as approvalmax;
    let server = TestServer::with_handler(|request: &RecordedRequest| {
        if request.path() == "/connect/token" {
            return Reply::json(
                200,
                &json!({
                    "access_token": SECOND,
                    "refresh_token": "rt-rotated",
                    "expires_in": 3600,
                    "token_type": "Bearer",
                }),
            );
        }
        if request.header("authorization") == Some(&format!("Bearer {SECOND}")) {
            Reply::json(200, &json!({"ok": true}))
        } else {
            Reply::json(401, &json!({"error": "invalid_token"}))
        }
    });
    let source = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "client-1".into(),
        client_secret: "cs-secret-value".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base url")
    .build()
    .expect("client")
    .token_source();
    source
        .insert(
            tokenspec_runtime::Secret::new(FIRST),
            Some(std::time::Duration::from_secs(3600)),
            Some(tokenspec_runtime::Secret::new("rt-first")),
        )
        .await
        .expect("the user's token");
    let api = reqwest_api(source, false);
    let answer = api.get(server.url("/v1/me")).send().await.expect("sent");
    assert_eq!(answer.status(), 200);
    let renewals: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path() == "/connect/token")
        .collect();
    assert_eq!(renewals.len(), 1);
    let form = renewals[0].form();
    assert!(
        form.contains(&("grant_type".into(), "refresh_token".into()))
            && form.contains(&("refresh_token".into(), "rt-first".into())),
        "{form:?}"
    );
}
