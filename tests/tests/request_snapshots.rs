//! Snapshots of the exact wire request each client builds for each grant: method, URL,
//! headers, body. Secrets are masked, so a snapshot diff shows what changed on the wire and
//! never a credential.

use tokenspec_provider_approvalmax as approvalmax;
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_provider_learnlink as learnlink;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_provider_smartway as smartway;
use tokenspec_runtime::Secret;

/// Values used as secrets below; each is replaced by `***` in snapshots.
const SECRETS: &[&str] = &[
    "sw-api-key-1",
    "sd-secret-2",
    "ll-secret-3",
    "bs-secret-4",
    "am-secret-5",
    "am-refresh-6",
    "p%41ss+w:rd/x-7",
];

/// RFC 7636 appendix B: a verifier that passes the section 4.1 check.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn render(request: &http::Request<Vec<u8>>) -> String {
    use base64::Engine as _;
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        let mut value = value.to_str().expect("ascii header").to_owned();
        if let Some(encoded) = value.strip_prefix("Basic ") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .expect("base64");
            value = format!(
                "Basic base64({})",
                String::from_utf8(decoded).expect("utf-8")
            );
        }
        out.push_str(&format!("{name}: {value}\n"));
    }
    out.push('\n');
    out.push_str(std::str::from_utf8(request.body()).expect("utf-8 body"));
    // Each secret as sent: raw, and form-encoded (HTTP Basic per RFC 6749 section 2.3.1, form
    // bodies).
    for secret in SECRETS {
        let encoded: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        out = out.replace(&encoded, "***").replace(secret, "***");
    }
    out
}

#[test]
fn smartway_none() {
    let client = smartway::Client::builder(smartway::Inputs {
        company_api_key: "sw-api-key-1".into(),
    })
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request));
}

#[test]
fn smartdocumentor_client_credentials() {
    let client = smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: "sd-client".into(),
        client_secret: "sd-secret-2".into(),
    })
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request));
}

#[test]
fn learnlink_client_credentials_basic() {
    let client = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "eu-west-2_AbcdEfghI".into(),
        client_secret: "ll-secret-3".into(),
    })
    .input(learnlink::OptionalInput::Scope, "api/read api/write")
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request));
}

#[test]
fn learnlink_client_credentials_body_staging_mea_webhooks() {
    let client = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "eu-west-2_AbcdEfghI".into(),
        client_secret: "ll-secret-3".into(),
    })
    .environment(learnlink::Environment::StagingMeaWebhooks)
    .credential_placement(learnlink::CredentialPlacement::Body)
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request));
}

#[test]
fn brainysoft_client_credentials_body() {
    let client = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "f81f7fb9-0000-0000-0000-000000000000".into(),
        client_secret: "bs-secret-4".into(),
    })
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request));
}

#[test]
fn brainysoft_client_credentials_query() {
    let client = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "f81f7fb9-0000-0000-0000-000000000000".into(),
        client_secret: "bs-secret-4".into(),
    })
    .credential_placement(brainysoft::CredentialPlacement::Query)
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    insta::assert_snapshot!(render(&request));
}

fn approvalmax_client() -> approvalmax::Client {
    approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "8A59498C02D54104B7295D1CA08EA586".into(),
        client_secret: "am-secret-5".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .build()
    .expect("client")
}

#[test]
fn approvalmax_authorization_code_with_pkce() {
    let request = approvalmax_client()
        .exchange_code("code-123", Some(VERIFIER))
        .request()
        .expect("request");
    insta::assert_snapshot!(render(&request));
}

/// RFC 6749 section 2.3.1: client ID and secret are form-encoded before base64, so the `:` of
/// the ID is `%3A`, the space `+`, and the secret's `%`, `+`, `:` and `/` are escaped.
#[test]
fn approvalmax_refresh_token_client_secret_basic_form_encoded() {
    let request = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "am:client id".into(),
        client_secret: "p%41ss+w:rd/x-7".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .credential_placement(approvalmax::CredentialPlacement::Basic)
    .build()
    .expect("client")
    .refresh(&Secret::new("am-refresh-6"))
    .request()
    .expect("request");
    let text = render(&request);
    assert!(text.contains("Basic base64(am%3Aclient+id:***)"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn approvalmax_refresh_token() {
    let request = approvalmax_client()
        .refresh(&Secret::new("am-refresh-6"))
        .request()
        .expect("request");
    insta::assert_snapshot!(render(&request));
}

#[test]
fn approvalmax_authorize_url() {
    let url = approvalmax_client()
        .authorize_url("state-xyz", Some(VERIFIER))
        .expect("url");
    insta::assert_snapshot!(url.as_str());
}
