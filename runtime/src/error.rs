//! Typed errors: bad input, transport, provider error, unexpected response.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Everything that can go wrong getting a token. `B` is the provider's typed error body.
///
/// No variant ever holds a secret: input errors name the input, not its value, when the input
/// is secret, and response excerpts have secret fields masked.
///
/// Each variant's details are boxed, so an `Error` is two words and `Result<Secret, Error>` no
/// bigger: a cache hit returns it on every call, and moving and dropping an 80-byte `Result`
/// cost more than the hit itself (see BENCHMARKS.md). Fields read through the box as usual:
/// `Err(Error::Provider(e)) => e.body.error`.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error<B = OAuthErrorBody> {
    /// A value supplied by the caller was missing or unusable; nothing was sent.
    #[error("{0}")]
    InvalidInput(Box<InvalidInput>),
    /// The request could not be sent or the response not read.
    #[error("transport error: {0}")]
    Transport(#[source] Box<TransportError>),
    /// The provider answered with an error body of its documented shape.
    #[error("{0}")]
    Provider(Box<ProviderError<B>>),
    /// The token store could not load or save a token. A token fetched before a failed save is
    /// kept in memory and served by the next call: nothing is lost.
    #[error("token store error: {0}")]
    Store(#[source] Box<StoreError>),
    /// The provider answered with something that is neither a token nor a documented error.
    #[error("{0}")]
    UnexpectedResponse(Box<UnexpectedResponse>),
    /// A token source holding a user's grant cannot renew it: the provider refused the refresh
    /// token (RFC 6749 §5.2 `invalid_grant`), or there is none. The user must authorize again;
    /// the source never falls back to another grant, which would change whose token it is.
    #[error("{0}")]
    ReauthorizationRequired(Box<ReauthorizationRequired<B>>),
}

/// Details of [`Error::ReauthorizationRequired`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the user must authorize again: {reason}")]
pub struct ReauthorizationRequired<B = OAuthErrorBody> {
    /// Why the token cannot be renewed.
    pub reason: String,
    /// The provider's refusal, if it refused a refresh token.
    #[source]
    pub cause: Option<ProviderError<B>>,
}


/// Details of [`Error::InvalidInput`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid input `{input}`: {reason}")]
pub struct InvalidInput {
    /// Input name as in the spec (`customer_key`).
    pub input: String,
    /// Why it was refused.
    pub reason: String,
}

/// Details of [`Error::Provider`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("provider error (HTTP {status}): {body}")]
pub struct ProviderError<B = OAuthErrorBody> {
    /// HTTP status code.
    pub status: u16,
    /// The typed error body.
    pub body: B,
}

/// Details of [`Error::UnexpectedResponse`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unexpected response (HTTP {status}, content type {content_type:?}): {reason}; body starts: {excerpt}"
)]
pub struct UnexpectedResponse {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` header, empty when absent.
    pub content_type: String,
    /// What made it unusable.
    pub reason: String,
    /// The body's first bytes, secret fields masked.
    pub excerpt: String,
}

impl<B> From<TransportError> for Error<B> {
    fn from(error: TransportError) -> Self {
        Error::Transport(Box::new(error))
    }
}

impl<B> From<StoreError> for Error<B> {
    fn from(error: StoreError) -> Self {
        Error::Store(Box::new(error))
    }
}

impl<B> From<UnexpectedResponse> for Error<B> {
    fn from(error: UnexpectedResponse) -> Self {
        Error::UnexpectedResponse(Box::new(error))
    }
}

impl<B> Error<B> {
    /// An invalid-input error naming `input`.
    pub fn input(input: &str, reason: impl Into<String>) -> Self {
        Error::InvalidInput(Box::new(InvalidInput {
            input: input.to_owned(),
            reason: reason.into(),
        }))
    }

    /// A provider error: `status` with the provider's typed `body`.
    pub fn provider(status: u16, body: B) -> Self {
        Error::Provider(Box::new(ProviderError { status, body }))
    }

    /// Converts the provider body with `f`; other variants are kept.
    pub fn map_body<C>(self, f: impl FnOnce(u16, B) -> Result<C, Error<C>>) -> Error<C> {
        match self {
            Error::InvalidInput(e) => Error::InvalidInput(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Store(e) => Error::Store(e),
            Error::UnexpectedResponse(e) => Error::UnexpectedResponse(e),
            Error::ReauthorizationRequired(e) => {
                let ReauthorizationRequired { reason, cause } = *e;
                let cause = match cause {
                    None => None,
                    Some(ProviderError { status, body }) => match f(status, body) {
                        Ok(body) => Some(ProviderError { status, body }),
                        Err(e) => return e,
                    },
                };
                Error::ReauthorizationRequired(Box::new(ReauthorizationRequired { reason, cause }))
            }
            Error::Provider(e) => {
                let ProviderError { status, body } = *e;
                match f(status, body) {
                    Ok(body) => Error::provider(status, body),
                    Err(e) => e,
                }
            }
        }
    }

    /// HTTP status of a provider error or unexpected response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Provider(e) => Some(e.status),
            Error::UnexpectedResponse(e) => Some(e.status),
            _ => None,
        }
    }
}

impl Error<JsonErrorBody> {
    /// Deserializes a provider error body into the provider's typed body; a body that does not
    /// fit becomes an unexpected-response error.
    pub fn into_typed<B: serde::de::DeserializeOwned>(self) -> Error<B> {
        self.map_body(|status, JsonErrorBody(object)| {
            let mut masked = serde_json::Value::Object(object.clone());
            crate::response::mask_known_secrets(&mut masked);
            let excerpt = masked.to_string();
            serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| {
                Error::from(UnexpectedResponse {
                    status,
                    content_type: "application/json".into(),
                    reason: format!("the error body does not fit the documented shape: {e}"),
                    excerpt: excerpt.chars().take(200).collect(),
                })
            })
        })
    }
}

/// A [`TokenStore`](crate::TokenStore) failure, as the store describes it (never a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct StoreError {
    /// What went wrong.
    pub message: String,
}

impl StoreError {
    /// A new store error.
    pub fn new(message: impl Into<String>) -> Self {
        StoreError {
            message: message.into(),
        }
    }
}

/// A failure below HTTP: connection, TLS, timeout, or a body too large to read.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// Details from the HTTP client (never contains request bodies or headers).
    pub message: String,
}

impl TransportError {
    /// A new transport error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

/// Kind of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// Could not connect or the connection broke.
    Connect,
    /// The request did not finish in time.
    Timeout,
    /// The response body was larger than the limit.
    BodyTooLarge,
    /// Anything else.
    Other,
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportErrorKind::Connect => "connection failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::BodyTooLarge => "response body too large",
            TransportErrorKind::Other => "transport failed",
        })
    }
}

/// RFC 6749 section 5.2 error body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OAuthErrorBody {
    /// The error code.
    pub error: OAuthErrorCode,
    /// Human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// Link to a page about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_uri: Option<String>,
}

impl fmt::Display for OAuthErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)?;
        if let Some(d) = &self.error_description {
            write!(f, ": {d}")?;
        }
        if let Some(u) = &self.error_uri {
            write!(f, " ({u})")?;
        }
        Ok(())
    }
}

/// RFC 6749 error codes, with an escape hatch for the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthErrorCode {
    /// The request is missing a parameter or is malformed.
    InvalidRequest,
    /// Client authentication failed.
    InvalidClient,
    /// The grant (code, refresh token, credentials) is invalid or expired.
    InvalidGrant,
    /// The client may not use this grant.
    UnauthorizedClient,
    /// The server does not support this grant.
    UnsupportedGrantType,
    /// The scope is invalid or exceeds what was granted.
    InvalidScope,
    /// Any other code, as sent.
    #[serde(untagged)]
    Other(String),
}

impl OAuthErrorCode {
    /// The code as sent on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnauthorizedClient => "unauthorized_client",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::InvalidScope => "invalid_scope",
            OAuthErrorCode::Other(s) => s,
        }
    }
}

impl fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error body kept as the JSON object the provider sent, for callers that pick providers at
/// run time (the registry, `tokenctl`).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonErrorBody(pub serde_json::Map<String, serde_json::Value>);

impl fmt::Display for JsonErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", serde_json::Value::Object(self.0.clone()))
    }
}

impl<'de> Deserialize<'de> for JsonErrorBody {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_json::Map::deserialize(deserializer).map(JsonErrorBody)
    }
}

impl Serialize for JsonErrorBody {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use std::mem::size_of;

    /// A cache hit returns `Result<Secret, Error>` on every call: it must stay two words (see
    /// the type's documentation).
    #[test]
    fn errors_and_results_stay_two_words() {
        assert_eq!(size_of::<Error>(), 2 * size_of::<usize>());
        assert_eq!(size_of::<Error<JsonErrorBody>>(), 2 * size_of::<usize>());
        assert_eq!(size_of::<Result<Secret, Error>>(), 2 * size_of::<usize>());
    }

    #[test]
    fn display_is_unchanged_by_the_boxes() {
        let e: Error = Error::input("customer_key", "must be a DNS label");
        assert_eq!(
            e.to_string(),
            "invalid input `customer_key`: must be a DNS label"
        );
        let e: Error = Error::provider(
            401,
            OAuthErrorBody {
                error: OAuthErrorCode::InvalidClient,
                error_description: Some("bad secret".into()),
                error_uri: None,
            },
        );
        assert_eq!(
            e.to_string(),
            "provider error (HTTP 401): invalid_client: bad secret"
        );
        assert_eq!(e.status(), Some(401));
        let e: Error = TransportError::new(TransportErrorKind::Timeout, "after 30 s").into();
        assert_eq!(e.to_string(), "transport error: timed out: after 30 s");
        let e: Error = StoreError::new("disk full").into();
        assert_eq!(e.to_string(), "token store error: disk full");
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("disk full"));
        let e: Error = TransportError::new(TransportErrorKind::Connect, "refused").into();
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(source.as_deref(), Some("connection failed: refused"));
    }
}
