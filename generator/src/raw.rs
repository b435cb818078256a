//! Raw spec types: a mirror of the YAML, with the source location of every value.
//!
//! Shape checks (unknown keys, wrong types, unknown enum values) happen here, through serde;
//! everything semantic happens in `validate`.

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A string with its location.
pub type Str = Spanned<String>;
/// A mapping keyed by located strings, in file order.
pub type Map<T> = IndexMap<Str, T>;

/// One `specs/<provider>.yaml` file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub spec_version: Spanned<u64>,
    pub name: Str,
    pub title: Str,
    #[serde(default)]
    pub description: Option<Str>,
    pub docs: Str,
    pub default_environment: Str,
    pub environments: Map<Environment>,
    #[serde(default)]
    pub inputs: Map<Input>,
    #[serde(default)]
    pub credentials: Option<Credentials>,
    #[serde(default)]
    pub request: Request,
    pub grants: Map<Grant>,
    #[serde(default)]
    pub scopes: Scopes,
    pub response: Response,
    pub errors: Errors,
    #[serde(default)]
    pub token: Token,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub token_url: Str,
    #[serde(default)]
    pub authorize_url: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    pub description: Str,
    #[serde(default)]
    pub secret: Option<Spanned<bool>>,
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
    #[serde(default)]
    pub per_request: Option<Spanned<bool>>,
    #[serde(default)]
    pub pattern: Option<Str>,
    #[serde(default)]
    pub default: Option<Str>,
    #[serde(default)]
    pub example: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub preferred: Str,
    pub accepted: Accepted,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    #[serde(default)]
    pub header: Option<HeaderCredential>,
    #[serde(default)]
    pub basic: Option<BasicCredential>,
    /// Wire name → input name.
    #[serde(default)]
    pub body: Option<Map<Str>>,
    /// Wire name → input name.
    #[serde(default)]
    pub query: Option<Map<Str>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderCredential {
    pub name: Str,
    pub input: Str,
    #[serde(default)]
    pub prefix: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasicCredential {
    pub user: Str,
    pub password: Str,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    #[serde(default)]
    pub body: Option<Spanned<BodyFormat>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyFormat {
    None,
    Form,
    Json,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grant {
    #[serde(default)]
    pub description: Option<Str>,
    #[serde(default)]
    pub params: Map<Param>,
    #[serde(default)]
    pub authorize_params: Map<Param>,
    #[serde(default)]
    pub pkce: Option<Spanned<Pkce>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pkce {
    None,
    Optional,
    Required,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    #[serde(default)]
    pub value: Option<Str>,
    #[serde(default)]
    pub input: Option<Str>,
    #[serde(default, rename = "in")]
    pub location: Option<Spanned<ParamLocation>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    Body,
    Query,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scopes {
    #[serde(default)]
    pub delimiter: Option<Str>,
    /// Scope → what it grants.
    #[serde(default)]
    pub known: Map<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    pub fields: Map<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    String,
    Secret,
    TokenType,
    Seconds,
    Timestamp,
    Scopes,
    Strings,
    Id,
    Integer,
    Number,
    Boolean,
    Json,
}

/// A response or error-body field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    #[serde(rename = "type")]
    pub ty: Spanned<FieldType>,
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
    #[serde(default)]
    pub default: Option<Spanned<Scalar>>,
    #[serde(default)]
    pub description: Option<Str>,
    /// Wire name, or a dotted path for a nested field; defaults to the key.
    #[serde(default)]
    pub from: Option<Str>,
}

/// A JWT claim.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    #[serde(rename = "type")]
    pub ty: Spanned<FieldType>,
    #[serde(default)]
    pub required: Option<Spanned<bool>>,
    #[serde(default)]
    pub description: Option<Str>,
    /// The claim's name in the token; defaults to the key.
    #[serde(default)]
    pub claim: Option<Str>,
}

/// A default value.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Errors {
    pub format: Spanned<ErrorFormat>,
    #[serde(default)]
    pub fields: Map<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorFormat {
    Oauth2,
    Custom,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Token {
    #[serde(default)]
    pub access_lifetime: Option<Spanned<u64>>,
    #[serde(default)]
    pub refresh_lifetime: Option<Spanned<u64>>,
    #[serde(default)]
    pub claims: Map<Claim>,
}
