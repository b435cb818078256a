//! The one description of a provider's token endpoint.
//!
//! The generator (`tokenspec`) checks a YAML spec and lowers it into these types; the runtime
//! (`tokenspec-runtime`) is driven by them. Both sides use the same definitions, so a spec
//! concept is described once and the generator's view of a provider cannot drift from what
//! the runtime will see.
//!
//! This crate has no dependencies and no behaviour beyond small, pure lookups.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Where an input appears in the token URL, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputLocation {
    /// Inside the host name: must be a DNS label.
    Host,
    /// The whole host of the URL (`https://{host}/...`, input key `host: name`, spec format
    /// 1.1): must be a DNS host name (RFC 1123 section 2.1), never user info or a path.
    Hostname {
        /// An IP address literal is accepted (`allow_ip: true`).
        allow_ip: bool,
        /// A `:port` suffix is accepted (`allow_port: true`).
        allow_port: bool,
    },
    /// A path segment: percent-encoded, may not add segments.
    Path,
    /// A header, credential or parameter.
    Param,
}

/// How HTTP Basic credentials are encoded before `user:password` is base64ed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BasicEncoding {
    /// RFC 6749 section 2.3.1: client ID and secret are each
    /// `application/x-www-form-urlencoded` first, so a `:` in the client ID becomes `%3A` and
    /// a server that decodes them (as RFC 6749 servers do) gets the exact bytes. The default.
    #[default]
    Form,
    /// RFC 7617 as `curl -u` sends it: the values as they are. A `:` in the user name cannot
    /// be sent (RFC 7617 section 2) and is refused.
    Raw,
}

/// Encoding of the request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFormat {
    /// No body at all.
    None,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json`.
    Json,
}

/// Encoding of the token endpoint's answers, success and error bodies alike (spec format 1.1,
/// `response.format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ResponseFormat {
    /// A JSON object (RFC 6749 section 5.1, `application/json`). The default.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` pairs (`access_token=...&expires_in=3600`), as some
    /// APIs answer unless asked otherwise (GitHub's OAuth token endpoint without an `Accept`
    /// header).
    Form,
    /// Either, chosen by the answer's `Content-Type`: `application/x-www-form-urlencoded` is
    /// read as form pairs, anything else as JSON.
    JsonOrForm,
}

impl ResponseFormat {
    /// Every format, in the order specs list them.
    pub const ALL: [ResponseFormat; 3] = [
        ResponseFormat::Json,
        ResponseFormat::Form,
        ResponseFormat::JsonOrForm,
    ];

    /// The format as a spec spells it (`json`, `form`, `json_or_form`).
    pub const fn name(self) -> &'static str {
        match self {
            ResponseFormat::Json => "json",
            ResponseFormat::Form => "form",
            ResponseFormat::JsonOrForm => "json_or_form",
        }
    }

    /// The `Accept` header a request sends (RFC 9110 section 12.5.1): the format the spec
    /// expects, JSON first when it takes both.
    pub const fn accept(self) -> &'static str {
        match self {
            ResponseFormat::Json => "application/json",
            ResponseFormat::Form => "application/x-www-form-urlencoded",
            ResponseFormat::JsonOrForm => {
                "application/json, application/x-www-form-urlencoded;q=0.9"
            }
        }
    }
}

/// OAuth 2.0 grant, or none for a plain key exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GrantKind {
    /// A key exchange with no `grant_type`.
    None,
    /// RFC 6749 section 4.4.
    ClientCredentials,
    /// RFC 6749 section 4.1.
    AuthorizationCode,
    /// RFC 6749 section 6.
    RefreshToken,
    /// The JWT-bearer authorization grant (RFC 7523 section 2.1, spec format 1.1): a JWT the
    /// runtime signs for every request, sent as `assertion` with `grant_type`
    /// `urn:ietf:params:oauth:grant-type:jwt-bearer`; its [`GrantSpec::assertion`] says how.
    JwtBearer,
    /// An extension grant (RFC 6749 section 4.5, spec format 1.1): a vendor `grant_type`
    /// (`account_credentials`) or an absolute URI. Its [`GrantSpec::extension`] holds the
    /// spec's name for it and the `grant_type` it sends; a provider may have several.
    Extension,
}

impl GrantKind {
    /// The built-in kinds, which a spec names by their own name (`grants: {client_credentials:
    /// ...}`) and which send a fixed `grant_type`.
    pub const BUILT_IN: [GrantKind; 5] = [
        GrantKind::None,
        GrantKind::ClientCredentials,
        GrantKind::AuthorizationCode,
        GrantKind::RefreshToken,
        GrantKind::JwtBearer,
    ];

    /// Every grant kind, in the order specs and generated code list them: the built-in kinds,
    /// then [`GrantKind::Extension`].
    pub const ALL: [GrantKind; 6] = [
        GrantKind::None,
        GrantKind::ClientCredentials,
        GrantKind::AuthorizationCode,
        GrantKind::RefreshToken,
        GrantKind::JwtBearer,
        GrantKind::Extension,
    ];

    /// Name as written in specs and on the command line; for a built-in kind also the
    /// `grant_type` value sent (RFC 6749 sections 4.1.3, 4.4.2 and 6). An extension grant goes
    /// by its own name ([`GrantSpec::name`]); `extension` names the kind only (`tokenspec new
    /// --grant extension`, diagnostics).
    pub const fn name(self) -> &'static str {
        match self {
            GrantKind::None => "none",
            GrantKind::ClientCredentials => "client_credentials",
            GrantKind::AuthorizationCode => "authorization_code",
            GrantKind::RefreshToken => "refresh_token",
            GrantKind::JwtBearer => "jwt_bearer",
            GrantKind::Extension => "extension",
        }
    }

    /// The built-in kind called `name`, the inverse of [`GrantKind::name`] for
    /// [`GrantKind::BUILT_IN`]. `extension` is no grant's name: an extension grant has its own.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::BUILT_IN.into_iter().find(|g| g.name() == name)
    }

    /// The `grant_type` value a built-in kind sends, if any: a plain key exchange sends none,
    /// and an extension grant sends the one its spec names ([`GrantSpec::grant_type`]).
    pub const fn grant_type(self) -> Option<&'static str> {
        match self {
            GrantKind::None | GrantKind::Extension => None,
            GrantKind::JwtBearer => Some(JWT_BEARER_GRANT_TYPE),
            other => Some(other.name()),
        }
    }
}

/// The `grant_type` of the JWT-bearer authorization grant (RFC 7523 section 2.1).
pub const JWT_BEARER_GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How a call names the grant it runs: a kind (the provider's first grant of that kind), or
/// a grant by its name (`account_credentials`, or a built-in's: `client_credentials`), which
/// is how an extension grant is called. A [`GrantKind`] and a `&str` convert into it, so
/// `client.fetch(GrantKind::ClientCredentials, &[])` and `client.fetch("account_credentials",
/// &[])` both read as they should.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantRef<'a> {
    /// The first grant of this kind.
    Kind(GrantKind),
    /// The grant of this name ([`GrantSpec::name`]).
    Named(&'a str),
}

impl From<GrantKind> for GrantRef<'_> {
    fn from(kind: GrantKind) -> Self {
        GrantRef::Kind(kind)
    }
}

impl<'a> From<&'a str> for GrantRef<'a> {
    fn from(name: &'a str) -> Self {
        GrantRef::Named(name)
    }
}

impl std::fmt::Display for GrantRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrantRef::Kind(kind) => f.write_str(kind.name()),
            GrantRef::Named(name) => f.write_str(name),
        }
    }
}

/// Whether the authorization-code grant uses PKCE (RFC 7636).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pkce {
    /// Not supported.
    None,
    /// Used when the caller supplies a `code_verifier`.
    Optional,
    /// A `code_verifier` must be supplied.
    Required,
}

/// The HTTP method of a token request (spec format 1.2, `request.method` and a grant's
/// `method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HttpMethod {
    /// `POST` (RFC 9110 section 9.3.3; RFC 6749 section 3.2 asks for it). The default.
    #[default]
    Post,
    /// `GET` (RFC 9110 section 9.3.1): every parameter goes in the query string and no body is
    /// sent, since content in a GET request has no defined meaning.
    Get,
}

impl HttpMethod {
    /// The method as a spec spells it (`post`, `get`).
    pub const fn name(self) -> &'static str {
        match self {
            HttpMethod::Post => "post",
            HttpMethod::Get => "get",
        }
    }
}

/// Body or query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// The request body.
    Body,
    /// The query string.
    Query,
}

/// Type of a response field or claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Text.
    String,
    /// Text that is never printed (tokens).
    Secret,
    /// `token_type`, compared case-insensitively.
    TokenType,
    /// A duration in whole seconds, as a number or a numeric string (`expires_in`, RFC 6749
    /// section 5.1).
    Seconds,
    /// Seconds since the Unix epoch, the spec format 1 name of [`FieldType::EpochSeconds`]. A
    /// value that can only be milliseconds (past year 9999 as seconds) or a date-time string
    /// is refused, naming the type to declare instead.
    Timestamp,
    /// A duration in whole milliseconds, as a number or a numeric string (spec format 1.1).
    Milliseconds,
    /// An instant as seconds since the Unix epoch, a number or a numeric string (spec format
    /// 1.1; RFC 7519 section 2 `NumericDate`).
    EpochSeconds,
    /// An instant as milliseconds since the Unix epoch, a number or a numeric string (spec
    /// format 1.1).
    EpochMilliseconds,
    /// An instant as an RFC 3339 date-time string with an offset (`2026-11-29T15:00:00Z`;
    /// spec format 1.1).
    Datetime,
    /// A scope list: a delimited string or an array of strings.
    Scopes,
    /// An array of strings.
    Strings,
    /// An identifier sent as a string or a number, kept as text.
    Id,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Json,
}

impl FieldType {
    /// The type as a spec spells it (`token_type`, `seconds`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Secret => "secret",
            FieldType::TokenType => "token_type",
            FieldType::Seconds => "seconds",
            FieldType::Timestamp => "timestamp",
            FieldType::Milliseconds => "milliseconds",
            FieldType::EpochSeconds => "epoch_seconds",
            FieldType::EpochMilliseconds => "epoch_milliseconds",
            FieldType::Datetime => "datetime",
            FieldType::Scopes => "scopes",
            FieldType::Strings => "strings",
            FieldType::Id => "id",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Json => "json",
        }
    }

    /// A duration counted from when the response arrived: `seconds`, `milliseconds`.
    pub const fn is_duration(self) -> bool {
        matches!(self, FieldType::Seconds | FieldType::Milliseconds)
    }

    /// An instant: `timestamp`, `epoch_seconds`, `epoch_milliseconds`, `datetime`.
    pub const fn is_instant(self) -> bool {
        matches!(
            self,
            FieldType::Timestamp
                | FieldType::EpochSeconds
                | FieldType::EpochMilliseconds
                | FieldType::Datetime
        )
    }

    /// A duration or an instant: a type that can set a token's lifetime.
    pub const fn is_time(self) -> bool {
        self.is_duration() || self.is_instant()
    }
}

/// What sets an access token's lifetime (spec format 1.1, `response.expiry`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Expiry<'a> {
    /// Spec format 1: the response's `expires_in` field (RFC 6749 section 5.1) when the
    /// response carries it, else [`ProviderSpec::access_lifetime`], else unknown.
    #[default]
    Default,
    /// The response field of this (Rust) name, a duration or an instant; when a response
    /// lacks it, [`ProviderSpec::access_lifetime`], else unknown.
    Field(&'a str),
    /// The token lives until it is revoked (`expiry: never`).
    Never,
}

/// Everything the runtime needs to know about one provider's token endpoint.
///
/// The runtime holds a `ProviderSpec<'static>` per generated module; the generator builds
/// `ProviderSpec<'arena>` values while it lowers checked specs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderSpec<'a> {
    /// Registry key, module and feature name (`brainysoft`).
    pub name: &'a str,
    /// Human-readable provider name.
    pub title: &'a str,
    /// What the endpoint is for, from the spec.
    pub description: &'a str,
    /// Link to the provider's own documentation of the endpoint.
    pub docs: &'a str,
    /// Name of the environment used when the caller picks none.
    pub default_environment: &'a str,
    /// Named environments, in spec order.
    pub environments: &'a [EnvironmentSpec<'a>],
    /// Every value a caller can or must supply.
    pub inputs: &'a [InputSpec<'a>],
    /// How the caller proves who it is.
    pub credentials: CredentialsSpec<'a>,
    /// Encoding of the request body.
    pub body: BodyFormat,
    /// The token request's method (spec format 1.2, `request.method`); a grant may override it.
    pub method: HttpMethod,
    /// Where `grant_type` and the grant parameters without an `in` of their own go (spec
    /// format 1.2, `request.params_in`): the body, or the query string; a grant may override it.
    pub params_in: ParamLocation,
    /// Supported grants; the first is the default.
    pub grants: &'a [GrantSpec<'a>],
    /// Scope conventions.
    pub scopes: ScopesSpec<'a>,
    /// Fields of a successful token response.
    pub response: &'a [FieldSpec<'a>],
    /// Encoding of the answers, success and error bodies alike (spec format 1.1).
    pub response_format: ResponseFormat,
    /// Shape of error bodies.
    pub errors: ErrorFormat<'a>,
    /// What sets the access token's lifetime.
    pub expiry: Expiry<'a>,
    /// Access-token lifetime in seconds, used when the response has no `expires_in`.
    pub access_lifetime: Option<u64>,
    /// Refresh-token lifetime in seconds, when the provider documents one.
    pub refresh_lifetime: Option<u64>,
    /// JWT claims of the access token worth a typed struct (empty when none).
    pub claims: &'a [FieldSpec<'a>],
    /// Headers every token request sends (spec format 1.2, `request.headers`), in spec order.
    pub headers: &'a [HeaderSpec<'a>],
}

/// Token-request parameters whose values OAuth makes confidential, whether or not a spec marks
/// the inputs behind them `secret`: `client_secret` (RFC 6749 §2.3.1), `code` (§10.5),
/// `password` (§4.3), `refresh_token` (§10.4), `code_verifier` (RFC 7636 §7.1),
/// `client_assertion` / `assertion` (RFC 7521 §5.2), and the tokens a token exchange sends, the
/// most common extension grant: `subject_token` / `actor_token` (RFC 8693 §2.1, §5).
pub const CONFIDENTIAL_PARAMS: &[&str] = &[
    "client_secret",
    "code",
    "password",
    "refresh_token",
    "code_verifier",
    "client_assertion",
    "assertion",
    "subject_token",
    "actor_token",
];

impl<'a> ProviderSpec<'a> {
    /// Every field empty (strings, lists, lifetimes), form body, RFC 6749 errors: the base of
    /// a struct literal that names only what a provider sets.
    pub const DEFAULT: Self = ProviderSpec {
        name: "",
        title: "",
        description: "",
        docs: "",
        default_environment: "",
        environments: &[],
        inputs: &[],
        credentials: CredentialsSpec::DEFAULT,
        body: BodyFormat::Form,
        method: HttpMethod::Post,
        params_in: ParamLocation::Body,
        grants: &[],
        scopes: ScopesSpec::DEFAULT,
        response: &[],
        response_format: ResponseFormat::Json,
        errors: ErrorFormat::OAuth2,
        expiry: Expiry::Default,
        access_lifetime: None,
        refresh_lifetime: None,
        claims: &[],
        headers: &[],
    };

    /// The environment called `name`.
    pub fn environment(&self, name: &str) -> Option<&'a EnvironmentSpec<'a>> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The input called `name`.
    pub fn input(&self, name: &str) -> Option<&'a InputSpec<'a>> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// Whether the value of `input` must be kept out of Debug, errors and logs: the spec marks
    /// it `secret`, or it feeds a grant parameter that OAuth makes confidential whatever a spec
    /// says (see [`CONFIDENTIAL_PARAMS`]): an authorization code (RFC 6749 §10.5) or a PKCE
    /// code verifier (RFC 7636 §7.1) leaked before its use lets another party redeem it.
    pub fn is_secret_input(&self, input: &InputSpec<'_>) -> bool {
        input.secret
            || CONFIDENTIAL_PARAMS.contains(&input.name)
            || self.signs_with(input.name)
            || self.presents_in_tls(input.name)
            || self.grants.iter().any(|grant| {
                grant.params.iter().any(|param| {
                    param.source.reads(input.name) && CONFIDENTIAL_PARAMS.contains(&param.name)
                })
            })
    }

    /// Whether `input` is the key a signed assertion is made with (RFC 7523): a PEM private
    /// key or an HMAC secret the runtime reads, never sends.
    pub fn signs_with(&self, input: &str) -> bool {
        self.credentials
            .accepted
            .iter()
            .filter_map(Placement::client_assertion)
            .map(|client| &client.assertion)
            .chain(self.grants.iter().filter_map(|g| g.assertion.as_ref()))
            .any(|assertion| assertion.key == input)
    }

    /// Whether `input` is the certificate or private key of a TLS client certificate
    /// placement (RFC 8705 section 2): PEM the runtime reads into the handshake, always secret.
    pub fn presents_in_tls(&self, input: &str) -> bool {
        self.credentials
            .accepted
            .iter()
            .filter_map(Placement::mutual_tls)
            .any(|m| m.certificate == input || m.key == input)
    }

    /// The first grant of this kind (the only one, for a built-in kind).
    pub fn grant(&self, kind: GrantKind) -> Option<&'a GrantSpec<'a>> {
        self.grants.iter().find(|g| g.kind == kind)
    }

    /// The grant called `name` ([`GrantSpec::name`]: `client_credentials`, `none`, an
    /// extension grant's own name, ...).
    pub fn grant_by_name(&self, name: &str) -> Option<&'a GrantSpec<'a>> {
        self.grants.iter().find(|g| g.name() == name)
    }

    /// The grant a call names: by kind or by name.
    pub fn find_grant(&self, grant: GrantRef<'_>) -> Option<&'a GrantSpec<'a>> {
        match grant {
            GrantRef::Kind(kind) => self.grant(kind),
            GrantRef::Named(name) => self.grant_by_name(name),
        }
    }

    /// The grant used when the caller names none: the first in the spec.
    pub fn default_grant(&self) -> Option<&'a GrantSpec<'a>> {
        self.grants.first()
    }

    /// The method of `grant`'s token request: its own (spec format 1.2), else the provider's.
    pub fn method_of(&self, grant: &GrantSpec<'_>) -> HttpMethod {
        grant.overrides.method.unwrap_or(self.method)
    }

    /// Where `grant_type` and `grant`'s parameters without an `in` go: the grant's own choice
    /// (spec format 1.2), else the provider's; always the query string for a GET, which has no
    /// body (RFC 9110 section 9.3.1).
    pub fn params_in_of(&self, grant: &GrantSpec<'_>) -> ParamLocation {
        match self.method_of(grant) {
            HttpMethod::Get => ParamLocation::Query,
            HttpMethod::Post => grant.overrides.params_in.unwrap_or(self.params_in),
        }
    }

    /// The body format of `grant`'s token request: its own (spec format 1.2), else the
    /// provider's.
    pub fn body_of(&self, grant: &GrantSpec<'_>) -> BodyFormat {
        grant.overrides.body.unwrap_or(self.body)
    }

    /// The credential placement `grant`'s request uses: the grant's own (spec format 1.2,
    /// `credentials:` on the grant; `None` when it sends none), else `chosen` (the caller's
    /// pick), else the preferred one. A grant's own choice is a fact about the provider (the
    /// refresh endpoint takes Basic only), so it wins over the caller's.
    pub fn placement_for(
        &self,
        grant: &GrantSpec<'_>,
        chosen: Option<&'a Placement<'a>>,
    ) -> Option<&'a Placement<'a>> {
        match grant.overrides.credentials {
            Some(CredentialChoice::None) => None,
            Some(CredentialChoice::Placement(i)) => self.credentials.accepted.get(i),
            None => chosen.or(self.credentials.preferred()),
        }
    }

    /// Where an input is sent, as `describe` reports it: `host`, `path`, `header:<Name>` (a
    /// credential header or one of `request.headers`),
    /// `basic_user`, `basic_password`, `body` or `query` (the preferred placement when several
    /// are accepted), or `client_assertion` / `assertion` for an input read into a signed JWT
    /// (RFC 7523), never sent itself.
    pub fn placement_of(&self, input: &str) -> Option<String> {
        let spec = self.input(input)?;
        match spec.location {
            InputLocation::Host | InputLocation::Hostname { .. } => return Some("host".into()),
            InputLocation::Path => return Some("path".into()),
            InputLocation::Param => {}
        }
        let preferred = self.credentials.preferred();
        if let Some(p) = preferred.and_then(|p| p.placement_of(input)) {
            return Some(p);
        }
        if let Some(header) = self.headers.iter().find(|h| h.source.reads(input)) {
            return Some(format!("header:{}", header.name));
        }
        for grant in self.grants {
            for param in grant.params.iter().chain(grant.authorize_params) {
                if param.source.reads(input) {
                    return Some(match param.location {
                        ParamLocation::Body => "body".into(),
                        ParamLocation::Query => "query".into(),
                    });
                }
            }
            // Read into the JWT-bearer grant's signed assertion (RFC 7523 section 2.1).
            if grant.assertion.is_some_and(|a| a.inputs().contains(&input)) {
                return Some("assertion".into());
            }
        }
        self.credentials
            .accepted
            .iter()
            .find_map(|p| p.placement_of(input))
    }
}

impl Default for ProviderSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A named deployment of the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvironmentSpec<'a> {
    /// Environment name (`production`).
    pub name: &'a str,
    /// Token URL template; `{input}` marks a host or path variable. Empty when the token URL
    /// is discovered (see `discovery`).
    pub token_url: &'a str,
    /// Authorize URL template, for the authorization-code grant.
    pub authorize_url: Option<&'a str>,
    /// Where the endpoints are discovered (spec format 1.2): the runtime reads the issuer's
    /// metadata for the token URL when `token_url` is empty, and for the authorize URL when
    /// `authorize_url` is `None`. A URL the spec gives wins over a discovered one.
    pub discovery: Option<Discovery<'a>>,
}

impl EnvironmentSpec<'_> {
    /// Empty name and token URL, no authorize URL, no discovery.
    pub const DEFAULT: Self = EnvironmentSpec {
        name: "",
        token_url: "",
        authorize_url: None,
        discovery: None,
    };
}

/// An authorization server whose endpoints are read from its metadata (spec format 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Discovery<'a> {
    /// The issuer identifier (RFC 8414 section 2: https, no query or fragment), a URL
    /// template like the token URL: `{input}` marks a host or path variable.
    pub issuer: &'a str,
    /// Which well-known document describes the issuer.
    pub kind: DiscoveryKind,
}

/// The metadata document an issuer publishes (spec format 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscoveryKind {
    /// OpenID Connect Discovery 1.0 section 4: `{issuer}/.well-known/openid-configuration`.
    OpenId,
    /// RFC 8414 section 3: `/.well-known/oauth-authorization-server` inserted between the
    /// issuer's host and its path.
    OAuth,
}

impl DiscoveryKind {
    /// The spec's name of the kind: `openid` or `oauth`.
    pub const fn name(self) -> &'static str {
        match self {
            DiscoveryKind::OpenId => "openid",
            DiscoveryKind::OAuth => "oauth",
        }
    }

    /// The well-known path suffix (RFC 8615) of the document.
    pub const fn well_known(self) -> &'static str {
        match self {
            DiscoveryKind::OpenId => "openid-configuration",
            DiscoveryKind::OAuth => "oauth-authorization-server",
        }
    }
}

impl Default for EnvironmentSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A value supplied by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputSpec<'a> {
    /// snake_case name, as in the provider's document.
    pub name: &'a str,
    /// What the value is.
    pub description: &'a str,
    /// Never printed: the runtime wraps it in its `Secret`.
    pub secret: bool,
    /// Must be set whenever a request uses it.
    pub required: bool,
    /// Supplied per call (a code, a refresh token) rather than once per client.
    pub per_request: bool,
    /// A regular expression the whole value must match.
    pub pattern: Option<&'a str>,
    /// Used when the caller gives no value.
    pub default: Option<&'a str>,
    /// Where the value goes in the URL, if it does.
    pub location: InputLocation,
}

impl InputSpec<'_> {
    /// An optional, public, per-client parameter input without pattern or default.
    pub const DEFAULT: Self = InputSpec {
        name: "",
        description: "",
        secret: false,
        required: false,
        per_request: false,
        pattern: None,
        default: None,
        location: InputLocation::Param,
    };

    /// [`InputSpec::DEFAULT`], but required.
    pub const REQUIRED: Self = InputSpec {
        required: true,
        ..Self::DEFAULT
    };
}

impl Default for InputSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Accepted credential placements and the preferred one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialsSpec<'a> {
    /// Index into `accepted` of the placement used by default.
    pub preferred: usize,
    /// Every placement the provider accepts.
    pub accepted: &'a [Placement<'a>],
}

impl<'a> CredentialsSpec<'a> {
    /// No credentials at all.
    pub const DEFAULT: Self = CredentialsSpec {
        preferred: 0,
        accepted: &[],
    };

    /// The placement used by default, if the provider takes credentials at all.
    pub fn preferred(&self) -> Option<&'a Placement<'a>> {
        self.accepted.get(self.preferred)
    }
}

impl Default for CredentialsSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// One way of sending credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'a> {
    /// A header with a custom name whose value is `prefix` + the input.
    Header {
        /// Header name as sent (`X-API-Key`).
        name: &'a str,
        /// Input carried by the header.
        input: &'a str,
        /// Text put before the value (often empty).
        prefix: &'a str,
    },
    /// HTTP Basic authentication.
    Basic {
        /// Input used as the user name; `None` for a secret alone (spec format 1.2, `basic:
        /// {password: api_key}`): the user name is empty, as RFC 7617 section 2 allows.
        user: Option<&'a str>,
        /// Input used as the password.
        password: &'a str,
        /// How user and password are encoded before they are joined with `:` and base64ed.
        encoding: BasicEncoding,
    },
    /// Fields of the request body (form or JSON, per [`BodyFormat`]): `(wire name, input)`.
    Body(&'a [(&'a str, &'a str)]),
    /// Query-string parameters: `(wire name, input)`.
    Query(&'a [(&'a str, &'a str)]),
    /// `private_key_jwt` (OpenID Connect Core section 9, spec format 1.1): a JWT signed with
    /// the client's private key (RS*, PS*, ES*, EdDSA), sent as `client_assertion` with
    /// `client_assertion_type` (RFC 7523 section 2.2, RFC 7521 section 4.2).
    PrivateKeyJwt(ClientAssertion<'a>),
    /// `client_secret_jwt` (OpenID Connect Core section 9, spec format 1.1): as
    /// [`Placement::PrivateKeyJwt`], but the JWT is an HMAC (HS*) keyed with the client secret.
    ClientSecretJwt(ClientAssertion<'a>),
    /// `tls_client_auth` (RFC 8705 section 2.1, spec format 1.2): the client presents an X.509
    /// certificate issued by a CA the provider trusts in the TLS handshake of the token
    /// request, and sends its `client_id` in the body.
    TlsClientAuth(MutualTls<'a>),
    /// `self_signed_tls_client_auth` (RFC 8705 section 2.2, spec format 1.2): the same wire as
    /// [`Placement::TlsClientAuth`], with a self-signed certificate the provider registered.
    SelfSignedTlsClientAuth(MutualTls<'a>),
    /// Several headers at once (spec format 1.2, `headers:`), such as an application key and
    /// an API key; at least one reads a secret input. Every value is sensitive.
    Headers(&'a [HeaderSpec<'a>]),
}

/// A client that authenticates with a TLS client certificate (RFC 8705 section 2): the
/// runtime presents `certificate` and `key` (PEM) in the handshake and sends `client_id` as a
/// body parameter (RFC 8705 section 2: the client includes `client_id`; RFC 6749 section 2.3.1
/// places it in the body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MutualTls<'a> {
    /// The input holding the client ID, sent in the body.
    pub client_id: &'a str,
    /// The input holding the client's certificate chain, PEM (`-----BEGIN CERTIFICATE-----`),
    /// leaf first. Always secret: read into the TLS handshake, never sent as a parameter.
    pub certificate: &'a str,
    /// The input holding the certificate's private key, PEM (PKCS#8, PKCS#1 or SEC1). Always
    /// secret, never sent.
    pub key: &'a str,
}

/// The `client_assertion_type` of a JWT client assertion (RFC 7523 section 2.2).
pub const CLIENT_ASSERTION_TYPE_JWT: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A client that authenticates with a JWT it signs for every request (RFC 7523 section 2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAssertion<'a> {
    /// The input holding the client ID: the assertion's `iss` and `sub` (RFC 7523 section 3,
    /// items 1 and 2; OpenID Connect Core section 9).
    pub client_id: &'a str,
    /// Whether `client_id` is sent as a body parameter too (RFC 7521 section 4.2 makes it
    /// optional; some providers require it).
    pub send_client_id: bool,
    /// How the JWT is built and signed.
    pub assertion: AssertionSpec<'a>,
}

/// A JWS algorithm of a signed assertion (RFC 7518 section 3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JwsAlgorithm {
    /// HMAC with SHA-256.
    HS256,
    /// HMAC with SHA-384.
    HS384,
    /// HMAC with SHA-512.
    HS512,
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA with P-256 and SHA-256.
    ES256,
    /// ECDSA with P-384 and SHA-384.
    ES384,
    /// EdDSA with Ed25519 (RFC 8037).
    EdDSA,
}

impl JwsAlgorithm {
    /// Every algorithm, in the order specs list them.
    pub const ALL: [JwsAlgorithm; 12] = [
        JwsAlgorithm::HS256,
        JwsAlgorithm::HS384,
        JwsAlgorithm::HS512,
        JwsAlgorithm::RS256,
        JwsAlgorithm::RS384,
        JwsAlgorithm::RS512,
        JwsAlgorithm::PS256,
        JwsAlgorithm::PS384,
        JwsAlgorithm::PS512,
        JwsAlgorithm::ES256,
        JwsAlgorithm::ES384,
        JwsAlgorithm::EdDSA,
    ];

    /// The `alg` header value (RFC 7518 section 3.1), also how a spec spells it.
    pub const fn name(self) -> &'static str {
        match self {
            JwsAlgorithm::HS256 => "HS256",
            JwsAlgorithm::HS384 => "HS384",
            JwsAlgorithm::HS512 => "HS512",
            JwsAlgorithm::RS256 => "RS256",
            JwsAlgorithm::RS384 => "RS384",
            JwsAlgorithm::RS512 => "RS512",
            JwsAlgorithm::PS256 => "PS256",
            JwsAlgorithm::PS384 => "PS384",
            JwsAlgorithm::PS512 => "PS512",
            JwsAlgorithm::ES256 => "ES256",
            JwsAlgorithm::ES384 => "ES384",
            JwsAlgorithm::EdDSA => "EdDSA",
        }
    }

    /// The algorithm called `name`, the inverse of [`JwsAlgorithm::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// An HMAC, keyed with a shared secret rather than a private key: only
    /// `client_secret_jwt` uses one (RFC 7523 section 2.2 with OpenID Connect Core section 9).
    pub const fn is_hmac(self) -> bool {
        matches!(
            self,
            JwsAlgorithm::HS256 | JwsAlgorithm::HS384 | JwsAlgorithm::HS512
        )
    }
}

/// How the runtime builds and signs a JWT for every request (RFC 7523 section 3): a client
/// assertion or the assertion of the JWT-bearer grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssertionSpec<'a> {
    /// The signing algorithm, the `alg` header.
    pub algorithm: JwsAlgorithm,
    /// The input holding the key: a PEM private key, or the shared secret of an HMAC.
    pub key: &'a str,
    /// The input holding the key ID, sent as the `kid` header (RFC 7515 section 4.1.4) when
    /// it is set.
    pub key_id: Option<&'a str>,
    /// The `iss` claim.
    pub issuer: ParamSource<'a>,
    /// The `sub` claim.
    pub subject: ParamSource<'a>,
    /// The `aud` claim; `None` is the token URL the request goes to (RFC 7523 section 3,
    /// item 3).
    pub audience: Option<ParamSource<'a>>,
    /// Seconds from `iat` to `exp`: short, since the assertion is made anew for every request.
    pub lifetime: u64,
    /// Further string claims, `(name, value)`, in spec order; an input claim that is unset is
    /// left out.
    pub claims: &'a [(&'a str, ParamSource<'a>)],
}

impl<'a> AssertionSpec<'a> {
    /// The lifetime when a spec gives none: one minute, enough for clock skew and the
    /// request's round trip.
    pub const DEFAULT_LIFETIME: u64 = 60;

    /// The registered claims the runtime sets itself (RFC 7519 section 4.1), which a spec may
    /// not give as further claims.
    pub const REGISTERED_CLAIMS: &'static [&'static str] =
        &["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];

    /// The inputs the assertion reads: key, key ID and claims.
    pub fn inputs(&self) -> Vec<&'a str> {
        let mut inputs = vec![self.key];
        inputs.extend(self.key_id);
        let sources = [Some(self.issuer), Some(self.subject), self.audience];
        let claims = self.claims.iter().map(|(_, source)| Some(*source));
        for source in sources.into_iter().chain(claims).flatten() {
            if let ParamSource::Input(input) = source
                && !inputs.contains(&input)
            {
                inputs.push(input);
            }
        }
        inputs
    }
}

impl<'a> Placement<'a> {
    /// Short name: `header`, `basic`, `body`, `query`, `private_key_jwt`,
    /// `client_secret_jwt`, `tls_client_auth` or `self_signed_tls_client_auth` (the
    /// `token_endpoint_auth_method` names of RFC 8705 sections 2.1.1 and 2.2.1).
    pub fn kind(&self) -> &'static str {
        match self {
            Placement::Header { .. } => "header",
            Placement::Basic { .. } => "basic",
            Placement::Body(_) => "body",
            Placement::Query(_) => "query",
            Placement::PrivateKeyJwt(_) => "private_key_jwt",
            Placement::ClientSecretJwt(_) => "client_secret_jwt",
            Placement::TlsClientAuth(_) => "tls_client_auth",
            Placement::SelfSignedTlsClientAuth(_) => "self_signed_tls_client_auth",
            Placement::Headers(_) => "headers",
        }
    }

    /// The signed client assertion of a `private_key_jwt` or `client_secret_jwt` placement.
    pub fn client_assertion(&self) -> Option<&ClientAssertion<'a>> {
        match self {
            Placement::PrivateKeyJwt(a) | Placement::ClientSecretJwt(a) => Some(a),
            _ => None,
        }
    }

    /// The client certificate of a `tls_client_auth` or `self_signed_tls_client_auth`
    /// placement (RFC 8705 section 2).
    pub fn mutual_tls(&self) -> Option<&MutualTls<'a>> {
        match self {
            Placement::TlsClientAuth(m) | Placement::SelfSignedTlsClientAuth(m) => Some(m),
            _ => None,
        }
    }

    fn placement_of(&self, input: &str) -> Option<String> {
        match self {
            Placement::Header { name, input: i, .. } if *i == input => {
                Some(format!("header:{name}"))
            }
            Placement::Basic {
                user: Some(user), ..
            } if *user == input => Some("basic_user".into()),
            Placement::Basic { password, .. } if *password == input => {
                Some("basic_password".into())
            }
            Placement::Body(fields) if fields.iter().any(|(_, i)| *i == input) => {
                Some("body".into())
            }
            Placement::Query(fields) if fields.iter().any(|(_, i)| *i == input) => {
                Some("query".into())
            }
            Placement::PrivateKeyJwt(a) | Placement::ClientSecretJwt(a)
                if a.client_id == input && a.send_client_id =>
            {
                Some("body".into())
            }
            // Read by the runtime to build the assertion; the value itself is never sent.
            Placement::PrivateKeyJwt(a) | Placement::ClientSecretJwt(a)
                if a.client_id == input || a.assertion.inputs().contains(&input) =>
            {
                Some("client_assertion".into())
            }
            Placement::TlsClientAuth(m) | Placement::SelfSignedTlsClientAuth(m)
                if m.client_id == input =>
            {
                Some("body".into())
            }
            // Presented in the TLS handshake (RFC 8705 section 2), never sent as a parameter.
            Placement::TlsClientAuth(m) | Placement::SelfSignedTlsClientAuth(m)
                if m.certificate == input || m.key == input =>
            {
                Some("tls_client_certificate".into())
            }
            Placement::Headers(headers) => headers
                .iter()
                .find(|h| h.source.reads(input))
                .map(|h| format!("header:{}", h.name)),
            _ => None,
        }
    }

    /// The inputs this placement sends.
    pub fn inputs(&self) -> Vec<&'a str> {
        match *self {
            Placement::Header { input, .. } => vec![input],
            Placement::Basic { user, password, .. } => user.into_iter().chain([password]).collect(),
            Placement::Body(fields) | Placement::Query(fields) => {
                fields.iter().map(|(_, i)| *i).collect()
            }
            Placement::PrivateKeyJwt(a) | Placement::ClientSecretJwt(a) => {
                let mut inputs = vec![a.client_id];
                for input in a.assertion.inputs() {
                    if !inputs.contains(&input) {
                        inputs.push(input);
                    }
                }
                inputs
            }
            Placement::TlsClientAuth(m) | Placement::SelfSignedTlsClientAuth(m) => {
                vec![m.client_id, m.certificate, m.key]
            }
            Placement::Headers(headers) => {
                let mut inputs = Vec::new();
                for input in headers.iter().flat_map(|h| h.source.inputs()) {
                    if !inputs.contains(&input) {
                        inputs.push(input);
                    }
                }
                inputs
            }
        }
    }
}

/// One grant of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantSpec<'a> {
    /// Which grant.
    pub kind: GrantKind,
    /// An extension grant's own name and `grant_type` ([`GrantKind::Extension`] only; `None`
    /// for the built-in kinds, which go by their kind's).
    pub extension: Option<ExtensionGrant<'a>>,
    /// What the grant is for, from the spec.
    pub description: &'a str,
    /// Token request parameters besides `grant_type` and credentials, in wire order.
    pub params: &'a [ParamSpec<'a>],
    /// Parameters of the authorize URL (authorization code only), besides `response_type`.
    pub authorize_params: &'a [ParamSpec<'a>],
    /// PKCE support (authorization code only).
    pub pkce: Pkce,
    /// How the JWT-bearer grant's `assertion` is signed ([`GrantKind::JwtBearer`] only, spec
    /// format 1.1; RFC 7523 sections 2.1 and 3).
    pub assertion: Option<AssertionSpec<'a>>,
    /// What this grant's request does differently from the provider's (spec format 1.2): its
    /// own token URL, method, parameter place, body format, credentials or headers.
    pub overrides: GrantOverrides<'a>,
    /// How the authorize URL is written (authorization code only, spec format 1.2): the
    /// provider's names for standard parameters, scope separator, characters left unencoded,
    /// empty parameters left out.
    pub authorize: AuthorizeSpec<'a>,
}

/// How the authorization-code grant writes its authorize URL (spec format 1.2, the grant's
/// `authorize:` block). [`AuthorizeSpec::DEFAULT`] is the URL of spec format 1: standard
/// names, scopes as the caller delimited them, every value form-encoded, empty values sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthorizeSpec<'a> {
    /// `(standard name, wire name)`: a standard parameter of the authorize request (one of
    /// [`AuthorizeSpec::STANDARD`]) that the provider reads under another name, as
    /// `("client_id", "client_key")`.
    pub rename: &'a [(&'a str, &'a str)],
    /// What joins scopes in the `scope` parameter, when the provider wants something else
    /// there than [`ScopesSpec::delimiter`]: the value is split on the delimiter, empty pieces
    /// dropped, and the rest joined with this.
    pub scope_separator: Option<&'a str>,
    /// `(parameter, characters)`: characters of that parameter's value written as they are
    /// rather than percent-encoded, for a provider that does not decode them. Only characters
    /// of [`AuthorizeSpec::KEEPABLE`] are ever kept.
    pub keep_unencoded: &'a [(&'a str, &'a str)],
    /// Leave out a parameter whose value is empty instead of sending `name=`.
    pub omit_empty: bool,
}

impl<'a> AuthorizeSpec<'a> {
    /// The URL of spec format 1.
    pub const DEFAULT: Self = AuthorizeSpec {
        rename: &[],
        scope_separator: None,
        keep_unencoded: &[],
        omit_empty: false,
    };

    /// The standard parameters of an authorize request, which `rename` may rename: RFC 6749
    /// section 4.1.1 and RFC 7636 section 4.3.
    pub const STANDARD: [&'static str; 7] = [
        "response_type",
        "client_id",
        "redirect_uri",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    ];

    /// The characters a value may keep unencoded: those RFC 3986 section 3.4 allows in a query
    /// (`pchar / "/" / "?"`) that the form serializer would percent-encode, less `&`, `=` and
    /// `+`, which mean something in `application/x-www-form-urlencoded` (a pair separator, the
    /// name-value separator, a space), `'`, which the WHATWG URL parser encodes in an https
    /// query anyway, and `%`, which starts an escape.
    pub const KEEPABLE: &'static str = "!$(),/:;?@~";

    /// The name parameter `name` is sent under: its `rename`, or itself.
    pub fn wire_name<'n>(&self, name: &'n str) -> &'n str
    where
        'a: 'n,
    {
        self.rename
            .iter()
            .find(|(standard, _)| *standard == name)
            .map_or(name, |(_, wire)| wire)
    }

    /// The characters parameter `name` (the spec's name, before any rename) keeps unencoded.
    pub fn unencoded(&self, name: &str) -> &'a str {
        self.keep_unencoded
            .iter()
            .find(|(param, _)| *param == name)
            .map_or("", |(_, chars)| chars)
    }

    /// Whether the URL is written as in spec format 1.
    pub fn is_default(&self) -> bool {
        *self == Self::DEFAULT
    }
}

impl Default for AuthorizeSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A grant's own request shape (spec format 1.2): a refresh at its own URL with Basic while
/// the other grants send their credentials in the body, a token request by GET. Whatever is
/// unset (`None`, empty) is the provider's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GrantOverrides<'a> {
    /// The grant's token URL template per environment, `(environment, template)`, one entry
    /// for every environment of the provider; empty: each environment's own `token_url`.
    pub token_url: &'a [(&'a str, &'a str)],
    /// The request's method.
    pub method: Option<HttpMethod>,
    /// Where `grant_type` and parameters without an `in` go.
    pub params_in: Option<ParamLocation>,
    /// The body format.
    pub body: Option<BodyFormat>,
    /// The credential placement, whatever the caller picked for the client.
    pub credentials: Option<CredentialChoice>,
    /// Headers sent besides the provider's `request.headers` (replacing one of the same name).
    pub headers: &'a [HeaderSpec<'a>],
}

impl GrantOverrides<'_> {
    /// Nothing overridden: the grant's request is shaped as the provider's.
    pub const DEFAULT: Self = GrantOverrides {
        token_url: &[],
        method: None,
        params_in: None,
        body: None,
        credentials: None,
        headers: &[],
    };

    /// Whether the grant overrides nothing.
    pub fn is_empty(&self) -> bool {
        *self == Self::DEFAULT
    }
}

impl Default for GrantOverrides<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The credentials a grant sends, when it says (spec format 1.2, a grant's `credentials:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialChoice {
    /// None at all (`credentials: none`): an endpoint that authenticates by what the grant
    /// sends (a refresh token of a public client, say).
    None,
    /// The accepted placement at this index of [`CredentialsSpec::accepted`].
    Placement(usize),
}

/// What makes an extension grant (RFC 6749 section 4.5) itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExtensionGrant<'a> {
    /// The spec's name for the grant, its key under `grants` (`account_credentials`): names
    /// the generated method, `tokenctl --grant` and [`GrantRef::Named`].
    pub name: &'a str,
    /// The `grant_type` value sent: an absolute URI (`urn:ietf:params:oauth:grant-type:...`)
    /// or a vendor name (`account_credentials`), never a built-in kind's name.
    pub grant_type: &'a str,
}

impl<'a> GrantSpec<'a> {
    /// A plain key exchange ([`GrantKind::None`]) without parameters or PKCE.
    pub const DEFAULT: Self = GrantSpec {
        kind: GrantKind::None,
        extension: None,
        description: "",
        params: &[],
        authorize_params: &[],
        pkce: Pkce::None,
        assertion: None,
        overrides: GrantOverrides::DEFAULT,
        authorize: AuthorizeSpec::DEFAULT,
    };

    /// The grant's name: an extension grant's own, otherwise its kind's
    /// (`client_credentials`).
    pub fn name(&self) -> &'a str {
        match self.extension {
            Some(extension) => extension.name,
            None => self.kind.name(),
        }
    }

    /// The token URL template of this grant in `environment`: the grant's own for it (spec
    /// format 1.2, a refresh at its own URL), else the environment's `token_url`.
    pub fn token_url(&self, environment: &EnvironmentSpec<'a>) -> &'a str {
        self.overrides
            .token_url
            .iter()
            .find(|(name, _)| *name == environment.name)
            .map_or(environment.token_url, |(_, url)| *url)
    }

    /// The `grant_type` value sent, if any (RFC 6749 sections 4.1.3, 4.4.2, 4.5 and 6): an
    /// extension grant's own, a built-in kind's name, none for a plain key exchange.
    pub fn grant_type(&self) -> Option<&'a str> {
        match self.extension {
            Some(extension) => Some(extension.grant_type),
            None => self.kind.grant_type(),
        }
    }
}

impl Default for GrantSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A request parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec<'a> {
    /// Name on the wire.
    pub name: &'a str,
    /// Where the value comes from.
    pub source: ParamSource<'a>,
    /// Body or query string.
    pub location: ParamLocation,
}

impl ParamSpec<'_> {
    /// An unnamed body parameter with the fixed value `""`.
    pub const DEFAULT: Self = ParamSpec {
        name: "",
        source: ParamSource::Fixed(""),
        location: ParamLocation::Body,
    };
}

impl Default for ParamSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Where a parameter's (or header's) value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamSource<'a> {
    /// Always this value.
    Fixed(&'a str),
    /// The caller's input of this name; the parameter is left out when it is unset.
    Input(&'a str),
    /// Text mixed with inputs (spec format 1.2, `template: "Bearer {api_key}"`), in order.
    /// Each input is encoded for where the whole value lands (form, JSON, header, query), never
    /// on its own. The value is left out when every input in it is optional and unset; it is
    /// an error when a required one is unset, or when only some are set (a half-filled value
    /// would be a wrong one).
    Template(&'a [TemplatePart<'a>]),
    /// The JSON text of a fixed value that is not a string (spec format 1.2, `value: 3600`,
    /// `true`, an object or an array): sent as written in a JSON body, the only place it may
    /// appear.
    Json(&'a str),
}

impl<'a> ParamSource<'a> {
    /// The inputs the value reads, in order, without repeats.
    pub fn inputs(&self) -> Vec<&'a str> {
        match *self {
            ParamSource::Fixed(_) | ParamSource::Json(_) => Vec::new(),
            ParamSource::Input(input) => vec![input],
            ParamSource::Template(parts) => {
                let mut inputs = Vec::new();
                for part in parts {
                    if let TemplatePart::Input(input) = *part
                        && !inputs.contains(&input)
                    {
                        inputs.push(input);
                    }
                }
                inputs
            }
        }
    }

    /// Whether the value reads `input`, alone or inside a template.
    pub fn reads(&self, input: &str) -> bool {
        match *self {
            ParamSource::Fixed(_) | ParamSource::Json(_) => false,
            ParamSource::Input(i) => i == input,
            ParamSource::Template(parts) => parts.contains(&TemplatePart::Input(input)),
        }
    }
}

/// A piece of a templated value (spec format 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplatePart<'a> {
    /// Literal text, braces already unescaped (`{{` in the spec is `{` here).
    Text(&'a str),
    /// The caller's input of this name.
    Input(&'a str),
}

/// A template written back as a spec spells it: inputs in braces, literal braces doubled.
pub fn template_text(parts: &[TemplatePart<'_>]) -> String {
    let mut out = String::new();
    for part in parts {
        match part {
            TemplatePart::Text(text) => {
                out.push_str(&text.replace('{', "{{").replace('}', "}}"));
            }
            TemplatePart::Input(input) => {
                out.push('{');
                out.push_str(input);
                out.push('}');
            }
        }
    }
    out
}

/// A header sent with the token request (spec format 1.2, `request.headers` and the
/// credentials placement `headers`): its name and where its value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderSpec<'a> {
    /// The header name as sent (`X-Api-Version`), an RFC 9110 section 5.1 token.
    pub name: &'a str,
    /// Where its value comes from: a fixed text, an input or a template (never JSON).
    pub source: ParamSource<'a>,
}

impl HeaderSpec<'_> {
    /// An unnamed header with the fixed value `""`.
    pub const DEFAULT: Self = HeaderSpec {
        name: "",
        source: ParamSource::Fixed(""),
    };
}

impl Default for HeaderSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Headers the token request may not set from a spec (spec format 1.2): the runtime's HTTP
/// client writes the framing and routing ones itself (RFC 9112 sections 6.1-6.3 and 9.6,
/// RFC 9110 section 7.2), and a hop-by-hop header is for the next hop only (RFC 9110 section
/// 7.6.1). `Content-Type` follows `request.body`. Compared case-insensitively.
pub const FORBIDDEN_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
];

/// Scope conventions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopesSpec<'a> {
    /// Separator between scopes in requests and responses.
    pub delimiter: &'a str,
    /// Known scopes and what they grant.
    pub known: &'a [(&'a str, &'a str)],
}

impl ScopesSpec<'_> {
    /// Space-delimited (RFC 6749 section 3.3), no known scopes.
    pub const DEFAULT: Self = ScopesSpec {
        delimiter: " ",
        known: &[],
    };
}

impl Default for ScopesSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A field of a response body or a JWT claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec<'a> {
    /// snake_case Rust name, also the key in normalized data.
    pub name: &'a str,
    /// Where the value lives: a path of object keys (usually one: the wire name).
    pub wire: &'a [&'a str],
    /// What it holds.
    pub ty: FieldType,
    /// Absent means the response is unusable.
    pub required: bool,
    /// JSON text of the value used when the field is absent.
    pub default: Option<&'a str>,
    /// What the field means.
    pub description: &'a str,
    /// The response header the value is read from instead of the body (spec format 1.1,
    /// `header:`), compared case-insensitively (RFC 9110 section 5.1); `wire` is then empty.
    pub header: Option<&'a str>,
}

impl FieldSpec<'_> {
    /// An optional string field without name, wire path or default.
    pub const DEFAULT: Self = FieldSpec {
        name: "",
        wire: &[],
        ty: FieldType::String,
        required: false,
        default: None,
        description: "",
        header: None,
    };

    /// The wire name of a top-level field, the dotted path of a nested one, or the name of the
    /// header a field is read from.
    pub fn wire_name(&self) -> String {
        match self.header {
            Some(header) => header.to_owned(),
            None => self.wire.join("."),
        }
    }
}

impl Default for FieldSpec<'_> {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Shape of the provider's error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFormat<'a> {
    /// RFC 6749 section 5.2: `error`, `error_description`, `error_uri`.
    OAuth2,
    /// The provider's own object.
    Custom(&'a [FieldSpec<'a>]),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_kind_names_round_trip() {
        for kind in GrantKind::BUILT_IN {
            assert_eq!(GrantKind::from_name(kind.name()), Some(kind));
        }
        // An extension grant goes by its own name, never by the kind's.
        assert_eq!(GrantKind::from_name("extension"), None);
        assert_eq!(
            &GrantKind::ALL[..GrantKind::BUILT_IN.len()],
            &GrantKind::BUILT_IN
        );
        assert_eq!(GrantKind::from_name("password"), None);
        assert_eq!(GrantKind::from_name("Client_Credentials"), None);
        assert_eq!(GrantKind::from_name(""), None);
    }

    #[test]
    fn grant_kind_all_lists_each_kind_once_in_order() {
        let mut sorted = GrantKind::ALL;
        sorted.sort();
        assert_eq!(sorted, GrantKind::ALL);
        assert!(GrantKind::ALL.windows(2).all(|w| w[0] != w[1]));
    }

    #[test]
    fn only_a_plain_key_exchange_sends_no_grant_type() {
        // RFC 6749 sections 4.1.3, 4.4.2 and 6: grant_type is the grant's own name.
        assert_eq!(GrantKind::None.grant_type(), None);
        assert_eq!(
            GrantKind::ClientCredentials.grant_type(),
            Some("client_credentials")
        );
        assert_eq!(
            GrantKind::AuthorizationCode.grant_type(),
            Some("authorization_code")
        );
        assert_eq!(GrantKind::RefreshToken.grant_type(), Some("refresh_token"));
        // RFC 7523 §2.1: a URN, not the spec's name for the grant.
        assert_eq!(GrantKind::JwtBearer.name(), "jwt_bearer");
        assert_eq!(
            GrantKind::JwtBearer.grant_type(),
            Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
        );
        // RFC 6749 §4.5: the spec of an extension grant names its own.
        assert_eq!(GrantKind::Extension.grant_type(), None);
    }

    #[test]
    fn an_extension_grant_goes_by_its_own_name_and_grant_type() {
        static GRANTS: [GrantSpec<'static>; 3] = [
            GrantSpec {
                kind: GrantKind::ClientCredentials,
                ..GrantSpec::DEFAULT
            },
            GrantSpec {
                kind: GrantKind::Extension,
                extension: Some(ExtensionGrant {
                    name: "account_credentials",
                    grant_type: "account_credentials",
                }),
                ..GrantSpec::DEFAULT
            },
            GrantSpec {
                kind: GrantKind::Extension,
                extension: Some(ExtensionGrant {
                    name: "token_exchange",
                    grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
                }),
                ..GrantSpec::DEFAULT
            },
        ];
        let spec = ProviderSpec {
            grants: &GRANTS,
            ..ProviderSpec::DEFAULT
        };
        assert_eq!(GRANTS[0].name(), "client_credentials");
        assert_eq!(GRANTS[0].grant_type(), Some("client_credentials"));
        assert_eq!(GRANTS[2].name(), "token_exchange");
        assert_eq!(
            GRANTS[2].grant_type(),
            Some("urn:ietf:params:oauth:grant-type:token-exchange")
        );
        assert_eq!(GrantSpec::DEFAULT.grant_type(), None);
        // By name: built-in and extension grants alike; the kind's name finds no extension.
        assert_eq!(spec.grant_by_name("token_exchange"), Some(&GRANTS[2]));
        assert_eq!(spec.grant_by_name("client_credentials"), Some(&GRANTS[0]));
        assert_eq!(spec.grant_by_name("extension"), None);
        assert_eq!(
            spec.find_grant(GrantRef::from("account_credentials")),
            Some(&GRANTS[1])
        );
        // By kind: the first of it.
        assert_eq!(
            spec.find_grant(GrantKind::Extension.into()),
            Some(&GRANTS[1])
        );
        assert_eq!(spec.find_grant(GrantKind::RefreshToken.into()), None);
        assert_eq!(
            GrantRef::from("token_exchange").to_string(),
            "token_exchange"
        );
        assert_eq!(
            GrantRef::from(GrantKind::ClientCredentials).to_string(),
            "client_credentials"
        );
    }

    #[test]
    fn a_token_exchanged_by_an_extension_grant_is_secret() {
        // RFC 8693 §5: subject and actor tokens are security tokens whatever a spec says.
        static TOKEN: InputSpec<'static> = InputSpec {
            name: "user_token",
            per_request: true,
            ..InputSpec::DEFAULT
        };
        static EXCHANGE: [GrantSpec<'static>; 1] = [GrantSpec {
            kind: GrantKind::Extension,
            extension: Some(ExtensionGrant {
                name: "token_exchange",
                grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
            }),
            params: &[ParamSpec {
                name: "subject_token",
                source: ParamSource::Input("user_token"),
                location: ParamLocation::Body,
            }],
            ..GrantSpec::DEFAULT
        }];
        let spec = ProviderSpec {
            inputs: std::slice::from_ref(&TOKEN),
            grants: &EXCHANGE,
            ..ProviderSpec::DEFAULT
        };
        assert!(spec.is_secret_input(&TOKEN));
        assert!(!ProviderSpec::DEFAULT.is_secret_input(&TOKEN));
    }

    #[test]
    fn field_type_names_are_the_spec_spellings() {
        use FieldType::*;
        let all = [
            String,
            Secret,
            TokenType,
            Seconds,
            Timestamp,
            Milliseconds,
            EpochSeconds,
            EpochMilliseconds,
            Datetime,
            Scopes,
            Strings,
            Id,
            Integer,
            Number,
            Boolean,
            Json,
        ];
        let names: Vec<&str> = all.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "string",
                "secret",
                "token_type",
                "seconds",
                "timestamp",
                "milliseconds",
                "epoch_seconds",
                "epoch_milliseconds",
                "datetime",
                "scopes",
                "strings",
                "id",
                "integer",
                "number",
                "boolean",
                "json"
            ]
        );
    }

    #[test]
    fn time_types_are_durations_or_instants() {
        use FieldType::*;
        for ty in [Seconds, Milliseconds] {
            assert!(ty.is_duration() && !ty.is_instant() && ty.is_time());
        }
        for ty in [Timestamp, EpochSeconds, EpochMilliseconds, Datetime] {
            assert!(ty.is_instant() && !ty.is_duration() && ty.is_time());
        }
        for ty in [String, Secret, Integer, Number, Json] {
            assert!(!ty.is_time());
        }
        assert_eq!(ProviderSpec::DEFAULT.expiry, Expiry::Default);
    }

    /// The runtime names these types through `'static` aliases; generated statics are built
    /// through them too.
    type Field = FieldSpec<'static>;
    type Input = InputSpec<'static>;

    static CLIENT_ID: Input = Input {
        name: "client_id",
        ..Input::REQUIRED
    };
    static CODE: Input = Input {
        name: "code",
        per_request: true,
        ..Input::DEFAULT
    };
    static AUDIENCE: Input = Input {
        name: "audience",
        location: InputLocation::Host,
        ..Input::DEFAULT
    };
    static SIGNING_KEY: Input = Input {
        name: "signing_key",
        ..Input::DEFAULT
    };
    static PROVIDER: ProviderSpec<'static> = ProviderSpec {
        name: "example",
        environments: &[EnvironmentSpec {
            name: "production",
            token_url: "https://{audience}.example.com/token",
            ..EnvironmentSpec::DEFAULT
        }],
        inputs: &[CLIENT_ID, CODE, AUDIENCE, SIGNING_KEY],
        credentials: CredentialsSpec {
            preferred: 1,
            accepted: &[
                Placement::Body(&[("client_id", "client_id")]),
                Placement::Header {
                    name: "X-Client",
                    input: "client_id",
                    prefix: "",
                },
            ],
        },
        grants: &[
            GrantSpec {
                kind: GrantKind::AuthorizationCode,
                params: &[ParamSpec {
                    name: "code",
                    source: ParamSource::Input("code"),
                    location: ParamLocation::Body,
                }],
                pkce: Pkce::Optional,
                ..GrantSpec::DEFAULT
            },
            GrantSpec {
                kind: GrantKind::ClientCredentials,
                params: &[ParamSpec {
                    name: "client_assertion",
                    source: ParamSource::Input("signing_key"),
                    location: ParamLocation::Query,
                }],
                ..GrantSpec::DEFAULT
            },
        ],
        response: &[Field {
            name: "tenant",
            wire: &["data", "tenant"],
            required: true,
            ..Field::DEFAULT
        }],
        ..ProviderSpec::DEFAULT
    };

    #[test]
    fn defaults_build_statics_and_keep_unnamed_fields() {
        assert!(CLIENT_ID.required && !CLIENT_ID.secret && !CLIENT_ID.per_request);
        assert!(!CODE.required && CODE.per_request);
        assert_eq!(CODE.location, InputLocation::Param);
        assert_eq!(PROVIDER.body, BodyFormat::Form);
        assert_eq!(PROVIDER.errors, ErrorFormat::OAuth2);
        assert_eq!(PROVIDER.scopes.delimiter, " ");
        assert_eq!(PROVIDER.access_lifetime, None);
        assert!(PROVIDER.claims.is_empty());
        assert_eq!(PROVIDER.environments[0].authorize_url, None);
        assert_eq!(PROVIDER.grants[1].pkce, Pkce::None);
        assert_eq!(ProviderSpec::default(), ProviderSpec::DEFAULT);
        assert_eq!(InputSpec::default(), InputSpec::DEFAULT);
        assert_eq!(
            InputSpec::REQUIRED,
            InputSpec {
                required: true,
                ..InputSpec::DEFAULT
            }
        );
    }

    #[test]
    fn lookups_find_by_name_and_kind() {
        assert_eq!(PROVIDER.input("code"), Some(&CODE));
        assert_eq!(PROVIDER.input("Code"), None);
        assert_eq!(
            PROVIDER.environment("production").map(|e| e.token_url),
            Some("https://{audience}.example.com/token")
        );
        assert_eq!(PROVIDER.environment("sandbox"), None);
        assert_eq!(
            PROVIDER.grant(GrantKind::ClientCredentials).map(|g| g.kind),
            Some(GrantKind::ClientCredentials)
        );
        assert_eq!(PROVIDER.grant(GrantKind::RefreshToken), None);
        assert_eq!(
            PROVIDER.grant_by_name("authorization_code").map(|g| g.pkce),
            Some(Pkce::Optional)
        );
        assert_eq!(PROVIDER.grant_by_name("password"), None);
        assert_eq!(
            PROVIDER.default_grant().map(|g| g.kind),
            Some(GrantKind::AuthorizationCode)
        );
        assert_eq!(ProviderSpec::DEFAULT.default_grant(), None);
        assert_eq!(PROVIDER.response[0].wire_name(), "data.tenant");
    }

    #[test]
    fn confidential_parameters_make_their_inputs_secret() {
        // `code` by name (RFC 6749 §10.5); `signing_key` because it feeds `client_assertion`
        // (RFC 7521 §5.2); `client_id` and `audience` are public.
        assert!(PROVIDER.is_secret_input(&CODE));
        assert!(PROVIDER.is_secret_input(&SIGNING_KEY));
        assert!(!PROVIDER.is_secret_input(&CLIENT_ID));
        assert!(!PROVIDER.is_secret_input(&AUDIENCE));
        let marked = Input {
            secret: true,
            ..AUDIENCE
        };
        assert!(PROVIDER.is_secret_input(&marked));
    }

    #[test]
    fn placement_of_prefers_url_then_preferred_credentials_then_params() {
        assert_eq!(PROVIDER.placement_of("audience").as_deref(), Some("host"));
        // The preferred placement (the header) wins over the accepted body field.
        assert_eq!(
            PROVIDER.placement_of("client_id").as_deref(),
            Some("header:X-Client")
        );
        assert_eq!(PROVIDER.placement_of("code").as_deref(), Some("body"));
        assert_eq!(
            PROVIDER.placement_of("signing_key").as_deref(),
            Some("query")
        );
        assert_eq!(PROVIDER.placement_of("unknown"), None);
        assert_eq!(
            PROVIDER.credentials.preferred().map(|p| p.kind()),
            Some("header")
        );
        assert_eq!(CredentialsSpec::DEFAULT.preferred(), None);
    }

    #[test]
    fn placements_list_the_inputs_they_send() {
        let basic = Placement::Basic {
            user: Some("client_id"),
            password: "client_secret",
            encoding: BasicEncoding::Form,
        };
        assert_eq!(basic.kind(), "basic");
        assert_eq!(basic.inputs(), ["client_id", "client_secret"]);
        let query = Placement::Query(&[("id", "client_id"), ("key", "api_key")]);
        assert_eq!(query.kind(), "query");
        assert_eq!(query.inputs(), ["client_id", "api_key"]);
        assert_eq!(PROVIDER.credentials.accepted[1].inputs(), ["client_id"]);
    }

    #[test]
    fn response_formats_have_spec_names_and_matching_accept_headers() {
        let names: Vec<&str> = ResponseFormat::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names, ["json", "form", "json_or_form"]);
        // Spec format 1 files read JSON, and a field without `header` reads the body.
        assert_eq!(ResponseFormat::default(), ResponseFormat::Json);
        assert_eq!(ProviderSpec::DEFAULT.response_format, ResponseFormat::Json);
        assert_eq!(FieldSpec::DEFAULT.header, None);
        // RFC 9110 section 12.5.1: the media type read, JSON preferred when both are.
        assert_eq!(ResponseFormat::Json.accept(), "application/json");
        assert_eq!(
            ResponseFormat::Form.accept(),
            "application/x-www-form-urlencoded"
        );
        assert_eq!(
            ResponseFormat::JsonOrForm.accept(),
            "application/json, application/x-www-form-urlencoded;q=0.9"
        );
        let from_header = FieldSpec {
            name: "access_token",
            header: Some("X-Subject-Token"),
            ..FieldSpec::DEFAULT
        };
        assert_eq!(from_header.wire_name(), "X-Subject-Token");
    }

    #[test]
    fn borrowed_specs_work_for_shorter_lifetimes() {
        // What the generator does: every string and list lives only as long as its arena.
        let name = String::from("scratch");
        let wire = [name.as_str()];
        let fields = [FieldSpec {
            name: &name,
            wire: &wire,
            ..FieldSpec::DEFAULT
        }];
        let spec = ProviderSpec {
            name: &name,
            response: &fields,
            errors: ErrorFormat::Custom(&fields),
            ..ProviderSpec::DEFAULT
        };
        let copy = spec;
        assert_eq!(copy, spec);
        assert_eq!(spec.response[0].wire_name(), "scratch");
        assert_ne!(spec, ProviderSpec::DEFAULT);
    }
}
