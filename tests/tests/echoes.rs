//! Secrets a server echoes back never reach a generated client's errors: a refused refresh
//! token quoted in the `error_description` (a per-call input, which the client does not keep),
//! the client secret and the `Authorization: Basic` header it got, in whatever encoding the
//! server chose, and the same in an HTML page's excerpt.

use base64::Engine as _;
use serde_json::json;
use tokenspec_provider_approvalmax as approvalmax;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_runtime::{Error, Secret};
use tokenspec_tests::{Reply, TestServer, decode_form};

const AM_ID: &str = "8A59498C02D54104B7295D1CA08EA586";
/// Characters RFC 6749 §2.3.1 form-encoding changes, so that both Basic encodings differ.
const AM_SECRET: &str = "am+secret/5&x";
const AM_REFRESH: &str = "am-refresh-Tt61-0123456789";

fn approvalmax_basic(server: &TestServer) -> approvalmax::Client {
    approvalmax::Client::builder(approvalmax::Inputs {
        client_id: AM_ID.into(),
        client_secret: AM_SECRET.into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .credential_placement(approvalmax::CredentialPlacement::Basic)
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
}

/// Every form of the approvalmax credentials that must not show.
fn approvalmax_secrets() -> Vec<String> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let form = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    vec![
        AM_SECRET.to_owned(),
        form(AM_SECRET),
        AM_REFRESH.to_owned(),
        b64(&format!("{AM_ID}:{AM_SECRET}")),
        b64(&format!("{AM_ID}:{}", form(AM_SECRET))),
    ]
}

#[track_caller]
fn assert_hidden<B: std::fmt::Debug + std::fmt::Display>(error: &Error<B>, secrets: &[String]) {
    let shown = format!("{error} {error:?}");
    for secret in secrets {
        assert!(
            !shown.contains(secret.as_str()),
            "{secret:?} shown: {shown}"
        );
    }
}

#[tokio::test]
async fn a_refused_refresh_token_and_the_basic_header_echoed_back_are_hidden() {
    // An `invalid_grant` that quotes the refresh token as it was sent (form-encoded), the
    // `Authorization` header, and the client secret HTML-escaped.
    let server = TestServer::with_handler(|request| {
        let refresh = decode_form(request.body.as_slice())
            .into_iter()
            .find(|(name, _)| name == "refresh_token")
            .map(|(_, value)| value)
            .unwrap_or_default();
        let authorization = request.header("authorization").unwrap_or_default();
        Reply::json(
            400,
            &json!({
                "error": "invalid_grant",
                "error_description": format!(
                    "refresh token {refresh} is unknown (sent with {authorization}; \
                     client secret am&#43;secret&#x2F;5&amp;x)"
                ),
            }),
        )
    });
    let error = approvalmax_basic(&server)
        .refresh(&Secret::new(AM_REFRESH))
        .await
        .expect_err("refused");
    assert_hidden(&error, &approvalmax_secrets());
    let Error::Provider(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        e.body.error_description.as_deref(),
        Some("refresh token *** is unknown (sent with Basic ***; client secret ***)")
    );
}

#[tokio::test]
async fn an_html_page_quoting_the_secret_shows_none_of_it() {
    const SD_SECRET: &str = "sd+sec/ret=&x y%2é";
    let form = form_urlencoded::byte_serialize(SD_SECRET.as_bytes()).collect::<String>();
    // The secret as the form body carried it, quoted where the 200-character excerpt is cut.
    let page = format!(
        "<html><body><pre>{} {form} was refused</pre></body></html>",
        "=".repeat(170)
    );
    let server = TestServer::start([Reply::text(502, "text/html", page)]);
    let client = smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: "sd-client-id".into(),
        client_secret: SD_SECRET.into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .retry(tokenspec_runtime::RetryPolicy {
        max_attempts: 1,
        ..Default::default()
    })
    .build()
    .expect("client");
    let error = client.fetch_token().await.expect_err("502");
    assert_hidden(
        &error,
        &[SD_SECRET.to_owned(), form.clone(), form[..8].to_owned()],
    );
    let Error::UnexpectedResponse(e) = &error else {
        panic!("{error:?}")
    };
    assert!(e.excerpt.ends_with("= *** was refu…"), "{e:?}");
}

/// An authorization code (RFC 6749 §10.5) and a PKCE verifier (RFC 7636 §7.1) are secrets
/// whatever a spec says: approvalmax's spec does not mark them, yet a server that quotes them
/// back in an `invalid_grant` must not get them into the error.
#[tokio::test]
async fn an_echoed_authorization_code_and_code_verifier_are_hidden() {
    const CODE: &str = "am-code-4f1c9b0e7d";
    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let server = TestServer::with_handler(|request| {
        let form = decode_form(request.body.as_slice());
        let value = |name: &str| {
            form.iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        Reply::json(
            400,
            &json!({
                "error": "invalid_grant",
                "error_description": format!(
                    "code {} was already redeemed; verifier {} does not match",
                    value("code"),
                    value("code_verifier"),
                ),
            }),
        )
    });
    let client = approvalmax_basic(&server);
    let error = client
        .exchange_code(CODE, Some(VERIFIER))
        .await
        .expect_err("refused");
    assert_hidden(&error, &[CODE.to_owned(), VERIFIER.to_owned()]);
    // The rest of the description is kept: only the values are hidden.
    assert!(
        error.to_string().contains("was already redeemed"),
        "{error}"
    );
}
