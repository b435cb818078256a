//! The `reqwest-middleware` side (feature `reqwest`).

use crate::{BearerSource, RetryRule, authorize};
use http::Extensions;
use reqwest::{Request, Response, StatusCode};
use reqwest_middleware::{Middleware, Next};

/// Adds `Authorization: Bearer <token>` to every request of a
/// `reqwest_middleware::ClientWithMiddleware`; after a 401, forgets the token and sends the
/// request once more with a fresh one (see the [crate documentation](crate) for which
/// requests).
///
/// ```no_run
/// # async fn run(source: tokenspec_runtime::CachedTokenSource) -> Result<(), Box<dyn std::error::Error>> {
/// let api = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(tokenspec_middleware::BearerMiddleware::new(source))
///     .build();
/// let answer = api.get("https://api.example.com/v1/me").send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct BearerMiddleware<S> {
    source: S,
    retry: RetryRule,
}

impl<S: BearerSource> BearerMiddleware<S> {
    /// Tokens from `source`; only idempotent requests are retried after a 401.
    pub fn new(source: S) -> Self {
        BearerMiddleware {
            source,
            retry: RetryRule::default(),
        }
    }

    /// Also retry `POST`, `PATCH` and other non-idempotent requests after a 401: only for an
    /// API that is known to reject them before acting on them.
    pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
        self.retry.non_idempotent = allow;
        self
    }
}

#[async_trait::async_trait]
impl<S: BearerSource> Middleware for BearerMiddleware<S> {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        let token = self.source.token().await.map_err(token_error)?;
        // Copied before the header goes in, so the retry carries only the fresh token. A
        // streamed body cannot be copied (`try_clone` is `None`): such a request is sent once.
        let second = if self.retry.allows(request.method()) {
            request.try_clone()
        } else {
            None
        };
        authorize(request.headers_mut(), &token);
        let response = next.clone().run(request, extensions).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        self.source.refused(&token);
        let Some(mut second) = second else {
            return Ok(response);
        };
        drop(response);
        let fresh = self.source.token().await.map_err(token_error)?;
        authorize(second.headers_mut(), &fresh);
        next.run(second, extensions).await
    }
}

/// A token source's error as reqwest-middleware carries errors. The runtime's errors never
/// hold a secret, so the message can travel.
fn token_error(error: crate::BoxError) -> reqwest_middleware::Error {
    reqwest_middleware::Error::Middleware(anyhow::Error::from_boxed(error))
}
