//! A bounded, deterministic fuzz run of spec loading and validation inside `cargo test`: the
//! real and invalid specs, mutated with a fixed-seed generator (byte flips, truncations, spliced
//! YAML syntax, aliases, hostile characters, random bytes), each through the whole pipeline
//! (load, validate, render the diagnostics or emit the code). Nothing may panic and every case
//! must finish; no timing is asserted.
//!
//! `TOKENSPEC_FUZZ_CASES=100000 cargo test -p tokenspec --test fuzz_specs` runs more cases
//! (`TOKENSPEC_FUZZ_SEED` picks another sequence); the libFuzzer target in `fuzz/` explores with
//! coverage feedback (README, "Fuzzing").

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use tokenspec::load::Source;

/// A small deterministic generator (xorshift64*): the same seed gives the same cases on every
/// machine, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Every seed, as (file stem, text): the real specs and the invalid-spec corpus. A mutated
/// spec keeps its seed's file name, so a valid one can stay valid (the provider name must be
/// the file's).
fn seeds() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut paths: Vec<PathBuf> = Vec::new();
    for dir in ["specs", "tests/invalid-specs"] {
        paths.extend(
            std::fs::read_dir(root.join(dir))
                .expect("a seed folder")
                .map(|e| e.expect("an entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml")),
        );
    }
    paths.sort();
    let seeds: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (stem, std::fs::read_to_string(p).expect("a readable seed"))
        })
        .collect();
    assert!(seeds.len() >= 40, "{} seeds", seeds.len());
    seeds
}

/// Pieces of YAML and text worth splicing in: structure, aliases and merges (which can make a
/// small file large), URL templates, escapes, and characters validation refuses.
const SPLICES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ": ",
    "\n",
    "\n  ",
    "\n- ",
    "- ",
    "&a ",
    "*a",
    "<<: *a\n",
    "? ",
    "|\n  ",
    ">-\n  ",
    "\"",
    "'",
    "\\",
    "#",
    "---\n",
    "...\n",
    "!!str ",
    "!!binary ",
    "~",
    "null",
    "0x10",
    "1e400",
    "-1",
    "18446744073709551616",
    "{a}",
    "{a",
    "/../",
    "%2e%2e",
    "@",
    "https://u:p@h/",
    "\u{202E}",
    "\u{2066}",
    "\u{0}",
    "\r",
    "\t",
    "\u{85}",
    "\u{FEFF}",
    "é",
    "𝒜",
    "```",
    "<script>",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    for _ in 0..=rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(8) {
            // Flip a byte (may make the text non-UTF-8: read lossily below, as files are).
            0 if !bytes.is_empty() => {
                let i = rng.below(bytes.len());
                bytes[i] ^= 1 << rng.below(8);
            }
            1 => bytes.truncate(at),
            2 | 3 => {
                let piece = SPLICES[rng.below(SPLICES.len())].as_bytes();
                bytes.splice(at..at, piece.iter().copied());
            }
            // Repeat a slice (duplicate keys, deeper nesting, long lines).
            4 => {
                let end = (at + rng.below(200)).min(bytes.len());
                let slice = bytes[at..end].to_vec();
                for _ in 0..=rng.below(3) {
                    bytes.splice(at..at, slice.iter().copied());
                }
            }
            // Remove a slice.
            5 => {
                let end = (at + rng.below(100)).min(bytes.len());
                bytes.drain(at..end);
            }
            // Random bytes.
            6 => {
                let n = rng.below(16);
                let noise: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                bytes.splice(at..at, noise);
            }
            // Swap the indentation of a line.
            _ => {
                if let Some(nl) = bytes[at..].iter().position(|b| *b == b'\n') {
                    bytes.splice(at + nl + 1..at + nl + 1, *b"  ");
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The pipeline on one text; `Err` with the panic message if anything panicked.
fn pipeline(stem: &str, text: &str) -> Result<bool, String> {
    catch_unwind(AssertUnwindSafe(|| {
        let source = Source::new(format!("specs/{stem}.yaml"), text);
        match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source]) {
            Ok(providers) => {
                tokenspec::generate_tree(&providers).expect("a valid spec emits");
                true
            }
            Err(tokenspec::Error::Specs(d)) => {
                assert!(!d.is_empty(), "an invalid spec has a diagnostic");
                let _ = d.render(false);
                let _ = d.render(true);
                false
            }
            Err(e) => panic!("neither valid nor diagnosed: {e}"),
        }
    }))
    .map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_default()
    })
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn mutated_specs_never_panic() {
    let seeds = seeds();
    let cases = env_number("TOKENSPEC_FUZZ_CASES", 1_500);
    let mut rng = Rng(env_number("TOKENSPEC_FUZZ_SEED", 0x5EED_7043_5EC5_0001) | 1);
    let mut valid = 0;
    for case in 0..cases {
        let (stem, seed) = &seeds[rng.below(seeds.len())];
        let text = mutate(&mut rng, seed);
        match pipeline(stem, &text) {
            Ok(true) => valid += 1,
            Ok(false) => {}
            Err(message) => panic!("case {case} panicked: {message}\n--- input ---\n{text:?}"),
        }
    }
    // Mutations of valid specs sometimes stay valid (a changed description, say): the emit
    // path is exercised too, not only the diagnostics.
    assert!(valid > 0, "no case of {cases} validated");
}

#[test]
fn random_bytes_and_every_prefix_of_a_spec_never_panic() {
    let mut rng = Rng(0xB17E_5EED);
    for _ in 0..200 {
        let n = rng.below(300);
        let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        pipeline("random", &text).unwrap_or_else(|m| panic!("{m}\n{text:?}"));
    }
    for (stem, spec) in seeds()
        .iter()
        .filter(|(_, text)| !text.contains("Invalid on purpose"))
    {
        for cut in (0..spec.len())
            .filter(|c| spec.is_char_boundary(*c))
            .step_by(7)
        {
            pipeline(stem, &spec[..cut])
                .unwrap_or_else(|m| panic!("{m}\n{stem}: prefix of {cut} bytes"));
        }
    }
}
