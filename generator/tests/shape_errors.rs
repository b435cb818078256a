//! Every shape error of a file at once. serde stops at a file's first shape error, so the
//! loader then walks the file's YAML against the JSON Schema of the spec types and reports every
//! unknown, missing or duplicate key, wrong type and unknown value, each at its place.
//!
//! What is reported for a file with shape errors: all of its shape errors, and none of its
//! semantic errors (semantic checks need the file parsed); other files still get every error.
//!
//! The walk agrees with serde on every input tried: it finds nothing where serde accepts the
//! file, and where serde stops, it finds serde's error among others.

use std::path::{Path, PathBuf};
use tokenspec::diagnostic::{Diagnostics, Kind};
use tokenspec::load::{Source, shape_errors};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn report(sources: Vec<Source>) -> Diagnostics {
    match tokenspec::validate_sources(&tokenspec::Bump::new(), sources) {
        Err(tokenspec::Error::Specs(d)) => d,
        other => panic!("expected diagnostics, got {other:?}"),
    }
}

/// (line, column, message) of each diagnostic.
fn places(d: &Diagnostics) -> Vec<(u64, u64, &str)> {
    d.items
        .iter()
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect()
}

/// A valid spec (a client-credentials provider named `acme`), to break on purpose.
const ACME: &str = "\
spec_version: 1
name: acme
title: Acme
docs: https://example.com/docs/token
default_environment: production
environments:
  production:
    token_url: https://auth.example.com/oauth/token
inputs:
  client_id:
    description: The client ID.
  client_secret:
    description: The client secret.
    secret: true
credentials:
  preferred: basic
  accepted:
    basic:
      user: client_id
      password: client_secret
request:
  body: form
grants:
  client_credentials:
    description: Client credentials.
response:
  fields:
    access_token:
      type: secret
      required: true
      description: The access token.
    expires_in:
      type: seconds
      description: Lifetime in seconds.
errors:
  format: oauth2
";

fn acme(text: &str) -> Source {
    Source::new("specs/acme.yaml", text)
}

/// `ACME` with each `(from, to)` replaced once (and each present).
fn broken(changes: &[(&str, &str)]) -> String {
    let mut text = ACME.to_owned();
    for (from, to) in changes {
        assert!(text.contains(from), "{from:?} is in the spec");
        text = text.replacen(from, to, 1);
    }
    text
}

#[test]
fn the_valid_spec_is_valid() {
    tokenspec::validate_sources(&tokenspec::Bump::new(), vec![acme(ACME)]).expect("valid");
    assert!(shape_errors(&acme(ACME)).is_empty());
}

#[test]
fn three_shape_mistakes_are_three_diagnostics_at_their_places() {
    let text = broken(&[
        ("title: Acme", "titel: Acme"),
        ("    secret: true", "    secret: [true]"),
        ("  format: oauth2", "  format: oauth"),
    ]);
    let d = report(vec![acme(&text)]);
    assert_eq!(
        places(&d),
        [
            (3, 1, "unknown key `titel`"),
            (14, 13, "expected true or false, found a list"),
            (36, 11, "unknown value `oauth`"),
        ],
        "{d}"
    );
    assert!(d.items.iter().all(|d| d.kind == Kind::Shape));
    let rendered = d.render(false);
    insta::assert_snapshot!(rendered);
}

#[test]
fn missing_duplicate_and_mistyped_keys_are_all_reported() {
    let text = broken(&[
        // A missing key, in a nested mapping: pointed at that mapping's key. (Not `token_url`,
        // optional beside an `issuer` since spec format 1.2.)
        ("  preferred: basic", "  # preferred: basic"),
        // A duplicate key.
        (
            "  client_secret:\n",
            "  client_id:\n    description: Again.\n  client_secret:\n",
        ),
        // Nothing where a mapping is expected: pointed at the key.
        ("request:\n  body: form\n", "request:\n"),
        // Text where a number belongs (`spec_version` is 1 or 1.1; a negative one is a
        // semantic error, `unsupported spec_version`).
        ("spec_version: 1", "spec_version: one"),
        // A misspelled required key is reported once, as unknown (did you mean), not missing.
        ("  fields:", "  field:"),
    ]);
    let d = report(vec![acme(&text)]);
    assert_eq!(
        places(&d),
        [
            (1, 15, "expected a number, found `one`"),
            (12, 3, "duplicate key `client_id`"),
            (17, 1, "missing key `preferred`"),
            (23, 1, "expected a mapping, found nothing"),
            (28, 3, "unknown key `field`"),
        ],
        "{d}"
    );
    let hints: Vec<&str> = d.items.iter().map(|d| d.hint.as_str()).collect();
    assert!(hints[1].starts_with("`client_id` is first set on line 10"));
    assert!(hints[2].starts_with("add `preferred:` to the mapping under this key"));
    assert!(
        hints[4].starts_with("did you mean `fields`?"),
        "{}",
        hints[4]
    );
}

#[test]
fn unknown_values_get_did_you_mean_and_keys_are_listed_in_declaration_order() {
    let text = broken(&[
        ("  body: form", "  body: fomr"),
        ("      type: seconds", "      type: second"),
        ("    basic:\n", "    basics:\n"),
    ]);
    let d = report(vec![acme(&text)]);
    let all = d.to_string();
    for expected in [
        "error: unknown value `fomr`",
        "did you mean `form`? (values here: `none`, `form`, `json`)",
        "error: unknown value `second`",
        "did you mean `seconds`?",
        "error: unknown key `basics`",
        "did you mean `basic`? (keys here: `header`, `basic`, `body`, `query`, `private_key_jwt`, `client_secret_jwt`, `tls_client_auth`, `self_signed_tls_client_auth`, `headers`)",
    ] {
        assert!(all.contains(expected), "{expected:?} not in\n{all}");
    }
    assert_eq!(d.len(), 3, "{all}");
}

#[test]
fn a_file_with_shape_errors_gets_only_those_and_other_files_get_everything() {
    // acme: a shape error (an unknown key) and a semantic one (no such environment).
    let text = broken(&[
        (
            "default_environment: production",
            "default_environment: prodution",
        ),
        ("  body: form", "  body: form\n  format: form"),
    ]);
    // other: a semantic error only.
    let other = ACME.replace("name: acme", "name: other").replace(
        "default_environment: production",
        "default_environment: staging",
    );
    let d = report(vec![acme(&text), Source::new("specs/other.yaml", other)]);
    assert_eq!(
        places(&d),
        [
            (23, 3, "unknown key `format`"),
            (5, 22, "default environment `staging` does not exist"),
        ],
        "{d}"
    );
    assert_eq!(d.items[0].file, "specs/acme.yaml");
    assert_eq!(d.items[0].kind, Kind::Shape);
    assert_eq!(d.items[1].file, "specs/other.yaml");
    assert_eq!(d.items[1].kind, Kind::Semantic);
}

#[test]
fn the_grant_keys_and_the_preferred_placement_are_left_to_validate() {
    // The schema lists the four grants and placements for editors; serde takes any key and any
    // string there, and `validate` names the mistake. The walk does as serde does, so the same
    // mistake gets the same message whether or not the file has shape errors.
    let text = broken(&[
        ("  client_credentials:", "  client_credential:"),
        ("  preferred: basic", "  preferred: basci"),
    ]);
    assert!(shape_errors(&acme(&text)).is_empty());
    let d = report(vec![acme(&text)]);
    let all = d.to_string();
    assert!(all.contains("unknown grant `client_credential`"), "{all}");
    assert!(
        all.contains("preferred placement `basci` is not accepted"),
        "{all}"
    );
}

#[test]
fn anchors_aliases_and_merge_keys_are_read_as_serde_reads_them() {
    let text = broken(&[
        (
            "  client_id:\n    description: The client ID.\n",
            "  client_id: &plain\n    description: The client ID.\n    required: true\n",
        ),
        (
            "  client_secret:\n    description: The client secret.\n    secret: true\n",
            "  client_secret:\n    <<: *plain\n    description: The client secret.\n    secret: true\n",
        ),
    ]);
    tokenspec::validate_sources(&tokenspec::Bump::new(), vec![acme(&text)])
        .expect("valid with a merge key");
    assert!(shape_errors(&acme(&text)).is_empty());

    // A mistake in an anchored mapping is reported once, at the anchor, however often it is used.
    let text = broken(&[
        (
            "  client_id:\n    description: The client ID.\n",
            "  client_id: &plain\n    description: The client ID.\n    requird: true\n",
        ),
        (
            "  client_secret:\n    description: The client secret.\n    secret: true\n",
            "  client_secret: *plain\n  other: *plain\n",
        ),
    ]);
    let d = report(vec![acme(&text)]);
    assert_eq!(places(&d), [(12, 5, "unknown key `requird`")], "{d}");
}

#[test]
fn odd_files_get_a_diagnostic_not_a_panic() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n\
                b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n\
                d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n\
                f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
                g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n\
                h: [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let merges = "a: &a {x: 1}\n\
                  b: &b {<<: [*a, *a, *a, *a, *a, *a, *a, *a]}\n\
                  c: &c {<<: [*b, *b, *b, *b, *b, *b, *b, *b]}\n\
                  d: &d {<<: [*c, *c, *c, *c, *c, *c, *c, *c]}\n\
                  e: &e {<<: [*d, *d, *d, *d, *d, *d, *d, *d]}\n\
                  f: {<<: [*e, *e, *e, *e, *e, *e, *e, *e]}\n";
    let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    let deep_map = format!("{}1{}", "{a: ".repeat(300), "}".repeat(300));
    let cases = [
        "",
        "\n\n",
        "~",
        "# only a comment\n",
        "just text",
        "- a list\n- of things\n",
        "---\nspec_version: 1\n---\nspec_version: 2\n",
        "\u{feff}spec_version: 1\n",
        "spec_version: 1\r\nname: acme\r\n",
        "spec_version: !!str 1\nname: !!int 3\n",
        "? [a, b]\n: c\n{x: y}: z\n",
        "~: 1\n1: 2\ntrue: 3\n",
        "spec_version:\n\t- 1\n",
        "environments: {production: {token_url: *nowhere}}\n",
        "environments: &e {production: {token_url: x, more: *e}}\n",
        "inputs: {~: {description: x}, [a]: {description: y}}\n",
        bomb,
        merges,
        &deep,
        &deep_map,
    ];
    for text in cases {
        let source = acme(text);
        let walked = shape_errors(&source);
        match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source]) {
            Err(tokenspec::Error::Specs(d)) => {
                assert!(!d.is_empty());
                let _ = d.render(true);
                for item in &d.items {
                    assert!(!item.hint.is_empty(), "{text:?}: {item}");
                }
            }
            other => panic!("{text:?}: {other:?}"),
        }
        assert!(
            walked.len() < 1000,
            "{text:?}: {} diagnostics",
            walked.len()
        );
    }
    let empty = report(vec![acme("")]);
    assert_eq!(places(&empty)[0].2, "the file holds no spec", "{empty}");
}

fn is_yaml(text: &str) -> bool {
    serde_saphyr::granit_parser::Parser::new_from_str(text).all(|e| e.is_ok())
}

/// Where the walk and serde disagree on `text`, in words; `None` when they agree.
fn disagreement(path: &str, text: &str) -> Option<String> {
    let found = shape_errors(&Source::new(path, text));
    match serde_saphyr::from_str::<tokenspec::load::raw::Spec>(text) {
        Ok(_) if found.is_empty() => None,
        Ok(_) => Some(format!("serde accepts it, the walk finds {found:#?}")),
        // Not YAML at all: nothing to walk; serde's error is reported.
        Err(_) if !is_yaml(text) => None,
        Err(e) => {
            let e = e.without_snippet();
            let line = e.location().map(|l| l.line()).unwrap_or(0);
            // serde puts a missing key at the end of its mapping; the walk at the mapping's key.
            let missing = match e {
                serde_saphyr::Error::SerdeMissingField { field, .. } => {
                    Some(format!("missing key `{field}`"))
                }
                _ => None,
            };
            let covered = found
                .iter()
                .any(|d| d.line == line || missing.as_deref() == Some(d.message.as_str()));
            (!covered).then(|| format!("serde: {e}\nthe walk: {found:#?}"))
        }
    }
}

/// Cheap mutations of `text`: each line removed, doubled, indented, and its value replaced by a
/// list, a mapping, a negative number, nothing, a YAML 1.1 boolean.
fn mutations(text: &str) -> Vec<String> {
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let join = |ls: &[String]| ls.join("\n") + "\n";
    let mut out = Vec::new();
    for i in 0..lines.len() {
        let mut without = lines.clone();
        without.remove(i);
        out.push(join(&without));
        let mut twice = lines.clone();
        twice.insert(i, lines[i].clone());
        out.push(join(&twice));
        let mut deeper = lines.clone();
        deeper[i] = format!("  {}", lines[i]);
        out.push(join(&deeper));
        if let Some((key, _)) = lines[i].split_once(": ") {
            for value in ["[a, b]", "{a: b}", "-3", "", "yes"] {
                let mut replaced = lines.clone();
                replaced[i] = format!("{key}: {value}");
                out.push(join(&replaced));
            }
        }
    }
    out
}

#[test]
fn the_walk_agrees_with_serde_on_every_spec_corpus_file_and_mutation() {
    let mut inputs: Vec<(String, String)> = Vec::new();
    let read = |p: &Path| {
        (
            p.display().to_string(),
            std::fs::read_to_string(p).expect("readable"),
        )
    };
    // The real specs and every mutation of them; the corpus and the fixtures as they are.
    for path in yaml_files(&workspace().join("specs")) {
        let (name, text) = read(&path);
        inputs.extend(mutations(&text).into_iter().map(|m| (name.clone(), m)));
        inputs.push((name, text));
    }
    inputs.push((String::from("acme"), ACME.to_owned()));
    inputs.extend(
        mutations(ACME)
            .into_iter()
            .map(|m| (String::from("acme"), m)),
    );
    for dir in ["tests/invalid-specs", "generator/tests/fixtures"] {
        inputs.extend(yaml_files(&workspace().join(dir)).iter().map(|p| read(p)));
    }
    assert!(inputs.len() > 2500, "{} inputs", inputs.len());
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = inputs.len().div_ceil(threads);
    let problems: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = inputs
            .chunks(chunk)
            .map(|inputs| {
                scope.spawn(move || {
                    inputs
                        .iter()
                        .filter_map(|(name, text)| {
                            disagreement(name, text).map(|why| format!("{name}:\n{text}\n{why}"))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("no panic"))
            .collect()
    });
    assert!(
        problems.is_empty(),
        "{} of {} inputs disagree; the first:\n{}",
        problems.len(),
        inputs.len(),
        problems.first().map_or("", String::as_str)
    );
}
