//! The provider-independent client that generated clients wrap and the registry drives with
//! string inputs.

use crate::error::JsonErrorBody;
use crate::input::Inputs;
use crate::request::{self, BaseUrl};
use crate::response::{self, TokenData};
use crate::spec::{EnvironmentSpec, GrantKind, GrantSpec, Placement, ProviderSpec};
use crate::transport::Transport;
use crate::{Error, TransportError, TransportErrorKind};
use std::sync::Arc;

/// Result of the untyped client: error bodies as JSON objects.
pub type DynResult<T> = Result<T, Error<JsonErrorBody>>;

/// A configured client for one provider: environment, client-level inputs, transport.
#[derive(Clone)]
pub struct Client {
    provider: &'static ProviderSpec,
    environment: &'static EnvironmentSpec,
    inputs: Inputs,
    placement: Option<&'static Placement>,
    base_url: Option<BaseUrl>,
    transport: Option<Arc<dyn Transport>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.provider.name)
            .field("environment", &self.environment.name)
            .field("inputs", &self.inputs)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `provider` in its default environment, with no inputs set.
    ///
    /// # Panics
    /// Never for generated specs: the generator checks that the default environment exists. A
    /// hand-written spec without environments falls back to an empty one rather than panic.
    pub fn new(provider: &'static ProviderSpec) -> Self {
        static NO_ENVIRONMENT: EnvironmentSpec = EnvironmentSpec {
            name: "",
            token_url: "",
            authorize_url: None,
        };
        let environment = provider
            .environment(provider.default_environment)
            .or_else(|| provider.environments.first())
            .unwrap_or(&NO_ENVIRONMENT);
        Client {
            provider,
            environment,
            inputs: Inputs::new(),
            placement: None,
            base_url: None,
            transport: None,
        }
    }

    /// The provider's spec.
    pub fn provider(&self) -> &'static ProviderSpec {
        self.provider
    }

    /// The environment in use.
    pub fn environment(&self) -> &'static EnvironmentSpec {
        self.environment
    }

    /// Picks the environment called `name`.
    pub fn set_environment<B>(&mut self, name: &str) -> Result<(), Error<B>> {
        self.environment = self.provider.environment(name).ok_or_else(|| {
            let known: Vec<&str> = self.provider.environments.iter().map(|e| e.name).collect();
            Error::input(
                "environment",
                format!(
                    "unknown environment {name:?}; expected one of: {}",
                    known.join(", ")
                ),
            )
        })?;
        Ok(())
    }

    /// Uses `environment`, which must be one of the provider's (generated enums hand them out).
    pub fn use_environment(&mut self, environment: &'static EnvironmentSpec) {
        self.environment = environment;
    }

    /// Sets a client-level input, checked against the spec.
    pub fn set<B>(&mut self, name: &str, value: impl Into<String>) -> Result<(), Error<B>> {
        self.inputs.set(self.provider, name, value)
    }

    /// The inputs set so far.
    pub fn inputs(&self) -> &Inputs {
        &self.inputs
    }

    /// Sends credentials as the accepted placement of this kind (`header`, `basic`, `body`,
    /// `query`) instead of the preferred one.
    pub fn set_placement<B>(&mut self, kind: &str) -> Result<(), Error<B>> {
        let accepted = self.provider.credentials.accepted;
        self.placement = Some(accepted.iter().find(|p| p.kind() == kind).ok_or_else(|| {
            let known: Vec<&str> = accepted.iter().map(Placement::kind).collect();
            Error::input(
                "placement",
                format!(
                    "{kind:?} is not accepted; expected one of: {}",
                    known.join(", ")
                ),
            )
        })?);
        Ok(())
    }

    /// Replaces scheme, host and port of every URL (a local server or a proxy).
    pub fn set_base_url<B>(&mut self, url: &str) -> Result<(), Error<B>> {
        self.base_url = Some(BaseUrl::parse(url)?);
        Ok(())
    }

    /// Uses `transport` to send requests.
    pub fn set_transport(&mut self, transport: Arc<dyn Transport>) {
        self.transport = Some(transport);
    }

    fn grant<B>(&self, kind: GrantKind) -> Result<&'static GrantSpec, Error<B>> {
        self.provider.grant(kind).ok_or_else(|| {
            let known: Vec<&str> = self.provider.grants.iter().map(|g| g.kind.name()).collect();
            Error::input(
                "grant",
                format!(
                    "{} has no {} grant; expected one of: {}",
                    self.provider.name,
                    kind.name(),
                    known.join(", ")
                ),
            )
        })
    }

    fn with_call_inputs(&self, call: &[(&str, &str)]) -> DynResult<Inputs> {
        let mut inputs = self.inputs.clone();
        for (name, value) in call {
            inputs.set(self.provider, name, *value)?;
        }
        Ok(inputs)
    }

    /// The token request for `grant`, with per-call inputs (`code`, `refresh_token`, ...).
    /// Nothing is sent.
    pub fn token_request(
        &self,
        grant: GrantKind,
        call: &[(&str, &str)],
    ) -> DynResult<http::Request<Vec<u8>>> {
        let grant = self.grant(grant)?;
        let inputs = self.with_call_inputs(call)?;
        request::token_request(
            self.provider,
            self.environment,
            grant,
            &inputs,
            self.placement,
            self.base_url.as_ref(),
        )
    }

    /// Parses a token endpoint response.
    pub fn parse_response(&self, response: &http::Response<Vec<u8>>) -> DynResult<TokenData> {
        response::parse_token_response(self.provider, response)
    }

    /// Builds, sends and parses the token request for `grant`.
    pub async fn fetch(&self, grant: GrantKind, call: &[(&str, &str)]) -> DynResult<TokenData> {
        let request = self.token_request(grant, call)?;
        let response = self.send(request).await?;
        self.parse_response(&response)
    }

    /// Sends a request built by [`Client::token_request`] with this client's transport.
    pub async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> DynResult<http::Response<Vec<u8>>> {
        Ok(self.transport()?.send(request).await?)
    }

    fn transport(&self) -> DynResult<Arc<dyn Transport>> {
        if let Some(t) = &self.transport {
            return Ok(t.clone());
        }
        default_transport()
    }

    /// The URL to send the user to (authorization-code grant), with per-call inputs (`state`,
    /// `code_verifier`).
    pub fn authorize_url(&self, call: &[(&str, &str)]) -> DynResult<url::Url> {
        let inputs = self.with_call_inputs(call)?;
        request::authorize_url(
            self.provider,
            self.environment,
            &inputs,
            self.base_url.as_ref(),
        )
    }
}

#[cfg(feature = "reqwest")]
fn default_transport() -> DynResult<Arc<dyn Transport>> {
    use std::sync::OnceLock;
    // One connection pool for every client that brings no transport of its own.
    static SHARED: OnceLock<Result<Arc<crate::ReqwestTransport>, String>> = OnceLock::new();
    match SHARED.get_or_init(|| {
        crate::ReqwestTransport::with_defaults()
            .map(Arc::new)
            .map_err(|e| e.to_string())
    }) {
        Ok(t) => Ok(t.clone()),
        Err(message) => Err(Error::Transport(TransportError::new(
            TransportErrorKind::Other,
            message.clone(),
        ))),
    }
}

#[cfg(not(feature = "reqwest"))]
fn default_transport() -> DynResult<Arc<dyn Transport>> {
    Err(Error::Transport(TransportError::new(
        TransportErrorKind::Other,
        "no transport: enable the `reqwest` feature or call set_transport",
    )))
}
