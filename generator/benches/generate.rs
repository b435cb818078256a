//! `tokenspec generate` against parsing the same spec files (issue 12, "Measured targets":
//! generate within 5x of the YAML parse, linear in the number of specs).
//!
//! ```sh
//! cargo bench -p tokenspec --bench generate
//! ```
//!
//! Inputs are synthetic: the seed specs of `specs/`, round-robin, provider `i` renamed to
//! `<seed>_<iiii>` in both its `name:` line and its file name (validation requires the two to
//! agree), at N = 10, 100 and 1,000. Every benchmark runs at every N in one run, so that
//! `generate / yaml_parse` at 1,000 (the target ratio) and the per-spec cost from 100 to
//! 1,000 (linearity) compare like with like on this shared machine. Results: BENCHMARKS.md.
//!
//! - `yaml_parse`: serde-saphyr parses each text into `raw::Spec`, exactly the call
//!   `load::parse` makes (the floor: what reading the specs costs at the least).
//! - `validate`: the specs' texts to the model (parse, hostile-character scan, every check).
//! - `generate`: everything the CLI's `generate` computes, in memory (`validate_sources`, then
//!   `outputs`: every module, the registry, the manifest, PROVIDERS.md, schema.json).
//! - `generate_to_dir`: the CLI's whole `generate`, files included: read the specs folder,
//!   compute, compare with an empty output folder and write every file.

use std::path::{Path, PathBuf};
use tokenspec::load::Source;

// The allocator of the `tokenspec` binary, so every benchmark here (the YAML parse included)
// measures what the command does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    divan::main();
}

/// The numbers of synthetic providers each benchmark runs at.
const SIZES: [usize; 3] = [10, 100, 1000];

/// The seed specs of this repository, as (provider name, text), sorted by name.
fn seeds() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut seeds: Vec<(String, String)> = tokenspec::load::read_dir(&dir)
        .expect("the seed specs are readable")
        .into_iter()
        .map(|source| (source.stem, source.text))
        .collect();
    seeds.sort();
    assert!(!seeds.is_empty(), "no seed specs in {}", dir.display());
    seeds
}

/// `n` synthetic spec sources: the seeds round-robin, provider `i` named `<seed>_<iiii>`.
///
/// `scripts/synthetic-specs.sh` writes the same files for the compile-cost script.
fn synthetic(n: usize) -> Vec<Source> {
    let seeds = seeds();
    (0..n)
        .map(|i| {
            let (seed, text) = &seeds[i % seeds.len()];
            let name = format!("{seed}_{i:04}");
            // The `name:` line is the one top-level line naming the seed; a seed with another
            // layout would silently keep its name and fail validation as a duplicate, so
            // insist on exactly one.
            let line = format!("\nname: {seed}\n");
            assert_eq!(
                text.matches(&line).count(),
                1,
                "specs/{seed}.yaml has not exactly one `name: {seed}` line"
            );
            let text = text.replacen(&line, &format!("\nname: {name}\n"), 1);
            Source::new(format!("specs/{name}.yaml"), text)
        })
        .collect()
}

/// The synthetic specs of [`synthetic`] written as files, for the benchmark that reads them.
fn synthetic_dir(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for source in synthetic(n) {
        let file = dir.path().join(format!("{}.yaml", source.stem));
        std::fs::write(file, source.text).expect("write a synthetic spec");
    }
    dir
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn yaml_parse(bencher: divan::Bencher, n: usize) {
    let sources = synthetic(n);
    bencher.bench(|| {
        sources
            .iter()
            .map(|s| {
                serde_saphyr::from_str::<tokenspec::load::raw::Spec>(&s.text)
                    .expect("a synthetic spec parses")
            })
            .collect::<Vec<_>>()
    });
}

#[divan::bench(args = SIZES, sample_count = 10, sample_size = 1)]
fn validate(bencher: divan::Bencher, n: usize) {
    let sources = synthetic(n);
    // The arena is an input, so freeing the models is not timed (as dropping them was not).
    bencher
        .with_inputs(|| (sources.clone(), tokenspec::Bump::new()))
        .bench_local_refs(|(sources, arena)| {
            tokenspec::validate_sources(arena, std::mem::take(sources))
                .expect("the synthetic specs are valid")
                .len()
        });
}

#[divan::bench(args = SIZES, sample_count = 8, sample_size = 1)]
fn generate(bencher: divan::Bencher, n: usize) {
    let sources = synthetic(n);
    bencher
        .with_inputs(|| (sources.clone(), tokenspec::Bump::new()))
        .bench_local_refs(|(sources, arena)| {
            let providers = tokenspec::validate_sources(arena, std::mem::take(sources))
                .expect("the synthetic specs are valid");
            // The folders only name where the trees would go: nothing is read or written.
            tokenspec::outputs(&providers, Path::new("specs"), Path::new("generated"))
                .expect("the synthetic specs generate")
        });
}

#[divan::bench(args = SIZES, sample_count = 8, sample_size = 1)]
fn generate_to_dir(bencher: divan::Bencher, n: usize) {
    let specs = synthetic_dir(n);
    bencher
        .with_inputs(|| tempfile::tempdir().expect("a temporary folder"))
        .bench_values(|out| {
            let out_dir: PathBuf = out.path().join("generated");
            let arena = tokenspec::Bump::new();
            let providers = tokenspec::load_and_validate(&arena, specs.path())
                .expect("the synthetic specs are valid");
            let outputs = tokenspec::outputs(&providers, specs.path(), &out_dir)
                .expect("the synthetic specs generate");
            for (dir, tree) in &outputs {
                let changes = tokenspec::output::changes(dir, tree).expect("compare the output");
                tokenspec::output::apply(dir, tree, &changes).expect("write the output");
            }
            // Returned, so that removing the folder is not timed.
            out
        });
}
