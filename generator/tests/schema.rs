//! The JSON Schema of the spec format (`specs/schema.json`), derived from the raw spec types:
//! committed fresh, satisfied by every real spec and fixture, and failed by every *shape*
//! mistake of the invalid corpus (the ones serde reports while parsing). Semantic mistakes
//! are `validate`'s job; the schema need not catch them.

use std::path::{Path, PathBuf};
use tokenspec::diagnostic::Kind;
use tokenspec::load::Source;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generator/ has a parent")
        .to_path_buf()
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(workspace().join("specs/schema.json")).expect("committed");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema.json is JSON");
    jsonschema::validator_for(&schema).expect("schema.json is a valid JSON Schema")
}

/// The schema's errors for a YAML text, or `None` when the text is not YAML a JSON value can
/// hold (then no schema can accept it either).
fn schema_errors(validator: &jsonschema::Validator, yaml: &str) -> Option<Vec<String>> {
    let value: serde_json::Value = serde_saphyr::from_str(yaml).ok()?;
    Some(
        validator
            .iter_errors(&value)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect(),
    )
}

#[test]
fn committed_schema_is_fresh() {
    let committed =
        std::fs::read_to_string(workspace().join("specs/schema.json")).expect("committed");
    assert_eq!(
        committed,
        tokenspec::load::schema::schema_json(),
        "run `cargo run -p tokenspec -- generate`"
    );
    assert!(committed.contains("@generated"));
}

#[test]
fn every_spec_and_fixture_matches_the_schema() {
    let validator = validator();
    let mut files = yaml_files(&workspace().join("specs"));
    assert!(files.len() >= 5);
    files.extend(yaml_files(&workspace().join("generator/tests/fixtures")));
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable");
        let errors = schema_errors(&validator, &text).expect("YAML");
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
}

#[test]
fn every_spec_points_editors_at_the_schema() {
    for path in yaml_files(&workspace().join("specs")) {
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(
            text.lines().next(),
            Some(tokenspec::load::schema::MODELINE),
            "{}",
            path.display()
        );
    }
}

#[test]
fn shape_mistakes_of_the_corpus_fail_the_schema() {
    let validator = validator();
    let mut shape = 0;
    for path in yaml_files(&workspace().join("tests/invalid-specs")) {
        let text = std::fs::read_to_string(&path).expect("readable");
        let name = path.file_name().expect("file").to_string_lossy();
        let source = Source::new(format!("tests/invalid-specs/{name}"), text.clone());
        let Err(tokenspec::Error::Specs(d)) =
            tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source])
        else {
            panic!("{name} is invalid");
        };
        if d.items.iter().all(|d| d.kind == Kind::Semantic) {
            continue;
        }
        shape += 1;
        match schema_errors(&validator, &text) {
            None => {} // not even YAML for a JSON value: no schema accepts it
            Some(errors) => assert!(!errors.is_empty(), "{name} passes the schema"),
        }
    }
    assert!(shape >= 10, "the corpus has {shape} shape mistakes");
}

#[test]
fn the_schema_knows_every_key_and_value() {
    let schema = tokenspec::load::schema::schema();
    let text = schema.to_string();
    for word in [
        "spec_version",
        "default_environment",
        "authorize_url",
        "per_request",
        "client_credentials",
        "authorization_code",
        "token_type",
        "oauth2",
        "access_lifetime",
    ] {
        assert!(text.contains(word), "{word} missing from the schema");
    }
    assert_eq!(
        schema["$schema"], "http://json-schema.org/draft-07/schema#",
        "draft 7: what YAML editors support best"
    );
}
