//! The registry crate (`tokenspec-providers`) and the per-provider crates
//! (`tokenspec-provider-<name>`) are generated from the same model, but each holds its own copy
//! of every provider's spec: the registry's is data for programs that pick a provider at run
//! time, the provider crate's drives the typed client. The provider crate is the source of
//! truth; these tests check that the registry says the same thing, and that the two clients
//! built from them put the same request on the wire.

use tokenspec_provider_approvalmax as approvalmax;
use tokenspec_provider_brainysoft as brainysoft;
use tokenspec_provider_learnlink as learnlink;
use tokenspec_provider_smartdocumentor as smartdocumentor;
use tokenspec_provider_smartway as smartway;
use tokenspec_runtime::{self as rt, GrantKind, JsonErrorBody, Provider, ProviderSpec, Secret};

/// Each provider crate's spec, in name order.
fn crate_specs() -> [&'static ProviderSpec; 5] {
    [
        &approvalmax::PROVIDER,
        &brainysoft::PROVIDER,
        &learnlink::PROVIDER,
        &smartdocumentor::PROVIDER,
        &smartway::PROVIDER,
    ]
}

#[test]
fn every_registry_spec_equals_its_provider_crates_spec() {
    for spec in crate_specs() {
        assert_eq!(
            tokenspec_providers::by_name(spec.name),
            Some(spec),
            "the registry's `{}` differs from its provider crate's",
            spec.name
        );
    }
    // The registry modules hand out the same statics `by_name` finds.
    assert_eq!(
        tokenspec_providers::approvalmax::PROVIDER,
        approvalmax::PROVIDER
    );
    assert_eq!(
        tokenspec_providers::brainysoft::PROVIDER,
        brainysoft::PROVIDER
    );
    assert_eq!(
        tokenspec_providers::learnlink::PROVIDER,
        learnlink::PROVIDER
    );
    assert_eq!(
        tokenspec_providers::smartdocumentor::PROVIDER,
        smartdocumentor::PROVIDER
    );
    assert_eq!(tokenspec_providers::smartway::PROVIDER, smartway::PROVIDER);
}

#[test]
fn the_registry_lists_exactly_the_providers_of_specs_in_name_order() {
    let names: Vec<&str> = tokenspec_providers::providers()
        .iter()
        .map(|spec| spec.name)
        .collect();
    // One per spec file, whatever specs/ holds: adding a provider needs no edit here.
    let specs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut stems: Vec<String> = std::fs::read_dir(specs)
        .expect("specs/")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    stems.sort();
    assert_eq!(names, stems);
    for seed in [
        "approvalmax",
        "brainysoft",
        "learnlink",
        "smartdocumentor",
        "smartway",
    ] {
        assert!(names.contains(&seed), "{seed}");
    }
    assert_eq!(
        tokenspec_providers::providers(),
        tokenspec_providers::PROVIDERS
    );
    for (listed, spec) in tokenspec_providers::providers().iter().zip(crate_specs()) {
        assert_eq!(*listed, spec);
    }
    // Names are matched exactly: no titles, no other case, no prefixes.
    for name in ["", "Brainysoft", "learn.link", "smart", "brainysoft "] {
        assert_eq!(tokenspec_providers::by_name(name), None, "{name:?}");
        assert!(tokenspec_providers::client(name).is_none(), "{name:?}");
    }
}

/// A typed client is driven by its crate's `PROVIDER` itself, not by a copy: `Provider::SPEC`
/// is that static, and so is the spec of the runtime client underneath.
#[test]
fn typed_clients_are_driven_by_their_crates_static() {
    fn check<P: Provider>(spec: &'static ProviderSpec, runtime: &rt::Client) {
        assert!(std::ptr::eq(P::SPEC, spec), "{}: Provider::SPEC", spec.name);
        assert!(
            std::ptr::eq(runtime.provider(), spec),
            "{}: the runtime client's spec",
            spec.name
        );
    }
    let client = smartway::Client::builder(smartway::Inputs {
        company_api_key: "key".into(),
    })
    .build()
    .expect("client");
    check::<smartway::Provider>(&smartway::PROVIDER, client.runtime());
    let client = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "id".into(),
        client_secret: "secret".into(),
    })
    .build()
    .expect("client");
    check::<brainysoft::Provider>(&brainysoft::PROVIDER, client.runtime());
    let client = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .build()
    .expect("client");
    check::<approvalmax::Provider>(&approvalmax::PROVIDER, client.runtime());
    let client = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "tenant".into(),
        client_secret: "secret".into(),
    })
    .build()
    .expect("client");
    check::<learnlink::Provider>(&learnlink::PROVIDER, client.runtime());
    let client = smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: "id".into(),
        client_secret: "secret".into(),
    })
    .build()
    .expect("client");
    check::<smartdocumentor::Provider>(&smartdocumentor::PROVIDER, client.runtime());
}

/// The registry's untyped client for `name` with `inputs` set by name.
fn registry_client(name: &str, inputs: &[(&str, &str)]) -> rt::Client {
    let mut client = tokenspec_providers::client(name).expect("registered");
    for &(input, value) in inputs {
        client.set::<JsonErrorBody>(input, value).expect(input);
    }
    client
}

/// Method, URI, headers and body, which must match byte for byte.
#[track_caller]
fn assert_same_request(
    typed: &http::Request<Vec<u8>>,
    registry: &http::Request<Vec<u8>>,
    what: &str,
) {
    assert_eq!(typed.method(), registry.method(), "{what}: method");
    assert_eq!(typed.uri(), registry.uri(), "{what}: URI");
    assert_eq!(typed.headers(), registry.headers(), "{what}: headers");
    assert_eq!(typed.body(), registry.body(), "{what}: body");
}

/// The same inputs give the same request through a typed client and through the registry's
/// untyped client, for every grant of every provider.
#[test]
fn typed_and_registry_clients_build_the_same_requests() {
    let typed = smartway::Client::builder(smartway::Inputs {
        company_api_key: "sw-key".into(),
    })
    .build()
    .expect("client");
    let registry = registry_client("smartway", &[("company_api_key", "sw-key")]);
    assert_same_request(
        &typed.fetch_token().request().expect("typed"),
        &registry
            .token_request(GrantKind::None, &[])
            .expect("registry"),
        "smartway",
    );

    let typed = smartdocumentor::Client::builder(smartdocumentor::Inputs {
        client_id: "sd-id".into(),
        client_secret: "sd-secret".into(),
    })
    .build()
    .expect("client");
    let registry = registry_client(
        "smartdocumentor",
        &[("client_id", "sd-id"), ("client_secret", "sd-secret")],
    );
    assert_same_request(
        &typed.fetch_token().request().expect("typed"),
        &registry
            .token_request(GrantKind::ClientCredentials, &[])
            .expect("registry"),
        "smartdocumentor",
    );

    let typed = brainysoft::Client::builder(brainysoft::Inputs {
        customer_key: "acme".into(),
        client_id: "bs-id".into(),
        client_secret: "bs-secret".into(),
    })
    .credential_placement(brainysoft::CredentialPlacement::Query)
    .build()
    .expect("client");
    let mut registry = registry_client(
        "brainysoft",
        &[
            ("customer_key", "acme"),
            ("client_id", "bs-id"),
            ("client_secret", "bs-secret"),
        ],
    );
    registry
        .set_placement::<JsonErrorBody>("query")
        .expect("query");
    assert_same_request(
        &typed.fetch_token().request().expect("typed"),
        &registry
            .token_request(GrantKind::ClientCredentials, &[])
            .expect("registry"),
        "brainysoft, query",
    );

    let typed = learnlink::Client::builder(learnlink::Inputs {
        tenant_id: "tenant".into(),
        client_secret: "ll-secret".into(),
    })
    .input(learnlink::OptionalInput::Scope, "api/read")
    .environment(learnlink::Environment::StagingMea)
    .build()
    .expect("client");
    let mut registry = registry_client(
        "learnlink",
        &[
            ("tenant_id", "tenant"),
            ("client_secret", "ll-secret"),
            ("scope", "api/read"),
        ],
    );
    registry
        .set_environment::<JsonErrorBody>("staging_mea")
        .expect("staging_mea");
    assert_same_request(
        &typed.fetch_token().request().expect("typed"),
        &registry
            .token_request(GrantKind::ClientCredentials, &[])
            .expect("registry"),
        "learnlink, staging_mea",
    );

    let typed = approvalmax::Client::builder(approvalmax::Inputs {
        client_id: "am-id".into(),
        client_secret: "am-secret".into(),
        redirect_uri: "https://app.example/callback".into(),
    })
    .credential_placement(approvalmax::CredentialPlacement::Basic)
    .build()
    .expect("client");
    let mut registry = registry_client(
        "approvalmax",
        &[
            ("client_id", "am-id"),
            ("client_secret", "am-secret"),
            ("redirect_uri", "https://app.example/callback"),
        ],
    );
    registry
        .set_placement::<JsonErrorBody>("basic")
        .expect("basic");
    // RFC 7636 appendix B's verifier.
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    assert_same_request(
        &typed
            .exchange_code("code-1", Some(verifier))
            .request()
            .expect("typed"),
        &registry
            .token_request(
                GrantKind::AuthorizationCode,
                &[("code", "code-1"), ("code_verifier", verifier)],
            )
            .expect("registry"),
        "approvalmax, authorization_code",
    );
    assert_same_request(
        &typed
            .refresh(&Secret::new("refresh-1"))
            .request()
            .expect("typed"),
        &registry
            .token_request(GrantKind::RefreshToken, &[("refresh_token", "refresh-1")])
            .expect("registry"),
        "approvalmax, refresh_token",
    );
    assert_eq!(
        typed
            .authorize_url("state-1", Some(verifier))
            .expect("typed"),
        registry
            .authorize_url(&[("state", "state-1"), ("code_verifier", verifier)])
            .expect("registry"),
        "approvalmax, authorize URL"
    );
}

/// The generated `Environment` and `CredentialPlacement` enums are indexes into their crate's
/// spec (`rt::Environment::index`, `rt::PlacementChoice::index`): each variant must point at
/// the entry of its own name, and each enum's default at the spec's default environment and
/// preferred placement, or a client would silently talk to another host or send credentials
/// elsewhere than asked.
#[test]
fn generated_enums_index_the_entries_of_their_names() {
    #[track_caller]
    fn environments<E: rt::Environment + Default + std::fmt::Debug>(
        spec: &ProviderSpec,
        variants: &[(E, &str)],
    ) {
        let names: Vec<&str> = spec.environments.iter().map(|e| e.name).collect();
        assert_eq!(
            variants.len(),
            names.len(),
            "{}: every environment",
            spec.name
        );
        for (variant, name) in variants {
            assert_eq!(
                names.get(variant.index()),
                Some(name),
                "{}: {variant:?}",
                spec.name
            );
        }
        assert_eq!(
            names.get(E::default().index()),
            Some(&spec.default_environment),
            "{}: the default environment",
            spec.name
        );
    }
    #[track_caller]
    fn placements<C: rt::PlacementChoice + Default + std::fmt::Debug>(
        spec: &ProviderSpec,
        variants: &[(C, &str)],
    ) {
        let kinds: Vec<&str> = spec.credentials.accepted.iter().map(|p| p.kind()).collect();
        assert_eq!(
            variants.len(),
            kinds.len(),
            "{}: every placement",
            spec.name
        );
        for (variant, kind) in variants {
            assert_eq!(
                kinds.get(variant.index()),
                Some(kind),
                "{}: {variant:?}",
                spec.name
            );
        }
        assert_eq!(
            C::default().index(),
            spec.credentials.preferred,
            "{}: the default placement is the preferred one",
            spec.name
        );
    }

    {
        use learnlink::Environment as E;
        environments(
            &learnlink::PROVIDER,
            &[
                (E::Production, "production"),
                (E::Staging, "staging"),
                (E::ProductionMea, "production_mea"),
                (E::StagingMea, "staging_mea"),
                (E::ProductionWebhooks, "production_webhooks"),
                (E::StagingWebhooks, "staging_webhooks"),
                (E::ProductionMeaWebhooks, "production_mea_webhooks"),
                (E::StagingMeaWebhooks, "staging_mea_webhooks"),
            ],
        );
    }
    environments(
        &approvalmax::PROVIDER,
        &[(approvalmax::Environment::Production, "production")],
    );
    environments(
        &brainysoft::PROVIDER,
        &[(brainysoft::Environment::Production, "production")],
    );
    environments(
        &smartdocumentor::PROVIDER,
        &[(smartdocumentor::Environment::Production, "production")],
    );
    environments(
        &smartway::PROVIDER,
        &[(smartway::Environment::Production, "production")],
    );

    placements(
        &approvalmax::PROVIDER,
        &[
            (approvalmax::CredentialPlacement::Basic, "basic"),
            (approvalmax::CredentialPlacement::Body, "body"),
        ],
    );
    placements(
        &brainysoft::PROVIDER,
        &[
            (brainysoft::CredentialPlacement::Body, "body"),
            (brainysoft::CredentialPlacement::Query, "query"),
        ],
    );
    placements(
        &learnlink::PROVIDER,
        &[
            (learnlink::CredentialPlacement::Basic, "basic"),
            (learnlink::CredentialPlacement::Body, "body"),
        ],
    );
    // One accepted placement: nothing to choose (the type has no value).
    assert_eq!(smartway::PROVIDER.credentials.accepted.len(), 1);
    assert_eq!(smartdocumentor::PROVIDER.credentials.accepted.len(), 1);
}
