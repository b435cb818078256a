//! Signed client assertions (spec format 1.1; RFC 7523 section 2.2, OpenID Connect Core
//! section 9): `private_key_jwt` with RS256 (`fixtures/private_key_jwt.yaml`) and with ES256
//! and a key ID (`fixtures/private_key_jwt_es256.yaml`), and `client_secret_jwt` with HS256
//! (`fixtures/client_secret_jwt.yaml`); and the JWT-bearer authorization grant (RFC 7523
//! section 2.1, `fixtures/jwt_bearer.yaml`). Each generated module is compiled here with warnings
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

#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/jwt_bearer_generated.rs"]
mod jwt_bearer;

mod common;

use std::path::Path;
use tokenspec::model::{JwsAlgorithm, ParamSource, Placement};
use tokenspec_runtime::{Error, Secret};

const FIXTURES: [&str; 4] = [
    "jwt_bearer",
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
    common::assert_documented_example_is_fixture(
        &["### 6.7 Signed client assertions"],
        "private_key_jwt",
    );
}

/// PROVIDERS.md names each provider's client assertion method and algorithm.
#[test]
fn providers_md_shows_the_assertion_method() {
    let arena = tokenspec::Bump::new();
    let sources = FIXTURES.iter().map(|name| fixture_source(name)).collect();
    let providers = tokenspec::validate_sources(&arena, sources).expect("valid specs");
    let table = tokenspec::emit::docs::providers_md(&providers).expect("renders");
    for (provider, words) in [
        (
            "private_key_jwt",
            "`private_key_jwt` (RS256 client assertion)",
        ),
        (
            "private_key_jwt_es256",
            "`private_key_jwt` (ES256 client assertion)",
        ),
        (
            "client_secret_jwt",
            "`client_secret_jwt` (HS256 client assertion)",
        ),
    ] {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| [`{provider}`]")))
            .unwrap_or_else(|| panic!("a row for {provider}:\n{table}"));
        assert!(row.contains(words), "{row}");
    }
}

/// `tokenspec diff` classes: what the server checks is breaking, the lifetime is not.
#[test]
fn diff_classes_of_an_assertion_change() {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/private_key_jwt.yaml"),
    )
    .expect("readable");
    let diff = |edited: &str| {
        let arena = tokenspec::Bump::new();
        let old = tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new(
                "private_key_jwt.yaml",
                &original,
            )],
        )
        .expect("valid");
        let new = tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new("private_key_jwt.yaml", edited)],
        )
        .unwrap_or_else(|e| panic!("the edit validates:\n{e}"));
        tokenspec::diff::render_text(&tokenspec::diff::diff(&old, &new))
    };
    let breaking = |text: &str| text.lines().any(|l| l.trim_start().starts_with("breaking"));
    let lifetime = diff(&original.replace("lifetime: 120", "lifetime: 30"));
    assert!(lifetime.contains("lifetime 120 s → 30 s"), "{lifetime}");
    assert!(!breaking(&lifetime), "{lifetime}");
    let algorithm = diff(&original.replace("algorithm: RS256", "algorithm: PS256"));
    assert!(algorithm.contains("algorithm RS256 → PS256"), "{algorithm}");
    assert!(breaking(&algorithm), "{algorithm}");
    let audience = diff(&original.replace(
        "      lifetime: 120",
        "      lifetime: 120\n      audience: {value: https://idp.example}",
    ));
    assert!(
        audience.contains("`aud` the token URL → value"),
        "{audience}"
    );
    assert!(breaking(&audience), "{audience}");
    let claims = diff(&original.replace("value: reporting", "value: billing"));
    assert!(claims.contains("further claims changed"), "{claims}");
}

/// The JWT-bearer grant (RFC 7523 section 2.1): its assertion's issuer and subject come from
/// the spec, and no client authentication is needed (section 3.1).
#[test]
fn the_jwt_bearer_grant_lowers_to_its_assertion() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(&arena, vec![fixture_source("jwt_bearer")])
        .expect("a valid spec");
    let grant = &providers[0].grants[0];
    assert_eq!(grant.kind, tokenspec::model::GrantKind::JwtBearer);
    assert!(
        providers[0].credentials.accepted.is_empty(),
        "no client authentication (RFC 7523 section 3.1)"
    );
    let a = grant.assertion.expect("an assertion");
    assert_eq!(a.issuer, ParamSource::Input("service_account"));
    assert_eq!(a.subject, ParamSource::Input("user"));
    assert_eq!(a.key_id, Some("key_id"));
    assert_eq!(a.lifetime, 300);
    assert_eq!(a.claims, [("scope", ParamSource::Input("scope"))]);
    // `describe` says where an input goes: into the signed assertion.
    for input in ["service_account", "user", "private_key", "key_id", "scope"] {
        assert_eq!(
            jwt_bearer::PROVIDER.placement_of(input).as_deref(),
            Some("assertion"),
            "{input}"
        );
    }

    // A key that is no PEM fails before anything is sent, naming the input.
    let client = jwt_bearer::Client::builder(jwt_bearer::Inputs {
        service_account: "reports@project.iam.example".into(),
        user: "alice@example.com".into(),
        private_key: Secret::new("not a key"),
    })
    .build()
    .expect("client");
    let error = client.jwt_bearer().request().expect_err("no key");
    assert!(
        matches!(&error, Error::InvalidInput(e) if e.input == "private_key"),
        "{error}"
    );
}

/// The worked example of docs/spec-format.md, "8.8 `jwt_bearer`", validates and is the
/// fixture.
#[test]
fn the_documented_jwt_bearer_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(&["### 8.8 `jwt_bearer`"], "jwt_bearer");
}
