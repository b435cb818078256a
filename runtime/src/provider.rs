//! What a generated provider module gives the runtime: its static spec and its types.
//!
//! The split follows progenitor and smithy-rs: generated code holds *data and types* (the
//! [`ProviderSpec`], the `Inputs` struct, the `Environment` and placement enums, the
//! `TokenResponse` and error body), the runtime holds *behaviour*. The builder, client and
//! calls of [`crate::typed`] are written once, generic over [`Provider`], so a generated
//! module needs no typestate, no forwarding setters and no async/blocking/request twins: one
//! thin method per grant. Generic code is instantiated in the user's crate, for the providers
//! that crate actually uses, rather than compiled for every provider of the generated crate.
//!
//! A generated module implements [`Provider`] on a zero-sized marker type:
//!
//! ```
//! use tokenspec_runtime as rt;
//!
//! static SPEC: rt::ProviderSpec = rt::ProviderSpec {
//!     name: "demo",
//!     title: "Demo",
//!     description: "A provider with one environment and one placement.",
//!     docs: "https://demo.invalid/",
//!     default_environment: "production",
//!     environments: &[rt::EnvironmentSpec {
//!         name: "production",
//!         token_url: "https://auth.demo.invalid/token",
//!         authorize_url: None,
//!         discovery: None,
//!     }],
//!     inputs: &[rt::InputSpec {
//!         name: "api_key",
//!         description: "The API key.",
//!         secret: true,
//!         required: true,
//!         per_request: false,
//!         pattern: None,
//!         default: None,
//!         location: rt::InputLocation::Param,
//!     }],
//!     credentials: rt::CredentialsSpec {
//!         preferred: 0,
//!         accepted: &[rt::Placement::Body(&[("api_key", "api_key")])],
//!     },
//!     body: rt::BodyFormat::Form,
//!     method: rt::HttpMethod::Post,
//!     params_in: rt::ParamLocation::Body,
//!     grants: &[rt::GrantSpec {
//!         kind: rt::GrantKind::ClientCredentials,
//!         extension: None,
//!         description: "",
//!         params: &[],
//!         authorize_params: &[],
//!         pkce: rt::Pkce::None,
//!         assertion: None,
//!         authorize: rt::AuthorizeSpec::DEFAULT,
//!         overrides: rt::GrantOverrides::DEFAULT,
//!     }],
//!     scopes: rt::ScopesSpec { delimiter: " ", known: &[] },
//!     response: &[rt::FieldSpec {
//!         name: "access_token",
//!         wire: &["access_token"],
//!         ty: rt::FieldType::Secret,
//!         required: true,
//!         default: None,
//!         description: "The token.",
//!         header: None,
//!     }],
//!     response_format: rt::ResponseFormat::Json,
//!     errors: rt::ErrorFormat::OAuth2,
//!     expiry: rt::Expiry::Default,
//!     access_lifetime: None,
//!     refresh_lifetime: None,
//!     claims: &[],
//!     headers: &[],
//! };
//!
//! /// The provider, as the runtime knows it.
//! struct Demo;
//!
//! impl rt::Provider for Demo {
//!     const SPEC: &'static rt::ProviderSpec = &SPEC;
//!     type Environment = Environment;
//!     type Placement = rt::OnlyPlacement;
//!     type Inputs = Inputs;
//!     type OptionalInput = rt::NoOptionalInputs;
//!     type TokenResponse = TokenResponse;
//!     type ErrorBody = rt::OAuthErrorBody;
//!     type Client = Client;
//! }
//!
//! #[derive(Debug, Clone, Copy, Default)]
//! #[non_exhaustive]
//! enum Environment {
//!     #[default]
//!     Production,
//! }
//!
//! impl rt::Environment for Environment {
//!     fn index(self) -> usize {
//!         match self {
//!             Environment::Production => 0,
//!         }
//!     }
//! }
//!
//! struct Inputs {
//!     api_key: rt::Secret,
//! }
//!
//! impl rt::ClientInputs for Inputs {
//!     fn into_values(self) -> Vec<(&'static str, rt::Secret)> {
//!         vec![("api_key", self.api_key)]
//!     }
//! }
//!
//! #[derive(Debug)]
//! struct TokenResponse {
//!     access_token: rt::Secret,
//! }
//!
//! impl rt::FromFields for TokenResponse {
//!     fn from_fields(fields: &mut rt::Fields) -> Result<Self, rt::FieldError> {
//!         Ok(TokenResponse { access_token: fields.required("access_token")? })
//!     }
//! }
//!
//! struct Client(rt::TypedClient<Demo>);
//!
//! impl From<rt::TypedClient<Demo>> for Client {
//!     fn from(client: rt::TypedClient<Demo>) -> Self {
//!         Client(client)
//!     }
//! }
//!
//! impl std::ops::Deref for Client {
//!     type Target = rt::TypedClient<Demo>;
//!     fn deref(&self) -> &Self::Target {
//!         &self.0
//!     }
//! }
//!
//! impl Client {
//!     fn fetch_token(&self) -> rt::Call<'_, Demo> {
//!         self.0.call(rt::GrantKind::ClientCredentials, [])
//!     }
//! }
//!
//! # fn main() -> Result<(), rt::Error> {
//! let client = rt::Builder::<Demo>::new(Inputs { api_key: "k-123".into() }).build()?;
//! let request = client.fetch_token().request()?;
//! assert_eq!(request.body().as_slice(), b"grant_type=client_credentials&api_key=k-123");
//! # Ok(())
//! # }
//! ```

use crate::{ProviderSpec, Secret, TypedClient};
use std::fmt;

/// One provider, as a generated module describes it.
///
/// Implemented by a zero-sized marker type (`brainysoft::Brainysoft`) in generated code; never
/// implemented by hand outside tests. Every associated type is generated, or one of the
/// runtime's stand-ins ([`OnlyPlacement`], [`NoOptionalInputs`]) when the provider offers no
/// choice.
pub trait Provider: Sized + Send + Sync + 'static {
    /// Everything the runtime needs to build requests and parse responses.
    const SPEC: &'static ProviderSpec;
    /// The provider's named environments (a `#[non_exhaustive]` enum).
    type Environment: Environment;
    /// The credential placements a caller may choose; [`OnlyPlacement`] when there is one.
    type Placement: PlacementChoice;
    /// The required client inputs, as plain fields: a struct literal that forgets one does not
    /// compile (E0063), and named fields cannot be swapped the way positional arguments can.
    type Inputs: ClientInputs;
    /// The optional client inputs, set with [`Builder::input`](crate::Builder::input);
    /// [`NoOptionalInputs`] when there are none.
    type OptionalInput: InputName;
    /// A successful token response, normalized.
    type TokenResponse: crate::FromFields + Send + 'static;
    /// The provider's error body ([`OAuthErrorBody`](crate::OAuthErrorBody) or a generated
    /// struct). `Debug` and `Display` make [`Error`](crate::Error)`<Self::ErrorBody>` a
    /// `std::error::Error` in generic code too; `Send + Sync` let it cross threads and boxes.
    type ErrorBody: serde::de::DeserializeOwned + fmt::Debug + fmt::Display + Send + Sync + 'static;
    /// The generated `Client` newtype that carries the per-grant methods and dereferences to
    /// [`TypedClient`].
    type Client: From<TypedClient<Self>>;
}

/// A provider's environment enum.
pub trait Environment: Copy + Send + Sync + 'static {
    /// Index into [`ProviderSpec::environments`] of `P::SPEC`. An index the spec lacks (a
    /// generated module out of step with its spec) is reported by
    /// [`Builder::build`](crate::Builder::build) as an error, never a panic.
    fn index(self) -> usize;
}

/// A provider's credential-placement enum.
pub trait PlacementChoice: Copy + Send + Sync + 'static {
    /// Index into [`CredentialsSpec::accepted`](crate::CredentialsSpec::accepted) of
    /// `P::SPEC`. An index the spec lacks is reported by
    /// [`Builder::build`](crate::Builder::build) as an error, never a panic.
    fn index(self) -> usize;
}

/// The placement "choice" of a provider that accepts one credential placement: uninhabited,
/// so [`Builder::credential_placement`](crate::Builder::credential_placement) cannot be called.
#[derive(Debug, Clone, Copy)]
pub enum OnlyPlacement {}

impl PlacementChoice for OnlyPlacement {
    fn index(self) -> usize {
        match self {}
    }
}

/// A provider's enum of optional client inputs.
pub trait InputName: Copy + Send + Sync + 'static {
    /// The input's name, as in [`ProviderSpec::inputs`].
    fn name(self) -> &'static str;
}

/// The optional inputs of a provider that has none: uninhabited, so
/// [`Builder::input`](crate::Builder::input) cannot be called.
#[derive(Debug, Clone, Copy)]
pub enum NoOptionalInputs {}

impl InputName for NoOptionalInputs {
    fn name(self) -> &'static str {
        match self {}
    }
}

/// A provider's struct of required client inputs.
pub trait ClientInputs: Send + 'static {
    /// `(input name, value)` for every field, in spec order. Every value is kept as a
    /// [`Secret`] until [`Builder::build`](crate::Builder::build) checks it against the spec,
    /// which decides which of them may be shown.
    fn into_values(self) -> Vec<(&'static str, Secret)>;
}
