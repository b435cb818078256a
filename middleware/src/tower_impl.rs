//! The tower side (feature `tower`): a layer for hyper, tonic and any service over
//! `http::Request`.

use crate::{BearerSource, BoxError, BoxFuture, RetryRule, authorize};
use http::{Request, Response, StatusCode};
use std::future::poll_fn;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_layer::Layer;
use tower_service::Service;

/// How a request is copied for its second sending after a 401.
///
/// A tower service owns its request, so the layer copies it before sending; a body type that
/// cannot be copied (a stream, tonic's body) is sent once with [`NoReplay`].
pub trait Replay<B>: Clone + Send + Sync + 'static {
    /// A copy of `request` to send again, or `None` to send it once only.
    fn replay(&self, request: &Request<B>) -> Option<Request<B>>;
}

/// Copies requests whose body is `Clone` (`Full<Bytes>`, `String`, `Vec<u8>`, ...): method,
/// URI, version, headers, extensions and body. The default of [`BearerLayer::new`].
#[derive(Debug, Clone, Copy, Default)]
pub struct CloneRequest;

impl<B: Clone> Replay<B> for CloneRequest {
    fn replay(&self, request: &Request<B>) -> Option<Request<B>> {
        let mut copy = Request::new(request.body().clone());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.version_mut() = request.version();
        *copy.headers_mut() = request.headers().clone();
        *copy.extensions_mut() = request.extensions().clone();
        Some(copy)
    }
}

/// Never sends a request twice: after a 401 the token is forgotten, so the *next* request gets
/// a fresh one, and the 401 goes back to the caller. For bodies that cannot be copied, such as
/// tonic's (gRPC reports an unauthenticated call as a status, not as a 401, anyway).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReplay;

impl<B> Replay<B> for NoReplay {
    fn replay(&self, _: &Request<B>) -> Option<Request<B>> {
        None
    }
}

/// A [`Layer`] that wraps a service in [`Bearer`].
///
/// ```no_run
/// use http_body_util::Full;
/// use hyper_util::client::legacy::Client;
/// use hyper_util::rt::TokioExecutor;
/// use tower::ServiceExt;
/// # async fn run(source: tokenspec_runtime::CachedTokenSource) -> Result<(), tokenspec_middleware::BoxError> {
/// let hyper = Client::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
/// let api = tower::ServiceBuilder::new()
///     .layer(tokenspec_middleware::BearerLayer::new(source))
///     .service(hyper);
/// let request = http::Request::get("http://127.0.0.1:8080/v1/me").body(Full::default())?;
/// let answer = api.oneshot(request).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct BearerLayer<S, R = CloneRequest> {
    source: Arc<S>,
    replay: R,
    retry: RetryRule,
}

impl<S: BearerSource> BearerLayer<S> {
    /// Tokens from `source`; idempotent requests (with a `Clone` body) are retried once after
    /// a 401.
    pub fn new(source: S) -> Self {
        BearerLayer {
            source: Arc::new(source),
            replay: CloneRequest,
            retry: RetryRule::default(),
        }
    }
}

impl<S: BearerSource, R> BearerLayer<S, R> {
    /// Copy requests for their retry with `replay` instead (e.g. [`NoReplay`] for a body
    /// type that is not `Clone`).
    pub fn replay<R2>(self, replay: R2) -> BearerLayer<S, R2> {
        BearerLayer {
            source: self.source,
            replay,
            retry: self.retry,
        }
    }

    /// Also retry `POST`, `PATCH` and other non-idempotent requests after a 401: only for an
    /// API that is known to reject them before acting on them.
    pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
        self.retry.non_idempotent = allow;
        self
    }
}

impl<S, R: Clone, Svc> Layer<Svc> for BearerLayer<S, R> {
    type Service = Bearer<S, Svc, R>;

    fn layer(&self, inner: Svc) -> Self::Service {
        Bearer {
            source: self.source.clone(),
            inner,
            replay: self.replay.clone(),
            retry: self.retry,
        }
    }
}

/// A service that adds `Authorization: Bearer <token>` to each request it forwards to the
/// wrapped one, and retries once after a 401 (see the [crate documentation](crate)). Errors
/// are [`BoxError`]s: the inner service's, or the token source's.
#[derive(Debug, Clone)]
pub struct Bearer<S, Svc, R = CloneRequest> {
    source: Arc<S>,
    inner: Svc,
    replay: R,
    retry: RetryRule,
}

impl<S, Svc, R, B, RB> Service<Request<B>> for Bearer<S, Svc, R>
where
    S: BearerSource,
    Svc: Service<Request<B>, Response = Response<RB>> + Clone + Send + 'static,
    Svc::Future: Send,
    Svc::Error: Into<BoxError>,
    R: Replay<B>,
    B: Send + 'static,
    RB: Send + 'static,
{
    type Response = Response<RB>;
    type Error = BoxError;
    type Future = BoxFuture<'static, Result<Response<RB>, BoxError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The service that was polled ready serves this call; the clone left behind is polled
        // again by the next caller (tower's usual pattern for services called from a future).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let source = self.source.clone();
        let second = if self.retry.allows(request.method()) {
            self.replay.replay(&request)
        } else {
            None
        };
        Box::pin(async move {
            let token = source.token().await?;
            authorize(request.headers_mut(), &token);
            let response = inner.call(request).await.map_err(Into::into)?;
            if response.status() != StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            source.refused(&token);
            let Some(mut second) = second else {
                return Ok(response);
            };
            drop(response);
            let fresh = source.token().await?;
            authorize(second.headers_mut(), &fresh);
            poll_fn(|cx| inner.poll_ready(cx))
                .await
                .map_err(Into::into)?;
            inner.call(second).await.map_err(Into::into)
        })
    }
}
