//! The static description of a provider that generated code hands to the runtime.
//!
//! Generated modules contain one `ProviderSpec` constant each; every request the runtime builds
//! and every response it parses is driven by it. Keeping the behaviour here (and only data in
//! generated code) means one implementation serves the typed clients and the run-time registry.
//!
//! The field-less enums are defined once, in `tokenspec-spec`, and shared with the generator.

pub use tokenspec_spec::{
    BasicEncoding, BodyFormat, FieldType, GrantKind, InputLocation, ParamLocation, Pkce,
};

/// Everything the runtime needs to know about one provider's token endpoint.
#[derive(Debug)]
pub struct ProviderSpec {
    /// Registry key, module and feature name (`brainysoft`).
    pub name: &'static str,
    /// Human-readable provider name.
    pub title: &'static str,
    /// What the endpoint is for, from the spec.
    pub description: &'static str,
    /// Link to the provider's own documentation of the endpoint.
    pub docs: &'static str,
    /// Name of the environment used when the caller picks none.
    pub default_environment: &'static str,
    /// Named environments, in spec order.
    pub environments: &'static [EnvironmentSpec],
    /// Every value a caller can or must supply.
    pub inputs: &'static [InputSpec],
    /// How the caller proves who it is.
    pub credentials: CredentialsSpec,
    /// Encoding of the request body.
    pub body: BodyFormat,
    /// Supported grants; the first is the default.
    pub grants: &'static [GrantSpec],
    /// Scope conventions.
    pub scopes: ScopesSpec,
    /// Fields of a successful token response.
    pub response: &'static [FieldSpec],
    /// Shape of error bodies.
    pub errors: ErrorFormat,
    /// Access-token lifetime in seconds, used when the response has no `expires_in`.
    pub access_lifetime: Option<u64>,
    /// Refresh-token lifetime in seconds, when the provider documents one.
    pub refresh_lifetime: Option<u64>,
    /// JWT claims of the access token worth a typed struct (empty when none).
    pub claims: &'static [FieldSpec],
}

/// Token-request parameters whose values OAuth makes confidential, whether or not a spec marks
/// the inputs behind them `secret`: `client_secret` (RFC 6749 §2.3.1), `code` (§10.5),
/// `password` (§4.3), `refresh_token` (§10.4), `code_verifier` (RFC 7636 §7.1) and
/// `client_assertion` / `assertion` (RFC 7521 §5.2).
pub const CONFIDENTIAL_PARAMS: &[&str] = &[
    "client_secret",
    "code",
    "password",
    "refresh_token",
    "code_verifier",
    "client_assertion",
    "assertion",
];

impl ProviderSpec {
    /// The environment called `name`.
    pub fn environment(&self, name: &str) -> Option<&'static EnvironmentSpec> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The input called `name`.
    pub fn input(&self, name: &str) -> Option<&'static InputSpec> {
        self.inputs.iter().find(|i| i.name == name)
    }

    /// Whether the value of `input` must be kept out of Debug, errors and logs: the spec marks
    /// it `secret`, or it feeds a grant parameter that OAuth makes confidential whatever a spec
    /// says (see [`CONFIDENTIAL_PARAMS`]): an authorization code (RFC 6749 §10.5) or a PKCE
    /// code verifier (RFC 7636 §7.1) leaked before its use lets another party redeem it.
    pub fn is_secret_input(&self, input: &InputSpec) -> bool {
        input.secret
            || CONFIDENTIAL_PARAMS.contains(&input.name)
            || self.grants.iter().any(|grant| {
                grant.params.iter().any(|param| {
                    param.source == ParamSource::Input(input.name)
                        && CONFIDENTIAL_PARAMS.contains(&param.name)
                })
            })
    }

    /// The grant of this kind.
    pub fn grant(&self, kind: GrantKind) -> Option<&'static GrantSpec> {
        self.grants.iter().find(|g| g.kind == kind)
    }

    /// The grant called `name` (`client_credentials`, `none`, ...).
    pub fn grant_by_name(&self, name: &str) -> Option<&'static GrantSpec> {
        self.grants.iter().find(|g| g.kind.name() == name)
    }

    /// The grant used when the caller names none: the first in the spec.
    pub fn default_grant(&self) -> Option<&'static GrantSpec> {
        self.grants.first()
    }

    /// Where an input is sent, as `describe` reports it: `host`, `path`, `header:<Name>`,
    /// `basic_user`, `basic_password`, `body` or `query` (the preferred placement when several
    /// are accepted).
    pub fn placement_of(&self, input: &str) -> Option<String> {
        let spec = self.input(input)?;
        match spec.location {
            InputLocation::Host => return Some("host".into()),
            InputLocation::Path => return Some("path".into()),
            InputLocation::Param => {}
        }
        let preferred = self.credentials.preferred();
        if let Some(p) = preferred.and_then(|p| p.placement_of(input)) {
            return Some(p);
        }
        for grant in self.grants {
            for param in grant.params.iter().chain(grant.authorize_params) {
                if matches!(param.source, ParamSource::Input(i) if i == input) {
                    return Some(match param.location {
                        ParamLocation::Body => "body".into(),
                        ParamLocation::Query => "query".into(),
                    });
                }
            }
        }
        self.credentials
            .accepted
            .iter()
            .find_map(|p| p.placement_of(input))
    }
}

/// A named deployment of the provider.
#[derive(Debug)]
pub struct EnvironmentSpec {
    /// Environment name (`production`).
    pub name: &'static str,
    /// Token URL template; `{input}` marks a host or path variable.
    pub token_url: &'static str,
    /// Authorize URL template, for the authorization-code grant.
    pub authorize_url: Option<&'static str>,
}

/// A value supplied by the caller.
#[derive(Debug)]
pub struct InputSpec {
    /// snake_case name, as in the provider's document.
    pub name: &'static str,
    /// What the value is.
    pub description: &'static str,
    /// Never printed: wrapped in [`crate::Secret`].
    pub secret: bool,
    /// Must be set whenever a request uses it.
    pub required: bool,
    /// Supplied per call (a code, a refresh token) rather than once per client.
    pub per_request: bool,
    /// A regular expression the whole value must match.
    pub pattern: Option<&'static str>,
    /// Used when the caller gives no value.
    pub default: Option<&'static str>,
    /// Where the value goes in the URL, if it does.
    pub location: InputLocation,
}

/// Accepted credential placements and the preferred one.
#[derive(Debug)]
pub struct CredentialsSpec {
    /// Index into `accepted` of the placement used by default.
    pub preferred: usize,
    /// Every placement the provider accepts.
    pub accepted: &'static [Placement],
}

impl CredentialsSpec {
    /// The placement used by default, if the provider takes credentials at all.
    pub fn preferred(&self) -> Option<&'static Placement> {
        self.accepted.get(self.preferred)
    }
}

/// One way of sending credentials.
#[derive(Debug, PartialEq, Eq)]
pub enum Placement {
    /// A header with a custom name whose value is `prefix` + the input.
    Header {
        /// Header name as sent (`X-API-Key`).
        name: &'static str,
        /// Input carried by the header.
        input: &'static str,
        /// Text put before the value (often empty).
        prefix: &'static str,
    },
    /// HTTP Basic authentication.
    Basic {
        /// Input used as the user name.
        user: &'static str,
        /// Input used as the password.
        password: &'static str,
        /// How user and password are encoded before they are joined with `:` and base64ed.
        encoding: BasicEncoding,
    },
    /// Fields of the request body (form or JSON, per [`BodyFormat`]): `(wire name, input)`.
    Body(&'static [(&'static str, &'static str)]),
    /// Query-string parameters: `(wire name, input)`.
    Query(&'static [(&'static str, &'static str)]),
}

impl Placement {
    /// Short name: `header`, `basic`, `body` or `query`.
    pub fn kind(&self) -> &'static str {
        match self {
            Placement::Header { .. } => "header",
            Placement::Basic { .. } => "basic",
            Placement::Body(_) => "body",
            Placement::Query(_) => "query",
        }
    }

    fn placement_of(&self, input: &str) -> Option<String> {
        match self {
            Placement::Header { name, input: i, .. } if *i == input => {
                Some(format!("header:{name}"))
            }
            Placement::Basic { user, .. } if *user == input => Some("basic_user".into()),
            Placement::Basic { password, .. } if *password == input => {
                Some("basic_password".into())
            }
            Placement::Body(fields) if fields.iter().any(|(_, i)| *i == input) => {
                Some("body".into())
            }
            Placement::Query(fields) if fields.iter().any(|(_, i)| *i == input) => {
                Some("query".into())
            }
            _ => None,
        }
    }

    /// The inputs this placement sends.
    pub fn inputs(&self) -> Vec<&'static str> {
        match self {
            Placement::Header { input, .. } => vec![input],
            Placement::Basic { user, password, .. } => vec![user, password],
            Placement::Body(fields) | Placement::Query(fields) => {
                fields.iter().map(|(_, i)| *i).collect()
            }
        }
    }
}

/// One grant of a provider.
#[derive(Debug)]
pub struct GrantSpec {
    /// Which grant.
    pub kind: GrantKind,
    /// What the grant is for, from the spec.
    pub description: &'static str,
    /// Token request parameters besides `grant_type` and credentials, in wire order.
    pub params: &'static [ParamSpec],
    /// Parameters of the authorize URL (authorization code only), besides `response_type`.
    pub authorize_params: &'static [ParamSpec],
    /// PKCE support (authorization code only).
    pub pkce: Pkce,
}

/// A request parameter.
#[derive(Debug)]
pub struct ParamSpec {
    /// Name on the wire.
    pub name: &'static str,
    /// Where the value comes from.
    pub source: ParamSource,
    /// Body or query string.
    pub location: ParamLocation,
}

/// Where a parameter's value comes from.
#[derive(Debug, PartialEq, Eq)]
pub enum ParamSource {
    /// Always this value.
    Fixed(&'static str),
    /// The caller's input of this name; the parameter is left out when it is unset.
    Input(&'static str),
}

/// Scope conventions.
#[derive(Debug)]
pub struct ScopesSpec {
    /// Separator between scopes in requests and responses.
    pub delimiter: &'static str,
    /// Known scopes and what they grant.
    pub known: &'static [(&'static str, &'static str)],
}

/// A field of a response body or a JWT claim.
#[derive(Debug)]
pub struct FieldSpec {
    /// snake_case Rust name, also the key in normalized data.
    pub name: &'static str,
    /// Where the value lives: a path of object keys (usually one: the wire name).
    pub wire: &'static [&'static str],
    /// What it holds.
    pub ty: FieldType,
    /// Absent means the response is unusable.
    pub required: bool,
    /// JSON text of the value used when the field is absent.
    pub default: Option<&'static str>,
    /// What the field means.
    pub description: &'static str,
}

impl FieldSpec {
    /// The wire name of a top-level field, or the dotted path of a nested one.
    pub fn wire_name(&self) -> String {
        self.wire.join(".")
    }
}

/// Shape of the provider's error bodies.
#[derive(Debug)]
pub enum ErrorFormat {
    /// RFC 6749 section 5.2: `error`, `error_description`, `error_uri`.
    OAuth2,
    /// The provider's own object.
    Custom(&'static [FieldSpec]),
}
