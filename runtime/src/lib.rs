//! Runtime shared by every client that `tokenspec` generates.
//!
//! Generated modules describe a provider as a static [`ProviderSpec`] and wrap the
//! provider-independent [`Client`] in typed builders and structs. Everything with behaviour
//! lives here:
//!
//! - [`provider`]: the [`Provider`] contract a generated module implements (its spec and its
//!   types), and [`typed`]: the one generic [`Builder`], [`TypedClient`] and [`Call`] every
//!   generated client is made of, so that generated code holds data and types only;
//! - [`request`]: building the `http::Request` for a grant, without I/O;
//! - [`response`]: turning the `http::Response` into normalized token fields or a typed error;
//! - [`expiry`]: token lifetimes in every form (seconds, milliseconds, epoch seconds or
//!   milliseconds, RFC 3339 date-times, never) and the [`TokenExpiry`] they give;
//! - [`jwt`]: reading access-token claims (not verified);
//! - [`assertion`]: signing the JWTs of RFC 7523 client assertions and JWT-bearer grants;
//! - [`pkce`]: checking RFC 7636 `code_verifier`s, and random verifiers and `state` values;
//! - [`mask`]: hiding secrets a server echoes back, in every encoding, in errors and output;
//! - [`transport`]: the [`Transport`] trait, [`HttpOptions`] and the default reqwest (rustls)
//!   transport; [`retry`]: which failures are retried and how long to wait;
//! - [`source`]: [`CachedTokenSource`], a cached single-flight token source with refresh and a
//!   pluggable [`TokenStore`];
//! - `blocking` (feature `blocking`): running the async API from synchronous code;
//! - [`Secret`]: credentials and tokens that never print themselves.
//!
//! Every fetch is a `token_fetch` [`tracing`](https://docs.rs/tracing) span with provider,
//! environment, grant, attempts, status and duration; no secret is ever logged.

#![warn(missing_docs)]

mod answer;
pub mod assertion;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod client;
pub mod discovery;
pub mod error;
pub mod expiry;
pub mod fields;
pub mod input;
pub mod jwt;
pub mod mask;
pub mod pkce;
pub mod provider;
#[cfg(feature = "redis")]
pub mod redis_store;
pub mod request;
pub mod response;
pub mod retry;
pub mod secret;
pub mod source;
pub mod spec;
mod template;
pub mod transport;
pub mod typed;
pub mod wire;

pub use client::{Client, DynResult};
pub use error::{
    DiscoveryError, DiscoveryErrorKind, Error, InvalidInput, JsonErrorBody, OAuthErrorBody,
    OAuthErrorCode, ProviderError, ReauthorizationRequired, StoreError, TransportError,
    TransportErrorKind, UnexpectedResponse,
};
pub use expiry::TokenExpiry;
pub use fields::{FieldError, FieldValue, Fields, FromFields};
pub use input::Inputs;
pub use jwt::ClaimsError;
pub use pkce::{PkceVerifier, State};
pub use provider::{
    ClientInputs, Environment, InputName, NoOptionalInputs, OnlyPlacement, PlacementChoice,
    Provider,
};
#[cfg(feature = "redis")]
pub use redis_store::{EncryptionKey, RedisOptions, RedisStore};
pub use request::BaseUrl;
pub use response::TokenData;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use source::{
    CachedTokenSource, Clock, Lease, ManualClock, MemoryStore, Renewal, StoredToken, SystemClock,
    TokenSource, TokenStore,
};
pub use spec::*;
#[cfg(feature = "reqwest")]
pub use transport::ReqwestTransport;
pub use transport::{BoxFuture, HttpOptions, Transport};
#[cfg(feature = "reqwest")]
pub use transport::{ClientIdentity, IdentityPart};
pub use typed::{Builder, Call, TypedClient};
pub use wire::{TokenType, bearer_header};

// The crates whose types appear in the runtime's and generated code's signatures
// (`http::Request`, `HeaderValue`, `url::Url`, `serde_json::Value`), re-exported so that
// generated crates and their users name them through the runtime, at the runtime's version.
pub use http;
pub use serde_json;
pub use url;

/// The same re-exports under their earlier path, kept for code written against it.
#[doc(hidden)]
pub mod __private {
    pub use http;
    pub use serde_json;
    pub use url;
}
