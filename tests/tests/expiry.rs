//! Wire tests of token lifetimes in every form (spec format 1.1, docs/spec-format.md "Token
//! lifetime"): the modules generated from `generator/tests/fixtures/expiry_*.yaml` (committed
//! there, kept fresh by `generator/tests/expiry.rs`) against a local server that answers as each
//! provider documents its expiry: milliseconds from now, epoch seconds nested in a wrapper,
//! epoch milliseconds as a string, an RFC 3339 date-time with an offset (RFC 3339 section 5.6),
//! or no expiry at all. Each test checks the typed field and the expiry instant the runtime
//! computes from it; the token-source tests check when a token is renewed, on a manual clock.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/expiry_milliseconds_generated.rs"]
mod expiry_milliseconds;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/expiry_epoch_nested_generated.rs"]
mod expiry_epoch_nested;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/expiry_epoch_milliseconds_generated.rs"]
mod expiry_epoch_milliseconds;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/expiry_datetime_generated.rs"]
mod expiry_datetime;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/expiry_never_generated.rs"]
mod expiry_never;

use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokenspec_runtime::expiry::token_expiry;
use tokenspec_runtime::source::UNKNOWN_LIFETIME;
use tokenspec_runtime::{
    CachedTokenSource, Expiry, JsonErrorBody, ManualClock, ProviderSpec, RetryPolicy, TokenExpiry,
};
use tokenspec_tests::{Reply, TestServer, sorted_pairs};

/// `2026-11-30T15:00:00Z`, the instant the fixtures' documented examples name.
const EXPIRES_AT: u64 = 1_796_050_800;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Every fixture sends the same client-credentials request (RFC 6749 §4.4.2): the forms differ
/// only in how the answer gives the lifetime.
fn assert_client_credentials(server: &TestServer) {
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path(), "/oauth/token");
    assert_eq!(
        sorted_pairs(&request.form()),
        sorted_pairs(&[
            ("grant_type", "client_credentials"),
            ("client_id", "id-1"),
            ("client_secret", "secret-1"),
        ])
    );
}

macro_rules! client {
    ($module:ident, $server:expr) => {
        $module::Client::builder($module::Inputs {
            client_id: "id-1".into(),
            client_secret: "secret-1".into(),
        })
        .base_url(&$server.base_url())
        .expect("loopback base URL")
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
    };
}

/// The expiry the runtime computes for the answer `body` of `module`'s provider, received at
/// `received`, through the provider-independent client (what token sources use).
macro_rules! computed_expiry {
    ($module:ident, $body:expr, $received:expr) => {{
        let server = TestServer::start([Reply::json(200, &$body)]);
        let client = client!($module, server);
        let data = client
            .runtime()
            .fetch("client_credentials", &[])
            .await
            .expect("token");
        token_expiry(&$module::PROVIDER, data.fields(), $received)
    }};
}

#[tokio::test]
async fn milliseconds_are_a_lifetime_counted_from_the_answer() {
    let body = json!({"access_token": "ms-1", "token_type": "bearer", "expires_in": 3_600_000});
    let server = TestServer::start([Reply::json(200, &body)]);
    let token = client!(expiry_milliseconds, server)
        .fetch_token()
        .await
        .expect("token");
    assert_client_credentials(&server);
    // One hour, not 1000 hours.
    assert_eq!(token.expires_in, Duration::from_secs(3600));
    let received = at(EXPIRES_AT);
    assert_eq!(
        computed_expiry!(expiry_milliseconds, body, received),
        TokenExpiry::At(received + Duration::from_secs(3600))
    );
    // A numeric string with a fraction of a second.
    let body = json!({"access_token": "ms-2", "token_type": "Bearer", "expires_in": "1500"});
    assert_eq!(
        computed_expiry!(expiry_milliseconds, body, received),
        TokenExpiry::At(received + Duration::from_millis(1500))
    );
}

#[tokio::test]
async fn nested_epoch_seconds_are_the_instant_given() {
    let body = json!({"success": true, "data": {"accessToken": "ep-1", "expiresAt": EXPIRES_AT}});
    let server = TestServer::start([Reply::json(200, &body)]);
    let token = client!(expiry_epoch_nested, server)
        .fetch_token()
        .await
        .expect("token");
    assert_client_credentials(&server);
    assert_eq!(token.access_token.expose(), "ep-1");
    assert_eq!(token.expires_at, at(EXPIRES_AT));
    // Whenever the answer arrives, the instant is the one given.
    for received in [at(EXPIRES_AT - 3600), at(EXPIRES_AT - 60)] {
        assert_eq!(
            computed_expiry!(expiry_epoch_nested, body, received),
            TokenExpiry::At(at(EXPIRES_AT))
        );
    }
}

#[tokio::test]
async fn epoch_milliseconds_as_a_string_keep_their_milliseconds() {
    let body = json!({"accessToken": "em-1", "expiresAt": "1796050800250"});
    let server = TestServer::start([Reply::json(200, &body)]);
    let token = client!(expiry_epoch_milliseconds, server)
        .fetch_token()
        .await
        .expect("token");
    assert_client_credentials(&server);
    let expected = at(EXPIRES_AT) + Duration::from_millis(250);
    assert_eq!(token.expires_at, expected);
    assert_eq!(
        computed_expiry!(expiry_epoch_milliseconds, body, at(EXPIRES_AT - 600)),
        TokenExpiry::At(expected)
    );
}

#[tokio::test]
async fn an_rfc_3339_date_time_applies_its_offset() {
    // RFC 3339 section 5.6: 16:00 at +01:00 is 15:00 UTC.
    let body = json!({"token": "dt-1", "expiration": "2026-11-30T16:00:00.000+01:00"});
    let server = TestServer::start([Reply::json(200, &body)]);
    let token = client!(expiry_datetime, server)
        .fetch_token()
        .await
        .expect("token");
    assert_client_credentials(&server);
    assert_eq!(token.expires_at, at(EXPIRES_AT));
    let zulu = json!({"token": "dt-2", "expiration": "2026-11-30T15:00:00Z"});
    assert_eq!(
        computed_expiry!(expiry_datetime, zulu, at(EXPIRES_AT - 600)),
        TokenExpiry::At(at(EXPIRES_AT))
    );
}

#[tokio::test]
async fn a_token_without_expiry_never_expires() {
    let body = json!({"access_token": "pat-1", "token_type": "Bearer"});
    let server = TestServer::start([Reply::json(200, &body)]);
    let token = client!(expiry_never, server)
        .fetch_token()
        .await
        .expect("token");
    assert_client_credentials(&server);
    assert_eq!(token.access_token.expose(), "pat-1");
    assert_eq!(
        computed_expiry!(expiry_never, body, at(EXPIRES_AT)),
        TokenExpiry::Never
    );
}

#[tokio::test]
async fn a_value_in_the_wrong_unit_is_an_error_naming_the_type_to_declare() {
    // Epoch seconds where the spec documents epoch milliseconds: refused, not read as 1970.
    let server = TestServer::start([Reply::json(
        200,
        &json!({"accessToken": "em-1", "expiresAt": EXPIRES_AT}),
    )]);
    let error = client!(expiry_epoch_milliseconds, server)
        .fetch_token()
        .await
        .expect_err("seconds in an epoch_milliseconds field")
        .to_string();
    assert!(error.contains("`expiresAt`"), "{error}");
    assert!(error.contains("type: epoch_seconds"), "{error}");
    assert!(!error.contains("em-1"), "no token in errors: {error}");
}

#[tokio::test]
async fn a_token_source_keeps_a_token_that_never_expires() {
    let server = TestServer::always(Reply::json(
        200,
        &json!({"access_token": "pat-1", "token_type": "Bearer"}),
    ));
    let clock = Arc::new(ManualClock::default());
    let source = client!(expiry_never, server)
        .token_source()
        .with_clock(clock.clone());
    let token = source.access_token().await.expect("token");
    assert_eq!(token.expose(), "pat-1");
    // A day, then ten years, later: still the same token, and no second request.
    for later in [24 * 3600, 10 * 365 * 24 * 3600] {
        clock.advance(Duration::from_secs(later));
        assert_eq!(
            source.access_token().await.expect("token").expose(),
            "pat-1"
        );
    }
    assert_eq!(server.request_count(), 1);
    // Refused by an API (revoked): it is not taken back from the store but fetched again.
    source.forget(&token);
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "pat-1"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn without_expiry_field_or_never_a_token_source_renews_every_minute() {
    // The same provider, but its spec says nothing about the lifetime (spec format 1): the
    // token's expiry is unknown, so it is trusted for UNKNOWN_LIFETIME only.
    let unknown: &'static ProviderSpec = Box::leak(Box::new(ProviderSpec {
        expiry: Expiry::Default,
        ..expiry_never::PROVIDER
    }));
    let server = TestServer::always(Reply::json(
        200,
        &json!({"access_token": "pat-1", "token_type": "Bearer"}),
    ));
    let mut client = tokenspec_runtime::Client::new(unknown);
    client
        .set::<JsonErrorBody>("client_id", "id-1")
        .expect("client id");
    client
        .set::<JsonErrorBody>("client_secret", "secret-1")
        .expect("secret");
    client
        .set_base_url::<JsonErrorBody>(&server.base_url())
        .expect("base URL");
    let clock = Arc::new(ManualClock::default());
    let source = CachedTokenSource::<JsonErrorBody>::new(client).with_clock(clock.clone());
    source.access_token().await.expect("token");
    clock.advance(UNKNOWN_LIFETIME);
    source.access_token().await.expect("token");
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn a_token_source_renews_an_absolute_expiry_before_its_instant() {
    let reply = |token: &str, expires_at: u64| {
        Reply::json(
            200,
            &json!({"data": {"accessToken": token, "expiresAt": expires_at}}),
        )
    };
    let server = TestServer::start([
        reply("first", EXPIRES_AT),
        reply("second", EXPIRES_AT + 3600),
    ]);
    // An hour before the first token's instant.
    let clock = Arc::new(ManualClock::new(at(EXPIRES_AT - 3600)));
    let source = client!(expiry_epoch_nested, server)
        .token_source()
        .with_clock(clock.clone());
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "first"
    );
    // The default margin for an hour's token is 60 s: served until then.
    clock.set(at(EXPIRES_AT - 61));
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "first"
    );
    assert_eq!(server.request_count(), 1);
    clock.set(at(EXPIRES_AT - 59));
    assert_eq!(
        source.access_token().await.expect("token").expose(),
        "second"
    );
    assert_eq!(server.request_count(), 2);
}

#[tokio::test]
async fn an_instant_already_past_is_not_served() {
    let server = TestServer::always(Reply::json(
        200,
        &json!({"data": {"accessToken": "stale", "expiresAt": EXPIRES_AT}}),
    ));
    let clock = Arc::new(ManualClock::new(at(EXPIRES_AT + 1)));
    let source = client!(expiry_epoch_nested, server)
        .token_source()
        .with_clock(clock);
    let error = source
        .access_token()
        .await
        .expect_err("an expired token")
        .to_string();
    assert!(error.contains("minimum lifetime"), "{error}");
    assert!(!error.contains("stale"), "{error}");
}
