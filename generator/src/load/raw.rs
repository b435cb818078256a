//! Raw spec types: a mirror of the YAML, with the source location of every value.
//!
//! Shape checks (unknown keys, wrong types, unknown enum values) happen here, through serde;
//! everything semantic happens in `validate`. The same types describe the format as a JSON
//! Schema (`specs/schema.json`, see [`crate::load::schema`]): the doc comments below are its
//! descriptions, shown by editors.

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;

/// A value with its location in the file: serde-saphyr's `Spanned`, described in the JSON
/// Schema as the value itself. Reads like `Spanned` (`.value`, `.referenced`) through `Deref`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T>(pub serde_saphyr::Spanned<T>);

impl<T> std::ops::Deref for Spanned<T> {
    type Target = serde_saphyr::Spanned<T>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde_saphyr::Spanned::<T>::deserialize(deserializer).map(Spanned)
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A string with its location.
pub type Str = Spanned<String>;
/// A mapping keyed by located strings, in file order.
pub type Map<T> = IndexMap<Str, T>;

/// One `specs/<provider>.yaml` file: a provider's token endpoint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "tokenspec provider spec")]
pub struct Spec {
    /// Version of the spec format: `1`, or `1.1` / `1.2` for a spec that uses keys those
    /// formats added (all read the same; 1.1 and 1.2 keys are additive).
    pub spec_version: Spanned<f64>,
    /// snake_case provider name: the file name, the module, the cargo feature and the registry
    /// key.
    pub name: Str,
    /// The provider's name as people write it.
    pub title: Str,
    /// What the endpoint does, for the generated documentation.
    #[serde(default)]
    pub description: Option<Str>,
    /// The provider's documentation of the endpoint (an https URL).
    pub docs: Str,
    /// The environment used unless the caller picks another; one of `environments`.
    pub default_environment: Str,
    /// Named base URLs (production, staging, regions...), keyed by snake_case name.
    pub environments: Map<Environment>,
    /// Values the caller supplies, keyed by snake_case name; referenced from URLs
    /// (`{name}`), credentials and parameters.
    #[serde(default)]
    pub inputs: Map<Input>,
    /// How the client proves who it is: every accepted placement and the preferred one.
    #[serde(default)]
    pub credentials: Option<Credentials>,
    /// The request's body format.
    #[serde(default)]
    pub request: Request,
    /// The grants the endpoint supports, keyed by grant: `none` (a key exchange),
    /// `client_credentials`, `authorization_code`, `refresh_token`, `jwt_bearer` (RFC 7523,
    /// spec format 1.1), or a name of the spec's choosing for an extension grant, which then
    /// says its `grant_type` (spec format 1.1).
    #[schemars(schema_with = "grants_schema")]
    pub grants: Map<Grant>,
    /// Scopes: their delimiter and the known ones.
    #[serde(default)]
    pub scopes: Scopes,
    /// The successful token response.
    pub response: Response,
    /// The error body.
    pub errors: Errors,
    /// Facts about the tokens: lifetimes and JWT claims.
    #[serde(default)]
    pub token: Token,
}

/// The grants map, with the built-in keys spelled out for editors; any other key is an
/// extension grant (RFC 6749 section 4.5), named like a method and stating its `grant_type`.
fn grants_schema(generator: &mut SchemaGenerator) -> Schema {
    let grant = generator.subschema_for::<Grant>();
    // Every built-in kind, so that a new one needs no edit here.
    let built_in: serde_json::Map<String, serde_json::Value> = tokenspec_spec::GrantKind::BUILT_IN
        .iter()
        .map(|kind| (kind.name().to_owned(), grant.clone().to_value()))
        .collect();
    json_schema!({
        "type": "object",
        "minProperties": 1,
        "properties": built_in,
        "propertyNames": { "pattern": "^[a-z](_?[a-z0-9])*$" },
        "additionalProperties": {
            "allOf": [grant, { "required": ["grant_type"] }],
        },
    })
}

/// A named environment's URLs. `{input}` variables may stand for a whole DNS label of the
/// host or a whole path segment.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The token endpoint, https. Optional with `issuer` (spec format 1.2): then read from
    /// the issuer's metadata.
    #[serde(default)]
    pub token_url: Option<Str>,
    /// Where users authorize (the `authorization_code` grant only). Optional with `issuer`
    /// (spec format 1.2): then read from the issuer's metadata.
    #[serde(default)]
    pub authorize_url: Option<Str>,
    /// The authorization server's issuer identifier (spec format 1.2): an https URL without
    /// query or fragment (RFC 8414 section 2), a template like `token_url`. The runtime reads
    /// the URLs the environment does not give from the issuer's metadata.
    #[serde(default)]
    pub issuer: Option<Str>,
    /// Which metadata document the issuer publishes (spec format 1.2): `openid` (OpenID
    /// Connect Discovery 1.0 section 4) or `oauth` (RFC 8414 section 3). Required with
    /// `issuer`.
    #[serde(default)]
    pub discovery: Option<Spanned<DiscoveryKind>>,
}

/// The metadata document an issuer publishes (spec format 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryKind {
    /// OpenID Connect Discovery 1.0: `{issuer}/.well-known/openid-configuration`.
    #[serde(rename = "openid")]
    OpenId,
    /// RFC 8414: `/.well-known/oauth-authorization-server` between the issuer's host and path.
    #[serde(rename = "oauth")]
    OAuth,
}

/// A value the caller supplies.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// What the value is and where the user finds it.
    pub description: Str,
    /// A secret: never printed, never part of a URL, never given a default.
    #[serde(default)]
    pub secret: Option<Spanned<bool>>,
    /// Whether the caller must set it (default true; false when it has a default).
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
    /// Given to each call (a code, a state) rather than to the client.
    #[serde(default)]
    pub per_request: Option<Spanned<bool>>,
    /// A regular expression the whole value must match.
    #[serde(default)]
    pub pattern: Option<Str>,
    /// The value used when the caller sets none.
    #[serde(default)]
    pub default: Option<Str>,
    /// An example value, for documentation.
    #[serde(default)]
    pub example: Option<Str>,
    /// `name`: the input is a URL's whole host (`https://{host}/...`), checked as a DNS host
    /// name rather than one label (spec format 1.1).
    #[serde(default)]
    pub host: Option<Spanned<HostKind>>,
    /// With `host: name`: an IP address is accepted too (spec format 1.1).
    #[serde(default)]
    pub allow_ip: Option<Spanned<bool>>,
    /// With `host: name`: a `:port` is accepted too (spec format 1.1).
    #[serde(default)]
    pub allow_port: Option<Spanned<bool>>,
}

/// What a host variable stands for (spec format 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HostKind {
    /// The URL's whole host (`https://{host}/...`), checked as a DNS host name.
    Name,
    /// One DNS label of the host (the default).
    Label,
}

/// How the client authenticates.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The placement used unless the caller picks another: one of the accepted ones.
    #[schemars(schema_with = "placement_schema")]
    pub preferred: Str,
    /// Every placement the provider accepts.
    pub accepted: Accepted,
}

fn placement_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "enum": ["header", "basic", "body", "query", "private_key_jwt", "client_secret_jwt",
            "tls_client_auth", "self_signed_tls_client_auth", "headers"],
    })
}

/// The credential placements a provider accepts.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// In a header of its own (an API key).
    #[serde(default)]
    pub header: Option<HeaderCredential>,
    /// HTTP Basic authentication.
    #[serde(default)]
    pub basic: Option<BasicCredential>,
    /// In the request body: wire name → input name.
    #[serde(default)]
    pub body: Option<Map<Str>>,
    /// In the query string (only where nothing else is accepted): wire name → input name.
    #[serde(default)]
    pub query: Option<Map<Str>>,
    /// A JWT signed with the client's private key for every request, sent as
    /// `client_assertion` (spec format 1.1; RFC 7523 section 2.2, OpenID Connect Core
    /// section 9 `private_key_jwt`).
    #[serde(default)]
    pub private_key_jwt: Option<JwtCredential>,
    /// A JWT MACed (HS256, HS384, HS512) with the client secret for every request, sent as
    /// `client_assertion` (spec format 1.1; RFC 7523 section 2.2, OpenID Connect Core
    /// section 9 `client_secret_jwt`).
    #[serde(default)]
    pub client_secret_jwt: Option<JwtCredential>,
    /// A TLS client certificate issued by a CA the provider trusts, presented in the
    /// handshake of the token request; `client_id` goes in the body (spec format 1.2; RFC 8705
    /// section 2.1).
    #[serde(default)]
    pub tls_client_auth: Option<TlsCredential>,
    /// A self-signed TLS client certificate the provider registered, presented as with
    /// `tls_client_auth` (spec format 1.2; RFC 8705 section 2.2).
    #[serde(default)]
    pub self_signed_tls_client_auth: Option<TlsCredential>,
    /// Several headers at once (spec format 1.2), header name → value, at least one built
    /// from a secret input: an application key and an API key, `Authorization: {template:
    /// "Bearer {api_key}"}`.
    #[serde(default)]
    pub headers: Option<Map<HeaderValue>>,
}

/// A client assertion the runtime signs for every request (spec format 1.1, RFC 7523): its
/// `iss` and `sub` are the client ID, `aud` the token URL unless `audience` says otherwise,
/// `iat` the time of the request, `exp` `lifetime` seconds later, `jti` random.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JwtCredential {
    /// The input holding the client ID: the JWT's `iss` and `sub`.
    pub client_id: Str,
    /// The secret input holding the key: a PEM private key for `private_key_jwt`, the client
    /// secret for `client_secret_jwt`.
    pub key: Str,
    /// The JWS algorithm (RFC 7518 section 3.1); default `RS256` for `private_key_jwt`,
    /// `HS256` for `client_secret_jwt`.
    #[serde(default)]
    pub algorithm: Option<Spanned<JwsAlgorithm>>,
    /// The input holding the key's ID, sent as the JWT's `kid` header when set.
    #[serde(default)]
    pub key_id: Option<Str>,
    /// The `aud` claim, when the provider wants something other than the token URL.
    #[serde(default)]
    pub audience: Option<Spanned<ClaimValue>>,
    /// Seconds from `iat` to `exp` (default 60, at most 3600).
    #[serde(default)]
    pub lifetime: Option<Spanned<u64>>,
    /// Further string claims, keyed by claim name: a fixed value or an input.
    #[serde(default)]
    pub claims: Map<ClaimValue>,
    /// Whether `client_id` is sent as a body parameter too (default false; RFC 7521
    /// section 4.2 makes it optional).
    #[serde(default)]
    pub send_client_id: Option<Spanned<bool>>,
}

/// A TLS client certificate (spec format 1.2, RFC 8705 section 2): three inputs, the
/// certificate and key PEM text the runtime presents in the handshake.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TlsCredential {
    /// The input holding the client ID, sent as `client_id` in the body.
    pub client_id: Str,
    /// The secret input holding the client certificate (chain), PEM.
    pub certificate: Str,
    /// The secret input holding the certificate's private key, PEM.
    pub key: Str,
}

/// A claim's value: a fixed `value` or the caller's `input`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimValue {
    /// A fixed value.
    #[serde(default)]
    pub value: Option<Str>,
    /// The input whose value is the claim.
    #[serde(default)]
    pub input: Option<Str>,
}

/// A JWS signing algorithm (RFC 7518 section 3.1; EdDSA: RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum JwsAlgorithm {
    /// HMAC with SHA-256 (`client_secret_jwt`).
    HS256,
    /// HMAC with SHA-384 (`client_secret_jwt`).
    HS384,
    /// HMAC with SHA-512 (`client_secret_jwt`).
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
    /// EdDSA with Ed25519.
    EdDSA,
}

/// A credential in a header.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderCredential {
    /// The header's name, e.g. `X-API-Key`.
    pub name: Str,
    /// The input whose value is sent.
    pub input: Str,
    /// Text before the value, e.g. `"Token "`.
    #[serde(default)]
    pub prefix: Option<Str>,
}

/// HTTP Basic: which inputs are user and password.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BasicCredential {
    /// The input sent as user name; leave it out to send a secret alone, with an empty user
    /// name (spec format 1.2; RFC 7617 section 2 allows an empty user-id).
    #[serde(default)]
    pub user: Option<Str>,
    /// The input sent as password.
    pub password: Str,
    /// How user and password are encoded before base64: `form` (the default; RFC 6749
    /// section 2.3.1, each is `application/x-www-form-urlencoded` first) or `raw` (RFC 7617
    /// as `curl -u` sends it, for servers that do not decode; a `:` in the user is refused).
    #[serde(default)]
    pub encoding: Option<BasicEncoding>,
}

/// How HTTP Basic credentials are encoded before base64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BasicEncoding {
    /// RFC 6749 section 2.3.1: form-urlencode client ID and secret first.
    Form,
    /// RFC 7617 / `curl -u`: the values as they are.
    Raw,
}

/// The request.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// The body format: `form` (the default), `json` or `none`.
    #[serde(default)]
    pub body: Option<Spanned<BodyFormat>>,
    /// The token request's method (spec format 1.2): `post` (the default; RFC 6749 section
    /// 3.2) or `get`, which sends every parameter in the query string and no body (RFC 9110
    /// section 9.3.1).
    #[serde(default)]
    pub method: Option<Spanned<HttpMethod>>,
    /// Where `grant_type` and the grant parameters without an `in` go (spec format 1.2):
    /// `body` (the default) or `query`, then with no body at all.
    #[serde(default)]
    pub params_in: Option<Spanned<ParamLocation>>,
    /// Headers every token request sends (spec format 1.2), header name → value:
    /// `X-Api-Version: {value: "2"}`. Not `Host`, `Content-Length`, `Content-Type`,
    /// `Transfer-Encoding`, `Connection` or another hop-by-hop header.
    #[serde(default)]
    pub headers: Map<HeaderValue>,
}

/// The HTTP method of a token request (spec format 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HttpMethod {
    /// `POST` (RFC 9110 section 9.3.3), the default.
    Post,
    /// `GET` (RFC 9110 section 9.3.1): parameters in the query string, no body.
    Get,
}

/// A grant's own token URL (spec format 1.2): one template for every environment, or one per
/// environment, keyed by environment name.
#[derive(Debug)]
pub enum GrantTokenUrl {
    /// The same template in every environment.
    One(String),
    /// A template per environment: environment name → template.
    PerEnvironment(Map<Str>),
}

impl<'de> Deserialize<'de> for GrantTokenUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // By hand rather than `#[serde(untagged)]`: an untagged enum buffers its input, which
        // would lose the location of each environment's key and URL.
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = GrantTokenUrl;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a URL, or a mapping of environment name to URL")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(GrantTokenUrl::One(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut urls = Map::new();
                while let Some((environment, url)) = map.next_entry::<Str, Str>()? {
                    urls.insert(environment, url);
                }
                Ok(GrantTokenUrl::PerEnvironment(urls))
            }
        }
        deserializer.deserialize_any(Visit)
    }
}

impl JsonSchema for GrantTokenUrl {
    fn schema_name() -> Cow<'static, str> {
        "GrantTokenUrl".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The grant's own token URL (spec format 1.2): one https template for every environment, or a mapping of environment name to template.",
            "anyOf": [
                { "type": "string" },
                { "type": "object", "additionalProperties": { "type": "string" } },
            ],
        })
    }
}

/// The names a grant's `credentials` may give (spec format 1.2): `none` or the kind of an
/// accepted placement.
fn grant_credentials_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "enum": ["none", "header", "basic", "body", "query", "private_key_jwt",
            "client_secret_jwt", "headers", "tls_client_auth", "self_signed_tls_client_auth"],
    })
}

/// A request body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    /// No body at all (no Content-Type).
    None,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json`.
    Json,
}

/// A grant: its parameters and, for `authorization_code`, its authorize step.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    /// The `grant_type` an extension grant sends (spec format 1.1; RFC 6749 section 4.5): an
    /// absolute URI (`urn:ietf:params:oauth:grant-type:token-exchange`) or a vendor name
    /// (`account_credentials`). Required for a grant not named after a built-in one, refused
    /// for the built-in ones, which send their own name.
    #[serde(default)]
    pub grant_type: Option<Str>,
    /// What the grant is for.
    #[serde(default)]
    pub description: Option<Str>,
    /// Token request parameters besides `grant_type`, keyed by wire name.
    #[serde(default)]
    pub params: Map<Param>,
    /// Parameters of the authorize URL besides `response_type` (authorization_code only).
    #[serde(default)]
    pub authorize_params: Map<Param>,
    /// PKCE (authorization_code only).
    #[serde(default)]
    pub pkce: Option<Spanned<Pkce>>,
    /// The JWT the runtime signs for every request of the `jwt_bearer` grant (spec format
    /// 1.1; RFC 7523 section 2.1), sent as `assertion`. Required there, refused elsewhere.
    #[serde(default)]
    pub assertion: Option<GrantAssertion>,
    /// The grant's own token URL (spec format 1.2), e.g. a refresh elsewhere: one https
    /// template for every environment, or a mapping of environment name to template naming
    /// every environment. Default: the environment's `token_url`.
    #[serde(default)]
    pub token_url: Option<Spanned<GrantTokenUrl>>,
    /// The grant's own method (spec format 1.2): `post` or `get`. Default: `request.method`.
    #[serde(default)]
    pub method: Option<Spanned<HttpMethod>>,
    /// Where the grant's `grant_type` and parameters without an `in` go (spec format 1.2):
    /// `body` or `query`. Default: `request.params_in`.
    #[serde(default)]
    pub params_in: Option<Spanned<ParamLocation>>,
    /// The grant's own body format (spec format 1.2): `form`, `json` or `none`. Default:
    /// `request.body`.
    #[serde(default)]
    pub body: Option<Spanned<BodyFormat>>,
    /// The credentials the grant sends (spec format 1.2), whatever the caller picked: the kind
    /// of an accepted placement (`basic`, `body`, ...) or `none`. Default: the caller's pick,
    /// else `credentials.preferred`.
    #[serde(default)]
    #[schemars(schema_with = "grant_credentials_schema")]
    pub credentials: Option<Str>,
    /// Headers the grant's requests send besides `request.headers` (spec format 1.2): header
    /// name → `{value: ...}`, `{input: ...}` or `{template: ...}`.
    #[serde(default)]
    pub headers: Map<HeaderValue>,
    /// How the authorize URL is written (spec format 1.2; authorization_code only): the
    /// provider's names for standard parameters, its scope separator, characters it wants
    /// unencoded, empty parameters left out.
    #[serde(default)]
    pub authorize: Option<Spanned<Authorize>>,
}

/// The authorize URL's options (spec format 1.2). Without them it is written as in spec
/// format 1: standard names, scopes as the caller delimited them, every value form-encoded,
/// empty values sent as `name=`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorize {
    /// Standard parameters the provider reads under another name, standard name → wire name
    /// (`client_id: client_key`).
    #[serde(default)]
    pub rename: Option<Spanned<Rename>>,
    /// What joins scopes in the `scope` parameter when the provider wants something else
    /// there than `scopes.delimiter` (`","`): the caller's value is split on the delimiter and
    /// joined with this.
    #[serde(default)]
    pub scope_separator: Option<Str>,
    /// Characters a parameter's value keeps unencoded, parameter → characters (`scope:
    /// ":/"`): only `!$(),/:;?@~`, which RFC 3986 section 3.4 allows in a query; `&`, `=`,
    /// `#`, `+`, `%` and space are always encoded.
    #[serde(default)]
    pub keep_unencoded: Map<Str>,
    /// Leave out a parameter whose value is empty instead of sending `name=` (default false).
    #[serde(default)]
    pub omit_empty: Option<Spanned<bool>>,
}

/// Wire names of the authorize request's standard parameters (RFC 6749 section 4.1.1, RFC
/// 7636 section 4.3), for a provider that reads them under other names.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rename {
    /// The name `response_type` is sent under.
    #[serde(default)]
    pub response_type: Option<Str>,
    /// The name `client_id` is sent under.
    #[serde(default)]
    pub client_id: Option<Str>,
    /// The name `redirect_uri` is sent under.
    #[serde(default)]
    pub redirect_uri: Option<Str>,
    /// The name `scope` is sent under.
    #[serde(default)]
    pub scope: Option<Str>,
    /// The name `state` is sent under.
    #[serde(default)]
    pub state: Option<Str>,
    /// The name `code_challenge` is sent under (PKCE).
    #[serde(default)]
    pub code_challenge: Option<Str>,
    /// The name `code_challenge_method` is sent under (PKCE).
    #[serde(default)]
    pub code_challenge_method: Option<Str>,
}

impl Rename {
    /// `(standard name, wire name)` of each parameter renamed, in the order of
    /// `AuthorizeSpec::STANDARD`.
    pub fn entries(&self) -> Vec<(&'static str, &Str)> {
        [
            ("response_type", &self.response_type),
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("scope", &self.scope),
            ("state", &self.state),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
        ]
        .into_iter()
        .filter_map(|(name, wire)| wire.as_ref().map(|w| (name, w)))
        .collect()
    }
}

/// The assertion of the JWT-bearer grant (spec format 1.1, RFC 7523 sections 2.1 and 3): `iat`
/// the time of the request, `exp` `lifetime` seconds later, `jti` random, `aud` the token URL
/// unless `audience` says otherwise.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantAssertion {
    /// The `iss` claim: who issues the assertion (often the client or service account ID).
    pub issuer: Spanned<ClaimValue>,
    /// The `sub` claim: the principal the token is for, e.g. the user to act as.
    pub subject: Spanned<ClaimValue>,
    /// The secret input holding the key: a PEM private key, or the shared secret of HS*.
    pub key: Str,
    /// The JWS algorithm (RFC 7518 section 3.1); default `RS256`.
    #[serde(default)]
    pub algorithm: Option<Spanned<JwsAlgorithm>>,
    /// The input holding the key's ID, sent as the JWT's `kid` header when set.
    #[serde(default)]
    pub key_id: Option<Str>,
    /// The `aud` claim, when the provider wants something other than the token URL.
    #[serde(default)]
    pub audience: Option<Spanned<ClaimValue>>,
    /// Seconds from `iat` to `exp` (default 60, at most 3600).
    #[serde(default)]
    pub lifetime: Option<Spanned<u64>>,
    /// Further string claims (`scope`, ...), keyed by claim name: a fixed value or an input.
    #[serde(default)]
    pub claims: Map<ClaimValue>,
}

/// PKCE use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Pkce {
    /// No PKCE.
    None,
    /// A code challenge when the caller gives a code verifier.
    Optional,
    /// Always a code challenge.
    Required,
}

/// A request parameter: a fixed value, an input or a template.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// A fixed value: text, or (spec format 1.2, a JSON body only) a number, boolean,
    /// mapping or list, sent as JSON as written.
    #[serde(default)]
    pub value: Option<Spanned<FixedValue>>,
    /// The input whose value is sent.
    #[serde(default)]
    pub input: Option<Str>,
    /// Text mixed with inputs (spec format 1.2): `"{client_id}:{account}"`; `{{` and `}}` are
    /// literal braces. Encoded as a whole for where it lands.
    #[serde(default)]
    pub template: Option<Str>,
    /// `body` (the default) or `query`.
    #[serde(default, rename = "in")]
    pub location: Option<Spanned<ParamLocation>>,
}

/// A header's value (spec format 1.2): exactly one of a fixed `value`, the caller's `input`
/// or a `template` (`"Bearer {api_key}"`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderValue {
    /// A fixed text value.
    #[serde(default)]
    pub value: Option<Spanned<FixedValue>>,
    /// The input whose value is sent.
    #[serde(default)]
    pub input: Option<Str>,
    /// Text mixed with inputs: `"Bearer {api_key}"`; `{{` and `}}` are literal braces.
    #[serde(default)]
    pub template: Option<Str>,
}

/// A fixed value as the YAML wrote it: text (a string, or in spec format 1 and 1.1 any
/// scalar), or a number, boolean, mapping or list (spec format 1.2: JSON as written, for a
/// JSON body).
#[derive(Debug, Clone, PartialEq)]
pub enum FixedValue {
    /// A string.
    Text(String),
    /// Anything else, as JSON: never `null`.
    Json(serde_json::Value),
}

impl FixedValue {
    /// The value as text: a string as it is, anything else as its JSON text (what spec
    /// format 1 sent for a number or boolean).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            FixedValue::Text(text) => Cow::Borrowed(text),
            FixedValue::Json(json) => Cow::Owned(json.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for FixedValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(FixedValue::Text(text)),
            serde_json::Value::Null => Err(serde::de::Error::custom(
                "expected a value, found nothing (null)",
            )),
            json => Ok(FixedValue::Json(json)),
        }
    }
}

impl JsonSchema for FixedValue {
    fn schema_name() -> Cow<'static, str> {
        "FixedValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": ["string", "number", "boolean", "object", "array"],
            "additionalProperties": true,
            "items": true,
        })
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// In the request body.
    Body,
    /// In the query string.
    Query,
}

/// Scopes.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scopes {
    /// Between scopes in a scope string (default a space).
    #[serde(default)]
    pub delimiter: Option<Str>,
    /// Scope → what it grants.
    #[serde(default)]
    pub known: Map<Str>,
}

/// The successful token response.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Fields, keyed by snake_case Rust name; `access_token` (secret, required) is one.
    pub fields: Map<Field>,
    /// How the endpoint encodes its answers, success and error bodies alike (spec format 1.1):
    /// `json` (the default), `form` (`access_token=...&expires_in=...`) or `json_or_form`
    /// (chosen by the answer's Content-Type). Requests send a matching `Accept` header.
    #[serde(default)]
    pub format: Option<Spanned<ResponseFormat>>,
    /// The field that sets the access token's lifetime (spec format 1.1): a response field of
    /// a time type (`seconds`, `milliseconds`, `epoch_seconds`, `epoch_milliseconds`,
    /// `datetime`, `timestamp`), or `never` for a token that lives until it is revoked.
    /// Default: the `expires_in` field when there is one, else `token.access_lifetime`.
    #[serde(default)]
    pub expiry: Option<Str>,
    /// The provider's documented success body (spec format 1.1), as a YAML mapping or as the
    /// JSON text the document shows; `validate` reads it as the runtime would.
    #[serde(default)]
    #[schemars(schema_with = "example_schema")]
    pub example: Option<Spanned<serde_json::Value>>,
}

/// A documented body: a mapping, or a string holding a JSON object.
fn example_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": ["object", "string"],
    })
}

/// How token responses are encoded (spec format 1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseFormat {
    /// A JSON object (RFC 6749 section 5.1).
    Json,
    /// `application/x-www-form-urlencoded` pairs.
    Form,
    /// Either, chosen by the answer's Content-Type.
    JsonOrForm,
}

/// The type of a response, error or claim field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Text.
    String,
    /// A secret (tokens): never printed.
    Secret,
    /// `token_type`, in any case.
    TokenType,
    /// A duration in seconds (a number or a numeric string).
    Seconds,
    /// Seconds since the epoch (spec format 1; `epoch_seconds` says the same explicitly). A
    /// value past year 9999 (milliseconds) or a date-time string is refused.
    Timestamp,
    /// A duration in milliseconds (a number or a numeric string; spec format 1.1).
    Milliseconds,
    /// An instant in seconds since the Unix epoch (a number or a numeric string; spec format
    /// 1.1).
    EpochSeconds,
    /// An instant in milliseconds since the Unix epoch (a number or a numeric string; spec
    /// format 1.1).
    EpochMilliseconds,
    /// An instant as an RFC 3339 date-time with a UTC offset, `2026-11-29T15:00:00Z` (spec
    /// format 1.1).
    Datetime,
    /// A scope list (delimited string or array).
    Scopes,
    /// A list of strings.
    Strings,
    /// An identifier: a string or a number, kept as text.
    Id,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// Any JSON.
    Json,
}

/// A response or error-body field.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The field's type.
    #[serde(rename = "type")]
    pub ty: Spanned<FieldType>,
    /// Whether the field is always present.
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
    /// The value when absent.
    #[serde(default)]
    pub default: Option<Spanned<Scalar>>,
    /// What the field holds.
    #[serde(default)]
    pub description: Option<Str>,
    /// Wire name, or a dotted path for a nested field; defaults to the key.
    #[serde(default)]
    pub from: Option<Str>,
    /// The response header the value is read from instead of the body, e.g. `X-Subject-Token`
    /// (spec format 1.1; response fields only, not with `from`).
    #[serde(default)]
    pub header: Option<Str>,
}

/// A JWT claim.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The claim's type.
    #[serde(rename = "type")]
    pub ty: Spanned<FieldType>,
    /// Whether the claim is always present.
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
    /// What the claim holds.
    #[serde(default)]
    pub description: Option<Str>,
    /// The claim's name in the token; defaults to the key.
    #[serde(default)]
    pub claim: Option<Str>,
}

/// A default value.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number.
    Float(f64),
    /// Text.
    Str(String),
}

/// The error body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Errors {
    /// `oauth2` (RFC 6749 `error`, `error_description`, `error_uri`) or `custom`.
    pub format: Spanned<ErrorFormat>,
    /// The fields of a custom error body.
    #[serde(default)]
    pub fields: Map<Field>,
    /// The provider's documented error body (spec format 1.1), as a YAML mapping or as the
    /// JSON text the document shows; `validate` reads it as the runtime would.
    #[serde(default)]
    #[schemars(schema_with = "example_schema")]
    pub example: Option<Spanned<serde_json::Value>>,
}

/// An error body format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFormat {
    /// RFC 6749 section 5.2.
    Oauth2,
    /// The provider's own fields.
    Custom,
}

/// Facts about the tokens.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Token {
    /// Access token lifetime in seconds, used when the response has no `expires_in`.
    #[serde(default)]
    pub access_lifetime: Option<Spanned<u64>>,
    /// Refresh token lifetime in seconds.
    #[serde(default)]
    pub refresh_lifetime: Option<Spanned<u64>>,
    /// JWT claims of the access token worth a typed struct, keyed by snake_case Rust name.
    #[serde(default)]
    pub claims: Map<Claim>,
}
