//! Bearer-token middleware: every request an HTTP client sends to an API gets
//! `Authorization: Bearer <token>` from a tokenspec token source, and a `401 Unauthorized`
//! answer costs one renewal and one retry, never more.
//!
//! - Feature `reqwest`: [`BearerMiddleware`], for a `reqwest_middleware::ClientWithMiddleware`.
//! - Feature `tower`: [`BearerLayer`], for hyper, tonic or any `tower::Service` over
//!   `http::Request`.
//!
//! Both take a [`BearerSource`]: a generated client's
//! [`token_source`](tokenspec_runtime::TypedClient::token_source) (a
//! [`CachedTokenSource`]) is one, so the token is cached, renewed shortly before it expires and
//! fetched once for every request waiting on it.
//!
//! # The 401 rule
//! A 401 means the API refused the token (RFC 6750 section 3.1, `invalid_token`: revoked,
//! expired early, rotated by another login). The middleware then forgets that token (only that
//! one: a token another request renewed meanwhile is kept, see
//! [`CachedTokenSource::forget`]) and sends the request once more with a fresh token. It
//! retries only requests it may send twice: idempotent methods (RFC 9110 section 9.2.2: `GET`,
//! `HEAD`, `OPTIONS`, `TRACE`, `PUT`, `DELETE`) whose body it can copy, unless the user allows
//! non-idempotent ones with `retry_non_idempotent(true)`. A second 401 is returned as it is:
//! the caller sees it, and nothing loops.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokenspec_runtime::{CachedTokenSource, Secret};

#[cfg(feature = "reqwest")]
mod reqwest_middleware_impl;
#[cfg(feature = "reqwest")]
pub use reqwest_middleware_impl::BearerMiddleware;

#[cfg(feature = "tower")]
mod tower_impl;
#[cfg(feature = "tower")]
pub use tower_impl::{Bearer, BearerLayer, CloneRequest, NoReplay, Replay};

/// An error of any kind, as tower services and `anyhow` carry them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A boxed future, as the middleware stores them.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where the middleware gets tokens from, and whom it tells about a refused one.
///
/// Implemented by [`CachedTokenSource`] (what a generated client's `token_source()` returns)
/// and by `Arc`s of any implementation.
pub trait BearerSource: Send + Sync + 'static {
    /// A token valid now (cached, or fetched once for every caller waiting).
    fn token(&self) -> BoxFuture<'_, Result<Secret, BoxError>>;
    /// The API answered 401 to `token`: do not hand it out again.
    fn refused(&self, token: &Secret);
}

impl<B> BearerSource for CachedTokenSource<B>
where
    B: serde::de::DeserializeOwned + Send + Sync + 'static,
    tokenspec_runtime::Error<B>: std::error::Error + Send + Sync + 'static,
{
    fn token(&self) -> BoxFuture<'_, Result<Secret, BoxError>> {
        Box::pin(async move { self.access_token().await.map_err(BoxError::from) })
    }

    fn refused(&self, token: &Secret) {
        self.forget(token);
    }
}

impl<S: BearerSource + ?Sized> BearerSource for Arc<S> {
    fn token(&self) -> BoxFuture<'_, Result<Secret, BoxError>> {
        (**self).token()
    }

    fn refused(&self, token: &Secret) {
        (**self).refused(token);
    }
}

/// Which requests are sent a second time after a 401.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct RetryRule {
    non_idempotent: bool,
}

impl RetryRule {
    /// RFC 9110 section 9.2.2: a request with an idempotent method may be repeated; a `POST`
    /// or `PATCH` only when the user said their API takes it twice.
    fn allows(self, method: &http::Method) -> bool {
        self.non_idempotent
            || matches!(
                *method,
                http::Method::GET
                    | http::Method::HEAD
                    | http::Method::OPTIONS
                    | http::Method::TRACE
                    | http::Method::PUT
                    | http::Method::DELETE
            )
    }
}

/// Sets `Authorization: Bearer <token>` (RFC 6750 section 2.1), marked sensitive so that
/// HTTP/2 header compression and `Debug` of the request keep it out, replacing any
/// `Authorization` the caller set.
fn authorize(headers: &mut http::HeaderMap, token: &Secret) {
    headers.insert(
        http::header::AUTHORIZATION,
        tokenspec_runtime::bearer_header(token),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_are_retried_unless_allowed() {
        let strict = RetryRule::default();
        for method in ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"] {
            let method = http::Method::from_bytes(method.as_bytes()).expect("method");
            assert!(strict.allows(&method), "{method}");
        }
        for method in ["POST", "PATCH", "CONNECT", "PURGE"] {
            let method = http::Method::from_bytes(method.as_bytes()).expect("method");
            assert!(!strict.allows(&method), "{method}");
            assert!(
                RetryRule {
                    non_idempotent: true
                }
                .allows(&method),
                "{method}"
            );
        }
    }

    #[test]
    fn the_header_replaces_the_callers_and_is_sensitive() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_static("Basic old"),
        );
        authorize(&mut headers, &Secret::new("tok-123".to_string()));
        let values: Vec<_> = headers
            .get_all(http::header::AUTHORIZATION)
            .iter()
            .collect();
        assert_eq!(values.len(), 1);
        assert_eq!(values[0], "Bearer tok-123");
        assert!(values[0].is_sensitive());
    }
}
