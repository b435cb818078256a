//! Stage 3 output: one normalized, ordered description of a provider. The only input of
//! emission; tests of `validate` assert on it and tests of `emit` start from it.

pub use tokenspec_spec::{
    BasicEncoding, BodyFormat, FieldType, GrantKind, InputLocation, ParamLocation, Pkce,
};

/// A provider, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// snake_case name: module, feature and registry key.
    pub name: String,
    /// Spec file the provider came from, as shown in the generated header.
    pub source: String,
    pub title: String,
    pub description: String,
    pub docs: String,
    pub default_environment: String,
    pub environments: Vec<Environment>,
    pub inputs: Vec<Input>,
    pub credentials: Credentials,
    pub body: BodyFormat,
    pub grants: Vec<Grant>,
    pub scopes: Scopes,
    pub response: Vec<Field>,
    pub errors: ErrorFormat,
    pub access_lifetime: Option<u64>,
    pub refresh_lifetime: Option<u64>,
    pub claims: Vec<Field>,
}

impl Provider {
    pub fn input(&self, name: &str) -> Option<&Input> {
        self.inputs.iter().find(|i| i.name == name)
    }

    pub fn grant(&self, kind: GrantKind) -> Option<&Grant> {
        self.grants.iter().find(|g| g.kind == kind)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub name: String,
    pub token_url: String,
    pub authorize_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: String,
    pub description: String,
    pub secret: bool,
    pub required: bool,
    pub per_request: bool,
    pub pattern: Option<String>,
    pub default: Option<String>,
    pub example: Option<String>,
    pub location: InputLocation,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    /// Index into `accepted`.
    pub preferred: usize,
    pub accepted: Vec<Placement>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    Header {
        name: String,
        input: String,
        prefix: String,
    },
    Basic {
        user: String,
        password: String,
        encoding: BasicEncoding,
    },
    /// `(wire name, input)`.
    Body(Vec<(String, String)>),
    /// `(wire name, input)`.
    Query(Vec<(String, String)>),
}

impl Placement {
    pub fn kind(&self) -> &'static str {
        match self {
            Placement::Header { .. } => "header",
            Placement::Basic { .. } => "basic",
            Placement::Body(_) => "body",
            Placement::Query(_) => "query",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub kind: GrantKind,
    pub description: String,
    pub params: Vec<Param>,
    pub authorize_params: Vec<Param>,
    pub pkce: Pkce,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub source: ParamSource,
    pub location: ParamLocation,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParamSource {
    Fixed(String),
    Input(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scopes {
    pub delimiter: String,
    pub known: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust name (snake_case; a keyword is emitted as a raw identifier).
    pub name: String,
    /// Path of object keys on the wire.
    pub wire: Vec<String>,
    pub ty: FieldType,
    pub required: bool,
    /// JSON text of the default.
    pub default: Option<String>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ErrorFormat {
    OAuth2,
    Custom(Vec<Field>),
}
