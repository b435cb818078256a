//! A hostile spec with tens of thousands of mistakes is reported whole (every diagnostic
//! counted) but shown briefly: the first `SHOWN_PER_FILE` of the file, a note counting the
//! rest, and the summary. Rendering is linear in the file's size (a line index, only the
//! marked lines handed to the renderer); the time it takes is measured in BENCHMARKS.md, not
//! asserted here.

use tokenspec::diagnostic::{Diagnostics, LineIndex, SHOWN_PER_FILE};
use tokenspec::load::Source;

/// The brainysoft spec followed by `n` top-level keys the spec format does not have.
fn spec_with_unknown_keys(n: usize) -> String {
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/brainysoft.yaml"),
    )
    .expect("the brainysoft spec");
    let mut text = base;
    for i in 0..n {
        text.push_str(&format!("unknown_key_{i}: {i}\n"));
    }
    text
}

fn report(text: String) -> Diagnostics {
    match tokenspec::validate_sources(
        &tokenspec::Bump::new(),
        vec![Source::new("specs/brainysoft.yaml", text)],
    ) {
        Err(tokenspec::Error::Specs(d)) => d,
        Ok(_) => panic!("the spec has unknown keys"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn twenty_thousand_unknown_keys_are_all_counted_and_fifty_shown() {
    const N: usize = 20_000;
    let text = spec_with_unknown_keys(N);
    let first_line = text
        .lines()
        .position(|l| l.starts_with("unknown_key_0:"))
        .expect("there")
        + 1;
    let d = report(text);
    assert_eq!(d.len(), N, "one diagnostic per unknown key");
    for (i, item) in d.items.iter().enumerate() {
        assert_eq!(item.message, format!("unknown key `unknown_key_{i}`"));
        assert_eq!(item.line as usize, first_line + i, "each at its own line");
    }
    let rendered = d.render(false);
    assert_eq!(
        rendered.matches("error: unknown key").count(),
        SHOWN_PER_FILE,
        "the first {SHOWN_PER_FILE} are shown"
    );
    assert!(
        rendered.contains(&format!(
            "note: and {} more errors in specs/brainysoft.yaml",
            N - SHOWN_PER_FILE
        )),
        "the rest are counted: {}",
        &rendered[rendered.len().saturating_sub(400)..]
    );
    assert!(
        rendered
            .trim_end()
            .ends_with(&format!("error: {N} errors in 1 file")),
        "the summary counts every error"
    );
    // The shown ones carry their real line numbers although only their own line is rendered.
    let last_shown = first_line + SHOWN_PER_FILE - 1;
    assert!(
        rendered.contains(&format!(
            "{last_shown} | unknown_key_{}: {}",
            SHOWN_PER_FILE - 1,
            SHOWN_PER_FILE - 1
        )),
        "line {last_shown} shown with its number"
    );
    assert!(!rendered.contains(&format!("unknown_key_{SHOWN_PER_FILE}:")));
}

#[test]
fn a_few_errors_of_a_file_are_all_shown_without_a_note() {
    let d = report(spec_with_unknown_keys(3));
    let rendered = d.render(false);
    assert_eq!(rendered.matches("error: unknown key").count(), 3);
    assert!(!rendered.contains("more error"), "{rendered}");
    assert!(rendered.trim_end().ends_with("error: 3 errors in 1 file"));
}

#[test]
fn every_file_gets_its_own_allowance() {
    let many = Source::new(
        "specs/brainysoft.yaml",
        spec_with_unknown_keys(SHOWN_PER_FILE + 7),
    );
    let few = Source::new(
        "specs/smartway.yaml",
        std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/smartway.yaml"),
        )
        .expect("smartway")
            + "also_unknown: 1\n",
    );
    let d = match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![many, few]) {
        Err(tokenspec::Error::Specs(d)) => d,
        _ => panic!("invalid"),
    };
    let rendered = d.render(false);
    assert!(rendered.contains("note: and 7 more errors in specs/brainysoft.yaml"));
    assert!(
        rendered.contains("error: unknown key `also_unknown`"),
        "the second file is shown too"
    );
    assert!(
        rendered
            .trim_end()
            .ends_with(&format!("error: {} errors in 2 files", SHOWN_PER_FILE + 8))
    );
}

#[test]
fn the_line_index_agrees_with_a_scan_of_the_text() {
    let text = "a: 1\r\nbé: ü\n\nlast";
    let index = LineIndex::new(text);
    assert_eq!(
        index.line(1),
        Some(0..5),
        "the CR stays in the line, the LF does not"
    );
    assert_eq!(index.line(3), Some(14..14));
    assert_eq!(index.line(4), Some(15..19));
    assert_eq!(index.line(5), None);
    assert_eq!(index.line(0), None);
    assert_eq!(
        index.offset(2, 4),
        10,
        "columns count characters, not bytes"
    );
    assert_eq!(&text[index.offset(2, 5)..], "ü\n\nlast");
    assert_eq!(index.offset(2, 99), 13, "past the line's end: its end");
    assert_eq!(
        index.offset(99, 1),
        text.len(),
        "past the last line: the text's end"
    );
    for offset in 0..=text.len() {
        if !text.is_char_boundary(offset) {
            continue;
        }
        let (line, column) = index.line_column(offset);
        let before = &text[..offset];
        assert_eq!(line as usize, before.matches('\n').count() + 1, "{offset}");
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        assert_eq!(
            column as usize,
            before[start..].chars().count() + 1,
            "{offset}"
        );
        assert_eq!(index.offset(line, column), offset, "{offset} round-trips");
    }
}
