//! Helpers shared by the fault tests and the leak test (which runs alone in its own binary:
//! `tracing` caches per call site whether anyone listens, and tests on other threads without a
//! subscriber would make it drop the captured events).
#![allow(dead_code)]

use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;
use tokenspec_provider_approvalmax as approvalmax;
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_runtime::{HttpOptions, RetryPolicy, StoreError, StoredToken, TokenStore};
use tokenspec_tests::TestServer;

pub const CLIENT_SECRET: &str = "cs-0f1e2d3c-client-secret-bytes";
pub const ACCESS_TOKEN: &str = "at-9a8b7c6d-access-token-bytes";
pub const ACCESS_TOKEN_2: &str = "at-5e4f3a2b-second-access-token";
pub const REFRESH_TOKEN: &str = "rt-1a2b3c4d-refresh-token-bytes";
pub const REFRESH_TOKEN_2: &str = "rt-7d6c5b4a-rotated-refresh-token";
pub const SECRETS: &[&str] = &[
    CLIENT_SECRET,
    ACCESS_TOKEN,
    ACCESS_TOKEN_2,
    REFRESH_TOKEN,
    REFRESH_TOKEN_2,
];

/// Short waits so that retry tests stay fast; jitter off so timings are predictable.
pub fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy {
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        jitter: false,
        ..RetryPolicy::attempts(attempts)
    }
}

pub fn brainysoft(server: &TestServer, retry: RetryPolicy) -> brainysoft::Client {
    brainysoft_with(
        server,
        HttpOptions {
            timeout: Duration::from_secs(5),
            retry,
            ..HttpOptions::default()
        },
    )
}

/// A brainysoft client for `server` with `options` (timeouts, body limit, retries).
pub fn brainysoft_with(server: &TestServer, options: HttpOptions) -> brainysoft::Client {
    brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "client-1".into(),
        client_secret: CLIENT_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base url")
    .http_options(options)
    .build()
    .expect("client")
}

pub fn token_body(access_token: &str) -> serde_json::Value {
    json!({"access_token": access_token, "token_type": "Bearer", "expires_in": 299, "sessid": "s-1"})
}

pub fn approvalmax(server: &TestServer) -> approvalmax::Client {
    approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "client-1".into(),
        client_secret: CLIENT_SECRET.into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&server.base_url())
    .expect("url")
    .retry(quick_retries(2))
    .build()
    .expect("client")
}

pub fn form_value(request: &tokenspec_tests::RecordedRequest, name: &str) -> Option<String> {
    request
        .form()
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// A store whose operations fail on demand, counting saves.
#[derive(Default)]
pub struct FlakyStore {
    pub fail_load: bool,
    pub fail_save: bool,
    pub saved: Mutex<Vec<StoredToken>>,
}

impl TokenStore for FlakyStore {
    fn load<'a>(
        &'a self,
        _key: &'a str,
    ) -> tokenspec_runtime::BoxFuture<'a, Result<Option<StoredToken>, StoreError>> {
        let fail = self.fail_load;
        Box::pin(async move {
            if fail {
                Err(StoreError::new("disk unavailable"))
            } else {
                Ok(None)
            }
        })
    }

    fn save<'a>(
        &'a self,
        _key: &'a str,
        token: &'a StoredToken,
    ) -> tokenspec_runtime::BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            if self.fail_save {
                return Err(StoreError::new("disk full"));
            }
            self.saved.lock().expect("lock").push(token.clone());
            Ok(())
        })
    }
}
