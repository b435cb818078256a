//! Bad input never reaches the wire: every value that could change the host, add a path
//! segment, inject a header, or is simply missing or empty is refused with a typed
//! `Error::InvalidInput` naming the input, and a local server the client points at receives
//! nothing. Secrets never show in `Debug` or `Display` of builders, clients, tokens or errors.

use serde_json::json;
use std::fmt::Debug;
use tokenspec_provider_approvalmax as approvalmax;
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_provider_learnlink as learnlink;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_provider_smartway as smartway;
use tokenspec_runtime::{Error, GrantKind, JsonErrorBody, Secret};
use tokenspec_tests::{Reply, TestServer};

/// Asserts `result` is `InvalidInput` naming `input`, and returns the error's text.
#[track_caller]
fn assert_invalid<T: Debug, B: Debug + std::fmt::Display>(
    result: Result<T, Error<B>>,
    input: &str,
) -> String {
    match result {
        Err(error @ Error::InvalidInput(_)) => {
            let Error::InvalidInput(e) = &error else {
                unreachable!()
            };
            assert_eq!(e.input, input, "{error}");
            let text = error.to_string();
            assert!(text.contains(&format!("`{input}`")), "{text}");
            text
        }
        other => panic!("expected InvalidInput naming `{input}`, got {other:?}"),
    }
}

/// A server that would answer anything; tests assert it is never asked.
fn server() -> TestServer {
    TestServer::always(Reply::json(
        200,
        &json!({"access_token": "should-not-happen"}),
    ))
}

#[track_caller]
fn assert_untouched(server: &TestServer) {
    assert_eq!(
        server.request_count(),
        0,
        "the server received {:#?}",
        server.requests()
    );
}

// ---------------------------------------------------------------------------------------------
// Host variables: a DNS label or nothing.

const NOT_DNS_LABELS: &[&str] = &[
    "evil.com/x#",
    "a.b",
    "",
    "evil.com",
    "a b",
    "-acme",
    "acme-",
    "acme:8080",
    "user@acme",
    "acme/",
    "acme?x=1",
    "%61cme",
];

/// A brainysoft builder whose customer key is `customer_key` and whose other inputs are fine.
fn brainysoft_with_key(customer_key: &str) -> brainysoft::ClientBuilder {
    brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: customer_key.into(),
        client_id: "id".into(),
        client_secret: "secret".into(),
    })
}

#[test]
fn brainysoft_customer_key_must_be_a_dns_label() {
    let server = server();
    for value in NOT_DNS_LABELS {
        let result = brainysoft_with_key(value)
            .base_url(&server.base_url())
            .expect("loopback base URL")
            .build();
        assert_invalid(result, "customer_key");
    }
    let long = "a".repeat(64);
    assert_invalid(brainysoft_with_key(&long).build(), "customer_key");
    // `build` names the first bad input in spec order, whatever else is wrong.
    assert_invalid(
        brainysoft::Client::builder(brainysoft::Inputs {
            customer_key: "evil.com".into(),
            client_id: "".into(),
            client_secret: "".into(),
        })
        .build(),
        "customer_key",
    );
    assert_untouched(&server);
}

#[tokio::test]
async fn registry_client_refuses_a_host_variable_that_is_not_a_dns_label() {
    let server = server();
    for value in NOT_DNS_LABELS {
        let mut client = tokenspec_providers::client("brainysoft").expect("registered");
        client
            .set_base_url::<JsonErrorBody>(&server.base_url())
            .expect("loopback base URL");
        client
            .set::<JsonErrorBody>("client_id", "id")
            .expect("client_id");
        client
            .set::<JsonErrorBody>("client_secret", "secret")
            .expect("client_secret");
        assert_invalid(
            client.set::<JsonErrorBody>("customer_key", *value),
            "customer_key",
        );
        // Per-call inputs go through the same checks.
        assert_invalid(
            client
                .fetch(GrantKind::ClientCredentials, &[("customer_key", *value)])
                .await,
            "customer_key",
        );
    }
    assert_untouched(&server);
}

// ---------------------------------------------------------------------------------------------
// Path variables: one segment, nothing that ends it or climbs out of it.

const NOT_ONE_SEGMENT: &[&str] = &[
    "a/b",
    "/etc",
    "a?b",
    "a?scope=api/all",
    "..",
    "../x",
    "a..b",
    ".",
    "a#b",
    "#",
    "a\\b",
    "",
    "a%2Fb",
    "a b",
];

/// A learnlink builder whose tenant ID is `tenant_id` and whose secret is fine.
fn learnlink_with_tenant(tenant_id: &str) -> learnlink::ClientBuilder {
    learnlink::Client::builder(learnlink::Inputs {
        tenant_id: tenant_id.into(),
        client_secret: "secret".into(),
    })
}

#[test]
fn learnlink_tenant_id_must_be_one_path_segment() {
    let server = server();
    for value in NOT_ONE_SEGMENT {
        let result = learnlink_with_tenant(value)
            .base_url(&server.base_url())
            .expect("loopback base URL")
            .build();
        assert_invalid(result, "tenant_id");
    }
    assert_untouched(&server);
}

#[tokio::test]
async fn registry_client_refuses_a_path_variable_that_is_not_one_segment() {
    let server = server();
    for value in NOT_ONE_SEGMENT {
        let mut client = tokenspec_providers::client("learnlink").expect("registered");
        client
            .set_base_url::<JsonErrorBody>(&server.base_url())
            .expect("loopback base URL");
        client
            .set::<JsonErrorBody>("client_secret", "secret")
            .expect("client_secret");
        assert_invalid(
            client.set::<JsonErrorBody>("tenant_id", *value),
            "tenant_id",
        );
        assert_invalid(
            client.token_request(GrantKind::ClientCredentials, &[("tenant_id", *value)]),
            "tenant_id",
        );
        assert_invalid(
            client
                .fetch(GrantKind::ClientCredentials, &[("tenant_id", *value)])
                .await,
            "tenant_id",
        );
    }
    assert_untouched(&server);
}

// ---------------------------------------------------------------------------------------------
// Empty and unsendable values.

#[tokio::test]
async fn empty_secrets_and_credentials_are_refused_before_sending() {
    let server = server();
    let base = server.base_url();

    assert_invalid(
        smartway::Client::builder(smartway::Inputs {
            company_api_key: "".into(),
        })
        .base_url(&base)
        .expect("base")
        .build(),
        "company_api_key",
    );
    assert_invalid(
        smartdocumentor::Client::builder(smartdocumentor::Inputs {
            client_id: "id".into(),
            client_secret: "".into(),
        })
        .base_url(&base)
        .expect("base")
        .build(),
        "client_secret",
    );
    assert_invalid(
        smartdocumentor::Client::builder(smartdocumentor::Inputs {
            client_id: "".into(),
            client_secret: "secret".into(),
        })
        .base_url(&base)
        .expect("base")
        .build(),
        "client_id",
    );
    assert_invalid(
        learnlink::Client::builder(learnlink::Inputs {
            tenant_id: "eu-west-2_AbcdEfghI".into(),
            client_secret: "".into(),
        })
        .base_url(&base)
        .expect("base")
        .build(),
        "client_secret",
    );
    assert_invalid(
        learnlink::Client::builder(learnlink::Inputs {
            tenant_id: "eu-west-2_AbcdEfghI".into(),
            client_secret: "secret".into(),
        })
        .input(learnlink::OptionalInput::Scope, "")
        .base_url(&base)
        .expect("base")
        .build(),
        "scope",
    );
    assert_invalid(
        brainysoft::Client::builder(brainysoft::Inputs {
            customer_key: "acme".into(),
            client_id: "id".into(),
            client_secret: Secret::new(""),
        })
        .base_url(&base)
        .expect("base")
        .build(),
        "client_secret",
    );
    assert_invalid(
        approvalmax::Client::builder(approvalmax::Inputs {
            client_id: "id".into(),
            client_secret: "".into(),
            redirect_uri: "https://app.example/callback".into(),
        })
        .base_url(&base)
        .expect("base")
        .build(),
        "client_secret",
    );

    // Per-call values of a client that is fine.
    let approvalmax = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&base)
    .expect("base")
    .build()
    .expect("client");
    assert_invalid(approvalmax.refresh(&Secret::new("")).await, "refresh_token");
    assert_invalid(approvalmax.exchange_code("", None).await, "code");
    assert_invalid(
        approvalmax.exchange_code("code", Some("")).await,
        "code_verifier",
    );
    assert_invalid(approvalmax.authorize_url("", None), "state");
    assert_untouched(&server);
}

#[tokio::test]
async fn control_characters_cannot_inject_headers_or_parameters() {
    let server = server();
    let base = server.base_url();
    let text = assert_invalid(
        smartway::Client::builder(smartway::Inputs {
            company_api_key: "key\r\nX-Injected: 1".into(),
        })
        .base_url(&base)
        .expect("base")
        .build(),
        "company_api_key",
    );
    assert!(
        !text.contains("X-Injected"),
        "a secret is not echoed: {text}"
    );
    assert_invalid(
        learnlink_with_tenant("tenant\r\nHost: evil.example").build(),
        "tenant_id",
    );
    assert_invalid(brainysoft_with_key("acme\n").build(), "customer_key");
    let approvalmax = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&base)
    .expect("base")
    .build()
    .expect("client");
    assert_invalid(
        approvalmax.refresh(&Secret::new("r\0t")).await,
        "refresh_token",
    );
    assert_invalid(approvalmax.exchange_code("co\tde", None).await, "code");
    assert_untouched(&server);
}

// ---------------------------------------------------------------------------------------------
// base_url: https anywhere, plain http only on loopback.

fn smartway_builder() -> smartway::ClientBuilder {
    smartway::Client::builder(smartway::Inputs {
        company_api_key: "key".into(),
    })
}

#[test]
fn base_url_is_scheme_host_and_port_only_and_never_echoed() {
    for url in [
        "https://user:pa55word-in-url@proxy.example",
        "http://127.0.0.1:8080/prefix",
        "http://127.0.0.1:8080/?x=1",
        "http://127.0.0.1:8080/#frag",
    ] {
        match smartway_builder().base_url(url).map(|_| ()) {
            Err(smartway::Error::InvalidInput(e)) => {
                assert_eq!(e.input, "base_url");
                assert!(!e.reason.contains("pa55word"), "{}", e.reason);
            }
            other => panic!("{url}: expected an invalid-input error, got {other:?}"),
        }
    }
}

#[test]
fn base_url_refuses_plain_http_off_loopback() {
    let refused = [
        "http://example.com",
        "http://example.com:8080/",
        "http://10.0.0.1:8080",
        "http://192.168.1.10",
        "http://127.0.0.1.nip.io:8080",
        "http://localhost.evil.example",
        "http://0.0.0.0:8080",
        "ftp://127.0.0.1",
        "file:///etc/passwd",
        "127.0.0.1:8080",
        "not a url",
        "",
    ];
    for url in refused {
        assert_invalid(smartway_builder().base_url(url).map(|_| ()), "base_url");
        assert_invalid(
            learnlink_with_tenant("tenant").base_url(url).map(|_| ()),
            "base_url",
        );
        let mut client = tokenspec_providers::client("brainysoft").expect("registered");
        assert_invalid(client.set_base_url::<JsonErrorBody>(url), "base_url");
    }
    for url in [
        "http://127.0.0.1:1",
        "http://localhost:1",
        "http://[::1]:1",
        "https://proxy.example",
    ] {
        let accepted = smartway_builder().base_url(url);
        assert!(accepted.is_ok(), "{url}: {accepted:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The run-time registry: inputs by name, so forgetting one is a run-time error.

#[tokio::test]
async fn registry_client_missing_required_input_is_named() {
    let server = server();
    let base = server.base_url();

    let mut client = tokenspec_providers::client("learnlink").expect("registered");
    client.set_base_url::<JsonErrorBody>(&base).expect("base");
    client
        .set::<JsonErrorBody>("client_secret", "secret")
        .expect("secret");
    assert_invalid(
        client.token_request(GrantKind::ClientCredentials, &[]),
        "tenant_id",
    );
    assert_invalid(
        client.fetch(GrantKind::ClientCredentials, &[]).await,
        "tenant_id",
    );

    let mut client = tokenspec_providers::client("learnlink").expect("registered");
    client.set_base_url::<JsonErrorBody>(&base).expect("base");
    client
        .set::<JsonErrorBody>("tenant_id", "eu-west-2_AbcdEfghI")
        .expect("tenant");
    assert_invalid(
        client.fetch(GrantKind::ClientCredentials, &[]).await,
        "client_secret",
    );
    // The other credential placement needs the same input.
    client.set_placement::<JsonErrorBody>("body").expect("body");
    assert_invalid(
        client.fetch(GrantKind::ClientCredentials, &[]).await,
        "client_secret",
    );

    let mut client = tokenspec_providers::client("smartway").expect("registered");
    client.set_base_url::<JsonErrorBody>(&base).expect("base");
    assert_invalid(client.fetch(GrantKind::None, &[]).await, "company_api_key");

    let mut client = tokenspec_providers::client("approvalmax").expect("registered");
    client.set_base_url::<JsonErrorBody>(&base).expect("base");
    for (name, value) in [
        ("client_id", "id"),
        ("client_secret", "secret"),
        ("redirect_uri", "https://app.example/callback"),
    ] {
        client.set::<JsonErrorBody>(name, value).expect(name);
    }
    assert_invalid(
        client.fetch(GrantKind::AuthorizationCode, &[]).await,
        "code",
    );
    assert_invalid(
        client.fetch(GrantKind::RefreshToken, &[]).await,
        "refresh_token",
    );
    assert_invalid(client.authorize_url(&[]), "state");
    assert_untouched(&server);
}

#[tokio::test]
async fn registry_client_unknown_names_are_refused() {
    let server = server();
    let mut client = tokenspec_providers::client("learnlink").expect("registered");
    client
        .set_base_url::<JsonErrorBody>(&server.base_url())
        .expect("base");
    client
        .set::<JsonErrorBody>("tenant_id", "eu-west-2_AbcdEfghI")
        .expect("tenant");
    client
        .set::<JsonErrorBody>("client_secret", "secret")
        .expect("secret");
    assert_invalid(client.set::<JsonErrorBody>("tenant", "x"), "tenant");
    assert_invalid(
        client
            .fetch(GrantKind::ClientCredentials, &[("client_id", "x")])
            .await,
        "client_id",
    );
    assert_invalid(client.fetch(GrantKind::RefreshToken, &[]).await, "grant");
    assert_invalid(
        client.set_environment::<JsonErrorBody>("prod"),
        "environment",
    );
    assert_invalid(client.set_placement::<JsonErrorBody>("header"), "placement");
    assert_invalid(client.authorize_url(&[]), "grant");
    assert!(tokenspec_providers::client("learn.link").is_none());
    assert_untouched(&server);
}

// ---------------------------------------------------------------------------------------------
// Secrets never print.

const CANARY: &str = "S3cr3t-canary-7f2e";

#[track_caller]
fn assert_hidden(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} shows the secret: {text}");
}

#[tokio::test]
async fn debug_and_display_never_show_secrets() {
    // Builders holding a secret, and the clients they build.
    let builder = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "eu-west-2_AbcdEfghI".into(),
        client_secret: CANARY.into(),
    });
    assert_hidden("learnlink builder", &format!("{builder:?}"));
    let client = builder.build().expect("client");
    assert_hidden("learnlink client", &format!("{client:?}"));
    assert_hidden("runtime client", &format!("{:?}", client.runtime()));
    assert_hidden(
        "runtime inputs",
        &format!("{:?}", client.runtime().inputs()),
    );

    let builder = smartway::Client::builder(smartway::Inputs {
        company_api_key: CANARY.into(),
    });
    assert_hidden("smartway builder", &format!("{builder:?}"));
    assert_hidden(
        "smartway client",
        &format!("{:?}", builder.build().expect("client")),
    );

    let builder = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "id".into(),
        client_secret: CANARY.into(),
        redirect_uri: "https://app.example/callback".into(),
    });
    assert_hidden("approvalmax builder", &format!("{builder:?}"));
    assert_hidden(
        "approvalmax client",
        &format!("{:?}", builder.build().expect("client")),
    );

    let mut registry = tokenspec_providers::client("smartdocumentor").expect("registered");
    registry
        .set::<JsonErrorBody>("client_secret", CANARY)
        .expect("secret");
    assert_hidden("registry client", &format!("{registry:?}"));

    // Input errors about a secret say "the value", not the value.
    let error = smartway::Client::builder(smartway::Inputs {
        company_api_key: format!("{CANARY}\n").into(),
    })
    .build()
    .expect_err("control character");
    assert_hidden("input error Display", &error.to_string());
    assert_hidden("input error Debug", &format!("{error:?}"));

    // Tokens: access and refresh tokens.
    let server = TestServer::start([Reply::json(
        200,
        &json!({"access_token": CANARY, "refresh_token": CANARY, "expires_in": 3600}),
    )]);
    let client = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "id".into(),
        client_secret: CANARY.into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&server.base_url())
    .expect("base")
    .build()
    .expect("client");
    // A call not sent yet holds its per-call values (a refresh token, an authorization code):
    // its `Debug` names them only.
    let refresh_token = Secret::new(CANARY);
    let call = client.refresh(&refresh_token);
    let text = format!("{call:?}");
    assert_hidden("refresh call", &text);
    assert!(text.contains("refresh_token"), "{text}");
    assert_hidden(
        "exchange call",
        &format!("{:?}", client.exchange_code(CANARY, None)),
    );
    let token = call.await.expect("token");
    assert_eq!(token.access_token.expose(), CANARY);
    assert_hidden("TokenResponse", &format!("{token:?}"));
    assert_hidden("access token", &format!("{}", token.access_token));
    assert_hidden("bearer header", &format!("{:?}", token.bearer_header()));

    // The untyped token data of the registry client.
    let mut registry = tokenspec_providers::client("approvalmax").expect("registered");
    for (name, value) in [
        ("client_id", "id"),
        ("client_secret", CANARY),
        ("redirect_uri", "https://app.example/callback"),
    ] {
        registry.set::<JsonErrorBody>(name, value).expect(name);
    }
    let data = registry
        .parse_response(&ok_response(
            &json!({"access_token": CANARY, "refresh_token": CANARY}).to_string(),
        ))
        .expect("token data");
    assert_hidden("TokenData", &format!("{data:?}"));

    // Unexpected responses carry an excerpt with token fields masked: a token response with a
    // bad field, a truncated one, a token sent with an error status.
    let bodies = [
        (
            200,
            json!({"access_token": CANARY, "expires_in": "soon"}).to_string(),
        ),
        (
            200,
            format!(r#"{{"access_token":"{CANARY}","refresh_token":"{CANARY}","expires_in":"#),
        ),
        (
            500,
            json!({"access_token": CANARY, "refresh_token": CANARY}).to_string(),
        ),
        (
            200,
            json!({"access_token": "", "refresh_token": CANARY}).to_string(),
        ),
    ];
    for (status, body) in bodies {
        let error = client
            .parse_response(&response(status, &body))
            .expect_err("unexpected");
        assert!(
            matches!(error, approvalmax::Error::UnexpectedResponse(_)),
            "{error:?}"
        );
        assert_hidden("UnexpectedResponse Display", &error.to_string());
        assert_hidden("UnexpectedResponse Debug", &format!("{error:?}"));
    }

    // The same through the wire, with the untyped client's error.
    let server = TestServer::always(Reply::json(
        200,
        &json!({"access_token": CANARY, "expires_in": -5}),
    ));
    registry
        .set_base_url::<JsonErrorBody>(&server.base_url())
        .expect("base");
    let error = registry
        .fetch(GrantKind::RefreshToken, &[("refresh_token", CANARY)])
        .await
        .expect_err("negative expires_in");
    assert!(
        matches!(&error, Error::UnexpectedResponse(e) if e.status == 200),
        "{error:?}"
    );
    assert_hidden("registry error Display", &error.to_string());
    assert_hidden("registry error Debug", &format!("{error:?}"));
}

fn response(status: u16, body: &str) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.as_bytes().to_vec())
        .expect("response")
}

fn ok_response(body: &str) -> http::Response<Vec<u8>> {
    response(200, body)
}

/// RFC 7636 section 4.1: a `code_verifier` is 43 to 128 characters of `[A-Za-z0-9-._~]`. One
/// that is not is refused by `authorize_url` already (the authorize step sends only its
/// challenge, so the token endpoint would refuse it after the user authorized) and by the
/// exchange; nothing is sent, and the error never quotes the verifier.
#[tokio::test]
async fn a_code_verifier_outside_rfc7636_is_refused_at_once() {
    let server = server();
    let client = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .base_url(&server.base_url())
    .expect("base")
    .build()
    .expect("client");
    let bad = [
        "a".repeat(42),
        "a".repeat(129),
        "verifier-abc".to_owned(),
        format!("{}+/=", "a".repeat(40)),
        format!("{} b", "a".repeat(41)),
        format!("{}é", "a".repeat(42)),
    ];
    for verifier in &bad {
        let text = assert_invalid(
            client.authorize_url("state", Some(verifier)),
            "code_verifier",
        );
        assert!(text.contains("RFC 7636"), "{text}");
        assert!(
            !text.contains(verifier.as_str()),
            "the verifier is quoted: {text}"
        );
        assert_invalid(
            client.exchange_code("code", Some(verifier)).await,
            "code_verifier",
        );
        assert_invalid(
            client.exchange_code("code", Some(verifier)).request(),
            "code_verifier",
        );
    }
    assert_untouched(&server);

    // The bounds themselves and every allowed character pass.
    for verifier in ["a".repeat(43), "Z".repeat(128), "AZaz09-._~".repeat(5)] {
        client
            .authorize_url("state", Some(&verifier))
            .expect("a valid verifier");
        client
            .exchange_code("code", Some(&verifier))
            .request()
            .expect("a valid verifier");
    }
}

// ---------------------------------------------------------------------------------------------
// Host variables make DNS names, never IP addresses.

/// A provider whose whole host is one variable, `https://{tenant}/oauth/token`: no committed
/// spec has one (validation refuses numeric-only patterns and numeric examples for it), so the
/// runtime is driven with a hand-written spec.
static WHOLE_HOST: tokenspec_runtime::ProviderSpec = {
    use tokenspec_runtime as rt;
    rt::ProviderSpec {
        name: "whole_host",
        title: "Whole host",
        description: "A token endpoint on the customer's own host.",
        docs: "https://example.com/docs",
        default_environment: "production",
        environments: &[rt::EnvironmentSpec {
            name: "production",
            token_url: "https://{tenant}/oauth/token",
            authorize_url: None,
            discovery: None,
        }],
        inputs: &[
            rt::InputSpec {
                name: "tenant",
                description: "The customer's host name.",
                secret: false,
                required: true,
                per_request: false,
                pattern: None,
                default: None,
                location: rt::InputLocation::Host,
            },
            rt::InputSpec {
                name: "client_id",
                description: "The client ID.",
                secret: false,
                required: true,
                per_request: false,
                pattern: None,
                default: None,
                location: rt::InputLocation::Param,
            },
        ],
        credentials: rt::CredentialsSpec {
            preferred: 0,
            accepted: &[rt::Placement::Body(&[("client_id", "client_id")])],
        },
        body: rt::BodyFormat::Form,
        method: rt::HttpMethod::Post,
        params_in: rt::ParamLocation::Body,
        grants: &[rt::GrantSpec {
            kind: GrantKind::ClientCredentials,
            extension: None,
            description: "Client credentials.",
            params: &[],
            authorize_params: &[],
            pkce: rt::Pkce::None,
            assertion: None,
            authorize: rt::AuthorizeSpec::DEFAULT,
            overrides: rt::GrantOverrides::DEFAULT,
        }],
        scopes: rt::ScopesSpec {
            delimiter: " ",
            known: &[],
        },
        response: &[rt::FieldSpec {
            name: "access_token",
            wire: &["access_token"],
            ty: rt::FieldType::Secret,
            required: true,
            default: None,
            description: "The access token.",
            header: None,
        }],
        response_format: rt::ResponseFormat::Json,
        errors: rt::ErrorFormat::OAuth2,
        expiry: rt::Expiry::Default,
        access_lifetime: None,
        refresh_lifetime: None,
        claims: &[],
        headers: &[],
    }
};

#[tokio::test]
async fn a_host_variable_that_makes_an_ip_address_is_refused_before_anything_is_sent() {
    let server = server();
    // Each is a DNS label; as the whole host, the URL parser reads each as an IPv4 address
    // (WHATWG URL Standard, IPv4 parser): 169.254.169.254 is the cloud metadata address.
    for (value, address) in [
        ("2852039166", "169.254.169.254"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("0x7f000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177", "0.0.0.127"),
        ("10", "0.0.0.10"),
    ] {
        let mut client = tokenspec_runtime::Client::new(&WHOLE_HOST);
        client
            .set_base_url::<JsonErrorBody>(&server.base_url())
            .expect("loopback");
        client
            .set::<JsonErrorBody>("tenant", value)
            .expect("a DNS label is accepted when set");
        client.set::<JsonErrorBody>("client_id", "id").expect("set");
        let text = assert_invalid(
            client.fetch(GrantKind::ClientCredentials, &[]).await,
            "tenant",
        );
        assert!(
            text.contains(address) && text.contains("DNS name"),
            "{value}: {text}"
        );
    }
    // A name is fine: the request goes out (to the local server that replaces the host).
    let mut client = tokenspec_runtime::Client::new(&WHOLE_HOST);
    client
        .set_base_url::<JsonErrorBody>(&server.base_url())
        .expect("loopback");
    client.set::<JsonErrorBody>("tenant", "acme").expect("set");
    client.set::<JsonErrorBody>("client_id", "id").expect("set");
    assert_untouched(&server);
    client
        .fetch(GrantKind::ClientCredentials, &[])
        .await
        .expect("a DNS name is fetched from");
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn brainysoft_numeric_customer_keys_stay_inside_their_dns_name() {
    // `{customer_key}-auth.brainysoft.ru`: a number there is part of a name, not an address.
    let server = TestServer::always(Reply::json(
        200,
        &json!({"access_token": "t", "token_type": "Bearer"}),
    ));
    let client = brainysoft_with_key("2852039166")
        .base_url(&server.base_url())
        .expect("loopback base URL")
        .build()
        .expect("builds");
    client.fetch_token().await.expect("fetched");
    assert_eq!(server.request_count(), 1);
}
