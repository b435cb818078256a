//! Authorization URL options (`fixtures/authorize_options.yaml`, spec format 1.2,
//! docs/spec-format.md 8.4): the authorization-code grant's `authorize:` block renames a
//! standard parameter (`client_id` sent as `client_key`), joins the scopes with `,`, keeps `,`
//! and `:` of the scope unencoded (RFC 3986 section 3.4 allows both in a query) and leaves out
//! an empty parameter. The generated module is compiled here with warnings denied.
//!
//! The module is committed as `fixtures/authorize_options_generated.rs`; the first test keeps
//! it fresh (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test authorize_options` rewrites it).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/authorize_options_generated.rs"]
mod authorize_options;

mod common;

use std::path::Path;
use tokenspec::diff::Class;
use tokenspec::model::AuthorizeSpec;

fn fixture_text() -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::read_to_string(dir.join("authorize_options.yaml")).expect("readable")
}

fn generate() -> String {
    let source = tokenspec::load::Source::new("authorize_options.yaml", fixture_text());
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("authorize_options_generated.rs", generate());
}

#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(
        &[
            "### 8.4 `authorization_code`",
            "#### Authorization URL options (spec format 1.2)",
        ],
        "authorize_options",
    );
}

fn builder() -> authorize_options::ClientBuilder {
    authorize_options::Client::builder(authorize_options::Inputs {
        client_id: "aw4f 52a".into(),
        client_secret: tokenspec_runtime::Secret::new("ao-secret"),
        redirect_uri: "https://app.example/cb".into(),
    })
}

/// RFC 7636 appendix B.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[test]
fn the_authorize_url_is_written_the_providers_way() {
    let client = builder().build().expect("client");
    let url = client.authorize_url("st:1,2", None, None).expect("url");
    // `client_key` for `client_id`, the default scopes joined by a raw `,` with their `:`
    // raw too; `state` keeps neither; the fixed `disable_auto_auth`; no prompt (unset).
    assert_eq!(
        url.as_str(),
        "https://www.example/v2/auth/authorize/?response_type=code&client_key=aw4f+52a\
         &redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=user.info:basic,video.list\
         &state=st%3A1%2C2&disable_auto_auth=1"
    );
    let url = client
        .authorize_url("s", Some("consent"), Some(VERIFIER))
        .expect("url");
    assert_eq!(
        url.query(),
        Some(
            "response_type=code&client_key=aw4f+52a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb\
             &scope=user.info:basic,video.list&state=s&prompt=consent&disable_auto_auth=1\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
             &code_challenge_method=S256"
        )
    );
}

#[test]
fn a_scope_keeps_only_the_listed_characters_and_an_empty_one_is_left_out() {
    use authorize_options::OptionalInput;
    let client = builder()
        .input(OptionalInput::Scope, "a/b  c&d=e#f+g%h")
        .build()
        .expect("client");
    let url = client.authorize_url("s", None, None).expect("url");
    // `/`, `&`, `=`, `#`, `+` and `%` are not listed (nor could `&=#+%` be): encoded.
    assert!(
        url.as_str()
            .contains("&scope=a%2Fb,c%26d%3De%23f%2Bg%25h&state=s&"),
        "{url}"
    );
    assert_eq!(url.fragment(), None);
    let client = builder()
        .input(OptionalInput::Scope, "   ")
        .build()
        .expect("client");
    let url = client.authorize_url("s", None, None).expect("url");
    assert_eq!(
        url.query(),
        Some(
            "response_type=code&client_key=aw4f+52a&redirect_uri=https%3A%2F%2Fapp.example%2Fcb\
             &state=s&disable_auto_auth=1"
        )
    );
}

#[test]
fn the_token_request_keeps_the_specs_own_names() {
    let client = builder().build().expect("client");
    let request = client
        .exchange_code("code-1", None)
        .request()
        .expect("request");
    let body = String::from_utf8_lossy(request.body()).into_owned();
    assert_eq!(
        body,
        "grant_type=authorization_code&code=code-1&redirect_uri=https%3A%2F%2Fapp.example%2Fcb\
         &client_key=aw4f+52a&client_secret=ao-secret"
    );
}

#[test]
fn the_generated_method_says_how_the_url_is_written() {
    let module = generate();
    assert!(
        module.contains(
            "Sends `client_id` as `client_key`. Joins the scopes with `,`. Leaves out a \
             parameter whose value is empty."
        ),
        "{module}"
    );
}

/// The fixture with `from` replaced by `to`, validated: its grant's authorize options, or the
/// rendered diagnostics.
fn options_with(from: &str, to: &str) -> Result<String, String> {
    let text = fixture_text();
    assert!(text.contains(from), "{from}");
    let source = tokenspec::load::Source::new("authorize_options.yaml", text.replacen(from, to, 1));
    let arena = tokenspec::Bump::new();
    match tokenspec::validate_sources(&arena, vec![source]) {
        Ok(providers) => Ok(format!(
            "{:?}",
            providers[0]
                .grant(tokenspec::model::GrantKind::AuthorizationCode)
                .expect("the grant")
                .authorize
        )),
        Err(tokenspec::Error::Specs(d)) => Err(d.render(false)),
        Err(e) => Err(e.to_string()),
    }
}

const BLOCK: &str = "    authorize:
      rename:
        client_id: client_key
      scope_separator: \",\"
      keep_unencoded:
        scope: \",:\"
      omit_empty: true
";

#[test]
fn the_options_reach_the_model_and_no_block_is_spec_format_1() {
    let expected = AuthorizeSpec {
        rename: &[("client_id", "client_key")],
        scope_separator: Some(","),
        keep_unencoded: &[("scope", ",:")],
        omit_empty: true,
    };
    assert_eq!(options_with("", ""), Ok(format!("{expected:?}")));
    assert_eq!(
        options_with(BLOCK, ""),
        Ok(format!("{:?}", AuthorizeSpec::DEFAULT))
    );
    // Renames of the PKCE pair and `response_type` (the grant has PKCE).
    let renamed = AuthorizeSpec {
        rename: &[
            ("response_type", "responseType"),
            ("code_challenge", "challenge"),
            ("code_challenge_method", "challenge_method"),
        ],
        ..AuthorizeSpec::DEFAULT
    };
    assert_eq!(
        options_with(
            BLOCK,
            "    authorize:\n      rename: {code_challenge_method: challenge_method, \
             code_challenge: challenge, response_type: responseType}\n"
        ),
        Ok(format!("{renamed:?}"))
    );
}

#[test]
fn two_parameters_may_swap_names_but_never_share_one() {
    // A swap leaves one parameter per wire name: allowed.
    assert!(
        options_with(
            "        client_id: client_key\n",
            "        client_id: state\n        state: client_id\n"
        )
        .is_ok()
    );
    let shared = options_with(
        "        client_id: client_key\n",
        "        client_id: k\n        redirect_uri: k\n        state: k\n",
    )
    .expect_err("three on one name");
    // Reported once per parameter that comes second, at its rename.
    assert_eq!(
        shared.matches("are both renamed to `k`").count(),
        2,
        "{shared}"
    );
}

#[test]
fn every_unkeepable_character_is_refused_at_its_place() {
    for c in ['&', '=', '#', '+', '%', '\'', '[', 'a', '-'] {
        let error =
            options_with("scope: \",:\"", &format!("scope: \",{c}\"")).expect_err("refused");
        assert!(
            error.contains(&format!("cannot keep {c:?}")),
            "{c}: {error}"
        );
        assert!(error.contains(":74:18"), "{c}: at the character: {error}");
    }
    for c in tokenspec::model::AuthorizeSpec::KEEPABLE.chars() {
        let kept = options_with("scope: \",:\"", &format!("scope: \"{c}\""));
        assert!(kept.is_ok(), "{c}: {kept:?}");
    }
}

#[test]
fn a_scope_separator_needs_a_scope_parameter() {
    let error = options_with("      scope: {input: scope}\n", "").expect_err("no scope parameter");
    assert!(
        error.contains("scope_separator, but the authorize URL sends no `scope`"),
        "{error}"
    );
}

/// The changes `tokenspec diff` reports from the fixture to the fixture edited.
fn diff_with(from: &str, to: &str) -> Vec<(Class, String)> {
    let arena = tokenspec::Bump::new();
    let old = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "authorize_options.yaml",
            fixture_text(),
        )],
    )
    .expect("valid");
    let text = fixture_text();
    assert!(text.contains(from), "{from}");
    let new = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            "authorize_options.yaml",
            text.replacen(from, to, 1),
        )],
    )
    .expect("valid");
    tokenspec::diff::diff(&old, &new)
        .into_iter()
        .map(|c| (c.class, c.what))
        .collect()
}

#[test]
fn every_option_change_is_a_breaking_change_of_the_wire() {
    assert_eq!(
        diff_with("client_id: client_key", "client_id: clientKey"),
        [(
            Class::Breaking,
            "authorize parameter `client_id` of `authorization_code` sent as `client_key` → \
             `clientKey`"
                .to_owned()
        )]
    );
    assert_eq!(
        diff_with("scope_separator: \",\"", "scope_separator: \";\""),
        [(
            Class::Breaking,
            "scope separator of the authorize URL of `authorization_code` `,` → `;`".to_owned()
        )]
    );
    assert_eq!(
        diff_with("scope: \",:\"", "scope: \",\""),
        [(
            Class::Breaking,
            "characters of authorize parameter `scope` of `authorization_code` kept \
             unencoded: `,:` → `,`"
                .to_owned()
        )]
    );
    assert_eq!(
        diff_with("omit_empty: true", "omit_empty: false"),
        [(
            Class::Breaking,
            "empty authorize parameters of `authorization_code` sent again".to_owned()
        )]
    );
    assert_eq!(diff_with("omit_empty: true", "omit_empty: true"), []);
}
