//! The static description of a provider that generated code hands to the runtime.
//!
//! Generated modules contain one `ProviderSpec` constant each; every request the runtime builds
//! and every response it parses is driven by it. Keeping the behaviour here (and only data in
//! generated code) means one implementation serves the typed clients and the run-time registry.
//!
//! The types are defined once, in `tokenspec-spec`, and shared with the generator, which
//! builds the same structs (borrowed from its arena) while it lowers a checked spec. The
//! runtime sees them with `'static` data through the aliases below, so struct literals,
//! `..FieldSpec::DEFAULT` and enum variants are written exactly as if the types were defined
//! here.

pub use tokenspec_spec::{
    BasicEncoding, BodyFormat, CONFIDENTIAL_PARAMS, Expiry, FieldType, GrantKind, GrantRef,
    InputLocation, ParamLocation, Pkce, ResponseFormat,
};

/// Everything the runtime needs to know about one provider's token endpoint.
pub type ProviderSpec = tokenspec_spec::ProviderSpec<'static>;
/// A named deployment of the provider.
pub type EnvironmentSpec = tokenspec_spec::EnvironmentSpec<'static>;
/// An issuer whose endpoints are read from its metadata (spec format 1.2).
pub type Discovery = tokenspec_spec::Discovery<'static>;
pub use tokenspec_spec::DiscoveryKind;
/// A value supplied by the caller.
pub type InputSpec = tokenspec_spec::InputSpec<'static>;
/// Accepted credential placements and the preferred one.
pub type CredentialsSpec = tokenspec_spec::CredentialsSpec<'static>;
/// One way of sending credentials.
pub type Placement = tokenspec_spec::Placement<'static>;
/// A client that authenticates with a signed JWT (RFC 7523 section 2.2).
pub type ClientAssertion = tokenspec_spec::ClientAssertion<'static>;
/// How a signed JWT assertion is built (RFC 7523 section 3).
pub type AssertionSpec = tokenspec_spec::AssertionSpec<'static>;
pub use tokenspec_spec::{CLIENT_ASSERTION_TYPE_JWT, JwsAlgorithm};
/// A client that authenticates with a TLS client certificate (RFC 8705 section 2).
pub type MutualTls = tokenspec_spec::MutualTls<'static>;
/// One grant of a provider.
pub type GrantSpec = tokenspec_spec::GrantSpec<'static>;
/// An extension grant's own name and `grant_type` (RFC 6749 section 4.5).
pub type ExtensionGrant = tokenspec_spec::ExtensionGrant<'static>;
/// How the authorize URL is written (spec format 1.2, a grant's `authorize:` block).
pub type AuthorizeSpec = tokenspec_spec::AuthorizeSpec<'static>;
/// A grant's own request shape (spec format 1.2): token URL, method, body, credentials.
pub type GrantOverrides = tokenspec_spec::GrantOverrides<'static>;
pub use tokenspec_spec::{CredentialChoice, HttpMethod};
/// A request parameter.
pub type ParamSpec = tokenspec_spec::ParamSpec<'static>;
/// Where a parameter's value comes from.
pub type ParamSource = tokenspec_spec::ParamSource<'static>;
/// A piece of a templated value (spec format 1.2).
pub type TemplatePart = tokenspec_spec::TemplatePart<'static>;
/// A header sent with the token request (spec format 1.2).
pub type HeaderSpec = tokenspec_spec::HeaderSpec<'static>;
pub use tokenspec_spec::{FORBIDDEN_HEADERS, template_text};
/// Scope conventions.
pub type ScopesSpec = tokenspec_spec::ScopesSpec<'static>;
/// A field of a response body or a JWT claim.
pub type FieldSpec = tokenspec_spec::FieldSpec<'static>;
/// Shape of the provider's error bodies.
pub type ErrorFormat = tokenspec_spec::ErrorFormat<'static>;
