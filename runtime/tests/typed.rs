//! The generic builder, client and call of `tokenspec_runtime::typed`, driven through a
//! hand-written provider module of the shape the generator emits (docs/redesign-plan.md,
//! section 1.4) and a fake transport that records what is sent and answers a canned token.

use http::{HeaderMap, Method, Uri};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokenspec_runtime as rt;

// ---------------------------------------------------------------------------------------------
// The provider module, as the emitter writes it.

const CLIENT_PARAMS: &[(&str, &str)] = &[
    ("client_id", "client_id"),
    ("client_secret", "client_secret"),
];

const fn input(name: &'static str) -> rt::InputSpec {
    rt::InputSpec {
        name,
        description: "",
        secret: false,
        required: true,
        per_request: false,
        pattern: None,
        default: None,
        location: rt::InputLocation::Param,
    }
}

const fn field(
    name: &'static str,
    wire: &'static [&'static str],
    ty: rt::FieldType,
    required: bool,
) -> rt::FieldSpec {
    rt::FieldSpec {
        name,
        wire,
        ty,
        required,
        default: None,
        description: "",
        header: None,
    }
}

static SPEC: rt::ProviderSpec = rt::ProviderSpec {
    name: "demo",
    title: "Demo",
    description: "A hand-written provider in the shape of a generated one.",
    docs: "https://demo.invalid/",
    default_environment: "production",
    environments: &[
        rt::EnvironmentSpec {
            name: "production",
            token_url: "https://{customer_key}.auth.demo.invalid/oauth/token",
            authorize_url: Some("https://{customer_key}.auth.demo.invalid/oauth/authorize"),
            discovery: None,
        },
        rt::EnvironmentSpec {
            name: "sandbox",
            token_url: "https://{customer_key}.sandbox.demo.invalid/oauth/token",
            authorize_url: Some("https://{customer_key}.sandbox.demo.invalid/oauth/authorize"),
            discovery: None,
        },
    ],
    // `audience` is optional and declared before the required credentials: `build` checks in
    // spec order, not in the order the values were given.
    inputs: &[
        rt::InputSpec {
            pattern: Some("[a-z0-9]+"),
            location: rt::InputLocation::Host,
            ..input("customer_key")
        },
        rt::InputSpec {
            required: false,
            ..input("audience")
        },
        input("client_id"),
        rt::InputSpec {
            secret: true,
            ..input("client_secret")
        },
        rt::InputSpec {
            per_request: true,
            ..input("code")
        },
        rt::InputSpec {
            required: false,
            per_request: true,
            ..input("code_verifier")
        },
        rt::InputSpec {
            required: false,
            per_request: true,
            ..input("state")
        },
    ],
    credentials: rt::CredentialsSpec {
        preferred: 0,
        accepted: &[
            rt::Placement::Body(CLIENT_PARAMS),
            rt::Placement::Query(CLIENT_PARAMS),
        ],
    },
    body: rt::BodyFormat::Form,
    method: rt::HttpMethod::Post,
    params_in: rt::ParamLocation::Body,
    grants: &[
        rt::GrantSpec {
            kind: rt::GrantKind::ClientCredentials,
            extension: None,
            description: "",
            params: &[rt::ParamSpec {
                name: "audience",
                source: rt::ParamSource::Input("audience"),
                location: rt::ParamLocation::Body,
            }],
            authorize_params: &[],
            pkce: rt::Pkce::None,
            assertion: None,
            authorize: rt::AuthorizeSpec::DEFAULT,
            overrides: rt::GrantOverrides::DEFAULT,
        },
        rt::GrantSpec {
            kind: rt::GrantKind::AuthorizationCode,
            extension: None,
            description: "",
            params: &[
                rt::ParamSpec {
                    name: "code",
                    source: rt::ParamSource::Input("code"),
                    location: rt::ParamLocation::Body,
                },
                rt::ParamSpec {
                    name: "code_verifier",
                    source: rt::ParamSource::Input("code_verifier"),
                    location: rt::ParamLocation::Body,
                },
            ],
            authorize_params: &[
                rt::ParamSpec {
                    name: "client_id",
                    source: rt::ParamSource::Input("client_id"),
                    location: rt::ParamLocation::Query,
                },
                rt::ParamSpec {
                    name: "state",
                    source: rt::ParamSource::Input("state"),
                    location: rt::ParamLocation::Query,
                },
            ],
            pkce: rt::Pkce::Optional,
            assertion: None,
            authorize: rt::AuthorizeSpec::DEFAULT,
            overrides: rt::GrantOverrides::DEFAULT,
        },
    ],
    scopes: rt::ScopesSpec {
        delimiter: " ",
        known: &[],
    },
    response: &[
        field(
            "access_token",
            &["access_token"],
            rt::FieldType::Secret,
            true,
        ),
        field(
            "token_type",
            &["token_type"],
            rt::FieldType::TokenType,
            true,
        ),
        field("expires_in", &["expires_in"], rt::FieldType::Seconds, true),
        field("scope", &["scope"], rt::FieldType::Scopes, false),
    ],
    response_format: rt::ResponseFormat::Json,
    errors: rt::ErrorFormat::OAuth2,
    expiry: rt::Expiry::Default,
    access_lifetime: None,
    refresh_lifetime: None,
    claims: &[],
    headers: &[],
};

/// The marker type a generated module implements `Provider` on.
struct Demo;

impl rt::Provider for Demo {
    const SPEC: &'static rt::ProviderSpec = &SPEC;
    type Environment = Environment;
    type Placement = CredentialPlacement;
    type Inputs = Inputs;
    type OptionalInput = OptionalInput;
    type TokenResponse = TokenResponse;
    type ErrorBody = rt::OAuthErrorBody;
    type Client = Client;
}

type Error = rt::Error<rt::OAuthErrorBody>;

struct Inputs {
    customer_key: String,
    client_id: String,
    client_secret: rt::Secret,
}

impl rt::ClientInputs for Inputs {
    fn into_values(self) -> Vec<(&'static str, rt::Secret)> {
        vec![
            ("customer_key", self.customer_key.into()),
            ("client_id", self.client_id.into()),
            ("client_secret", self.client_secret),
        ]
    }
}

#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
enum OptionalInput {
    Audience,
}

impl rt::InputName for OptionalInput {
    fn name(self) -> &'static str {
        match self {
            OptionalInput::Audience => "audience",
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
enum Environment {
    #[default]
    Production,
    Sandbox,
}

impl rt::Environment for Environment {
    fn index(self) -> usize {
        match self {
            Environment::Production => 0,
            Environment::Sandbox => 1,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
enum CredentialPlacement {
    #[default]
    Body,
    Query,
}

impl rt::PlacementChoice for CredentialPlacement {
    fn index(self) -> usize {
        match self {
            CredentialPlacement::Body => 0,
            CredentialPlacement::Query => 1,
        }
    }
}

#[derive(Debug)]
struct TokenResponse {
    access_token: rt::Secret,
    token_type: rt::TokenType,
    expires_in: Duration,
    scope: Option<Vec<String>>,
}

impl rt::FromFields for TokenResponse {
    fn from_fields(fields: &mut rt::Fields) -> Result<Self, rt::FieldError> {
        Ok(TokenResponse {
            access_token: fields.required("access_token")?,
            token_type: fields.required("token_type")?,
            expires_in: fields.required("expires_in")?,
            scope: fields.optional("scope")?,
        })
    }
}

#[derive(Debug, Clone)]
struct Client(rt::TypedClient<Demo>);

impl From<rt::TypedClient<Demo>> for Client {
    fn from(client: rt::TypedClient<Demo>) -> Self {
        Client(client)
    }
}

impl std::ops::Deref for Client {
    type Target = rt::TypedClient<Demo>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Client {
    fn builder(inputs: Inputs) -> rt::Builder<Demo> {
        rt::Builder::new(inputs)
    }

    fn fetch_token(&self) -> rt::Call<'_, Demo> {
        self.0.call(rt::GrantKind::ClientCredentials, vec![])
    }

    fn exchange_code<'a>(
        &'a self,
        code: &'a str,
        code_verifier: Option<&'a str>,
    ) -> rt::Call<'a, Demo> {
        self.0.call(
            rt::GrantKind::AuthorizationCode,
            vec![("code", Some(code)), ("code_verifier", code_verifier)],
        )
    }

    fn authorize_url(
        &self,
        state: &str,
        code_verifier: Option<&str>,
    ) -> Result<rt::__private::url::Url, Error> {
        self.0
            .authorize(&[("state", Some(state)), ("code_verifier", code_verifier)])
    }
}

// ---------------------------------------------------------------------------------------------
// A transport that records requests and answers a canned token.

const SECRET: &str = "s3cret-Zq9-value";
const CODE: &str = "code-Xy7-secret";
const ACCESS_TOKEN: &str = "tok-Abc123-issued";
const CANNED: &str = r#"{"access_token":"tok-Abc123-issued","token_type":"bearer","expires_in":"120","scope":"read write"}"#;

/// Method, URI, headers and body: what goes on the wire.
#[derive(Debug, Clone, PartialEq)]
struct Wire {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Wire {
    fn of(request: &http::Request<Vec<u8>>) -> Self {
        Wire {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
            body: request.body().clone(),
        }
    }

    fn body(&self) -> String {
        String::from_utf8(self.body.clone()).expect("a form body is text")
    }
}

#[derive(Default)]
struct Canned {
    sent: Mutex<Vec<Wire>>,
}

impl Canned {
    fn sent(&self) -> Vec<Wire> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl rt::Transport for Canned {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> rt::BoxFuture<'_, Result<http::Response<Vec<u8>>, rt::TransportError>> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Wire::of(&request));
        Box::pin(async {
            Ok(http::Response::builder()
                .status(200)
                .header(http::header::CONTENT_TYPE, "application/json")
                .body(CANNED.as_bytes().to_vec())
                .expect("a valid response"))
        })
    }
}

fn inputs() -> Inputs {
    Inputs {
        customer_key: "acme".into(),
        client_id: "demo-client".into(),
        client_secret: SECRET.into(),
    }
}

fn client_with(transport: &Arc<Canned>) -> Client {
    Client::builder(inputs())
        .transport(transport.clone())
        .build()
        .expect("valid inputs build")
}

fn invalid_input(result: Result<Client, Error>) -> String {
    match result {
        Err(rt::Error::InvalidInput(e)) => e.input,
        Err(other) => panic!("expected an invalid-input error, got {other}"),
        Ok(client) => panic!("expected an invalid-input error, got {client:?}"),
    }
}

fn assert_token(token: &TokenResponse) {
    assert_eq!(token.access_token.expose(), ACCESS_TOKEN);
    assert_eq!(token.token_type, rt::TokenType::Bearer);
    assert_eq!(token.expires_in, Duration::from_secs(120));
    assert_eq!(
        token.scope.as_deref(),
        Some(&["read".to_owned(), "write".to_owned()][..])
    );
}

// ---------------------------------------------------------------------------------------------
// Building

#[test]
fn build_checks_inputs_and_the_client_sends_them() {
    let client = Client::builder(inputs())
        .build()
        .expect("valid inputs build");
    let request = client.fetch_token().request().expect("a request");
    assert_eq!(request.method(), Method::POST);
    assert_eq!(
        request.uri().to_string(),
        "https://acme.auth.demo.invalid/oauth/token"
    );
    assert_eq!(
        Wire::of(&request).body(),
        format!("grant_type=client_credentials&client_id=demo-client&client_secret={SECRET}")
    );
    assert_eq!(client.runtime().provider().name, "demo");
}

#[test]
fn build_names_a_bad_host_input() {
    let result = Client::builder(Inputs {
        customer_key: "not a label".into(),
        ..inputs()
    })
    .build();
    assert_eq!(invalid_input(result), "customer_key");
}

#[test]
fn build_names_the_first_bad_input_in_spec_order() {
    // Both required credentials bad: the first in the spec is named.
    let result = Client::builder(Inputs {
        client_id: String::new(),
        client_secret: "".into(),
        ..inputs()
    })
    .build();
    assert_eq!(invalid_input(result), "client_id");

    // The optional input arrives last but comes before the credentials in the spec.
    let result = Client::builder(Inputs {
        client_secret: "".into(),
        ..inputs()
    })
    .input(OptionalInput::Audience, "line\nbreak")
    .build();
    assert_eq!(invalid_input(result), "audience");
}

#[test]
fn an_error_names_a_secret_input_without_its_value() {
    let result = Client::builder(Inputs {
        client_secret: format!("{SECRET}\u{7}").into(),
        ..inputs()
    })
    .build();
    match result {
        Err(rt::Error::InvalidInput(e)) => {
            assert_eq!(e.input, "client_secret");
            assert!(!e.to_string().contains(SECRET), "{e}");
        }
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

#[test]
fn base_url_refuses_plain_http_to_a_remote_host_and_replaces_the_host_otherwise() {
    let error = Client::builder(inputs())
        .base_url("http://example.com")
        .expect_err("plain http only for loopback");
    assert!(
        matches!(&error, rt::Error::InvalidInput(e) if e.input == "base_url"),
        "{error:?}"
    );

    let client = Client::builder(inputs())
        .base_url("http://127.0.0.1:8080")
        .expect("loopback")
        .build()
        .expect("valid inputs build");
    let request = client.fetch_token().request().expect("a request");
    assert_eq!(
        request.uri().to_string(),
        "http://127.0.0.1:8080/oauth/token"
    );
}

#[test]
fn timeout_and_retry_reach_the_runtime_client() {
    let policy = rt::RetryPolicy::none();
    let client = Client::builder(inputs())
        .timeout(Duration::from_secs(3))
        .retry(policy.clone())
        .build()
        .expect("valid inputs build");
    assert_eq!(client.runtime().options().timeout, Duration::from_secs(3));
    assert_eq!(client.runtime().options().retry, policy);

    let options = rt::HttpOptions {
        timeout: Duration::from_secs(9),
        ..rt::HttpOptions::default()
    };
    let client = Client::builder(inputs())
        .http_options(options)
        .build()
        .expect("valid inputs build");
    assert_eq!(client.runtime().options().timeout, Duration::from_secs(9));
}

#[test]
fn an_optional_input_reaches_the_request_and_a_second_value_replaces_the_first() {
    let client = Client::builder(inputs())
        .input(OptionalInput::Audience, "first\nrefused")
        .input(OptionalInput::Audience, "https://api.demo.invalid")
        .build()
        .expect("valid inputs build");
    let body = Wire::of(&client.fetch_token().request().expect("a request")).body();
    assert!(
        body.contains("audience=https%3A%2F%2Fapi.demo.invalid"),
        "{body}"
    );
    // Had the refused first value been kept, `build` would have failed on it.
    assert!(!body.contains("first"), "{body}");
}

#[test]
fn credential_placement_moves_credentials_from_the_body_to_the_query() {
    let client = Client::builder(inputs())
        .credential_placement(CredentialPlacement::Query)
        .build()
        .expect("valid inputs build");
    let wire = Wire::of(&client.fetch_token().request().expect("a request"));
    // A query placement puts every parameter in the URL, as such providers expect.
    assert_eq!(
        wire.uri.query(),
        Some(
            format!("grant_type=client_credentials&client_id=demo-client&client_secret={SECRET}")
                .as_str()
        )
    );
    assert!(!wire.body().contains("client_secret"), "{}", wire.body());

    // And back: the last choice wins.
    let client = Client::builder(inputs())
        .credential_placement(CredentialPlacement::Query)
        .credential_placement(CredentialPlacement::Body)
        .build()
        .expect("valid inputs build");
    let wire = Wire::of(&client.fetch_token().request().expect("a request"));
    assert_eq!(wire.uri.query(), None);
    assert!(wire.body().contains("client_secret="), "{}", wire.body());
}

#[test]
fn environment_switches_the_url() {
    let client = Client::builder(inputs())
        .environment(Environment::Sandbox)
        .build()
        .expect("valid inputs build");
    let request = client.fetch_token().request().expect("a request");
    assert_eq!(
        request.uri().to_string(),
        "https://acme.sandbox.demo.invalid/oauth/token"
    );
    assert_eq!(client.runtime().environment().name, "sandbox");

    let client = Client::builder(inputs())
        .environment(Environment::Sandbox)
        .environment(Environment::Production)
        .build()
        .expect("valid inputs build");
    assert_eq!(client.runtime().environment().name, "production");
}

// ---------------------------------------------------------------------------------------------
// Calls

#[test]
fn call_request_is_the_runtime_request_byte_for_byte() {
    let client = Client::builder(inputs())
        .input(OptionalInput::Audience, "aud")
        .build()
        .expect("valid inputs build");
    let typed = Wire::of(&client.fetch_token().request().expect("a request"));
    let runtime = Wire::of(
        &client
            .runtime()
            .token_request(rt::GrantKind::ClientCredentials, &[])
            .expect("a request"),
    );
    assert_eq!(typed, runtime);

    let typed = Wire::of(
        &client
            .exchange_code(CODE, Some("v".repeat(43).as_str()))
            .request()
            .expect("a request"),
    );
    let verifier = "v".repeat(43);
    let runtime = Wire::of(
        &client
            .runtime()
            .token_request(
                rt::GrantKind::AuthorizationCode,
                &[("code", CODE), ("code_verifier", &verifier)],
            )
            .expect("a request"),
    );
    assert_eq!(typed, runtime);
}

#[test]
fn a_none_parameter_is_left_out() {
    let client = Client::builder(inputs())
        .build()
        .expect("valid inputs build");
    let call = client.exchange_code(CODE, None);
    let body = Wire::of(&call.request().expect("a request")).body();
    assert!(body.contains(&format!("code={CODE}")), "{body}");
    assert!(!body.contains("code_verifier"), "{body}");
    assert!(!format!("{call:?}").contains("code_verifier"), "{call:?}");

    let url = client.authorize_url("st-1", None).expect("a URL");
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(query.contains(&("state".into(), "st-1".into())), "{url}");
    assert!(
        query.iter().all(|(name, _)| name != "code_challenge"),
        "{url}"
    );
    let url = client
        .authorize_url("st-1", Some("v".repeat(43).as_str()))
        .expect("a URL");
    assert!(
        url.query_pairs().any(|(name, _)| name == "code_challenge"),
        "{url}"
    );
}

#[test]
fn a_per_call_input_is_checked_by_the_request() {
    let client = Client::builder(inputs())
        .build()
        .expect("valid inputs build");
    match client.exchange_code("", None).request() {
        Err(rt::Error::InvalidInput(e)) => assert_eq!(e.input, "code"),
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}

#[tokio::test]
async fn awaiting_a_call_sends_its_request_and_parses_the_answer() {
    let transport = Arc::new(Canned::default());
    let client = client_with(&transport);
    let token = client.fetch_token().await.expect("a token");
    assert_token(&token);

    let expected = Wire::of(&client.fetch_token().request().expect("a request"));
    assert_eq!(transport.sent(), vec![expected]);
}

#[tokio::test]
async fn parse_response_converts_a_provider_error_to_the_typed_body() {
    let client = Client::builder(inputs())
        .build()
        .expect("valid inputs build");
    let response = http::Response::builder()
        .status(400)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(br#"{"error":"invalid_client","error_description":"bad"}"#.to_vec())
        .expect("a valid response");
    match client.parse_response(&response) {
        Err(rt::Error::Provider(e)) => {
            assert_eq!(e.status, 400);
            assert_eq!(e.body.error, rt::OAuthErrorCode::InvalidClient);
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test]
async fn the_call_future_is_send() {
    fn assert_send<T: Send>(value: T) -> T {
        value
    }
    let transport = Arc::new(Canned::default());
    let client = client_with(&transport);
    // `send` itself, not only the boxed `IntoFuture`, so a `Send` regression shows here first.
    let sent = assert_send(client.fetch_token().send()).await;
    assert_token(&sent.expect("a token"));

    let spawned = tokio::spawn(async move { client.fetch_token().await })
        .await
        .expect("the task ran");
    assert_token(&spawned.expect("a token"));
    assert_eq!(transport.sent().len(), 2);
}

#[cfg(feature = "blocking")]
#[test]
fn blocking_sends_and_parses() {
    let transport = Arc::new(Canned::default());
    let client = client_with(&transport);
    let token = client
        .exchange_code(CODE, None)
        .blocking()
        .expect("a token");
    assert_token(&token);
    let sent = transport.sent();
    assert_eq!(sent.len(), 1);
    assert!(sent[0].body().starts_with("grant_type=authorization_code"));
}

#[cfg(feature = "blocking")]
#[tokio::test]
async fn blocking_inside_a_runtime_is_an_error_not_a_hang() {
    let transport = Arc::new(Canned::default());
    let client = client_with(&transport);
    let result = client.fetch_token().blocking();
    assert!(matches!(result, Err(rt::Error::Transport(_))), "{result:?}");
    assert!(transport.sent().is_empty());
}

#[tokio::test]
async fn the_token_source_serves_the_typed_clients_token() {
    let transport = Arc::new(Canned::default());
    let client = client_with(&transport);
    let source = client.token_source();
    let token = source.access_token().await.expect("a token");
    assert_eq!(token.expose(), ACCESS_TOKEN);
    assert_eq!(transport.sent().len(), 1);
}

// ---------------------------------------------------------------------------------------------
// Debug never shows a secret

#[test]
fn debug_shows_no_secret_value() {
    let builder = Client::builder(Inputs {
        client_id: "visible-client".into(),
        ..inputs()
    })
    .input(OptionalInput::Audience, "aud-Hidden-Q");
    let shown = format!("{builder:?}");
    assert!(shown.starts_with("Builder"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    // Values are unchecked until `build`: none of them is shown, secret or not.
    assert!(!shown.contains("aud-Hidden-Q"), "{shown}");

    let client = builder.build().expect("valid inputs build");
    let shown = format!("{:?} {:?}", client, &*client);
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("TypedClient"), "{shown}");

    let call = client.exchange_code(CODE, Some("verifier-Secret-Zz"));
    let shown = format!("{call:?}");
    assert!(!shown.contains(CODE), "{shown}");
    assert!(!shown.contains("verifier-Secret-Zz"), "{shown}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("authorization_code"), "{shown}");
    assert!(
        shown.contains("\"code\"") && shown.contains("\"code_verifier\""),
        "{shown}"
    );
}

// ---------------------------------------------------------------------------------------------
// A module out of step with its spec: an error from `build`, never a panic.

struct Skewed;

impl rt::Provider for Skewed {
    const SPEC: &'static rt::ProviderSpec = &SPEC;
    type Environment = SkewedIndex;
    type Placement = SkewedIndex;
    type Inputs = Inputs;
    type OptionalInput = rt::NoOptionalInputs;
    type TokenResponse = TokenResponse;
    type ErrorBody = rt::OAuthErrorBody;
    type Client = rt::TypedClient<Skewed>;
}

/// An index the spec does not have.
#[derive(Debug, Clone, Copy)]
struct SkewedIndex;

impl rt::Environment for SkewedIndex {
    fn index(self) -> usize {
        7
    }
}

impl rt::PlacementChoice for SkewedIndex {
    fn index(self) -> usize {
        9
    }
}

#[test]
fn an_index_out_of_step_with_the_spec_is_an_error() {
    let named = |result: Result<rt::TypedClient<Skewed>, Error>| match result {
        Err(rt::Error::InvalidInput(e)) => e.input,
        other => panic!("expected an invalid-input error, got {other:?}"),
    };
    assert_eq!(
        named(
            rt::Builder::<Skewed>::new(inputs())
                .environment(SkewedIndex)
                .build()
        ),
        "environment"
    );
    assert_eq!(
        named(
            rt::Builder::<Skewed>::new(inputs())
                .credential_placement(SkewedIndex)
                .build()
        ),
        "placement"
    );
    // The generic client works without a generated newtype too.
    let client = rt::Builder::<Skewed>::new(inputs())
        .build()
        .expect("valid inputs build");
    let request = client
        .call(rt::GrantKind::ClientCredentials, vec![])
        .request()
        .expect("a request");
    assert_eq!(request.method(), Method::POST);
}

/// A hand-written spec that accepts two header placements: the runtime client picks a
/// placement by kind, so the second cannot be chosen by index.
static TWO_HEADERS: rt::ProviderSpec = rt::ProviderSpec {
    name: "two_headers",
    credentials: rt::CredentialsSpec {
        preferred: 0,
        accepted: &[
            rt::Placement::Header {
                name: "X-Key",
                input: "client_secret",
                prefix: "",
            },
            rt::Placement::Header {
                name: "X-Other-Key",
                input: "client_secret",
                prefix: "",
            },
        ],
    },
    ..SPEC
};

struct TwoHeaders;

/// A placement by index.
#[derive(Debug, Clone, Copy)]
struct Nth(usize);

impl rt::PlacementChoice for Nth {
    fn index(self) -> usize {
        self.0
    }
}

impl rt::Provider for TwoHeaders {
    const SPEC: &'static rt::ProviderSpec = &TWO_HEADERS;
    type Environment = Environment;
    type Placement = Nth;
    type Inputs = Inputs;
    type OptionalInput = rt::NoOptionalInputs;
    type TokenResponse = TokenResponse;
    type ErrorBody = rt::OAuthErrorBody;
    type Client = rt::TypedClient<TwoHeaders>;
}

#[test]
fn a_placement_the_runtime_cannot_pick_by_kind_is_an_error_not_another_placement() {
    let first = rt::Builder::<TwoHeaders>::new(inputs())
        .credential_placement(Nth(0))
        .build()
        .expect("the first header placement");
    let request = first
        .call(rt::GrantKind::ClientCredentials, vec![])
        .request()
        .expect("a request");
    assert!(request.headers().contains_key("x-key"));

    match rt::Builder::<TwoHeaders>::new(inputs())
        .credential_placement(Nth(1))
        .build()
    {
        Err(rt::Error::InvalidInput(e)) => assert_eq!(e.input, "placement"),
        other => panic!("expected an invalid-input error, got {other:?}"),
    }
}
