//! Against a real OAuth 2.0 server: Authlib's token endpoint (`tests/authlib/server.py`, pinned
//! in `tests/authlib/requirements.txt`) with client_credentials and refresh_token grants.
//!
//! Authlib url-decodes HTTP Basic credentials, as RFC 6749 section 2.3.1 asks. The client's id
//! holds a `:` and its secret `%`, `+`, `:` and `/`: sent form-encoded (the default) they reach
//! the server intact, sent raw (`encoding: raw`) the secret decodes into another one and the
//! server answers 401 `invalid_client`, with a `WWW-Authenticate` challenge the error keeps.
//!
//! The Python side lives in a virtual environment under Cargo's target directory
//! (`target/tmp/authlib-venv`), created and filled from PyPI by the first run that needs it;
//! later runs reuse it. The test needs `python3` (3.9 or newer) with `venv`, and PyPI on the
//! first run.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;
use tokenspec_runtime::{self as rt, Client, Error, GrantKind};

/// Every character that form encoding changes, and one it turns into `%3A`.
const SECRET: &str = "p%41ss+w:rd/x";
/// A client id only form encoding can send in HTTP Basic (RFC 7617 section 2: a raw user id
/// cannot contain a colon). No space: Authlib decodes with `unquote`, which keeps a `+`.
const COLON_ID: &str = "tokenspec:client/1";
/// A client id that raw and form encoding send alike.
const PLAIN_ID: &str = "tokenspec-plain";
const REFRESH_TOKEN: &str = "rt-authlib-7f3a";
/// The Authlib version the server is pinned to (`requirements.txt`).
const AUTHLIB_VERSION: &str = "1.9.10";

/// A provider like the seeds, with a token endpoint Authlib serves: HTTP Basic with
/// `$encoding` preferred, the body accepted.
macro_rules! authlib_provider {
    ($name:literal, $encoding:expr) => {
        rt::ProviderSpec {
            name: $name,
            title: "Authlib",
            description: "Authlib's token endpoint.",
            docs: "https://docs.authlib.org/",
            default_environment: "local",
            environments: &[rt::EnvironmentSpec {
                name: "local",
                token_url: "https://authlib.example/oauth/token",
                authorize_url: None,
                discovery: None,
            }],
            inputs: &[
                rt::InputSpec {
                    name: "client_id",
                    description: "Client id.",
                    secret: false,
                    required: true,
                    per_request: false,
                    pattern: None,
                    default: None,
                    location: rt::InputLocation::Param,
                },
                rt::InputSpec {
                    name: "client_secret",
                    description: "Client secret.",
                    secret: true,
                    required: true,
                    per_request: false,
                    pattern: None,
                    default: None,
                    location: rt::InputLocation::Param,
                },
                rt::InputSpec {
                    name: "refresh_token",
                    description: "Refresh token.",
                    secret: true,
                    required: true,
                    per_request: true,
                    pattern: None,
                    default: None,
                    location: rt::InputLocation::Param,
                },
            ],
            credentials: rt::CredentialsSpec {
                preferred: 0,
                accepted: &[
                    rt::Placement::Basic {
                        user: Some("client_id"),
                        password: "client_secret",
                        encoding: $encoding,
                    },
                    rt::Placement::Body(&[
                        ("client_id", "client_id"),
                        ("client_secret", "client_secret"),
                    ]),
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
                    params: &[],
                    authorize_params: &[],
                    pkce: rt::Pkce::None,
                    assertion: None,
                    authorize: rt::AuthorizeSpec::DEFAULT,
                    overrides: rt::GrantOverrides::DEFAULT,
                },
                rt::GrantSpec {
                    kind: rt::GrantKind::RefreshToken,
                    extension: None,
                    description: "",
                    params: &[rt::ParamSpec {
                        name: "refresh_token",
                        source: rt::ParamSource::Input("refresh_token"),
                        location: rt::ParamLocation::Body,
                    }],
                    authorize_params: &[],
                    pkce: rt::Pkce::None,
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
                rt::FieldSpec {
                    name: "access_token",
                    wire: &["access_token"],
                    ty: rt::FieldType::Secret,
                    required: true,
                    default: None,
                    description: "",
                    header: None,
                },
                rt::FieldSpec {
                    name: "token_type",
                    wire: &["token_type"],
                    ty: rt::FieldType::TokenType,
                    required: true,
                    default: None,
                    description: "",
                    header: None,
                },
                rt::FieldSpec {
                    name: "expires_in",
                    wire: &["expires_in"],
                    ty: rt::FieldType::Seconds,
                    required: false,
                    default: None,
                    description: "",
                    header: None,
                },
                rt::FieldSpec {
                    name: "scope",
                    wire: &["scope"],
                    ty: rt::FieldType::Scopes,
                    required: false,
                    default: None,
                    description: "",
                    header: None,
                },
            ],
            response_format: rt::ResponseFormat::Json,
            errors: rt::ErrorFormat::OAuth2,
            expiry: rt::Expiry::Default,
            access_lifetime: None,
            refresh_lifetime: None,
            claims: &[],
            headers: &[],
        }
    };
}

static FORM: rt::ProviderSpec = authlib_provider!("authlib_form", rt::BasicEncoding::Form);
static RAW: rt::ProviderSpec = authlib_provider!("authlib_raw", rt::BasicEncoding::Raw);
/// The form provider with its token URL discovered from the server's RFC 8414 metadata (spec
/// format 1.2).
static DISCOVERED: rt::ProviderSpec = rt::ProviderSpec {
    name: "authlib_discovered",
    environments: &[rt::EnvironmentSpec {
        name: "local",
        discovery: Some(rt::Discovery {
            issuer: "https://authlib.example",
            kind: rt::DiscoveryKind::OAuth,
        }),
        ..rt::EnvironmentSpec::DEFAULT
    }],
    ..FORM
};

/// The virtual environment's Python with the pinned Authlib and Flask, set up once per run.
fn python() -> &'static Path {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| setup_venv().unwrap_or_else(|e| panic!("Authlib environment: {e}")))
}

fn venv_python(venv: &Path) -> PathBuf {
    if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    }
}

/// Whether `python` imports the pinned Authlib and Flask.
fn has_authlib(python: &Path) -> bool {
    Command::new(python)
        .args([
            "-c",
            &format!("import authlib, flask; assert authlib.__version__ == {AUTHLIB_VERSION:?}"),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn setup_venv() -> Result<PathBuf, String> {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let venv = target.join("authlib-venv");
    if has_authlib(&venv_python(&venv)) {
        return Ok(venv_python(&venv));
    }
    // Built aside and renamed into place, so that a concurrent run never sees half of it.
    let building = target.join(format!("authlib-venv.building-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&building);
    let base = ["python3", "python"]
        .into_iter()
        .find(|p| {
            Command::new(p)
                .args(["-c", "import sys, venv; assert sys.version_info >= (3, 9)"])
                .stdin(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .ok_or("no python3 (3.9 or newer, with venv) on PATH")?;
    run(Command::new(base).args(["-m", "venv"]).arg(&building))?;
    let requirements = Path::new(env!("CARGO_MANIFEST_DIR")).join("authlib/requirements.txt");
    run(Command::new(venv_python(&building))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-input",
            "-r",
        ])
        .arg(&requirements))?;
    if !has_authlib(&venv_python(&building)) {
        return Err(format!(
            "Authlib {AUTHLIB_VERSION} missing after pip install"
        ));
    }
    let _ = std::fs::remove_dir_all(&venv);
    if std::fs::rename(&building, &venv).is_err() {
        // Another run put its environment in place first: use that one.
        let _ = std::fs::remove_dir_all(&building);
    }
    let python = venv_python(&venv);
    if has_authlib(&python) {
        Ok(python)
    } else {
        Err(format!("no usable environment at {}", venv.display()))
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The Authlib server process; killed when dropped, and it stops by itself when its stdin
/// closes (if the test process dies first).
struct AuthlibServer {
    child: Child,
    base_url: String,
}

impl AuthlibServer {
    fn start() -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("authlib/server.py");
        let mut child = Command::new(python())
            .arg(script)
            .args([SECRET, REFRESH_TOKEN, COLON_ID, PLAIN_ID])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the Authlib server");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let mut server = AuthlibServer {
            child,
            base_url: String::new(),
        };
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the server prints its port");
        let port: u16 = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("not a port line: {line:?}"));
        server.base_url = format!("http://127.0.0.1:{port}");
        server
    }

    fn client(&self, provider: &'static rt::ProviderSpec, client_id: &str) -> Client {
        let mut client = Client::new(provider);
        client.set_base_url::<()>(&self.base_url).expect("loopback");
        client.set::<()>("client_id", client_id).expect("client id");
        client.set::<()>("client_secret", SECRET).expect("secret");
        client.set_options(rt::HttpOptions {
            retry: rt::RetryPolicy::none(),
            ..Default::default()
        });
        client
    }
}

impl Drop for AuthlibServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn access_token(token: &rt::TokenData) -> String {
    token
        .get("access_token")
        .and_then(|v| v.as_str())
        .expect("an access token")
        .to_owned()
}

#[tokio::test]
async fn authlib_accepts_form_encoded_basic_and_body_credentials() {
    let server = AuthlibServer::start();
    for id in [COLON_ID, PLAIN_ID] {
        let client = server.client(&FORM, id);
        let token = client
            .fetch(GrantKind::ClientCredentials, &[])
            .await
            .unwrap_or_else(|e| panic!("client_secret_basic for {id:?}: {e}"));
        assert!(!access_token(&token).is_empty());
        let refreshed = client
            .fetch(GrantKind::RefreshToken, &[("refresh_token", REFRESH_TOKEN)])
            .await
            .unwrap_or_else(|e| panic!("refresh with client_secret_basic for {id:?}: {e}"));
        assert_eq!(
            refreshed
                .get("scope")
                .and_then(|v| v.as_array())
                .map(Vec::len),
            Some(1),
            "{refreshed:?}"
        );

        let mut body = client.clone();
        body.set_placement::<()>("body").expect("accepted");
        body.fetch(GrantKind::ClientCredentials, &[])
            .await
            .unwrap_or_else(|e| panic!("client_secret_post for {id:?}: {e}"));
    }

    // A refused refresh token is Authlib's invalid_grant, not a client failure.
    match server
        .client(&FORM, COLON_ID)
        .fetch(GrantKind::RefreshToken, &[("refresh_token", "rt-unknown")])
        .await
    {
        Err(Error::Provider(e)) => {
            assert_eq!(e.status, 400);
            assert_eq!(e.body.0.get("error"), Some(&"invalid_grant".into()));
        }
        other => panic!("expected invalid_grant, got {other:?}"),
    }
}

#[tokio::test]
async fn authlib_refuses_the_raw_secret_with_401_invalid_client() {
    let server = AuthlibServer::start();
    let error = server
        .client(&RAW, PLAIN_ID)
        .fetch(GrantKind::ClientCredentials, &[])
        .await
        .expect_err("the raw secret is not the client's");
    let Error::Provider(e) = &error else {
        panic!("expected a provider error, got {error:?}");
    };
    assert_eq!(e.status, 401);
    assert_eq!(e.body.0.get("error"), Some(&"invalid_client".into()));
    let challenge = e
        .www_authenticate
        .as_deref()
        .expect("RFC 6749 section 5.2: a 401 after Basic names the scheme");
    assert!(
        challenge.starts_with(r#"Basic error="invalid_client""#),
        "{challenge}"
    );
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(SECRET), "{shown}");

    // Raw Basic cannot send a user id with a colon (RFC 7617 section 2): refused, not sent.
    let error = server
        .client(&RAW, COLON_ID)
        .fetch(GrantKind::ClientCredentials, &[])
        .await
        .expect_err("a colon in a raw user id");
    match error {
        Error::InvalidInput(e) => {
            assert_eq!(e.input, "client_id");
            assert!(e.reason.contains("RFC 7617"), "{}", e.reason);
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }

    // The body placement of the same spec works with the same secret: the difference is the
    // Basic encoding alone.
    let mut body = server.client(&RAW, PLAIN_ID);
    body.set_placement::<()>("body").expect("accepted");
    body.fetch(GrantKind::ClientCredentials, &[])
        .await
        .expect("client_secret_post");
}

/// Discovery (spec format 1.2) against a real implementation: Authlib's model of RFC 8414
/// section 2 checks the document it serves, and the client reads its token endpoint from it
/// (RFC 8414 section 3.1: the well-known path of an issuer without a path).
#[tokio::test]
async fn the_token_endpoint_is_discovered_from_authlibs_rfc_8414_metadata() {
    let server = AuthlibServer::start();
    let client = server.client(&DISCOVERED, PLAIN_ID);
    let endpoints = client
        .discover()
        .await
        .expect("Authlib's metadata is accepted")
        .expect("the environment has an issuer");
    assert_eq!(
        endpoints.token_endpoint.as_deref(),
        Some("https://authlib.example/oauth/token")
    );
    let token = client
        .fetch(GrantKind::ClientCredentials, &[])
        .await
        .expect("a token from the discovered endpoint");
    assert!(!access_token(&token).is_empty());
}
