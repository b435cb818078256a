//! Secrets never reach logs or error messages, across every fault. Alone in its binary so the
//! captured `tracing` subscriber sees every event (see `common`).

use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokenspec_runtime::{HttpOptions, Secret};
use tokenspec_tests::{Reply, TestServer};

mod common;
use common::*;

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn no_secret_appears_in_logs_or_errors_across_faults() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut seen = String::new();
    let faults: Vec<Vec<Reply>> = vec![
        vec![
            Reply::text(503, "text/plain", "busy"),
            Reply::json(200, &token_body(ACCESS_TOKEN)),
        ],
        vec![
            Reply::json(429, &json!({"error": "slow_down"})).header("Retry-After", "0"),
            Reply::json(200, &token_body(ACCESS_TOKEN)),
        ],
        vec![Reply::close(), Reply::close(), Reply::close()],
        vec![Reply::text(502, "text/html", "<h1>Bad Gateway</h1>"); 3],
        vec![Reply::text(
            200,
            "text/plain",
            format!("access_token={ACCESS_TOKEN}"),
        )],
        vec![Reply::json(
            200,
            &json!({"token_type": "Bearer", "refresh_token": REFRESH_TOKEN}),
        )],
        vec![Reply::json(
            200,
            &json!({"access_token": ACCESS_TOKEN, "expires_in": -1, "refresh_token": REFRESH_TOKEN}),
        )],
        vec![Reply::json(
            200,
            &json!({"error": "invalid_grant", "error_description": "no"}),
        )],
        vec![Reply::json(401, &json!({"error": "invalid_client"}))],
        vec![Reply::json(
            400,
            &json!({"error": "invalid_request", "access_token": ACCESS_TOKEN}),
        )],
        vec![Reply::hang(), Reply::hang(), Reply::hang()],
        vec![Reply::chunked(
            200,
            "application/json",
            &vec![b'x'; 2 * 1024 * 1024],
            64 * 1024,
        )],
        vec![Reply::json(200, &json!({"access_token": ACCESS_TOKEN}))],
        vec![Reply::json(
            200,
            &json!({"access_token": ACCESS_TOKEN_2, "token_type": "bearer", "expires_in": "60"}),
        )],
    ];
    for replies in faults {
        let server = TestServer::start(replies);
        let client = brainysoft_with(
            &server,
            HttpOptions {
                timeout: Duration::from_millis(200),
                retry: quick_retries(2),
                ..HttpOptions::default()
            },
        );
        seen.push_str(&format!("{client:?}\n"));
        let source = client.token_source();
        for _ in 0..2 {
            match source.access_token().await {
                Ok(token) => seen.push_str(&format!("{token:?} {token}\n")),
                Err(e) => seen.push_str(&format!("{e}\n{e:?}\n")),
            }
        }
        seen.push_str(&format!("{source:?}\n"));
    }
    // Refresh flows and store errors too.
    let server = TestServer::start([Reply::json(400, &json!({"error": "invalid_grant"}))]);
    let source = approvalmax(&server).token_source();
    source
        .insert(
            Secret::new(ACCESS_TOKEN),
            Duration::ZERO,
            Some(Secret::new(REFRESH_TOKEN)),
        )
        .await
        .expect("insert");
    if let Err(e) = source.access_token().await {
        seen.push_str(&format!("{e}\n{e:?}\n"));
    }
    let server = TestServer::start([Reply::json(200, &token_body(ACCESS_TOKEN))]);
    let failing = Arc::new(FlakyStore {
        fail_save: true,
        ..FlakyStore::default()
    });
    let source = brainysoft(&server, quick_retries(3))
        .token_source()
        .with_store(failing);
    for _ in 0..2 {
        match source.access_token().await {
            Ok(token) => seen.push_str(&format!("{token:?} {token}\n")),
            Err(e) => seen.push_str(&format!("{e}\n{e:?}\n")),
        }
    }

    let logs = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8 logs");
    assert!(logs.contains("token_fetch"), "spans were captured:\n{logs}");
    for field in [
        "provider",
        "brainysoft",
        "environment",
        "grant",
        "client_credentials",
        "refresh_token",
        "attempts=",
        "status=",
        "duration_ms=",
        "attempt=",
    ] {
        assert!(logs.contains(field), "`{field}` was logged:\n{logs}");
    }
    assert!(
        seen.contains("token store error"),
        "store errors were captured:\n{seen}"
    );
    assert!(
        seen.contains("timed out"),
        "timeouts were captured:\n{seen}"
    );
    assert!(seen.contains("HTTP 502"), "errors were captured:\n{seen}");
    for secret in SECRETS {
        assert!(!logs.contains(secret), "secret in logs:\n{logs}");
        assert!(!seen.contains(secret), "secret in Display/Debug:\n{seen}");
    }
}
