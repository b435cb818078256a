//! The URL and header rules of `validate` beyond the corpus's one-mistake files: what they
//! accept (so they are not too broad) and that a password in a URL never shows.

use tokenspec::load::Source;

fn brainysoft() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/brainysoft.yaml"),
    )
    .expect("the brainysoft spec")
}

fn validate(text: &str) -> Result<(), tokenspec::diagnostic::Diagnostics> {
    match tokenspec::validate_sources(
        &tokenspec::Bump::new(),
        vec![Source::new("specs/brainysoft.yaml", text)],
    ) {
        Ok(_) => Ok(()),
        Err(tokenspec::Error::Specs(d)) => Err(d),
        Err(e) => panic!("{e}"),
    }
}

const URL: &str = "https://{customer_key}-auth.brainysoft.ru/oauth/token";

fn with_url(url: &str) -> String {
    brainysoft().replace(URL, url)
}

#[test]
fn a_password_in_a_url_is_refused_and_never_shown() {
    for url in [
        "https://client:s3cr3t-pw@{customer_key}-auth.brainysoft.ru/oauth/token",
        "https://s3cr3t-pw@{customer_key}-auth.brainysoft.ru/oauth/token",
        "\"https://client:s3cr3t-pw@{customer_key}-auth.brainysoft.ru/oauth/token\"",
    ] {
        let d = validate(&with_url(url)).expect_err(url);
        assert_eq!(d.len(), 1, "{d}");
        assert!(d.items[0].message.contains("user info"), "{d}");
        for shown in [
            d.render(false),
            d.render(true),
            d.items[0].to_string(),
            format!("{:?}", d.items[0]),
        ] {
            assert!(!shown.contains("s3cr3t-pw"), "{url}: {shown}");
        }
        assert!(
            d.render(false).contains("https://***@"),
            "{}",
            d.render(false)
        );
    }
}

#[test]
fn dot_segments_are_refused_in_every_spelling_but_dots_inside_names_are_fine() {
    for path in [
        "/oauth/./token",
        "/oauth/../token",
        "/oauth/%2e/token",
        "/oauth/.%2E/token",
        "/oauth/token/..",
    ] {
        let url = URL.replace("/oauth/token", path);
        let d = validate(&with_url(&url)).expect_err(path);
        assert!(
            d.items.iter().any(|i| i.message.contains("dot segment")),
            "{path}: {d}"
        );
    }
    for path in [
        "/oauth/.well-known/token",
        "/oauth/v1.2/token",
        "/oauth/...x/token",
        "/oauth/a%2eb",
    ] {
        let url = URL.replace("/oauth/token", path);
        validate(&with_url(&url)).unwrap_or_else(|d| panic!("{path}: {d}"));
    }
}

#[test]
fn host_variable_values_that_make_an_address_are_refused_where_they_would() {
    let whole_host = with_url("https://{customer_key}/oauth/token");
    for example in ["2852039166", "0x7f000001", "0177", "10"] {
        let text = whole_host.replace("example: acme", &format!("example: \"{example}\""));
        let d = validate(&text).expect_err(example);
        assert!(d.items[0].message.contains("IP address"), "{example}: {d}");
    }
    // The same number in a label of a longer name is part of a DNS name.
    let text = brainysoft().replace("example: acme", "example: \"2852039166\"");
    validate(&text).unwrap_or_else(|d| panic!("{d}"));
    // As the default, too.
    let text = whole_host.replace("example: acme", "default: \"2852039166\"");
    assert!(validate(&text).is_err_and(|d| d.items[0].message.starts_with("default `2852039166`")));
}

#[test]
fn only_digit_patterns_of_host_variables_are_refused() {
    for pattern in ["[0-9]+", "[0-9]{3}", "(?:1|2)[0-9]*", "0[0-7]+"] {
        let text = brainysoft()
            .replace(
                "pattern: \"[A-Za-z0-9][A-Za-z0-9-]*\"",
                &format!("pattern: \"{pattern}\""),
            )
            .replace("example: acme", "example: \"123\"");
        let d = validate(&text).expect_err(pattern);
        assert!(
            d.items
                .iter()
                .any(|i| i.message.contains("matches only digits")),
            "{pattern}: {d}"
        );
    }
    for pattern in ["[a-z0-9]+", "[0-9]+[a-z]"] {
        let text = brainysoft()
            .replace(
                "pattern: \"[A-Za-z0-9][A-Za-z0-9-]*\"",
                &format!("pattern: \"{pattern}\""),
            )
            .replace("example: acme", "example: \"123a\"");
        validate(&text).unwrap_or_else(|d| panic!("{pattern}: {d}"));
    }
}

/// Brainysoft with its credentials in a header with `prefix`.
fn header_with_prefix(prefix: &str) -> String {
    brainysoft().replace(
        "  preferred: body\n  accepted:\n",
        &format!(
            "  preferred: body\n  accepted:\n    header:\n      name: Authorization\n      input: client_secret\n      prefix: {prefix}\n"
        ),
    )
}

#[test]
fn header_prefixes_hold_only_what_a_header_value_can() {
    for prefix in [
        "\"Bearer\\n\"",
        "\"Bearer\\r\"",
        "\"Bearer\\0 \"",
        "\"Bé \"",
        "\"Bearer\\x7f\"",
    ] {
        let d = validate(&header_with_prefix(prefix)).expect_err(prefix);
        assert!(
            d.items
                .iter()
                .any(|i| i.message.contains("HTTP header value cannot")),
            "{prefix}: {d}"
        );
    }
    for prefix in ["\"Bearer \"", "\"Token\\t\"", "\"SSWS \"", "\"api-key=\""] {
        validate(&header_with_prefix(prefix)).unwrap_or_else(|d| panic!("{prefix}: {d}"));
    }
}
