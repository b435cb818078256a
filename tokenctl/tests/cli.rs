//! End-to-end tests of the `tokenctl` binary: every provider and grant against a local
//! loopback server that records requests and answers scripted responses (the documented
//! success and error bodies of the seed documents), dry-run snapshots, masking, exit statuses.

use base64::Engine as _;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Secrets used below. Each is checked to appear nowhere in output unless --reveal.

const SW_KEY: &str = "sw-api-key-QX81";
const SD_SECRET: &str = "sd-secret-7Hk2";
const LL_SECRET: &str = "ll-secret-Zp40";
const BS_SECRET: &str = "bs-secret-Rw93";
const AM_SECRET: &str = "am-secret-Lm55";
const AM_REFRESH_IN: &str = "am-refresh-in-Tt61";
/// Refresh token the approvalmax server answers with (from the seed document).
const AM_REFRESH_OUT: &str = "C2495E877E3074027C0D232761D01B084FB264B3211588FA8932C8C01129B639";
const OPAQUE_TOKEN: &str = "opaque-access-token-Vb27";

/// Header and payload of the seed document's ApprovalMax access token, with a made-up
/// signature (claims are read without verification).
const AM_JWT: &str = "eyJhbGciOiJQUzI1NiIsImtpZCI6ImJiYTUzOWViOTVkNDQzNWE5NTUwNmI4NTdlYWNmZjhlIiwidHlwIjoiYXQrand0In0.eyJuYmYiOjE2ODIzNDQwMTMsImV4cCI6MTY4MjM0NzYxMywiaXNzIjoiaHR0cHM6Ly9pZGVudGl0eWRldjA0LmFwcHJvdmFsbWF4LmNvbSIsImNsaWVudF9pZCI6IjMzOENENUUwQUJBNzQ0REI5MTE4MzhGOUY5QjA5Q0ZEIiwic3ViIjoiOTI1ODE4MDQtZjIwMi00YTg3LTkwYjEtYTRjOTY3N2I5MTQ2IiwiYXV0aF90aW1lIjoxNjgyMzMyODcyLCJpZHAiOiJBTVJlbW90ZSIsImh0dHBzOi8vd3d3LmFwcHJvdmFsbWF4LmNvbS9jb25uZWN0aW9uIjoiNGEyNTQxMDQtYjU4ZC00ZjJhLTgwNWEtNTk5ZWE4MTg0NmI5IiwianRpIjoiQjJBNEU2QjRDMkQyODk2Qjc2NUY1QTM2RUY5NzYyMzQiLCJzaWQiOiIwRTA1OTExNTUzQTBCNUEyQTYwNUFEQjBBMDlFOUYyRCIsImlhdCI6MTY4MjM0MzcxOCwic2NvcGUiOlsiaHR0cHM6Ly93d3cuYXBwcm92YWxtYXguY29tL3Njb3Blcy9wdWJsaWNfYXBpIiwib2ZmbGluZV9hY2Nlc3MiXSwiYW1yIjpbImV4dGVybmFsIl19.c2lnbmF0dXJl";

const PROVIDERS: &[&str] = &[
    "approvalmax",
    "brainysoft",
    "learnlink",
    "smartdocumentor",
    "smartway",
];

fn b64url(data: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(data)
}

/// A JWT with `claims` as payload and a fake signature.
fn jwt(claims: &Value) -> String {
    format!(
        "{}.{}.c2ln",
        b64url(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64url(&claims.to_string())
    )
}

fn smartway_jwt() -> String {
    jwt(&json!({"companyId": 4711, "hrEmail": "hr@example.com", "exp": 1893456000}))
}

// ---------------------------------------------------------------------------------------------
// The local server.

/// One request as the server received it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    /// Path and query.
    target: String,
    /// Lower-case names.
    headers: BTreeMap<String, String>,
    body: String,
}

impl Recorded {
    fn form(&self) -> BTreeMap<String, String> {
        form_pairs(&self.body)
    }

    fn query(&self) -> BTreeMap<String, String> {
        self.target
            .split_once('?')
            .map(|(_, q)| form_pairs(q))
            .unwrap_or_default()
    }

    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    fn basic(&self) -> (String, String) {
        let header = self.headers.get("authorization").expect("authorization");
        let encoded = header.strip_prefix("Basic ").expect("Basic scheme");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .expect("base64");
        let decoded = String::from_utf8(decoded).expect("utf-8");
        let (user, password) = decoded.split_once(':').expect("user:password");
        (user.to_owned(), password.to_owned())
    }
}

fn form_pairs(text: &str) -> BTreeMap<String, String> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let text = text.replace('+', " ");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("hex");
            out.push(u8::from_str_radix(hex, 16).expect("hex digit"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// What the server does with one connection.
enum Reply {
    /// Answer with this status, content type and body.
    Answer(u16, &'static str, String),
    /// Answer 401 with this `WWW-Authenticate` challenge and this JSON body.
    Challenge(&'static str, String),
    /// Read the request, then never answer.
    Hang,
    /// Answer 401 `invalid_client` with the request's `Authorization` header echoed in the
    /// `error_description` (and `message`), as some servers do.
    EchoAuthorization,
}

fn json_reply(status: u16, body: &Value) -> Reply {
    Reply::Answer(status, "application/json", body.to_string())
}

struct Server {
    base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl Server {
    /// Serves `replies` in order, one connection each, on 127.0.0.1; each connection is
    /// handled on its own thread, so a retry after a hanging answer is still recorded. Once
    /// the replies are used up, connections are refused.
    fn start(replies: Vec<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let recorded = requests.clone();
        std::thread::spawn(move || {
            for reply in replies {
                let Ok((stream, _)) = listener.accept() else {
                    return;
                };
                let recorded = recorded.clone();
                std::thread::spawn(move || handle(stream, reply, &recorded));
            }
        });
        Server { base_url, requests }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    fn only_request(&self) -> Recorded {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "exactly one request: {requests:?}");
        requests[0].clone()
    }
}

fn handle(stream: TcpStream, reply: Reply, recorded: &Mutex<Vec<Recorded>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_owned();
    let target = parts.next().unwrap_or("").to_owned();
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.trim_end().split_once(':') {
            headers.insert(name.to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    recorded.lock().expect("lock").push(Recorded {
        method,
        target,
        headers,
        body: String::from_utf8(body).expect("utf-8 body"),
    });
    let mut stream = stream;
    match reply {
        Reply::Answer(status, content_type, body) => {
            let response = format!(
                "HTTP/1.1 {status} Scripted\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.flush();
        }
        Reply::Challenge(challenge, body) => {
            let response = format!(
                "HTTP/1.1 401 Scripted\r\nwww-authenticate: {challenge}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.flush();
        }
        Reply::Hang => std::thread::sleep(Duration::from_secs(20)),
        Reply::EchoAuthorization => {
            let header = recorded
                .lock()
                .expect("lock")
                .last()
                .map(|r| r.headers.get("authorization").cloned().unwrap_or_default());
            let echo = format!("rejected Authorization: {}", header.unwrap_or_default());
            // `message` for learnlink's documented error shape.
            let body = json!({
                "error": "invalid_client",
                "error_description": echo,
                "message": echo,
            })
            .to_string();
            let response = format!(
                "HTTP/1.1 401 Scripted\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes());
            let _ = stream.flush();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running the binary.

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// The printed token without its `lifetime`, after checking that: `seconds` left, set by
    /// `from`, ending at an RFC 3339 UTC instant that many seconds after the command ran.
    #[track_caller]
    fn token_json(&self, seconds: u64, from: &str) -> Value {
        let mut out = self.json();
        let lifetime = out
            .as_object_mut()
            .and_then(|o| o.remove("lifetime"))
            .unwrap_or_else(|| panic!("no lifetime: {self:?}"));
        assert_eq!(lifetime["seconds_left"], seconds, "{lifetime}");
        assert_eq!(lifetime["from"], from, "{lifetime}");
        let text = lifetime["expires_at"].as_str().expect("an RFC 3339 string");
        assert!(text.ends_with('Z'), "UTC: {text}");
        let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .expect("RFC 3339");
        let expected = time::OffsetDateTime::now_utc() + time::Duration::seconds(seconds as i64);
        assert!((expected - at).whole_seconds().abs() <= 60, "{text}");
        out
    }

    #[track_caller]
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit status: {self:?}");
        self
    }

    /// Asserts exit 2 with nothing on stdout and `needles` on stderr.
    #[track_caller]
    fn assert_usage(&self, needles: &[&str]) {
        self.assert_code(2);
        assert_eq!(self.stdout, "", "nothing on stdout: {self:?}");
        for needle in needles {
            assert!(
                self.stderr.contains(needle),
                "stderr lacks {needle:?}: {self:?}"
            );
        }
        assert!(!self.stderr.contains("panicked"), "{self:?}");
    }

    /// Asserts none of `secrets` appears in stdout or stderr.
    #[track_caller]
    fn assert_hides(&self, secrets: &[&str]) {
        for secret in secrets {
            assert!(
                !self.stdout.contains(secret) && !self.stderr.contains(secret),
                "secret {secret:?} leaked: {self:?}"
            );
        }
    }
}

fn tokenctl(args: &[&str]) -> Run {
    tokenctl_env(args, &[])
}

fn tokenctl_env(args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tokenctl"));
    command.args(args);
    // Inputs come from TOKENSPEC_* variables: only the test's own may reach the binary.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy().into_owned();
        if name.starts_with("TOKENSPEC_") || name.to_ascii_lowercase().ends_with("_proxy") {
            command.env_remove(&name);
        }
    }
    command.envs(env.iter().copied());
    let output = command.output().expect("run tokenctl");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// `tokenctl token <provider> <args> --base-url <server>`.
fn token(server: &Server, provider: &str, args: &[&str]) -> Run {
    let mut all = vec!["token", provider];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--base-url", &server.base_url]);
    tokenctl(&all)
}

// Arguments of each provider's inputs.
const SMARTWAY: &[&str] = &["--set", "company_api_key=sw-api-key-QX81"];
const SMARTDOCUMENTOR: &[&str] = &[
    "--set",
    "client_id=sd-client",
    "--set",
    "client_secret=sd-secret-7Hk2",
];
const LEARNLINK: &[&str] = &[
    "--set",
    "tenant_id=eu-west-2_AbcdEfghI",
    "--set",
    "client_secret=ll-secret-Zp40",
    "--set",
    "scope=api/read api/write",
];
const BRAINYSOFT: &[&str] = &[
    "--set",
    "customer_key=acme",
    "--set",
    "client_id=f81f7fb9-0000-0000-0000-000000000000",
    "--set",
    "client_secret=bs-secret-Rw93",
];
const APPROVALMAX: &[&str] = &[
    "--set",
    "client_id=8A59498C02D54104B7295D1CA08EA586",
    "--set",
    "client_secret=am-secret-Lm55",
    "--set",
    "redirect_uri=https://app.example/callback",
];
const APPROVALMAX_CODE: &[&str] = &[
    "--grant",
    "authorization_code",
    "--set",
    "code=code-123",
    "--set",
    "code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
];
const APPROVALMAX_REFRESH: &[&str] = &[
    "--grant",
    "refresh_token",
    "--set",
    "refresh_token=am-refresh-in-Tt61",
];

fn args(parts: &[&[&str]]) -> Vec<String> {
    parts
        .iter()
        .flat_map(|p| p.iter().map(|s| (*s).to_owned()))
        .collect()
}

fn run_token(server: &Server, provider: &str, parts: &[&[&str]]) -> Run {
    let owned = args(parts);
    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    token(server, provider, &refs)
}

fn cli(parts: &[&[&str]]) -> Run {
    let owned = args(parts);
    let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
    tokenctl(&refs)
}

// ---------------------------------------------------------------------------------------------
// providers, describe

#[test]
fn providers_json_lists_every_provider() {
    let run = tokenctl(&["providers", "--json"]);
    run.assert_code(0);
    let list = run.json();
    let list = list.as_array().expect("array");
    let names: Vec<&str> = list.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, PROVIDERS);
    let by_name = |n: &str| list.iter().find(|p| p["name"] == n).unwrap().clone();

    let smartway = by_name("smartway");
    assert_eq!(smartway["title"], "LMS Smart Way");
    assert_eq!(smartway["grants"], json!(["none"]));
    assert_eq!(smartway["default_environment"], "production");
    assert_eq!(
        smartway["environments"],
        json!([{"name": "production", "url": "https://smartway.pro/api/v1/auth/token"}])
    );
    assert_eq!(
        by_name("approvalmax")["grants"],
        json!(["authorization_code", "refresh_token"])
    );
    assert_eq!(
        by_name("brainysoft")["environments"][0]["url"],
        "https://{customer_key}-auth.brainysoft.ru/oauth/token"
    );
    let learnlink = by_name("learnlink");
    assert_eq!(learnlink["grants"], json!(["client_credentials"]));
    let envs = learnlink["environments"].as_array().unwrap();
    assert_eq!(envs.len(), 8);
    assert!(envs.contains(&json!({
        "name": "staging_mea_webhooks",
        "url": "https://user.api.meastaging.learn.tech/oauth2/token/{tenant_id}"
    })));
    assert_eq!(
        by_name("smartdocumentor")["environments"][0]["url"],
        "https://cloud.smartdocumentor.net/connect/token"
    );
    for p in list {
        let keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "default_environment",
                "environments",
                "grants",
                "name",
                "title"
            ]
        );
    }
}

#[test]
fn providers_table_lists_every_provider() {
    let run = tokenctl(&["providers"]);
    run.assert_code(0);
    assert!(run.stdout.starts_with("NAME "), "{run:?}");
    for name in PROVIDERS {
        assert!(run.stdout.contains(name), "{name}: {run:?}");
    }
    assert!(run.stdout.contains("authorization_code, refresh_token"));
}

/// `(name, required, secret, placement)` of an input.
type InputRow = (&'static str, bool, bool, &'static str);

/// `(name, required, secret, placement)` of each input, in spec order.
fn inputs_of(describe: &Value) -> Vec<(String, bool, bool, String)> {
    describe["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert!(i["description"].as_str().is_some_and(|d| !d.is_empty()));
            (
                i["name"].as_str().unwrap().to_owned(),
                i["required"].as_bool().unwrap(),
                i["secret"].as_bool().unwrap(),
                i["placement"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn expected(rows: &[InputRow]) -> Vec<(String, bool, bool, String)> {
    rows.iter()
        .map(|(n, r, s, p)| ((*n).to_owned(), *r, *s, (*p).to_owned()))
        .collect()
}

#[test]
fn describe_json_of_every_provider() {
    let cases: &[(&str, &str, &[&str], &[InputRow])] = &[
        (
            "smartway",
            "https://smartway.pro/",
            &["none"],
            &[("company_api_key", true, true, "header:X-API-Key")],
        ),
        (
            "smartdocumentor",
            "https://cloud.smartdocumentor.net/",
            &["client_credentials"],
            &[
                ("client_id", true, false, "body"),
                ("client_secret", true, true, "body"),
            ],
        ),
        (
            "learnlink",
            "https://learn.link/",
            &["client_credentials"],
            &[
                ("tenant_id", true, false, "path"),
                ("client_secret", true, true, "basic_password"),
                ("scope", false, false, "body"),
            ],
        ),
        (
            "brainysoft",
            "https://brainysoft.ru/",
            &["client_credentials"],
            &[
                ("customer_key", true, false, "host"),
                ("client_id", true, false, "body"),
                ("client_secret", true, true, "body"),
            ],
        ),
        (
            "approvalmax",
            "https://www.approvalmax.com/",
            &["authorization_code", "refresh_token"],
            &[
                ("client_id", true, false, "body"),
                ("client_secret", true, true, "body"),
                ("redirect_uri", true, false, "body"),
                ("scope", false, false, "query"),
                ("state", true, false, "query"),
                // Secret although the spec does not say so: an authorization code and a PKCE
                // verifier are credentials (RFC 6749 §10.5, RFC 7636 §7.1).
                ("code", true, true, "body"),
                ("code_verifier", false, true, "body"),
                ("refresh_token", true, true, "body"),
            ],
        ),
    ];
    for (name, docs, grants, inputs) in cases {
        let run = tokenctl(&["describe", name, "--json"]);
        run.assert_code(0);
        let d = run.json();
        assert_eq!(d["name"], *name);
        assert_eq!(d["docs"], *docs);
        assert!(d["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert_eq!(d["grants"], json!(grants));
        assert_eq!(d["default_environment"], "production");
        assert!(
            d["environments"][0]["url"]
                .as_str()
                .unwrap()
                .starts_with("https://")
        );
        assert_eq!(inputs_of(&d), expected(inputs), "{name}");
        let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "default_environment",
                "docs",
                "environments",
                "grants",
                "inputs",
                "name",
                "title"
            ]
        );
    }
}

#[test]
fn describe_table_shows_inputs_and_environments() {
    let run = tokenctl(&["describe", "learnlink"]);
    run.assert_code(0);
    for needle in [
        "learnlink (learn.link public API)",
        "production (default)",
        "staging_mea_webhooks",
        "https://user.api.meastaging.learn.tech/oauth2/token/{tenant_id}",
        "tenant_id",
        "basic_password",
        "TOKENSPEC_CLIENT_SECRET",
    ] {
        assert!(run.stdout.contains(needle), "{needle}: {run:?}");
    }
    let run = tokenctl(&["describe", "approvalmax"]);
    run.assert_code(0);
    assert!(
        run.stdout
            .contains("https://identity.approvalmax.com/connect/authorize")
    );
}

// ---------------------------------------------------------------------------------------------
// Dry runs: snapshots of the exact request, secrets masked.

fn dry_run(provider: &str, parts: &[&[&str]]) -> Run {
    let mut all: Vec<&[&str]> = vec![&["token"], std::slice::from_ref(&provider)];
    all.extend_from_slice(parts);
    all.push(&["--dry-run"]);
    let run = cli(&all);
    run.assert_code(0);
    assert_eq!(run.stderr, "", "{run:?}");
    run
}

const ALL_SECRETS: &[&str] = &[
    SW_KEY,
    SD_SECRET,
    LL_SECRET,
    BS_SECRET,
    AM_SECRET,
    AM_REFRESH_IN,
];

#[test]
fn dry_run_smartway_none() {
    let run = dry_run("smartway", &[SMARTWAY]);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_smartdocumentor_client_credentials() {
    let run = dry_run("smartdocumentor", &[SMARTDOCUMENTOR]);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_learnlink_client_credentials_basic() {
    let run = dry_run("learnlink", &[LEARNLINK]);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_learnlink_body_placement_staging_mea_webhooks() {
    let run = dry_run(
        "learnlink",
        &[
            LEARNLINK,
            &["--env", "staging_mea_webhooks", "--placement", "body"],
        ],
    );
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_brainysoft_client_credentials_body() {
    let run = dry_run("brainysoft", &[BRAINYSOFT]);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_brainysoft_client_credentials_query() {
    let run = dry_run("brainysoft", &[BRAINYSOFT, &["--placement", "query"]]);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_approvalmax_authorization_code() {
    let run = dry_run("approvalmax", &[APPROVALMAX, APPROVALMAX_CODE]);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_approvalmax_refresh_token() {
    let run = dry_run("approvalmax", &[APPROVALMAX, APPROVALMAX_REFRESH]);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
}

#[test]
fn dry_run_approvalmax_basic_placement() {
    let run = dry_run(
        "approvalmax",
        &[APPROVALMAX, APPROVALMAX_CODE, &["--placement", "basic"]],
    );
    run.assert_hides(ALL_SECRETS);
    let out = run.json();
    assert_eq!(out["headers"]["authorization"], "Basic ***");
    let body = out["body"].as_str().unwrap();
    assert!(!body.contains("client_secret"), "{body}");
}

#[test]
fn dry_run_reveal_shows_credentials() {
    let run = dry_run("learnlink", &[LEARNLINK, &["--reveal"]]);
    let out = run.json();
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("eu-west-2_AbcdEfghI:{LL_SECRET}"))
    );
    assert_eq!(out["headers"]["authorization"], expected);

    let run = dry_run("smartdocumentor", &[SMARTDOCUMENTOR, &["--reveal"]]);
    assert!(
        run.json()["body"]
            .as_str()
            .unwrap()
            .contains(&format!("client_secret={SD_SECRET}"))
    );

    let run = dry_run("smartway", &[SMARTWAY, &["--reveal"]]);
    assert_eq!(run.json()["headers"]["x-api-key"], SW_KEY);

    let run = dry_run(
        "brainysoft",
        &[BRAINYSOFT, &["--placement", "query", "--reveal"]],
    );
    assert!(
        run.json()["url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("client_secret={BS_SECRET}"))
    );

    let run = dry_run(
        "approvalmax",
        &[APPROVALMAX, APPROVALMAX_REFRESH, &["--reveal"]],
    );
    let body = run.json()["body"].as_str().unwrap().to_owned();
    assert!(
        body.contains(&format!("refresh_token={AM_REFRESH_IN}")),
        "{body}"
    );
}

#[test]
fn dry_run_base_url_keeps_path_and_query() {
    let run = dry_run(
        "brainysoft",
        &[
            BRAINYSOFT,
            &[
                "--placement",
                "query",
                "--base-url",
                "http://127.0.0.1:8080",
            ],
        ],
    );
    let url = run.json()["url"].as_str().unwrap().to_owned();
    assert_eq!(
        url,
        "http://127.0.0.1:8080/oauth/token?grant_type=client_credentials&client_id=f81f7fb9-0000-0000-0000-000000000000&client_secret=***"
    );
    let run = dry_run(
        "learnlink",
        &[LEARNLINK, &["--base-url", "http://localhost:9"]],
    );
    assert_eq!(
        run.json()["url"],
        "http://localhost:9/oauth2/token/eu-west-2_AbcdEfghI"
    );
    let run = dry_run(
        "smartway",
        &[SMARTWAY, &["--base-url", "https://proxy.example:8443/"]],
    );
    assert_eq!(
        run.json()["url"],
        "https://proxy.example:8443/api/v1/auth/token"
    );
}

#[test]
fn authorize_url_approvalmax() {
    let run = cli(&[
        &["authorize-url", "approvalmax"],
        APPROVALMAX,
        &[
            "--set",
            "state=state-123",
            "--set",
            "code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        ],
    ]);
    run.assert_code(0);
    run.assert_hides(ALL_SECRETS);
    insta::assert_snapshot!(run.stdout);
    // RFC 7636 appendix B.
    assert!(run.stdout.contains(
        "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
    ));

    // PKCE is optional for approvalmax: no verifier, no challenge.
    let run = cli(&[
        &["authorize-url", "approvalmax"],
        APPROVALMAX,
        &["--set", "state=s"],
    ]);
    run.assert_code(0);
    assert!(
        run.stdout
            .starts_with("https://identity.approvalmax.com/connect/authorize?")
    );
    assert!(!run.stdout.contains("code_challenge"));
    assert!(run.stdout.contains("state=s"));
}

/// `authorize-url --base-url` (spec format 1.1) replaces scheme, host and port as `token
/// --base-url` does, keeping the authorize URL's path and query, with the same checks.
#[test]
fn authorize_url_base_url_keeps_path_and_query() {
    let state = &["--set", "state=state-123"][..];
    let plain = cli(&[&["authorize-url", "approvalmax"], APPROVALMAX, state]);
    plain.assert_code(0);
    let query = plain
        .stdout
        .trim_end()
        .strip_prefix("https://identity.approvalmax.com/connect/authorize?")
        .expect("the spec's authorize URL")
        .to_owned();
    assert!(query.contains("state=state-123"), "{query}");

    for (base, origin) in [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9/", "http://localhost:9"),
        ("https://proxy.example:8443", "https://proxy.example:8443"),
    ] {
        let run = cli(&[
            &["authorize-url", "approvalmax"],
            APPROVALMAX,
            state,
            &["--base-url", base],
        ]);
        run.assert_code(0);
        run.assert_hides(ALL_SECRETS);
        assert_eq!(
            run.stdout.trim_end(),
            format!("{origin}/connect/authorize?{query}"),
            "--base-url {base}"
        );
    }

    for (base, why) in [
        ("http://proxy.example:8080", "plain http"),
        ("http://127.0.0.1:8080/prefix", "may not have a path"),
        ("http://127.0.0.1:8080/?x=1", "may not have a path, query"),
        ("https://user:pw@proxy.example", "user info"),
        ("ftp://proxy.example", "is not https"),
        ("not a url", "does not parse"),
    ] {
        let run = cli(&[
            &["authorize-url", "approvalmax"],
            APPROVALMAX,
            state,
            &["--base-url", base],
        ]);
        run.assert_usage(&["base", why]);
        assert!(
            !run.stderr.contains("pw@"),
            "the URL is not echoed: {run:?}"
        );
    }
}

#[test]
fn authorize_url_errors() {
    // Not an authorization-code provider.
    for provider in ["smartway", "smartdocumentor", "learnlink", "brainysoft"] {
        tokenctl(&["authorize-url", provider])
            .assert_usage(&[provider, "no authorization_code grant"]);
    }
    tokenctl(&["authorize-url", "nope"]).assert_usage(&["unknown provider `nope`", "approvalmax"]);
    // State is required.
    cli(&[&["authorize-url", "approvalmax"], APPROVALMAX])
        .assert_usage(&["`state`", "--set state=VALUE"]);
}

// ---------------------------------------------------------------------------------------------
// Real fetches against the local server.

#[test]
fn smartway_fetch() {
    let token = smartway_jwt();
    let server = Server::start(vec![json_reply(
        200,
        &json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 900,
            "scope": "academy.read academy.write employees.read employees.write tests.read tests.write files.read"
        }),
    )]);
    let run = run_token(&server, "smartway", &[SMARTWAY]);
    run.assert_code(0);
    run.assert_hides(&[SW_KEY, &token]);
    let out = run.token_json(900, "expires_in");
    assert_eq!(
        out,
        json!({
            "access_token": "***",
            "token_type": "Bearer",
            "expires_in": 900,
            "scope": ["academy.read", "academy.write", "employees.read", "employees.write",
                      "tests.read", "tests.write", "files.read"],
            "claims": {"companyId": "4711", "hrEmail": "hr@example.com"}
        })
    );
    let request = server.only_request();
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/api/v1/auth/token");
    assert_eq!(request.headers["x-api-key"], SW_KEY);
    assert_eq!(request.body, "");
    assert!(!request.headers.contains_key("content-type"));
}

#[test]
fn smartway_fetch_reveal_and_env_input() {
    let token = smartway_jwt();
    let server = Server::start(vec![json_reply(
        200,
        &json!({"access_token": token, "token_type": "bearer"}),
    )]);
    let run = tokenctl_env(
        &[
            "token",
            "smartway",
            "--reveal",
            "--base-url",
            &server.base_url,
        ],
        &[("TOKENSPEC_COMPANY_API_KEY", SW_KEY)],
    );
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["access_token"], token.as_str());
    // RFC 6749 section 5.1: token_type is case-insensitive; printed as RFC 6750 spells it.
    assert_eq!(out["token_type"], "Bearer");
    // The spec's default lifetime when expires_in is absent.
    assert_eq!(out["expires_in"], 900);
    assert_eq!(out["lifetime"]["seconds_left"], 900);
    assert_eq!(out["claims"]["companyId"], "4711");
    assert_eq!(server.only_request().headers["x-api-key"], SW_KEY);
}

#[test]
fn set_wins_over_environment() {
    let server = Server::start(vec![json_reply(
        200,
        &json!({"access_token": smartway_jwt()}),
    )]);
    let run = tokenctl_env(
        &[
            "token",
            "smartway",
            "--set",
            "company_api_key=from-flag-key",
            "--base-url",
            &server.base_url,
        ],
        &[("TOKENSPEC_COMPANY_API_KEY", "from-env-key")],
    );
    run.assert_code(0);
    run.assert_hides(&["from-flag-key", "from-env-key"]);
    assert_eq!(server.only_request().headers["x-api-key"], "from-flag-key");
}

#[test]
fn smartway_token_that_is_not_a_jwt() {
    let server = Server::start(vec![json_reply(
        200,
        &json!({"access_token": OPAQUE_TOKEN, "expires_in": "600"}),
    )]);
    let run = run_token(&server, "smartway", &[SMARTWAY]);
    run.assert_code(0);
    run.assert_hides(&[SW_KEY, OPAQUE_TOKEN]);
    let out = run.json();
    assert_eq!(out["claims"], Value::Null);
    assert_eq!(out["expires_in"], 600);
    assert!(run.stderr.contains("warning"), "{run:?}");
}

#[test]
fn smartdocumentor_fetch() {
    let server = Server::start(vec![json_reply(
        200,
        &json!({"access_token": OPAQUE_TOKEN, "expires_in": 3600, "token_type": "Bearer", "scope": "WebAPI"}),
    )]);
    let run = run_token(&server, "smartdocumentor", &[SMARTDOCUMENTOR]);
    run.assert_code(0);
    run.assert_hides(&[SD_SECRET, OPAQUE_TOKEN]);
    assert_eq!(
        run.token_json(3600, "expires_in"),
        json!({"access_token": "***", "expires_in": 3600, "token_type": "Bearer", "scope": ["WebAPI"]})
    );
    let request = server.only_request();
    assert_eq!(request.target, "/connect/token");
    assert_eq!(
        request.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        request.form(),
        BTreeMap::from([
            ("grant_type".into(), "client_credentials".into()),
            ("scope".into(), "WebAPI".into()),
            ("client_id".into(), "sd-client".into()),
            ("client_secret".into(), SD_SECRET.into()),
        ])
    );

    // --reveal prints the token.
    let server = Server::start(vec![json_reply(
        200,
        &json!({"access_token": OPAQUE_TOKEN, "expires_in": 3600, "token_type": "Bearer", "scope": "WebAPI"}),
    )]);
    let run = run_token(
        &server,
        "smartdocumentor",
        &[SMARTDOCUMENTOR, &["--reveal"]],
    );
    run.assert_code(0);
    assert_eq!(run.json()["access_token"], OPAQUE_TOKEN);
}

#[test]
fn smartdocumentor_invalid_client() {
    let server = Server::start(vec![json_reply(400, &json!({"error": "invalid_client"}))]);
    let run = run_token(&server, "smartdocumentor", &[SMARTDOCUMENTOR]);
    run.assert_code(1);
    run.assert_hides(&[SD_SECRET]);
    assert_eq!(
        run.json(),
        json!({"error": {"status": 400, "error": "invalid_client"}})
    );
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert!(run.stderr.contains("HTTP 400") && run.stderr.contains("invalid_client"));
}

#[test]
fn provider_errors_keep_the_www_authenticate_challenge() {
    // RFC 6750 section 3 puts the only explanation in the challenge; this one also echoes the
    // client secret, which must not reach the output.
    let challenge: &'static str = Box::leak(
        format!(r#"Basic realm="token", error="invalid_client", error_description="bad secret {SD_SECRET}""#)
            .into_boxed_str(),
    );
    let server = Server::start(vec![Reply::Challenge(
        challenge,
        json!({"error": "invalid_client", "www_authenticate": "from the body"}).to_string(),
    )]);
    let run = run_token(&server, "smartdocumentor", &[SMARTDOCUMENTOR]);
    run.assert_code(1);
    run.assert_hides(&[SD_SECRET]);
    assert_eq!(
        run.json(),
        json!({"error": {
            "status": 401,
            "error": "invalid_client",
            // The header wins over a body field of the same name, as the status does.
            "www_authenticate": r#"Basic realm="token", error="invalid_client", error_description="bad secret ***""#,
        }})
    );
    // Without a challenge the object has no such member (smartdocumentor_invalid_client).
}

#[test]
fn learnlink_fetch() {
    let server = Server::start(vec![json_reply(
        200,
        &json!({"access_token": OPAQUE_TOKEN, "token_type": "Bearer", "expires_in": 3600, "scope": "api/read api/write"}),
    )]);
    let run = run_token(&server, "learnlink", &[LEARNLINK]);
    run.assert_code(0);
    run.assert_hides(&[LL_SECRET, OPAQUE_TOKEN]);
    assert_eq!(
        run.token_json(3600, "expires_in"),
        json!({"access_token": "***", "token_type": "Bearer", "expires_in": 3600, "scope": ["api/read", "api/write"]})
    );
    let request = server.only_request();
    assert_eq!(request.target, "/oauth2/token/eu-west-2_AbcdEfghI");
    assert_eq!(
        request.basic(),
        ("eu-west-2_AbcdEfghI".to_owned(), LL_SECRET.to_owned())
    );
    assert_eq!(
        request.form(),
        BTreeMap::from([
            ("grant_type".into(), "client_credentials".into()),
            ("scope".into(), "api/read api/write".into()),
        ])
    );
}

#[test]
fn learnlink_errors_have_the_documented_shape() {
    // 4xx answers are never retried; a 500 is, by default twice (3 attempts in all), and the
    // last answer is the one shown. One spare reply shows that no more attempts were made.
    for (status, error, attempts) in [
        (400, "Bad Request", 1),
        (401, "Unauthorized", 1),
        (500, "Internal Server Error", 3),
    ] {
        let server = Server::start(
            (0..4)
                .map(|_| {
                    Reply::Answer(
                        status,
                        "application/json",
                        format!(
                            r#"{{"status": {status}.0, "error": "{error}", "message": "details here"}}"#
                        ),
                    )
                })
                .collect(),
        );
        let run = run_token(&server, "learnlink", &[LEARNLINK]);
        run.assert_code(1);
        run.assert_hides(&[LL_SECRET]);
        assert_eq!(
            run.json(),
            json!({"error": {"status": status, "error": error, "message": "details here"}})
        );
        assert!(run.stderr.contains(&format!("HTTP {status}")), "{run:?}");
        assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
        assert_eq!(server.requests().len(), attempts, "HTTP {status}");
    }
}

#[test]
fn brainysoft_fetch() {
    let server = Server::start(vec![json_reply(
        200,
        &json!({
            "access_token": OPAQUE_TOKEN,
            "token_type": "Bearer",
            "expires_in": 299,
            "scope": "core_basic admin:read admin:write account:read",
            "sessid": "d7222674-bc8a-4db9-aa44-a9206cada8df"
        }),
    )]);
    let run = run_token(&server, "brainysoft", &[BRAINYSOFT]);
    run.assert_code(0);
    run.assert_hides(&[BS_SECRET, OPAQUE_TOKEN]);
    assert_eq!(
        run.token_json(299, "expires_in"),
        json!({
            "access_token": "***",
            "token_type": "Bearer",
            "expires_in": 299,
            "scope": ["core_basic", "admin:read", "admin:write", "account:read"],
            "sessid": "d7222674-bc8a-4db9-aa44-a9206cada8df"
        })
    );
    let request = server.only_request();
    assert_eq!(request.target, "/oauth/token");
    assert_eq!(
        request.form(),
        BTreeMap::from([
            ("grant_type".into(), "client_credentials".into()),
            (
                "client_id".into(),
                "f81f7fb9-0000-0000-0000-000000000000".into()
            ),
            ("client_secret".into(), BS_SECRET.into()),
        ])
    );
}

#[test]
fn brainysoft_query_placement_fetch() {
    let server = Server::start(vec![json_reply(
        200,
        &json!({"access_token": OPAQUE_TOKEN, "expires_in": 299}),
    )]);
    let run = run_token(
        &server,
        "brainysoft",
        &[BRAINYSOFT, &["--placement", "query"]],
    );
    run.assert_code(0);
    run.assert_hides(&[BS_SECRET, OPAQUE_TOKEN]);
    let request = server.only_request();
    assert_eq!(request.path(), "/oauth/token");
    assert_eq!(request.query()["client_secret"], BS_SECRET);
    assert_eq!(request.query()["grant_type"], "client_credentials");
    assert_eq!(request.body, "");
}

#[test]
fn brainysoft_error_in_a_200() {
    let server = Server::start(vec![json_reply(
        200,
        &json!({"error": "invalid_client", "error_description": "Bad client credentials"}),
    )]);
    let run = run_token(&server, "brainysoft", &[BRAINYSOFT]);
    run.assert_code(1);
    run.assert_hides(&[BS_SECRET]);
    assert_eq!(
        run.json(),
        json!({"error": {"status": 200, "error": "invalid_client", "error_description": "Bad client credentials"}})
    );
}

fn approvalmax_token_body() -> Value {
    json!({
        "access_token": AM_JWT,
        "expires_in": 3600,
        "token_type": "Bearer",
        "refresh_token": AM_REFRESH_OUT,
        "scope": "https://www.approvalmax.com/scopes/public_api offline_access"
    })
}

#[test]
fn approvalmax_authorization_code_fetch() {
    let server = Server::start(vec![json_reply(200, &approvalmax_token_body())]);
    let run = run_token(&server, "approvalmax", &[APPROVALMAX, APPROVALMAX_CODE]);
    run.assert_code(0);
    run.assert_hides(&[AM_SECRET, AM_JWT, AM_REFRESH_OUT]);
    assert_eq!(
        run.token_json(3600, "expires_in"),
        json!({
            "access_token": "***",
            "expires_in": 3600,
            "token_type": "Bearer",
            "refresh_token": "***",
            "scope": ["https://www.approvalmax.com/scopes/public_api", "offline_access"],
            "claims": {
                "nbf": 1682344013,
                "exp": 1682347613,
                "iss": "https://identitydev04.approvalmax.com",
                "client_id": "338CD5E0ABA744DB911838F9F9B09CFD",
                "sub": "92581804-f202-4a87-90b1-a4c9677b9146",
                "auth_time": 1682332872,
                "idp": "AMRemote",
                "https://www.approvalmax.com/connection": "4a254104-b58d-4f2a-805a-599ea81846b9",
                "jti": "B2A4E6B4C2D2896B765F5A36EF976234",
                "sid": "0E05911553A0B5A2A605ADB0A09E9F2D",
                "iat": 1682343718,
                "scope": ["https://www.approvalmax.com/scopes/public_api", "offline_access"],
                "amr": ["external"]
            }
        })
    );
    let request = server.only_request();
    assert_eq!(request.target, "/connect/token");
    assert_eq!(
        request.form(),
        BTreeMap::from([
            ("grant_type".into(), "authorization_code".into()),
            ("code".into(), "code-123".into()),
            ("redirect_uri".into(), "https://app.example/callback".into()),
            (
                "code_verifier".into(),
                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into()
            ),
            (
                "client_id".into(),
                "8A59498C02D54104B7295D1CA08EA586".into()
            ),
            ("client_secret".into(), AM_SECRET.into()),
        ])
    );

    // --reveal shows both tokens.
    let server = Server::start(vec![json_reply(200, &approvalmax_token_body())]);
    let run = run_token(
        &server,
        "approvalmax",
        &[APPROVALMAX, APPROVALMAX_CODE, &["--reveal"]],
    );
    run.assert_code(0);
    let out = run.json();
    assert_eq!(out["access_token"], AM_JWT);
    assert_eq!(out["refresh_token"], AM_REFRESH_OUT);
}

#[test]
fn approvalmax_refresh_fetch() {
    let server = Server::start(vec![json_reply(200, &approvalmax_token_body())]);
    let run = run_token(&server, "approvalmax", &[APPROVALMAX, APPROVALMAX_REFRESH]);
    run.assert_code(0);
    run.assert_hides(&[AM_SECRET, AM_REFRESH_IN, AM_REFRESH_OUT, AM_JWT]);
    assert_eq!(run.json()["refresh_token"], "***");
    assert_eq!(
        server.only_request().form(),
        BTreeMap::from([
            ("grant_type".into(), "refresh_token".into()),
            ("refresh_token".into(), AM_REFRESH_IN.into()),
            (
                "client_id".into(),
                "8A59498C02D54104B7295D1CA08EA586".into()
            ),
            ("client_secret".into(), AM_SECRET.into()),
        ])
    );
}

#[test]
fn approvalmax_invalid_grant() {
    let server = Server::start(vec![json_reply(
        400,
        &json!({"error": "invalid_grant", "error_description": "refresh token expired"}),
    )]);
    let run = run_token(&server, "approvalmax", &[APPROVALMAX, APPROVALMAX_REFRESH]);
    run.assert_code(1);
    run.assert_hides(&[AM_SECRET, AM_REFRESH_IN]);
    assert_eq!(
        run.json(),
        json!({"error": {"status": 400, "error": "invalid_grant", "error_description": "refresh token expired"}})
    );
}

// ---------------------------------------------------------------------------------------------
// Retries: the runtime's policy, --retries attempts after the first.

fn unavailable() -> Reply {
    json_reply(
        503,
        &json!({"error": "temporarily_unavailable", "error_description": format!("busy, {SD_SECRET}")}),
    )
}

fn smartdocumentor_token() -> Reply {
    json_reply(
        200,
        &json!({"access_token": OPAQUE_TOKEN, "expires_in": 3600, "token_type": "Bearer", "scope": "WebAPI"}),
    )
}

#[test]
fn retries_0_sends_once() {
    // A retry would have been answered with a token.
    let server = Server::start(vec![unavailable(), smartdocumentor_token()]);
    let run = run_token(
        &server,
        "smartdocumentor",
        &[SMARTDOCUMENTOR, &["--retries", "0"]],
    );
    run.assert_code(1);
    run.assert_hides(&[SD_SECRET]);
    let error = &run.json()["error"];
    assert_eq!(error["status"], 503);
    assert_eq!(error["error"], "temporarily_unavailable");
    assert_eq!(error["error_description"], "busy, ***");
    assert!(run.stderr.contains("HTTP 503"), "{run:?}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn default_retries_recover_from_503_and_429() {
    for first in [
        unavailable(),
        json_reply(429, &json!({"error": "slow_down"})),
    ] {
        let server = Server::start(vec![
            first,
            smartdocumentor_token(),
            smartdocumentor_token(),
        ]);
        let run = run_token(&server, "smartdocumentor", &[SMARTDOCUMENTOR]);
        run.assert_code(0);
        run.assert_hides(&[SD_SECRET, OPAQUE_TOKEN]);
        assert_eq!(run.stderr, "", "{run:?}");
        assert_eq!(run.json()["access_token"], "***");
        let requests = server.requests();
        assert_eq!(requests.len(), 2, "{requests:?}");
        // The retry is the same request.
        assert_eq!(requests[0].target, requests[1].target);
        assert_eq!(requests[0].headers, requests[1].headers);
        assert_eq!(requests[0].body, requests[1].body);
        assert_eq!(requests[1].form()["client_secret"], SD_SECRET);
    }
}

#[test]
fn retries_1_gives_up_after_two_attempts() {
    let server = Server::start(vec![unavailable(), unavailable(), unavailable()]);
    let run = run_token(
        &server,
        "smartdocumentor",
        &[SMARTDOCUMENTOR, &["--retries", "1"]],
    );
    run.assert_code(1);
    run.assert_hides(&[SD_SECRET]);
    assert_eq!(run.json()["error"]["status"], 503);
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn client_errors_are_never_retried() {
    let server = Server::start(vec![
        json_reply(
            401,
            &json!({"error": "invalid_client", "error_description": "unknown client"}),
        ),
        smartdocumentor_token(),
    ]);
    let run = run_token(
        &server,
        "smartdocumentor",
        &[SMARTDOCUMENTOR, &["--retries", "5"]],
    );
    run.assert_code(1);
    run.assert_hides(&[SD_SECRET]);
    assert_eq!(
        run.json(),
        json!({"error": {"status": 401, "error": "invalid_client", "error_description": "unknown client"}})
    );
    assert_eq!(server.requests().len(), 1);
}

/// The entries of clap's option list, each unwrapped onto one line with single spaces.
fn option_entries(help: &str) -> Vec<String> {
    let mut entries: Vec<String> = Vec::new();
    for line in help.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') {
            entries.push(trimmed.to_owned());
        } else if let Some(last) = entries.last_mut()
            && !trimmed.is_empty()
            && line.starts_with("  ")
        {
            last.push(' ');
            last.push_str(trimmed);
        }
    }
    entries
        .into_iter()
        .map(|e| e.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// Help text with every run of whitespace (line wraps included) as one space.
fn unwrapped(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn timeout_and_retries_default_to_the_runtime_s() {
    use tokenspec_runtime::{HttpOptions, RetryPolicy};
    let run = tokenctl(&["token", "--help"]);
    run.assert_code(0);
    let timeout = HttpOptions::default().timeout.as_secs_f64();
    let retries = RetryPolicy::default().max_attempts - 1;
    // tokenctl's docs (main.rs, README) name these values.
    assert_eq!((timeout, retries), (30.0, 2), "update tokenctl's docs");
    // clap wraps help to the terminal's width: read each option's whole entry, unwrapped.
    let entries = option_entries(&run.stdout);
    for (flag, default) in [
        ("--timeout <SECONDS>", timeout.to_string()),
        ("--retries <N>", retries.to_string()),
    ] {
        let entry = entries
            .iter()
            .find(|e| e.starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} in {run:?}"));
        assert!(entry.ends_with(&format!("[default: {default}]")), "{entry}");
    }
    // A huge timeout is no problem for the clock.
    let server = Server::start(vec![smartdocumentor_token()]);
    let run = run_token(
        &server,
        "smartdocumentor",
        &[SMARTDOCUMENTOR, &["--timeout", "1e15"]],
    );
    run.assert_code(0);
}

// ---------------------------------------------------------------------------------------------
// Secrets stay hidden on error paths too.

#[test]
fn echoed_secrets_are_masked_in_error_bodies() {
    // A server that echoes the secret it was sent in a documented error body.
    let echo = json!({
        "error": "invalid_client",
        "error_description": format!("client_secret {SD_SECRET} is not valid")
    });
    let server = Server::start(vec![json_reply(401, &echo)]);
    let run = run_token(&server, "smartdocumentor", &[SMARTDOCUMENTOR]);
    run.assert_code(1);
    run.assert_hides(&[SD_SECRET]);
    assert_eq!(
        run.json()["error"]["error_description"],
        "client_secret *** is not valid"
    );

    // With --reveal the body is shown as sent.
    let server = Server::start(vec![json_reply(401, &echo)]);
    let run = run_token(
        &server,
        "smartdocumentor",
        &[SMARTDOCUMENTOR, &["--reveal"]],
    );
    run.assert_code(1);
    assert!(run.stdout.contains(SD_SECRET));

    // An HTML page that echoes the API key (unusable response), sent once with --retries 0.
    let html_502 = || {
        Reply::Answer(
            502,
            "text/html",
            format!("<html><body>Bad gateway for key {SW_KEY}</body></html>"),
        )
    };
    let server = Server::start(vec![html_502(), html_502()]);
    let run = run_token(&server, "smartway", &[SMARTWAY, &["--retries", "0"]]);
    run.assert_code(1);
    run.assert_hides(&[SW_KEY]);
    assert_eq!(server.requests().len(), 1, "--retries 0 sends once");
    let error = &run.json()["error"];
    assert_eq!(error["status"], 502);
    assert_eq!(error["content_type"], "text/html");
    assert!(
        error["excerpt"]
            .as_str()
            .unwrap()
            .contains("Bad gateway for key ***")
    );
    assert!(error["reason"].as_str().is_some());

    // A 200 whose token field is missing, with the refresh token echoed in another field.
    let server = Server::start(vec![json_reply(
        200,
        &json!({"token": "x", "note": format!("refresh {AM_REFRESH_IN}")}),
    )]);
    let run = run_token(&server, "approvalmax", &[APPROVALMAX, APPROVALMAX_REFRESH]);
    run.assert_code(1);
    run.assert_hides(&[AM_SECRET, AM_REFRESH_IN]);
    assert!(
        run.json()["error"]["reason"]
            .as_str()
            .unwrap()
            .contains("access_token")
    );
}

/// Every substring of `secret` at least 4 characters long: what must not show of it.
fn parts_of(secret: &str) -> Vec<&str> {
    (0..secret.len())
        .flat_map(|start| (start + 4..=secret.len()).map(move |end| &secret[start..end]))
        .collect()
}

#[test]
fn echoed_basic_credentials_are_masked_in_both_encodings() {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    // A secret that RFC 6749 §2.3.1 form-encoding changes, so the raw and the encoded Basic
    // pair differ: learnlink sends it raw, approvalmax form-encoded (see their specs); both
    // are masked whichever the runtime uses.
    let secret = "ll+secret/Zp40";
    let tenant = "eu-west-2_AbcdEfghI";
    let cases: [(&str, Vec<String>); 2] = [
        (
            "learnlink",
            args(&[
                &["--set", &format!("tenant_id={tenant}")],
                &["--set", &format!("client_secret={secret}")],
            ]),
        ),
        (
            "approvalmax",
            args(&[
                &["--set", "client_id=8A59498C02D54104B7295D1CA08EA586"],
                &["--set", &format!("client_secret={secret}")],
                &["--set", "redirect_uri=https://app.example/callback"],
                APPROVALMAX_CODE,
                &["--placement", "basic"],
            ]),
        ),
    ];
    for (provider, provider_args) in cases {
        let server = Server::start(vec![Reply::EchoAuthorization]);
        let refs: Vec<&str> = provider_args.iter().map(String::as_str).collect();
        let run = token(&server, provider, &refs);
        run.assert_code(1);
        let sent = server.only_request().headers["authorization"].clone();
        let (user, _) = server.only_request().basic();
        let raw = b64(&format!("{user}:{secret}"));
        let encoded = b64(&format!(
            "{}:{}",
            form_urlencoded_value(&user),
            form_urlencoded_value(secret)
        ));
        run.assert_hides(&[secret, &raw, &encoded, &sent]);
        let error = &run.json()["error"];
        let echoed = error.get("error_description").or(error.get("message"));
        assert_eq!(
            echoed,
            Some(&json!("rejected Authorization: Basic ***")),
            "{provider}: {run:?}"
        );
    }
}

/// `value` as `application/x-www-form-urlencoded` writes it (what RFC 6749 §2.3.1 asks of
/// Basic credentials).
fn form_urlencoded_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_secret_cut_by_the_excerpt_shows_no_part() {
    // The unusable-response excerpt is 200 characters: put the cut inside the echoed key.
    for shown in [4, 8, 14] {
        let head = format!("<html><body>{}:", "x".repeat(200 - 13 - shown));
        let body = format!("{head}{SW_KEY} was refused by the gateway</body></html>");
        assert_eq!(head.len() + shown, 200);
        let server = Server::start(vec![Reply::Answer(502, "text/html", body)]);
        let run = run_token(&server, "smartway", &[SMARTWAY, &["--retries", "0"]]);
        run.assert_code(1);
        run.assert_hides(&parts_of(SW_KEY));
        let excerpt = run.json()["error"]["excerpt"].as_str().unwrap().to_owned();
        assert!(excerpt.starts_with(&head), "{excerpt}");
        assert!(excerpt.contains(":***"), "{excerpt}");
    }
}

#[test]
fn html_escaped_echoes_are_masked() {
    let secret = "sd+secret&7Hk2";
    let page = "<html><body><p>client_secret sd&#43;secret&amp;7Hk2 is wrong</p>\
                <p>expected sd&#x2B;secret&#38;7Hk2</p></body></html>"
        .to_owned();
    let server = Server::start(vec![Reply::Answer(401, "text/html", page)]);
    let run = run_token(
        &server,
        "smartdocumentor",
        &[&[
            "--set",
            "client_id=sd-client",
            "--set",
            &format!("client_secret={secret}"),
        ]],
    );
    run.assert_code(1);
    run.assert_hides(&[secret, "sd&#43;secret", "sd&#x2B;secret", "secret&amp;7Hk2"]);
    let excerpt = run.json()["error"]["excerpt"].as_str().unwrap().to_owned();
    assert_eq!(
        excerpt,
        "<html><body><p>client_secret *** is wrong</p><p>expected ***</p></body></html>"
    );
}

#[test]
fn short_secrets_never_corrupt_other_text() {
    // A one-character secret: only whole values are masked, never a letter of other text.
    let short = &["--set", "client_id=sd-client", "--set", "client_secret=x"][..];
    let run = dry_run("smartdocumentor", &[short]);
    let out = run.json();
    assert_eq!(
        out["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );
    let body = out["body"].as_str().unwrap();
    assert!(
        body.contains("&client_id=sd-client&client_secret=***"),
        "{body}"
    );

    let server = Server::start(vec![json_reply(
        400,
        &json!({
            "error": "invalid_request",
            "error_description": "expected application/x-www-form-urlencoded, x-request-id 7"
        }),
    )]);
    let run = run_token(&server, "smartdocumentor", &[short]);
    run.assert_code(1);
    assert_eq!(
        run.json()["error"]["error_description"],
        "expected application/x-www-form-urlencoded, x-request-id 7"
    );
    assert!(
        run.stderr
            .contains("expected application/x-www-form-urlencoded, x-request-id 7"),
        "{run:?}"
    );
}

#[test]
fn secrets_hidden_in_usage_errors() {
    // A secret with a control character is refused without being shown.
    tokenctl(&[
        "token",
        "smartdocumentor",
        "--set",
        "client_id=id",
        "--set",
        "client_secret=sd-secret-\u{1}-7Hk2",
    ])
    .assert_usage(&["client_secret", "control character"]);
    let run = tokenctl(&[
        "token",
        "smartdocumentor",
        "--set",
        "client_id=id",
        "--set",
        "client_secret=sd-secret-\u{1}-7Hk2",
    ]);
    run.assert_hides(&["sd-secret-"]);

    // Another input missing while secrets are set.
    let run = tokenctl_env(
        &[
            "token",
            "brainysoft",
            "--set",
            "client_secret=bs-secret-Rw93",
        ],
        &[("TOKENSPEC_CLIENT_ID", "cid")],
    );
    run.assert_usage(&["customer_key", "TOKENSPEC_CUSTOMER_KEY"]);
    run.assert_hides(&[BS_SECRET]);

    // A bad host variable.
    let run = cli(&[
        &["token", "brainysoft"],
        BRAINYSOFT,
        &["--set", "customer_key=evil.com/x#"],
    ]);
    run.assert_usage(&["customer_key", "DNS label"]);
    run.assert_hides(&[BS_SECRET]);

    // A value without a name is not echoed.
    let run = tokenctl(&["token", "smartway", "--set", SW_KEY]);
    run.assert_usage(&["NAME=VALUE"]);
    run.assert_hides(&[SW_KEY]);

    // Unknown input name: the value is not echoed.
    let run = tokenctl(&["token", "smartway", "--set", &format!("api_key={SW_KEY}")]);
    run.assert_usage(&["`api_key`", "company_api_key"]);
    run.assert_hides(&[SW_KEY]);
}

#[test]
fn transport_errors_exit_1() {
    // Connection refused: a port nobody listens on (retried by default, then reported).
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let run = cli(&[
        &["token", "brainysoft"],
        BRAINYSOFT,
        &[
            "--placement",
            "query",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
        ],
    ]);
    run.assert_code(1);
    run.assert_hides(&[BS_SECRET]);
    let out = run.json();
    assert_eq!(out["error"]["status"], Value::Null);
    assert_eq!(out["error"]["kind"], "connect");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");

    // A server that never answers: --timeout bounds the attempt, --retries 0 makes it the
    // only one.
    let server = Server::start(vec![Reply::Hang, Reply::Hang]);
    let started = Instant::now();
    let run = run_token(
        &server,
        "smartway",
        &[SMARTWAY, &["--timeout", "0.5", "--retries", "0"]],
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(500) && took < Duration::from_millis(2000),
        "{took:?}"
    );
    run.assert_code(1);
    run.assert_hides(&[SW_KEY]);
    assert_eq!(run.json()["error"]["kind"], "timeout");
    assert!(run.stderr.contains("timed out"), "{run:?}");
    assert_eq!(run.stderr.lines().count(), 1, "{run:?}");
    assert_eq!(server.requests().len(), 1, "--retries 0 sends once");
}

#[test]
fn timeouts_are_per_attempt_and_retried() {
    // Two attempts of 0.3 s each, both timing out; the third reply is never asked for.
    let server = Server::start(vec![Reply::Hang, Reply::Hang, Reply::Hang]);
    let started = Instant::now();
    let run = run_token(
        &server,
        "smartway",
        &[SMARTWAY, &["--timeout", "0.3", "--retries", "1"]],
    );
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    run.assert_code(1);
    run.assert_hides(&[SW_KEY]);
    assert_eq!(run.json()["error"]["kind"], "timeout");
    assert_eq!(server.requests().len(), 2);
}

// ---------------------------------------------------------------------------------------------
// Exit status 2.

#[test]
fn usage_errors_exit_2() {
    tokenctl(&["token", "nope"])
        .assert_usage(&["unknown provider `nope`", "smartdocumentor, smartway"]);
    tokenctl(&["describe", "nope", "--json"]).assert_usage(&["unknown provider `nope`"]);
    cli(&[&["token", "learnlink"], LEARNLINK, &["--env", "prod"]])
        .assert_usage(&["unknown environment \"prod\"", "staging_mea_webhooks"]);
    cli(&[
        &["token", "smartway"],
        SMARTWAY,
        &["--grant", "client_credentials"],
    ])
    .assert_usage(&["no grant `client_credentials`", "expected one of: none"]);
    cli(&[
        &["token", "approvalmax"],
        APPROVALMAX,
        &["--grant", "password"],
    ])
    .assert_usage(&["authorization_code, refresh_token"]);
    cli(&[
        &["token", "learnlink"],
        LEARNLINK,
        &["--placement", "header"],
    ])
    .assert_usage(&["placement", "basic, body"]);
    // Missing inputs, one per provider.
    tokenctl(&["token", "smartway"]).assert_usage(&[
        "`company_api_key`",
        "required",
        "TOKENSPEC_COMPANY_API_KEY",
    ]);
    tokenctl(&["token", "smartdocumentor", "--set", "client_id=x"])
        .assert_usage(&["`client_secret`", "--set client_secret=VALUE"]);
    tokenctl(&["token", "learnlink", "--set", "client_secret=x"]).assert_usage(&["`tenant_id`"]);
    cli(&[&["token", "approvalmax"], APPROVALMAX]).assert_usage(&["`code`"]);
    cli(&[
        &["token", "approvalmax"],
        APPROVALMAX,
        &["--grant", "refresh_token"],
    ])
    .assert_usage(&["`refresh_token`"]);
    // Invalid URL variables.
    cli(&[
        &["token", "brainysoft"],
        &["--set", "customer_key=evil.com/x#"],
    ])
    .assert_usage(&["customer_key", "not a DNS label"]);
    cli(&[&["token", "learnlink"], &["--set", "tenant_id=a/../b"]]).assert_usage(&["tenant_id"]);
    // Base URL.
    cli(&[
        &["token", "smartway"],
        SMARTWAY,
        &["--base-url", "http://example.com"],
    ])
    .assert_usage(&["base_url", "loopback"]);
    cli(&[
        &["token", "smartway"],
        SMARTWAY,
        &["--base-url", "http://127.0.0.1:1/prefix"],
    ])
    .assert_usage(&["--base-url", "path"]);
    cli(&[
        &["token", "smartway"],
        SMARTWAY,
        &["--base-url", "not a url"],
    ])
    .assert_usage(&["--base-url"]);
    for timeout in ["0", "-1", "nan", "inf", "1e-12", "1e300", "soon", ""] {
        cli(&[&["token", "smartway"], SMARTWAY, &["--timeout", timeout]]).assert_usage(&[
            "--timeout",
            &format!("'{timeout}'"),
            "expected",
        ]);
    }
    // A bad environment variable value names the variable.
    tokenctl_env(
        &["token", "brainysoft", "--dry-run"],
        &[("TOKENSPEC_CUSTOMER_KEY", "a.b")],
    )
    .assert_usage(&["TOKENSPEC_CUSTOMER_KEY", "customer_key"]);
}

#[test]
fn clap_usage_errors_exit_2() {
    for args in [
        &["token"][..],
        &["token", "smartway", "--bogus"],
        &["frobnicate"],
        &[],
        &["token", "smartway", "--timeout", "soon"],
        &["providers", "extra"],
    ] {
        let run = tokenctl(args);
        run.assert_code(2);
        assert_eq!(run.stdout, "", "{args:?}: {run:?}");
        assert!(!run.stderr.contains("panicked"), "{run:?}");
    }
    // --retries is a whole number from 0 to 100; clap says which value is wrong.
    for retries in ["abc", "-1", "101", "1.5", ""] {
        let run = tokenctl(&[
            "token",
            "smartway",
            "--set",
            "company_api_key=k",
            "--retries",
            retries,
        ]);
        run.assert_usage(&["--retries", &format!("'{retries}'")]);
    }
    let run = tokenctl(&["--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("authorize-url"));
    assert!(
        unwrapped(&run.stdout).contains("never another 4xx"),
        "{run:?}"
    );
    let run = tokenctl(&["token", "--help"]);
    run.assert_code(0);
    assert!(run.stdout.contains("--retries <N>"), "{run:?}");
}
