//! Signed client assertions (spec format 1.1; RFC 7523 section 2.2, OpenID Connect Core
//! section 9): `private_key_jwt` with RS256 (`fixtures/private_key_jwt.yaml`) and with ES256
//! and a key ID (`fixtures/private_key_jwt_es256.yaml`), and `client_secret_jwt` with HS256
//! (`fixtures/client_secret_jwt.yaml`). Each generated module is compiled here with warnings
//! denied; the wire tests in `tests/tests/client_assertion.rs` send them to a local server
//! that verifies the signatures.
//!
//! The modules are committed as `fixtures/<name>_generated.rs`; the first test keeps them
//! fresh (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test client_assertion` rewrites them).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/private_key_jwt_generated.rs"]
mod private_key_jwt;

#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/private_key_jwt_es256_generated.rs"]
mod private_key_jwt_es256;

#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/client_secret_jwt_generated.rs"]
mod client_secret_jwt;

mod common;

use std::path::Path;
use tokenspec::model::{JwsAlgorithm, ParamSource, Placement};
use tokenspec_runtime::{Error, Secret};

const FIXTURES: [&str; 3] = [
    "private_key_jwt",
    "private_key_jwt_es256",
    "client_secret_jwt",
];

fn fixture_source(name: &str) -> tokenspec::load::Source {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    tokenspec::load::read_file(&dir.join(format!("{name}.yaml"))).expect("readable")
}

#[test]
fn committed_modules_are_what_the_generator_emits() {
    for name in FIXTURES {
        let arena = tokenspec::Bump::new();
        let providers = tokenspec::validate_sources(&arena, vec![fixture_source(name)])
            .unwrap_or_else(|e| panic!("{name} is a valid spec:\n{e}"));
        let module = tokenspec::emit::provider_module(&providers[0]).expect("emits");
        common::assert_fixture_fresh(&format!("{name}_generated.rs"), module);
    }
}

#[test]
fn the_placements_lower_to_what_the_runtime_signs() {
    let arena = tokenspec::Bump::new();
    let sources = FIXTURES.iter().map(|name| fixture_source(name)).collect();
    let providers = tokenspec::validate_sources(&arena, sources).expect("valid specs");
    let placement = |name: &str| {
        let p = providers
            .iter()
            .find(|p| p.name == name)
            .expect("the fixture");
        *p.credentials.preferred().expect("a placement")
    };

    let Placement::PrivateKeyJwt(rs) = placement("private_key_jwt") else {
        panic!("private_key_jwt");
    };
    assert_eq!(rs.client_id, "client_id");
    assert!(
        !rs.send_client_id,
        "client_id goes in the body only when asked"
    );
    let a = rs.assertion;
    assert_eq!(a.algorithm, JwsAlgorithm::RS256);
    assert_eq!(a.key, "private_key");
    assert_eq!(a.key_id, None);
    // RFC 7523 section 3 items 1 and 2, OpenID Connect Core section 9: iss = sub = client_id.
    assert_eq!(a.issuer, ParamSource::Input("client_id"));
    assert_eq!(a.subject, ParamSource::Input("client_id"));
    assert_eq!(a.audience, None, "the token URL");
    assert_eq!(a.lifetime, 120);
    assert_eq!(
        a.claims,
        [
            ("tenant", ParamSource::Input("tenant")),
            ("purpose", ParamSource::Fixed("reporting")),
        ]
    );

    let Placement::PrivateKeyJwt(es) = placement("private_key_jwt_es256") else {
        panic!("private_key_jwt");
    };
    assert!(es.send_client_id);
    assert_eq!(es.assertion.algorithm, JwsAlgorithm::ES256);
    assert_eq!(es.assertion.key_id, Some("key_id"));
    assert_eq!(
        es.assertion.lifetime,
        tokenspec::model::AssertionSpec::DEFAULT_LIFETIME
    );

    let Placement::ClientSecretJwt(hs) = placement("client_secret_jwt") else {
        panic!("client_secret_jwt");
    };
    assert_eq!(hs.assertion.algorithm, JwsAlgorithm::HS256);
    assert_eq!(hs.assertion.key, "client_secret");
    assert_eq!(
        hs.assertion.audience,
        Some(ParamSource::Fixed("https://auth.example"))
    );
}

/// The generated statics are what the runtime reads: the placement in the module's spec is
/// the lowered one, and `describe` names where each input goes.
#[test]
fn the_generated_spec_holds_the_assertion() {
    let spec = &private_key_jwt_es256::PROVIDER;
    let Some(tokenspec_runtime::Placement::PrivateKeyJwt(client)) = spec.credentials.preferred()
    else {
        panic!("private_key_jwt");
    };
    assert_eq!(
        client.assertion.algorithm,
        tokenspec_runtime::JwsAlgorithm::ES256
    );
    assert_eq!(spec.placement_of("client_id").as_deref(), Some("body"));
    assert_eq!(
        spec.placement_of("signing_key").as_deref(),
        Some("client_assertion")
    );
    assert_eq!(
        spec.placement_of("key_id").as_deref(),
        Some("client_assertion")
    );
    assert!(spec.is_secret_input(spec.input("signing_key").expect("declared")));
}

/// A key that is not a PEM key is refused naming the input, before anything is sent, and the
/// error shows no part of it.
#[test]
fn a_bad_key_is_an_error_naming_the_input() {
    let client = private_key_jwt::Client::builder(private_key_jwt::Inputs {
        client_id: "svc-reports".into(),
        private_key: Secret::new(
            "-----BEGIN PRIVATE KEY-----\nbm90LWEta2V5\n-----END PRIVATE KEY-----",
        ),
    })
    .build()
    .expect("client");
    let error = client.fetch_token().request().expect_err("no key");
    let text = format!("{error} {error:?}");
    assert!(
        matches!(&error, Error::InvalidInput(e) if e.input == "private_key"),
        "{text}"
    );
    assert!(text.contains("RSA private key"), "{text}");
    assert!(!text.contains("bm90LWEta2V5"), "{text}");
}

/// The worked example of docs/spec-format.md, "6.7 Signed client assertions", validates and
/// is the RS256 fixture: `tokenspec diff` finds no change between the two.
#[test]
fn the_documented_example_is_the_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = std::fs::read_to_string(root.join("../docs/spec-format.md")).expect("the docs");
    let section = docs
        .split_once("### 6.7 Signed client assertions")
        .expect("the section")
        .1;
    let example = section
        .split_once("```yaml\n")
        .and_then(|(_, rest)| rest.split_once("```\n"))
        .expect("a YAML block")
        .0;
    let arena = tokenspec::Bump::new();
    let documented = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "private_key_jwt.yaml",
            example,
        )],
    )
    .unwrap_or_else(|e| panic!("the documented example validates:\n{e}"));
    let fixture = tokenspec::validate_sources(&arena, vec![fixture_source("private_key_jwt")])
        .expect("the fixture validates");
    let changes = tokenspec::diff::diff(&fixture, &documented);
    assert!(
        changes.is_empty(),
        "{}",
        tokenspec::diff::render_text(&changes)
    );
}
