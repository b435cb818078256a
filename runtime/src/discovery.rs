//! Discovery (spec format 1.2): an environment's token and authorize URLs read from its
//! issuer's metadata instead of the spec.
//!
//! The document is OpenID Connect Discovery 1.0 section 4 (`{issuer}/.well-known/
//! openid-configuration`) or RFC 8414 section 3 (`/.well-known/oauth-authorization-server`
//! inserted between the issuer's host and path). A metadata document is an answer from the
//! network like any other, so before a URL from it is used:
//!
//! - its `issuer` must be the configured issuer, character for character (RFC 8414 section
//!   3.3, OpenID Connect Discovery 1.0 section 4.3): a document served for another issuer is
//!   refused;
//! - each endpoint used (one the spec leaves out) must be https (loopback aside, the rule of
//!   every URL the runtime sends to), have no user info nor fragment (RFC 6749 sections 3.1
//!   and 3.2), and be on the issuer's own host and port. A document that names another host
//!   cannot send the client's credentials or its users there, whoever served it. A provider
//!   whose endpoint really lives on another host gives that URL in its spec, which wins over
//!   a discovered one (and the document's is then neither read nor checked);
//! - the body is read up to [`METADATA_LIMIT`] bytes.
//!
//! Checked endpoints are kept per issuer and metadata URL, shared by a client and its clones,
//! for the client's discovery TTL ([`DEFAULT_TTL`] unless set); nothing in the answer's
//! caching headers changes that. A failure is not kept: the next call asks again.

use crate::Error;
use crate::error::{DiscoveryError, DiscoveryErrorKind, TransportError, TransportErrorKind};
use crate::input::Inputs;
use crate::request::{self, BaseUrl};
use crate::spec::{Discovery, ProviderSpec};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use url::Url;

/// How long discovered endpoints are used before the metadata is read again, unless the
/// client sets another (`Client::set_discovery_ttl`).
pub const DEFAULT_TTL: Duration = Duration::from_secs(60 * 60);

/// The most bytes of a metadata document read. Real ones are a few kilobytes (an identity
/// provider listing every claim and algorithm stays under 10 KiB); a larger answer is refused
/// rather than parsed.
pub const METADATA_LIMIT: usize = 64 * 1024;

/// Issuers kept per client before the oldest is forgotten (a client has one issuer per
/// environment and host input it was used with).
const CACHE_ENTRIES: usize = 16;

/// The endpoints of an issuer's metadata, checked (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The issuer identifier, as configured and as the metadata says it.
    pub issuer: String,
    /// `token_endpoint` (RFC 8414 section 2), if the document has one.
    pub token_endpoint: Option<String>,
    /// `authorization_endpoint` (RFC 8414 section 2), if the document has one.
    pub authorization_endpoint: Option<String>,
}

/// The members of a metadata document the runtime reads; the others (RFC 8414 section 2 lets a
/// server add its own) are ignored.
struct Metadata {
    issuer: String,
    token_endpoint: Option<String>,
    authorization_endpoint: Option<String>,
}

/// Where an environment's metadata is read from, for one client's inputs and base URL.
pub(crate) struct Target {
    /// The issuer identifier with the inputs filled in, as text.
    issuer: String,
    /// The same, parsed: the host endpoints must be on.
    issuer_url: Url,
    /// The document's URL, with the client's base URL applied.
    metadata_url: Url,
}

/// A cache key: the issuer and the URL its document was read from (a base URL may send two
/// issuers to one server).
type Key = (String, String);

/// Checked endpoints by issuer, shared by a client and its clones.
#[derive(Default)]
pub(crate) struct Cache {
    entries: Mutex<HashMap<Key, (Instant, Arc<Endpoints>)>>,
}

impl Cache {
    /// The endpoints read for `target` less than `ttl` ago; of any age when `ttl` is `None`.
    pub(crate) fn get(&self, target: &Target, ttl: Option<Duration>) -> Option<Arc<Endpoints>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let (read, endpoints) = entries.get(&target.key())?;
        match ttl {
            Some(ttl) if read.elapsed() >= ttl => None,
            _ => Some(endpoints.clone()),
        }
    }

    pub(crate) fn insert(&self, target: &Target, endpoints: Arc<Endpoints>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CACHE_ENTRIES
            && !entries.contains_key(&target.key())
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, (read, _))| *read)
                .map(|(key, _)| key.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(target.key(), (Instant::now(), endpoints));
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("Cache")
            .field("issuers", &entries.len())
            .finish()
    }
}

/// The well-known URL of `issuer`'s document. Both specifications remove a terminating `/`
/// of the issuer's path first.
pub fn metadata_url(discovery: &Discovery, issuer: &Url) -> Url {
    use crate::spec::DiscoveryKind;
    let path = issuer.path().trim_end_matches('/');
    let well_known = discovery.kind.well_known();
    let mut url = issuer.clone();
    match discovery.kind {
        // OpenID Connect Discovery 1.0 section 4.1: appended to the issuer.
        DiscoveryKind::OpenId => url.set_path(&format!("{path}/.well-known/{well_known}")),
        // RFC 8414 section 3.1: between the host and the path.
        DiscoveryKind::OAuth => url.set_path(&format!("/.well-known/{well_known}{path}")),
    }
    url
}

impl Target {
    /// The issuer of `discovery` with `inputs` filled in (host and path variables, checked as
    /// in every URL), and its document's URL with `base_url` applied.
    pub(crate) fn new<B>(
        provider: &ProviderSpec,
        discovery: &Discovery,
        inputs: &Inputs,
        base_url: Option<&BaseUrl>,
    ) -> Result<Self, Error<B>> {
        let (issuer, issuer_url) = request::fill_template(provider, discovery.issuer, inputs)?;
        request::check_scheme(&issuer_url).map_err(|reason| Error::input("issuer", reason))?;
        let mut metadata_url = metadata_url(discovery, &issuer_url);
        if let Some(base) = base_url {
            base.apply(&mut metadata_url)
                .map_err(|reason| Error::input("base_url", reason))?;
            request::check_scheme(&metadata_url)
                .map_err(|reason| Error::input("base_url", reason))?;
        }
        Ok(Target {
            issuer,
            issuer_url,
            metadata_url,
        })
    }

    fn key(&self) -> Key {
        (self.issuer.clone(), self.metadata_url.as_str().to_owned())
    }

    /// A [`DiscoveryError`] of this issuer.
    pub(crate) fn error<B>(&self, kind: DiscoveryErrorKind, reason: impl Into<String>) -> Error<B> {
        Error::Discovery(Box::new(DiscoveryError {
            kind,
            issuer: self.issuer.clone(),
            reason: reason.into(),
        }))
    }

    /// The GET of the metadata document (RFC 8414 section 3.1).
    pub(crate) fn request(&self) -> Result<http::Request<Vec<u8>>, String> {
        let uri = http::Uri::try_from(self.metadata_url.as_str())
            .map_err(|e| format!("not a valid request URI: {e}"))?;
        let mut request = http::Request::new(Vec::new());
        *request.uri_mut() = uri;
        request.headers_mut().insert(
            http::header::ACCEPT,
            http::HeaderValue::from_static("application/json"),
        );
        request
            .extensions_mut()
            .insert(crate::transport::ParsedUrl(Arc::new(
                self.metadata_url.clone(),
            )));
        Ok(request)
    }

    /// The error for a failed GET.
    pub(crate) fn transport_error<B>(&self, error: &TransportError) -> Error<B> {
        let kind = match error.kind {
            TransportErrorKind::BodyTooLarge => DiscoveryErrorKind::TooLarge,
            _ => DiscoveryErrorKind::Unreachable,
        };
        self.error(kind, error.to_string())
    }

    /// Checks the answer to [`Target::request`] (see the module documentation). Only the
    /// endpoints `environment` leaves out are read and checked: one the spec gives is never
    /// used, so a document may put it anywhere (Google's token endpoint is on another host than
    /// its issuer; its spec gives that `token_url` and discovers the authorize URL alone).
    pub(crate) fn endpoints<B>(
        &self,
        response: &http::Response<Vec<u8>>,
        environment: &crate::spec::EnvironmentSpec,
    ) -> Result<Endpoints, Error<B>> {
        // RFC 8414 section 3.2: "A successful response MUST use the 200 OK HTTP status code".
        if response.status() != http::StatusCode::OK {
            return Err(self.error(
                DiscoveryErrorKind::Unreachable,
                format!("HTTP {} instead of 200", response.status().as_u16()),
            ));
        }
        let body = response.body();
        if body.len() > METADATA_LIMIT {
            return Err(self.error(
                DiscoveryErrorKind::TooLarge,
                format!("more than {METADATA_LIMIT} bytes"),
            ));
        }
        let document: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
            // The position only: serde's message may quote the hostile document.
            self.error(
                DiscoveryErrorKind::NotJson,
                format!("not JSON (line {}, column {})", e.line(), e.column()),
            )
        })?;
        // RFC 8414 section 3.2: "a JSON object"; the members read are strings (section 2).
        let serde_json::Value::Object(members) = document else {
            return Err(self.error(
                DiscoveryErrorKind::NotJson,
                "not a metadata document (not a JSON object)",
            ));
        };
        let member = |name: &str| match members.get(name) {
            None => Ok(None),
            Some(serde_json::Value::String(value)) => Ok(Some(value.clone())),
            Some(_) => Err(self.error(
                DiscoveryErrorKind::NotJson,
                format!("not a metadata document (`{name}` is not a string)"),
            )),
        };
        let metadata = Metadata {
            issuer: member("issuer")?.ok_or_else(|| {
                self.error(
                    DiscoveryErrorKind::NotJson,
                    "not a metadata document (no `issuer`)",
                )
            })?,
            token_endpoint: member("token_endpoint")?,
            authorization_endpoint: member("authorization_endpoint")?,
        };
        // RFC 8414 section 3.3: "The "issuer" value returned MUST be identical to the
        // authorization server's issuer identifier value into which the well-known URI string
        // was inserted"; OpenID Connect Discovery 1.0 section 4.3 likewise.
        if metadata.issuer != self.issuer {
            return Err(self.error(
                DiscoveryErrorKind::IssuerMismatch,
                format!(
                    "the document names issuer {:?}, not the configured one",
                    excerpt(&metadata.issuer)
                ),
            ));
        }
        let check = |member: &str, value: Option<String>, used: bool| {
            value
                .filter(|_| used)
                .map(|url| {
                    check_endpoint(&self.issuer_url, &url).map_err(|reason| {
                        self.error(
                            DiscoveryErrorKind::EndpointRefused,
                            format!("`{member}` {:?} {reason}", excerpt(&url)),
                        )
                    })
                })
                .transpose()
        };
        Ok(Endpoints {
            token_endpoint: check(
                "token_endpoint",
                metadata.token_endpoint,
                environment.token_url.is_empty(),
            )?,
            authorization_endpoint: check(
                "authorization_endpoint",
                metadata.authorization_endpoint,
                environment.authorize_url.is_none(),
            )?,
            issuer: metadata.issuer,
        })
    }
}

/// An endpoint named by `issuer`'s metadata, checked and ready to stand for a URL template:
/// https (loopback aside), no user info or fragment, the issuer's host and port. Braces are
/// percent-encoded, so the request builder reads no `{variable}` into it.
fn check_endpoint(issuer: &Url, endpoint: &str) -> Result<String, String> {
    let url = Url::parse(endpoint).map_err(|e| format!("is not a URL ({e})"))?;
    request::check_scheme(&url)?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("has user info (RFC 3986 section 3.2.1)".into());
    }
    // RFC 6749 sections 3.1 and 3.2: an endpoint URI "MUST NOT include a fragment component".
    if url.fragment().is_some() {
        return Err("has a fragment (RFC 6749 section 3.1)".into());
    }
    if url.host() != issuer.host() || url.port_or_known_default() != issuer.port_or_known_default()
    {
        return Err(format!(
            "is not on the issuer's host {:?}; a provider whose endpoint is elsewhere gives it in its spec",
            issuer.host_str().unwrap_or("")
        ));
    }
    Ok(url.as_str().replace('{', "%7B").replace('}', "%7D"))
}

/// At most 100 characters of a hostile document's string, for an error message.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::DiscoveryKind;

    fn discovery(kind: DiscoveryKind) -> Discovery {
        Discovery { issuer: "", kind }
    }

    #[test]
    fn metadata_urls_follow_oidc_discovery_4_1_and_rfc_8414_3_1() {
        let cases = [
            (
                DiscoveryKind::OpenId,
                "https://idp.example",
                "https://idp.example/.well-known/openid-configuration",
            ),
            (
                DiscoveryKind::OpenId,
                "https://idp.example/realms/acme/",
                "https://idp.example/realms/acme/.well-known/openid-configuration",
            ),
            (
                DiscoveryKind::OAuth,
                "https://idp.example/",
                "https://idp.example/.well-known/oauth-authorization-server",
            ),
            // RFC 8414 section 3.1's example: `https://example.com/issuer1`.
            (
                DiscoveryKind::OAuth,
                "https://example.com/issuer1",
                "https://example.com/.well-known/oauth-authorization-server/issuer1",
            ),
        ];
        for (kind, issuer, expected) in cases {
            let issuer = Url::parse(issuer).expect("a URL");
            assert_eq!(metadata_url(&discovery(kind), &issuer).as_str(), expected);
        }
    }

    #[test]
    fn endpoints_must_be_https_on_the_issuers_host() {
        let issuer = Url::parse("https://idp.example/realms/acme").expect("a URL");
        assert_eq!(
            check_endpoint(&issuer, "https://IDP.example/realms/acme/token?x={y}").as_deref(),
            Ok("https://idp.example/realms/acme/token?x=%7By%7D")
        );
        for refused in [
            "http://idp.example/token",
            "https://other.example/token",
            "https://idp.example.other.example/token",
            "https://idp.example:8443/token",
            "https://user:pass@idp.example/token",
            "https://idp.example/token#frag",
            "ftp://idp.example/token",
            "/token",
        ] {
            assert!(check_endpoint(&issuer, refused).is_err(), "{refused}");
        }
        // Loopback issuers (hand-written specs, tests) may use plain http on loopback.
        let local = Url::parse("http://127.0.0.1:8080").expect("a URL");
        assert!(check_endpoint(&local, "http://127.0.0.1:8080/token").is_ok());
        assert!(check_endpoint(&local, "http://127.0.0.1:9090/token").is_err());
    }

    /// A target for `https://idp.example/realms/acme` (no base URL).
    fn target() -> Target {
        let issuer_url = Url::parse("https://idp.example/realms/acme").expect("a URL");
        Target {
            issuer: "https://idp.example/realms/acme".into(),
            metadata_url: metadata_url(&discovery(DiscoveryKind::OpenId), &issuer_url),
            issuer_url,
        }
    }

    fn answer(document: serde_json::Value) -> http::Response<Vec<u8>> {
        http::Response::new(document.to_string().into_bytes())
    }

    #[test]
    fn only_the_endpoints_the_spec_leaves_out_are_read_and_checked() {
        // Google-like: the token endpoint is on another host than the issuer.
        let document = serde_json::json!({
            "issuer": "https://idp.example/realms/acme",
            "token_endpoint": "https://tokens.example/token",
            "authorization_endpoint": "https://idp.example/realms/acme/auth",
        });
        let both_discovered = crate::spec::EnvironmentSpec::DEFAULT;
        let refused = target().endpoints::<()>(&answer(document.clone()), &both_discovered);
        assert!(
            matches!(&refused, Err(Error::Discovery(e)) if e.kind == DiscoveryErrorKind::EndpointRefused),
            "{refused:?}"
        );
        // The spec gives the token URL: the document's is neither used nor held against it.
        let token_given = crate::spec::EnvironmentSpec {
            token_url: "https://tokens.example/token",
            ..crate::spec::EnvironmentSpec::DEFAULT
        };
        let endpoints = target()
            .endpoints::<()>(&answer(document), &token_given)
            .expect("accepted");
        assert_eq!(endpoints.token_endpoint, None);
        assert_eq!(
            endpoints.authorization_endpoint.as_deref(),
            Some("https://idp.example/realms/acme/auth")
        );
    }

    #[test]
    fn excerpts_are_bounded() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(500);
        assert_eq!(excerpt(&long).chars().count(), 101);
    }
}
