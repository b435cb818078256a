//! The cached token source: reuse, single flight, serving valid tokens during a renewal,
//! expiry, refresh with fallback to the client's own grant, and the blocking API.

use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokenspec_providers::{brainysoft, smartdocumentor};
use tokenspec_runtime as rt;
use tokenspec_runtime::{CachedTokenSource, Error, RetryPolicy, Secret};
use tokenspec_tests::{Reply, TestServer};

fn brainysoft(server: &TestServer) -> brainysoft::Client {
    brainysoft::Client::builder()
        .customer_key("acme")
        .expect("key")
        .client_id("client-1")
        .client_secret("client-secret")
        .base_url(&server.base_url())
        .expect("url")
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_cached_token_is_reused_until_the_margin() {
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": "first", "expires_in": 299}),
    )]);
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
    let server = TestServer::always(
        Reply::json(200, &json!({"access_token": "shared", "expires_in": 299}))
            .delay(Duration::from_millis(200)),
    );
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
        Reply::json(200, &json!({"access_token": "later", "expires_in": 299})),
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
    let server = TestServer::always(
        Reply::json(200, &json!({"access_token": "new", "expires_in": 299}))
            .delay(Duration::from_millis(800)),
    );
    // A margin longer than the token's life: it is due for renewal at once, valid for 10 s.
    let source = brainysoft(&server)
        .token_source()
        .with_margin(Duration::from_secs(60));
    source
        .insert(Secret::new("old"), Duration::from_secs(10), None)
        .await
        .expect("insert");
    let renewer = {
        let source = source.clone();
        tokio::spawn(async move { source.access_token().await })
    };
    assert!(server.wait_for_requests(1, Duration::from_secs(2)).await);
    let started = Instant::now();
    let during = source.access_token().await.expect("still valid");
    assert_eq!(during.expose(), "old");
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "served at once, took {:?}",
        started.elapsed()
    );
    let renewed = renewer.await.expect("task").expect("renewed");
    assert_eq!(renewed.expose(), "new");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn a_token_is_never_served_past_its_expiry() {
    let server = TestServer::start([
        Reply::json(200, &json!({"access_token": "short", "expires_in": 1})),
        Reply::json(200, &json!({"access_token": "next", "expires_in": 299})),
    ]);
    // Even with no margin at all, an expired token is renewed.
    let source = brainysoft(&server)
        .token_source()
        .with_margin(Duration::ZERO);
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "short"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(source.access_token().await.expect("token").expose(), "next");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn the_default_margin_renews_before_expiry() {
    // 5 s lifetime: the default margin is 1 s, so after 4.1 s the token is renewed.
    let server = TestServer::start([
        Reply::json(200, &json!({"access_token": "a", "expires_in": 5})),
        Reply::json(200, &json!({"access_token": "b", "expires_in": 299})),
    ]);
    let source = brainysoft(&server).token_source();
    assert_eq!(source.access_token().await.expect("token").expose(), "a");
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(source.access_token().await.expect("token").expose(), "a");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(source.access_token().await.expect("token").expose(), "b");
    assert_eq!(server.request_count(), 2);
}

/// A provider with client credentials and refresh tokens, which none of the five seeds has:
/// the fallback from a refused refresh token to the client's own grant needs one.
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
    grants: &[
        rt::GrantSpec {
            kind: rt::GrantKind::ClientCredentials,
            description: "",
            params: &[],
            authorize_params: &[],
            pkce: rt::Pkce::None,
        },
        rt::GrantSpec {
            kind: rt::GrantKind::RefreshToken,
            description: "",
            params: &[rt::ParamSpec {
                name: "refresh_token",
                source: rt::ParamSource::Input("refresh_token"),
                location: rt::ParamLocation::Body,
            }],
            authorize_params: &[],
            pkce: rt::Pkce::None,
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
        },
        rt::FieldSpec {
            name: "expires_in",
            wire: &["expires_in"],
            ty: rt::FieldType::Seconds,
            required: false,
            default: Some("3600"),
            description: "",
        },
        rt::FieldSpec {
            name: "refresh_token",
            wire: &["refresh_token"],
            ty: rt::FieldType::Secret,
            required: false,
            default: None,
            description: "",
        },
    ],
    errors: rt::ErrorFormat::OAuth2,
    access_lifetime: Some(3600),
    refresh_lifetime: None,
    claims: &[],
};

fn grant_type(request: &tokenspec_tests::RecordedRequest) -> String {
    request
        .form()
        .into_iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v)
        .unwrap_or_default()
}

#[tokio::test]
async fn a_refused_refresh_token_falls_back_to_the_clients_grant() {
    let server = TestServer::start([
        Reply::json(400, &json!({"error": "invalid_grant"})),
        Reply::json(
            200,
            &json!({"access_token": "fresh", "expires_in": 3600, "refresh_token": "r2"}),
        ),
    ]);
    let mut client = rt::Client::new(&REFRESHING);
    client.set::<()>("client_id", "client-1").expect("id");
    client.set::<()>("client_secret", "secret").expect("secret");
    client.set_base_url::<()>(&server.base_url()).expect("url");
    let source: CachedTokenSource = CachedTokenSource::new(client);
    source
        .insert(Secret::new("old"), Duration::ZERO, Some(Secret::new("r1")))
        .await
        .expect("insert");
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "fresh"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(grant_type(&requests[0]), "refresh_token");
    assert_eq!(grant_type(&requests[1]), "client_credentials");
}

#[tokio::test]
async fn other_refresh_errors_are_reported_not_papered_over() {
    let server = TestServer::start([Reply::json(401, &json!({"error": "invalid_client"}))]);
    let mut client = rt::Client::new(&REFRESHING);
    client.set::<()>("client_id", "client-1").expect("id");
    client.set::<()>("client_secret", "secret").expect("secret");
    client.set_base_url::<()>(&server.base_url()).expect("url");
    client.set_options(rt::HttpOptions {
        retry: RetryPolicy::none(),
        ..rt::HttpOptions::default()
    });
    let source: CachedTokenSource = CachedTokenSource::new(client);
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
    let server = TestServer::start([]);
    let store = Arc::new(rt::MemoryStore::new());
    let first = brainysoft(&server).token_source().with_store(store.clone());
    first
        .insert(Secret::new("persisted"), Duration::from_secs(299), None)
        .await
        .expect("insert");
    // A new source (a restarted process) over the same store.
    let second = brainysoft(&server).token_source().with_store(store);
    assert_eq!(
        second
            .access_token()
            .await
            .expect("from the store")
            .expose(),
        "persisted"
    );
    assert_eq!(server.request_count(), 0);
}

#[test]
fn the_blocking_api_works_without_an_async_runtime() {
    let server = TestServer::start([
        Reply::json(200, &json!({"access_token": "sync", "expires_in": 299})),
        Reply::json(200, &json!({"access_token": "sync-2", "expires_in": 299})),
    ]);
    let client = smartdocumentor::Client::builder()
        .client_id("client-1")
        .client_secret("secret")
        .base_url(&server.base_url())
        .expect("url")
        .build()
        .expect("client");
    let token = client.fetch_token_blocking().expect("token");
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
        client.fetch_token_blocking(),
        Err(Error::Transport(_))
    ));
    assert_eq!(server.request_count(), 0);
}
