//! The provider-independent client that generated clients wrap and the registry drives with
//! string inputs.

use crate::discovery::{Endpoints, Target};
use crate::error::{DiscoveryErrorKind, JsonErrorBody};
use crate::input::Inputs;
use crate::mask::SecretMask;
use crate::request::{self, BaseUrl};
use crate::response::{self, TokenData};
use crate::retry;
use crate::spec::{EnvironmentSpec, GrantRef, GrantSpec, Placement, ProviderSpec};
use crate::transport::{HttpOptions, Transport};
use crate::{Error, TransportError, TransportErrorKind};
use std::sync::{Arc, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

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
    /// A transport the caller chose; wins over everything else.
    transport: Option<Arc<dyn Transport>>,
    options: HttpOptions,
    /// A reqwest transport built for non-default `options`, on first use.
    dedicated: Arc<OnceLock<Result<Arc<dyn Transport>, TransportError>>>,
    /// The reqwest transport presenting this client's TLS client certificate (RFC 8705
    /// section 2), built on first use; replaced when the certificate, key or options change,
    /// so connections made with one identity never carry requests of another.
    tls: Arc<OnceLock<DynResult<Arc<dyn Transport>>>>,
    /// The token request of the first grant asked for without per-call inputs: it depends on
    /// nothing but this client's settings, so it is built once and copied per request. Reset
    /// by every setter.
    prepared: OnceLock<Prepared>,
    /// Endpoints read from the environment's issuer (spec format 1.2), shared by clones.
    discovered: Arc<crate::discovery::Cache>,
    /// How long discovered endpoints are used before the metadata is read again.
    discovery_ttl: Duration,
}

/// A token request built once (see `Client::prepared`). The body holds credentials: it is kept
/// as a [`Secret`](crate::Secret), wiped when dropped; the credential headers are marked
/// sensitive, as in every request.
#[derive(Clone)]
struct Prepared {
    /// The grant's name ([`GrantSpec::name`]), which tells grants of one kind apart.
    grant: &'static str,
    /// POST, or GET for a spec that says so (spec format 1.2, `method: get`).
    method: http::Method,
    uri: http::Uri,
    url: Option<crate::transport::ParsedUrl>,
    headers: http::HeaderMap,
    body: crate::Secret,
    /// The request's credentials are a TLS client certificate (RFC 8705 section 2).
    certificate: Option<crate::transport::ClientCertificate>,
}

impl Prepared {
    fn of(grant: &'static str, request: &http::Request<Vec<u8>>) -> Option<Self> {
        Some(Prepared {
            grant,
            method: request.method().clone(),
            uri: request.uri().clone(),
            url: request
                .extensions()
                .get::<crate::transport::ParsedUrl>()
                .cloned(),
            headers: request.headers().clone(),
            body: crate::Secret::new(String::from_utf8(request.body().clone()).ok()?),
            certificate: request
                .extensions()
                .get::<crate::transport::ClientCertificate>()
                .copied(),
        })
    }

    fn request(&self) -> http::Request<Vec<u8>> {
        let mut request = http::Request::new(self.body.expose().as_bytes().to_vec());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = self.headers.clone();
        if let Some(url) = &self.url {
            request.extensions_mut().insert(url.clone());
        }
        request.extensions_mut().insert(GrantName(self.grant));
        if let Some(certificate) = self.certificate {
            request.extensions_mut().insert(certificate);
        }
        request
    }
}

/// The name of the grant a request runs, carried in its extensions for `send`'s tracing span.
#[derive(Debug, Clone, Copy)]
struct GrantName(&'static str);

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("provider", &self.provider.name)
            .field("environment", &self.environment.name)
            .field("inputs", &self.inputs)
            .field("base_url", &self.base_url)
            .field("options", &self.options)
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
        static NO_ENVIRONMENT: EnvironmentSpec = EnvironmentSpec::DEFAULT;
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
            options: HttpOptions::default(),
            dedicated: Arc::new(OnceLock::new()),
            tls: Arc::new(OnceLock::new()),
            prepared: OnceLock::new(),
            discovered: Arc::default(),
            discovery_ttl: crate::discovery::DEFAULT_TTL,
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
        self.settings_changed();
        Ok(())
    }

    /// Uses `environment`, which must be one of the provider's (generated enums hand them out).
    pub fn use_environment(&mut self, environment: &'static EnvironmentSpec) {
        self.environment = environment;
        self.settings_changed();
    }

    /// Sets a client-level input, checked against the spec.
    pub fn set<B>(&mut self, name: &str, value: impl Into<String>) -> Result<(), Error<B>> {
        self.settings_changed();
        if self.provider.presents_in_tls(name) {
            // Another certificate or key: another transport (see `Client::tls`).
            self.tls = Arc::new(OnceLock::new());
        }
        self.inputs.set(self.provider, name, value)
    }

    /// Forgets the request prepared from the settings.
    fn settings_changed(&mut self) {
        self.prepared = OnceLock::new();
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
        self.settings_changed();
        Ok(())
    }

    /// Replaces scheme, host and port of every URL (a local server or a proxy).
    pub fn set_base_url<B>(&mut self, url: &str) -> Result<(), Error<B>> {
        self.base_url = Some(BaseUrl::parse(url)?);
        self.settings_changed();
        Ok(())
    }

    /// Uses `transport` to send requests. Timeouts and retries of the options still apply
    /// around it; connection settings and the body limit are the transport's own.
    ///
    /// A request authenticated by a TLS client certificate (`tls_client_auth`,
    /// `self_signed_tls_client_auth`: RFC 8705 section 2) needs a transport that presents it,
    /// which the runtime cannot add to one it did not build: such a request fails with a
    /// transport error saying so, unless `transport` answers `true` to
    /// [`Transport::presents_client_certificate`] (it then presents the certificate itself).
    pub fn set_transport(&mut self, transport: Arc<dyn Transport>) {
        self.transport = Some(transport);
    }

    /// Timeouts, body limit and retries.
    pub fn options(&self) -> &HttpOptions {
        &self.options
    }

    /// Replaces timeouts, body limit and retries.
    pub fn set_options(&mut self, options: HttpOptions) {
        if !options.same_transport(&self.options) {
            self.dedicated = Arc::new(OnceLock::new());
            self.tls = Arc::new(OnceLock::new());
        }
        self.options = options;
    }

    fn grant<B>(&self, grant: GrantRef<'_>) -> Result<&'static GrantSpec, Error<B>> {
        self.provider.find_grant(grant).ok_or_else(|| {
            let known: Vec<&str> = self.provider.grants.iter().map(|g| g.name()).collect();
            Error::input(
                "grant",
                format!(
                    "{} has no {grant} grant; expected one of: {}",
                    self.provider.name,
                    known.join(", ")
                ),
            )
        })
    }

    /// The client's inputs plus `call`'s; borrowed when there are none to add.
    fn with_call_inputs(&self, call: &[(&str, &str)]) -> DynResult<std::borrow::Cow<'_, Inputs>> {
        if call.is_empty() {
            return Ok(std::borrow::Cow::Borrowed(&self.inputs));
        }
        let mut inputs = self.inputs.clone();
        for (name, value) in call {
            // The TLS client certificate is presented by the client's transport, built from
            // the client's inputs: one given per call would be checked but never presented
            // (RFC 8705 section 2).
            if self.provider.presents_in_tls(name) {
                return Err(Error::input(
                    name,
                    "a TLS client certificate or key is set on the client, not per call",
                ));
            }
            inputs.set(self.provider, name, *value)?;
        }
        Ok(std::borrow::Cow::Owned(inputs))
    }

    /// The token request for `grant` (a [`GrantKind`](crate::GrantKind), or a grant's name
    /// such as an extension grant's), with per-call inputs (`code`, `refresh_token`, ...).
    /// Nothing is sent.
    pub fn token_request<'g>(
        &self,
        grant: impl Into<GrantRef<'g>>,
        call: &[(&str, &str)],
    ) -> DynResult<http::Request<Vec<u8>>> {
        self.build_token_request(grant.into(), call, None)
    }

    /// [`Client::token_request`], with the endpoints [`Client::discover`] just read; when
    /// `None`, those last read, of any age.
    fn build_token_request(
        &self,
        grant: GrantRef<'_>,
        call: &[(&str, &str)],
        endpoints: Option<&Endpoints>,
    ) -> DynResult<http::Request<Vec<u8>>> {
        let grant = self.grant(grant)?;
        if call.is_empty()
            && let Some(prepared) = self.prepared.get()
            && prepared.grant == grant.name()
        {
            return Ok(prepared.request());
        }
        let inputs = self.with_call_inputs(call)?;
        let cached;
        let endpoints = match endpoints {
            Some(endpoints) => Some(endpoints),
            None if self.discovers_token_url(grant) => {
                cached = self.cached_endpoints()?;
                cached.as_deref()
            }
            None => None,
        };
        let environment = self.with_endpoints(endpoints);
        if environment.discovery.is_some() && grant.token_url(&environment).is_empty() {
            return Err(self.undiscovered("token_endpoint", endpoints.is_some()));
        }
        let mut request = request::token_request(
            self.provider,
            &environment,
            grant,
            &inputs,
            self.placement,
            self.base_url.as_ref(),
        )?;
        // Lets `send` name the grant in its tracing span.
        request.extensions_mut().insert(GrantName(grant.name()));
        // Per-call secrets are not the client's to remember: the request carries them to
        // `send`, which hands them to the response, so that `parse_response` hides their echoes.
        if call.iter().any(|(name, _)| {
            self.provider
                .input(name)
                .is_some_and(|i| self.provider.is_secret_input(i))
        }) {
            let mut mask = self.secret_mask(call);
            // A signed assertion (RFC 7523) the request builder put there.
            if let Some(signed) = request.extensions().get::<SecretMask>() {
                mask.extend(signed);
            }
            request.extensions_mut().insert(mask);
        }
        // A request carrying a secret made for it alone (a signed assertion, whose `jti` a
        // server accepts once: RFC 7523 section 3, item 7) is never prepared for reuse.
        // Nor is one to a discovered URL: the metadata is read again when it is due.
        if call.is_empty()
            && request.extensions().get::<SecretMask>().is_none()
            && self.environment.discovery.is_none()
            && self.prepared.get().is_none()
            && let Some(prepared) = Prepared::of(grant.name(), &request)
        {
            // Another thread may have prepared it meanwhile: the same request either way.
            let _ = self.prepared.set(prepared);
        }
        Ok(request)
    }

    /// Parses a token endpoint response. An error never shows this client's secret inputs or
    /// Basic credentials, however the server echoed them (see [`SecretMask`]).
    pub fn parse_response(&self, response: &http::Response<Vec<u8>>) -> DynResult<TokenData> {
        response::parse_token_response_hiding(self.provider, response, || {
            let mut mask = self.secret_mask(&[]);
            // Per-call secrets (a refresh token, a code), carried over by `send`.
            if let Some(call) = response.extensions().get::<SecretMask>() {
                mask.extend(call);
            }
            mask
        })
    }

    /// Builds, sends and parses the token request for `grant` (a kind or a grant's name, as
    /// for [`Client::token_request`]).
    pub async fn fetch<'g>(
        &self,
        grant: impl Into<GrantRef<'g>>,
        call: &[(&str, &str)],
    ) -> DynResult<TokenData> {
        let response = self.fetch_response(grant, call).await?;
        self.parse_response(&response)
    }

    /// Builds and sends the token request for `grant` with the client's retries, and returns
    /// the answer unparsed. A request carrying a signed assertion (RFC 7523) is built anew for
    /// each attempt: its `jti` is accepted once (section 3, item 7) and it expires soon, so a
    /// retry gets a new assertion, not a copy.
    pub async fn fetch_response<'g>(
        &self,
        grant: impl Into<GrantRef<'g>>,
        call: &[(&str, &str)],
    ) -> DynResult<http::Response<Vec<u8>>> {
        let grant = grant.into();
        // Spec format 1.2: a token URL the spec leaves to the issuer's metadata is read first
        // (or taken from the client's cache).
        let endpoints = match self.discovers_token_url(self.grant(grant)?) {
            true => self.discover().await?,
            false => None,
        };
        let request = self.build_token_request(grant, call, endpoints.as_deref())?;
        if self.signs(self.grant(grant)?) {
            let rebuild = || self.build_token_request(grant, call, endpoints.as_deref());
            self.send_attempts(request, Some(&rebuild)).await
        } else {
            self.send(request).await
        }
    }

    /// Whether a request for `grant` carries an assertion signed for it alone.
    fn signs(&self, grant: &GrantSpec) -> bool {
        // A grant's own placement (spec format 1.2) wins, as in the request itself.
        let placement = self.provider.placement_for(grant, self.placement);
        grant.assertion.is_some()
            || matches!(
                placement,
                Some(Placement::PrivateKeyJwt(_) | Placement::ClientSecretJwt(_))
            )
    }

    /// The secrets a request of this client carries, with per-call inputs `call`: every secret
    /// input, and the HTTP Basic credentials of each accepted Basic placement in both RFC 6749
    /// §2.3.1 and raw encoding, for hiding them wherever a server echoes them.
    pub fn secret_mask(&self, call: &[(&str, &str)]) -> SecretMask {
        let value = |name: &str| {
            call.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| *v)
                .or_else(|| self.provider.input(name).and_then(|s| self.inputs.get(s)))
        };
        let mut mask = SecretMask::new();
        for spec in self
            .provider
            .inputs
            .iter()
            .filter(|i| self.provider.is_secret_input(i))
        {
            if let Some(secret) = value(spec.name) {
                mask.add_secret(secret);
            }
        }
        for placement in self.provider.credentials.accepted {
            if let Placement::Basic { user, password, .. } = placement
                // Spec format 1.2: a secret alone goes with an empty user name.
                && let (Some(user), Some(password)) =
                    (user.map_or(Some(""), &value), value(password))
            {
                mask.add_basic(user, password);
            }
        }
        mask
    }

    /// Sends a request built by [`Client::token_request`] with this client's transport,
    /// retrying connection failures, timeouts, `429` and `5xx` as the [`HttpOptions`] say. The
    /// answer of the last attempt is returned whatever its status; parsing it is the caller's
    /// job.
    ///
    /// Each call is a `token_fetch` tracing span (provider, environment, grant, attempts,
    /// status, duration); URLs, headers and bodies are never logged, as they carry secrets.
    pub async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> DynResult<http::Response<Vec<u8>>> {
        self.send_attempts(request, None).await
    }

    /// [`send`](Self::send), with each attempt after the first built anew by `rebuild` when
    /// given (a request whose signed assertion must not be sent twice) instead of copied.
    async fn send_attempts(
        &self,
        request: http::Request<Vec<u8>>,
        rebuild: Option<&Rebuild<'_>>,
    ) -> DynResult<http::Response<Vec<u8>>> {
        let grant = request.extensions().get::<GrantName>().map_or("", |g| g.0);
        let span = tracing::info_span!(
            "token_fetch",
            provider = self.provider.name,
            environment = self.environment.name,
            grant,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // The secrets of per-call inputs (see `token_request`) go on to the response, for
        // `parse_response` to hide.
        let call_secrets = request.extensions().get::<SecretMask>().cloned();
        let mut response = self
            .send_with_retries(request, rebuild)
            .instrument(span)
            .await?;
        if let Some(secrets) = call_secrets {
            response.extensions_mut().insert(secrets);
        }
        Ok(response)
    }

    async fn send_with_retries(
        &self,
        request: http::Request<Vec<u8>>,
        rebuild: Option<&Rebuild<'_>>,
    ) -> DynResult<http::Response<Vec<u8>>> {
        // Timers need a Tokio runtime; outside one, `tokio::time::timeout` would panic.
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::from(TransportError::new(
                TransportErrorKind::Other,
                "no Tokio runtime: call this inside one, or use the blocking method",
            )));
        }
        let transport = self.transport(
            request
                .extensions()
                .get::<crate::transport::ClientCertificate>(),
        )?;
        let started = Instant::now();
        let mut delays = self.options.retry.delays();
        // `None`: no deadline this side of the clock's range (`total_timeout` = `Duration::MAX`
        // must not overflow `Instant`).
        let deadline = started.checked_add(self.options.total_timeout);
        let mut attempt: u32 = 1;
        // Copied for every attempt that may be followed by another; the last one takes it.
        let mut request = Some(request);
        loop {
            let attempt_started = Instant::now();
            // Each attempt gets its own timeout, cut short by what is left of the total.
            let limit = match deadline {
                Some(deadline) => self
                    .options
                    .timeout
                    .min(deadline.saturating_duration_since(attempt_started)),
                None => self.options.timeout,
            };
            let this_attempt = match request.as_ref() {
                _ if attempt > 1 && rebuild.is_some() => match rebuild {
                    Some(rebuild) => rebuild()?,
                    None => return Err(Error::input("request", "no attempt left")),
                },
                Some(r) if attempt < self.options.retry.max_attempts && rebuild.is_none() => {
                    copy_request(r)
                }
                _ => match request.take() {
                    Some(r) => r,
                    // Unreachable: no attempt follows the last one.
                    None => return Err(Error::input("request", "no attempt left")),
                },
            };
            let result = match tokio::time::timeout(limit, transport.send(this_attempt)).await {
                Ok(result) => result,
                Err(_) => Err(TransportError::new(
                    TransportErrorKind::Timeout,
                    format!("no complete answer within {limit:?}"),
                )),
            };
            let took = attempt_started.elapsed().as_millis() as u64;
            // `Some(wait)`: worth another attempt, after `wait` if the server named one.
            let retry = match &result {
                Ok(response) => {
                    tracing::debug!(
                        attempt,
                        status = response.status().as_u16(),
                        took_ms = took,
                        "answered"
                    );
                    retry::retryable_status(response.status())
                        .then(|| retry::retry_after(response.headers(), SystemTime::now()))
                }
                Err(e) => {
                    tracing::debug!(attempt, error = %e.kind, took_ms = took, "failed");
                    retry::retryable_transport(e.kind).then_some(None)
                }
            };
            let delay = match retry {
                Some(retry_after) if attempt < self.options.retry.max_attempts => {
                    delays.next().map(|backoff| {
                        retry_after.map_or(backoff, |d| d.min(self.options.retry.retry_after_cap))
                    })
                }
                _ => None,
            }
            // No retry that would start after the deadline, nor one after a wait too long for
            // the clock to represent (`Retry-After: 18446744073709551615` under a huge cap).
            .filter(
                |delay| match (Instant::now().checked_add(*delay), deadline) {
                    (Some(at), Some(deadline)) => at < deadline,
                    (Some(_), None) => true,
                    (None, _) => false,
                },
            );
            let Some(delay) = delay else {
                let span = tracing::Span::current();
                span.record("attempts", attempt);
                span.record("duration_ms", started.elapsed().as_millis() as u64);
                if let Ok(response) = &result {
                    span.record("status", response.status().as_u16());
                }
                return Ok(result?);
            };
            tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// The transport for a request; `certificate`: the request's credentials are a TLS client
    /// certificate (see `request::token_request`).
    fn transport(
        &self,
        certificate: Option<&crate::transport::ClientCertificate>,
    ) -> DynResult<Arc<dyn Transport>> {
        if let Some(t) = &self.transport {
            if certificate.is_some() && !t.presents_client_certificate() {
                return Err(Error::from(TransportError::new(
                    TransportErrorKind::Other,
                    format!(
                        "{} authenticates the client by a TLS client certificate (RFC 8705 \
                         section 2), which the transport given to set_transport does not \
                         present (Transport::presents_client_certificate)",
                        self.provider.name
                    ),
                )));
            }
            return Ok(t.clone());
        }
        if let Some(certificate) = certificate {
            return self.tls_transport(&certificate.0);
        }
        // A blocking call's connections must live with the runtime of its thread.
        #[cfg(feature = "blocking")]
        if let Some(t) = crate::blocking::thread_transport(&self.options) {
            return t.map_err(Error::from);
        }
        if self.options.same_transport(&HttpOptions::default()) {
            return default_transport();
        }
        self.dedicated
            .get_or_init(|| dedicated_transport(&self.options))
            .clone()
            .map_err(Error::from)
    }

    /// A reqwest transport presenting the certificate and key of `tls` (client-level inputs),
    /// with this client's options. Unreadable PEM is an input error naming the input; nothing
    /// of the PEM is quoted.
    #[cfg(feature = "reqwest")]
    fn tls_transport(&self, tls: &crate::spec::MutualTls) -> DynResult<Arc<dyn Transport>> {
        let build = || -> DynResult<Arc<dyn Transport>> {
            let value = |name: &str| {
                self.provider
                    .input(name)
                    .and_then(|spec| self.inputs.get(spec))
                    .ok_or_else(|| Error::input(name, "required but not set"))
            };
            let identity =
                crate::ClientIdentity::from_pem(value(tls.certificate)?, value(tls.key)?).map_err(
                    |(part, reason)| match part {
                        crate::IdentityPart::Certificate => Error::input(tls.certificate, reason),
                        crate::IdentityPart::Key => Error::input(tls.key, reason),
                    },
                )?;
            let env = |name: &str| std::env::var(name).ok();
            match crate::ReqwestTransport::build(&self.options, &env, Some(&identity)) {
                Ok(transport) => Ok(Arc::new(transport)),
                Err(crate::transport::BuildError::Identity(reason)) => {
                    Err(Error::input(tls.key, reason))
                }
                Err(crate::transport::BuildError::Transport(e)) => Err(Error::from(e)),
            }
        };
        // Inside a blocking call, connections must live with the runtime of its thread, which
        // is gone after the call: the transport is built for the call (see `blocking`).
        #[cfg(feature = "blocking")]
        if crate::blocking::inside() {
            return build();
        }
        self.tls.get_or_init(build).clone()
    }

    #[cfg(not(feature = "reqwest"))]
    fn tls_transport(&self, _: &crate::spec::MutualTls) -> DynResult<Arc<dyn Transport>> {
        Err(Error::from(TransportError::new(
            TransportErrorKind::Other,
            "no transport presenting a TLS client certificate: enable the `reqwest` feature \
             or call set_transport",
        )))
    }

    /// Feeds everything that decides which token this client is given into `hasher`: provider,
    /// environment and its token URL, the base URL, and every input set (client identity,
    /// host and path values, scopes). Secret inputs count too, as a token source's store key
    /// must tell apart two tenants that differ only by an API key, but never as a plain digest:
    /// a store key is not secret, and a fast unsalted hash of a low-entropy secret (a password
    /// used as client secret) could be reversed by guessing. Each secret goes in as PBKDF2
    /// (RFC 8018 §5.2, HMAC-SHA-256, [`KEY_STRETCH_ROUNDS`] rounds) salted with everything
    /// else, so a guess costs that many rounds and is good for one client only.
    pub(crate) fn identity(&self, hasher: &mut sha2::Sha256) {
        use sha2::Digest;
        fn part(hasher: &mut sha2::Sha256, bytes: &[u8]) {
            hasher.update((bytes.len() as u64).to_be_bytes());
            hasher.update(bytes);
        }
        let mut salt = sha2::Sha256::new();
        part(&mut salt, b"tokenspec store key v2");
        part(&mut salt, self.provider.name.as_bytes());
        part(&mut salt, self.environment.name.as_bytes());
        part(&mut salt, self.environment.token_url.as_bytes());
        // Spec format 1.2: the issuer whose metadata gives the URLs the spec leaves out.
        if let Some(discovery) = &self.environment.discovery {
            part(&mut salt, discovery.issuer.as_bytes());
            part(&mut salt, discovery.kind.name().as_bytes());
        }
        part(
            &mut salt,
            self.base_url
                .as_ref()
                .map_or("", |url| url.as_url().as_str())
                .as_bytes(),
        );
        let mut secrets = Vec::new();
        for name in self.inputs.names() {
            let Some(spec) = self.provider.input(name) else {
                continue;
            };
            let value = self.inputs.get(spec).unwrap_or("");
            if self.provider.is_secret_input(spec) {
                secrets.push((name, value));
            } else {
                part(&mut salt, name.as_bytes());
                part(&mut salt, value.as_bytes());
            }
        }
        let salt = salt.finalize();
        hasher.update(salt);
        for (name, value) in secrets {
            let salt = [salt.as_slice(), name.as_bytes()].concat();
            part(hasher, name.as_bytes());
            part(hasher, &stretched(value.as_bytes(), &salt));
        }
    }

    /// The URL to send the user to (authorization-code grant), with per-call inputs (`state`,
    /// `code_verifier`).
    pub fn authorize_url(&self, call: &[(&str, &str)]) -> DynResult<url::Url> {
        let inputs = self.with_call_inputs(call)?;
        // Spec format 1.2: an authorize URL left to the issuer's metadata is the one last
        // discovered (see `discover`).
        let cached = match (self.environment.authorize_url, self.environment.discovery) {
            (None, Some(_)) => self.cached_endpoints()?,
            _ => None,
        };
        let environment = self.with_endpoints(cached.as_deref());
        if environment.authorize_url.is_none() && environment.discovery.is_some() {
            return Err(self.undiscovered("authorization_endpoint", cached.is_some()));
        }
        request::authorize_url(self.provider, &environment, &inputs, self.base_url.as_ref())
    }
}

/// Discovery (spec format 1.2): see [`crate::discovery`].
impl Client {
    /// Reads the environment's issuer metadata (OpenID Connect Discovery 1.0 or RFC 8414),
    /// checks it and keeps its endpoints for this client and its clones; while they are fresh
    /// (see [`Client::set_discovery_ttl`]) it reads nothing. `None` when the environment has
    /// no issuer. Token fetches call it when they need a discovered token URL; call it before
    /// [`Client::authorize_url`] or [`Client::token_request`] when they need a discovered URL.
    ///
    /// # Errors
    /// [`Error::Discovery`] when the document cannot be read, is not a JSON metadata document,
    /// names another issuer, or names an endpoint that is not https on the issuer's host.
    pub async fn discover(&self) -> DynResult<Option<Arc<Endpoints>>> {
        let Some(discovery) = &self.environment.discovery else {
            return Ok(None);
        };
        let target = Target::new(
            self.provider,
            discovery,
            &self.inputs,
            self.base_url.as_ref(),
        )?;
        if let Some(fresh) = self.discovered.get(&target, Some(self.discovery_ttl)) {
            return Ok(Some(fresh));
        }
        let request = target
            .request()
            .map_err(|reason| target.error(DiscoveryErrorKind::Unreachable, reason))?;
        let span = tracing::info_span!(
            "discovery",
            provider = self.provider.name,
            environment = self.environment.name,
            kind = discovery.kind.name(),
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let response = match self.send_with_retries(request, None).instrument(span).await {
            Ok(response) => response,
            Err(Error::Transport(e)) => return Err(target.transport_error(&e)),
            Err(e) => return Err(e),
        };
        let endpoints = Arc::new(target.endpoints(&response, self.environment)?);
        self.discovered.insert(&target, endpoints.clone());
        Ok(Some(endpoints))
    }

    /// Sets how long discovered endpoints are used before the metadata is read again
    /// ([`crate::discovery::DEFAULT_TTL`] unless set; `Duration::ZERO` reads it for every
    /// fetch).
    pub fn set_discovery_ttl(&mut self, ttl: Duration) {
        self.discovery_ttl = ttl;
    }

    /// Whether a request for `grant` takes its token URL from the issuer's metadata.
    fn discovers_token_url(&self, grant: &GrantSpec) -> bool {
        self.environment.discovery.is_some() && grant.token_url(self.environment).is_empty()
    }

    /// The endpoints last discovered for this client's issuer, of any age.
    fn cached_endpoints(&self) -> DynResult<Option<Arc<Endpoints>>> {
        let Some(discovery) = &self.environment.discovery else {
            return Ok(None);
        };
        let target = Target::new(
            self.provider,
            discovery,
            &self.inputs,
            self.base_url.as_ref(),
        )?;
        Ok(self.discovered.get(&target, None))
    }

    /// The environment with the URLs it leaves out taken from `endpoints`; a URL the spec
    /// gives wins.
    fn with_endpoints<'e>(&self, endpoints: Option<&'e Endpoints>) -> EnvironmentOf<'e> {
        let environment: EnvironmentOf<'e> = *self.environment;
        let Some(found) = endpoints else {
            return environment;
        };
        EnvironmentOf {
            token_url: match environment.token_url {
                "" => found.token_endpoint.as_deref().unwrap_or(""),
                given => given,
            },
            authorize_url: environment
                .authorize_url
                .or(found.authorization_endpoint.as_deref()),
            ..environment
        }
    }

    /// The error for a URL that neither the spec nor the metadata read so far gives.
    fn undiscovered(&self, member: &str, read: bool) -> Error<JsonErrorBody> {
        let issuer = self.environment.discovery.map_or("", |d| d.issuer);
        let (kind, reason) = if read {
            (
                DiscoveryErrorKind::EndpointMissing,
                format!("the issuer's metadata has no `{member}`"),
            )
        } else {
            (
                DiscoveryErrorKind::NotDiscovered,
                format!(
                    "`{member}` comes from the issuer's metadata, not read yet: call `discover` (or fetch a token) first"
                ),
            )
        };
        // The issuer with the client's inputs filled in, as every other discovery error names
        // it; the template when they do not fill it.
        let target = self.environment.discovery.as_ref().and_then(|d| {
            Target::new::<JsonErrorBody>(self.provider, d, &self.inputs, self.base_url.as_ref())
                .ok()
        });
        match target {
            Some(target) => target.error(kind, reason),
            None => Error::Discovery(Box::new(crate::error::DiscoveryError {
                kind,
                issuer: issuer.to_owned(),
                reason,
            })),
        }
    }
}

/// An environment borrowing discovered URLs.
type EnvironmentOf<'e> = tokenspec_spec::EnvironmentSpec<'e>;

/// PBKDF2 rounds for each secret input in a store key (see `Client::identity`): paid once per
/// token source, about a millisecond in an optimized build.
pub(crate) const KEY_STRETCH_ROUNDS: u32 = 20_000;

/// How many stretched secrets [`stretched`] remembers.
const STRETCHED_CACHE: usize = 32;

/// PBKDF2-HMAC-SHA-256 of `secret` under `salt`, [`KEY_STRETCH_ROUNDS`] rounds. The last few
/// results are kept in memory (a program that builds many sources for one client pays once);
/// they are looked up by a plain digest that never leaves the process, which holds the secret
/// itself anyway.
fn stretched(secret: &[u8], salt: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    static CACHE: std::sync::Mutex<Vec<([u8; 32], [u8; 32])>> = std::sync::Mutex::new(Vec::new());
    let mut lookup = sha2::Sha256::new();
    lookup.update((salt.len() as u64).to_be_bytes());
    lookup.update(salt);
    lookup.update(secret);
    let lookup: [u8; 32] = lookup.finalize().into();
    let cached = |cache: &Vec<([u8; 32], [u8; 32])>| {
        cache
            .iter()
            .find(|(key, _)| *key == lookup)
            .map(|(_, value)| *value)
    };
    if let Some(value) = cached(&CACHE.lock().unwrap_or_else(PoisonError::into_inner)) {
        return value;
    }
    // Computed without the lock: two threads may both compute one value, never wait on it.
    let value = pbkdf2::pbkdf2_hmac_array::<sha2::Sha256, 32>(secret, salt, KEY_STRETCH_ROUNDS);
    let mut cache = CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if cached(&cache).is_none() {
        if cache.len() == STRETCHED_CACHE {
            cache.remove(0);
        }
        cache.push((lookup, value));
    }
    value
}

/// A copy of `request` for one attempt (`http::Request` is not `Clone`: extensions may not be).
/// Builds a token request anew for a retry (see [`Client::fetch`]).
type Rebuild<'a> = dyn Fn() -> DynResult<http::Request<Vec<u8>>> + Send + Sync + 'a;

fn copy_request(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    if let Some(url) = request.extensions().get::<crate::transport::ParsedUrl>() {
        copy.extensions_mut().insert(url.clone());
    }
    if let Some(certificate) = request
        .extensions()
        .get::<crate::transport::ClientCertificate>()
    {
        copy.extensions_mut().insert(*certificate);
    }
    copy
}

#[cfg(feature = "reqwest")]
fn dedicated_transport(options: &HttpOptions) -> Result<Arc<dyn Transport>, TransportError> {
    Ok(Arc::new(crate::ReqwestTransport::with_options(options)?))
}

#[cfg(not(feature = "reqwest"))]
fn dedicated_transport(_: &HttpOptions) -> Result<Arc<dyn Transport>, TransportError> {
    Err(TransportError::new(
        TransportErrorKind::Other,
        "no transport: enable the `reqwest` feature or call set_transport",
    ))
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
        Err(message) => Err(Error::from(TransportError::new(
            TransportErrorKind::Other,
            message.clone(),
        ))),
    }
}

#[cfg(not(feature = "reqwest"))]
fn default_transport() -> DynResult<Arc<dyn Transport>> {
    Err(Error::from(TransportError::new(
        TransportErrorKind::Other,
        "no transport: enable the `reqwest` feature or call set_transport",
    )))
}
