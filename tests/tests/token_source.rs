//! The cached token source: reuse, single flight, serving valid tokens during a renewal,
//! renewals that outlive their callers, expiry judged on an injected clock (suspend, a clock
//! set back, the minimum lifetime), refresh without identity switch, store keys per tenant and
//! user, panics in a fetch, and the blocking API.
//!
//! Time is simulated with `ManualClock`: a test advances it instead of sleeping, as a machine
//! that is suspended and resumes would.

use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokenspec_provider_approvalmax as approvalmax;
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_runtime as rt;
use tokenspec_runtime::{CachedTokenSource, Error, ManualClock, RetryPolicy, Secret};
use tokenspec_tests::{Reply, TestServer};

fn brainysoft(server: &TestServer) -> brainysoft::Client {
    brainysoft_for(server, "acme", "client-1", "client-secret")
}

fn brainysoft_for(
    server: &TestServer,
    customer_key: &str,
    client_id: &str,
    client_secret: &str,
) -> brainysoft::Client {
    brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: customer_key.into(),
        client_id: client_id.into(),
        client_secret: client_secret.into(),
    })
    .base_url(&server.base_url())
    .expect("url")
    .retry(RetryPolicy::none())
    .build()
    .expect("client")
}

fn token(access_token: &str, expires_in: u64) -> Reply {
    Reply::json(
        200,
        &json!({"access_token": access_token, "expires_in": expires_in}),
    )
}

/// A brainysoft source on a manual clock, with its first token ("first", 299 s) fetched.
async fn source_with_first_token(
    server: &TestServer,
    clock: &Arc<ManualClock>,
) -> brainysoft::TokenSource {
    let source = brainysoft(server).token_source().with_clock(clock.clone());
    assert_eq!(
        source.access_token().await.expect("first").expose(),
        "first"
    );
    source
}

#[tokio::test]
async fn a_cached_token_is_reused_until_the_margin() {
    let server = TestServer::start([token("first", 299)]);
    let source = brainysoft(&server).token_source();
    for _ in 0..100 {
        assert_eq!(
            source.access_token().await.expect("token").expose(),
            "first"
        );
    }
    assert_eq!(server.request_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_callers_on_a_cold_cache_make_one_request() {
    let server = TestServer::always(token("shared", 299).delay(Duration::from_millis(200)));
    let source = brainysoft(&server).token_source();
    let callers: Vec<_> = (0..1000)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.access_token().await })
        })
        .collect();
    for caller in callers {
        let token = caller.await.expect("task").expect("token");
        assert_eq!(token.expose(), "shared");
    }
    assert_eq!(server.request_count(), 1, "one request for 1000 callers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_callers_share_one_failure_and_it_is_not_cached() {
    let server = TestServer::start([
        Reply::json(401, &json!({"error": "invalid_client"})).delay(Duration::from_millis(200)),
        token("later", 299),
    ]);
    let source = brainysoft(&server).token_source();
    let callers: Vec<_> = (0..100)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.access_token().await })
        })
        .collect();
    for caller in callers {
        match caller.await.expect("task") {
            Err(Error::Provider(e)) if e.status == 401 => {
                assert_eq!(e.body.error, rt::OAuthErrorCode::InvalidClient)
            }
            other => panic!("every caller gets the one error, got {other:?}"),
        }
    }
    assert_eq!(server.request_count(), 1);
    assert_eq!(
        source.access_token().await.expect("retry").expose(),
        "later"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_with_a_valid_token_are_not_made_to_wait_for_a_renewal() {
    let server = TestServer::start([
        token("first", 299),
        token("new", 299).delay(Duration::from_millis(800)),
    ]);
    let clock = Arc::new(ManualClock::default());
    let source = source_with_first_token(&server, &clock).await;
    // Past the default margin (29.9 s before expiry), 19 s left: due, still servable.
    clock.advance(Duration::from_secs(280));
    let renewer = {
        let source = source.clone();
        tokio::spawn(async move { source.access_token().await })
    };
    assert!(server.wait_for_requests(2, Duration::from_secs(2)).await);
    let started = Instant::now();
    let during = source.access_token().await.expect("still valid");
    assert_eq!(during.expose(), "first");
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "served at once, took {:?}",
        started.elapsed()
    );
    let renewed = renewer.await.expect("task").expect("renewed");
    assert_eq!(renewed.expose(), "new");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_renewal_completes_when_the_caller_that_started_it_is_cancelled() {
    let server = TestServer::start([
        token("first", 299),
        token("new", 299).delay(Duration::from_millis(400)),
    ]);
    let clock = Arc::new(ManualClock::default());
    let source = source_with_first_token(&server, &clock).await;
    clock.advance(Duration::from_secs(280));
    // The caller that starts the renewal gives up long before the server answers.
    let cancelled = tokio::time::timeout(Duration::from_millis(50), source.access_token()).await;
    assert!(cancelled.is_err(), "the first caller was cancelled");
    // Nobody waits for the renewal now; callers are served the old token meanwhile.
    assert_eq!(source.access_token().await.expect("old").expose(), "first");
    let deadline = Instant::now() + Duration::from_secs(5);
    while source.cached().is_none_or(|t| t.expose() != "new") {
        assert!(Instant::now() < deadline, "the renewal never completed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Cached before the old token's expiry (19 s left on the clock), by one request.
    assert_eq!(source.access_token().await.expect("new").expose(), "new");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_cancelled_caller_on_a_cold_cache_still_fills_it() {
    let server = TestServer::start([token("first", 299).delay(Duration::from_millis(300))]);
    let source = brainysoft(&server).token_source();
    let cancelled = tokio::time::timeout(Duration::from_millis(30), source.access_token()).await;
    assert!(cancelled.is_err());
    // A second caller joins the renewal under way rather than starting another.
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "first"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_renewal_outlives_its_source_and_still_saves_what_it_fetched() {
    let server = TestServer::start([token("saved", 299).delay(Duration::from_millis(300))]);
    let store = Arc::new(rt::MemoryStore::new());
    let source = brainysoft(&server).token_source().with_store(store.clone());
    let cancelled = tokio::time::timeout(Duration::from_millis(30), source.access_token()).await;
    assert!(cancelled.is_err());
    // The renewal holds the source's state only weakly: dropping every handle frees it, and
    // the renewal still completes and saves its token (a rotated refresh token is not lost).
    drop(source);
    let deadline = Instant::now() + Duration::from_secs(5);
    while store.keys().is_empty() {
        assert!(
            Instant::now() < deadline,
            "the renewal never saved its token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let restarted = brainysoft(&server).token_source().with_store(store);
    assert_eq!(
        restarted.access_token().await.expect("stored").expose(),
        "saved"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_simulated_suspend_past_expiry_serves_no_expired_token() {
    let server = TestServer::start([token("first", 299), token("after-resume", 299)]);
    let clock = Arc::new(ManualClock::default());
    let source = source_with_first_token(&server, &clock).await;
    // The machine sleeps for an hour: no time passes for `Instant`, nor for this test.
    clock.advance(Duration::from_secs(3600));
    assert_eq!(source.cached(), None, "an expired token is not even peeked");
    assert_eq!(
        source.access_token().await.expect("renewed").expose(),
        "after-resume"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_clock_set_back_is_treated_as_due_not_as_more_lifetime() {
    let server = TestServer::start([token("first", 299), token("second", 299)]);
    let clock = Arc::new(ManualClock::default());
    let source = source_with_first_token(&server, &clock).await;
    clock.set(clock_now(&clock) - Duration::from_secs(3600));
    assert_eq!(source.cached(), None);
    assert_eq!(
        source.access_token().await.expect("renewed").expose(),
        "second"
    );
    assert_eq!(server.request_count(), 2);
}

fn clock_now(clock: &ManualClock) -> std::time::SystemTime {
    rt::Clock::now(clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_renewal_serves_no_token_under_the_minimum_lifetime() {
    let server = TestServer::start([
        token("first", 299),
        token("new", 299).delay(Duration::from_millis(500)),
    ]);
    let clock = Arc::new(ManualClock::default());
    let source = source_with_first_token(&server, &clock).await;
    // 3 s left, under the default minimum of 5 s: every caller waits for the renewal.
    clock.advance(Duration::from_secs(296));
    let callers: Vec<_> = (0..20)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.access_token().await })
        })
        .collect();
    for caller in callers {
        let token = caller.await.expect("task").expect("token");
        assert_eq!(
            token.expose(),
            "new",
            "no token under the minimum is served"
        );
    }
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn the_minimum_lifetime_is_configurable() {
    let server = TestServer::start([
        token("first", 299),
        token("new", 299).delay(Duration::from_millis(300)),
    ]);
    let clock = Arc::new(ManualClock::default());
    let source = brainysoft(&server)
        .token_source()
        .with_clock(clock.clone())
        .with_margin(Duration::from_secs(60))
        .with_min_lifetime(Duration::from_secs(30));
    assert_eq!(
        source.access_token().await.expect("first").expose(),
        "first"
    );
    // 40 s left: due (margin 60 s) and still servable (minimum 30 s) while the renewal runs.
    clock.advance(Duration::from_secs(259));
    let renewer = {
        let source = source.clone();
        tokio::spawn(async move { source.access_token().await })
    };
    assert!(server.wait_for_requests(2, Duration::from_secs(2)).await);
    assert_eq!(source.access_token().await.expect("old").expose(), "first");
    // 20 s left, under the 30 s minimum: this caller waits for the renewal.
    clock.advance(Duration::from_secs(20));
    assert_eq!(source.access_token().await.expect("new").expose(), "new");
    assert_eq!(renewer.await.expect("task").expect("new").expose(), "new");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn the_default_margin_renews_before_expiry() {
    // 299 s lifetime: the default margin is 29.9 s.
    let server = TestServer::start([token("first", 299), token("b", 299)]);
    let clock = Arc::new(ManualClock::default());
    let source = source_with_first_token(&server, &clock).await;
    clock.advance(Duration::from_secs(269));
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "first"
    );
    clock.advance(Duration::from_secs(1));
    assert_eq!(source.access_token().await.expect("token").expose(), "b");
    assert_eq!(server.request_count(), 2);
}

/// Panics on its first request, then answers with a token.
struct PanicsOnce {
    calls: AtomicUsize,
}

impl rt::Transport for PanicsOnce {
    fn send(
        &self,
        _request: http::Request<Vec<u8>>,
    ) -> rt::BoxFuture<'_, Result<http::Response<Vec<u8>>, rt::TransportError>> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            assert!(call > 0, "a transport bug on the first request");
            Ok(http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(br#"{"access_token": "after-panic", "expires_in": 299}"#.to_vec())
                .expect("response"))
        })
    }
}

#[tokio::test]
async fn a_panicking_fetch_is_an_error_and_the_next_call_tries_again() {
    let transport = Arc::new(PanicsOnce {
        calls: AtomicUsize::new(0),
    });
    let client = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "client-1".into(),
        client_secret: "client-secret".into(),
    })
    .retry(RetryPolicy::none())
    .transport(transport.clone())
    .build()
    .expect("client");
    let source = client.token_source();
    match source.access_token().await {
        Err(Error::Transport(e)) => assert!(e.message.contains("panicked"), "{e}"),
        other => panic!("expected an error for the panic, got {other:?}"),
    }
    assert_eq!(
        source.access_token().await.expect("not poisoned").expose(),
        "after-panic"
    );
    assert_eq!(transport.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_unattended_source_runs_its_own_grant_again_when_its_refresh_token_is_refused() {
    let server = TestServer::start([
        Reply::json(
            200,
            &json!({"access_token": "app-1", "expires_in": 3600, "refresh_token": "r1"}),
        ),
        Reply::json(400, &json!({"error": "invalid_grant"})),
        Reply::json(200, &json!({"access_token": "app-2", "expires_in": 3600})),
    ]);
    let clock = Arc::new(ManualClock::default());
    let source: CachedTokenSource =
        CachedTokenSource::new(refreshing_client(&server)).with_clock(clock.clone());
    assert_eq!(
        source.access_token().await.expect("first").expose(),
        "app-1"
    );
    clock.advance(Duration::from_secs(3600));
    assert_eq!(
        source.access_token().await.expect("again").expose(),
        "app-2"
    );
    let grants: Vec<String> = server.requests().iter().map(grant_type).collect();
    assert_eq!(
        grants,
        ["client_credentials", "refresh_token", "client_credentials"]
    );
}

#[tokio::test]
async fn a_users_refused_refresh_token_needs_reauthorization_never_another_grant() {
    let server = TestServer::start([Reply::json(
        400,
        &json!({"error": "invalid_grant", "error_description": "revoked"}),
    )]);
    // A provider that could run client credentials unattended: the source must not.
    let source: CachedTokenSource = CachedTokenSource::new(refreshing_client(&server));
    source
        .insert(
            Secret::new("user-token"),
            Duration::ZERO,
            Some(Secret::new("r1")),
        )
        .await
        .expect("insert");
    match source.access_token().await {
        Err(Error::ReauthorizationRequired(e)) => {
            let cause = e.cause.as_ref().expect("the provider's refusal");
            assert_eq!(cause.status, 400);
            assert_eq!(cause.body.0["error"], "invalid_grant");
            let shown = std::error::Error::source(&*e).map(ToString::to_string);
            assert!(shown.is_some_and(|s| s.contains("revoked")));
        }
        other => panic!("expected ReauthorizationRequired, got {other:?}"),
    }
    let grants: Vec<String> = server.requests().iter().map(grant_type).collect();
    assert_eq!(grants, ["refresh_token"], "no client_credentials request");
}

#[tokio::test]
async fn an_expired_user_token_without_refresh_token_needs_reauthorization() {
    let server = TestServer::start([]);
    let source: CachedTokenSource = CachedTokenSource::new(refreshing_client(&server));
    source
        .insert(Secret::new("user-token"), Duration::ZERO, None)
        .await
        .expect("insert");
    assert!(matches!(
        source.access_token().await,
        Err(Error::ReauthorizationRequired(e)) if e.cause.is_none()
    ));
    assert_eq!(server.request_count(), 0);
}

#[tokio::test]
async fn a_generated_user_source_reports_the_typed_refusal() {
    let server = TestServer::start([Reply::json(400, &json!({"error": "invalid_grant"}))]);
    let client = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "client-1".into(),
        client_secret: "secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&server.base_url())
    .expect("url")
    .retry(RetryPolicy::none())
    .build()
    .expect("client");
    let source = client.token_source();
    source
        .insert(
            Secret::new("expired"),
            Duration::ZERO,
            Some(Secret::new("r1")),
        )
        .await
        .expect("insert");
    match source.access_token().await {
        Err(Error::ReauthorizationRequired(e)) => assert_eq!(
            e.cause.expect("cause").body.error,
            rt::OAuthErrorCode::InvalidGrant
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_renewal_that_started_before_an_insert_does_not_replace_the_inserted_token() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": "app-only", "expires_in": 3600}),
    )
    .delay(Duration::from_millis(300))]);
    let source: CachedTokenSource = CachedTokenSource::new(refreshing_client(&server));
    let waiting = {
        let source = source.clone();
        tokio::spawn(async move { source.access_token().await })
    };
    assert!(server.wait_for_requests(1, Duration::from_secs(2)).await);
    source
        .insert(
            Secret::new("user-token"),
            Duration::from_secs(3600),
            Some(Secret::new("r1")),
        )
        .await
        .expect("insert");
    // The caller that waited for the client-credentials renewal gets the user's token, which
    // is now the source's, and so does everyone after.
    assert_eq!(
        waiting.await.expect("task").expect("token").expose(),
        "user-token"
    );
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "user-token"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn other_refresh_errors_are_reported_not_papered_over() {
    let server = TestServer::start([Reply::json(401, &json!({"error": "invalid_client"}))]);
    let source: CachedTokenSource = CachedTokenSource::new(refreshing_client(&server));
    source
        .insert(Secret::new("old"), Duration::ZERO, Some(Secret::new("r1")))
        .await
        .expect("insert");
    assert!(matches!(
        source.access_token().await,
        Err(Error::Provider(e)) if e.status == 401
    ));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_stored_token_is_used_without_a_request() {
    let server = TestServer::start([token("persisted", 299)]);
    let store = Arc::new(rt::MemoryStore::new());
    let first = brainysoft(&server).token_source().with_store(store.clone());
    first.access_token().await.expect("fetched");
    // A new source (a restarted process) with the same settings over the same store.
    let second = brainysoft(&server).token_source().with_store(store);
    assert_eq!(
        second
            .access_token()
            .await
            .expect("from the store")
            .expose(),
        "persisted"
    );
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_users_stored_token_goes_to_that_user_only() {
    let server = TestServer::start([]);
    let store = Arc::new(rt::MemoryStore::new());
    let source = |user: &str| {
        CachedTokenSource::<rt::JsonErrorBody>::new(refreshing_client(&server))
            .with_store(store.clone())
            .with_user(user)
    };
    source("alice@example.com")
        .insert(
            Secret::new("alice-token"),
            Duration::from_secs(3600),
            Some(Secret::new("ra")),
        )
        .await
        .expect("insert");
    assert_eq!(
        source("alice@example.com")
            .access_token()
            .await
            .expect("alice's")
            .expose(),
        "alice-token"
    );
    // Bob has nothing stored; he gets neither Alice's token nor an app-only one.
    assert!(matches!(
        source("bob@example.com").access_token().await,
        Err(Error::InvalidInput(_))
    ));
    assert_eq!(server.request_count(), 0);
    let keys = store.keys();
    assert_eq!(keys.len(), 1);
    assert!(!keys[0].contains("alice"), "{keys:?}");
}

#[tokio::test]
async fn two_tenants_on_one_store_get_their_own_tokens() {
    let server =
        TestServer::with_handler(|request| token(&format!("tenant-token-{}", request.index), 299));
    let store = Arc::new(rt::MemoryStore::new());
    let tenants = [
        ("acme", "client-1", "secret-acme-0001"),
        ("globex", "client-1", "secret-globex-0002"),
        ("acme", "client-2", "secret-acme-0003"),
    ];
    let mut tokens = Vec::new();
    for (customer_key, client_id, secret) in tenants {
        let source = brainysoft_for(&server, customer_key, client_id, secret)
            .token_source()
            .with_store(store.clone());
        tokens.push(
            source
                .access_token()
                .await
                .expect("token")
                .expose()
                .to_owned(),
        );
    }
    assert_eq!(
        server.request_count(),
        3,
        "no tenant was served another's token"
    );
    tokens.sort();
    tokens.dedup();
    assert_eq!(tokens.len(), 3);
    // Restarted, each tenant finds its own token in the store.
    for (i, (customer_key, client_id, secret)) in tenants.into_iter().enumerate() {
        let source = brainysoft_for(&server, customer_key, client_id, secret)
            .token_source()
            .with_store(store.clone());
        assert_eq!(
            source.access_token().await.expect("stored").expose(),
            format!("tenant-token-{i}")
        );
    }
    assert_eq!(server.request_count(), 3);
    let keys = store.keys();
    assert_eq!(keys.len(), 3, "{keys:?}");
    for key in &keys {
        assert!(key.starts_with("brainysoft/"), "{key}");
        for (_, _, secret) in tenants {
            assert!(!key.contains(secret), "a secret in the key {key}");
            assert!(!key.contains(&secret[..8]), "secret bytes in the key {key}");
        }
    }
}

/// Two tenants of one client id on one host that differ only by the secret (an API key, a
/// password) are two identities: one's stored token is never the other's. The key covers the
/// secret only through a salted, slow digest, so it tells them apart without showing it.
#[tokio::test]
async fn tenants_differing_only_by_the_secret_get_their_own_tokens() {
    let server =
        TestServer::with_handler(|request| token(&format!("tenant-token-{}", request.index), 299));
    let store = Arc::new(rt::MemoryStore::new());
    let started = std::time::Instant::now();
    let source = |secret: &str| {
        brainysoft_for(&server, "acme", "client-1", secret)
            .token_source()
            .with_store(store.clone())
    };
    let first = source("password1").access_token().await.expect("token");
    let second = source("password2").access_token().await.expect("token");
    assert_ne!(first.expose(), second.expose());
    assert_eq!(
        server.request_count(),
        2,
        "the second tenant got its own token"
    );
    // The same secret again: the stored token, no request.
    let again = source("password1").access_token().await.expect("stored");
    assert_eq!(again.expose(), first.expose());
    assert_eq!(server.request_count(), 2);
    assert_eq!(store.keys().len(), 2);
    eprintln!(
        "three sources with a stretched secret: {:?}",
        started.elapsed()
    );
}

/// The README's line compiles for every spec: `expires_in` is a `Duration` where the spec
/// documents a lifetime and an `Option<Duration>` where it does not; the refresh token may be
/// optional or not.
#[tokio::test]
async fn insert_takes_the_fields_of_a_token_response_as_they_are() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": "user-1", "expires_in": 3600, "refresh_token": "r1", "token_type": "Bearer"}),
    )]);
    let client = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "client-1".into(),
        client_secret: "secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&server.base_url())
    .expect("url")
    .build()
    .expect("client");
    let token = client
        .exchange_code("code-1", None)
        .await
        .expect("exchange");
    let source = client.token_source();
    source
        .insert(
            token.access_token.clone(),
            token.expires_in,
            token.refresh_token.clone(),
        )
        .await
        .expect("insert");
    assert_eq!(
        source.access_token().await.expect("cached").expose(),
        "user-1"
    );
    // The shapes other specs generate.
    let no_lifetime: Option<Duration> = None;
    source
        .insert(Secret::new("user-2"), no_lifetime, Secret::new("r2"))
        .await
        .expect("insert");
    source
        .insert(Secret::new("user-3"), Some(Duration::from_secs(60)), None)
        .await
        .expect("insert");
    assert_eq!(
        source.access_token().await.expect("cached").expose(),
        "user-3"
    );
}

#[test]
fn the_blocking_api_works_without_an_async_runtime() {
    let server = TestServer::start([token("sync", 299), token("sync-2", 299)]);
    let client = smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: "client-1".into(),
        client_secret: "secret".into(),
    })
    .base_url(&server.base_url())
    .expect("url")
    .build()
    .expect("client");
    let token = client.fetch_token().blocking().expect("token");
    assert_eq!(token.access_token.expose(), "sync");
    let source = client.token_source();
    assert_eq!(
        source.access_token_blocking().expect("token").expose(),
        "sync-2"
    );
    assert_eq!(
        source.access_token_blocking().expect("cached").expose(),
        "sync-2"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn the_blocking_api_refuses_inside_a_runtime() {
    let server = TestServer::start([]);
    let client = brainysoft(&server);
    assert!(matches!(
        client.fetch_token().blocking(),
        Err(Error::Transport(_))
    ));
    assert_eq!(server.request_count(), 0);
}

/// A renewal spawned on a runtime that shuts down before the task first runs (its caller timed
/// up without yielding) does not break the source for good: the next call, on another runtime,
/// renews.
#[test]
fn a_renewal_dropped_unpolled_with_its_runtime_does_not_break_the_source() {
    let server = TestServer::start([token("after", 299)]);
    let source = brainysoft(&server).token_source();
    let first = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // Polled once (the renewal is spawned), then given up before the runtime runs any task.
    let cancelled = first.block_on(async {
        futures_util::FutureExt::now_or_never(source.access_token()).map(|r| r.is_ok())
    });
    assert_eq!(cancelled, None, "given up before the renewal ran");
    drop(first);
    let second = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // The next caller finds the dead renewal, drops it and renews on its own runtime.
    let token = second.block_on(source.access_token());
    assert_eq!(token.expect("renewed").expose(), "after");
    assert_eq!(server.request_count(), 1);
}

#[test]
fn without_a_tokio_runtime_the_async_call_is_an_error_not_a_panic() {
    let server = TestServer::start([]);
    let source = brainysoft(&server).token_source();
    let result = futures_util::FutureExt::now_or_never(source.access_token());
    assert!(
        matches!(result, Some(Err(Error::Transport(_)))),
        "{result:?}"
    );
    assert_eq!(server.request_count(), 0);
}

fn refreshing_client(server: &TestServer) -> rt::Client {
    let mut client = rt::Client::new(&REFRESHING);
    client.set::<()>("client_id", "client-1").expect("id");
    client.set::<()>("client_secret", "secret").expect("secret");
    client.set_base_url::<()>(&server.base_url()).expect("url");
    client.set_options(rt::HttpOptions {
        retry: RetryPolicy::none(),
        ..rt::HttpOptions::default()
    });
    client
}

/// A provider with client credentials and refresh tokens, which none of the five seeds has:
/// a source that may run its own grant again after a refused refresh token, and one holding a
/// user's token that must not, need one.
static REFRESHING: rt::ProviderSpec = rt::ProviderSpec {
    name: "refreshing",
    title: "Refreshing",
    description: "Client credentials that also issue refresh tokens.",
    docs: "https://example.invalid/",
    default_environment: "production",
    environments: &[rt::EnvironmentSpec {
        name: "production",
        token_url: "https://auth.example.invalid/oauth/token",
        authorize_url: None,
        discovery: None,
    }],
    inputs: &[
        rt::InputSpec {
            name: "client_id",
            description: "Client id.",
            secret: false,
            required: true,
            per_request: false,
            pattern: None,
            default: None,
            location: rt::InputLocation::Param,
        },
        rt::InputSpec {
            name: "client_secret",
            description: "Client secret.",
            secret: true,
            required: true,
            per_request: false,
            pattern: None,
            default: None,
            location: rt::InputLocation::Param,
        },
        rt::InputSpec {
            name: "refresh_token",
            description: "Refresh token.",
            secret: true,
            required: true,
            per_request: true,
            pattern: None,
            default: None,
            location: rt::InputLocation::Param,
        },
    ],
    credentials: rt::CredentialsSpec {
        preferred: 0,
        accepted: &[rt::Placement::Body(&[
            ("client_id", "client_id"),
            ("client_secret", "client_secret"),
        ])],
    },
    body: rt::BodyFormat::Form,
    method: rt::HttpMethod::Post,
    params_in: rt::ParamLocation::Body,
    grants: &[
        rt::GrantSpec {
            kind: rt::GrantKind::ClientCredentials,
            extension: None,
            description: "",
            params: &[],
            authorize_params: &[],
            pkce: rt::Pkce::None,
            assertion: None,
            authorize: rt::AuthorizeSpec::DEFAULT,
            overrides: rt::GrantOverrides::DEFAULT,
        },
        rt::GrantSpec {
            kind: rt::GrantKind::RefreshToken,
            extension: None,
            description: "",
            params: &[rt::ParamSpec {
                name: "refresh_token",
                source: rt::ParamSource::Input("refresh_token"),
                location: rt::ParamLocation::Body,
            }],
            authorize_params: &[],
            pkce: rt::Pkce::None,
            assertion: None,
            authorize: rt::AuthorizeSpec::DEFAULT,
            overrides: rt::GrantOverrides::DEFAULT,
        },
    ],
    scopes: rt::ScopesSpec {
        delimiter: " ",
        known: &[],
    },
    response: &[
        rt::FieldSpec {
            name: "access_token",
            wire: &["access_token"],
            ty: rt::FieldType::Secret,
            required: true,
            default: None,
            description: "",
            header: None,
        },
        rt::FieldSpec {
            name: "expires_in",
            wire: &["expires_in"],
            ty: rt::FieldType::Seconds,
            required: false,
            default: Some("3600"),
            description: "",
            header: None,
        },
        rt::FieldSpec {
            name: "refresh_token",
            wire: &["refresh_token"],
            ty: rt::FieldType::Secret,
            required: false,
            default: None,
            description: "",
            header: None,
        },
    ],
    response_format: rt::ResponseFormat::Json,
    errors: rt::ErrorFormat::OAuth2,
    expiry: rt::Expiry::Default,
    access_lifetime: Some(3600),
    refresh_lifetime: None,
    claims: &[],
    headers: &[],
};

fn grant_type(request: &tokenspec_tests::RecordedRequest) -> String {
    request
        .form()
        .into_iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v)
        .unwrap_or_default()
}
