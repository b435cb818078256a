//! A fleet of processes sharing one token through a real `redis-server` (runtime feature
//! `redis`): 8 processes x 100 tasks make one token request per renewal; a lock holder killed
//! mid-fetch blocks nobody; Redis stopped mid-run still leaves tokens served; and nothing in
//! Redis is readable.

use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_runtime::{EncryptionKey, Error, RedisOptions, RedisStore};
use tokenspec_tests::{RecordedRequest, RedisServer, Reply, TestServer};

const CLIENT_SECRET: &str = "fleet-client-secret-value";
const CLIENT_ID: &str = "fleet-client-id";

/// A provider that issues `at-fleet-1`, `at-fleet-2`, ... living `expires_in` seconds; the
/// first request is answered after `first_delay`.
fn provider(expires_in: u64, first_delay: Duration) -> TestServer {
    let issued = Arc::new(Mutex::new(0u32));
    TestServer::with_handler(move |_: &RecordedRequest| {
        let mut issued = issued.lock().expect("counter");
        *issued += 1;
        let reply = Reply::json(
            200,
            &json!({
                "access_token": format!("at-fleet-{issued}"),
                "token_type": "Bearer",
                "expires_in": expires_in,
                "sessid": "s-1",
            }),
        );
        if *issued == 1 {
            reply.delay(first_delay)
        } else {
            reply
        }
    })
}

fn unix_ms(at: SystemTime) -> u64 {
    u64::try_from(
        at.duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_millis(),
    )
    .expect("ms")
}

fn worker(
    redis: &RedisServer,
    server: &TestServer,
    tasks: usize,
    lock_ttl: Duration,
    again_at: Option<SystemTime>,
) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_fleet-worker"));
    command
        .env("FLEET_REDIS", redis.url())
        .env("FLEET_BASE_URL", server.base_url())
        .env("FLEET_TASKS", tasks.to_string())
        .env("FLEET_LOCK_TTL_MS", lock_ttl.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(at) = again_at {
        command.env("FLEET_AGAIN_AT_MS", unix_ms(at).to_string());
    }
    command.spawn().expect("start a fleet worker")
}

/// The JSON lines a worker printed, one per phase.
fn phases(child: Child) -> Vec<Value> {
    let output = child.wait_with_output().expect("worker output");
    assert!(
        output.status.success(),
        "worker failed: {:?}",
        output.status
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

fn tokens(phase: &Value) -> Vec<String> {
    assert_eq!(phase["errors"], json!([]), "no task failed: {phase}");
    phase["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .map(|t| t.as_str().expect("a token").to_string())
        .collect()
}

/// Every key and value in Redis, as text.
fn redis_contents(redis: &RedisServer) -> Vec<(String, String)> {
    let client = redis::Client::open(redis.url()).expect("redis url");
    let mut connection = client.get_connection().expect("connect to redis");
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query(&mut connection)
        .expect("KEYS");
    keys.into_iter()
        .map(|key| {
            let value: Option<String> = redis::cmd("GET")
                .arg(&key)
                .query(&mut connection)
                .expect("GET");
            (key, value.unwrap_or_default())
        })
        .collect()
}

#[test]
fn eight_processes_make_one_request_per_renewal_and_leave_nothing_readable() {
    let redis = RedisServer::start();
    // 12 s tokens: every process starts well within their servable life (7 s); the second
    // phase starts at 13.5 s, when everyone's copy has expired.
    let server = provider(12, Duration::ZERO);
    let again_at = SystemTime::now() + Duration::from_millis(13_500);
    let workers: Vec<Child> = (0..8)
        .map(|_| {
            worker(
                &redis,
                &server,
                100,
                Duration::from_secs(10),
                Some(again_at),
            )
        })
        .collect();
    let results: Vec<Vec<Value>> = workers.into_iter().map(phases).collect();
    for result in &results {
        assert_eq!(result.len(), 2, "{result:?}");
        assert_eq!(
            tokens(&result[0]),
            ["at-fleet-1"],
            "cold cache: one token for all"
        );
        assert_eq!(
            tokens(&result[1]),
            ["at-fleet-2"],
            "after expiry: one new token for all"
        );
    }
    assert_eq!(
        server.request_count(),
        2,
        "8 processes x 100 tasks: one token request per renewal"
    );

    // Nothing in Redis is readable: no token, secret or input value in any key or value.
    let contents = redis_contents(&redis);
    assert!(!contents.is_empty(), "the token is shared through Redis");
    for (key, value) in &contents {
        assert!(key.starts_with("tokenspec:brainysoft/"), "{key}");
        for secret in ["at-fleet-1", "at-fleet-2", CLIENT_SECRET, CLIENT_ID, "acme"] {
            assert!(!key.contains(secret), "{secret} in key {key}");
            assert!(!value.contains(secret), "{secret} in the value of {key}");
        }
        assert!(value.starts_with("tsv1.test-k1."), "sealed: {value}");
    }
}

#[test]
fn a_lock_holder_killed_mid_fetch_blocks_nobody() {
    let redis = RedisServer::start();
    // The first token request hangs: its process holds the lock, and is killed.
    let server = provider(300, Duration::from_secs(60));
    let lock_ttl = Duration::from_secs(2);
    let mut holder = worker(&redis, &server, 10, lock_ttl, None);
    let started = Instant::now();
    while server.request_count() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the holder never fetched"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let others: Vec<Child> = (0..3)
        .map(|_| worker(&redis, &server, 50, lock_ttl, None))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    holder.kill().expect("SIGKILL the lock holder");
    let _ = holder.wait();
    let killed_at = SystemTime::now();
    for result in others.into_iter().map(phases) {
        assert_eq!(tokens(&result[0]), ["at-fleet-2"]);
        let done_at =
            UNIX_EPOCH + Duration::from_millis(result[0]["done_at_ms"].as_u64().expect("ms"));
        let waited = done_at.duration_since(killed_at).unwrap_or(Duration::ZERO);
        assert!(
            waited < lock_ttl + Duration::from_secs(3),
            "served {waited:?} after the kill: within the lock's expiry, nobody hangs"
        );
    }
    assert_eq!(
        server.request_count(),
        2,
        "the killed holder's request, then one from the fleet"
    );
}

fn source(redis: &RedisServer, server: &TestServer, strict: bool) -> brainysoft::TokenSource {
    let key = EncryptionKey::new("test-k1", &[0x5a; 32]).expect("key");
    let options = RedisOptions {
        timeout: Duration::from_millis(200),
        strict,
        ..RedisOptions::default()
    };
    let store = RedisStore::new(&redis.url(), key, options).expect("store");
    brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base url")
    .build()
    .expect("client")
    .token_source()
    .with_store(Arc::new(store))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_mid_run_still_serves_tokens_unless_strict() {
    let mut redis = RedisServer::start();
    let server = provider(300, Duration::ZERO);
    let first = source(&redis, &server, false);
    assert_eq!(
        first.access_token().await.expect("token").expose(),
        "at-fleet-1"
    );
    // A second process finds it in Redis: no request.
    let second = source(&redis, &server, false);
    assert_eq!(
        second.access_token().await.expect("token").expose(),
        "at-fleet-1"
    );
    assert_eq!(server.request_count(), 1);

    redis.stop();
    assert!(!redis.answers());
    // A process starting now fetches alone, within the store's timeouts.
    let started = Instant::now();
    let alone = source(&redis, &server, false);
    assert_eq!(
        alone.access_token().await.expect("token").expose(),
        "at-fleet-2"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The processes that have a token keep serving it.
    assert_eq!(
        first.access_token().await.expect("token").expose(),
        "at-fleet-1"
    );

    // Strict sharing: the caller asked for an error instead.
    let strict = source(&redis, &server, true);
    let started = Instant::now();
    let error = strict
        .access_token()
        .await
        .expect_err("strict store, Redis down");
    assert!(matches!(error, Error::Store(_)), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(CLIENT_SECRET) && !shown.contains("at-fleet"),
        "{shown}"
    );
}

/// RFC 6749 §10.4 / OAuth 2.0 Security BCP §4.14: a provider that rotates refresh tokens
/// refuses a used one, so two processes renewing one user's token must not both spend it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotating_refresh_token_is_spent_once_by_the_fleet() {
    use tokenspec_provider_approvalmax as approvalmax;
    let redis = RedisServer::start();
    let valid = Arc::new(Mutex::new(String::from("rt-fleet-1")));
    let issued = Arc::new(Mutex::new(1u32));
    let server = TestServer::with_handler(move |request: &RecordedRequest| {
        let form = request.form();
        let sent = form
            .iter()
            .find(|(k, _)| k == "refresh_token")
            .map(|(_, v)| v.clone());
        let mut valid = valid.lock().expect("valid");
        if sent.as_deref() != Some(valid.as_str()) {
            return Reply::json(400, &json!({"error": "invalid_grant"}));
        }
        let mut issued = issued.lock().expect("counter");
        *issued += 1;
        *valid = format!("rt-fleet-{issued}");
        Reply::json(
            200,
            &json!({
                "access_token": format!("at-fleet-{issued}"),
                "refresh_token": *valid,
                "expires_in": 3600,
                "token_type": "Bearer",
            }),
        )
        .delay(Duration::from_millis(200))
    });
    let process = || {
        let key = EncryptionKey::new("test-k1", &[0x5a; 32]).expect("key");
        let store = RedisStore::new(&redis.url(), key, RedisOptions::default()).expect("store");
        approvalmax::Client::builder(approvalmax::Inputs {
            client_id: CLIENT_ID.into(),
            client_secret: CLIENT_SECRET.into(),
            redirect_uri: "https://app.example/callback".into(),
        })
        .base_url(&server.base_url())
        .expect("loopback base url")
        .build()
        .expect("client")
        .token_source()
        .with_store(Arc::new(store))
        .with_user("user-1")
    };
    let first = process();
    let second = process();
    // The user's first token, already due, as the code exchange left it.
    first
        .insert(
            tokenspec_runtime::Secret::new("at-fleet-1"),
            Some(Duration::ZERO),
            Some(tokenspec_runtime::Secret::new("rt-fleet-1")),
        )
        .await
        .expect("inserted");
    let (a, b) = tokio::join!(first.access_token(), second.access_token());
    assert_eq!(a.expect("first process").expose(), "at-fleet-2");
    assert_eq!(b.expect("second process").expose(), "at-fleet-2");
    assert_eq!(
        server.request_count(),
        1,
        "one refresh for the fleet, never a reuse"
    );
}

/// A Redis that accepts connections and never answers (overloaded, or a black-holed port):
/// every operation is bounded by the store's timeout, so callers still get tokens promptly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_that_never_answers_costs_bounded_time() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = silent.local_addr().expect("addr").port();
    // Accepts (the kernel does, backlog) and reads nothing; kept open for the whole test.
    let _held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(16).flatten() {
            open.push(stream);
        }
        std::thread::sleep(Duration::from_secs(30));
    });
    let server = provider(300, Duration::ZERO);
    let store = |strict| {
        let key = EncryptionKey::new("test-k1", &[0x5a; 32]).expect("key");
        let options = RedisOptions {
            timeout: Duration::from_millis(200),
            strict,
            ..RedisOptions::default()
        };
        Arc::new(
            RedisStore::new(&format!("redis://127.0.0.1:{port}/"), key, options).expect("store"),
        )
    };
    let client = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base url")
    .build()
    .expect("client");

    let started = Instant::now();
    let lenient = client.token_source().with_store(store(false));
    assert_eq!(
        lenient.access_token().await.expect("token").expose(),
        "at-fleet-1"
    );
    // load, renewal and save: three bounded waits at most.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    let started = Instant::now();
    let strict = client.token_source().with_store(store(true));
    let error = strict
        .access_token()
        .await
        .expect_err("strict store, silent Redis");
    assert!(matches!(error, Error::Store(_)), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
