//! The generator's stages depend only down the pipeline (README, "Generator layout"): a module
//! may name (`crate::<module>`) a module of its own stage or of a lower one, never of a higher
//! one. Leaves (diagnostic, text, names, model, template) name no stage; load names only
//! leaves; validate names load and leaves; emit and output name those below them; diff and
//! scaffold sit beside emit (they name validate and below, never emit or output); library (the
//! build-script API) is above them all; `lib.rs` and `main.rs` compose.
//!
//! The check reads the source, so an upward `use` fails here with its file and line before it
//! can become a cycle. Items of the crate root (`crate::Error`, `crate::Bump`, the
//! `load_and_validate` family) are the public API that composes the stages: only `library`,
//! which wraps that API for build scripts, may name them.

use std::path::{Path, PathBuf};

/// Each top-level module and its stage, low to high. A module missing here fails the test, so
/// a new module gets a place in the pipeline when it is added.
const RANKS: &[(&str, u8)] = &[
    ("diagnostic", 0),
    ("text", 0),
    ("names", 0),
    ("model", 0),
    ("template", 0),
    ("load", 1),
    ("validate", 2),
    ("emit", 3),
    ("output", 3),
    ("diff", 4),
    ("scaffold", 4),
    ("import", 4),
    ("library", 5),
];

fn rank(module: &str) -> Option<u8> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

/// The stage of the crate root's own items (`crate::Error`, `crate::validate_files`): the
/// public API, which library.rs wraps; no stage below it may name them.
const ROOT_ITEMS: u8 = 5;

/// The stage of what `crate::<name>` names: a module's, or the root's for any other item.
fn rank_of_reference(name: &str) -> u8 {
    rank(name).unwrap_or(ROOT_ITEMS)
}

/// Modules beside `emit`: commands of their own (`tokenspec diff`, `tokenspec new`) that read
/// the model but emit nothing, so they may use the stages up to validate and never `emit` or
/// `output` (what they share with `emit` is a leaf: `template`).
const BESIDE_EMIT: &[&str] = &["diff", "scaffold", "import"];

/// The highest stage `module` may refer to.
fn limit(module: &str) -> Option<u8> {
    if BESIDE_EMIT.contains(&module) {
        rank("validate")
    } else {
        rank(module)
    }
}

/// The top-level module a source file belongs to (`emit/module.rs` → `emit`), or `None` for
/// the crate root and the binary (`lib.rs`, `main.rs`), which may use everything.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_owned())
}

/// The top-level names after each `crate::` of `code`, with the byte offset of each:
/// `crate::load::raw` gives `load`, and `crate::{Error, model, output}` (on one line or
/// several) gives `Error`, `model` and `output`.
fn crate_references(code: &str) -> Vec<(usize, String)> {
    let mut names = Vec::new();
    let mut from = 0;
    while let Some(found) = code[from..].find("crate::") {
        let at = from + found;
        from = at + "crate::".len();
        let preceded_by_ident = code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if preceded_by_ident {
            // `tokenspec_crate::x` and the like: not this crate's root.
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' | ',' if depth == 0 => {
                        let head = item.trim().split("::").next().unwrap_or("").trim();
                        if !head.is_empty() && head != "self" {
                            names.push((at, head.to_owned()));
                        }
                        item.clear();
                        if c == '}' {
                            break;
                        }
                        continue;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
                item.push(c);
            }
        } else {
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !head.is_empty() {
                names.push((at, head));
            }
        }
    }
    names
}

/// `text` with every `//` comment blanked out (an intra-doc link is not a dependency), byte
/// offsets and line breaks kept.
fn without_comments(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => format!("{}{}", &line[..at], " ".repeat(line.len() - at)),
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every reference from `module` (the module of `file`) to a module of a higher stage, as
/// `file:line: `module` (stage r) refers to `crate::other` (stage s): the line`.
fn upward_references(file: &str, module: &str, text: &str) -> Vec<String> {
    let own = limit(module).expect("the file's module has a rank");
    let code = without_comments(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (at, name) in crate_references(&code) {
        let theirs = rank_of_reference(&name);
        if theirs > own {
            let line = code[..at].matches('\n').count();
            found.push(format!(
                "{file}:{}: `{module}` (may use stages up to {own}) refers to `crate::{name}` \
                 (stage {theirs}): {}",
                line + 1,
                lines.get(line).map_or("", |l| l.trim())
            ));
        }
    }
    found
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read generator/src")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn dependencies_point_down_the_pipeline() {
    let src = src();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    let mut references = 0;
    for path in &files {
        let relative = path.strip_prefix(&src).expect("under src");
        let Some(module) = module_of(relative) else {
            continue;
        };
        assert!(
            rank(&module).is_some(),
            "generator/src/{} is in module `{module}`, which has no stage: add it to RANKS in \
             tests/layering.rs (and to README's \"Generator layout\")",
            relative.display()
        );
        let text = std::fs::read_to_string(path).expect("read a source file");
        references += crate_references(&without_comments(&text)).len();
        let file = format!("generator/src/{}", relative.display());
        violations.extend(upward_references(&file, &module, &text));
    }
    // The walk saw the stages' sources and their references (a wrong folder would pass vacuously).
    assert!(files.len() > 20, "found only {} source files", files.len());
    assert!(
        references > 50,
        "found only {references} crate:: references"
    );
    assert!(
        violations.is_empty(),
        "references to a higher stage (dependencies must point down the pipeline):\n{}",
        violations.join("\n")
    );
}

#[test]
fn every_module_of_lib_rs_has_a_stage() {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("read lib.rs");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("pub mod ")
                .or(l.trim().strip_prefix("mod "))
        })
        .filter_map(|l| l.strip_suffix(';'))
        .collect();
    assert!(
        modules.contains(&"emit"),
        "lib.rs declares the stages: {modules:?}"
    );
    for m in modules {
        assert!(
            rank(m).is_some(),
            "module `{m}` of lib.rs has no stage in RANKS"
        );
    }
}

#[test]
fn an_upward_reference_is_reported_with_its_file_and_line() {
    let text = "use crate::diagnostic::Diagnostic;\n\
                use crate::{model, output::Tree};\n\
                // crate::emit in a comment is no dependency\n\
                fn f() { crate::validate::validate(); }\n";
    let found = upward_references("generator/src/load/parse.rs", "load", text);
    assert_eq!(
        found,
        [
            "generator/src/load/parse.rs:2: `load` (may use stages up to 1) refers to \
             `crate::output` (stage 3): use crate::{model, output::Tree};",
            "generator/src/load/parse.rs:4: `load` (may use stages up to 1) refers to \
             `crate::validate` (stage 2): fn f() { crate::validate::validate(); }",
        ]
    );
    // The same references from a higher stage are fine.
    assert!(upward_references("generator/src/library.rs", "library", text).is_empty());
    // Beside emit, a command may use validate but not output, though output's stage is lower.
    let found = upward_references("generator/src/diff.rs", "diff", text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`crate::output` (stage 3)"), "{found:?}");
    // The root's items are the public API: a stage below library may not name them.
    let found = upward_references(
        "generator/src/emit/manifest.rs",
        "emit",
        "fn f() -> Result<(), crate::Error> {}\n",
    );
    assert_eq!(
        found,
        [
            "generator/src/emit/manifest.rs:1: `emit` (may use stages up to 3) refers to \
          `crate::Error` (stage 5): fn f() -> Result<(), crate::Error> {}"
        ]
    );
    let names: Vec<String> =
        crate_references("use crate::{\n    Error,\n    model::{self, Provider},\n    output,\n};\ntokenspec_crate::x")
            .into_iter()
            .map(|(_, name)| name)
            .collect();
    assert_eq!(names, ["Error", "model", "output"]);
}
