//! Mutual TLS client authentication (spec format 1.2; RFC 8705 section 2):
//! `fixtures/tls_client_auth.yaml` accepts `tls_client_auth` (a CA-issued certificate, 2.1)
//! and `self_signed_tls_client_auth` (2.2). Its generated module is compiled here with warnings
//! denied; `tests/tests/mutual_tls.rs` sends it to a local rustls server that requires a
//! client certificate.
//!
//! The module is committed as `fixtures/tls_client_auth_generated.rs`; the first test keeps it
//! fresh (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test mutual_tls` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/tls_client_auth_generated.rs"]
mod tls_client_auth;

mod common;

use std::path::Path;
use tokenspec::model::{MutualTls, Placement};

fn fixture_source() -> tokenspec::load::Source {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    tokenspec::load::read_file(&dir.join("tls_client_auth.yaml")).expect("readable")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(&arena, vec![fixture_source()])
        .unwrap_or_else(|e| panic!("a valid spec:\n{e}"));
    let module = tokenspec::emit::provider_module(&providers[0]).expect("emits");
    common::assert_fixture_fresh("tls_client_auth_generated.rs", module);
}

#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(
        &["### 6.8 Mutual TLS", "*New in spec format 1.2.*"],
        "tls_client_auth",
    );
}

#[test]
fn both_placements_lower_to_the_three_inputs() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(&arena, vec![fixture_source()]).expect("valid");
    let spec = &providers[0];
    let expected = MutualTls {
        client_id: "client_id",
        certificate: "client_certificate",
        key: "client_key",
    };
    assert_eq!(
        spec.credentials.accepted,
        [
            Placement::TlsClientAuth(expected),
            Placement::SelfSignedTlsClientAuth(expected)
        ]
    );
    assert_eq!(spec.credentials.preferred, 0);
    assert_eq!(
        spec.credentials.accepted[1].kind(),
        "self_signed_tls_client_auth"
    );
}

/// The generated statics are what the runtime reads: certificate and key are secret (RFC
/// 8705 section 2: they are presented in the handshake, never sent), the client ID goes in
/// the body.
#[test]
fn the_generated_spec_presents_the_certificate() {
    let spec = &tls_client_auth::PROVIDER;
    let Some(rt_placement) = spec.credentials.preferred() else {
        panic!("a placement");
    };
    assert_eq!(rt_placement.kind(), "tls_client_auth");
    assert_eq!(
        rt_placement.inputs(),
        ["client_id", "client_certificate", "client_key"]
    );
    for name in ["client_certificate", "client_key"] {
        let input = spec.input(name).expect("declared");
        assert!(spec.is_secret_input(input), "{name}");
        assert!(spec.presents_in_tls(name), "{name}");
        assert_eq!(
            spec.placement_of(name).as_deref(),
            Some("tls_client_certificate")
        );
    }
    assert!(!spec.presents_in_tls("client_id"));
    assert_eq!(spec.placement_of("client_id").as_deref(), Some("body"));
}

/// Validation errors of the placement, each at its line with a hint.
#[test]
fn mistakes_are_refused_with_a_hint() {
    let fixture = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls_client_auth.yaml"),
    )
    .expect("readable");
    let cases: [(&str, &str, &str, &str); 5] = [
        (
            "key not secret",
            "  client_key:\n    description: The certificate's private key (PEM).\n    secret: true\n",
            "  client_key:\n    description: The certificate's private key (PEM).\n",
            "reads its key from input `client_key`, which is not secret",
        ),
        (
            "certificate and key from one input",
            "      key: client_key\n    self_signed",
            "      key: client_certificate\n    self_signed",
            "reads certificate and key from the same input `client_certificate`",
        ),
        (
            "undeclared certificate input",
            "      certificate: client_certificate\n      key: client_key\nrequest",
            "      certificate: client_certificat\n      key: client_key\nrequest",
            "uses input `client_certificat`, which is not declared",
        ),
        (
            "the key also sent as a parameter",
            "      scope: {input: scope}\n",
            "      scope: {input: scope}\n      assertion_key: {input: client_key}\n",
            "input `client_key` is a TLS client certificate or key and is also used as parameter `assertion_key`",
        ),
        (
            "no body for client_id",
            "  body: form\n",
            "  body: none\n",
            "sends `client_id` in the body, but request.body is none",
        ),
    ];
    for (what, from, to, message) in cases {
        assert_eq!(fixture.matches(from).count(), 1, "{what}: {from:?}");
        let text = fixture.replacen(from, to, 1);
        let arena = tokenspec::Bump::new();
        let error = tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new(
                "tls_client_auth.yaml",
                text.as_str(),
            )],
        )
        .expect_err(what)
        .to_string();
        assert!(error.contains(message), "{what}: {error}");
        assert!(error.contains("tls_client_auth.yaml:"), "{what}: {error}");
    }
}

/// `tokenspec diff` classes: every input of the placement is one callers supply, so renaming
/// one is breaking; adding the self-signed alternative is not.
#[test]
fn diff_classes_of_a_mutual_tls_change() {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls_client_auth.yaml"),
    )
    .expect("readable");
    let diff = |edited: &str| {
        let arena = tokenspec::Bump::new();
        let old = tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new(
                "tls_client_auth.yaml",
                &original,
            )],
        )
        .expect("valid");
        let new = tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new("tls_client_auth.yaml", edited)],
        )
        .unwrap_or_else(|e| panic!("the edit validates:\n{e}"));
        tokenspec::diff::render_text(&tokenspec::diff::diff(&old, &new))
    };
    let breaking = |text: &str| text.lines().any(|l| l.trim_start().starts_with("breaking"));

    let renamed = original
        .replace("  client_key:\n", "  tls_key:\n")
        .replace("key: client_key", "key: tls_key");
    let key = diff(&renamed);
    assert!(
        key.contains("tls_client_auth: key input `client_key` → `tls_key`"),
        "{key}"
    );
    assert!(breaking(&key), "{key}");

    let (head, tail) = original
        .split_once("    self_signed_tls_client_auth:\n")
        .expect("the fixture accepts both");
    let tail = tail.split_once("request:").expect("request").1;
    let only_ca = format!("{head}request:{tail}");
    let arena = tokenspec::Bump::new();
    let old = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "tls_client_auth.yaml",
            only_ca.as_str(),
        )],
    )
    .unwrap_or_else(|e| panic!("one placement validates:\n{e}"));
    let new = tokenspec::validate_sources(&arena, vec![fixture_source()]).expect("valid");
    let text = tokenspec::diff::render_text(&tokenspec::diff::diff(&old, &new));
    assert!(
        text.contains("credential placement `self_signed_tls_client_auth`"),
        "{text}"
    );
    assert!(!breaking(&text), "{text}");
}

/// `tokenspec new --auth tls_client_auth`: a skeleton whose certificate and key inputs are
/// secret and that validates as it is; a key exchange has no OAuth client to authenticate.
#[test]
fn scaffold_writes_a_mutual_tls_skeleton() {
    use tokenspec::scaffold::{Auth, Request, ScaffoldError, render};
    for auth in [Auth::TlsClientAuth, Auth::SelfSignedTlsClientAuth] {
        let request = |grant| Request {
            provider: "acme_mtls".into(),
            grant,
            auth,
            response: tokenspec::model::ResponseFormat::Json,
            url: None,
        };
        let text =
            render(&request(tokenspec::model::GrantKind::ClientCredentials)).expect("renders");
        let arena = tokenspec::Bump::new();
        let providers = tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new(
                "acme_mtls.yaml",
                text.as_str(),
            )],
        )
        .unwrap_or_else(|e| panic!("the skeleton validates:\n{e}\n{text}"));
        let spec = &providers[0];
        let placement = spec.credentials.preferred().expect("a placement");
        assert_eq!(placement.kind(), auth.name());
        let tls = placement.mutual_tls().expect("a TLS client certificate");
        for input in [tls.certificate, tls.key] {
            assert!(spec.input(input).is_some_and(|i| i.secret), "{input}");
        }
        assert!(
            text.contains("--auth ") && text.contains(auth.name()),
            "{text}"
        );
        assert!(matches!(
            render(&request(tokenspec::model::GrantKind::None)),
            Err(ScaffoldError::TlsWithoutGrant { .. })
        ));
    }
}
