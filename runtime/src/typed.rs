//! The typed builder, client and call of every generated provider, written once.
//!
//! Generated modules hold data and types (see [`crate::provider`]); the behaviour of their
//! clients lives here, generic over [`Provider`], and is instantiated in the user's crate for
//! the providers it uses. A generated `Client` is a newtype over [`TypedClient`] that
//! dereferences to it and adds one method per grant, each returning a [`Call`]:
//!
//! - `client.fetch_token().await` sends the request and parses the answer;
//! - `client.fetch_token().request()` is the `http::Request` it would send, for another HTTP
//!   stack;
//! - `client.fetch_token().blocking()` runs it from synchronous code (feature `blocking`).
//!
//! Required inputs arrive in the generated `Inputs` struct, so forgetting one is a compile
//! error naming the field (E0063); [`Builder::build`] checks every value against the spec and
//! names the first bad one.

use crate::provider::{ClientInputs, Environment, InputName, PlacementChoice, Provider};
use crate::{
    BoxFuture, CachedTokenSource, Client, Error, GrantRef, HttpOptions, RetryPolicy, Secret,
    Transport,
};
use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

/// Builds the client of provider `P`.
///
/// Required inputs arrive in `P::Inputs` (complete at compile time), optional ones through
/// [`Builder::input`]; [`Builder::build`] checks every value against the spec and names the
/// first bad input. `Debug` shows the runtime [`Client`] (which hides secret inputs), never the
/// unchecked values.
#[must_use]
pub struct Builder<P: Provider> {
    inner: Client,
    /// Inputs checked by `build`, kept as secrets until then: the spec, not the caller, says
    /// which may be shown.
    values: Vec<(&'static str, Secret)>,
    /// An environment index `P::SPEC` lacks, reported by `build` (a generated enum out of step
    /// with its spec: an error, not a panic).
    unknown_environment: Option<usize>,
    /// A placement index `P::SPEC` lacks, reported by `build`.
    unknown_placement: Option<usize>,
    _p: PhantomData<fn() -> P>,
}

impl<P: Provider> Builder<P> {
    /// A builder for the default environment and preferred credential placement, over the
    /// required `inputs` (not checked until [`Builder::build`]).
    pub fn new(inputs: P::Inputs) -> Self {
        Builder {
            inner: Client::new(P::SPEC),
            values: inputs.into_values(),
            unknown_environment: None,
            unknown_placement: None,
            _p: PhantomData,
        }
    }

    /// Sets an optional input; a second value for the same input replaces the first. Checked
    /// by [`Builder::build`].
    pub fn input(mut self, input: P::OptionalInput, value: impl Into<Secret>) -> Self {
        let name = input.name();
        let value = value.into();
        match self.values.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.values.push((name, value)),
        }
        self
    }

    /// Uses `environment` instead of the default.
    pub fn environment(mut self, environment: P::Environment) -> Self {
        let index = environment.index();
        match P::SPEC.environments.get(index) {
            Some(spec) => {
                self.inner.use_environment(spec);
                self.unknown_environment = None;
            }
            None => self.unknown_environment = Some(index),
        }
        self
    }

    /// Replaces scheme, host and port of the provider's URLs, for a local server or a proxy;
    /// plain `http` only for loopback hosts.
    ///
    /// # Errors
    /// An invalid-input error naming `base_url`.
    pub fn base_url(mut self, url: &str) -> Result<Self, Error<P::ErrorBody>> {
        self.inner.set_base_url(url)?;
        Ok(self)
    }

    /// Sends requests with `transport` instead of the default reqwest client.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.inner.set_transport(transport);
        self
    }

    /// Timeouts, body limit and retries, all at once (default: [`HttpOptions::default`]).
    pub fn http_options(mut self, options: HttpOptions) -> Self {
        self.inner.set_options(options);
        self
    }

    /// Longest time one attempt may take, connection to last body byte (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        let mut options = self.inner.options().clone();
        options.timeout = timeout;
        self.inner.set_options(options);
        self
    }

    /// How failed requests are retried (default: [`RetryPolicy::default`]; connection
    /// failures, timeouts, 429 and 5xx only).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        let mut options = self.inner.options().clone();
        options.retry = policy;
        self.inner.set_options(options);
        self
    }

    /// Sends credentials as `placement` instead of the provider's preferred placement.
    pub fn credential_placement(mut self, placement: P::Placement) -> Self {
        let index = placement.index();
        let accepted = P::SPEC.credentials.accepted;
        // The runtime client picks a placement by kind, the first of that kind. Generated
        // specs accept at most one placement per kind; should a hand-written one repeat a kind,
        // a later index is refused by `build` rather than silently replaced by the first.
        let applied = accepted.get(index).is_some_and(|chosen| {
            accepted.iter().position(|p| p.kind() == chosen.kind()) == Some(index)
                && self
                    .inner
                    .set_placement::<P::ErrorBody>(chosen.kind())
                    .is_ok()
        });
        self.unknown_placement = (!applied).then_some(index);
        self
    }

    /// The client.
    ///
    /// # Errors
    /// An invalid-input error naming the first input (in spec order) that is empty or
    /// malformed, or naming `environment` or `placement` if the generated enums are out of
    /// step with the spec.
    pub fn build(self) -> Result<P::Client, Error<P::ErrorBody>> {
        let Builder {
            mut inner,
            mut values,
            unknown_environment,
            unknown_placement,
            _p,
        } = self;
        if let Some(index) = unknown_environment {
            return Err(out_of_step(
                "environment",
                index,
                P::SPEC.environments.len(),
            ));
        }
        if let Some(index) = unknown_placement {
            return Err(out_of_step(
                "placement",
                index,
                P::SPEC.credentials.accepted.len(),
            ));
        }
        // Spec order, so the error names the same input whatever order the values came in;
        // names the spec lacks go last, where `Client::set` refuses them by name.
        values.sort_by_key(|(name, _)| {
            P::SPEC
                .inputs
                .iter()
                .position(|spec| spec.name == *name)
                .unwrap_or(usize::MAX)
        });
        for (name, value) in &values {
            inner.set(name, value.expose())?;
        }
        Ok(TypedClient {
            inner,
            _p: PhantomData,
        }
        .into())
    }
}

/// The error for an enum index `P::SPEC` lacks: a generated module out of step with its spec.
fn out_of_step<B>(what: &str, index: usize, len: usize) -> Error<B> {
    Error::input(
        what,
        format!(
            "index {index} is out of step with the spec, which has {len}; regenerate the provider module"
        ),
    )
}

impl<P: Provider> fmt::Debug for Builder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// The typed client of provider `P`, which every generated `Client` dereferences to.
///
/// It wraps the provider-independent [`Client`], converting its errors to the provider's
/// error body and its token data to `P::TokenResponse`.
pub struct TypedClient<P: Provider> {
    inner: Client,
    _p: PhantomData<fn() -> P>,
}

// Written by hand: a derive would require `P: Clone` / `P: Debug` of the marker type.
impl<P: Provider> Clone for TypedClient<P> {
    fn clone(&self) -> Self {
        TypedClient {
            inner: self.inner.clone(),
            _p: PhantomData,
        }
    }
}

impl<P: Provider> fmt::Debug for TypedClient<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedClient")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<P: Provider> TypedClient<P> {
    /// The provider-independent client underneath.
    pub fn runtime(&self) -> &Client {
        &self.inner
    }

    /// A cached token source over this client: the token is reused until shortly before it
    /// expires, and one fetch serves every caller waiting for a new one.
    pub fn token_source(&self) -> CachedTokenSource<P::ErrorBody> {
        CachedTokenSource::new(self.inner.clone())
    }

    /// Parses a token endpoint response into a token or a typed error.
    ///
    /// # Errors
    /// The provider's error body as [`Error::Provider`], or [`Error::UnexpectedResponse`] for
    /// anything that is neither a token nor a documented error.
    pub fn parse_response(
        &self,
        response: &http::Response<Vec<u8>>,
    ) -> Result<P::TokenResponse, Error<P::ErrorBody>> {
        self.inner
            .parse_response(response)
            .map_err(Error::into_typed)?
            .into_typed()
    }

    /// A token request for `grant` (a built-in [`GrantKind`](crate::GrantKind), or a grant's name such as an
    /// extension grant's) with per-call `params` (an array, usually); `None` values are left
    /// out. Used by the generated per-grant methods.
    #[doc(hidden)]
    pub fn call<'a>(
        &'a self,
        grant: impl Into<GrantRef<'static>>,
        params: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
    ) -> Call<'a, P> {
        Call {
            client: self,
            grant: grant.into(),
            params: present(params),
        }
    }

    /// The authorization URL with per-call `params`; `None` values are left out. Used by the
    /// generated `authorize_url`.
    #[doc(hidden)]
    pub fn authorize(
        &self,
        params: &[(&'static str, Option<&str>)],
    ) -> Result<url::Url, Error<P::ErrorBody>> {
        let params = present(params.iter().copied());
        self.inner.authorize_url(&params).map_err(Error::into_typed)
    }
}

/// The parameters that have a value.
fn present<'a>(
    params: impl IntoIterator<Item = (&'static str, Option<&'a str>)>,
) -> Vec<(&'static str, &'a str)> {
    params
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect()
}

/// One token request of provider `P`, not sent yet.
///
/// `.await` it to send it and parse the answer, call [`Call::request`] for the
/// `http::Request` it would send, or `Call::blocking` from synchronous code (feature
/// `blocking`). `Debug` shows the grant and the parameter names, never their values.
///
/// A `Call` is [`IntoFuture`], not a `Future`: where an API wants a future (`block_on`,
/// `tokio::spawn`, `FutureExt` combinators), pass `call.into_future()` or `call.send()`.
#[must_use = "a call sends nothing until it is awaited or `.blocking()`"]
pub struct Call<'a, P: Provider> {
    client: &'a TypedClient<P>,
    grant: GrantRef<'static>,
    params: Vec<(&'static str, &'a str)>,
}

impl<'a, P: Provider> Call<'a, P> {
    /// The request this call sends, without sending it.
    ///
    /// It carries the credentials: do not log it (`http::Request`'s `Debug` shows the body).
    ///
    /// # Errors
    /// An invalid-input error if a parameter is malformed or a required input is missing.
    pub fn request(&self) -> Result<http::Request<Vec<u8>>, Error<P::ErrorBody>> {
        self.client
            .inner
            .token_request(self.grant, &self.params)
            .map_err(Error::into_typed)
    }

    /// Sends the request (with the client's retries) and parses the answer; what `.await`
    /// does.
    ///
    /// # Errors
    /// Invalid input (nothing sent), transport, the provider's error body, or an unexpected
    /// response.
    pub async fn send(self) -> Result<P::TokenResponse, Error<P::ErrorBody>> {
        let response = self
            .client
            .inner
            .fetch_response(self.grant, &self.params)
            .await
            .map_err(Error::into_typed)?;
        self.client.parse_response(&response)
    }

    /// Runs the call to completion on this thread, for synchronous code.
    ///
    /// # Errors
    /// As [`Call::send`]; a transport error when called inside an async runtime.
    #[cfg(feature = "blocking")]
    pub fn blocking(self) -> Result<P::TokenResponse, Error<P::ErrorBody>> {
        crate::blocking::block_on(self.send())
    }
}

impl<'a, P: Provider> IntoFuture for Call<'a, P> {
    type Output = Result<P::TokenResponse, Error<P::ErrorBody>>;
    // One allocation per token request: noise next to the HTTP exchange, and it names the
    // future's type, which an `async fn` cannot.
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<P: Provider> fmt::Debug for Call<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Call")
            .field("provider", &P::SPEC.name)
            .field("grant", &self.grant.to_string())
            .field("params", &names)
            .finish()
    }
}
