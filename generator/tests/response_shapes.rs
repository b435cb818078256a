//! Other response shapes (issue 13 capability 4, spec format 1.1): a token endpoint that
//! answers `application/x-www-form-urlencoded` pairs (`fixtures/form_response.yaml`,
//! `response.format: form`) and one that returns the token in a response header
//! (`fixtures/header_token.yaml`, `header: X-Subject-Token`). Both generated modules are
//! compiled here with warnings denied and driven sans-IO (`.request()`, `parse_response`); the
//! wire tests against a local server are in `tests/tests/response_shapes.rs`.
//!
//! The modules are committed as `fixtures/*_generated.rs`; the first tests keep them fresh
//! (`TOKENSPEC_BLESS=1 cargo test -p tokenspec --test response_shapes` rewrites them).

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/form_response_generated.rs"]
mod form_response;

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/header_token_generated.rs"]
mod header_token;

mod common;

use std::path::Path;
use tokenspec::diff::Class;
use tokenspec::model::ResponseFormat;

fn fixture_text(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::read_to_string(dir.join(name)).expect("readable fixture")
}

/// `text` validated as `<name>.yaml`, or every diagnostic as `validate` prints them.
fn validate<T>(
    name: &str,
    text: &str,
    then: impl FnOnce(&tokenspec::model::Provider) -> T,
) -> Result<T, String> {
    let arena = tokenspec::Bump::new();
    let source = tokenspec::load::Source::new(format!("{name}.yaml"), text);
    match tokenspec::validate_sources(&arena, vec![source]) {
        Ok(providers) => Ok(then(&providers[0])),
        Err(tokenspec::Error::Specs(d)) => Err(d.render(false)),
        Err(e) => Err(e.to_string()),
    }
}

fn generate(name: &str) -> String {
    validate(name, &fixture_text(&format!("{name}.yaml")), |p| {
        tokenspec::emit::provider_module(p).expect("emits")
    })
    .expect("the fixture is a valid spec")
}

#[test]
fn committed_form_response_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("form_response_generated.rs", generate("form_response"));
}

#[test]
fn committed_header_token_module_is_what_the_generator_emits() {
    common::assert_fixture_fresh("header_token_generated.rs", generate("header_token"));
}

#[test]
fn the_format_and_header_sources_reach_the_model() {
    let form = validate("form_response", &fixture_text("form_response.yaml"), |p| {
        (
            p.response_format,
            p.response.iter().all(|f| f.header.is_none()),
        )
    });
    assert_eq!(form, Ok((ResponseFormat::Form, true)));
    let header = validate("header_token", &fixture_text("header_token.yaml"), |p| {
        p.response
            .iter()
            .map(|f| (f.name.to_owned(), f.header.map(str::to_owned), f.wire.len()))
            .collect::<Vec<_>>()
    });
    assert_eq!(
        header,
        Ok(vec![
            ("access_token".into(), Some("X-Subject-Token".into()), 0),
            ("expires_at".into(), None, 2),
            ("user_id".into(), None, 3),
            (
                "request_id".into(),
                Some("X-OpenStack-Request-Id".into()),
                0
            ),
        ])
    );
    // Without the 1.1 keys a spec reads as in spec format 1: JSON answers, body fields.
    let text = with_response_example(&fixture_text("form_response.yaml"), "").replacen(
        "  format: form\n",
        "",
        1,
    );
    let text = text
        .split_once("  example: error=")
        .map(|(head, _)| head.to_owned())
        .expect("the error example");
    assert_eq!(
        validate("form_response", &text, |p| p.response_format),
        Ok(ResponseFormat::Json)
    );
}

#[test]
fn form_requests_ask_for_form_pairs_and_header_requests_for_json() {
    let client = form_response::Client::builder(form_response::Inputs {
        client_id: "Iv1.8a61f9b3a7aba766".into(),
        client_secret: "fr-secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .build()
    .expect("client");
    let request = client.exchange_code("code-1").request().expect("request");
    assert_eq!(
        request.headers()[tokenspec_runtime::http::header::ACCEPT],
        "application/x-www-form-urlencoded"
    );
    let client = header_token::Client::builder(header_token::Inputs {
        application_credential_id: "ac-1".into(),
        application_credential_secret: "ht-secret".into(),
    })
    .build()
    .expect("client");
    let request = client.fetch_token().request().expect("request");
    assert_eq!(
        request.headers()[tokenspec_runtime::http::header::ACCEPT],
        "application/json"
    );
}

#[test]
fn form_examples_are_read_as_form_pairs() {
    let text = fixture_text("form_response.yaml");
    // The fixture's examples are form strings and validate.
    assert!(validate("form_response", &text, |_| ()).is_ok());
    // A value that does not fit its type is reported as for JSON examples.
    let wrong = text.replacen("expires_in=28800", "expires_in=8h", 1);
    let report = validate("form_response", &wrong, |_| ()).expect_err("refused");
    assert!(
        report.contains("field `expires_in` is not a whole number of seconds"),
        "{report}"
    );
    // A malformed body is reported without quoting it.
    let bad = text.replacen("15811200&scope=repo%2Cgist", "15811200&scope=repo%2", 1);
    let report = validate("form_response", &bad, |_| ()).expect_err("refused");
    assert!(
        report.contains("response.example is not a form-encoded body"),
        "{report}"
    );
    let twice = text.replacen(
        "15811200&scope=repo%2Cgist&token_type=bearer",
        "15811200&scope=repo%2Cgist&token_type=bearer&token_type=mac",
        1,
    );
    let report = validate("form_response", &twice, |_| ()).expect_err("refused");
    assert!(report.contains("`token_type` more than once"), "{report}");
    // An error example that is not an RFC 6749 error body, in form pairs.
    let not_error = text.replacen(
        "errors:\n  format: oauth2\n  example: error=",
        "errors:\n  format: oauth2\n  example: problem=",
        1,
    );
    let report = validate("form_response", &not_error, |_| ()).expect_err("refused");
    assert!(
        report.contains("errors.example would not be read"),
        "{report}"
    );
    // A mapping is taken as text pairs: a nested value cannot be one.
    let mapping = with_response_example(
        &text,
        "  example:\n    access_token: abc\n    token_type: bearer\n    expires_in: 3600\n",
    );
    assert!(validate("form_response", &mapping, |_| ()).is_ok());
    let nested = mapping.replacen("    expires_in: 3600\n", "    expires_in: {s: 1}\n", 1);
    let report = validate("form_response", &nested, |_| ()).expect_err("refused");
    assert!(
        report.contains("has `expires_in` that is not text"),
        "{report}"
    );
}

#[test]
fn header_fields_are_left_out_of_body_examples() {
    // The fixture's example is the body alone: the required header field is not looked for.
    assert!(validate("header_token", &fixture_text("header_token.yaml"), |_| ()).is_ok());
}

#[test]
fn json_or_form_examples_are_json_or_form_pairs() {
    let text = fixture_text("form_response.yaml").replacen(
        "\n  format: form\n",
        "\n  format: json_or_form\n",
        1,
    );
    // The fixture's form string still reads (it is not JSON), and so does a JSON one.
    assert_eq!(
        validate("form_response", &text, |p| p.response_format),
        Ok(ResponseFormat::JsonOrForm)
    );
    let json = with_response_example(
        &text,
        "  example: '{\"access_token\": \"abc\", \"token_type\": \"bearer\", \"expires_in\": 28800}'\n",
    );
    assert!(validate("form_response", &json, |_| ()).is_ok());
    let wrong = with_response_example(&text, "  example: '{\"access_token\": \"abc\"}'\n");
    let report = validate("form_response", &wrong, |_| ()).expect_err("refused");
    assert!(
        report.contains("required field `token_type` is missing"),
        "{report}"
    );
}

/// `text` with its `response.example` line replaced by `example` (whole lines).
fn with_response_example(text: &str, example: &str) -> String {
    let (head, tail) = text
        .split_once("  example: access_token")
        .expect("the example line");
    let rest = &tail[tail.find('\n').map_or(tail.len(), |i| i + 1)..];
    format!("{head}{example}{rest}")
}

/// The fixture with `from` replaced by `to`, diffed against the fixture as it is.
fn changes_to(name: &str, from: &str, to: &str) -> Vec<(Class, String)> {
    let text = fixture_text(&format!("{name}.yaml"));
    assert!(text.contains(from), "{from}");
    let arena = tokenspec::Bump::new();
    let old = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            format!("{name}.yaml"),
            text.clone(),
        )],
    )
    .expect("the fixture validates");
    let new = tokenspec::validate_sources(
        &arena,
        vec![tokenspec::load::Source::new(
            format!("{name}.yaml"),
            text.replacen(from, to, 1),
        )],
    )
    .unwrap_or_else(|e| panic!("the changed fixture validates: {e}"));
    tokenspec::diff::diff(&old, &new)
        .into_iter()
        .map(|c| (c.class, c.what))
        .collect()
}

#[test]
fn diff_calls_a_new_format_or_field_source_breaking() {
    assert_eq!(
        changes_to(
            "form_response",
            "\n  format: form\n",
            "\n  format: json_or_form\n"
        ),
        [(
            Class::Breaking,
            "response format form → json_or_form".to_owned()
        )]
    );
    assert_eq!(
        changes_to(
            "header_token",
            "header: X-Subject-Token\n",
            "header: X-Auth-Token\n"
        ),
        [(
            Class::Breaking,
            "response field `access_token` read from header `X-Subject-Token` → header \
             `X-Auth-Token`"
                .to_owned()
        )]
    );
    assert_eq!(
        changes_to(
            "header_token",
            "    request_id: {type: string, header: X-OpenStack-Request-Id}",
            "    request_id: {type: string, from: request_id}"
        ),
        [(
            Class::Breaking,
            "response field `request_id` read from header `X-OpenStack-Request-Id` → `request_id`"
                .to_owned()
        )]
    );
    // A description is documentation only.
    assert!(
        changes_to(
            "header_token",
            "description: The token, to send in X-Auth-Token.",
            "description: The token."
        )
        .iter()
        .all(|(class, _)| *class != Class::Breaking)
    );
}

#[test]
fn providers_md_shows_the_format_and_header_fields() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(
        &arena,
        ["form_response", "header_token"]
            .iter()
            .map(|n| {
                tokenspec::load::Source::new(
                    format!("{n}.yaml"),
                    fixture_text(&format!("{n}.yaml")),
                )
            })
            .collect(),
    )
    .expect("valid");
    let md = tokenspec::emit::docs::providers_md(&providers).expect("renders");
    assert!(md.contains("| Response |"), "{md}");
    let row = |name: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| [`{name}`]")))
            .unwrap_or_else(|| panic!("a row for {name}:\n{md}"))
            .to_owned()
    };
    assert!(row("form_response").contains("| `form` |"), "{md}");
    assert!(
        row("header_token").contains(
            "| `json`; `access_token` from header `X-Subject-Token`; `request_id` from header `X-OpenStack-Request-Id` |"
        ),
        "{md}"
    );
}

/// The worked examples of docs/spec-format.md §10.6 validate and are the fixtures: `tokenspec
/// diff` finds no change between each and its fixture.
#[test]
fn the_documented_examples_are_the_fixtures() {
    for (heading, fixture) in [
        ("#### Form-encoded answers", "form_response"),
        ("#### A token in a response header", "header_token"),
    ] {
        common::assert_documented_example_is_fixture(
            &[
                "### 10.6 Other response shapes: form pairs and headers (spec format 1.1)",
                heading,
            ],
            fixture,
        );
    }
}
