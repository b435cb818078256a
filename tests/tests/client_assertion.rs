//! Wire tests of signed client assertions (spec format 1.1, docs/spec-format.md "Signed
//! client assertions"): the modules generated from `generator/tests/fixtures/
//! {private_key_jwt,private_key_jwt_es256,client_secret_jwt}.yaml` (kept fresh by
//! `generator/tests/client_assertion.rs`) against a local server. In each test the server's
//! side checks what RFC 7523 and OpenID Connect Core section 9 prescribe:
//!
//! - the body carries `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:
//!   jwt-bearer` and `client_assertion` (RFC 7523 section 2.2, RFC 7521 section 4.2), plus
//!   `client_id` only where the spec says so, and no secret or `Authorization` header;
//! - the assertion's signature verifies with the public key (aws-lc-rs, not the crate that
//!   signed it), under the `alg` of the spec, with `kid` when the spec gives one;
//! - its claims: `iss` = `sub` = the client ID, `aud` = the token URL requested (or the spec's
//!   audience), `iat` = now, `exp` - `iat` = the spec's lifetime, a `jti` that differs between
//!   requests, and the spec's further claims (RFC 7523 section 3).
//!
//! The JWT-bearer authorization grant (RFC 7523 section 2.1, `fixtures/jwt_bearer.yaml`) is
//! checked the same way: `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and the
//! signed `assertion`, whose `iss` and `sub` are the spec's inputs.
//!
//! Test keys are made at test time (RSA 2048, P-256); none is committed.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/private_key_jwt_generated.rs"]
mod private_key_jwt;

#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/private_key_jwt_es256_generated.rs"]
mod private_key_jwt_es256;

#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/client_secret_jwt_generated.rs"]
mod client_secret_jwt;

#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "../../generator/tests/fixtures/jwt_bearer_generated.rs"]
mod jwt_bearer;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::signature::{self, KeyPair as _};
use base64::Engine as _;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokenspec_runtime::{ManualClock, Secret};
use tokenspec_tests::{RecordedRequest, Reply, TestServer};

const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const CLIENT_ID: &str = "svc-reports";
const HMAC_SECRET: &str = "cs-jwt-secret-8f2e9c1d";

/// A PEM document (RFC 7468 section 2) of `der` with `label`.
fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A test RSA key: the private key as PKCS#8 PEM and the public key (PKCS#1 DER).
fn rsa_test_key() -> (String, Vec<u8>) {
    let key = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
        .expect("RSA key generation");
    let der: Pkcs8V1Der = key.as_der().expect("PKCS#8");
    (
        pem("PRIVATE KEY", der.as_ref()),
        key.public_key().as_ref().to_vec(),
    )
}

/// A test P-256 key: the private key as PKCS#8 PEM and the public point (uncompressed).
fn ec_test_key() -> (String, Vec<u8>) {
    let key = signature::EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING)
        .expect("EC key generation");
    let der = key.to_pkcs8v1().expect("PKCS#8");
    (
        pem("PRIVATE KEY", der.as_ref()),
        key.public_key().as_ref().to_vec(),
    )
}

/// How the test verifies a JWS (RFC 7515 section 5.2) with the public key or shared secret.
enum Verifier<'a> {
    Rs256(&'a [u8]),
    Es256(&'a [u8]),
    Hs256(&'a [u8]),
}

/// A verified assertion: its header and claims.
struct Verified {
    header: Value,
    claims: Value,
}

fn b64(part: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .expect("base64url without padding (RFC 7515 section 2)")
}

/// Verifies `jwt`'s signature over `header.payload` and decodes it; panics if it does not
/// verify.
fn verify(jwt: &str, verifier: &Verifier) -> Verified {
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWS in compact serialization");
    let signed = format!("{}.{}", parts[0], parts[1]);
    let signature_bytes = b64(parts[2]);
    let verified = match verifier {
        Verifier::Rs256(public) => {
            signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, public)
                .verify(signed.as_bytes(), &signature_bytes)
                .is_ok()
        }
        // RFC 7518 section 3.4: R and S, 32 bytes each, not DER.
        Verifier::Es256(public) => {
            signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, public)
                .verify(signed.as_bytes(), &signature_bytes)
                .is_ok()
        }
        Verifier::Hs256(secret) => {
            let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, secret);
            aws_lc_rs::hmac::verify(&key, signed.as_bytes(), &signature_bytes).is_ok()
        }
    };
    assert!(verified, "the assertion's signature verifies");
    Verified {
        header: serde_json::from_slice(&b64(parts[0])).expect("a JSON header"),
        claims: serde_json::from_slice(&b64(parts[1])).expect("JSON claims"),
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

fn token_reply(access: &str) -> Reply {
    Reply::json(
        200,
        &json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600}),
    )
}

/// The form body of `request` as a map, after checking it has each name once.
fn form(request: &RecordedRequest) -> std::collections::BTreeMap<String, String> {
    assert_eq!(request.method, "POST");
    assert_eq!(
        request.header_values("content-type"),
        ["application/x-www-form-urlencoded"]
    );
    assert_eq!(request.header("authorization"), None, "{request:#?}");
    let pairs = request.form();
    let map: std::collections::BTreeMap<String, String> = pairs.iter().cloned().collect();
    assert_eq!(map.len(), pairs.len(), "no parameter twice: {pairs:?}");
    map
}

/// Checks the registered claims every client assertion has (RFC 7523 section 3; OpenID
/// Connect Core section 9): iss and sub the client ID, aud, iat about now, exp `lifetime`
/// after it, a jti; returns the jti.
fn check_registered_claims(
    claims: &Value,
    audience: &str,
    lifetime: u64,
    before: u64,
    after: u64,
) -> String {
    assert_eq!(claims["iss"], CLIENT_ID, "{claims}");
    assert_eq!(claims["sub"], CLIENT_ID, "{claims}");
    assert_eq!(claims["aud"], audience, "{claims}");
    let iat = claims["iat"].as_u64().expect("iat is a NumericDate");
    assert!(
        (before..=after).contains(&iat),
        "iat {iat} is now ({before}..={after})"
    );
    let exp = claims["exp"].as_u64().expect("exp is a NumericDate");
    assert_eq!(exp - iat, lifetime, "{claims}");
    let jti = claims["jti"].as_str().expect("a jti").to_owned();
    assert!(jti.len() >= 22, "a random jti of 128 bits: {jti}");
    jti
}

#[tokio::test]
async fn private_key_jwt_rs256_signs_a_fresh_assertion_for_every_request() {
    let (private_pem, public_der) = rsa_test_key();
    let server = TestServer::start([token_reply("rs-access-1"), token_reply("rs-access-2")]);
    let client = private_key_jwt::Client::builder(private_key_jwt::Inputs {
        client_id: CLIENT_ID.into(),
        private_key: Secret::new(private_pem.clone()),
    })
    .input(private_key_jwt::OptionalInput::Tenant, "acme")
    .input(private_key_jwt::OptionalInput::Scope, "reports.read")
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client");
    // Debug of the client shows no key.
    assert!(!format!("{client:?}").contains("PRIVATE KEY"));

    let before = now();
    let first = client.fetch_token().await.expect("token");
    let second = client.fetch_token().await.expect("token");
    let after = now();
    assert_eq!(first.access_token.expose(), "rs-access-1");
    assert_eq!(second.access_token.expose(), "rs-access-2");

    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one request per fetch");
    let token_url = server.url("/oauth2/token");
    let mut jtis = BTreeSet::new();
    let mut assertions = BTreeSet::new();
    for request in &requests {
        assert_eq!(request.path(), "/oauth2/token");
        let body = form(request);
        let names: Vec<&str> = body.keys().map(String::as_str).collect();
        // RFC 7523 section 2.2: no client_id unless the spec asks for it.
        assert_eq!(
            names,
            [
                "client_assertion",
                "client_assertion_type",
                "grant_type",
                "scope"
            ]
        );
        assert_eq!(body["grant_type"], "client_credentials");
        assert_eq!(body["scope"], "reports.read");
        assert_eq!(body["client_assertion_type"], CLIENT_ASSERTION_TYPE);
        assert!(
            !request.body_text().contains("PRIVATE"),
            "no key on the wire"
        );
        let jwt = &body["client_assertion"];
        let Verified { header, claims } = verify(jwt, &Verifier::Rs256(&public_der));
        assert_eq!(
            header,
            json!({"alg": "RS256", "typ": "JWT"}),
            "no kid: none given"
        );
        jtis.insert(check_registered_claims(
            &claims, &token_url, 120, before, after,
        ));
        assert_eq!(claims["tenant"], "acme", "a claim from an input");
        assert_eq!(claims["purpose"], "reporting", "a fixed claim");
        assert_eq!(
            claims.as_object().map(|c| c.len()),
            Some(8),
            "nothing else: {claims}"
        );
        assertions.insert(jwt.clone());
    }
    assert_eq!(jtis.len(), 2, "a new jti for every request");
    assert_eq!(assertions.len(), 2, "a new assertion for every request");
}

#[tokio::test]
async fn private_key_jwt_es256_sends_the_kid_and_the_client_id() {
    let (private_pem, public_point) = ec_test_key();
    let server = TestServer::start([token_reply("es-access")]);
    let client = private_key_jwt_es256::Client::builder(private_key_jwt_es256::Inputs {
        tenant: "contoso".into(),
        client_id: CLIENT_ID.into(),
        signing_key: Secret::new(private_pem),
        key_id: "2024-key-7".into(),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client");
    let before = now();
    let token = client.fetch_token().await.expect("token");
    let after = now();
    assert_eq!(token.access_token.expose(), "es-access");

    let request = server.only_request();
    assert_eq!(request.path(), "/contoso/oauth2/v2.0/token");
    let body = form(&request);
    let names: Vec<&str> = body.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "client_assertion",
            "client_assertion_type",
            "client_id",
            "grant_type",
            "scope"
        ]
    );
    // RFC 7521 section 4.2: the client_id sent matches the assertion's subject.
    assert_eq!(body["client_id"], CLIENT_ID);
    assert_eq!(body["client_assertion_type"], CLIENT_ASSERTION_TYPE);
    assert_eq!(body["scope"], "https://graph.example/.default");
    let Verified { header, claims } =
        verify(&body["client_assertion"], &Verifier::Es256(&public_point));
    assert_eq!(
        header,
        json!({"alg": "ES256", "typ": "JWT", "kid": "2024-key-7"})
    );
    check_registered_claims(
        &claims,
        &server.url("/contoso/oauth2/v2.0/token"),
        60,
        before,
        after,
    );
    assert_eq!(claims.as_object().map(|c| c.len()), Some(6), "{claims}");
}

#[tokio::test]
async fn client_secret_jwt_hs256_is_keyed_with_the_secret_which_is_never_sent() {
    let server = TestServer::start([token_reply("hs-access")]);
    let client = client_secret_jwt::Client::builder(client_secret_jwt::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(HMAC_SECRET),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client");
    let before = now();
    client.fetch_token().await.expect("token");
    let after = now();

    let request = server.only_request();
    assert!(
        !request.body_text().contains(HMAC_SECRET),
        "the secret only keys the MAC"
    );
    let body = form(&request);
    let names: Vec<&str> = body.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        ["client_assertion", "client_assertion_type", "grant_type"]
    );
    let Verified { header, claims } = verify(
        &body["client_assertion"],
        &Verifier::Hs256(HMAC_SECRET.as_bytes()),
    );
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
    // The spec's audience, not the token URL.
    check_registered_claims(&claims, "https://auth.example", 60, before, after);
    // A MAC keyed with another secret does not verify.
    let result = std::panic::catch_unwind(|| {
        verify(
            &body["client_assertion"],
            &Verifier::Hs256(b"another-secret"),
        )
    });
    assert!(result.is_err(), "the MAC is bound to the client secret");
}

/// A retry (here after a 503, RFC 9110 section 15.6.4) signs a new assertion: a server
/// accepts a `jti` once (RFC 7523 section 3, item 7), so a copy of the first request would be
/// refused.
#[tokio::test]
async fn a_retry_sends_a_new_assertion_not_a_copy() {
    let server = TestServer::start([
        Reply::text(503, "text/plain", "busy"),
        token_reply("hs-access"),
    ]);
    let client = client_secret_jwt::Client::builder(client_secret_jwt::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(HMAC_SECRET),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .retry(tokenspec_runtime::RetryPolicy {
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        jitter: false,
        ..tokenspec_runtime::RetryPolicy::attempts(2)
    })
    .build()
    .expect("client");
    client.fetch_token().await.expect("token after one retry");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let jtis: BTreeSet<String> = requests
        .iter()
        .map(|request| {
            let body = form(request);
            let Verified { claims, .. } = verify(
                &body["client_assertion"],
                &Verifier::Hs256(HMAC_SECRET.as_bytes()),
            );
            claims["jti"].as_str().expect("a jti").to_string()
        })
        .collect();
    assert_eq!(jtis.len(), 2, "each attempt has its own jti");
}

/// A token source renews with a new assertion (new jti, current iat), never a copy of the
/// request that fetched the expired token.
#[tokio::test]
async fn a_token_source_renews_with_a_new_assertion() {
    let (private_pem, public_der) = rsa_test_key();
    let server = TestServer::start([
        Reply::json(
            200,
            &json!({"access_token": "first", "token_type": "Bearer", "expires_in": 300}),
        ),
        Reply::json(
            200,
            &json!({"access_token": "second", "token_type": "Bearer", "expires_in": 300}),
        ),
    ]);
    let clock = std::sync::Arc::new(ManualClock::new(SystemTime::now()));
    let source = private_key_jwt::Client::builder(private_key_jwt::Inputs {
        client_id: CLIENT_ID.into(),
        private_key: Secret::new(private_pem),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client")
    .token_source()
    .with_clock(clock.clone());
    assert_eq!(
        source.access_token().await.expect("first").expose(),
        "first"
    );
    assert_eq!(
        source.access_token().await.expect("cached").expose(),
        "first"
    );
    clock.advance(Duration::from_secs(600));
    assert_eq!(
        source.access_token().await.expect("renewed").expose(),
        "second"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let claims: Vec<Value> = requests
        .iter()
        .map(|r| verify(&form(r)["client_assertion"], &Verifier::Rs256(&public_der)).claims)
        .collect();
    assert_ne!(claims[0]["jti"], claims[1]["jti"]);
    assert!(claims[1]["iat"].as_u64() >= claims[0]["iat"].as_u64());
}

/// An error answer that echoes the assertion shows it masked.
#[tokio::test]
async fn an_echoed_assertion_is_hidden_in_the_error() {
    let server = TestServer::with_handler(|request| {
        let assertion = request
            .form()
            .into_iter()
            .find(|(k, _)| k == "client_assertion")
            .map(|(_, v)| v)
            .unwrap_or_default();
        Reply::json(
            400,
            &json!({"error": "invalid_client", "error_description": format!("bad assertion {assertion}")}),
        )
    });
    let client = client_secret_jwt::Client::builder(client_secret_jwt::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(HMAC_SECRET),
    })
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client");
    let error = client.fetch_token().await.expect_err("refused");
    let assertion = form(&server.only_request())["client_assertion"].clone();
    let text = format!("{error} {error:?}");
    assert!(text.contains("invalid_client"), "{text}");
    assert!(!text.contains(&assertion), "{text}");
    // Not even its signature part, which alone would not verify but is the secret bit.
    let signature = assertion.rsplit('.').next().expect("three parts");
    assert!(!text.contains(signature), "{text}");
}

/// The exact wire request of each fixture, the assertion replaced by its decoded header and
/// claims with the values that change per request (`iat`, `exp`, `jti`) normalized: the
/// signature (and with it the credential) never reaches a snapshot.
fn render(request: &http::Request<Vec<u8>>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        out.push_str(&format!(
            "{name}: {}\n",
            value.to_str().expect("ASCII header")
        ));
    }
    out.push('\n');
    let body = tokenspec_tests::decode_form(request.body());
    let mut decoded = String::new();
    let pairs: Vec<(String, String)> = body
        .into_iter()
        .map(|(name, value)| {
            if name != "client_assertion" && name != "assertion" {
                return (name, value);
            }
            let parts: Vec<&str> = value.split('.').collect();
            assert_eq!(parts.len(), 3);
            let header: Value = serde_json::from_slice(&b64(parts[0])).expect("header");
            let mut claims: Value = serde_json::from_slice(&b64(parts[1])).expect("claims");
            let iat = claims["iat"].as_u64().expect("iat");
            let exp = claims["exp"].as_u64().expect("exp");
            claims["iat"] = json!("<now>");
            claims["exp"] = json!(format!("<now + {}>", exp - iat));
            claims["jti"] = json!("<random>");
            decoded = format!("\n\n{name} header: {header}\n{name} claims: {claims}");
            (name, "<signed JWT>".to_owned())
        })
        .collect();
    let form: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    out.push_str(&form);
    out.push_str(&decoded);
    out
}

#[test]
fn wire_request_private_key_jwt_rs256() {
    let (private_pem, _) = rsa_test_key();
    let request = private_key_jwt::Client::builder(private_key_jwt::Inputs {
        client_id: CLIENT_ID.into(),
        private_key: Secret::new(private_pem.clone()),
    })
    .input(private_key_jwt::OptionalInput::Tenant, "acme")
    .build()
    .expect("client")
    .fetch_token()
    .request()
    .expect("request");
    let text = render(&request);
    assert!(!text.contains(&private_pem[30..60]));
    insta::assert_snapshot!(text);
}

#[test]
fn wire_request_private_key_jwt_es256_with_kid() {
    let (private_pem, _) = ec_test_key();
    let request = private_key_jwt_es256::Client::builder(private_key_jwt_es256::Inputs {
        tenant: "contoso".into(),
        client_id: CLIENT_ID.into(),
        signing_key: Secret::new(private_pem),
        key_id: "2024-key-7".into(),
    })
    .build()
    .expect("client")
    .fetch_token()
    .request()
    .expect("request");
    insta::assert_snapshot!(render(&request));
}

#[test]
fn wire_request_client_secret_jwt_hs256() {
    let request = client_secret_jwt::Client::builder(client_secret_jwt::Inputs {
        client_id: CLIENT_ID.into(),
        client_secret: Secret::new(HMAC_SECRET),
    })
    .build()
    .expect("client")
    .fetch_token()
    .request()
    .expect("request");
    let text = render(&request);
    assert!(!text.contains(HMAC_SECRET));
    insta::assert_snapshot!(text);
}

#[tokio::test]
async fn the_jwt_bearer_grant_sends_a_signed_assertion_as_the_grant() {
    let (private_pem, public_der) = rsa_test_key();
    let server = TestServer::start([token_reply("jb-access-1"), token_reply("jb-access-2")]);
    let client = jwt_bearer::Client::builder(jwt_bearer::Inputs {
        service_account: "reports@project.iam.example".into(),
        user: "alice@example.com".into(),
        private_key: Secret::new(private_pem),
    })
    .input(jwt_bearer::OptionalInput::KeyId, "sa-key-3")
    .base_url(&server.base_url())
    .expect("loopback base URL")
    .build()
    .expect("client");
    let before = now();
    let first = client.jwt_bearer().await.expect("token");
    client.jwt_bearer().await.expect("token");
    let after = now();
    assert_eq!(first.access_token.expose(), "jb-access-1");

    let mut jtis = BTreeSet::new();
    for request in server.requests() {
        assert_eq!(request.path(), "/token");
        let body = form(&request);
        let names: Vec<&str> = body.keys().map(String::as_str).collect();
        // RFC 7523 section 2.1: grant_type and assertion; no client authentication here.
        assert_eq!(names, ["assertion", "grant_type"]);
        assert_eq!(
            body["grant_type"],
            "urn:ietf:params:oauth:grant-type:jwt-bearer"
        );
        let Verified { header, claims } = verify(&body["assertion"], &Verifier::Rs256(&public_der));
        assert_eq!(
            header,
            json!({"alg": "RS256", "typ": "JWT", "kid": "sa-key-3"})
        );
        assert_eq!(claims["iss"], "reports@project.iam.example");
        assert_eq!(claims["sub"], "alice@example.com", "the user to act as");
        assert_eq!(claims["aud"], server.url("/token"));
        let iat = claims["iat"].as_u64().expect("iat");
        assert!((before..=after).contains(&iat));
        assert_eq!(claims["exp"].as_u64().map(|exp| exp - iat), Some(300));
        assert_eq!(
            claims["scope"], "https://www.example.com/auth/calendar.readonly",
            "a claim from an input's default"
        );
        assert_eq!(claims.as_object().map(|c| c.len()), Some(7), "{claims}");
        jtis.insert(claims["jti"].as_str().expect("jti").to_owned());
    }
    assert_eq!(jtis.len(), 2, "a new jti for every request");
}

#[test]
fn wire_request_jwt_bearer_grant() {
    let (private_pem, _) = rsa_test_key();
    let request = jwt_bearer::Client::builder(jwt_bearer::Inputs {
        service_account: "reports@project.iam.example".into(),
        user: "alice@example.com".into(),
        private_key: Secret::new(private_pem),
    })
    .input(jwt_bearer::OptionalInput::KeyId, "sa-key-3")
    .build()
    .expect("client")
    .jwt_bearer()
    .request()
    .expect("request");
    insta::assert_snapshot!(render(&request));
}
