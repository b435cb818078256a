//! Discovery (`fixtures/discovery.yaml`, spec format 1.2): an environment that gives its
//! issuer (`issuer:` + `discovery: openid | oauth`) instead of its token and authorize URLs,
//! which the runtime reads from the issuer's metadata (OpenID Connect Discovery 1.0 section 4,
//! RFC 8414 section 3). The generated module is compiled here with warnings denied.
//!
//! The module is committed as `fixtures/discovery_generated.rs`; the first test keeps it fresh
//! (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test discovery` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/discovery_generated.rs"]
mod discovery;

mod common;

use std::path::Path;
use tokenspec::model::{Discovery, DiscoveryKind};
use tokenspec_runtime::{DiscoveryErrorKind, Error};

fn fixture_text() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::read_to_string(dir.join("discovery.yaml")).expect("readable")
}

fn generate() -> String {
    let source = tokenspec::load::Source::new("discovery.yaml", fixture_text());
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("discovery_generated.rs", generate());
}

/// The fixture with `from` replaced by `to`, validated: the default environment's discovery
/// and token URL, or the rendered diagnostics.
fn lowered_with(from: &str, to: &str) -> Result<(Option<Discovery<'static>>, String), String> {
    let text = fixture_text();
    assert!(text.contains(from), "{from}");
    let source = tokenspec::load::Source::new("discovery.yaml", text.replacen(from, to, 1));
    let arena = tokenspec::Bump::new();
    match tokenspec::validate_sources(&arena, vec![source]) {
        Ok(providers) => {
            let env = providers[0].environment("production").expect("declared");
            // Copied out of the arena: the test compares values, not borrows.
            let discovery = env.discovery.map(|d| Discovery {
                issuer: String::leak(d.issuer.to_owned()),
                kind: d.kind,
            });
            Ok((discovery, env.token_url.to_owned()))
        }
        Err(tokenspec::Error::Specs(d)) => Err(d.render(false)),
        Err(e) => Err(e.to_string()),
    }
}

#[test]
fn the_issuer_and_its_kind_reach_the_model_and_no_token_url_is_made_up() {
    assert_eq!(
        lowered_with("", ""),
        Ok((
            Some(Discovery {
                issuer: "https://{host}/realms/{realm}",
                kind: DiscoveryKind::OpenId
            }),
            String::new()
        ))
    );
    assert_eq!(
        lowered_with("discovery: openid", "discovery: oauth").map(|(d, _)| d.map(|d| d.kind)),
        Ok(Some(DiscoveryKind::OAuth))
    );
    // A URL given beside the issuer is kept: it wins over the discovered one at run time.
    let given = "    token_url: https://{host}/realms/{realm}/protocol/openid-connect/token\n";
    assert_eq!(
        lowered_with(
            "    discovery: openid\n",
            &format!("    discovery: openid\n{given}")
        )
        .map(|(_, url)| url),
        Ok("https://{host}/realms/{realm}/protocol/openid-connect/token".to_owned())
    );
}

#[test]
fn mistakes_are_reported_where_they_are_with_a_hint() {
    let cases = [
        (
            "    issuer: https://{host}/realms/{realm}\n",
            "    issuer: http://{host}/realms/{realm}\n",
            "issuer of `production` uses http, not https",
        ),
        (
            "    issuer: https://{host}/realms/{realm}\n",
            "    issuer: https://{host}/realms/{realm}?tenant=1\n",
            "RFC 8414 section 2",
        ),
        (
            "    issuer: https://{host}/realms/{realm}\n",
            "    issuer: https://{host}/realms/{realm}#top\n",
            "issuer of `production` has a fragment",
        ),
        (
            "    issuer: https://{host}/realms/{realm}\n",
            "    issuer: https://{hots}/realms/{realm}\n",
            "did you mean `host`?",
        ),
        (
            "    discovery: openid\n",
            "",
            "issuer of `production` without discovery",
        ),
        (
            "    issuer: https://{host}/realms/{realm}\n",
            "",
            "discovery of `production` without an issuer",
        ),
        (
            "    discovery: openid\n",
            "    discovery: openid\n    token_url: https://{host}/t\n    authorize_url: https://{host}/a\n",
            "discovery of `production` is never used",
        ),
        (
            "    discovery: openid\n",
            "    discovery: openidc\n",
            "discovery",
        ),
    ];
    for (from, to, says) in cases {
        let rendered = lowered_with(from, to).expect_err(to);
        assert!(rendered.contains(says), "{to}:\n{rendered}");
        // file:line:col of the mistake.
        assert!(rendered.contains("discovery.yaml:1"), "{rendered}");
    }
    // Neither an issuer nor a token URL: the environment has nowhere to send a request.
    let rendered = lowered_with(
        "    issuer: https://{host}/realms/{realm}\n    discovery: openid\n",
        "    authorize_url: https://{host}/a\n",
    )
    .expect_err("no token URL");
    assert!(
        rendered.contains("environment `production` has no token_url"),
        "{rendered}"
    );
}

#[test]
fn a_synchronous_request_before_discovery_says_what_to_do() {
    let client = discovery::Client::builder(discovery::Inputs {
        host: "sso.example.com".into(),
        realm: "acme".into(),
        client_id: "svc".into(),
        client_secret: tokenspec_runtime::Secret::new("s3cr3t"),
    })
    .build()
    .expect("client");
    let error = client
        .fetch_token()
        .request()
        .expect_err("no token URL yet");
    let Error::Discovery(e) = &error else {
        panic!("not a discovery error: {error}");
    };
    assert_eq!(e.kind, DiscoveryErrorKind::NotDiscovered);
    assert!(e.reason.contains("call `discover`"), "{}", e.reason);
    assert!(!error.to_string().contains("s3cr3t"));
}

/// The worked example of docs/spec-format.md, "4.4 Discovery", validates and is this fixture:
/// `tokenspec diff` finds no change between the two.
#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(
        &["### 4.4 Discovery (spec format 1.2)"],
        "discovery",
    );
}

/// The fixture with `from` replaced by `to`, diffed against the fixture as it is.
fn changes_to(from: &str, to: &str) -> Vec<(tokenspec::diff::Class, String)> {
    let text = fixture_text();
    assert!(text.contains(from), "{from}");
    let arena = tokenspec::Bump::new();
    let old = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new("discovery.yaml", text.clone())],
    )
    .expect("the fixture validates");
    let new = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "discovery.yaml",
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
fn diff_classes_of_discovery_changes() {
    use tokenspec::diff::Class;
    // Another issuer or document: requests go to another server.
    assert_eq!(
        changes_to(
            "https://{host}/realms/{realm}",
            "https://{host}/auth/realms/{realm}"
        ),
        [(
            Class::Breaking,
            "issuer of `production`: `https://{host}/realms/{realm}` → `https://{host}/auth/realms/{realm}`"
                .to_owned()
        )]
    );
    assert_eq!(
        changes_to("discovery: openid", "discovery: oauth"),
        [(
            Class::Breaking,
            "discovery of `production`: openid → oauth".to_owned()
        )]
    );
    // A token URL now given beside the issuer: the discovered one is no longer read.
    let pinned = changes_to(
        "    discovery: openid\n",
        "    discovery: openid\n    token_url: https://{host}/realms/{realm}/protocol/openid-connect/token\n",
    );
    assert_eq!(pinned.len(), 1, "{pinned:?}");
    assert_eq!(pinned[0].0, Class::Breaking);
    assert!(
        pinned[0].1.contains("token_url of `production`"),
        "{pinned:?}"
    );
}

/// PROVIDERS.md and the generated `Environment` docs say where a discovered environment's URLs
/// come from; spec text there stays inert (a `|` cannot end the table cell).
#[test]
fn providers_md_and_module_docs_name_the_issuer() {
    let arena = tokenspec::Bump::new();
    let text = fixture_text().replacen(
        "https://{host}/realms/{realm}",
        "https://{host}/realms/{realm}/a|b",
        1,
    );
    let providers = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new("discovery.yaml", text)],
    )
    .expect("valid");
    let table = tokenspec::emit::docs::providers_md(&providers).expect("renders");
    let row = table
        .lines()
        .find(|l| l.starts_with("| [`discovery`]"))
        .unwrap_or_else(|| panic!("a row:\n{table}"));
    assert!(
        row.contains(
            "`production` (default) discovered from `https://{host}/realms/{realm}/a\\|b`"
        ),
        "{row}"
    );
    let module = generate();
    assert!(
        module.contains(
            "/// `production`: discovered from `https://{host}/realms/{realm}` (openid metadata)"
        ),
        "the Environment enum's docs"
    );
}
