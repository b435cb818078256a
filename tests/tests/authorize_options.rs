//! Wire test of authorization URL options (spec format 1.2, docs/spec-format.md 8.4): the
//! module generated from `generator/tests/fixtures/authorize_options.yaml` (committed there and
//! kept fresh by `generator/tests/authorize_options.rs`). Its grant's `authorize:` block sends
//! `client_id` as `client_key`, joins the scopes with `,` and keeps `,` and `:` of the scope
//! unencoded.
//!
//! A local server stands in for the provider: the authorize URL is fetched as a browser would
//! (a GET of the URL as it is), and the server sees the provider's names and the raw scope
//! bytes, its form decoder reading back exactly the values given (RFC 6749 section 4.1.1); then
//! the code exchange is a form POST that keeps the spec's own names (section 4.1.3). Request
//! snapshots record both.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/authorize_options_generated.rs"]
mod authorize_options;

use serde_json::json;
use tokenspec_runtime::Secret;
use tokenspec_tests::{Reply, TestServer, sorted_pairs};

const SECRET: &str = "ao-client-secret-value";
/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn builder() -> authorize_options::ClientBuilder {
    authorize_options::Client::builder(authorize_options::Inputs {
        client_id: "awx 7".into(),
        client_secret: Secret::new(SECRET),
        redirect_uri: "https://app.example/cb".into(),
    })
}

/// Method, target and the request's form body, secrets replaced (the code verifier is one,
/// RFC 7636 section 7.1, even as a published test vector).
fn render(method: &str, target: &str, body: &str) -> String {
    format!("{method} {target}\n\n{body}")
        .replace(SECRET, "***")
        .replace(VERIFIER, "***")
}

#[tokio::test]
async fn the_provider_reads_its_own_names_and_raw_scopes_then_the_code_exchange() {
    let server = TestServer::start([
        // The authorize endpoint: the user logs in, the provider redirects back with a code.
        Reply::new(302).header("location", "https://app.example/cb?code=c-1&state=s%3A1"),
        Reply::json(
            200,
            &json!({"access_token": "ao-access-1", "token_type": "Bearer", "expires_in": 86400,
                    "refresh_token": "ao-refresh-1", "scope": "user.info:basic video.list"}),
        ),
    ]);
    let client = builder()
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client");
    let url = client
        .authorize_url("s:1", Some("consent"), Some(VERIFIER))
        .expect("url");
    // What a browser does with it: GET the URL as it is, and stop at the redirect.
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("reqwest client");
    let answer = browser.get(url.as_str()).send().await.expect("GET");
    assert_eq!(answer.status(), 302);

    let token = client
        .exchange_code("c-1", Some(VERIFIER))
        .await
        .expect("token");
    assert_eq!(token.access_token.expose(), "ao-access-1");

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let authorize = &requests[0];
    assert_eq!(authorize.method, "GET");
    assert_eq!(authorize.path(), "/v2/auth/authorize/");
    // The bytes on the wire: `,` and `:` of the scope raw, everything else form-encoded.
    assert_eq!(
        authorize.query(),
        Some(
            "response_type=code&client_key=awx+7&redirect_uri=https%3A%2F%2Fapp.example%2Fcb\
             &scope=user.info:basic,video.list&state=s%3A1&prompt=consent&disable_auto_auth=1\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256"
        )
    );
    // What the provider's form decoder reads: its own names, the values as given.
    assert_eq!(
        authorize.query_pairs(),
        [
            ("response_type", "code"),
            ("client_key", "awx 7"),
            ("redirect_uri", "https://app.example/cb"),
            ("scope", "user.info:basic,video.list"),
            ("state", "s:1"),
            ("prompt", "consent"),
            ("disable_auto_auth", "1"),
            (
                "code_challenge",
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            ),
            ("code_challenge_method", "S256"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    let exchange = &requests[1];
    assert_eq!(exchange.method, "POST");
    assert_eq!(exchange.path(), "/v2/oauth/token/");
    assert_eq!(exchange.query(), None);
    assert_eq!(
        sorted_pairs(&exchange.form()),
        sorted_pairs(&[
            ("grant_type", "authorization_code"),
            ("code", "c-1"),
            ("redirect_uri", "https://app.example/cb"),
            ("code_verifier", VERIFIER),
            ("client_key", "awx 7"),
            ("client_secret", SECRET),
        ])
    );

    insta::assert_snapshot!(
        "authorize_request",
        render(&authorize.method, &authorize.target, "")
    );
    insta::assert_snapshot!(
        "code_exchange_request",
        render(&exchange.method, &exchange.target, &exchange.body_text())
    );
}

#[tokio::test]
async fn a_hostile_scope_never_adds_a_parameter_on_the_wire() {
    use authorize_options::OptionalInput;
    let server = TestServer::start([Reply::new(204)]);
    let client = builder()
        .input(OptionalInput::Scope, "read&client_key=evil#x write=1+2")
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("client");
    let url = client.authorize_url("s", None, None).expect("url");
    let answer = reqwest::get(url.as_str()).await.expect("GET");
    assert_eq!(answer.status(), 204);
    let request = server.only_request();
    // The whole URL reached the server (no `#` cut it), and one `client_key`, the client's.
    assert_eq!(
        request.query_pairs(),
        [
            ("response_type", "code"),
            ("client_key", "awx 7"),
            ("redirect_uri", "https://app.example/cb"),
            ("scope", "read&client_key=evil#x,write=1+2"),
            ("state", "s"),
            ("disable_auto_auth", "1"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
}
