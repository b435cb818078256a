//! Validation: the model of the real specs, and diagnostics for bad ones (every error of every
//! file at once, each with file:line:col and a hint; never a panic).

use std::path::Path;
use tokenspec::load::Source;
use tokenspec::model::{BasicEncoding, GrantKind, InputLocation, Placement};

fn source(stem: &str, text: &str) -> Source {
    Source {
        path: format!("specs/{stem}.yaml"),
        stem: stem.to_owned(),
        text: text.to_owned(),
    }
}

fn real(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(format!("{name}.yaml"));
    std::fs::read_to_string(path).expect("spec readable")
}

fn report(sources: Vec<Source>) -> tokenspec::diagnostic::Diagnostics {
    match tokenspec::validate_sources(&tokenspec::Bump::new(), sources) {
        Err(tokenspec::Error::Specs(d)) => d,
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

fn diagnostics(sources: Vec<Source>) -> Vec<tokenspec::diagnostic::Diagnostic> {
    report(sources).items
}

const PROVIDERS: [&str; 5] = [
    "approvalmax",
    "brainysoft",
    "learnlink",
    "smartdocumentor",
    "smartway",
];

#[test]
fn real_specs_make_the_documented_models() {
    let arena = tokenspec::Bump::new();
    let providers = tokenspec::validate_sources(
        &arena,
        PROVIDERS.iter().map(|n| source(n, &real(n))).collect(),
    )
    .expect("valid");
    let names: Vec<&str> = providers.iter().map(|p| p.name).collect();
    assert_eq!(names, PROVIDERS);

    let brainysoft = &providers[1];
    let key = brainysoft.input("customer_key").expect("declared");
    assert_eq!(key.location, InputLocation::Host);
    assert_eq!(
        brainysoft.credentials.accepted[brainysoft.credentials.preferred].kind(),
        "body"
    );
    assert_eq!(
        brainysoft
            .response
            .iter()
            .find(|f| f.name == "expires_in")
            .and_then(|f| f.default),
        Some("299")
    );

    let learnlink = &providers[2];
    assert_eq!(learnlink.environments.len(), 8);
    assert_eq!(
        learnlink.input("tenant_id").map(|i| i.location),
        Some(InputLocation::Path)
    );
    assert_eq!(
        learnlink.credentials.accepted[learnlink.credentials.preferred],
        Placement::Basic {
            user: Some("tenant_id"),
            password: "client_secret",
            encoding: BasicEncoding::Raw,
        }
    );

    let approvalmax = &providers[0];
    // RFC 6749 section 2.3.1 for IdentityServer; learn.link's plain Basic is raw (above).
    assert!(
        approvalmax
            .credentials
            .accepted
            .contains(&Placement::Basic {
                user: Some("client_id"),
                password: "client_secret",
                encoding: BasicEncoding::Form,
            })
    );
    let kinds: Vec<GrantKind> = approvalmax.grants.iter().map(|g| g.kind).collect();
    assert_eq!(
        kinds,
        [GrantKind::AuthorizationCode, GrantKind::RefreshToken]
    );
    assert!(approvalmax.claims.iter().any(|c| c.name == "connection" && c.wire == ["https://www.approvalmax.com/connection"]));
    assert_eq!(approvalmax.refresh_lifetime, Some(2_592_000));

    let smartway = &providers[4];
    assert_eq!(smartway.grants[0].kind, GrantKind::None);
    assert!(
        matches!(&smartway.credentials.accepted[0], Placement::Header { name, .. } if *name == "X-API-Key")
    );
}

/// What only the generator needs stays beside the spec the runtime sees: input examples (index
/// for index with the inputs) and the source file. Lowering is deterministic: the same specs in
/// another order, into another arena, make equal models.
#[test]
fn lowering_keeps_examples_beside_the_spec_and_is_deterministic() {
    let sources = || PROVIDERS.iter().map(|n| source(n, &real(n)));
    let arena = tokenspec::Bump::new();
    let forward = tokenspec::validate_sources(&arena, sources().collect()).expect("valid");
    let other = tokenspec::Bump::new();
    let backward = tokenspec::validate_sources(&other, sources().rev().collect()).expect("valid");
    assert_eq!(forward, backward);

    let brainysoft = &forward[1];
    assert_eq!(brainysoft.source, "specs/brainysoft.yaml");
    assert_eq!(brainysoft.examples.len(), brainysoft.inputs.len());
    assert_eq!(brainysoft.example("customer_key"), Some("acme"));
    assert_eq!(brainysoft.example("client_secret"), None);
    assert_eq!(brainysoft.example("undeclared"), None);
    // The spec is the runtime's own type, its defaults those of the runtime's statics.
    let spec: &tokenspec::model::ProviderSpec = &brainysoft.spec;
    assert_eq!(
        spec.scopes.delimiter,
        tokenspec::model::ScopesSpec::DEFAULT.delimiter
    );
    assert!(spec.is_secret_input(spec.input("client_secret").expect("declared")));
}

#[test]
fn every_semantic_error_of_every_file_at_once() {
    let broken = real("brainysoft")
        .replace(
            "default_environment: production",
            "default_environment: prodution",
        )
        .replace("preferred: body", "preferred: bodi")
        .replace(
            "client_credentials:\n    description",
            "client_credential:\n    description",
        )
        .replace("{customer_key}-auth", "{customer}-auth");
    let shape = real("smartway").replace("title: LMS Smart Way", "titel: LMS Smart Way");
    let d = diagnostics(vec![
        source("brainysoft", &broken),
        source("smartway", &shape),
    ]);
    let text: Vec<String> = d.iter().map(ToString::to_string).collect();
    let all = text.join("\n");
    assert!(
        all.contains("default environment `prodution` does not exist"),
        "{all}"
    );
    assert!(all.contains("did you mean `production`?"), "{all}");
    assert!(
        all.contains("preferred placement `bodi` is not accepted"),
        "{all}"
    );
    assert!(all.contains("did you mean `body`?"), "{all}");
    assert!(all.contains("unknown grant `client_credential`"), "{all}");
    assert!(all.contains("did you mean `client_credentials`?"), "{all}");
    assert!(
        all.contains("input `customer`, which is not declared"),
        "{all}"
    );
    assert!(all.contains("did you mean `customer_key`?"), "{all}");
    assert!(
        all.contains("specs/smartway.yaml:"),
        "the other file's shape error too: {all}"
    );
    assert!(all.contains("unknown key `titel`"), "{all}");
    assert!(all.contains("did you mean `title`?"), "{all}");
    for diagnostic in &d {
        assert!(diagnostic.line >= 1 && diagnostic.column >= 1);
        assert!(
            !diagnostic.hint.is_empty(),
            "every diagnostic has a hint: {diagnostic}"
        );
    }
}

#[test]
fn diagnostics_point_at_the_offending_value() {
    let text = real("smartway").replace(
        "default_environment: production",
        "default_environment: nowhere",
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("default_environment"))
        .expect("present") as u64
        + 1;
    let report = report(vec![source("smartway", &text)]);
    let d = &report.items;
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].line, d[0].column, d[0].len),
        (line, 22, "nowhere".len())
    );
    let rendered = report.render(false);
    let expected = format!(
        "error: default environment `nowhere` does not exist
  --> specs/smartway.yaml:{line}:22
   |
{line} | default_environment: nowhere
   |                      ^^^^^^^
   |
   = help: name one of the environments: `production`

error: 1 error in 1 file"
    );
    assert_eq!(rendered, expected);
    assert!(
        !rendered.contains('\u{1b}'),
        "plain text has no colour codes"
    );
    assert!(
        report.render(true).contains('\u{1b}'),
        "colour, when asked for"
    );
}

#[test]
fn unsafe_specs_are_refused() {
    let cases = [
        (
            "token_url: https://smartway.pro/api",
            "token_url: http://smartway.pro/api",
            "not https",
        ),
        (
            "    secret: true",
            "    secret: false\n    pattern: \"(\"",
            "does not compile",
        ),
        (
            "spec_version: 1",
            "spec_version: 2",
            "unsupported spec_version",
        ),
        (
            "name: smartway",
            "name: smartwey",
            "in a file named `smartway`",
        ),
        (
            "      required: true\n      description: Short",
            "      required: false\n      description: Short",
            "`access_token` must be required",
        ),
    ];
    for (from, to, expected) in cases {
        let text = real("smartway").replacen(from, to, 1);
        assert_ne!(
            text,
            real("smartway"),
            "the case {expected:?} changes the spec"
        );
        let all = diagnostics(vec![source("smartway", &text)])
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(all.contains(expected), "{expected:?} not in {all}");
    }
}

#[test]
fn spec_version_is_1_1_1_or_1_2() {
    // Spec formats 1.1 and 1.2 only added keys: a file may declare any of them and reads the
    // same.
    for (version, accepted) in [
        ("1", true),
        ("1.1", true),
        ("1.0", true),
        ("1.2", true),
        ("1.3", false),
        ("2", false),
        ("0", false),
    ] {
        let text =
            real("smartway").replacen("spec_version: 1", &format!("spec_version: {version}"), 1);
        let arena = tokenspec::Bump::new();
        match tokenspec::validate_sources(&arena, vec![source("smartway", &text)]) {
            Ok(providers) => {
                assert!(accepted, "spec_version {version} was accepted");
                assert_eq!(providers[0].spec.name, "smartway");
            }
            Err(tokenspec::Error::Specs(d)) => {
                let all = d.items.iter().map(ToString::to_string).collect::<Vec<_>>();
                assert!(!accepted, "spec_version {version} refused: {all:?}");
                assert_eq!(all.len(), 1, "{all:?}");
                assert!(all[0].contains("unsupported spec_version"), "{all:?}");
            }
            Err(other) => panic!("spec_version {version}: {other:?}"),
        }
    }
}

#[test]
fn secrets_in_urls_and_path_variables_that_are_not_segments_are_refused() {
    let text = real("learnlink").replace(
        "oauth2/token/{tenant_id}\n  staging:",
        "oauth2/token/x{tenant_id}\n  staging:",
    );
    let all = diagnostics(vec![source("learnlink", &text)])
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(all.contains("is not a whole path segment"), "{all}");
}

#[test]
fn no_mutation_of_a_real_spec_panics() {
    for name in PROVIDERS {
        let text = real(name);
        let lines: Vec<&str> = text.lines().collect();
        for skip in 0..lines.len() {
            let mutated: String = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != skip)
                .map(|(_, l)| format!("{l}\n"))
                .collect();
            let _ =
                tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source(name, &mutated)]);
        }
        for cut in (0..text.len()).step_by(37) {
            if text.is_char_boundary(cut) {
                let _ = tokenspec::validate_sources(
                    &tokenspec::Bump::new(),
                    vec![source(name, &text[..cut])],
                );
            }
        }
    }
}

#[test]
fn host_variable_patterns_must_keep_values_inside_a_dns_label() {
    let with_pattern = |pattern: &str| {
        real("brainysoft").replace(
            "pattern: \"[A-Za-z0-9][A-Za-z0-9-]*\"",
            &format!("pattern: {}", serde_json::Value::String(pattern.into())),
        )
    };
    for ok in [
        "[a-z0-9-]+",
        "acme|globex",
        "[[:alnum:]]{1,63}",
        "(?i-u)[a-z]+",
    ] {
        let text = with_pattern(ok);
        assert!(
            tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source("brainysoft", &text)])
                .is_ok(),
            "{ok} stays inside a label"
        );
    }
    for (bad, shown) in [
        ("[a-z.]+", "`.`"),
        ("\\S+", "`\\0`"),
        ("[^-]+", "`\\0`"),
        ("(?s:.)+", "`\\0`"),
        ("[a-z]+(/x)?", "`/`"),
        ("(?i)[a-z]+", "`ſ`"),
    ] {
        let all = diagnostics(vec![source("brainysoft", &with_pattern(bad))])
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            all.contains(&format!(
                "allows {shown}, so a value could leave its DNS label"
            )),
            "{bad}: {all}"
        );
    }
}

/// `encoding` of HTTP Basic: `form` when absent (RFC 6749 section 2.3.1), `raw` when asked;
/// anything else is a diagnostic at the value.
#[test]
fn basic_encoding_defaults_to_form_and_takes_only_form_or_raw() {
    let encoding_of = |text: String| {
        let arena = tokenspec::Bump::new();
        let providers =
            tokenspec::validate_sources(&arena, vec![source("approvalmax", &text)]).expect("valid");
        providers[0]
            .credentials
            .accepted
            .iter()
            .find_map(|p| match p {
                Placement::Basic { encoding, .. } => Some(*encoding),
                _ => None,
            })
            .expect("a Basic placement")
    };
    let spec = real("approvalmax");
    assert!(spec.contains("      encoding: form\n"));
    assert_eq!(encoding_of(spec.clone()), BasicEncoding::Form);
    assert_eq!(
        encoding_of(spec.replace("      encoding: form\n", "")),
        BasicEncoding::Form
    );
    assert_eq!(
        encoding_of(spec.replace("      encoding: form\n", "      encoding: raw\n")),
        BasicEncoding::Raw
    );
    let bad = spec.replace("      encoding: form\n", "      encoding: rot13\n");
    let line = bad
        .lines()
        .position(|l| l.contains("rot13"))
        .expect("present") as u64
        + 1;
    let found = diagnostics(vec![source("approvalmax", &bad)]);
    assert!(
        found
            .iter()
            .any(|d| d.line == line && d.message.contains("rot13")),
        "{found:#?}"
    );
}
