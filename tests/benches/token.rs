//! Benchmarks of the token source and the generated client, each beside its floor, measured
//! in one run so the ratios in BENCHMARKS.md compare like with like:
//!
//! - `cache_hit`: a cached `access_token()` against its floor, a bare `RwLock` read + one
//!   wall-clock read + `Arc` clone. Both are polled once in place (as `.await` does), so
//!   neither pays for an executor; and once more each through `now_or_never`, which moves the
//!   future into a function.
//! - `cache_hit::cached_access_token_redis_store`: the same hit on a source backed by a
//!   `RedisStore` (a real `redis-server`), its in-process copy warm: Redis is not asked.
//! - `cold_cache`: 1000 concurrent callers on an empty cache (one request expected, asserted
//!   on every iteration) against two floors: one request's round trip through the same
//!   client, and that round trip plus waking 1000 tasks parked on one `tokio::sync::watch`
//!   (what any single-flight cache must do at least: one fetch, 1000 wake-ups).
//! - `full_fetch`: one `fetch_token()` through the generated client against the same POST made
//!   with bare reqwest, both to the same local server, in six alternating rounds.
//! - `sans_io`: the generated client's own share of a fetch: building the request, parsing the
//!   answer.
//!
//! Run: `cargo bench -p tokenspec-tests --bench token`.

use futures_util::FutureExt;
use serde_json::json;
use std::future::IntoFuture;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::Duration;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_runtime::{RetryPolicy, Secret};
use tokenspec_tests::{RedisServer, Reply, TestServer};

fn main() {
    divan::main();
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
});

/// One server for every benchmark: answers each request at once with a token.
static SERVER: LazyLock<TestServer> = LazyLock::new(|| {
    TestServer::always(Reply::json(
        200,
        &json!({"access_token": "bench-token", "token_type": "Bearer", "expires_in": 3600}),
    ))
});

fn client() -> smartdocumentor::Client {
    smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: "bench-client".into(),
        client_secret: "bench-secret".into(),
    })
    .base_url(&SERVER.base_url())
    .expect("loopback")
    .retry(RetryPolicy::none())
    .build()
    .expect("client")
}

mod cache_hit {
    use super::*;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll};
    use std::time::SystemTime;

    /// Polls `future` once where it stands, as `.await` does: no executor, no move into a
    /// helper function. Floor and hit both go through it.
    #[inline(always)]
    fn poll_in_place<F: Future>(cx: &mut Context<'_>, future: F) -> Poll<F::Output> {
        pin!(future).poll(cx)
    }

    fn source_with_token() -> smartdocumentor::TokenSource {
        let source = client().token_source();
        RUNTIME
            .block_on(source.insert(Secret::new("bench-token"), Duration::from_secs(3600), None))
            .expect("insert");
        source
    }

    /// The floor: what any correct hit must do. A read lock, one read of the clock that judges
    /// expiry (the wall clock, as the source uses), an `Arc` clone.
    #[inline(always)]
    fn floor(lock: &RwLock<Option<(SystemTime, Arc<String>)>>) -> Option<Arc<String>> {
        let guard = lock
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|(renew_at, _)| SystemTime::now() < *renew_at)
            .map(|(_, token)| token.clone())
    }

    fn floor_lock() -> RwLock<Option<(SystemTime, Arc<String>)>> {
        RwLock::new(Some((
            SystemTime::now() + Duration::from_secs(3600),
            Arc::new(String::from("bench-token")),
        )))
    }

    #[divan::bench(sample_count = 100, sample_size = 10_000)]
    fn floor_rwlock_read_clock_arc_clone(bencher: divan::Bencher) {
        let lock = floor_lock();
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        bencher.bench_local(|| poll_in_place(&mut cx, async { floor(&lock) }));
    }

    #[divan::bench(sample_count = 100, sample_size = 10_000)]
    fn cached_access_token(bencher: divan::Bencher) {
        let source = source_with_token();
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        bencher.bench_local(|| poll_in_place(&mut cx, source.access_token()));
    }

    /// The same two through `now_or_never`, which takes the future by value into a function
    /// of its own.
    #[divan::bench(sample_count = 100, sample_size = 10_000)]
    fn floor_now_or_never(bencher: divan::Bencher) {
        let lock = floor_lock();
        bencher.bench_local(|| async { floor(&lock) }.now_or_never());
    }

    #[divan::bench(sample_count = 100, sample_size = 10_000)]
    fn cached_access_token_now_or_never(bencher: divan::Bencher) {
        let source = source_with_token();
        bencher.bench_local(|| source.access_token().now_or_never());
    }

    /// A hit on a source whose store is Redis (feature `redis`), with the token in the
    /// process's own copy: served like the in-memory hit above, without asking Redis.
    #[divan::bench(sample_count = 100, sample_size = 10_000)]
    fn cached_access_token_redis_store(bencher: divan::Bencher) {
        use tokenspec_runtime::{EncryptionKey, RedisOptions, RedisStore};
        static REDIS: LazyLock<RedisServer> = LazyLock::new(RedisServer::start);
        // A bench key, not anyone's secret.
        let key = EncryptionKey::new("bench-k1", &[0x42; 32]).expect("key");
        let store = {
            let _runtime = RUNTIME.enter();
            RedisStore::new(&REDIS.url(), key, RedisOptions::default()).expect("store")
        };
        let source = client().token_source().with_store(Arc::new(store));
        RUNTIME
            .block_on(source.insert(Secret::new("bench-token"), Duration::from_secs(3600), None))
            .expect("insert");
        let waker = futures_util::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        bencher.bench_local(|| poll_in_place(&mut cx, source.access_token()));
    }

    /// The synchronous peek, without a future.
    #[divan::bench(sample_count = 100, sample_size = 10_000)]
    fn cached_peek(bencher: divan::Bencher) {
        let source = source_with_token();
        bencher.bench_local(|| source.cached());
    }

    /// Context: the floor without its clock read, i.e. what the clock costs on this machine.
    #[divan::bench(sample_count = 100, sample_size = 10_000)]
    fn context_rwlock_read_arc_clone_no_clock(bencher: divan::Bencher) {
        let lock = floor_lock();
        bencher.bench_local(|| {
            let guard = lock
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            guard.as_ref().map(|(_, token)| token.clone())
        });
    }
}

mod cold_cache {
    use super::*;

    #[divan::bench(sample_count = 20, sample_size = 1)]
    fn floor_one_round_trip(bencher: divan::Bencher) {
        let client = client();
        // `into_future` is what `.await` does with a `Call` (`block_on` takes a `Future`).
        bencher.bench_local(|| {
            RUNTIME
                .block_on(client.fetch_token().into_future())
                .expect("token")
        });
    }

    /// The floor of `thousand_callers`: the one fetch any single-flight cache makes, and the
    /// 1000 wake-ups it owes its callers, here through the cheapest shared primitive, a
    /// `watch` channel. The fetch starts first, as the first caller's does, and the 1000 tasks
    /// are spawned and awaited as `thousand_callers` spawns and awaits its callers.
    #[divan::bench(sample_count = 20, sample_size = 1)]
    fn floor_round_trip_and_waking_1000_parked_tasks(bencher: divan::Bencher) {
        let client = Arc::new(client());
        bencher
            .with_inputs(|| SERVER.request_count())
            .bench_local_values(|before| {
                RUNTIME.block_on(async {
                    let (sender, receiver) = tokio::sync::watch::channel(None::<Secret>);
                    let client = client.clone();
                    let fetcher = tokio::spawn(async move {
                        let token = client.fetch_token().await.expect("token");
                        sender.send_replace(Some(token.access_token));
                    });
                    let parked: Vec<_> = (0..1000)
                        .map(|_| {
                            let mut receiver = receiver.clone();
                            tokio::spawn(async move {
                                let token = receiver.wait_for(Option::is_some).await;
                                token.expect("sent").clone().expect("a token")
                            })
                        })
                        .collect();
                    for task in parked {
                        task.await.expect("task");
                    }
                    fetcher.await.expect("fetcher");
                });
                let requests = SERVER.request_count() - before;
                assert_eq!(requests, 1, "the floor made {requests} requests");
            });
    }

    #[divan::bench(sample_count = 20, sample_size = 1)]
    fn thousand_callers(bencher: divan::Bencher) {
        let client = client();
        bencher
            .with_inputs(|| (client.token_source(), SERVER.request_count()))
            .bench_local_values(|(source, before)| {
                RUNTIME.block_on(async {
                    let callers: Vec<_> = (0..1000)
                        .map(|_| {
                            let source = source.clone();
                            tokio::spawn(async move { source.access_token().await })
                        })
                        .collect();
                    for caller in callers {
                        caller.await.expect("task").expect("token");
                    }
                });
                let requests = SERVER.request_count() - before;
                assert_eq!(
                    requests, 1,
                    "1000 callers on a cold cache made {requests} requests"
                );
            });
    }
}

mod full_fetch {
    use super::*;

    /// One thread for the client, one for the server, on a 2-core machine: a multi-thread
    /// runtime would add threads competing for the cores and make both sides noisier.
    static LOCAL: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    });

    /// Six rounds, each a bare-reqwest run (without and with a 30 s timeout around the call,
    /// as the runtime sets one per attempt) and a generated-client run back to back: on a shared
    /// virtual machine the speed of the whole machine drifts by tens of percent over seconds, so
    /// each round's ratios compare neighbours in time (BENCHMARKS.md reports every round).
    const ROUNDS: &[&str] = &[
        "1 a bare reqwest",
        "1 b bare reqwest + timeout",
        "1 c generated client",
        "2 a bare reqwest",
        "2 b bare reqwest + timeout",
        "2 c generated client",
        "3 a bare reqwest",
        "3 b bare reqwest + timeout",
        "3 c generated client",
        "4 a bare reqwest",
        "4 b bare reqwest + timeout",
        "4 c generated client",
        "5 a bare reqwest",
        "5 b bare reqwest + timeout",
        "5 c generated client",
        "6 a bare reqwest",
        "6 b bare reqwest + timeout",
        "6 c generated client",
    ];

    #[divan::bench(args = ROUNDS, sample_count = 600, sample_size = 5)]
    fn rounds(bencher: divan::Bencher, which: &str) {
        if which.ends_with("bare reqwest") {
            bare_reqwest(bencher, None);
        } else if which.ends_with("+ timeout") {
            bare_reqwest(bencher, Some(Duration::from_secs(30)));
        } else {
            // Its own reqwest client, as the bare side has: the runtime's shared default one
            // may hold a pooled connection that an earlier benchmark opened on the
            // multi-thread runtime, whose threads would then carry every request.
            let transport = tokenspec_runtime::ReqwestTransport::with_defaults().expect("reqwest");
            let client = smartdocumentor::Client::builder(smartdocumentor::Inputs {
                client_id: "bench-client".into(),
                client_secret: "bench-secret".into(),
            })
            .base_url(&SERVER.base_url())
            .expect("loopback")
            .retry(RetryPolicy::none())
            .transport(Arc::new(transport))
            .build()
            .expect("client");
            // Checked and dropped inside, as the bare side does with its JSON value.
            bencher.bench_local(|| {
                let token = LOCAL
                    .block_on(client.fetch_token().into_future())
                    .expect("token");
                assert!(!token.access_token.expose().is_empty());
            });
        }
    }

    /// The same POST as the generated client's (same headers, same body), read and parsed as
    /// JSON, with a reqwest client configured like the runtime's (no redirects); `timeout`
    /// around the whole call, as the runtime does, if given.
    fn bare_reqwest(bencher: divan::Bencher, timeout: Option<Duration>) {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest");
        let url = format!("{}/connect/token", SERVER.base_url());
        let fetch = || async {
            let response = http
                .post(&url)
                .header("accept", "application/json")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("grant_type=client_credentials&scope=WebAPI&client_id=bench-client&client_secret=bench-secret")
                .send()
                .await
                .expect("send");
            let body = response.bytes().await.expect("body");
            let value: serde_json::Value = serde_json::from_slice(&body).expect("json");
            assert!(value["access_token"].is_string());
        };
        match timeout {
            None => bencher.bench_local(|| LOCAL.block_on(fetch())),
            Some(limit) => bencher.bench_local(|| {
                LOCAL.block_on(async {
                    tokio::time::timeout(limit, fetch()).await.expect("in time")
                })
            }),
        }
    }
}

mod sans_io {
    use super::*;

    /// Building the request and parsing a response, without the network: the generated
    /// client's own share of a fetch.
    /// The first request of a client: URL template, inputs, form encoding, headers.
    #[divan::bench]
    fn build_request_first(bencher: divan::Bencher) {
        bencher
            .with_inputs(client)
            .bench_local_values(|client| client.fetch_token().request().expect("request"));
    }

    /// Every later one: a copy of the first (it depends only on the client's settings).
    #[divan::bench]
    fn build_request_again(bencher: divan::Bencher) {
        let client = client();
        bencher.bench_local(|| client.fetch_token().request().expect("request"));
    }

    #[divan::bench]
    fn parse_response(bencher: divan::Bencher) {
        let client = client();
        let body = json!({"access_token": "bench-token", "token_type": "Bearer", "expires_in": 3600, "scope": "WebAPI"}).to_string();
        bencher.bench_local(|| {
            let response = http::Response::builder()
                .status(200)
                .header("content-type", "application/json")
                .body(body.clone().into_bytes())
                .expect("response");
            client.parse_response(&response).expect("token")
        });
    }
}
