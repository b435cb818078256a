//! Token lifetimes in every form providers send them (spec format 1.1, docs/spec-format.md
//! "Token lifetime"): one fixture spec per form, each generated here and compiled with
//! warnings denied. The modules are committed as `fixtures/expiry_*_generated.rs` (refresh them
//! with `TOKENSPEC_BLESS=1 cargo test -p tokenspec --test expiry`); `tests/tests/expiry.rs`
//! runs them against a local server.

#[rustfmt::skip] // prettyplease formats generated code, not rustfmt
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/expiry_milliseconds_generated.rs"]
mod expiry_milliseconds;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/expiry_epoch_nested_generated.rs"]
mod expiry_epoch_nested;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/expiry_epoch_milliseconds_generated.rs"]
mod expiry_epoch_milliseconds;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/expiry_datetime_generated.rs"]
mod expiry_datetime;
#[rustfmt::skip]
#[deny(warnings)]
#[allow(dead_code)]
#[path = "fixtures/expiry_never_generated.rs"]
mod expiry_never;

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokenspec_runtime::Expiry;

const FIXTURES: [&str; 5] = [
    "expiry_milliseconds",
    "expiry_epoch_nested",
    "expiry_epoch_milliseconds",
    "expiry_datetime",
    "expiry_never",
];

fn generate(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let source = tokenspec::load::read_file(&dir.join(format!("{name}.yaml"))).expect("readable");
    let arena = tokenspec::Bump::new();
    let providers =
        tokenspec::validate_sources(&arena, vec![source]).expect("the fixture is a valid spec");
    tokenspec::emit::provider_module(&providers[0]).expect("emits")
}

#[test]
fn committed_modules_are_what_the_generator_emits() {
    for name in FIXTURES {
        common::assert_fixture_fresh(&format!("{name}_generated.rs"), generate(name));
    }
}

#[test]
fn the_spec_statics_name_the_lifetime_field() {
    assert_eq!(
        expiry_milliseconds::PROVIDER.expiry,
        Expiry::Field("expires_in")
    );
    assert_eq!(
        expiry_epoch_nested::PROVIDER.expiry,
        Expiry::Field("expires_at")
    );
    assert_eq!(
        expiry_epoch_milliseconds::PROVIDER.expiry,
        Expiry::Field("expires_at")
    );
    assert_eq!(
        expiry_datetime::PROVIDER.expiry,
        Expiry::Field("expires_at")
    );
    assert_eq!(expiry_never::PROVIDER.expiry, Expiry::Never);
}

/// The typed responses hold a `Duration` or a `SystemTime`, never a raw number: these
/// assignments are what compiles, and the values are the documented examples' times.
#[test]
fn typed_responses_hold_durations_and_instants() {
    fn parse<T>(
        parse: impl Fn(&tokenspec_runtime::http::Response<Vec<u8>>) -> Result<T, String>,
        body: &str,
    ) -> T {
        let response = tokenspec_runtime::http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(body.as_bytes().to_vec())
            .expect("response");
        parse(&response).expect("the documented example parses")
    }
    let ms = parse(
        |r| client_ms().parse_response(r).map_err(|e| e.to_string()),
        r#"{"access_token": "a", "token_type": "bearer", "expires_in": "3600500"}"#,
    );
    let lifetime: Duration = ms.expires_in;
    assert_eq!(lifetime, Duration::from_millis(3_600_500));

    let nested = parse(
        |r| client_nested().parse_response(r).map_err(|e| e.to_string()),
        r#"{"data": {"accessToken": "a", "expiresAt": 1796050800}}"#,
    );
    let at: SystemTime = nested.expires_at;
    assert_eq!(at, UNIX_EPOCH + Duration::from_secs(1_796_050_800));

    let epoch_ms = parse(
        |r| {
            client_epoch_ms()
                .parse_response(r)
                .map_err(|e| e.to_string())
        },
        r#"{"accessToken": "a", "expiresAt": "1796050800250"}"#,
    );
    assert_eq!(
        epoch_ms.expires_at,
        UNIX_EPOCH + Duration::from_millis(1_796_050_800_250)
    );

    let datetime = parse(
        |r| {
            client_datetime()
                .parse_response(r)
                .map_err(|e| e.to_string())
        },
        r#"{"token": "a", "expiration": "2026-11-30T16:00:00.000+01:00"}"#,
    );
    assert_eq!(
        datetime.expires_at,
        UNIX_EPOCH + Duration::from_secs(1_796_050_800)
    );
}

fn client_ms() -> expiry_milliseconds::Client {
    expiry_milliseconds::Client::builder(expiry_milliseconds::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
    })
    .build()
    .expect("client")
}

fn client_nested() -> expiry_epoch_nested::Client {
    expiry_epoch_nested::Client::builder(expiry_epoch_nested::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
    })
    .build()
    .expect("client")
}

fn client_epoch_ms() -> expiry_epoch_milliseconds::Client {
    expiry_epoch_milliseconds::Client::builder(expiry_epoch_milliseconds::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
    })
    .build()
    .expect("client")
}

fn client_datetime() -> expiry_datetime::Client {
    expiry_datetime::Client::builder(expiry_datetime::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
    })
    .build()
    .expect("client")
}

/// A value in the wrong unit is refused naming the field and the type to declare, not taken
/// 1000 times off.
#[test]
fn a_wrong_unit_is_refused_naming_the_type_to_declare() {
    let response = tokenspec_runtime::http::Response::builder()
        .status(200)
        .body(br#"{"accessToken": "a", "expiresAt": "1796050800"}"#.to_vec())
        .expect("response");
    let error = client_epoch_ms()
        .parse_response(&response)
        .expect_err("seconds in an epoch_milliseconds field")
        .to_string();
    assert!(error.contains("`expiresAt`"), "{error}");
    assert!(error.contains("type: epoch_seconds"), "{error}");
}

/// The worked example of docs/spec-format.md, "12.1 The field that sets the lifetime", validates
/// and is the nested epoch-seconds fixture: `tokenspec diff` finds no change between the two.
#[test]
fn the_documented_example_is_the_fixture() {
    common::assert_documented_example_is_fixture(
        &["### 12.1 The field that sets the lifetime, in any form (spec format 1.1)"],
        "expiry_epoch_nested",
    );
}

/// The nested fixture with `from` replaced by `to`, diffed against the fixture.
fn diff_after(edits: &[(&str, &str)]) -> Vec<tokenspec::diff::Change> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/fixtures/expiry_epoch_nested.yaml"))
        .expect("readable");
    let arena = tokenspec::Bump::new();
    let load = |text: String| {
        tokenspec::validate_sources(
            &arena,
            vec![tokenspec::load::Source::new(
                "expiry_epoch_nested.yaml",
                text,
            )],
        )
        .unwrap_or_else(|e| panic!("valid:\n{e}"))
    };
    let old = load(text.clone());
    let new = load(edits.iter().fold(text, |text, (from, to)| {
        assert!(text.contains(from), "{from}");
        text.replace(from, to)
    }));
    tokenspec::diff::diff(&old, &new)
}

#[test]
fn diff_classes_a_unit_or_expiry_change_breaking_and_a_rename_of_timestamp_compatible() {
    use tokenspec::diff::Class;
    let class = |changes: &[tokenspec::diff::Change]| {
        changes
            .iter()
            .map(|c| (c.class, c.what.clone()))
            .collect::<Vec<_>>()
    };
    // Same Rust type (SystemTime), another unit: every value means another time.
    let unit = diff_after(&[
        ("type: epoch_seconds", "type: epoch_milliseconds"),
        (
            "\"expiresAt\": 1796050800}",
            "\"expiresAt\": 1796050800000}",
        ),
    ]);
    assert_eq!(
        class(&unit),
        [(
            Class::Breaking,
            "type of response field `expires_at` epoch_seconds → epoch_milliseconds".to_owned()
        )]
    );
    assert!(unit[0].why.contains("another unit"), "{}", unit[0].why);
    let never = diff_after(&[("  expiry: expires_at\n", "  expiry: never\n")]);
    assert_eq!(never.len(), 1, "{never:?}");
    assert_eq!(never[0].class, Class::Breaking);
    assert!(
        never[0].what.contains("response.expiry"),
        "{}",
        never[0].what
    );
    let renamed = diff_after(&[("type: epoch_seconds", "type: timestamp")]);
    assert_eq!(renamed.len(), 1, "{renamed:?}");
    assert_eq!(renamed[0].class, Class::Compatible);
}
