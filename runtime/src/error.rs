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
    /// The issuer's metadata (spec format 1.2, discovery) could not be read or was refused;
    /// no token request was sent.
    #[error("{0}")]
    Discovery(Box<DiscoveryError>),
}

/// Details of [`Error::Discovery`]. The metadata is public and the issuer URL holds no secret
/// input (a host or path variable never is one), so both may be shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("discovery from {issuer}: {kind}: {reason}")]
pub struct DiscoveryError {
    /// What went wrong.
    pub kind: DiscoveryErrorKind,
    /// The issuer identifier, as the spec's template with the client's inputs filled in.
    pub issuer: String,
    /// Details.
    pub reason: String,
}

/// What went wrong reading an issuer's metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DiscoveryErrorKind {
    /// No answer, or one other than `200 OK` (RFC 8414 section 3.2).
    #[error("metadata unreachable")]
    Unreachable,
    /// The document is larger than the runtime reads.
    #[error("metadata too large")]
    TooLarge,
    /// The document is not a JSON object with string members where RFC 8414 section 2 says.
    #[error("metadata is not a JSON metadata document")]
    NotJson,
    /// Its `issuer` is not the configured one (RFC 8414 section 3.3, OpenID Connect
    /// Discovery 1.0 section 4.3): the document describes another server.
    #[error("issuer mismatch")]
    IssuerMismatch,
    /// An endpoint the runtime would send credentials or users to is not https on the
    /// issuer's own host.
    #[error("endpoint refused")]
    EndpointRefused,
    /// The document lacks an endpoint the request needs.
    #[error("endpoint missing")]
    EndpointMissing,
    /// A synchronous call needs a discovered URL before any was read: call
    /// `Client::discover` (or fetch a token) first.
    #[error("not discovered yet")]
    NotDiscovered,
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
    /// The `WWW-Authenticate` challenge of the answer, if it had one (several headers joined
    /// by `, `): RFC 7235 section 4.1 requires it on a 401 and RFC 6750 section 3 puts
    /// `realm`, `error` and `error_description` there, often the only explanation a server
    /// gives. Secrets the request carried are hidden in it, as in the body.
    pub www_authenticate: Option<String>,
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
        Error::provider_with_challenge(status, body, None)
    }

    /// A provider error with the answer's `WWW-Authenticate` header (see
    /// [`ProviderError::www_authenticate`]).
    pub fn provider_with_challenge(status: u16, body: B, www_authenticate: Option<String>) -> Self {
        Error::Provider(Box::new(ProviderError {
            status,
            body,
            www_authenticate,
        }))
    }

    /// Converts the provider body with `f`; other variants are kept.
    pub fn map_body<C>(self, f: impl FnOnce(u16, B) -> Result<C, Error<C>>) -> Error<C> {
        match self {
            Error::InvalidInput(e) => Error::InvalidInput(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Store(e) => Error::Store(e),
            Error::UnexpectedResponse(e) => Error::UnexpectedResponse(e),
            Error::Discovery(e) => Error::Discovery(e),
            Error::ReauthorizationRequired(e) => {
                let ReauthorizationRequired { mut reason, cause } = *e;
                let cause = match cause {
                    None => None,
                    Some(ProviderError {
                        status,
                        body,
                        www_authenticate,
                    }) => match f(status, body) {
                        Ok(body) => Some(ProviderError {
                            status,
                            body,
                            www_authenticate,
                        }),
                        // Still a reauthorization: what the caller must do does not depend on
                        // the body's shape. The refusal goes into the reason instead.
                        Err(e) => {
                            let why = match &e {
                                Error::UnexpectedResponse(e) => e.to_string(),
                                _ => "the refusal does not fit the documented error shape".into(),
                            };
                            reason = format!("{reason} ({why})");
                            None
                        }
                    },
                };
                Error::ReauthorizationRequired(Box::new(ReauthorizationRequired { reason, cause }))
            }
            Error::Provider(e) => {
                let ProviderError {
                    status,
                    body,
                    www_authenticate,
                } = *e;
                match f(status, body) {
                    Ok(body) => Error::provider_with_challenge(status, body, www_authenticate),
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

/// Longest `WWW-Authenticate` text kept: a challenge is a scheme and a few parameters; a
/// hostile server may send a huge one.
const MAX_CHALLENGE: usize = 1024;

/// The `WWW-Authenticate` headers of an answer as one text (RFC 7235 section 4.1: a server may
/// send several; their challenges form one comma-separated list). Bytes that are not visible
/// ASCII are replaced, and the text is cut at [`MAX_CHALLENGE`] characters.
pub(crate) fn www_authenticate(headers: &http::HeaderMap) -> Option<String> {
    let mut out = String::new();
    for value in headers.get_all(http::header::WWW_AUTHENTICATE) {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.extend(value.as_bytes().iter().map(|&b| {
            if b == b' ' || b == b'\t' || b.is_ascii_graphic() {
                char::from(b)
            } else {
                '\u{FFFD}'
            }
        }));
    }
    if out.is_empty() {
        return None;
    }
    if let Some((cut, _)) = out.char_indices().nth(MAX_CHALLENGE) {
        out.truncate(cut);
    }
    Some(out)
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
#[derive(Debug, Clone)]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// Details from the HTTP client (never contains request bodies or headers).
    pub message: String,
    /// The HTTP client's own error, for callers that inspect it (`downcast_ref`) or print the
    /// whole chain (TLS and I/O causes). Shared rather than boxed so that errors stay
    /// `Clone`; the reqwest transport strips the URL from it first, since a URL may carry a
    /// credential.
    pub source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A new transport error.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// A new transport error caused by `source`.
    pub fn with_source(
        kind: TransportErrorKind,
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            kind,
            message: message.into(),
            source: Some(std::sync::Arc::from(source.into())),
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for TransportError {
    /// The HTTP client's error itself, not the `Arc` around it, so that `downcast_ref` finds
    /// it.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        let source: &(dyn std::error::Error + Send + Sync + 'static) = self.source.as_deref()?;
        Some(source)
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
    fn www_authenticate_keeps_every_challenge_visible_ascii_and_bounded() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(www_authenticate(&headers), None);
        headers.append(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static(r#"Bearer realm="api", error="invalid_token""#),
        );
        headers.append(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_bytes(b"Basic realm=\"caf\xc3\xa9\"").expect("opaque bytes"),
        );
        assert_eq!(
            www_authenticate(&headers).as_deref(),
            Some(
                "Bearer realm=\"api\", error=\"invalid_token\", Basic realm=\"caf\u{FFFD}\u{FFFD}\""
            )
        );
        let mut huge = http::HeaderMap::new();
        huge.insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_str(&"x".repeat(10_000)).expect("ASCII"),
        );
        assert_eq!(
            www_authenticate(&huge).map(|s| s.chars().count()),
            Some(MAX_CHALLENGE)
        );
    }

    #[test]
    fn a_transport_error_keeps_its_source_and_the_challenge_survives_map_body() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let e = TransportError::with_source(TransportErrorKind::Connect, "broken", io);
        let source = std::error::Error::source(&e).expect("a source");
        assert_eq!(source.to_string(), "reset by peer");
        let io = source
            .downcast_ref::<std::io::Error>()
            .expect("the io::Error itself");
        assert_eq!(io.kind(), std::io::ErrorKind::ConnectionReset);
        // Through `Error` the chain goes on: Error -> TransportError -> io::Error.
        let e: Error = e.into();
        let chain: Vec<String> =
            std::iter::successors(std::error::Error::source(&e), |e| e.source())
                .map(ToString::to_string)
                .collect();
        assert_eq!(chain, ["connection failed: broken", "reset by peer"]);

        let e: Error<JsonErrorBody> = Error::provider_with_challenge(
            401,
            JsonErrorBody(serde_json::Map::new()),
            Some("Bearer realm=\"x\"".into()),
        );
        let typed: Error<serde_json::Value> = e.map_body(|_, body| Ok(serde_json::json!(body.0)));
        match typed {
            Error::Provider(e) => {
                assert_eq!(e.www_authenticate.as_deref(), Some("Bearer realm=\"x\""))
            }
            other => panic!("expected a provider error, got {other:?}"),
        }
    }

    #[test]
    fn a_reauthorization_stays_one_when_its_cause_does_not_fit_the_typed_body() {
        let refusal = |body: serde_json::Value| -> Error<JsonErrorBody> {
            let serde_json::Value::Object(body) = body else {
                unreachable!("an object literal")
            };
            Error::ReauthorizationRequired(Box::new(ReauthorizationRequired {
                reason: "the provider refused the refresh token".into(),
                cause: Some(ProviderError {
                    status: 400,
                    body: JsonErrorBody(body),
                    www_authenticate: None,
                }),
            }))
        };
        // A body of the documented shape stays the typed cause.
        let typed: Error = refusal(serde_json::json!({"error": "invalid_grant"})).into_typed();
        match typed {
            Error::ReauthorizationRequired(e) => {
                let cause = e.cause.expect("the refusal");
                assert_eq!(cause.body.error, OAuthErrorCode::InvalidGrant);
            }
            other => panic!("expected a reauthorization, got {other:?}"),
        }
        // One that does not fit (no `error` member) is not turned into an unexpected response:
        // the caller must still learn that the user has to authorize again, and why.
        let typed: Error =
            refusal(serde_json::json!({"message": "grant revoked by the user"})).into_typed();
        match typed {
            Error::ReauthorizationRequired(e) => {
                assert!(e.cause.is_none());
                assert!(
                    e.reason.contains("grant revoked by the user"),
                    "{}",
                    e.reason
                );
            }
            other => panic!("expected a reauthorization, got {other:?}"),
        }
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
