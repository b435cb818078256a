//! The other response shapes of spec format 1.1 through `parse_token_response`, against a
//! hand-written spec: form-encoded answers typed exactly as JSON ones with the same text, for
//! every field type a form pair can hold, and fields read from response headers.

use serde_json::{Value, json};
use tokenspec_runtime::response::parse_token_response;
use tokenspec_runtime::*;

const fn field(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        wire: &[],
        ty,
        ..FieldSpec::DEFAULT
    }
}

/// Every type but `json` (which `validate` refuses in form answers), each under its own name.
static FIELDS: [FieldSpec; 15] = [
    FieldSpec {
        wire: &["access_token"],
        required: true,
        ..field("access_token", FieldType::Secret)
    },
    FieldSpec {
        wire: &["token_type"],
        ..field("token_type", FieldType::TokenType)
    },
    FieldSpec {
        wire: &["expires_in"],
        ..field("expires_in", FieldType::Seconds)
    },
    FieldSpec {
        wire: &["ttl_ms"],
        ..field("ttl_ms", FieldType::Milliseconds)
    },
    FieldSpec {
        wire: &["issued_at"],
        ..field("issued_at", FieldType::Timestamp)
    },
    FieldSpec {
        wire: &["not_before"],
        ..field("not_before", FieldType::EpochSeconds)
    },
    FieldSpec {
        wire: &["expires_ms"],
        ..field("expires_ms", FieldType::EpochMilliseconds)
    },
    FieldSpec {
        wire: &["expires_at"],
        ..field("expires_at", FieldType::Datetime)
    },
    FieldSpec {
        wire: &["scope"],
        ..field("scope", FieldType::Scopes)
    },
    FieldSpec {
        wire: &["audience"],
        ..field("audience", FieldType::Strings)
    },
    FieldSpec {
        wire: &["user_id"],
        ..field("user_id", FieldType::Id)
    },
    FieldSpec {
        wire: &["count"],
        ..field("count", FieldType::Integer)
    },
    FieldSpec {
        wire: &["ratio"],
        ..field("ratio", FieldType::Number)
    },
    FieldSpec {
        wire: &["active"],
        ..field("active", FieldType::Boolean)
    },
    FieldSpec {
        wire: &["note"],
        ..field("note", FieldType::String)
    },
];

static FORM: ProviderSpec = ProviderSpec {
    name: "shapes",
    response: &FIELDS,
    response_format: ResponseFormat::Form,
    ..ProviderSpec::DEFAULT
};

static JSON: ProviderSpec = ProviderSpec {
    response_format: ResponseFormat::Json,
    ..FORM
};

static EITHER: ProviderSpec = ProviderSpec {
    response_format: ResponseFormat::JsonOrForm,
    ..FORM
};

const PAIRS: &[(&str, &str)] = &[
    ("access_token", "tok+en/1"),
    ("token_type", "bearer"),
    ("expires_in", "3600"),
    ("ttl_ms", "90000"),
    ("issued_at", "1764428400"),
    ("not_before", "1764428400"),
    ("expires_ms", "1764432000000"),
    ("expires_at", "2025-11-29T16:00:00Z"),
    ("scope", "read write"),
    ("audience", "api"),
    ("user_id", "42"),
    ("count", "-7"),
    ("ratio", "0.25"),
    ("active", "true"),
    ("note", "a b&c=d é"),
];

fn answer(content_type: &str, body: impl Into<Vec<u8>>) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(200)
        .header(http::header::CONTENT_TYPE, content_type)
        .body(body.into())
        .expect("a response")
}

fn form_body() -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(PAIRS)
        .finish()
}

fn json_body() -> String {
    let object: serde_json::Map<String, Value> = PAIRS
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::String((*v).to_owned())))
        .collect();
    Value::Object(object).to_string()
}

#[test]
fn form_pairs_normalize_as_json_strings_with_the_same_text_do() {
    let form = parse_token_response(
        &FORM,
        &answer("application/x-www-form-urlencoded", form_body()),
    )
    .expect("form pairs read");
    let json = parse_token_response(&JSON, &answer("application/json", json_body()))
        .expect("the same text as JSON strings reads");
    assert_eq!(form.fields(), json.fields());
    // Each type from its text: percent-decoding first, then the type.
    let get = |name: &str| form.get(name).cloned();
    assert_eq!(get("access_token"), Some(json!("tok+en/1")));
    assert_eq!(get("token_type"), Some(json!("bearer")));
    assert_eq!(get("expires_in"), Some(json!(3600)));
    assert_eq!(get("scope"), Some(json!(["read", "write"])));
    assert_eq!(get("audience"), Some(json!(["api"])));
    assert_eq!(get("user_id"), Some(json!("42")));
    assert_eq!(get("count"), Some(json!(-7)));
    assert_eq!(get("ratio"), Some(json!(0.25)));
    assert_eq!(get("active"), Some(json!(true)));
    assert_eq!(get("note"), Some(json!("a b&c=d é")));
    for name in [
        "ttl_ms",
        "issued_at",
        "not_before",
        "expires_ms",
        "expires_at",
    ] {
        assert!(get(name).is_some(), "{name} read from its text");
    }
    // Debug masks the secret, whatever shape it came in.
    assert!(!format!("{form:?}").contains("tok+en/1"));
}

#[test]
fn a_value_that_does_not_fit_is_named_as_for_json() {
    for (pair, says) in [
        ("active=yes", "field `active` is not a boolean"),
        ("count=1.5", "field `count` is not a whole number"),
        (
            "expires_in=-1",
            "field `expires_in` is not a non-negative number of seconds",
        ),
        ("ratio=half", "field `ratio` is not a number"),
        (
            "access_token=",
            "field `access_token` is not a non-empty string",
        ),
    ] {
        let body = if pair.starts_with("access_token=") {
            pair.to_owned()
        } else {
            format!("access_token=t&{pair}")
        };
        let error =
            parse_token_response(&FORM, &answer("text/plain", body)).expect_err("does not fit");
        let Error::UnexpectedResponse(e) = error else {
            panic!("{pair}: not an unexpected response");
        };
        assert!(e.reason.contains(says), "{pair}: {}", e.reason);
    }
}

#[test]
fn json_or_form_reads_by_the_content_type() {
    let form = parse_token_response(
        &EITHER,
        &answer(
            "application/x-www-form-urlencoded; charset=utf-8",
            form_body(),
        ),
    )
    .expect("form by its content type");
    let json = parse_token_response(&EITHER, &answer("application/json", json_body()))
        .expect("json by its content type");
    assert_eq!(form.fields(), json.fields());
    // Pairs labelled JSON are not JSON: refused, not guessed at.
    let error = parse_token_response(&EITHER, &answer("application/json", form_body()))
        .expect_err("not JSON");
    assert!(
        matches!(error, Error::UnexpectedResponse(e) if e.reason.contains("not a JSON object"))
    );
}

#[test]
fn an_oauth_error_in_form_pairs_is_the_typed_error() {
    let response = http::Response::builder()
        .status(400)
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .body(b"error=invalid_client&error_description=Bad+client%21".to_vec())
        .expect("a response");
    let error = parse_token_response(&FORM, &response).expect_err("an error");
    let Error::Provider(provider) = error else {
        panic!("not a provider error");
    };
    assert_eq!(provider.status, 400);
    assert_eq!(provider.body.0.get("error"), Some(&json!("invalid_client")));
    assert_eq!(
        provider.body.0.get("error_description"),
        Some(&json!("Bad client!"))
    );
}

static HEADER_FIELDS: [FieldSpec; 3] = [
    FieldSpec {
        required: true,
        header: Some("X-Subject-Token"),
        ..field("access_token", FieldType::Secret)
    },
    FieldSpec {
        header: Some("X-Expires-In"),
        ..field("expires_in", FieldType::Seconds)
    },
    FieldSpec {
        wire: &["token", "user"],
        ..field("user", FieldType::Id)
    },
];

static HEADERS: ProviderSpec = ProviderSpec {
    name: "headers",
    response: &HEADER_FIELDS,
    ..ProviderSpec::DEFAULT
};

#[test]
fn header_fields_are_typed_and_secret_like_body_fields() {
    let response = http::Response::builder()
        .status(201)
        .header("x-subject-token", "gAAAA-token")
        .header("X-EXPIRES-IN", "3600")
        .body(br#"{"token": {"user": 7}, "access_token": "from-body"}"#.to_vec())
        .expect("a response");
    let data = parse_token_response(&HEADERS, &response).expect("a token");
    assert_eq!(data.get("access_token"), Some(&json!("gAAAA-token")));
    assert_eq!(data.get("expires_in"), Some(&json!(3600)));
    assert_eq!(data.get("user"), Some(&json!("7")));
    let debug = format!("{data:?}");
    assert!(!debug.contains("gAAAA-token"), "{debug}");
    // Shown under the header's name.
    assert!(debug.contains("X-Subject-Token"), "{debug}");
}

#[test]
fn header_values_that_do_not_fit_are_refused_naming_the_field() {
    let response = http::Response::builder()
        .status(200)
        .header("X-Subject-Token", "t")
        .header("X-Expires-In", "soon")
        .body(b"{}".to_vec())
        .expect("a response");
    let Error::UnexpectedResponse(e) =
        parse_token_response(&HEADERS, &response).expect_err("not seconds")
    else {
        panic!("not an unexpected response");
    };
    assert!(
        e.reason
            .contains("field `X-Expires-In` is not a whole number of seconds"),
        "{}",
        e.reason
    );
    let missing = http::Response::builder()
        .status(200)
        .body(b"{}".to_vec())
        .expect("a response");
    let Error::UnexpectedResponse(e) =
        parse_token_response(&HEADERS, &missing).expect_err("no token")
    else {
        panic!("not an unexpected response");
    };
    assert_eq!(
        e.reason,
        "required header `X-Subject-Token` (field `access_token`) is missing"
    );
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    static STRINGS: [FieldSpec; 3] = [
        FieldSpec {
            wire: &["access_token"],
            required: true,
            ..field("access_token", FieldType::Secret)
        },
        FieldSpec {
            wire: &["a"],
            ..field("a", FieldType::String)
        },
        FieldSpec {
            wire: &["b"],
            ..field("b", FieldType::String)
        },
    ];

    static TEXT: ProviderSpec = ProviderSpec {
        name: "text",
        response: &STRINGS,
        response_format: ResponseFormat::Form,
        ..ProviderSpec::DEFAULT
    };

    proptest! {
        /// Whatever bytes a server sends as form pairs, the answer is a token or an error,
        /// never a panic, and an error never quotes the token's value.
        #[test]
        fn any_body_is_a_token_or_an_error(body in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = parse_token_response(&FORM, &answer(FORM_TYPE, body.clone()));
            let mut secret = b"access_token=s3cr3t-V4LUE&".to_vec();
            secret.extend_from_slice(&body);
            if let Err(error) = parse_token_response(&TEXT, &answer(FORM_TYPE, secret)) {
                let shown = format!("{error} {error:?}");
                prop_assert!(!shown.contains("s3cr3t-V4LUE"), "{}", shown);
            }
        }

        /// Pairs serialized by `form_urlencoded` (as servers encode them) read back as the same
        /// text, whatever characters the values hold.
        #[test]
        fn encoded_pairs_read_back(token in "[ -~]{1,40}", a in any::<String>(), b in any::<String>()) {
            let body = form_urlencoded::Serializer::new(String::new())
                .extend_pairs([("access_token", &token), ("a", &a), ("b", &b)])
                .finish();
            let data = parse_token_response(&TEXT, &answer(FORM_TYPE, body))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(data.get("access_token"), Some(&json!(token)));
            prop_assert_eq!(data.get("a"), Some(&json!(a)));
            prop_assert_eq!(data.get("b"), Some(&json!(b)));
        }
    }

    const FORM_TYPE: &str = "application/x-www-form-urlencoded";
}
