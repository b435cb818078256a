//! `tokenspec new`: the skeleton validates as it is for every grant × placement, declares the
//! URL's variables, refuses bad names, and the command never overwrites a spec.

use std::path::Path;
use std::process::Command;
use tokenspec::load::Source;
use tokenspec::model::{GrantKind, ResponseFormat};
use tokenspec::scaffold::{Auth, Request, ScaffoldError, render};

fn request(provider: &str, grant: GrantKind, auth: Auth, url: Option<&str>) -> Request {
    Request {
        provider: provider.to_owned(),
        grant,
        auth,
        response: ResponseFormat::Json,
        url: url.map(str::to_owned),
    }
}

fn validate<'a>(
    arena: &'a tokenspec::Bump,
    provider: &str,
    text: &str,
) -> Vec<tokenspec::model::Provider<'a>> {
    let source = Source::new(format!("specs/{provider}.yaml"), text);
    match tokenspec::validate_sources(arena, vec![source]) {
        Ok(p) => p,
        Err(e) => panic!("{provider}: the skeleton does not validate:\n{e}\n{text}"),
    }
}

#[test]
fn every_grant_and_placement_validates_as_it_is() {
    let arena = tokenspec::Bump::new();
    let schema: serde_json::Value =
        serde_json::from_str(&tokenspec::load::schema::schema_json()).expect("the schema is JSON");
    let schema = jsonschema::validator_for(&schema).expect("a JSON Schema");
    for grant in GrantKind::ALL {
        for auth in Auth::ALL.into_iter().filter(|a| a.allows(grant)) {
            let provider = format!("acme_{}_{}", grant.name(), auth.name());
            let text = render(&request(&provider, grant, auth, None)).expect("renders");
            let providers = validate(&arena, &provider, &text);
            let p = &providers[0];
            assert_eq!(p.grants.len(), 1);
            assert_eq!(p.grants[0].kind, grant);
            assert_eq!(
                p.credentials.accepted[p.credentials.preferred].kind(),
                auth.placement()
            );
            tokenspec::generate_tree(&providers).expect("the skeleton emits");
            let value: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
            assert!(schema.is_valid(&value), "{provider} fails the schema");
            assert!(text.starts_with(tokenspec::load::schema::MODELINE));
            assert!(text.contains("TODO"), "says what to fill in");
        }
    }
}

#[test]
fn url_variables_become_inputs() {
    let arena = tokenspec::Bump::new();
    let text = render(&request(
        "acme",
        GrantKind::ClientCredentials,
        Auth::Body,
        Some("https://{tenant}.auth.acme.example/v2/{region}/token"),
    ))
    .expect("renders");
    let providers = validate(&arena, "acme", &text);
    use tokenspec::model::InputLocation;
    let p = &providers[0];
    assert_eq!(
        p.input("tenant").map(|i| i.location),
        Some(InputLocation::Host)
    );
    assert_eq!(
        p.input("region").map(|i| i.location),
        Some(InputLocation::Path)
    );
}

#[test]
fn authorize_url_follows_the_token_url() {
    let arena = tokenspec::Bump::new();
    let text = render(&request(
        "acme",
        GrantKind::AuthorizationCode,
        Auth::Basic,
        Some("https://id.acme.example/connect/token"),
    ))
    .expect("renders");
    let providers = validate(&arena, "acme", &text);
    assert_eq!(
        providers[0].environments[0].authorize_url,
        Some("https://id.acme.example/connect/authorize")
    );
}

/// `default` and `blocking` were refused while the generated crate had cargo features of those
/// names; it has none now (each provider is a crate of its own, blocking is the runtime's
/// feature), so they are provider names like any other: the skeleton validates and emits, and
/// no generated manifest declares a feature they could clash with.
#[test]
fn names_of_former_cargo_features_are_provider_names() {
    let arena = tokenspec::Bump::new();
    for name in ["default", "blocking"] {
        let text = render(&request(
            name,
            GrantKind::ClientCredentials,
            Auth::Basic,
            None,
        ))
        .expect("renders");
        let providers = validate(&arena, name, &text);
        assert_eq!(providers[0].name, name);
        let tree = tokenspec::generate_tree(&providers).expect("emits");
        let manifests: Vec<_> = tree
            .iter()
            .filter(|(path, _)| path.ends_with("Cargo.toml"))
            .collect();
        assert!(manifests.len() >= 2, "the registry's and the provider's");
        for (path, text) in manifests {
            assert!(!text.contains("[features]"), "{}: {text}", path.display());
        }
    }
}

#[test]
fn bad_names_and_variables_are_refused() {
    for name in ["Acme", "acme-corp", "self", "runtime", "", "9lives"] {
        let e = render(&request(name, GrantKind::None, Auth::Header, None));
        assert!(
            matches!(e, Err(ScaffoldError::Name { .. })),
            "{name:?}: {e:?}"
        );
    }
    let e = render(&request("acme-corp", GrantKind::None, Auth::Header, None))
        .expect_err("not snake_case");
    assert!(e.to_string().contains("did you mean `acme_corp`?"), "{e}");
    let e = render(&request(
        "acme",
        GrantKind::None,
        Auth::Header,
        Some("https://x.example/{a: b}/token"),
    ));
    assert!(matches!(e, Err(ScaffoldError::Variable { .. })), "{e:?}");
}

fn tokenspec(specs: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tokenspec"))
        .arg("--specs")
        .arg(specs)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("tokenspec runs")
}

#[test]
fn the_command_writes_once_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = dir.path().join("specs");
    let out = tokenspec(
        &specs,
        &[
            "new",
            "acme",
            "--grant",
            "authorization-code",
            "--auth",
            "body",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("next:"), "{stdout}");
    assert!(stdout.contains("validate"), "{stdout}");
    let path = specs.join("acme.yaml");
    let first = std::fs::read_to_string(&path).expect("written");

    let again = tokenspec(&specs, &["new", "acme", "--grant", "none"]);
    assert!(!again.status.success(), "a second `new` fails");
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&path).expect("kept"),
        first,
        "untouched"
    );

    let valid = tokenspec(&specs, &["validate"]);
    assert!(
        valid.status.success(),
        "{}",
        String::from_utf8_lossy(&valid.stderr)
    );

    let bad = tokenspec(&specs, &["new", "Acme-Corp"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("acme_corp"));
    let http = tokenspec(
        &specs,
        &["new", "plain", "--url", "http://plain.example/token"],
    );
    assert!(!http.status.success());
    assert!(String::from_utf8_lossy(&http.stderr).contains("not https"));
    assert!(!specs.join("plain.yaml").exists(), "nothing written");
}

#[test]
fn grants_are_accepted_in_snake_case_and_kebab_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let specs = dir.path().join("specs");
    for (i, grant) in [
        "none",
        "client_credentials",
        "client-credentials",
        "authorization_code",
        "authorization-code",
        "refresh_token",
        "refresh-token",
    ]
    .into_iter()
    .enumerate()
    {
        let provider = format!("acme{i}");
        let out = tokenspec(&specs, &["new", &provider, "--grant", grant]);
        assert!(
            out.status.success(),
            "--grant {grant}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text =
            std::fs::read_to_string(specs.join(format!("{provider}.yaml"))).expect("written");
        let snake = grant.replace('-', "_");
        assert!(
            text.contains(&format!("grants:\n  {snake}:\n")),
            "--grant {grant} writes the {snake} grant"
        );
    }
    let bad = tokenspec(&specs, &["new", "nope", "--grant", "client_credential"]);
    assert!(!bad.status.success());
}

/// The skeleton's header shows the command that wrote it; run through a shell, that command
/// writes the same skeleton (for every grant and placement, and a URL a shell must not touch).
#[cfg(unix)]
#[test]
fn the_header_shows_a_command_that_writes_the_same_skeleton() {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = "https://{tenant}.auth.acme.example/v1/it's/token";
    for grant in GrantKind::ALL {
        for auth in Auth::ALL.into_iter().filter(|a| a.allows(grant)) {
            for url in [None, Some(url)] {
                let provider = format!("acme_{}_{}", grant.name(), auth.name());
                let text = render(&request(&provider, grant, auth, url)).expect("renders");
                let command = text
                    .lines()
                    .find_map(|l| l.strip_prefix("# Written by `"))
                    .and_then(|l| l.strip_suffix("`."))
                    .expect("the header names the command");
                assert_eq!(
                    command,
                    tokenspec::scaffold::command(&request(&provider, grant, auth, url))
                );
                let args = command
                    .strip_prefix("cargo run -p tokenspec -- ")
                    .expect("a cargo command, run from the workspace");
                let specs = dir.path().join(format!("specs{}", u8::from(url.is_some())));
                let out = Command::new("sh")
                    .arg("-c")
                    .arg(format!("\"$0\" --specs \"$1\" {args}"))
                    .arg(env!("CARGO_BIN_EXE_tokenspec"))
                    .arg(&specs)
                    .output()
                    .expect("sh runs");
                assert!(
                    out.status.success(),
                    "{command}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let written = std::fs::read_to_string(specs.join(format!("{provider}.yaml")))
                    .expect("written");
                assert_eq!(written, text, "{command}");
            }
        }
    }
}

/// `--auth public` (spec format 1.1): the client ID alone in the body, no secret input, PKCE
/// required with a verifier every exchange sends (RFC 6749 §2.1, RFC 7636 §4.5); refused for
/// the grants a public client cannot use.
#[test]
fn a_public_client_skeleton_has_no_secret_and_requires_pkce() {
    let arena = tokenspec::Bump::new();
    let text = render(&request(
        "acme_app",
        GrantKind::AuthorizationCode,
        Auth::Public,
        None,
    ))
    .expect("renders");
    assert!(!text.contains("client_secret"), "{text}");
    assert!(text.contains("--auth public"), "the header's command");
    let providers = validate(&arena, "acme_app", &text);
    let p = &providers[0];
    assert!(
        p.inputs.iter().all(|i| !i.secret || i.per_request),
        "{text}"
    );
    assert_eq!(
        p.credentials.accepted,
        [tokenspec::model::Placement::Body(&[(
            "client_id",
            "client_id"
        )])]
    );
    assert_eq!(p.grants[0].pkce, tokenspec::model::Pkce::Required);
    assert!(
        p.input("code_verifier").is_some_and(|i| i.required),
        "every exchange sends a verifier"
    );
    tokenspec::generate_tree(&providers).expect("the skeleton emits");

    for grant in [GrantKind::ClientCredentials, GrantKind::None] {
        assert!(!Auth::Public.allows(grant));
        let e = render(&request("acme_app", grant, Auth::Public, None))
            .expect_err("a public client cannot use it");
        assert!(matches!(e, ScaffoldError::PublicClient { .. }), "{e}");
        assert!(e.to_string().contains(grant.name()), "{e}");
    }
}

/// `--response form` and `json_or_form` (spec format 1.1) write `response.format`, which the
/// skeleton's fields (no nested or `json` field) allow; the default writes no key.
#[test]
fn each_response_format_writes_its_key_and_validates() {
    let arena = tokenspec::Bump::new();
    for format in ResponseFormat::ALL {
        for grant in [GrantKind::ClientCredentials, GrantKind::AuthorizationCode] {
            let provider = format!("acme_{}_{}", format.name(), grant.name());
            let text = render(&Request {
                response: format,
                ..request(&provider, grant, Auth::Body, None)
            })
            .expect("renders");
            assert_eq!(
                text.contains(&format!("\n  format: {}\n", format.name())),
                format != ResponseFormat::Json,
                "{provider}:\n{text}"
            );
            let providers = validate(&arena, &provider, &text);
            assert_eq!(providers[0].response_format, format);
            if format != ResponseFormat::Json {
                assert!(
                    text.contains(&format!("--response {}", format.name())),
                    "the header names the command:\n{text}"
                );
            }
        }
    }
}
