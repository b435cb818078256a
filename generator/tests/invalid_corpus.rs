//! The corpus of invalid specs in `tests/invalid-specs/`: one mistake per file, the file named
//! after it. Each file's diagnostic (plain text, as `tokenspec validate --color never` prints
//! it) is an insta snapshot, and no file of the corpus, nor any cheap mutation of one, makes
//! the generator panic.
//!
//! A corpus file declares `name:` equal to its file stem (snake_case), so that the file-name
//! check stays quiet and the snapshot shows the one mistake the file is about.

use std::path::{Path, PathBuf};
use tokenspec::load::Source;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/invalid-specs")
}

/// Every corpus file as a source named `tests/invalid-specs/<file>`, sorted.
fn corpus() -> Vec<Source> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(corpus_dir())
        .expect("tests/invalid-specs exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let file = p.file_name().expect("a file").to_string_lossy();
            let text = std::fs::read_to_string(p).expect("readable");
            Source::new(format!("tests/invalid-specs/{file}"), text)
        })
        .collect()
}

fn diagnostics(source: Source) -> tokenspec::diagnostic::Diagnostics {
    let path = source.path.clone();
    match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source]) {
        Err(tokenspec::Error::Specs(d)) => d,
        Ok(_) => panic!("{path} is valid, but the corpus holds invalid specs only"),
        Err(e) => panic!("{path}: {e}"),
    }
}

#[test]
fn the_corpus_is_large_and_each_file_has_one_mistake() {
    let corpus = corpus();
    assert!(corpus.len() >= 30, "{} files", corpus.len());
    for source in corpus {
        let path = source.path.clone();
        let d = diagnostics(source);
        assert_eq!(d.len(), 1, "{path} has one mistake:\n{d}");
        let item = &d.items[0];
        assert!(
            !item.hint.is_empty(),
            "{path}: every diagnostic has a help line"
        );
        assert!(item.line >= 1 && item.column >= 1);
    }
}

#[test]
fn every_diagnostic_matches_its_snapshot() {
    for source in corpus() {
        let stem = source.stem.clone();
        let why = source
            .text
            .lines()
            .find_map(|l| l.strip_prefix("# Invalid on purpose: "))
            .unwrap_or_default()
            .to_owned();
        let rendered = diagnostics(source).render(false);
        assert!(!rendered.contains('\u{1b}'), "plain text, no colour");
        insta::with_settings!({
            snapshot_path => "snapshots/invalid-specs",
            prepend_module_to_snapshot => false,
            description => why,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem, rendered);
        });
    }
}

/// The whole pipeline (validate, render both ways, emit when valid) on `text`.
fn pipeline(path: &str, text: String) {
    let source = Source::new(path, text);
    match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source]) {
        Ok(providers) => {
            tokenspec::generate_tree(&providers).expect("a valid spec emits");
        }
        Err(tokenspec::Error::Specs(d)) => {
            assert!(!d.is_empty());
            let _ = d.render(false);
            let _ = d.render(true);
        }
        Err(e) => panic!("{path}: {e}"),
    }
}

#[test]
fn no_corpus_file_nor_mutation_panics() {
    for source in corpus() {
        let path = source.path.as_str();
        let text = source.text.as_str();
        pipeline(path, text.to_owned());
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..lines.len() {
            // Without line i; with line i twice; with line i indented one step more.
            let without: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect();
            pipeline(path, without.join("\n"));
            let mut twice = lines.clone();
            twice.insert(i, lines[i]);
            pipeline(path, twice.join("\n"));
            let indented = format!("  {}", lines[i]);
            let mut deeper = lines.clone();
            deeper[i] = &indented;
            pipeline(path, deeper.join("\n"));
        }
        for cut in (0..text.len()).step_by(29) {
            if text.is_char_boundary(cut) {
                pipeline(path, text[..cut].to_owned());
            }
        }
    }
}
