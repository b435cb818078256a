//! A whole host name as an input (`fixtures/host_name.yaml`, spec format 1.1): a self-hosted
//! server whose token URL is `https://{host}/realms/{realm}/...`. The input says `host: name`
//! and `allow_port: true`, so its value is checked as a DNS host name (RFC 1123 §2.1) with an
//! optional port, and it is the URL's whole host (RFC 3986 §3.2.2): it can never bring user
//! info, a path or an IP address. The generated module is compiled here with warnings denied.
//!
//! The module is committed as `fixtures/host_name_generated.rs`; the first test keeps it fresh
//! (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test host_name` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/host_name_generated.rs"]
mod host_name;

mod common;

use std::path::Path;
use tokenspec_runtime::Error;

fn generate() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = tokenspec::load::read_file(&dir.join("host_name.yaml")).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("host_name_generated.rs", generate());
}

fn client(host: &str) -> Result<host_name::Client, Error<tokenspec_runtime::OAuthErrorBody>> {
    host_name::Client::builder(host_name::Inputs {
        host: host.into(),
        realm: "acme".into(),
        client_id: "svc".into(),
        client_secret: tokenspec_runtime::Secret::new("s3cr3t"),
    })
    .build()
}

fn token_url(host: &str) -> Result<String, String> {
    let client = client(host).map_err(|e| e.to_string())?;
    let request = client.fetch_token().request().map_err(|e| e.to_string())?;
    Ok(request.uri().to_string())
}

#[test]
fn the_request_goes_to_the_given_host() {
    assert_eq!(
        token_url("sso.example.com").as_deref(),
        Ok("https://sso.example.com/realms/acme/protocol/openid-connect/token")
    );
    // The spec allows a port, and an IDNA name in its ASCII form.
    assert_eq!(
        token_url("auth.xn--bcher-kva.example:8443").as_deref(),
        Ok("https://auth.xn--bcher-kva.example:8443/realms/acme/protocol/openid-connect/token")
    );
}

#[test]
fn a_value_that_is_not_a_host_name_is_refused_naming_the_input() {
    for (value, says) in [
        ("user:pw@sso.example.com", "user info"),
        ("evil.example/x", "`/`"),
        ("evil.example?x", "`?`"),
        ("evil.example#", "`#`"),
        ("evil.example\\x", "`\\`"),
        ("169.254.169.254", "IP address"),
        ("2852039166", "IP address"),
        ("[::1]", "IP address"),
        ("a..example", "empty"),
        ("bücher.example", "xn--"),
        ("sso.example.com.", "trailing dot"),
    ] {
        let error = match client(value) {
            Err(e) => e,
            Ok(c) => c
                .fetch_token()
                .request()
                .expect_err("refused when sent if not when built"),
        };
        let Error::InvalidInput(invalid) = &error else {
            panic!("{value}: not an invalid input: {error}");
        };
        assert_eq!(invalid.input, "host", "{value}");
        assert!(invalid.reason.contains(says), "{value}: {}", invalid.reason);
    }
}

/// The fixture's spec text with `from` replaced by `to`, validated; the `host` input's location.
fn location_with(from: &str, to: &str) -> Result<tokenspec::model::InputLocation, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let text = std::fs::read_to_string(dir.join("host_name.yaml")).expect("readable");
    assert!(text.contains(from), "{from}");
    let source = tokenspec::load::Source::new("host_name.yaml", text.replacen(from, to, 1));
    let arena = tokenspec::Bump::new();
    match tokenspec::validate_sources(&arena, vec![source]) {
        Ok(providers) => Ok(providers[0].input("host").expect("declared").location),
        Err(tokenspec::Error::Specs(d)) => Err(d.render(false)),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn host_name_options_reach_the_model_and_a_plain_host_variable_stays_a_label() {
    use tokenspec::model::InputLocation;
    assert_eq!(
        location_with("", ""),
        Ok(InputLocation::Hostname {
            allow_ip: false,
            allow_port: true
        })
    );
    // An address as the example is fine once the spec allows addresses.
    assert_eq!(
        location_with(
            "    example: sso.example.com\n",
            "    example: 10.0.0.1\n    allow_ip: true\n"
        ),
        Ok(InputLocation::Hostname {
            allow_ip: true,
            allow_port: true
        })
    );
    // A host name's pattern may hold dots: the label rules are not applied to it.
    assert!(
        location_with(
            "    host: name\n",
            "    host: name\n    pattern: \"[a-z.]+\\\\.example\\\\.com\"\n"
        )
        .is_ok()
    );
    // Without `host: name` (every spec_version 1 file before 1.1), `https://{host}/` is one
    // DNS label as before, and the port option has nothing to apply to.
    assert_eq!(
        location_with("    host: name\n    allow_port: true\n", ""),
        Ok(InputLocation::Host)
    );
    assert_eq!(
        location_with(
            "    host: name\n    allow_port: true\n",
            "    host: label\n"
        ),
        Ok(InputLocation::Host)
    );
}

/// The worked example of docs/spec-format.md, "4.3 Whole host names", validates and is this
/// fixture: `tokenspec diff` finds no change between the two.
#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(
        &["### 4.3 Whole host names (spec format 1.1)"],
        "host_name",
    );
}

/// The fixture with `from` replaced by `to`, diffed against the fixture as it is.
fn changes_to(from: &str, to: &str) -> Vec<(tokenspec::diff::Class, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let text = std::fs::read_to_string(dir.join("host_name.yaml")).expect("readable");
    assert!(text.contains(from), "{from}");
    let arena = tokenspec::Bump::new();
    let old = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new("host_name.yaml", text.clone())],
    )
    .expect("the fixture validates");
    let new = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "host_name.yaml",
            text.replacen(from, to, 1),
        )],
    )
    .expect("the changed fixture validates");
    tokenspec::diff::diff(&old, &new)
        .into_iter()
        .map(|c| (c.class, c.what))
        .collect()
}

#[test]
fn diff_calls_a_host_name_that_accepts_less_breaking() {
    use tokenspec::diff::Class;
    let no_port = changes_to("    allow_port: true\n", "");
    assert_eq!(
        no_port,
        [(
            Class::Breaking,
            "host name input `host` accepts less".to_owned()
        )]
    );
    let label = changes_to("    host: name\n    allow_port: true\n", "");
    assert_eq!(
        label,
        [(
            Class::Breaking,
            "input `host` becomes one label of the host name".to_owned()
        )]
    );
    // Allowing addresses as well refuses nothing that was accepted.
    assert!(
        changes_to(
            "    allow_port: true\n",
            "    allow_port: true\n    allow_ip: true\n"
        )
        .iter()
        .all(|(class, _)| *class == Class::Compatible)
    );
}
