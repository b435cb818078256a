//! Property tests of response parsing: whatever a token endpoint answers (any status code,
//! headers and body bytes), parsing never panics, and no error shows a secret in its `Display`
//! or `Debug`: neither a token of the body nor a client secret or Basic credential the server
//! echoed, in any encoding it could echo it in.
//!
//! 512 cases per property in `cargo test`; more with `PROPTEST_CASES`, e.g.
//! `PROPTEST_CASES=50000 cargo test -p tokenspec-runtime --test parse_props`.

use base64::Engine as _;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::{Map, Value, json};
use std::sync::LazyLock;
use tokenspec_runtime::response::parse_token_response;
use tokenspec_runtime::*;

const CLIENT_ID: &str = "client:7";
/// Characters every encoding changes: `+`, `/`, `&`, `"`, `%`, `<`.
const CLIENT_SECRET: &str = "cs-S3cr3t+/x&y\"z%41<end";

const ENVIRONMENTS: &[EnvironmentSpec] = &[EnvironmentSpec {
    name: "production",
    token_url: "https://example.com/token",
    authorize_url: None,
    discovery: None,
}];

const INPUTS: &[InputSpec] = &[
    InputSpec {
        name: "client_id",
        description: "",
        secret: false,
        required: true,
        per_request: false,
        pattern: None,
        default: None,
        location: InputLocation::Param,
    },
    InputSpec {
        name: "client_secret",
        description: "",
        secret: true,
        required: true,
        per_request: false,
        pattern: None,
        default: None,
        location: InputLocation::Param,
    },
];

const fn field(name: &'static str, wire: &'static [&'static str], ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        wire,
        ty,
        required: false,
        default: None,
        description: "",
        header: None,
    }
}

const RESPONSE: &[FieldSpec] = &[
    FieldSpec {
        required: true,
        ..field("access_token", &["access_token"], FieldType::Secret)
    },
    field("refresh_token", &["refresh_token"], FieldType::Secret),
    field("expires_in", &["expires_in"], FieldType::Seconds),
    field("token_type", &["token_type"], FieldType::TokenType),
    field("scope", &["scope"], FieldType::Scopes),
    field("account", &["data", "account"], FieldType::Id),
    field("issued_at", &["issued_at"], FieldType::Timestamp),
    field("ratio", &["ratio"], FieldType::Number),
    field("active", &["active"], FieldType::Boolean),
];

const fn spec(errors: ErrorFormat) -> ProviderSpec {
    ProviderSpec {
        name: "props",
        title: "Props",
        description: "",
        docs: "https://example.com",
        default_environment: "production",
        environments: ENVIRONMENTS,
        inputs: INPUTS,
        credentials: CredentialsSpec {
            preferred: 0,
            accepted: &[Placement::Basic {
                user: Some("client_id"),
                password: "client_secret",
                encoding: BasicEncoding::Form,
            }],
        },
        body: BodyFormat::Form,
        method: HttpMethod::Post,
        params_in: ParamLocation::Body,
        grants: &[],
        scopes: ScopesSpec {
            delimiter: " ",
            known: &[],
        },
        response: RESPONSE,
        response_format: ResponseFormat::Json,
        errors,
        expiry: tokenspec_runtime::Expiry::Default,
        access_lifetime: None,
        refresh_lifetime: None,
        claims: &[],
        headers: &[],
    }
}

/// RFC 6749 §5.2 errors.
static OAUTH: ProviderSpec = spec(ErrorFormat::OAuth2);
/// A provider's own error object (learn.link's shape).
static CUSTOM: ProviderSpec = spec(ErrorFormat::Custom(&[
    field("status", &["status"], FieldType::Number),
    FieldSpec {
        required: true,
        ..field("error", &["error"], FieldType::String)
    },
    field("message", &["message"], FieldType::String),
]));

/// Every form the client secret and the Basic credentials can be echoed in: none may show.
fn secret_forms() -> Vec<String> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let form = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let json = serde_json::to_string(CLIENT_SECRET).expect("a string");
    vec![
        CLIENT_SECRET.to_owned(),
        form(CLIENT_SECRET),
        utf8_percent_encode(CLIENT_SECRET, NON_ALPHANUMERIC).to_string(),
        json.trim_matches('"').to_owned(),
        html_escape::encode_safe(CLIENT_SECRET).into_owned(),
        // Rust's `Debug` of a string holding it.
        format!("{CLIENT_SECRET:?}").trim_matches('"').to_owned(),
        b64(&format!("{CLIENT_ID}:{CLIENT_SECRET}")),
        b64(&format!("{}:{}", form(CLIENT_ID), form(CLIENT_SECRET))),
    ]
}

/// The client secret as a server might echo it: as is, percent- or form-encoded, with HTML
/// character references of every kind, as a Basic credential pair (both encodings).
fn echo() -> impl Strategy<Value = String> {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let form = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    prop_oneof![
        Just(CLIENT_SECRET.to_owned()),
        Just(form(CLIENT_SECRET)),
        Just(utf8_percent_encode(CLIENT_SECRET, NON_ALPHANUMERIC).to_string()),
        Just(format!(
            "Basic {}",
            b64(&format!("{CLIENT_ID}:{CLIENT_SECRET}"))
        )),
        Just(format!(
            "Basic {}",
            b64(&format!("{}:{}", form(CLIENT_ID), form(CLIENT_SECRET)))
        )),
        proptest::collection::vec(0u8..4, CLIENT_SECRET.len()).prop_map(|styles| {
            CLIENT_SECRET
                .chars()
                .zip(styles)
                .map(|(c, style)| match style {
                    0 if c.is_ascii_alphanumeric() || c == '-' => c.to_string(),
                    0 | 1 => html_escape::encode_safe(&c.to_string()).into_owned(),
                    2 => format!("&#{};", u32::from(c)),
                    _ => format!("&#x{:X};", u32::from(c)),
                })
                .collect()
        }),
    ]
}

/// A token value: found nowhere in an error or in `Debug` of token data.
fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{12,24}".prop_map(|s| format!("tok{s}"))
}

/// Prose around an echo, as an `error_description` says it.
fn prose_with_echo() -> impl Strategy<Value = String> {
    (
        // Glued to other text too (`key=x<secret>_rejected`): a long secret is all there.
        prop_oneof![
            Just("client secret "),
            Just("bad credentials: "),
            Just(""),
            Just("key=x")
        ],
        echo(),
        prop_oneof![
            Just(" is not valid"),
            Just("."),
            Just(""),
            Just(".Try again"),
            Just("_rejected")
        ],
    )
        .prop_map(|(before, echo, after)| format!("{before}{echo}{after}"))
}

/// Any JSON value a hostile server might put in a field.
fn any_json() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::from),
        Just(json!("18446744073709551615")),
        Just(json!(-1)),
        Just(json!(1e300)),
        Just(json!([1, "a"])),
        Just(json!({"nested": {}})),
    ]
}

/// A JSON object with tokens, error fields, echoes and odd values, and the tokens in it.
fn json_object() -> impl Strategy<Value = (Map<String, Value>, Vec<String>)> {
    (
        proptest::option::of(token()),
        proptest::option::of(token()),
        proptest::option::of(prop_oneof![
            Just(json!("invalid_client")),
            Just(json!("invalid_grant")),
            Just(json!("Unauthorized")),
            any_json(),
        ]),
        proptest::option::of(prose_with_echo()),
        proptest::collection::vec(
            (
                prop_oneof![
                    Just("expires_in"),
                    Just("token_type"),
                    Just("scope"),
                    Just("data"),
                    Just("issued_at"),
                    Just("ratio"),
                    Just("active"),
                    Just("status"),
                    Just("error_uri"),
                ],
                any_json(),
            ),
            0..5,
        ),
    )
        .prop_map(|(access, refresh, error, echo, extra)| {
            let mut object = Map::new();
            for (key, value) in extra {
                object.insert(key.to_owned(), value);
            }
            let mut tokens = Vec::new();
            if let Some(access) = access {
                object.insert("access_token".into(), json!(access));
                tokens.push(access);
            }
            if let Some(refresh) = refresh {
                object.insert("refresh_token".into(), json!(refresh));
                tokens.push(refresh);
            }
            if let Some(error) = error {
                object.insert("error".into(), error);
            }
            if let Some(echo) = echo {
                object.insert("error_description".into(), json!(echo));
                object.insert("message".into(), json!(echo));
            }
            (object, tokens)
        })
}

/// Bodies: arbitrary bytes, JSON objects (whole, cut at any byte, or form-encoded), HTML pages
/// with echoes.
fn body() -> impl Strategy<Value = (Vec<u8>, Vec<String>)> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..400).prop_map(|bytes| (bytes, Vec::new())),
        (json_object(), any::<bool>()).prop_map(|((object, tokens), pretty)| {
            let value = Value::Object(object);
            let text = if pretty {
                serde_json::to_string_pretty(&value)
            } else {
                serde_json::to_string(&value)
            };
            (text.unwrap_or_default().into_bytes(), tokens)
        }),
        // Cut anywhere: not JSON any more, the excerpt is built from the text.
        (json_object(), any::<prop::sample::Index>()).prop_map(|((object, tokens), cut)| {
            let text = Value::Object(object).to_string().into_bytes();
            let at = cut.index(text.len() + 1);
            (text[..at].to_vec(), tokens)
        }),
        json_object().prop_map(|(object, tokens)| {
            let pairs: Vec<(String, String)> = object
                .into_iter()
                .map(|(k, v)| (k, v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
                .collect();
            let text = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            (text.into_bytes(), tokens)
        }),
        (".{0,250}", prose_with_echo()).prop_map(|(filler, echo)| {
            let page = format!("<html><body><p>{filler}</p><p>{echo}</p></body></html>");
            (page.into_bytes(), Vec::new())
        }),
    ]
}

/// Header sets: content types, lying lengths, garbage `Retry-After`, echoing challenges.
fn headers() -> impl Strategy<Value = Vec<(&'static str, Vec<u8>)>> {
    let value = prop_oneof![
        Just(b"application/json".to_vec()),
        Just(b"application/json; charset=utf-8".to_vec()),
        Just(b"text/html".to_vec()),
        Just(b"text/plain; charset=iso-8859-1".to_vec()),
        Just(b"application/x-www-form-urlencoded".to_vec()),
        Just(b"18446744073709551615".to_vec()),
        Just(b"-1".to_vec()),
        Just(b"Wed, 21 Oct 2015 07:28:00 GMT".to_vec()),
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        echo()
            .prop_map(|e| format!("Basic realm=\"x\", error_description=\"bad {e}\"").into_bytes()),
        echo().prop_map(|e| format!("text/html; note={e}").into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..40),
    ];
    let name = prop_oneof![
        Just("content-type"),
        Just("content-length"),
        Just("retry-after"),
        Just("www-authenticate"),
        Just("x-request-id"),
    ];
    proptest::collection::vec((name, value), 0..6)
}

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![
        Just(200u16),
        Just(400),
        Just(401),
        Just(429),
        Just(503),
        100u16..600,
        // Valid for `http`, unknown to HTTP.
        600u16..1000,
    ]
}

fn response(
    status: u16,
    headers: &[(&'static str, Vec<u8>)],
    body: Vec<u8>,
) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = http::StatusCode::from_u16(status).expect("100..1000");
    for (name, value) in headers {
        // A value `http` refuses cannot come off the wire either.
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            response.headers_mut().append(*name, value);
        }
    }
    response
}

/// Clients holding the secrets, built once: a client is the same for every case.
static CLIENTS: LazyLock<[Client; 2]> = LazyLock::new(|| [client(&OAUTH), client(&CUSTOM)]);

fn client(spec: &'static ProviderSpec) -> Client {
    let mut client = Client::new(spec);
    client
        .set::<JsonErrorBody>("client_id", CLIENT_ID)
        .expect("client_id");
    client
        .set::<JsonErrorBody>("client_secret", CLIENT_SECRET)
        .expect("client_secret");
    client
}

#[track_caller]
fn assert_hidden(shown: &str, secrets: &[String]) {
    for secret in secrets {
        assert!(
            !shown.contains(secret.as_str()),
            "{secret:?} shown in {shown}"
        );
    }
}

/// Checks one parse: tokens never in `Debug` of token data; with `hidden`, none of those in an
/// error's `Display` or `Debug` (typed as well, for RFC 6749 errors).
fn check(result: DynResult<TokenData>, tokens: &[String], hidden: &[String], oauth: bool) {
    match result {
        Ok(data) => assert_hidden(&format!("{data:?}"), tokens),
        Err(error) => {
            let all: Vec<String> = tokens.iter().chain(hidden).cloned().collect();
            assert_hidden(&format!("{error} {error:?}"), &all);
            if oauth {
                let typed = error.into_typed::<OAuthErrorBody>();
                assert_hidden(&format!("{typed} {typed:?}"), &all);
            }
        }
    }
}

proptest! {
    #![proptest_config(Config::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(512)
    ))]

    #[test]
    fn parsing_never_panics_nor_shows_a_secret(
        status in status(),
        headers in headers(),
        (body, tokens) in body(),
    ) {
        let forms = secret_forms();
        for (client, oauth) in CLIENTS.iter().zip([true, false]) {
            let response = response(status, &headers, body.clone());
            // Without the request's secrets: no panic, no token of the body.
            check(parse_token_response(client.provider(), &response), &tokens, &[], oauth);
            // The client knows its secrets: echoes of them are hidden too.
            check(client.parse_response(&response), &tokens, &forms, oauth);
        }
    }
}

/// One case of each echo kind, so that a regression shows by name and not only by chance.
#[test]
fn every_echo_kind_is_hidden() {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let echoes = [
        CLIENT_SECRET.to_owned(),
        "cs-S3cr3t%2B%2Fx%26y%22z%2541%3Cend".to_owned(),
        "cs-S3cr3t&#43;&#x2F;x&amp;y&quot;z%41&lt;end".to_owned(),
        format!("Basic {}", b64(&format!("{CLIENT_ID}:{CLIENT_SECRET}"))),
        format!(
            "Basic {}",
            b64("client%3A7:cs-S3cr3t%2B%2Fx%26y%22z%2541%3Cend")
        ),
    ];
    for echo in echoes {
        let body = json!({"error": "invalid_client", "error_description": format!("bad {echo}.")});
        let answer = response(401, &[], body.to_string().into_bytes());
        let error = client(&OAUTH).parse_response(&answer).expect_err("401");
        assert_hidden(&format!("{error} {error:?}"), &secret_forms());
        assert!(error.to_string().contains("***.\""), "{error}");

        // Long enough for the 200-character cut to fall inside the echo as sent.
        let page = format!("<p>{}</p><p>bad {echo}.</p>", "-".repeat(170));
        let answer = response(
            502,
            &[("content-type", b"text/html".to_vec())],
            page.into_bytes(),
        );
        let error = client(&OAUTH).parse_response(&answer).expect_err("502");
        let Error::UnexpectedResponse(e) = &error else {
            panic!("{error:?}")
        };
        // Hidden before the excerpt is cut, so whole.
        assert!(e.excerpt.contains("***.</p>"), "{e:?}");
        assert_hidden(&format!("{error} {error:?}"), &secret_forms());
    }
}

/// `WWW-Authenticate` is kept up to a length limit: a secret echoed across the cut shows no
/// beginning of itself either.
#[test]
fn a_challenge_cut_at_its_limit_shows_no_part_of_a_secret() {
    let head = format!("Bearer error_description=\"{} ", "x".repeat(991));
    let challenge = format!("{head}{CLIENT_SECRET}\"");
    let body = json!({"error": "invalid_client"}).to_string().into_bytes();
    let answer = response(401, &[("www-authenticate", challenge.into_bytes())], body);
    let error = CLIENTS[0].parse_response(&answer).expect_err("401");
    let Error::Provider(e) = &error else {
        panic!("{error:?}")
    };
    let kept = e.www_authenticate.as_deref().unwrap_or_default();
    assert!(kept.starts_with(&head) && kept.ends_with("***"), "{kept}");
    assert!(!format!("{error} {error:?}").contains(&CLIENT_SECRET[..4]));
}
