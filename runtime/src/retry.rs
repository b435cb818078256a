//! When and how long to wait before sending a token request again.
//!
//! Retried: connection failures, timeouts, `429 Too Many Requests` and `5xx` answers. Never
//! retried: every other status (a `400 invalid_client` will not get better by asking again,
//! and repeating a refused credential can lock an account), bodies over the limit, bad input.
//! The delays come from `backon`'s exponential backoff with jitter; a `Retry-After` header
//! (seconds or an HTTP date) replaces the computed delay, capped so a server cannot park a
//! caller for an hour.

use crate::error::TransportErrorKind;
use backon::{BackoffBuilder, ExponentialBuilder};
use std::time::{Duration, SystemTime};

/// How a client retries a failed token request. `Default`: 3 attempts, 200 ms doubling up to
/// 5 s with jitter, `Retry-After` honoured up to 30 s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; `1` disables retries.
    pub max_attempts: u32,
    /// Delay before the second attempt; it doubles for each further one.
    pub initial_delay: Duration,
    /// Longest computed delay.
    pub max_delay: Duration,
    /// Longest wait a `Retry-After` header can impose.
    pub retry_after_cap: Duration,
    /// Whether delays are randomized (spreads out clients that failed together).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            retry_after_cap: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The default policy with `max_attempts` attempts in all (at least one).
    pub fn attempts(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            ..RetryPolicy::default()
        }
    }

    /// The delays between attempts, in order.
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> + use<> {
        let mut builder = ExponentialBuilder::new()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize);
        if self.jitter {
            builder = builder.with_jitter();
        }
        builder.build()
    }
}

/// Whether an answer with this status is worth another attempt.
pub(crate) fn retryable_status(status: http::StatusCode) -> bool {
    status == http::StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// Whether a transport failure is worth another attempt.
pub(crate) fn retryable_transport(kind: TransportErrorKind) -> bool {
    matches!(
        kind,
        TransportErrorKind::Connect | TransportErrorKind::Timeout
    )
}

/// The wait a `Retry-After` header asks for: delta-seconds or an HTTP date (RFC 9110 10.2.3).
pub(crate) fn retry_after(headers: &http::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_only_throttling_and_server_errors() {
        for code in [429, 500, 502, 503, 504] {
            assert!(
                retryable_status(http::StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        for code in [200, 400, 401, 403, 404, 409] {
            assert!(
                !retryable_status(http::StatusCode::from_u16(code).unwrap()),
                "{code}"
            );
        }
        assert!(retryable_transport(TransportErrorKind::Connect));
        assert!(retryable_transport(TransportErrorKind::Timeout));
        assert!(!retryable_transport(TransportErrorKind::BodyTooLarge));
        assert!(!retryable_transport(TransportErrorKind::Other));
    }

    #[test]
    fn retry_after_in_seconds_and_as_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        headers.insert(http::header::RETRY_AFTER, later.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(12)));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(12));
        headers.insert(http::header::RETRY_AFTER, past.parse().unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(http::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn huge_settings_and_headers_saturate_instead_of_panicking() {
        let policy = RetryPolicy {
            max_attempts: u32::MAX,
            initial_delay: Duration::MAX,
            max_delay: Duration::MAX,
            retry_after_cap: Duration::MAX,
            jitter: true,
        };
        for delay in policy.delays().take(5) {
            assert!(delay > Duration::ZERO);
        }
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            "18446744073709551615".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&headers, SystemTime::now()),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn delays_grow_and_stop_after_the_last_attempt() {
        let policy = RetryPolicy {
            jitter: false,
            ..RetryPolicy::attempts(4)
        };
        // backon computes in f32: compare whole milliseconds.
        let delays: Vec<u128> = policy.delays().map(|d| d.as_millis()).collect();
        assert_eq!(delays, [200, 400, 800], "three waits between four attempts");
        assert_eq!(RetryPolicy::none().delays().count(), 0);
    }
}
