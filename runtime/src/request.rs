//! Building token requests and authorize URLs: no I/O, just `http::Request` values.

use crate::Error;
use crate::input::Inputs;
use crate::spec::{
    AuthorizeSpec, BasicEncoding, BodyFormat, GrantKind, GrantSpec, HttpMethod, InputLocation,
    ParamLocation, ParamSource, Pkce, Placement, ProviderSpec,
};
use crate::template::Value;
use crate::transport::ParsedUrl;
use base64::Engine as _;
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use url::Url;

/// Characters escaped in a path segment: everything but RFC 3986 unreserved characters.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']')
    .add(b'@')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'&')
    .add(b'+')
    .add(b'$')
    .add(b',')
    .add(b'\'')
    .add(b'!')
    .add(b'(')
    .add(b')')
    .add(b'*');

/// A replacement for the scheme, host and port of a provider's URLs (a local test server or a
/// proxy). Plain `http` is accepted only for loopback hosts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl(Url);

impl BaseUrl {
    /// Parses and checks `url`: `scheme://host[:port]` only, https unless the host is
    /// loopback. A path, query, fragment or user info is refused rather than silently dropped;
    /// the URL itself is never echoed, since it may hold a password.
    pub fn parse<B>(url: &str) -> Result<Self, Error<B>> {
        let parsed =
            Url::parse(url).map_err(|e| Error::input("base_url", format!("not a URL ({e})")))?;
        check_scheme(&parsed).map_err(|reason| Error::input("base_url", reason))?;
        if parsed.host_str().is_none() {
            return Err(Error::input("base_url", "the URL has no host"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::input(
                "base_url",
                "user info is not allowed; credentials go where the spec says",
            ));
        }
        if parsed.path() != "/" || parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::input(
                "base_url",
                "only scheme, host and port are replaced; remove the path, query and fragment",
            ));
        }
        Ok(BaseUrl(parsed))
    }

    /// The URL as given.
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    pub(crate) fn apply(&self, url: &mut Url) -> Result<(), String> {
        url.set_scheme(self.0.scheme())
            .map_err(|()| "cannot change the scheme".to_owned())?;
        url.set_host(self.0.host_str())
            .map_err(|e| format!("cannot change the host: {e}"))?;
        url.set_port(self.0.port())
            .map_err(|()| "cannot change the port".to_owned())
    }
}

/// HTTPS only, loopback aside.
pub(crate) fn check_scheme(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "plain http is accepted only for loopback hosts, not {:?}",
            url.host_str().unwrap_or("")
        )),
        other => Err(format!("scheme {other:?} is not https")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Fills a URL template's `{input}` variables: host variables verbatim (they were checked to be
/// DNS labels, or whole host names), path variables percent-encoded as one segment.
fn resolve_template<B>(
    provider: &ProviderSpec,
    template: &str,
    inputs: &Inputs,
) -> Result<Url, Error<B>> {
    fill_template(provider, template, inputs).map(|(_, url)| url)
}

/// [`resolve_template`], with the filled-in text as well as its parsed URL: an issuer
/// identifier is compared as text (RFC 8414 section 3.3), which the URL parser would
/// normalize (`https://idp.example` becomes `https://idp.example/`).
pub(crate) fn fill_template<B>(
    provider: &ProviderSpec,
    template: &str,
    inputs: &Inputs,
) -> Result<(String, Url), Error<B>> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    let mut host_inputs = Vec::new();
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        let value = inputs.require(provider, name)?.unwrap_or_default();
        if value.is_empty() {
            return Err(Error::input(name, "required by the URL but not set"));
        }
        match provider.input(name).map(|i| i.location) {
            Some(InputLocation::Path) => out.extend(utf8_percent_encode(value, SEGMENT)),
            // The whole host, checked as a host name when set (`input::check_host_name`,
            // which also decided whether an IP address may be one).
            Some(InputLocation::Hostname { .. }) => out.push_str(value),
            _ => {
                host_inputs.push(name);
                out.push_str(value);
            }
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    let url = Url::parse(&out)
        .map_err(|e| Error::input("url", format!("the URL does not parse: {e}")))?;
    crate::input::check_host_is_dns_name(&url, &host_inputs)?;
    Ok((out, url))
}

fn environment_url<B>(
    provider: &ProviderSpec,
    template: &str,
    inputs: &Inputs,
    base_url: Option<&BaseUrl>,
) -> Result<Url, Error<B>> {
    let mut url = resolve_template(provider, template, inputs)?;
    if let Some(base) = base_url {
        base.apply(&mut url)
            .map_err(|reason| Error::input("base_url", reason))?;
    }
    check_scheme(&url).map_err(|reason| Error::input("url", reason))?;
    Ok(url)
}

/// Parameters of one request, in wire order.
#[derive(Default)]
struct Params {
    body: Vec<(&'static str, String)>,
    query: Vec<(&'static str, String)>,
    /// Fixed JSON values that are not strings (spec format 1.2): a JSON body only.
    json: Vec<(&'static str, &'static str)>,
}

impl Params {
    fn push(&mut self, location: ParamLocation, name: &'static str, value: &str) {
        match location {
            ParamLocation::Body => self.body.push((name, value.to_owned())),
            ParamLocation::Query => self.query.push((name, value.to_owned())),
        }
    }
}

/// Builds the token request for `grant`, sending credentials as `placement` (the spec's
/// preferred one when `None`).
pub fn token_request<B>(
    provider: &ProviderSpec,
    environment: &tokenspec_spec::EnvironmentSpec<'_>,
    grant: &GrantSpec,
    inputs: &Inputs,
    placement: Option<&'static Placement>,
    base_url: Option<&BaseUrl>,
) -> Result<http::Request<Vec<u8>>, Error<B>> {
    // Spec format 1.2: a grant may have its own token URL (a refresh elsewhere), method, body
    // format and place for its parameters.
    let mut url = environment_url(provider, grant.token_url(environment), inputs, base_url)?;
    let method = provider.method_of(grant);
    let body_format = provider.body_of(grant);
    let params_in = provider.params_in_of(grant);
    let mut params = Params::default();
    // Assertions signed for this request alone: the client hides their echoes and never reuses
    // the request (see `Client::token_request`).
    let mut signed = crate::mask::SecretMask::new();
    // RFC 6749 sections 4.1.3, 4.4.2, 4.5 and 6: the grant's own `grant_type`, first.
    if let Some(grant_type) = grant.grant_type() {
        params.push(ParamLocation::Body, "grant_type", grant_type);
    }
    for param in grant.params {
        match crate::template::resolve(provider, inputs, param.source)? {
            None => {}
            Some(Value::Text(value)) => {
                // RFC 7636 section 4.5: whatever input a spec takes it from.
                if param.name == "code_verifier"
                    && let Some(problem) = crate::pkce::verifier_problem(&value)
                {
                    return Err(Error::input(param.name, problem));
                }
                params.push(param.location, param.name, &value);
            }
            Some(Value::Json(json)) => params.json.push((param.name, json)),
        }
    }
    // RFC 7523 section 2.1: the JWT-bearer grant's `assertion`, signed anew for this request
    // (fresh `iat`, `exp`, `jti`), its audience the token URL requested unless the spec says.
    if let Some(spec) = &grant.assertion {
        let assertion = crate::assertion::sign(provider, spec, inputs, url.as_str())?;
        params.push(ParamLocation::Body, "assertion", assertion.expose());
        signed.add_secret(assertion.expose());
    }
    if grant.kind == GrantKind::AuthorizationCode && grant.pkce == Pkce::Required {
        let has_verifier = grant
            .params
            .iter()
            .any(|p| matches!(p.source, ParamSource::Input("code_verifier")))
            && provider
                .input("code_verifier")
                .is_some_and(|spec| inputs.get(spec).is_some());
        if !has_verifier {
            return Err(Error::input(
                "code_verifier",
                "PKCE is required by this provider",
            ));
        }
    }

    // Headers straight into a map: `http::request::Builder` moves itself through every call,
    // which cost more than the rest of the request.
    let mut headers = http::HeaderMap::with_capacity(3);
    // The format the spec reads (RFC 9110 section 12.5.1): some endpoints answer form pairs
    // unless asked for JSON, others only form pairs (spec format 1.1, `response.format`).
    headers.insert(
        http::header::ACCEPT,
        http::HeaderValue::from_static(provider.response_format.accept()),
    );
    // Spec format 1.2, `request.headers`: sent with every request, before the credentials.
    crate::template::append_headers(provider, inputs, provider.headers, false, &mut headers)?;
    // Spec format 1.2: a grant's own headers, after the provider's; one of the same name
    // replaces the provider's rather than being sent twice.
    for header in grant.overrides.headers {
        headers.remove(header.name);
    }
    crate::template::append_headers(
        provider,
        inputs,
        grant.overrides.headers,
        false,
        &mut headers,
    )?;
    // The grant's own placement (spec format 1.2) wins over the caller's pick: it is what the
    // provider takes at that endpoint.
    let placement = provider.placement_for(grant, placement);
    if params_in == ParamLocation::Query
        && let Some(input) = placement.and_then(|p| secret_for_the_url(provider, p))
    {
        // Validation refuses such a spec; one written by hand gets a typed error, not a
        // secret in a URL that the spec never said the provider takes there.
        return Err(Error::input(
            input,
            format!(
                "grant `{}` sends its parameters in the query string, where these {} credentials would put a secret; the spec must pin the grant's credentials (basic, header or query)",
                grant.name(),
                placement.map_or("", |p| p.kind())
            ),
        ));
    }
    // Set by a TLS client certificate placement: the request must go out on a transport that
    // presents it (RFC 8705 section 2).
    let mut client_certificate = None;
    if let Some(placement) = placement {
        match placement {
            Placement::Header {
                name,
                input,
                prefix,
            } => {
                let value = required_value(provider, inputs, input)?;
                let header = http::HeaderValue::from_str(&format!("{prefix}{value}"))
                    .map_err(|_| Error::input(input, "cannot be sent in an HTTP header"))?;
                let name = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                    Error::input(
                        input,
                        format!("the spec's header name {name:?} is not valid"),
                    )
                })?;
                headers.append(name, sensitive(header));
            }
            Placement::Basic {
                user,
                password,
                encoding,
            } => {
                // Spec format 1.2: a secret alone is sent with an empty user name (RFC 7617
                // section 2 allows one: `:secret`).
                let user_value = match user {
                    Some(user) => required_value(provider, inputs, user)?,
                    None => "",
                };
                let password_value = required_value(provider, inputs, password)?;
                let header = basic_header(user_value, password_value, *encoding)
                    .map_err(|reason| Error::input(user.unwrap_or(password), reason))?;
                headers.append(http::header::AUTHORIZATION, sensitive(header));
            }
            Placement::Body(fields) => {
                for (wire, input) in *fields {
                    let value = required_value(provider, inputs, input)?;
                    params.push(ParamLocation::Body, wire, value);
                }
            }
            Placement::Query(fields) => {
                for (wire, input) in *fields {
                    let value = required_value(provider, inputs, input)?;
                    params.push(ParamLocation::Query, wire, value);
                }
            }
            Placement::PrivateKeyJwt(client) | Placement::ClientSecretJwt(client) => {
                // RFC 7521 section 4.2: `client_id` is optional beside an assertion.
                if client.send_client_id {
                    let id = required_value(provider, inputs, client.client_id)?;
                    params.push(ParamLocation::Body, "client_id", id);
                }
                // A new assertion for every request (RFC 7523 section 3: fresh `iat`, `exp`
                // and `jti`), its audience the token URL requested (section 3, item 3).
                let assertion =
                    crate::assertion::sign(provider, &client.assertion, inputs, url.as_str())?;
                // RFC 7523 section 2.2 with RFC 7521 section 4.2.
                params.push(
                    ParamLocation::Body,
                    "client_assertion_type",
                    crate::spec::CLIENT_ASSERTION_TYPE_JWT,
                );
                params.push(ParamLocation::Body, "client_assertion", assertion.expose());
                signed.add_secret(assertion.expose());
            }
            Placement::TlsClientAuth(tls) | Placement::SelfSignedTlsClientAuth(tls) => {
                // RFC 8705 section 2: the certificate authenticates the client in the TLS
                // handshake (the client's transport presents it, see `Client::transport`); the
                // request names the client in the body (RFC 6749 section 2.3.1). Certificate
                // and key must be set: a request without them would only be refused by the
                // server as `invalid_client`.
                required_value(provider, inputs, tls.certificate)?;
                required_value(provider, inputs, tls.key)?;
                let id = required_value(provider, inputs, tls.client_id)?;
                params.push(ParamLocation::Body, "client_id", id);
                client_certificate = Some(crate::transport::ClientCertificate(*tls));
            }
            // Spec format 1.2: several credential headers at once, all sensitive.
            Placement::Headers(list) => {
                crate::template::append_headers(provider, inputs, list, true, &mut headers)?;
            }
        }
    }

    // A provider that takes credentials in the query string takes its other parameters there
    // too (Brainysoft's example sends grant_type, client_id and client_secret all in the URL);
    // splitting them between URL and body is what no document shows. The same for a grant
    // whose parameters go in the query (spec format 1.2, `params_in: query`, or a GET, which
    // has no body: RFC 9110 section 9.3.1); validation keeps secrets out of that URL unless the
    // spec says the provider takes nothing else.
    if matches!(placement, Some(Placement::Query(_))) || params_in == ParamLocation::Query {
        let mut all = std::mem::take(&mut params.body);
        all.append(&mut params.query);
        params.query = all;
    }
    if !params.query.is_empty() {
        url.query_pairs_mut()
            .extend_pairs(params.query.iter().map(|(k, v)| (*k, v.as_str())));
    }
    // A JSON value is valid in a JSON body alone; validation keeps it there, and a spec written
    // by hand is told rather than sent as text.
    if let Some((name, _)) = params.json.first()
        && (body_format != BodyFormat::Json
            || matches!(placement, Some(Placement::Query(_)))
            || params_in == ParamLocation::Query)
    {
        return Err(Error::input(
            name,
            "a JSON value (number, boolean, object, array) is sent in a JSON body only",
        ));
    }
    let body = match (
        body_format,
        params.body.is_empty() && params.json.is_empty(),
    ) {
        (_, true) => Vec::new(),
        (BodyFormat::Form | BodyFormat::None, false) => {
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
            // Sized once: growing from empty took more reallocations than pairs.
            let size: usize = params.body.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
            form_urlencoded::Serializer::new(String::with_capacity(size + size / 4))
                .extend_pairs(params.body.iter().map(|(k, v)| (*k, v.as_str())))
                .finish()
                .into_bytes()
        }
        (BodyFormat::Json, false) => {
            headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/json"),
            );
            let mut object: serde_json::Map<String, serde_json::Value> = params
                .body
                .into_iter()
                .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
                .collect();
            for (name, json) in params.json {
                let value = serde_json::from_str(json).map_err(|e| {
                    Error::input(name, format!("the spec's JSON value does not parse: {e}"))
                })?;
                object.insert(name.to_owned(), value);
            }
            serde_json::to_vec(&object)
                .map_err(|e| Error::input("body", format!("cannot encode JSON: {e}")))?
        }
    };
    let uri = http::Uri::try_from(url.as_str())
        .map_err(|e| Error::input("url", format!("not a valid request URI: {e}")))?;
    let mut request = http::Request::new(body);
    *request.method_mut() = match method {
        HttpMethod::Post => http::Method::POST,
        HttpMethod::Get => http::Method::GET,
    };
    *request.uri_mut() = uri;
    *request.headers_mut() = headers;
    request.extensions_mut().insert(ParsedUrl(Arc::new(url)));
    if let Some(certificate) = client_certificate {
        request.extensions_mut().insert(certificate);
    }
    if !signed.is_empty() {
        request.extensions_mut().insert(signed);
    }
    Ok(request)
}

/// The secret input (or `client_assertion`) a placement meant for the body would put in the
/// URL of a query-shaped request, if any: `query` credentials say the provider takes them
/// there, body credentials do not.
fn secret_for_the_url<'a>(provider: &ProviderSpec, placement: &'a Placement) -> Option<&'a str> {
    match placement {
        Placement::Body(fields) => fields.iter().map(|(_, input)| *input).find(|input| {
            provider
                .input(input)
                .is_some_and(|i| provider.is_secret_input(i))
        }),
        // A signed assertion is a bearer credential (RFC 7521 section 5.2).
        Placement::PrivateKeyJwt(_) | Placement::ClientSecretJwt(_) => Some("client_assertion"),
        _ => None,
    }
}

fn required_value<'a, B>(
    provider: &ProviderSpec,
    inputs: &'a Inputs,
    name: &str,
) -> Result<&'a str, Error<B>> {
    let Some(spec) = provider.input(name) else {
        return Err(Error::input(name, "not declared by the spec"));
    };
    inputs
        .get(spec)
        .ok_or_else(|| Error::input(name, format!("required but not set ({})", spec.description)))
}

/// `Basic base64(user:password)`, each part form-encoded first unless `encoding` is raw.
///
/// RFC 6749 section 2.3.1: "The client identifier is encoded using the
/// `application/x-www-form-urlencoded` encoding algorithm [...] and the encoded value is used
/// as the username; the client password is encoded using the same algorithm and used as the
/// password." `form_urlencoded::byte_serialize` is that algorithm (space becomes `+`, every
/// byte outside `*-._` and alphanumerics is percent-encoded), as Go's x/oauth2 and oauth2-rs
/// apply it. The error names no value: the password is a secret.
fn basic_header(
    user: &str,
    password: &str,
    encoding: BasicEncoding,
) -> Result<http::HeaderValue, &'static str> {
    let joined = match encoding {
        BasicEncoding::Form => {
            let mut joined = String::with_capacity(user.len() + password.len() + 8);
            joined.extend(form_urlencoded::byte_serialize(user.as_bytes()));
            joined.push(':');
            joined.extend(form_urlencoded::byte_serialize(password.as_bytes()));
            joined
        }
        BasicEncoding::Raw => {
            // RFC 7617 section 2: the user-id cannot contain a colon; the server would split
            // the credentials at it.
            if user.contains(':') {
                return Err(
                    "may not contain `:` (HTTP Basic user name sent raw, RFC 7617 section 2)",
                );
            }
            format!("{user}:{password}")
        }
    };
    let encoded = base64::engine::general_purpose::STANDARD.encode(joined);
    http::HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| "cannot be sent in an HTTP header")
}

fn sensitive(mut value: http::HeaderValue) -> http::HeaderValue {
    value.set_sensitive(true);
    value
}

/// The URL to send the user to for the authorization-code grant: `response_type=code`, the
/// grant's authorize parameters, and, when the spec supports PKCE and `code_verifier` is set,
/// `code_challenge` (S256) with `code_challenge_method` (RFC 6749 section 4.1.1, RFC 7636
/// section 4.3), written as the grant's `authorize` block says (spec format 1.2): scopes
/// joined with its separator, empty values left out, names renamed, characters kept
/// unencoded, in that order.
pub fn authorize_url<B>(
    provider: &ProviderSpec,
    environment: &tokenspec_spec::EnvironmentSpec<'_>,
    inputs: &Inputs,
    base_url: Option<&BaseUrl>,
) -> Result<Url, Error<B>> {
    let Some(grant) = provider.grant(GrantKind::AuthorizationCode) else {
        return Err(Error::input(
            "grant",
            format!("{} has no authorization_code grant", provider.name),
        ));
    };
    let Some(template) = environment.authorize_url else {
        return Err(Error::input(
            "environment",
            format!("{} has no authorize URL", environment.name),
        ));
    };
    let mut url = environment_url(provider, template, inputs, base_url)?;
    // By the spec's names: `authorize.rename` applies when the query is written.
    let mut pairs: Vec<(&str, String)> = vec![("response_type", "code".to_owned())];
    for param in grant.authorize_params {
        match crate::template::resolve(provider, inputs, param.source)? {
            None => {}
            Some(Value::Text(value)) => pairs.push((param.name, value.into_owned())),
            Some(Value::Json(_)) => {
                return Err(Error::input(
                    param.name,
                    "a JSON value cannot be an authorize URL parameter",
                ));
            }
        }
    }
    let verifier = check_verifier(provider, inputs)?;
    match (grant.pkce, verifier) {
        (Pkce::None, _) => {}
        (Pkce::Required, None) => {
            return Err(Error::input(
                "code_verifier",
                "PKCE is required by this provider",
            ));
        }
        (_, Some(verifier)) => {
            pairs.push(("code_challenge", pkce_challenge(verifier)));
            pairs.push(("code_challenge_method", "S256".to_owned()));
        }
        (Pkce::Optional, None) => {}
    }
    let options = &grant.authorize;
    if let Some(separator) = options.scope_separator {
        for (name, value) in &mut pairs {
            if *name == "scope" {
                *value = join_scopes(value, provider.scopes.delimiter, separator);
            }
        }
    }
    if options.omit_empty {
        pairs.retain(|(_, value)| !value.is_empty());
    }
    append_query(&mut url, &pairs, options);
    Ok(url)
}

/// The scopes of `value`, split on the spec's `delimiter`, joined with the authorize URL's
/// `separator` (spec format 1.2); the empty pieces of a doubled delimiter are dropped.
fn join_scopes(value: &str, delimiter: &str, separator: &str) -> String {
    // `split("")` cuts between every character: a hand-written spec's empty delimiter (validate
    // refuses one) leaves the value as the caller wrote it.
    if delimiter.is_empty() {
        return value.to_owned();
    }
    let scopes: Vec<&str> = value.split(delimiter).filter(|s| !s.is_empty()).collect();
    scopes.join(separator)
}

/// Appends `pairs` (by the spec's names) to the query of `url`: each name as the provider reads
/// it (`authorize.rename`), each pair `application/x-www-form-urlencoded` as
/// `Url::query_pairs_mut` writes it (the WHATWG URL standard's serializer, which RFC 6749
/// section 4.1.1 asks for), except the characters `authorize.keep_unencoded` lists for the
/// parameter. Those are only ever ones RFC 3986 section 3.4 allows in a query and that mean
/// nothing to a form decoder ([`AuthorizeSpec::KEEPABLE`]): whatever a spec says, `&`, `=`,
/// `#`, `+` and `%` of a value stay encoded, so no value can add a parameter, end the query or
/// change another value. A query the URL already has is kept, as RFC 6749 section 3.1 asks.
fn append_query(url: &mut Url, pairs: &[(&str, String)], options: &AuthorizeSpec) {
    let mut query = url.query().unwrap_or_default().to_owned();
    for (name, value) in pairs {
        if !query.is_empty() {
            query.push('&');
        }
        query.extend(form_urlencoded::byte_serialize(
            options.wire_name(name).as_bytes(),
        ));
        query.push('=');
        let keep = options.unencoded(name);
        for piece in form_urlencoded::byte_serialize(value.as_bytes()) {
            match kept(piece, keep) {
                Some(c) => query.push(c),
                None => query.push_str(piece),
            }
        }
    }
    // Only `%XX`, `+`, `*-._`, alphanumerics and KEEPABLE characters: nothing the URL parser
    // encodes again in a query, so the bytes are those written here.
    url.set_query(Some(&query));
}

/// The character a `%XX` piece of the form serializer stands for, when `keep` lists it and it
/// may be kept.
fn kept(piece: &str, keep: &str) -> Option<char> {
    let hex = piece.strip_prefix('%').filter(|hex| hex.len() == 2)?;
    let c = char::from(u8::from_str_radix(hex, 16).ok()?);
    (c.is_ascii() && keep.contains(c) && AuthorizeSpec::KEEPABLE.contains(c)).then_some(c)
}

/// The caller's `code_verifier`, if set, after the RFC 7636 section 4.1 check: a bad one is
/// refused before the user is sent to authorize, not by the token endpoint afterwards.
fn check_verifier<'a, B>(
    provider: &ProviderSpec,
    inputs: &'a Inputs,
) -> Result<Option<&'a str>, Error<B>> {
    let Some(verifier) = provider
        .input("code_verifier")
        .and_then(|spec| inputs.get(spec))
    else {
        return Ok(None);
    };
    match crate::pkce::verifier_problem(verifier) {
        Some(problem) => Err(Error::input("code_verifier", problem)),
        None => Ok(Some(verifier)),
    }
}

/// RFC 7636 S256 challenge: BASE64URL(SHA256(verifier)), unpadded.
pub fn pkce_challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_matches_rfc7636_appendix_b() {
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    fn decoded_basic(header: &http::HeaderValue) -> String {
        let text = header.to_str().expect("ASCII header");
        let encoded = text.strip_prefix("Basic ").expect("Basic scheme");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64");
        String::from_utf8(bytes).expect("UTF-8")
    }

    #[test]
    fn basic_credentials_are_form_encoded_before_base64() {
        let header =
            basic_header("my:client id", "p%41ss+w:rd/x", BasicEncoding::Form).expect("encodable");
        assert_eq!(
            decoded_basic(&header),
            "my%3Aclient+id:p%2541ss%2Bw%3Ard%2Fx"
        );
        // Unreserved characters of the form serializer stay as they are.
        let header = basic_header("a-b_c.d*e", "XyZ09", BasicEncoding::Form).expect("encodable");
        assert_eq!(decoded_basic(&header), "a-b_c.d*e:XyZ09");
        // Non-ASCII is UTF-8 percent-encoded.
        let header = basic_header("é", "ü", BasicEncoding::Form).expect("encodable");
        assert_eq!(decoded_basic(&header), "%C3%A9:%C3%BC");
    }

    #[test]
    fn raw_basic_credentials_are_sent_as_they_are_and_refuse_a_colon_in_the_user() {
        let header =
            basic_header("client", "p%41ss+w:rd/x", BasicEncoding::Raw).expect("encodable");
        assert_eq!(decoded_basic(&header), "client:p%41ss+w:rd/x");
        let refused = basic_header("my:client", "secret", BasicEncoding::Raw);
        assert!(refused.is_err_and(|reason| reason.contains("`:`")));
    }

    #[test]
    fn base_url_refuses_plain_http_off_loopback() {
        assert!(BaseUrl::parse::<()>("http://127.0.0.1:8080").is_ok());
        assert!(BaseUrl::parse::<()>("http://localhost:1").is_ok());
        assert!(BaseUrl::parse::<()>("http://[::1]:1").is_ok());
        assert!(BaseUrl::parse::<()>("https://proxy.example").is_ok());
        assert!(BaseUrl::parse::<()>("http://example.com").is_err());
        assert!(BaseUrl::parse::<()>("ftp://127.0.0.1").is_err());
    }
}
