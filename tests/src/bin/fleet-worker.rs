//! One process of a fleet, for `tests/tests/fleet.rs`: `FLEET_TASKS` tasks of this process ask
//! one token source (brainysoft's generated client, a `RedisStore`) for a token at once, and the
//! process prints what they got as one JSON line per phase.
//!
//! Environment: `FLEET_REDIS` (URL), `FLEET_BASE_URL` (the local provider), `FLEET_TASKS`,
//! `FLEET_LOCK_TTL_MS`, and optionally `FLEET_AGAIN_AT_MS` (a Unix time in ms: a second phase
//! then starts at that instant, with the first token expired).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_runtime::{EncryptionKey, RedisOptions, RedisStore};

/// The key every process of the test fleet shares (a test key, not a secret of anyone's).
const TEST_KEY: [u8; 32] = [0x5a; 32];

fn var(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set"))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tasks: usize = var("FLEET_TASKS").parse().expect("FLEET_TASKS: a number");
    let lock_ttl = Duration::from_millis(
        var("FLEET_LOCK_TTL_MS")
            .parse()
            .expect("FLEET_LOCK_TTL_MS: a number"),
    );
    let key = EncryptionKey::new("test-k1", &TEST_KEY).expect("key");
    let options = RedisOptions {
        lock_ttl,
        wait: lock_ttl + Duration::from_secs(5),
        ..RedisOptions::default()
    };
    let store = RedisStore::new(&var("FLEET_REDIS"), key, options).expect("store");
    let client = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "fleet-client-id".into(),
        client_secret: "fleet-client-secret-value".into(),
    })
    .base_url(&var("FLEET_BASE_URL"))
    .expect("loopback base url")
    .build()
    .expect("client");
    let source = client.token_source().with_store(Arc::new(store));

    phase(1, &source, tasks).await;
    if let Ok(at) = std::env::var("FLEET_AGAIN_AT_MS") {
        let at = UNIX_EPOCH + Duration::from_millis(at.parse().expect("FLEET_AGAIN_AT_MS"));
        if let Ok(wait) = at.duration_since(SystemTime::now()) {
            tokio::time::sleep(wait).await;
        }
        phase(2, &source, tasks).await;
    }
}

async fn phase(number: u32, source: &brainysoft::TokenSource, tasks: usize) {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let source = source.clone();
            tokio::spawn(async move { source.access_token().await })
        })
        .collect();
    let mut tokens = BTreeSet::new();
    let mut errors = Vec::new();
    for handle in handles {
        match handle.await {
            Ok(Ok(token)) => {
                tokens.insert(token.expose().to_string());
            }
            Ok(Err(error)) => errors.push(error.to_string()),
            Err(error) => errors.push(error.to_string()),
        }
    }
    let line = serde_json::json!({
        "phase": number,
        "tokens": tokens,
        "errors": errors,
        "done_at_ms": SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64),
    });
    println!("{line}");
}
