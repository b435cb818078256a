//! Sending requests. The runtime builds `http::Request`s and parses `http::Response`s; a
//! [`Transport`] moves them, so tests and users choose the HTTP client.

use crate::error::TransportError;
#[cfg(feature = "reqwest")]
use crate::error::TransportErrorKind;
use crate::retry::RetryPolicy;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future, so that transports can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Largest response body read, by default. Token responses are a few kilobytes.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// How a client talks HTTP: timeouts, the body limit and retries. Set per client; the defaults
/// suit token endpoints (small bodies, answers within seconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOptions {
    /// Longest wait for a connection (default 10 s).
    pub connect_timeout: Duration,
    /// Longest time one attempt may take, connection to last body byte (default 30 s).
    pub timeout: Duration,
    /// Longest time a whole call may take, every attempt and wait between them included
    /// (default 60 s): retries stop when the next one could not finish in time.
    pub total_timeout: Duration,
    /// Largest response body read (default 1 MiB); a larger one is an error and is not read
    /// into memory.
    pub body_limit: usize,
    /// When to try again.
    pub retry: RetryPolicy,
    /// CA certificates (PEM, each entry one or more `-----BEGIN CERTIFICATE-----` blocks)
    /// trusted besides the platform's roots (default none): for a token endpoint on a private
    /// PKI, or a test server. They add trust, they never replace the platform verifier's.
    pub root_certificates: Vec<String>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(60),
            body_limit: DEFAULT_BODY_LIMIT,
            retry: RetryPolicy::default(),
            root_certificates: Vec::new(),
        }
    }
}

impl HttpOptions {
    /// Whether a reqwest transport built for `self` would differ from one built for `other`.
    pub(crate) fn same_transport(&self, other: &HttpOptions) -> bool {
        self.connect_timeout == other.connect_timeout
            && self.body_limit == other.body_limit
            && self.root_certificates == other.root_certificates
    }
}

/// The parsed form of a request's URI, kept in its extensions by the request builder so that
/// the reqwest transport need not print the URI and parse it again (a third of the runtime's
/// own work per request). Trusted only while it still matches the URI.
#[derive(Clone, Debug)]
pub(crate) struct ParsedUrl(pub(crate) std::sync::Arc<url::Url>);

impl ParsedUrl {
    /// The URL, if it is still the one `uri` says (a caller may have changed the URI).
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
    fn matching(&self, uri: &http::Uri) -> Option<&url::Url> {
        let url = &self.0;
        let same = uri.scheme_str() == Some(url.scheme())
            && uri.host() == url.host_str()
            && uri.port_u16() == url.port()
            && uri.path_and_query().map(http::uri::PathAndQuery::as_str)
                == Some(&url[url::Position::BeforePath..url::Position::AfterQuery]);
        same.then_some(url)
    }
}

/// Carried in a token request's extensions when its credentials are a TLS client certificate
/// (RFC 8705 section 2): the inputs whose certificate and key the transport must present.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientCertificate(pub(crate) crate::spec::MutualTls);

/// Sends one request and returns the whole response.
pub trait Transport: Send + Sync {
    /// Sends `request`; the body of the response is read completely (up to a limit).
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>>;

    /// Whether this transport presents the TLS client certificate a `tls_client_auth` or
    /// `self_signed_tls_client_auth` provider authenticates the client by (RFC 8705 section
    /// 2). The runtime cannot add a certificate to a transport it did not build, so a client
    /// given one with `Client::set_transport` refuses such requests (a transport error that
    /// says so) unless this says `true`: then the caller's transport is trusted to present the
    /// certificate itself. Default `false`.
    fn presents_client_certificate(&self) -> bool {
        false
    }
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

    /// A transport with a fresh reqwest client and the default [`HttpOptions`].
    pub fn with_defaults() -> Result<Self, TransportError> {
        Self::with_options(&HttpOptions::default())
    }

    /// A transport with a fresh reqwest client: no redirects (a token endpoint that redirects
    /// would resend credentials elsewhere), the connect timeout and the body limit of
    /// `options`, and the https proxy the process environment names (see
    /// [`ReqwestTransport::with_environment`]).
    pub fn with_options(options: &HttpOptions) -> Result<Self, TransportError> {
        Self::with_environment(options, |name| std::env::var(name).ok())
    }

    /// [`ReqwestTransport::with_options`] with proxy variables read from `env` instead of the
    /// process environment (for programs that configure proxies themselves, and tests).
    ///
    /// Only `https` requests go through a proxy: the first of `HTTPS_PROXY`, `https_proxy`,
    /// `ALL_PROXY`, `all_proxy` that is set, except for the hosts `NO_PROXY` (or `no_proxy`)
    /// lists. `HTTP_PROXY` is ignored: plain http is accepted only for loopback hosts, and a
    /// proxy would receive its credentials in clear. No proxy is used at all when
    /// `REQUEST_METHOD` is set (a CGI program, where `HTTP_PROXY` can come from a request
    /// header: "httpoxy", CVE-2016-5385). A proxy variable that is no URL is an error naming the
    /// variable (not its value, which may hold the proxy's password).
    pub fn with_environment(
        options: &HttpOptions,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, TransportError> {
        Self::build(options, &env, None).map_err(|e| match e {
            BuildError::Transport(e) => e,
            BuildError::Identity(_) => TransportError::new(
                TransportErrorKind::Other,
                "no client identity was given, yet one was refused",
            ),
        })
    }

    /// [`ReqwestTransport::with_options`], presenting `identity` (a TLS client certificate
    /// and its key) in every handshake (RFC 8705 section 2). The client's pool and identity
    /// go together: a client with another certificate needs another transport.
    pub fn with_client_identity(
        options: &HttpOptions,
        identity: &ClientIdentity,
    ) -> Result<Self, TransportError> {
        Self::build(options, &|name| std::env::var(name).ok(), Some(identity)).map_err(
            |e| match e {
                BuildError::Transport(e) => e,
                BuildError::Identity(reason) => {
                    TransportError::new(TransportErrorKind::Other, reason)
                }
            },
        )
    }

    /// Builds the reqwest client; an error tells a refused identity from anything else.
    pub(crate) fn build(
        options: &HttpOptions,
        env: &dyn Fn(&str) -> Option<String>,
        identity: Option<&ClientIdentity>,
    ) -> Result<Self, BuildError> {
        // The per-attempt timeout is enforced by `Client::send` around any transport, so the
        // reqwest client carries only the connect timeout (one timer per request, not two).
        // `no_proxy()` drops reqwest's own reading of the environment (which would send plain
        // http to `HTTP_PROXY`); the https proxy is added back explicitly.
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(options.connect_timeout)
            .no_proxy();
        if let Some(proxy) = https_proxy(env).map_err(BuildError::Transport)? {
            builder = builder.proxy(proxy);
        }
        for (i, pem) in options.root_certificates.iter().enumerate() {
            let certificates = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    BuildError::Transport(TransportError::new(
                        TransportErrorKind::Other,
                        format!("HttpOptions::root_certificates[{i}] holds no PEM certificate"),
                    ))
                })?;
            builder = builder.tls_certs_merge(certificates);
        }
        if let Some(identity) = identity {
            builder = builder.identity(identity.identity.clone());
        }
        let client = builder.build().map_err(|e| match identity {
            // What rustls refuses once the PEM parsed: a key that is not the certificate's,
            // or of a type it cannot sign with. Its text never holds key material.
            Some(_) => BuildError::Identity(
                "the TLS client certificate and key were refused: the key is not the \
                 certificate's, or not of a supported type (RSA, ECDSA P-256/P-384, Ed25519)"
                    .to_owned(),
            ),
            None => BuildError::Transport(TransportError::with_source(
                TransportErrorKind::Other,
                e.to_string(),
                e,
            )),
        })?;
        Ok(Self::new(client).body_limit(options.body_limit))
    }

    /// Sets the largest response body read.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

/// Why [`ReqwestTransport::build`] failed.
#[cfg(feature = "reqwest")]
#[derive(Debug)]
pub(crate) enum BuildError {
    /// The client identity (certificate and key) was refused; the text says why, without PEM.
    Identity(String),
    /// Anything else (a proxy variable, a root certificate, the TLS backend).
    Transport(TransportError),
}

/// A TLS client certificate chain and its private key, parsed from PEM, for a transport that
/// presents them in the handshake (RFC 8705 section 2, mutual TLS client authentication).
///
/// Debug shows nothing of the PEM: the key is a secret, and the certificate comes from an
/// input the runtime treats as one.
#[cfg(feature = "reqwest")]
#[derive(Clone)]
pub struct ClientIdentity {
    identity: reqwest::Identity,
}

/// Which of the two PEM texts of a [`ClientIdentity`] could not be read.
#[cfg(feature = "reqwest")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityPart {
    /// The certificate chain.
    Certificate,
    /// The private key.
    Key,
}

#[cfg(feature = "reqwest")]
impl ClientIdentity {
    /// Reads a certificate chain (PEM `CERTIFICATE` blocks, leaf first) and its private key
    /// (PEM PKCS#8 `PRIVATE KEY`, PKCS#1 `RSA PRIVATE KEY` or SEC1 `EC PRIVATE KEY`). An
    /// error names the part that could not be read and says why, quoting neither.
    pub fn from_pem(certificate: &str, key: &str) -> Result<Self, (IdentityPart, &'static str)> {
        let certificates = reqwest::Certificate::from_pem_bundle(certificate.as_bytes())
            .map_err(|_| (IdentityPart::Certificate, "is not PEM certificates"))?;
        if certificates.is_empty() {
            return Err((
                IdentityPart::Certificate,
                "holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            ));
        }
        if certificate.contains("PRIVATE KEY-----") {
            return Err((
                IdentityPart::Certificate,
                "holds a private key: give the key its own input",
            ));
        }
        if !key.contains("PRIVATE KEY-----") {
            return Err((
                IdentityPart::Key,
                "holds no PEM private key (-----BEGIN PRIVATE KEY-----)",
            ));
        }
        // reqwest reads certificates and key from one PEM text, wiped once read.
        let pem = crate::Secret::new(format!("{certificate}\n{key}"));
        let identity = reqwest::Identity::from_pem(pem.expose().as_bytes()).map_err(|_| {
            (
                IdentityPart::Key,
                "is not a PEM private key (PKCS#8, PKCS#1 or SEC1)",
            )
        })?;
        Ok(ClientIdentity { identity })
    }
}

#[cfg(feature = "reqwest")]
impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity").finish_non_exhaustive()
    }
}

/// The proxy for `https` requests that `env` names, if any (see
/// [`ReqwestTransport::with_environment`]).
#[cfg(feature = "reqwest")]
fn https_proxy(
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<reqwest::Proxy>, TransportError> {
    if env("REQUEST_METHOD").is_some() {
        return Ok(None);
    }
    let first = |names: &[&'static str]| {
        names.iter().find_map(|name| {
            env(name)
                .filter(|value| !value.trim().is_empty())
                .map(|value| (*name, value))
        })
    };
    let Some((name, url)) = first(&["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]) else {
        return Ok(None);
    };
    let proxy = reqwest::Proxy::https(url.as_str()).map_err(|_| {
        TransportError::new(
            TransportErrorKind::Other,
            format!("the proxy variable {name} is not a URL"),
        )
    })?;
    let no_proxy =
        first(&["NO_PROXY", "no_proxy"]).and_then(|(_, list)| reqwest::NoProxy::from_string(&list));
    Ok(Some(proxy.no_proxy(no_proxy)))
}

/// A transport error for a reqwest failure, keeping reqwest's error as the source. reqwest's
/// text can carry the URL, which may hold a credential (query placement): it is removed from
/// both.
#[cfg(feature = "reqwest")]
fn transport_error(e: reqwest::Error) -> TransportError {
    let e = e.without_url();
    TransportError::with_source(classify(&e), e.to_string(), e)
}

#[cfg(feature = "reqwest")]
fn classify(e: &reqwest::Error) -> TransportErrorKind {
    if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_connect() || e.is_request() || e.is_body() {
        // Refused, reset, or closed before the whole answer arrived.
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
            let request = match request
                .extensions()
                .get::<ParsedUrl>()
                .and_then(|parsed| parsed.matching(request.uri()))
            {
                Some(url) => {
                    let url = url::Url::clone(url);
                    let (parts, body) = request.into_parts();
                    let mut request = reqwest::Request::new(parts.method, url);
                    *request.headers_mut() = parts.headers;
                    *request.version_mut() = parts.version;
                    *request.body_mut() = Some(body.into());
                    request
                }
                None => reqwest::Request::try_from(request).map_err(transport_error)?,
            };
            let mut response = self
                .client
                .execute(request)
                .await
                .map_err(transport_error)?;
            let mut builder = http::Response::builder()
                .status(response.status())
                .version(response.version());
            if let Some(headers) = builder.headers_mut() {
                *headers = std::mem::take(response.headers_mut());
            }
            // A declared length over the limit fails before reading; a body without one is
            // read chunk by chunk and abandoned at the limit, so memory stays bounded.
            if response
                .content_length()
                .is_some_and(|n| n > self.body_limit as u64)
            {
                return Err(TransportError::new(
                    TransportErrorKind::BodyTooLarge,
                    format!("more than {} bytes", self.body_limit),
                ));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
                if body.len() + chunk.len() > self.body_limit {
                    return Err(TransportError::new(
                        TransportErrorKind::BodyTooLarge,
                        format!("more than {} bytes", self.body_limit),
                    ));
                }
                body.extend_from_slice(&chunk);
            }
            builder.body(body).map_err(|e| {
                TransportError::with_source(TransportErrorKind::Other, e.to_string(), e)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parsed_url_is_trusted_only_while_it_matches_the_uri() {
        let parsed = |s: &str| ParsedUrl(std::sync::Arc::new(url::Url::parse(s).expect("url")));
        let uri = |s: &str| s.parse::<http::Uri>().expect("uri");
        let url = "https://auth.example:8443/oauth/token?grant_type=x";
        assert!(parsed(url).matching(&uri(url)).is_some());
        let v6 = "http://[::1]:8080/token";
        assert!(parsed(v6).matching(&uri(v6)).is_some());
        for other in [
            "http://auth.example:8443/oauth/token?grant_type=x",
            "https://evil.example:8443/oauth/token?grant_type=x",
            "https://auth.example/oauth/token?grant_type=x",
            "https://auth.example:8443/oauth/other?grant_type=x",
            "https://auth.example:8443/oauth/token?grant_type=y",
            "https://auth.example:8443/oauth/token",
        ] {
            assert!(parsed(url).matching(&uri(other)).is_none(), "{other}");
        }
    }
}
