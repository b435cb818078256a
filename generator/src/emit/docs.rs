//! `generated/PROVIDERS.md`: a table of every provider (environments, grants, credential
//! placements, token lifetimes, documentation), rendered from the models with minijinja.
//!
//! Templates are for prose only (see the design guide). Spec text reaches this Markdown only
//! as inert table cells made by [`crate::text`]: titles as plain text, values as code spans,
//! the `docs` URL as an autolink (validation checked it), every `|` escaped and no line break,
//! so no cell can hold HTML, a link, an image or code, nor break the table.

use crate::model::{Placement, Provider};
use crate::text;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, context};
use serde::Serialize;

/// The template of `PROVIDERS.md`.
const PROVIDERS_MD: &str = include_str!("../../templates/providers.md.j2");

/// Path of the table inside `generated/`.
pub const PROVIDERS_FILE: &str = "PROVIDERS.md";

/// A template failed to render: a generator bug, never a spec's.
#[derive(Debug, thiserror::Error)]
#[error("template {name} does not render: {message}")]
pub struct TemplateError {
    /// The template.
    pub name: String,
    /// What minijinja said.
    pub message: String,
}

/// A minijinja environment with tokenspec's conventions: undefined values are errors, no
/// auto-escaping (Markdown and YAML are not HTML), trailing newlines kept, block tags on
/// lines of their own leave no blank line (`trim_blocks`, `lstrip_blocks`), and the `cell`
/// (Markdown table cell) and `yaml` (a quoted YAML scalar) filters.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .expect("the default delimiters are valid"),
    );
    env.add_filter("cell", cell);
    env.add_filter("yaml", yaml_scalar);
    env
}

/// Generator text as one Markdown table cell: no line breaks, `|` escaped. Its backticks stay
/// code spans, so it is for text the generator writes (`tokenspec diff` uses it); spec text
/// goes through [`crate::text`] first.
pub fn cell(text: String) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "\\\\")
        .replace('|', "\\|")
}

/// Text as a double-quoted YAML scalar (JSON string syntax, which YAML accepts as is).
pub fn yaml_scalar(text: String) -> String {
    serde_json::Value::String(text).to_string()
}

/// One provider's table row; every field is Markdown ready for a cell (spec text made inert).
#[derive(Serialize)]
struct Row {
    /// The provider name as a code span.
    name: String,
    /// Plain text.
    title: String,
    /// `specs/<name>.yaml`: a validated provider name, safe in a link destination.
    source: String,
    /// An autolink to the checked `docs` URL.
    docs: String,
    environments: Vec<Env>,
    grants: Vec<String>,
    preferred: Option<String>,
    alternatives: Vec<String>,
    lifetime: String,
}

#[derive(Serialize)]
struct Env {
    /// A code span.
    name: String,
    default: bool,
}

/// A code span inside a table cell: GFM splits cells at every unescaped `|`, code spans
/// included, and reads `\|` there as `|` (GFM spec, tables extension).
fn cell_code(value: &str) -> String {
    text::code(value).replace('|', "\\|")
}

/// A placement as Markdown for a cell: ``header `X-API-Key` ``, `HTTP Basic`, `body`,
/// `query string`.
fn placement_cell(p: &Placement) -> String {
    match p {
        Placement::Header { name, .. } => format!("header {}", cell_code(name)),
        other => placement_words(other),
    }
}

/// A placement in words: `header X-API-Key`, `basic`, `body`, `query`.
pub fn placement_words(p: &Placement) -> String {
    match p {
        Placement::Header { name, .. } => format!("header `{name}`"),
        Placement::Basic { .. } => "HTTP Basic".to_owned(),
        Placement::Body(_) => "body".to_owned(),
        Placement::Query(_) => "query string".to_owned(),
    }
}

/// Seconds, with a friendlier unit when they divide evenly: `3600 s (1 h)`.
pub fn duration_words(seconds: u64) -> String {
    let friendly = [(86_400, "d"), (3_600, "h"), (60, "min")]
        .into_iter()
        .find(|(unit, _)| seconds >= *unit && seconds.is_multiple_of(*unit))
        .map(|(unit, name)| format!(" ({} {name})", seconds / unit));
    format!("{seconds} s{}", friendly.unwrap_or_default())
}

fn row(p: &Provider) -> Row {
    let accepted = &p.credentials.accepted;
    let lifetime = match (p.access_lifetime, p.refresh_lifetime) {
        (None, None) => "not documented".to_owned(),
        (Some(a), None) => format!("access {}", duration_words(a)),
        (None, Some(r)) => format!("refresh {}", duration_words(r)),
        (Some(a), Some(r)) => format!(
            "access {}, refresh {}",
            duration_words(a),
            duration_words(r)
        ),
    };
    Row {
        name: cell_code(p.name),
        title: text::inline(p.title),
        source: p.source.to_owned(),
        docs: text::link(p.docs).replace('|', "\\|"),
        environments: p
            .environments
            .iter()
            .map(|e| Env {
                name: cell_code(e.name),
                default: e.name == p.default_environment,
            })
            .collect(),
        grants: p.grants.iter().map(|g| cell_code(g.kind.name())).collect(),
        preferred: accepted.get(p.credentials.preferred).map(placement_cell),
        alternatives: accepted
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != p.credentials.preferred)
            .map(|(_, a)| placement_cell(a))
            .collect(),
        lifetime,
    }
}

/// `generated/PROVIDERS.md` for `providers` (in name order).
pub fn providers_md(providers: &[Provider]) -> Result<String, TemplateError> {
    let mut env = environment();
    let error = |e: minijinja::Error| TemplateError {
        name: "providers.md.j2".into(),
        message: e.to_string(),
    };
    env.add_template("providers.md.j2", PROVIDERS_MD)
        .map_err(error)?;
    let rows: Vec<Row> = providers.iter().map(row).collect();
    env.get_template("providers.md.j2")
        .and_then(|t| {
            t.render(context! {
                providers => Serde(rows),
                regenerate => crate::names::REGENERATE,
                templates_note => "template: generator/templates/providers.md.j2",
            })
        })
        .map_err(error)
}
