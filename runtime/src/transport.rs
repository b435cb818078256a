//! Sending requests. The runtime builds `http::Request`s and parses `http::Response`s; a
//! [`Transport`] moves them, so tests and users choose the HTTP client.

use crate::error::{TransportError, TransportErrorKind};
use std::future::Future;
use std::pin::Pin;

/// A boxed future, so that transports can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Largest response body read, by default. Token responses are a few kilobytes.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// Sends one request and returns the whole response.
pub trait Transport: Send + Sync {
    /// Sends `request`; the body of the response is read completely (up to a limit).
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>>;
}

/// The default transport: async reqwest with rustls.
#[cfg(feature = "reqwest")]
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    body_limit: usize,
}

#[cfg(feature = "reqwest")]
impl ReqwestTransport {
    /// A transport over `client`.
    pub fn new(client: reqwest::Client) -> Self {
        ReqwestTransport {
            client,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// A transport with a fresh reqwest client: no redirects (a token endpoint that redirects
    /// would resend credentials elsewhere), 30 s total timeout.
    pub fn with_defaults() -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()))?;
        Ok(Self::new(client))
    }

    /// Sets the largest response body read.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

#[cfg(feature = "reqwest")]
fn classify(e: &reqwest::Error) -> TransportErrorKind {
    if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_connect() || e.is_request() {
        TransportErrorKind::Connect
    } else {
        TransportErrorKind::Other
    }
}

#[cfg(feature = "reqwest")]
impl Transport for ReqwestTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request)
                .map_err(|e| TransportError::new(classify(&e), e.to_string()))?;
            // reqwest's error text can carry the URL; ours never has credentials in it.
            let mut response = self
                .client
                .execute(request)
                .await
                .map_err(|e| TransportError::new(classify(&e), e.without_url().to_string()))?;
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| TransportError::new(classify(&e), e.without_url().to_string()))?
            {
                if body.len() + chunk.len() > self.body_limit {
                    return Err(TransportError::new(
                        TransportErrorKind::BodyTooLarge,
                        format!("more than {} bytes", self.body_limit),
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            builder
                .body(body)
                .map_err(|e| TransportError::new(TransportErrorKind::Other, e.to_string()))
        })
    }
}
