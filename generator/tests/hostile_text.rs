//! Characters that make a spec display differently from what it is (bidi controls, C0/C1
//! controls, a lone CR: "Trojan Source", CVE-2021-42574) are refused wherever they are in the
//! file, one diagnostic each, and the diagnostics never print them raw.

use tokenspec::load::Source;

fn brainysoft() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/brainysoft.yaml"),
    )
    .expect("the brainysoft spec")
}

fn validate(text: String) -> Result<(), tokenspec::diagnostic::Diagnostics> {
    match tokenspec::validate_sources(
        &tokenspec::Bump::new(),
        vec![Source::new("specs/brainysoft.yaml", text)],
    ) {
        Ok(_) => Ok(()),
        Err(tokenspec::Error::Specs(d)) => Err(d),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn crlf_line_ends_and_tabs_are_fine() {
    let crlf = brainysoft().replace('\n', "\r\n");
    validate(crlf).expect("a CRLF spec validates");
    let tab = brainysoft().replace("title: Brainysoft", "title: \"Brainy\tsoft\"");
    validate(tab).expect("a tab in a quoted value is fine");
}

#[test]
fn every_occurrence_is_reported_at_its_place_and_never_printed_raw() {
    let bidi = [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
        '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
    ];
    let controls = ['\u{0}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}'];
    for c in bidi.into_iter().chain(controls) {
        // In a comment, twice: the character need not reach any value to be refused.
        let text = brainysoft().replace(
            "# The document writes",
            &format!("# {c}The document{c} writes"),
        );
        let line = text
            .lines()
            .position(|l| l.contains("The document"))
            .expect("the comment")
            + 1;
        let d = validate(text).expect_err(&format!("U+{:04X} is refused", u32::from(c)));
        let at: Vec<(u64, u64)> = d.items.iter().map(|i| (i.line, i.column)).collect();
        assert_eq!(
            at,
            [(line as u64, 7), (line as u64, 20)],
            "U+{:04X}",
            u32::from(c)
        );
        assert!(
            d.items[0]
                .message
                .contains(&format!("U+{:04X}", u32::from(c)))
        );
        assert!(d.items[0].hint.contains("CVE-2021-42574"));
        for color in [false, true] {
            let rendered = d.render(color);
            // Colour codes start with ESC themselves: with colour, ESC is looked for escaped only.
            if !(color && c == '\u{1b}') {
                assert!(!rendered.contains(c), "U+{:04X} printed raw", u32::from(c));
            }
            assert!(
                rendered.contains(&format!("\\u{{{:04X}}}The document", u32::from(c))),
                "shown escaped: {rendered}"
            );
        }
    }
}

#[test]
fn a_lone_carriage_return_is_refused_but_not_one_before_a_line_feed() {
    let text = brainysoft().replace("title: Brainysoft\n", "title: Brainysoft\r\ndocs2:\r");
    let d = validate(text).expect_err("a lone CR");
    assert!(
        d.items
            .iter()
            .any(|i| i.message.contains("carriage return") && i.column == 7),
        "{d}"
    );
    assert!(
        d.items
            .iter()
            .filter(|i| i.message.contains("carriage return"))
            .count()
            == 1,
        "the CR of CRLF is fine: {d}"
    );
}
