//! `tokenspec import`: specs from another project's catalogue of token endpoints.
//!
//! Three stages, each a plain function: read the catalogue ([`nango::read`]), map each entry
//! to a spec or to the reason it is skipped ([`nango::map`]), check every mapped spec with the
//! validator that `tokenspec generate` runs ([`check`]: a spec that would not validate is
//! skipped, never written) and write the specs ([`write`]). An entry that cannot be described
//! exactly is skipped with its reason: a spec that sends something else than the catalogue's
//! owner sends would fail far from here, at a provider, with a 400.

pub mod nango;

use crate::diagnostic::escape_for_display;
use crate::{load, validate};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// The first line of every spec the importer writes: [`write`] overwrites a file only when it
/// starts with it (a re-import refreshes its own specs, never a hand-written one).
pub const HEADER_PREFIX: &str = "# Imported from ";

/// A spec made from one catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedSpec {
    /// The entry's key in the catalogue, as written there.
    pub entry: String,
    /// The spec's `name`, and the file stem.
    pub name: String,
    /// The spec's YAML text.
    pub text: String,
}

/// Why an entry was not written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// The group the summary counts it in (`auth_mode API_KEY`, `request headers (spec format
    /// 1.2) not supported`): the same for every entry skipped for the same cause.
    pub group: String,
    /// The whole reason, with what this entry has that cannot be expressed.
    pub detail: String,
}

impl Reason {
    /// A reason whose detail is its group.
    pub fn new(group: impl Into<String>) -> Self {
        let group = group.into();
        Reason {
            detail: group.clone(),
            group,
        }
    }

    /// A reason with a detail of its own.
    pub fn with_detail(group: impl Into<String>, detail: impl Into<String>) -> Self {
        Reason {
            group: group.into(),
            detail: detail.into(),
        }
    }
}

/// An entry that is not written, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's key in the catalogue, as written there.
    pub entry: String,
    /// Why.
    pub reason: Reason,
}

impl fmt::Display for Skipped {
    /// `skipped <entry>: <reason>`, on one line whatever the entry's key holds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "skipped {}: {}",
            shown(&self.entry),
            shown(&self.reason.detail)
        )
    }
}

/// What an import makes of a catalogue: the specs to write and the entries skipped, each in
/// catalogue order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub specs: Vec<ImportedSpec>,
    pub skipped: Vec<Skipped>,
}

impl Outcome {
    /// `written N, skipped M by reason (group: count, ...)`, the groups by count, then name.
    pub fn summary(&self) -> String {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &self.skipped {
            *counts.entry(s.reason.group.as_str()).or_default() += 1;
        }
        let mut groups: Vec<(&str, usize)> = counts.into_iter().collect();
        groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut line = format!(
            "written {}, skipped {}",
            self.specs.len(),
            self.skipped.len()
        );
        if !groups.is_empty() {
            let list: Vec<String> = groups
                .iter()
                .map(|(g, n)| format!("{}: {n}", shown(g)))
                .collect();
            line.push_str(&format!(" by reason ({})", list.join(", ")));
        }
        line
    }
}

/// Text from the catalogue as one line of a terminal: characters that would act on it
/// escaped, line breaks shown as `\n`, and at most 120 characters (an entry may hold
/// anything).
fn shown(text: &str) -> String {
    const MAX: usize = 120;
    let one_line = text.replace('\n', "\\n");
    let escaped = escape_for_display(&one_line);
    match escaped.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &escaped[..cut]),
        None => escaped.into_owned(),
    }
}

/// Runs every spec of `outcome` through the validator `tokenspec generate` uses (parse, shape,
/// every semantic check), as the file `<name>.yaml`. A spec with an error is moved to the
/// skipped entries with the first error as its reason: the importer never writes a spec that
/// does not validate.
pub fn check(outcome: Outcome) -> Outcome {
    let Outcome { specs, mut skipped } = outcome;
    let mut valid = Vec::new();
    for spec in specs {
        match validation_error(&spec) {
            None => valid.push(spec),
            Some(message) => skipped.push(Skipped {
                entry: spec.entry,
                reason: Reason::with_detail(
                    "the spec would not validate",
                    format!("the spec would not validate: {message}"),
                ),
            }),
        }
    }
    Outcome {
        specs: valid,
        skipped,
    }
}

/// The first error the validator reports on `spec`, or `None` when it validates.
pub fn validation_error(spec: &ImportedSpec) -> Option<String> {
    let source = load::Source {
        path: format!("{}.yaml", spec.name),
        stem: spec.name.clone(),
        text: spec.text.clone(),
    };
    let loaded = match load::parse(source) {
        Ok(loaded) => loaded,
        Err(diagnostics) => {
            return Some(
                diagnostics
                    .first()
                    .map_or_else(|| "it does not parse".to_owned(), |d| d.message.clone()),
            );
        }
    };
    let arena = bumpalo::Bump::new();
    match validate::validate(&arena, std::slice::from_ref(&loaded)) {
        Ok(_) => None,
        Err(d) => Some(
            d.items
                .first()
                .map_or_else(|| "it is not valid".to_owned(), |d| d.message.clone()),
        ),
    }
}

/// Writes each spec of `outcome` to `<out>/<name>.yaml`, creating `out` if needed, and
/// returns what was written and what was not. A file that exists is replaced only if an
/// import wrote it (it starts with [`HEADER_PREFIX`]): a re-import refreshes its own specs,
/// and a hand-written spec of the same name is kept, its entry skipped with that reason (so
/// is a name that is a link or a folder). Names are snake_case (checked by the mapping and
/// again here), so no file lands outside `out`.
pub fn write(out: &Path, outcome: Outcome) -> std::io::Result<Outcome> {
    let Outcome { specs, mut skipped } = outcome;
    std::fs::create_dir_all(out)?;
    let mut written = Vec::new();
    for spec in specs {
        if !nango::is_spec_name(&spec.name) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("`{}` is not a spec name", shown(&spec.name)),
            ));
        }
        let path = out.join(format!("{}.yaml", spec.name));
        let kept = |what: &str| Skipped {
            entry: spec.entry.clone(),
            reason: Reason::with_detail(
                "a spec of that name exists",
                format!("{} {what}; it is left as it is", path.display()),
            ),
        };
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if !meta.is_file() => {
                skipped.push(kept("exists and is not a file"));
                continue;
            }
            Ok(_) => {
                let existing = std::fs::read_to_string(&path).unwrap_or_default();
                if !existing.starts_with(HEADER_PREFIX) {
                    skipped.push(kept("exists and was not written by the importer"));
                    continue;
                }
                if existing != spec.text {
                    std::fs::write(&path, &spec.text)?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::write(&path, &spec.text)?;
            }
            Err(e) => return Err(e),
        }
        written.push(spec);
    }
    Ok(Outcome {
        specs: written,
        skipped,
    })
}
