//! Response parsing against a hand-written spec: tolerances, nested fields, masking.

use tokenspec_runtime::response::parse_token_response;
use tokenspec_runtime::*;

static SPEC: ProviderSpec = BASE;

const BASE: ProviderSpec = ProviderSpec {
    name: "demo",
    title: "Demo",
    description: "",
    docs: "https://example.com",
    default_environment: "production",
    environments: &[EnvironmentSpec {
        name: "production",
        token_url: "https://example.com/token",
        authorize_url: None,
        discovery: None,
    }],
    inputs: &[],
    credentials: CredentialsSpec {
        preferred: 0,
        accepted: &[],
    },
    body: BodyFormat::Form,
    method: tokenspec_runtime::spec::HttpMethod::Post,
    params_in: tokenspec_runtime::spec::ParamLocation::Body,
    grants: &[],
    scopes: ScopesSpec {
        delimiter: " ",
        known: &[],
    },
    response: &[
        FieldSpec {
            name: "access_token",
            wire: &["data", "token"],
            ty: FieldType::Secret,
            required: true,
            default: None,
            description: "",
            header: None,
        },
        FieldSpec {
            name: "expires_in",
            wire: &["expires_in"],
            ty: FieldType::Seconds,
            required: false,
            default: Some("60"),
            description: "",
            header: None,
        },
        FieldSpec {
            name: "account",
            wire: &["account"],
            ty: FieldType::Id,
            required: false,
            default: None,
            description: "",
            header: None,
        },
        FieldSpec {
            name: "scope",
            wire: &["scope"],
            ty: FieldType::Scopes,
            required: false,
            default: None,
            description: "",
            header: None,
        },
    ],
    response_format: ResponseFormat::Json,
    errors: ErrorFormat::OAuth2,
    expiry: tokenspec_runtime::Expiry::Default,
    access_lifetime: Some(60),
    refresh_lifetime: None,
    claims: &[],
    headers: &[],
};

fn response(status: u16, content_type: &str, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header("content-type", content_type)
        .body(body.as_bytes().to_vec())
        .expect("valid response")
}

#[test]
fn nested_fields_string_seconds_and_numeric_ids() {
    let data = parse_token_response(
        &SPEC,
        &response(
            200,
            "application/json",
            r#"{"data":{"token":"tok-1"},"expires_in":"120","account":42,"scope":"a  b"}"#,
        ),
    )
    .expect("token");
    assert_eq!(data.get("access_token"), Some(&serde_json::json!("tok-1")));
    assert_eq!(data.get("expires_in"), Some(&serde_json::json!(120)));
    assert_eq!(data.get("account"), Some(&serde_json::json!("42")));
    assert_eq!(data.get("scope"), Some(&serde_json::json!(["a", "b"])));
    assert!(
        !format!("{data:?}").contains("tok-1"),
        "Debug masks secrets"
    );
    assert_eq!(data.to_wire_json(false)["data.token"], "***");
    assert_eq!(data.to_wire_json(true)["data.token"], "tok-1");
}

#[test]
fn absent_expires_in_takes_the_default_and_negative_is_refused() {
    let data = parse_token_response(
        &SPEC,
        &response(200, "text/plain", r#"{"data":{"token":"t"}}"#),
    )
    .expect("JSON is read whatever the content type");
    assert_eq!(data.get("expires_in"), Some(&serde_json::json!(60)));
    let err = parse_token_response(
        &SPEC,
        &response(
            200,
            "application/json",
            r#"{"data":{"token":"t"},"expires_in":-5}"#,
        ),
    )
    .expect_err("negative lifetime");
    assert!(
        matches!(&err, Error::UnexpectedResponse(e) if e.status == 200),
        "{err:?}"
    );
}

#[test]
fn an_oauth_error_in_a_200_is_an_error() {
    let err = parse_token_response(
        &SPEC,
        &response(200, "application/json", r#"{"error":"invalid_grant"}"#),
    )
    .expect_err("not a token");
    match err.into_typed::<OAuthErrorBody>() {
        Error::Provider(e) if e.status == 200 => {
            assert_eq!(e.body.error, OAuthErrorCode::InvalidGrant)
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn unusable_bodies_are_unexpected_with_masked_excerpts() {
    let err = parse_token_response(
        &SPEC,
        &response(
            200,
            "application/json",
            r#"{"access_token":"leak-me","expires_in":"soon"}"#,
        ),
    )
    .expect_err("missing data.token");
    let text = format!("{err} {err:?}");
    assert!(!text.contains("leak-me"), "{text}");
    assert!(text.contains("***"), "{text}");

    let err = parse_token_response(
        &SPEC,
        &response(
            200,
            "application/json",
            r#"{"refresh_token":"leak-me","x":"#,
        ),
    )
    .expect_err("truncated JSON");
    assert!(!format!("{err} {err:?}").contains("leak-me"));

    let err = parse_token_response(
        &SPEC,
        &response(
            200,
            "application/x-www-form-urlencoded",
            "access_token=leak-me&token_type=bearer&refresh_token=leak-me-too",
        ),
    )
    .expect_err("a form-encoded answer");
    let text = format!("{err} {err:?}");
    assert!(!text.contains("leak-me"), "{text}");
    assert!(
        text.contains("access_token=***&token_type=bearer"),
        "{text}"
    );

    let err = parse_token_response(
        &SPEC,
        &response(502, "text/html", "<html>Bad gateway</html>"),
    )
    .expect_err("HTML");
    match err {
        Error::UnexpectedResponse(e) => {
            assert_eq!((e.status, e.content_type.as_str()), (502, "text/html"));
            assert!(e.excerpt.starts_with("<html>"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn token_type_is_case_insensitive_and_bearer_header_is_fixed() {
    let t: TokenType = serde_json::from_str("\"bEaReR\"").expect("string");
    assert_eq!(t, TokenType::Bearer);
    let header = bearer_header(&Secret::new("abc"));
    assert_eq!(header.to_str().expect("ascii"), "Bearer abc");
    assert!(header.is_sensitive());
}

/// Fields are moved out of the parsed body; one wire key read by two fields (or by a nested
/// path and a plain one) must still reach both.
static SHARED_KEYS: ProviderSpec = ProviderSpec {
    response: &[
        FieldSpec {
            name: "access_token",
            wire: &["token"],
            ty: FieldType::Secret,
            required: true,
            default: None,
            description: "",
            header: None,
        },
        FieldSpec {
            name: "token_copy",
            wire: &["token"],
            ty: FieldType::String,
            required: true,
            default: None,
            description: "",
            header: None,
        },
        FieldSpec {
            name: "account",
            wire: &["data"],
            ty: FieldType::Json,
            required: true,
            default: None,
            description: "",
            header: None,
        },
        FieldSpec {
            name: "account_id",
            wire: &["data", "id"],
            ty: FieldType::Id,
            required: true,
            default: None,
            description: "",
            header: None,
        },
    ],
    ..BASE
};

#[test]
fn a_wire_key_read_by_two_fields_reaches_both() {
    let data = parse_token_response(
        &SHARED_KEYS,
        &response(
            200,
            "application/json",
            r#"{"token":"t1","data":{"id":42}}"#,
        ),
    )
    .expect("token");
    assert_eq!(data.get("access_token"), Some(&serde_json::json!("t1")));
    assert_eq!(data.get("token_copy"), Some(&serde_json::json!("t1")));
    assert_eq!(data.get("account"), Some(&serde_json::json!({"id": 42})));
    assert_eq!(data.get("account_id"), Some(&serde_json::json!("42")));
}

#[test]
fn a_challenge_without_an_error_body_is_kept_in_the_reason() {
    let mut answer = response(401, "text/html", "<h1>Unauthorized</h1>");
    answer.headers_mut().insert(
        "www-authenticate",
        http::HeaderValue::from_static(r#"Bearer realm="api", error="invalid_token""#),
    );
    match parse_token_response(&SPEC, &answer) {
        Err(Error::UnexpectedResponse(e)) => {
            assert_eq!(e.status, 401);
            assert!(
                e.reason
                    .ends_with(r#"(WWW-Authenticate: Bearer realm="api", error="invalid_token")"#),
                "{}",
                e.reason
            );
        }
        other => panic!("expected an unexpected response, got {other:?}"),
    }
}
