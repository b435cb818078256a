//! tokenspec beside a peer: the same client-credentials fetch (RFC 6749 section 4.4) made with
//! oauth2-rs (`oauth2` 5 with its reqwest client, used as its documentation shows) and with
//! tokenspec's generated client (smartdocumentor: client id and secret in the form body, scope
//! `WebAPI`), both against the same local `TestServer` answering the same token JSON.
//!
//! - `fetch::rounds`: one fetch each, in alternating rounds (the machine's speed drifts over
//!   seconds, so each round compares neighbours in time).
//! - `concurrent`: 100 callers at once. oauth2-rs has no cache, so used as documented it makes
//!   100 requests; tokenspec's token source makes 1. Both counts are asserted every iteration.
//! - Instructions (not a divan benchmark): `PEER_INSTRUCTIONS=1` runs this binary as a driver
//!   that counts, with `valgrind --tool=callgrind`, the instructions of K fetches of each
//!   client in a process of its own (the server in another process, so only the client is
//!   counted), for two values of K, and prints (I(K2) - I(K1)) / (K2 - K1) per client: the
//!   per-fetch cost without process start, runtime and client construction.
//!
//! Run: `cargo bench -p tokenspec-peer-bench --bench peer` (times) and
//! `PEER_INSTRUCTIONS=1 cargo bench -p tokenspec-peer-bench --bench peer` (instructions).

use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{AuthType, ClientId, ClientSecret, Scope, TokenResponse, TokenUrl};
use serde_json::json;
use std::future::IntoFuture;
use std::io::{BufRead, Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, LazyLock};
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_runtime::{ReqwestTransport, RetryPolicy};
use tokenspec_tests::{Reply, TestServer};

const CLIENT_ID: &str = "bench-client";
const CLIENT_SECRET: &str = "bench-secret";
/// How many fetches the two callgrind runs of each client make.
const FETCHES: [u64; 2] = [50, 550];
/// Concurrent callers in `concurrent`.
const CALLERS: usize = 100;

fn main() {
    if std::env::var_os("PEER_SERVE").is_some() {
        serve();
    } else if let Ok(which) = std::env::var("PEER_CLIENT") {
        fetch_many(&which);
    } else if std::env::var_os("PEER_INSTRUCTIONS").is_some() {
        count_instructions();
    } else {
        divan::main();
    }
}

fn token_reply() -> Reply {
    Reply::json(
        200,
        &json!({"access_token": "bench-token", "token_type": "Bearer", "expires_in": 3600}),
    )
}

/// One server for every benchmark of this process: answers each request at once.
static SERVER: LazyLock<TestServer> = LazyLock::new(|| TestServer::always(token_reply()));

/// Two worker threads: the machine has two cores, and the server has threads of its own.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
});

/// One thread for the client in single fetches, as `tests/benches/token.rs` does.
static LOCAL: LazyLock<tokio::runtime::Runtime> = LazyLock::new(current_thread);

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// The peer, configured as its documentation shows (redirects off, as it advises against
/// SSRF), sending the credentials in the body as the provider wants (RFC 6749 section 2.3.1).
struct Peer {
    client: oauth2::basic::BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    http: oauth2::reqwest::Client,
}

impl Peer {
    fn new(base_url: &str) -> Self {
        let client = BasicClient::new(ClientId::new(CLIENT_ID.into()))
            .set_client_secret(ClientSecret::new(CLIENT_SECRET.into()))
            .set_auth_type(AuthType::RequestBody)
            .set_token_uri(TokenUrl::new(format!("{base_url}/connect/token")).expect("token url"));
        let http = oauth2::reqwest::ClientBuilder::new()
            .redirect(oauth2::reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest");
        Peer { client, http }
    }

    async fn fetch(&self) -> BasicTokenResponse {
        self.client
            .exchange_client_credentials()
            .add_scope(Scope::new("WebAPI".into()))
            .request_async(&self.http)
            .await
            .expect("token")
    }
}

/// tokenspec's generated client, with a reqwest client of its own as the peer has.
fn tokenspec_client(base_url: &str) -> smartdocumentor::Client {
    let transport = ReqwestTransport::with_defaults().expect("reqwest");
    smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
    })
    .base_url(base_url)
    .expect("loopback")
    .retry(RetryPolicy::none())
    .transport(Arc::new(transport))
    .build()
    .expect("client")
}

mod fetch {
    use super::*;

    const ROUNDS: &[&str] = &[
        "1 a oauth2-rs",
        "1 b tokenspec",
        "2 a oauth2-rs",
        "2 b tokenspec",
        "3 a oauth2-rs",
        "3 b tokenspec",
        "4 a oauth2-rs",
        "4 b tokenspec",
    ];

    #[divan::bench(args = ROUNDS, sample_count = 400, sample_size = 5)]
    fn rounds(bencher: divan::Bencher, which: &str) {
        if which.ends_with("oauth2-rs") {
            let peer = Peer::new(&SERVER.base_url());
            bencher.bench_local(|| {
                let token = LOCAL.block_on(peer.fetch());
                assert!(!token.access_token().secret().is_empty());
            });
        } else {
            let client = tokenspec_client(&SERVER.base_url());
            bencher.bench_local(|| {
                let token = LOCAL
                    .block_on(client.fetch_token().into_future())
                    .expect("token");
                assert!(!token.access_token.expose().is_empty());
            });
        }
    }
}

mod concurrent {
    use super::*;

    /// oauth2-rs as documented: each caller asks for a token, so each makes a request.
    #[divan::bench(sample_count = 40, sample_size = 1)]
    fn oauth2_rs_100_callers(bencher: divan::Bencher) {
        let peer = Arc::new(Peer::new(&SERVER.base_url()));
        bencher
            .with_inputs(|| SERVER.request_count())
            .bench_local_values(|before| {
                RUNTIME.block_on(async {
                    let callers: Vec<_> = (0..CALLERS)
                        .map(|_| {
                            let peer = peer.clone();
                            tokio::spawn(async move { peer.fetch().await })
                        })
                        .collect();
                    for caller in callers {
                        caller.await.expect("task");
                    }
                });
                let requests = SERVER.request_count() - before;
                assert_eq!(requests, CALLERS, "oauth2-rs made {requests} requests");
            });
    }

    /// tokenspec: a cold token source shared by the callers makes one request for all.
    #[divan::bench(sample_count = 40, sample_size = 1)]
    fn tokenspec_100_callers(bencher: divan::Bencher) {
        let client = tokenspec_client(&SERVER.base_url());
        bencher
            .with_inputs(|| (client.token_source(), SERVER.request_count()))
            .bench_local_values(|(source, before)| {
                RUNTIME.block_on(async {
                    let callers: Vec<_> = (0..CALLERS)
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
                assert_eq!(requests, 1, "tokenspec made {requests} requests");
            });
    }
}

/// `PEER_SERVE`: a token server in a process of its own; prints its base URL, serves until
/// its standard input closes.
fn serve() {
    let server = TestServer::always(token_reply());
    println!("{}", server.base_url());
    std::io::stdout().flush().expect("stdout");
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
    drop(server);
}

/// `PEER_CLIENT=oauth2-rs|tokenspec`: `PEER_FETCHES` fetches with one client, one after the
/// other, on a current-thread runtime (the process callgrind counts).
fn fetch_many(which: &str) {
    let base_url = std::env::var("PEER_BASE_URL").expect("PEER_BASE_URL");
    let fetches: u64 = std::env::var("PEER_FETCHES")
        .expect("PEER_FETCHES")
        .parse()
        .expect("PEER_FETCHES: a number");
    let runtime = current_thread();
    match which {
        "oauth2-rs" => {
            let peer = Peer::new(&base_url);
            runtime.block_on(async {
                for _ in 0..fetches {
                    assert!(!peer.fetch().await.access_token().secret().is_empty());
                }
            });
        }
        "tokenspec" => {
            let client = tokenspec_client(&base_url);
            runtime.block_on(async {
                for _ in 0..fetches {
                    let token = client.fetch_token().await.expect("token");
                    assert!(!token.access_token.expose().is_empty());
                }
            });
        }
        other => panic!("PEER_CLIENT: oauth2-rs or tokenspec, not {other}"),
    }
}

/// `PEER_INSTRUCTIONS`: instructions per fetch of each client, counted by callgrind.
fn count_instructions() {
    let this = std::env::current_exe().expect("this binary");
    let mut server = Command::new(&this)
        .env("PEER_SERVE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server process");
    let mut base_url = String::new();
    std::io::BufReader::new(server.stdout.take().expect("server stdout"))
        .read_line(&mut base_url)
        .expect("server URL");
    let base_url = base_url.trim().to_string();
    let out = std::env::temp_dir().join(format!("peer-callgrind-{}", std::process::id()));
    let mut per_fetch = Vec::new();
    for which in ["oauth2-rs", "tokenspec"] {
        let [few, many] = FETCHES.map(|fetches| {
            let status = Command::new("valgrind")
                .args(["--tool=callgrind", "--quiet"])
                .arg(format!("--callgrind-out-file={}", out.display()))
                .arg(&this)
                .env("PEER_CLIENT", which)
                .env("PEER_BASE_URL", &base_url)
                .env("PEER_FETCHES", fetches.to_string())
                .status()
                .expect("valgrind (install it: apt-get install valgrind)");
            assert!(status.success(), "callgrind run failed: {status}");
            let report = std::fs::read_to_string(&out).expect("callgrind output");
            let _ = std::fs::remove_file(&out);
            summary(&report)
        });
        let instructions = (many - few) / (FETCHES[1] - FETCHES[0]);
        println!(
            "{which}: {few} instructions for {} fetches, {many} for {}: {instructions} per fetch",
            FETCHES[0], FETCHES[1]
        );
        per_fetch.push(instructions);
    }
    drop(server.stdin.take());
    let _ = server.wait();
    #[expect(clippy::cast_precision_loss, reason = "a ratio to print")]
    let ratio = per_fetch[1] as f64 / per_fetch[0] as f64;
    println!("tokenspec / oauth2-rs, instructions per fetch: {ratio:.2}");
}

/// The total instruction count (`summary:` line) of a callgrind output file.
fn summary(report: &str) -> u64 {
    report
        .lines()
        .find_map(|line| line.strip_prefix("summary:"))
        .and_then(|count| count.trim().parse().ok())
        .expect("a summary line in the callgrind output")
}
