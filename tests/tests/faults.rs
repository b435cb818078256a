//! Fault tests: every way a token endpoint misbehaves, against a local server. Each test
//! asserts the typed result and how many requests the server saw. `leaks.rs` runs the faults
//! again with tracing captured and checks that no secret's bytes appear in the logs or in any
//! error's `Display` or `Debug`.

use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokenspec_provider_learnlink as learnlink;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_runtime::{Error, HttpOptions, RetryPolicy, Secret, TokenType, TransportErrorKind};
use tokenspec_tests::{Reply, TestServer};

mod common;
use common::*;

#[tokio::test]
async fn a_503_then_success_is_retried() {
    let server = TestServer::start([
        Reply::text(503, "text/plain", "busy"),
        Reply::json(200, &token_body(ACCESS_TOKEN)),
    ]);
    let token = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect("token after one retry");
    assert_eq!(token.access_token.expose(), ACCESS_TOKEN);
    assert_eq!(server.request_count(), 2);
    // Both attempts carry the same request.
    let requests = server.requests();
    assert_eq!(requests[0].body, requests[1].body);
}

#[tokio::test]
async fn a_429_with_retry_after_waits_as_asked() {
    let server = TestServer::start([
        Reply::json(429, &json!({"error": "slow_down"})).header("Retry-After", "1"),
        Reply::json(200, &token_body(ACCESS_TOKEN)),
    ]);
    let started = Instant::now();
    let token = brainysoft(&server, quick_retries(3)).fetch_token().await;
    let waited = started.elapsed();
    assert_eq!(token.expect("token").access_token.expose(), ACCESS_TOKEN);
    assert_eq!(server.request_count(), 2);
    assert!(
        waited >= Duration::from_secs(1),
        "Retry-After: 1 honoured, waited {waited:?}"
    );
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = TestServer::start([
        Reply::json(503, &json!({"error": "temporarily_unavailable"}))
            .header("Retry-After", "3600"),
        Reply::json(200, &token_body(ACCESS_TOKEN)),
    ]);
    let policy = RetryPolicy {
        retry_after_cap: Duration::from_millis(100),
        ..quick_retries(3)
    };
    let started = Instant::now();
    brainysoft(&server, policy)
        .fetch_token()
        .await
        .expect("token");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn attempts_are_bounded_and_the_last_answer_is_reported() {
    let server = TestServer::always(Reply::text(
        502,
        "text/html",
        "<html><body><h1>502 Bad Gateway</h1></body></html>",
    ));
    let error = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect_err("an HTML 502 is no token");
    assert_eq!(server.request_count(), 3, "three attempts, then stop");
    match error {
        Error::UnexpectedResponse(e) => {
            assert_eq!(e.status, 502);
            assert_eq!(e.content_type, "text/html");
            assert!(e.excerpt.contains("502 Bad Gateway"), "{}", e.excerpt);
        }
        other => panic!("expected an unexpected-response error, got {other:?}"),
    }
}

#[tokio::test]
async fn credential_errors_are_never_retried() {
    let server = TestServer::always(Reply::json(
        401,
        &json!({"error": "invalid_client", "error_description": "bad secret"}),
    ));
    let error = brainysoft(&server, quick_retries(5))
        .fetch_token()
        .await
        .expect_err("refused");
    assert_eq!(server.request_count(), 1);
    match error {
        Error::Provider(e) => {
            assert_eq!(e.status, 401);
            assert_eq!(
                e.body.error,
                tokenspec_runtime::OAuthErrorCode::InvalidClient
            );
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_never_answers_ends_at_the_timeout() {
    let server = TestServer::always(Reply::hang());
    let client = brainysoft_with(
        &server,
        HttpOptions {
            timeout: Duration::from_millis(300),
            retry: quick_retries(2),
            ..HttpOptions::default()
        },
    );
    let started = Instant::now();
    let error = client.fetch_token().await.expect_err("no answer");
    let took = started.elapsed();
    assert!(
        matches!(&error, Error::Transport(e) if e.kind == TransportErrorKind::Timeout),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 2, "a timeout is retried once");
    assert!(
        took >= Duration::from_millis(600),
        "two attempts of 300 ms, took {took:?}"
    );
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

#[tokio::test]
async fn a_reset_connection_is_retried() {
    let server = TestServer::start([Reply::close(), Reply::json(200, &token_body(ACCESS_TOKEN))]);
    let token = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect("token after the reset");
    assert_eq!(token.access_token.expose(), ACCESS_TOKEN);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_reset_connection_without_retries_is_a_connect_error() {
    let server = TestServer::always(Reply::close());
    let error = brainysoft(&server, RetryPolicy::none())
        .fetch_token()
        .await
        .expect_err("reset");
    assert!(
        matches!(&error, Error::Transport(e) if e.kind == TransportErrorKind::Connect),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_64_mib_body_is_refused_without_reading_it() {
    let big = vec![b'x'; 64 * 1024 * 1024];
    let server = TestServer::start([Reply::text(200, "application/json", big)]);
    let error = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect_err("too large");
    assert!(
        matches!(&error, Error::Transport(e) if e.kind == TransportErrorKind::BodyTooLarge),
        "{error:?}"
    );
    assert_eq!(
        server.request_count(),
        1,
        "a body over the limit is not retried"
    );
}

#[tokio::test]
async fn a_64_mib_chunked_body_is_abandoned_at_the_limit() {
    // No Content-Length: the limit is enforced while reading.
    let big = vec![b'x'; 64 * 1024 * 1024];
    let server = TestServer::start([Reply::chunked(200, "application/json", &big, 64 * 1024)]);
    let error = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect_err("too large");
    assert!(
        matches!(&error, Error::Transport(e) if e.kind == TransportErrorKind::BodyTooLarge),
        "{error:?}"
    );
    assert_eq!(
        server.request_count(),
        1,
        "a body over the limit is not retried"
    );
}

#[tokio::test]
async fn a_chunked_token_answer_is_read_whole() {
    let body = token_body(ACCESS_TOKEN).to_string();
    let server = TestServer::start([Reply::chunked(200, "application/json", body.as_bytes(), 7)]);
    let token = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect("token");
    assert_eq!(token.access_token.expose(), ACCESS_TOKEN);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_body_over_a_custom_limit_is_refused() {
    let body = token_body(ACCESS_TOKEN).to_string();
    let server = TestServer::start([Reply::text(200, "application/json", body.clone())]);
    let client = brainysoft_with(
        &server,
        HttpOptions {
            body_limit: body.len() - 1,
            ..HttpOptions::default()
        },
    );
    let error = client.fetch_token().await.expect_err("one byte too many");
    assert!(matches!(&error, Error::Transport(e) if e.kind == TransportErrorKind::BodyTooLarge));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_an_unexpected_response() {
    let server = TestServer::start([Reply::text(200, "text/plain", "access_token=abc")]);
    let error = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect_err("not JSON");
    assert!(
        matches!(&error, Error::UnexpectedResponse(e) if e.status == 200 && e.content_type == "text/plain"),
        "{error:?}"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_missing_access_token_is_an_unexpected_response() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"token_type": "Bearer", "expires_in": 299}),
    )]);
    let error = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect_err("no token");
    match error {
        Error::UnexpectedResponse(e) => {
            assert!(e.reason.contains("access_token"), "{}", e.reason)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 1, "an unusable 200 is not retried");
}

#[tokio::test]
async fn a_missing_expires_in_takes_the_spec_default() {
    let server = TestServer::start([Reply::json(200, &json!({"access_token": ACCESS_TOKEN}))]);
    let token = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect("token");
    assert_eq!(
        token.expires_in,
        Duration::from_secs(299),
        "brainysoft's documented lifetime"
    );
    assert_eq!(token.token_type, TokenType::Bearer, "default token type");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_negative_expires_in_is_an_unexpected_response() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": ACCESS_TOKEN, "expires_in": -5}),
    )]);
    let error = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect_err("negative lifetime");
    match error {
        Error::UnexpectedResponse(e) => {
            assert!(e.reason.contains("expires_in"), "{}", e.reason)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn an_absurd_expires_in_is_cached_but_capped() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": ACCESS_TOKEN, "expires_in": 9_000_000_000_000_u64}),
    )]);
    let client = brainysoft(&server, quick_retries(3));
    let source = client.token_source();
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        ACCESS_TOKEN
    );
    assert_eq!(
        source.access_token().await.expect("cached").expose(),
        ACCESS_TOKEN
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn expires_in_as_a_string_and_token_type_in_lower_case() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": ACCESS_TOKEN, "token_type": "bearer", "expires_in": "120"}),
    )]);
    let token = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect("token");
    assert_eq!(token.token_type, TokenType::Bearer);
    assert_eq!(token.expires_in, Duration::from_secs(120));
    assert_eq!(
        token.bearer_header().to_str().expect("ascii"),
        format!("Bearer {ACCESS_TOKEN}")
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn http_200_carrying_an_oauth_error_is_an_error_and_not_cached() {
    let server = TestServer::start([
        Reply::json(200, &json!({"error": "invalid_grant"})),
        Reply::json(200, &token_body(ACCESS_TOKEN)),
    ]);
    let client = smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: "client-1".into(),
        client_secret: CLIENT_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("url")
    .build()
    .expect("client");
    let source = client.token_source();
    match source.access_token().await {
        Err(Error::Provider(e)) => {
            assert_eq!(e.status, 200);
            assert_eq!(
                e.body.error,
                tokenspec_runtime::OAuthErrorCode::InvalidGrant
            );
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert_eq!(server.request_count(), 1, "an error body is not retried");
    // Not cached: the next call asks again and gets the token.
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        ACCESS_TOKEN
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn refresh_without_a_new_refresh_token_keeps_the_old_one_and_rotation_replaces_it() {
    let server = TestServer::start([
        // First renewal: no refresh_token in the answer.
        Reply::json(200, &json!({"access_token": ACCESS_TOKEN, "expires_in": 1})),
        // Second renewal: a rotated refresh token.
        Reply::json(
            200,
            &json!({"access_token": ACCESS_TOKEN_2, "expires_in": 1, "refresh_token": REFRESH_TOKEN_2}),
        ),
        Reply::json(
            200,
            &json!({"access_token": ACCESS_TOKEN, "expires_in": 3600}),
        ),
    ]);
    // Time passes on a manual clock: each 1 s token is expired when the clock is moved on.
    let clock = Arc::new(tokenspec_runtime::ManualClock::default());
    let source = approvalmax(&server)
        .token_source()
        .with_clock(clock.clone())
        .with_margin(Duration::ZERO);
    // A token from an earlier code exchange, already expired.
    source
        .insert(
            Secret::new("expired"),
            Duration::ZERO,
            Some(Secret::new(REFRESH_TOKEN)),
        )
        .await
        .expect("insert");
    assert_eq!(
        source.access_token().await.expect("renewed").expose(),
        ACCESS_TOKEN
    );
    clock.advance(Duration::from_secs(2));
    assert_eq!(
        source.access_token().await.expect("renewed").expose(),
        ACCESS_TOKEN_2
    );
    clock.advance(Duration::from_secs(2));
    assert_eq!(
        source.access_token().await.expect("renewed").expose(),
        ACCESS_TOKEN
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(
            form_value(r, "grant_type").as_deref(),
            Some("refresh_token")
        );
    }
    assert_eq!(
        form_value(&requests[0], "refresh_token").as_deref(),
        Some(REFRESH_TOKEN)
    );
    assert_eq!(
        form_value(&requests[1], "refresh_token").as_deref(),
        Some(REFRESH_TOKEN),
        "an answer without refresh_token keeps the previous one"
    );
    assert_eq!(
        form_value(&requests[2], "refresh_token").as_deref(),
        Some(REFRESH_TOKEN_2),
        "a rotated refresh token replaces the old one"
    );
}

#[tokio::test]
async fn an_authorization_code_source_without_a_token_says_what_it_needs() {
    let server = TestServer::start([]);
    let source = approvalmax(&server).token_source();
    match source.access_token().await {
        Err(Error::InvalidInput(e)) => {
            assert_eq!(e.input, "refresh_token");
            assert!(e.reason.contains("insert"), "{}", e.reason);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_failing_store_is_a_typed_error_and_loses_no_token() {
    let server = TestServer::start([Reply::json(200, &token_body(ACCESS_TOKEN))]);
    let store = Arc::new(FlakyStore {
        fail_save: true,
        ..FlakyStore::default()
    });
    let source = brainysoft(&server, quick_retries(3))
        .token_source()
        .with_store(store);
    match source.access_token().await {
        Err(Error::Store(e)) => assert_eq!(e.message, "disk full"),
        other => panic!("expected a store error, got {other:?}"),
    }
    // The fetched token was kept in memory: served without a second request.
    assert_eq!(
        source.access_token().await.expect("cached").expose(),
        ACCESS_TOKEN
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_store_that_cannot_load_stops_before_any_request() {
    let server = TestServer::start([Reply::json(200, &token_body(ACCESS_TOKEN))]);
    let store = Arc::new(FlakyStore {
        fail_load: true,
        ..FlakyStore::default()
    });
    let source = brainysoft(&server, quick_retries(3))
        .token_source()
        .with_store(store);
    assert!(matches!(source.access_token().await, Err(Error::Store(_))));
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn tokens_are_saved_to_the_store_with_their_refresh_token() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": ACCESS_TOKEN_2, "expires_in": 3600, "refresh_token": REFRESH_TOKEN_2}),
    )]);
    let store = Arc::new(FlakyStore::default());
    let source = approvalmax(&server)
        .token_source()
        .with_store(store.clone());
    source
        .insert(
            Secret::new("expired"),
            Duration::ZERO,
            Some(Secret::new(REFRESH_TOKEN)),
        )
        .await
        .expect("insert");
    source.access_token().await.expect("renewed");
    let saved = store.saved.lock().expect("lock").clone();
    assert_eq!(saved.len(), 2, "the inserted token and the renewed one");
    assert_eq!(saved[1].access_token.expose(), ACCESS_TOKEN_2);
    assert_eq!(
        saved[1].refresh_token.as_ref().map(Secret::expose),
        Some(REFRESH_TOKEN_2)
    );
}

#[tokio::test]
async fn the_total_timeout_bounds_every_attempt_together() {
    let server = TestServer::always(Reply::hang());
    let client = brainysoft_with(
        &server,
        HttpOptions {
            timeout: Duration::from_millis(300),
            total_timeout: Duration::from_millis(500),
            retry: quick_retries(10),
            ..HttpOptions::default()
        },
    );
    let started = Instant::now();
    let error = client.fetch_token().await.expect_err("no answer");
    let took = started.elapsed();
    assert!(
        matches!(&error, Error::Transport(e) if e.kind == TransportErrorKind::Timeout),
        "{error:?}"
    );
    assert!(took < Duration::from_millis(900), "took {took:?}");
    assert_eq!(
        server.request_count(),
        2,
        "a 300 ms attempt, then one cut short at the 500 ms total"
    );
}

#[tokio::test]
async fn an_access_token_that_cannot_go_in_a_header_is_refused() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": "line\nbreak", "expires_in": 60}),
    )]);
    let error = brainysoft(&server, quick_retries(3))
        .fetch_token()
        .await
        .expect_err("not a header value");
    match error {
        Error::UnexpectedResponse(e) => {
            assert!(e.reason.contains("access_token"), "{}", e.reason)
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn an_error_body_of_the_wrong_shape_is_masked_in_the_excerpt() {
    // learn.link documents {status, error, message}; this body lacks `error` and echoes a token.
    let server = TestServer::start([Reply::json(
        401,
        &json!({"status": 401, "access_token": ACCESS_TOKEN}),
    )]);
    let client = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "eu-west-2_AbcdEfghI".into(),
        client_secret: CLIENT_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("url")
    .build()
    .expect("client");
    let error = client.fetch_token().await.expect_err("401");
    let text = format!("{error} {error:?}");
    assert!(!text.contains(ACCESS_TOKEN), "{text}");
    assert_eq!(error.status(), Some(401));
}

#[tokio::test]
async fn a_total_timeout_of_duration_max_does_not_overflow() {
    let server = TestServer::start([
        Reply::text(503, "text/plain", "busy"),
        Reply::json(200, &token_body(ACCESS_TOKEN)),
    ]);
    let client = brainysoft_with(
        &server,
        HttpOptions {
            total_timeout: Duration::MAX,
            retry: quick_retries(2),
            ..HttpOptions::default()
        },
    );
    let token = client.fetch_token().await.expect("token after one retry");
    assert_eq!(token.access_token.expose(), ACCESS_TOKEN);
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_clock_under_a_huge_cap_is_not_waited_for() {
    for total_timeout in [Duration::from_secs(60), Duration::MAX] {
        let server = TestServer::start([Reply::json(503, &json!({"error": "unavailable"}))
            .header("Retry-After", "18446744073709551615")]);
        let client = brainysoft_with(
            &server,
            HttpOptions {
                total_timeout,
                retry: RetryPolicy {
                    retry_after_cap: Duration::MAX,
                    ..quick_retries(3)
                },
                ..HttpOptions::default()
            },
        );
        let started = Instant::now();
        let error = client.fetch_token().await.expect_err("503");
        assert_eq!(error.status(), Some(503));
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(server.request_count(), 1, "no retry after an endless wait");
    }
}
