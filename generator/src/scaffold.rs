//! `tokenspec new`: a commented skeleton spec that validates as it is, rendered with minijinja
//! from `templates/spec.yaml.j2`, for a grant, a credential placement and a token URL.

use crate::model::{GrantKind, ResponseFormat};
use crate::names;
use crate::template::TemplateError;
use heck::{ToSnakeCase, ToTitleCase};
use minijinja::context;

const SPEC_YAML: &str = include_str!("../templates/spec.yaml.j2");

/// The token URL of a skeleton when none is given.
pub const DEFAULT_URL: &str = "https://auth.example.com/oauth/token";

/// Where a skeleton's client puts its credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    /// An API key in a header.
    Header,
    /// HTTP Basic with client ID and secret.
    Basic,
    /// Client ID and secret in the body.
    Body,
    /// Client ID and secret in the query string.
    Query,
    /// A public client (RFC 6749 §2.1, spec format 1.1): the client ID alone in the body, no
    /// secret, PKCE required. For the authorization_code and refresh_token grants only.
    Public,
    /// `private_key_jwt` (spec format 1.1): a client assertion signed with the client's
    /// private key for every request (RFC 7523 §2.2, OpenID Connect Core §9).
    PrivateKeyJwt,
    /// `client_secret_jwt` (spec format 1.1): a client assertion MACed with the client secret
    /// (HS256) for every request (RFC 7523 §2.2, OpenID Connect Core §9).
    ClientSecretJwt,
    /// `tls_client_auth` (spec format 1.2): a TLS client certificate issued by a CA the
    /// provider trusts, and the client ID in the body (RFC 8705 §2.1).
    TlsClientAuth,
    /// `self_signed_tls_client_auth` (spec format 1.2): a self-signed TLS client certificate
    /// the provider registered (RFC 8705 §2.2).
    SelfSignedTlsClientAuth,
    /// `headers` (spec format 1.2): an application key and an API key in two headers at once,
    /// the second inside a template (`Authorization: Bearer {api_key}`).
    Headers,
}

impl Auth {
    /// Every placement.
    pub const ALL: [Auth; 10] = [
        Auth::Header,
        Auth::Basic,
        Auth::Body,
        Auth::Query,
        Auth::Public,
        Auth::PrivateKeyJwt,
        Auth::ClientSecretJwt,
        Auth::TlsClientAuth,
        Auth::SelfSignedTlsClientAuth,
        Auth::Headers,
    ];

    /// The placement as the spec spells it.
    pub fn name(self) -> &'static str {
        match self {
            Auth::Header => "header",
            Auth::Basic => "basic",
            Auth::Body => "body",
            Auth::Query => "query",
            Auth::Public => "public",
            Auth::PrivateKeyJwt => "private_key_jwt",
            Auth::ClientSecretJwt => "client_secret_jwt",
            Auth::TlsClientAuth => "tls_client_auth",
            Auth::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
            Auth::Headers => "headers",
        }
    }

    /// The credential placement the skeleton prefers: a public client's ID goes in the body.
    pub fn placement(self) -> &'static str {
        match self {
            Auth::Public => "body",
            other => other.name(),
        }
    }

    /// Whether a skeleton of `grant` can use this: a public client has no secret, so it cannot
    /// use the client credentials grant (RFC 6749 §4.4: confidential clients only), and the
    /// key exchange (`none`) is no OAuth client at all. An extension grant may be a public
    /// client's (the device grant of RFC 8628 §3.4 is).
    ///
    /// A client assertion authenticates an OAuth client (RFC 7523 §2.2): a key exchange has
    /// none.
    pub fn allows(self, grant: GrantKind) -> bool {
        match self {
            Auth::Public => matches!(
                grant,
                GrantKind::AuthorizationCode | GrantKind::RefreshToken | GrantKind::Extension
            ),
            Auth::PrivateKeyJwt | Auth::ClientSecretJwt => grant != GrantKind::None,
            // RFC 8705 §2 authenticates an OAuth client too.
            Auth::TlsClientAuth | Auth::SelfSignedTlsClientAuth => grant != GrantKind::None,
            _ => true,
        }
    }
}

/// What `tokenspec new` was asked for.
#[derive(Debug, Clone)]
pub struct Request {
    /// The provider name (snake_case).
    pub provider: String,
    /// The one grant of the skeleton.
    pub grant: GrantKind,
    /// Where credentials go.
    pub auth: Auth,
    /// How the endpoint answers (spec format 1.1 `response.format`): `Json` writes no key.
    pub response: ResponseFormat,
    /// The token URL; [`DEFAULT_URL`] when `None`.
    pub url: Option<String>,
}

/// Why no skeleton was written.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    /// The provider name cannot be one.
    #[error("`{name}` cannot be a provider name: {reason}")]
    Name { name: String, reason: String },
    /// `--auth public` with a grant a public client cannot use ([`Auth::allows`]).
    #[error(
        "a public client (no secret) cannot use the {grant} grant (RFC 6749 §4.4 is for \
         confidential clients); use --grant authorization-code, refresh-token or extension, or another --auth"
    )]
    PublicClient { grant: &'static str },
    /// `--auth private_key_jwt` or `client_secret_jwt` with the key exchange, which has no
    /// OAuth client to authenticate.
    #[error(
        "{auth} authenticates an OAuth client (RFC 7523 §2.2), and a key exchange (grant none) \
         has none; use another --grant, or --auth header"
    )]
    AssertionWithoutGrant { auth: &'static str },
    /// `--auth tls_client_auth` or `self_signed_tls_client_auth` with the key exchange, which
    /// has no OAuth client to authenticate.
    #[error(
        "{auth} authenticates an OAuth client by its TLS certificate (RFC 8705 §2), and a key \
         exchange (grant none) has none; use another --grant, or --auth header"
    )]
    TlsWithoutGrant { auth: &'static str },
    /// The URL has a `{variable}` that is not a snake_case input name.
    #[error("the URL's variable `{{{name}}}` is not a snake_case input name")]
    Variable { name: String },
    /// The template failed (a generator bug).
    #[error(transparent)]
    Template(#[from] TemplateError),
}

/// The text of `specs/<provider>.yaml` for `request`. It validates as it is (the caller checks
/// once more before writing, so a bad `--url` is reported as a diagnostic).
pub fn render(request: &Request) -> Result<String, ScaffoldError> {
    if let Err(mut reason) = names::check_provider_name(&request.provider) {
        let snake = request.provider.to_snake_case();
        if snake != request.provider && names::check_provider_name(&snake).is_ok() {
            reason.push_str(&format!(" (did you mean `{snake}`?)"));
        }
        return Err(ScaffoldError::Name {
            name: request.provider.clone(),
            reason,
        });
    }
    if !request.auth.allows(request.grant) {
        return Err(match request.auth {
            Auth::PrivateKeyJwt | Auth::ClientSecretJwt => ScaffoldError::AssertionWithoutGrant {
                auth: request.auth.name(),
            },
            Auth::TlsClientAuth | Auth::SelfSignedTlsClientAuth => ScaffoldError::TlsWithoutGrant {
                auth: request.auth.name(),
            },
            _ => ScaffoldError::PublicClient {
                grant: request.grant.name(),
            },
        });
    }
    let token_url = request
        .url
        .clone()
        .unwrap_or_else(|| DEFAULT_URL.to_owned());
    let (host_vars, path_vars) = url_variables(&token_url)?;
    let authorize_url = match token_url.strip_suffix("/token") {
        Some(base) => format!("{base}/authorize"),
        None => match token_url.find("://").and_then(|i| {
            token_url[i + 3..]
                .find('/')
                .map(|j| token_url[..i + 3 + j].to_owned())
        }) {
            Some(origin) => format!("{origin}/authorize"),
            None => format!("{token_url}/authorize"),
        },
    };
    let grant = request.grant;
    let auth = request.auth;
    let body = if grant == GrantKind::None && auth != Auth::Body {
        "none"
    } else {
        "form"
    };
    let mut env = crate::template::environment();
    let error = |e: minijinja::Error| TemplateError {
        name: "spec.yaml.j2".into(),
        message: e.to_string(),
    };
    env.add_template("spec.yaml.j2", SPEC_YAML).map_err(error)?;
    let text = env
        .get_template("spec.yaml.j2")
        .and_then(|t| {
            t.render(context! {
                modeline => crate::load::schema::MODELINE,
                command => command(request),
                provider => request.provider.as_str(),
                name => yaml_name(&request.provider),
                title => request.provider.to_title_case(),
                docs => "https://example.com/TODO-token-endpoint-documentation",
                grant => grant.name(),
                auth => auth.name(),
                response_format => request.response.name(),
                placement => auth.placement(),
                body => body,
                token_url => token_url.as_str(),
                authorize_url => authorize_url.as_str(),
                host_vars => host_vars,
                path_vars => path_vars,
                needs_client_id => !matches!(auth, Auth::Header | Auth::Headers)
                    || grant == GrantKind::AuthorizationCode,
            })
        })
        .map_err(error)?;
    Ok(text)
}

/// A provider name as the value of `name:`: plain, unless YAML would read the plain word as
/// null or a boolean (`null`, `true`, `yes`...: YAML 1.2 core schema and the YAML 1.1 words some
/// readers still apply), which is quoted so the spec says the string.
fn yaml_name(name: &str) -> String {
    const NOT_STRINGS: &[&str] = &["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    if NOT_STRINGS.contains(&name) {
        crate::template::yaml_scalar(name.to_owned())
    } else {
        name.to_owned()
    }
}

/// The command that writes the skeleton of `request`, as the skeleton's header shows it: only
/// the options that differ from the defaults, the URL quoted for a shell.
pub fn command(request: &Request) -> String {
    let mut command = format!("cargo run -p tokenspec -- new {}", request.provider);
    if request.grant != GrantKind::ClientCredentials {
        command.push_str(&format!(" --grant {}", request.grant.name()));
    }
    if request.auth != Auth::Basic {
        command.push_str(&format!(" --auth {}", request.auth.name()));
    }
    if request.response != ResponseFormat::Json {
        command.push_str(&format!(" --response {}", request.response.name()));
    }
    if let Some(url) = &request.url {
        // Single quotes keep `{tenant}`, `?` and `&` from the shell; a control character
        // (which would end the YAML comment) is shown escaped.
        let quoted: String = url
            .chars()
            .flat_map(|c| match c {
                '\'' => "'\\''".chars().collect::<Vec<_>>(),
                c if c.is_control() => c.escape_default().collect(),
                c => vec![c],
            })
            .collect();
        command.push_str(&format!(" --url '{quoted}'"));
    }
    command
}

/// The `{variables}` of a URL, split into host and path ones, each a usable input name.
fn url_variables(url: &str) -> Result<(Vec<String>, Vec<String>), ScaffoldError> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let host_end = url[start..].find('/').map_or(url.len(), |i| start + i);
    let (mut host, mut path) = (Vec::new(), Vec::new());
    let mut offset = 0;
    while let Some(open) = url[offset..].find('{') {
        let open = offset + open;
        let Some(close) = url[open..].find('}') else {
            break;
        };
        let close = open + close;
        let name = &url[open + 1..close];
        let usable = name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !usable {
            return Err(ScaffoldError::Variable {
                name: name.to_owned(),
            });
        }
        let list = if open < host_end {
            &mut host
        } else {
            &mut path
        };
        if !list.iter().any(|v| v == name) {
            list.push(name.to_owned());
        }
        offset = close + 1;
    }
    Ok((host, path))
}
