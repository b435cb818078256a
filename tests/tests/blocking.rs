//! The blocking API from threads that come and go: each thread's runtime drives only its own
//! connections, so a connection opened by a thread that has ended (its runtime dropped) is
//! never handed to another one, where it would hang until a timeout.

use serde_json::json;
use std::time::{Duration, Instant};
use tokenspec_provider_learnlink as learnlink;
use tokenspec_tests::{Reply, TestServer};

#[test]
fn blocking_calls_from_threads_that_end_all_succeed_promptly() {
    // Keep-alive answers: a shared pool would keep each connection for the next thread.
    let server = TestServer::always(Reply::json(
        200,
        &json!({"access_token": "blocking-token", "token_type": "Bearer", "expires_in": 3600}),
    ));
    let client = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "tenant".into(),
        client_secret: "secret".into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    // One attempt with a short timeout: a dead pooled connection fails the test instead of
    // being retried away.
    .http_options(tokenspec_runtime::HttpOptions {
        timeout: Duration::from_secs(3),
        retry: tokenspec_runtime::RetryPolicy::none(),
        ..Default::default()
    })
    .build()
    .expect("client");
    let threads = 12;
    for round in 0..threads {
        let client = client.clone();
        let started = Instant::now();
        let result = std::thread::spawn(move || {
            // Two calls per thread: the second reuses the thread's own connection.
            let first = client.fetch_token().blocking();
            let second = client.fetch_token().blocking();
            (first, second)
        })
        .join()
        .expect("the thread ran");
        let took = started.elapsed();
        for token in [result.0, result.1] {
            let token = token.unwrap_or_else(|e| panic!("thread {round}: {e}"));
            assert_eq!(token.access_token.expose(), "blocking-token");
        }
        assert!(
            took < Duration::from_secs(2),
            "thread {round} took {took:?}"
        );
    }
    assert_eq!(server.request_count(), 2 * threads);
    // Each thread opened a connection of its own and used it twice.
    assert_eq!(server.connection_count(), threads);
}

/// The harder case: the thread that opened a connection is still alive but idle (its
/// current-thread runtime runs only inside a blocking call). A pool shared across runtimes
/// would hand that connection to another thread, whose request then waits for a runtime
/// nobody drives, until it times out.
#[test]
fn a_connection_of_an_idle_thread_is_not_used_by_another() {
    let server = TestServer::always(Reply::json(
        200,
        &json!({"access_token": "blocking-token", "token_type": "Bearer", "expires_in": 3600}),
    ));
    let client = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "tenant".into(),
        client_secret: "secret".into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .http_options(tokenspec_runtime::HttpOptions {
        timeout: Duration::from_secs(3),
        retry: tokenspec_runtime::RetryPolicy::none(),
        ..Default::default()
    })
    .build()
    .expect("client");
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let (fetched_tx, fetched_rx) = std::sync::mpsc::channel();
    let idle = {
        let client = client.clone();
        std::thread::spawn(move || {
            let token = client
                .fetch_token()
                .blocking()
                .map(|t| t.access_token.expose().to_owned());
            fetched_tx.send(token).expect("the test waits");
            // Stay alive, runtime and all, without driving it.
            let _ = done_rx.recv();
        })
    };
    let first = fetched_rx.recv().expect("the idle thread fetched");
    assert_eq!(first.expect("first token"), "blocking-token");
    for round in 0..3 {
        let started = Instant::now();
        let token = client.fetch_token().blocking();
        let took = started.elapsed();
        assert_eq!(
            token
                .unwrap_or_else(|e| panic!("round {round}: {e}"))
                .access_token
                .expose(),
            "blocking-token"
        );
        assert!(took < Duration::from_secs(2), "round {round} took {took:?}");
    }
    done_tx.send(()).expect("the idle thread waits");
    idle.join().expect("the idle thread ran");
    assert_eq!(server.request_count(), 4);
}
