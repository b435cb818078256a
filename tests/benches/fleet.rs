//! A fleet sharing one token through Redis (runtime feature `redis`), beside its floor, in
//! one run:
//!
//! - `fleet_8_processes_x_100_cold_callers`: 8 `fleet-worker` processes of 100 tasks each,
//!   spawned at once on an empty Redis, timed from the first spawn until every process has
//!   exited with every task holding the token. One token request per iteration (asserted).
//! - `floor_token_round_trip_plus_redis_round_trip`: what the fleet must do at least: one
//!   token request (brainysoft's generated client, the same server) and one Redis command.
//! - `context_8_processes_no_callers`: the same 8 processes with no tasks: process start, the
//!   client and store built, exit. The part of the fleet's time that is not token sharing.
//!
//! Run: `cargo bench -p tokenspec-tests --bench fleet`.

use serde_json::{Value, json};
use std::future::IntoFuture;
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_runtime::RetryPolicy;
use tokenspec_tests::{RedisServer, Reply, TestServer};

fn main() {
    divan::main();
}

const PROCESSES: usize = 8;
const TASKS: usize = 100;

static REDIS: LazyLock<RedisServer> = LazyLock::new(RedisServer::start);

/// The local provider: answers each request at once with a brainysoft token.
static SERVER: LazyLock<TestServer> = LazyLock::new(|| {
    TestServer::always(Reply::json(
        200,
        &json!({"access_token": "at-fleet", "token_type": "Bearer", "expires_in": 3600, "sessid": "s-1"}),
    ))
});

fn redis_connection() -> redis::Connection {
    redis::Client::open(REDIS.url())
        .expect("redis url")
        .get_connection()
        .expect("connect to redis")
}

/// Empties Redis, so that the next fleet starts cold.
fn flush(connection: &mut redis::Connection) {
    redis::cmd("FLUSHALL")
        .query::<()>(connection)
        .expect("FLUSHALL");
}

/// Spawns the fleet, waits for every process, and returns what each printed.
fn run_fleet(tasks: usize) -> Vec<Value> {
    let workers: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_fleet-worker"))
                .env("FLEET_REDIS", REDIS.url())
                .env("FLEET_BASE_URL", SERVER.base_url())
                .env("FLEET_TASKS", tasks.to_string())
                .env("FLEET_LOCK_TTL_MS", "10000")
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("start a fleet worker")
        })
        .collect();
    workers
        .into_iter()
        .map(|worker| {
            let output = worker.wait_with_output().expect("worker output");
            assert!(
                output.status.success(),
                "worker failed: {:?}",
                output.status
            );
            serde_json::from_slice(&output.stdout).expect("one JSON line")
        })
        .collect()
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn fleet_8_processes_x_100_cold_callers(bencher: divan::Bencher) {
    let mut connection = redis_connection();
    bencher
        .with_inputs(|| {
            flush(&mut connection);
            SERVER.request_count()
        })
        .bench_local_values(|before| {
            let phases = run_fleet(TASKS);
            let requests = SERVER.request_count() - before;
            assert_eq!(requests, 1, "the fleet made {requests} token requests");
            for phase in phases {
                assert_eq!(
                    phase["errors"],
                    json!([]),
                    "every task got a token: {phase}"
                );
                assert_eq!(phase["tokens"], json!(["at-fleet"]), "{phase}");
            }
        });
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn context_8_processes_no_callers(bencher: divan::Bencher) {
    bencher.bench_local(|| run_fleet(0));
}

#[divan::bench(sample_count = 100, sample_size = 1)]
fn floor_token_round_trip_plus_redis_round_trip(bencher: divan::Bencher) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "fleet-client-id".into(),
        client_secret: "fleet-client-secret-value".into(),
    })
    .base_url(&SERVER.base_url())
    .expect("loopback base url")
    .retry(RetryPolicy::none())
    .build()
    .expect("client");
    let mut connection = redis_connection();
    bencher.bench_local(|| {
        let token = runtime
            .block_on(client.fetch_token().into_future())
            .expect("token");
        let stored: Option<String> = redis::cmd("GET")
            .arg("tokenspec:bench-floor")
            .query(&mut connection)
            .expect("GET");
        (token, stored)
    });
}
