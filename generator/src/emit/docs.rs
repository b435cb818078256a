//! `generated/PROVIDERS.md`: a table of every provider (environments, grants, credential
//! placements, token lifetimes, documentation), rendered from the models with minijinja.
//!
//! Templates are for prose only (see the design guide). Spec text reaches this Markdown only
//! as inert table cells made by [`crate::text`]: titles as plain text, values as code spans,
//! the `docs` URL as an autolink (validation checked it), every `|` escaped and no line break,
//! so no cell can hold HTML, a link, an image or code, nor break the table.

use crate::model::{
    BodyFormat, CredentialChoice, Expiry, GrantKind, GrantSpec, HttpMethod, ParamLocation,
    ParamSource, Placement, Provider,
};
use crate::template::{TemplateError, environment, placement_words};
use crate::text;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

/// The template of `PROVIDERS.md`.
const PROVIDERS_MD: &str = include_str!("../../templates/providers.md.j2");

/// Path of the table inside `generated/`.
pub const PROVIDERS_FILE: &str = "PROVIDERS.md";

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
    /// `request.headers` (spec format 1.2): each name, with its fixed value if it has one.
    headers: Vec<String>,
    lifetime: String,
    /// The answers' format and the fields read from headers, as code spans.
    response: String,
}

#[derive(Serialize)]
struct Env {
    /// A code span.
    name: String,
    default: bool,
    /// Spec format 1.2: the issuer whose metadata gives the URLs, as a code span.
    discovered: Option<String>,
}

/// A code span inside a table cell: GFM splits cells at every unescaped `|`, code spans
/// included, and reads `\|` there as `|` (GFM spec, tables extension).
fn cell_code(value: &str) -> String {
    text::code(value).replace('|', "\\|")
}

/// A grant as Markdown for a cell: its name, and for an extension grant (RFC 6749 section 4.5)
/// the `grant_type` it sends, which is what its provider's documentation calls it.
///
/// A grant whose request differs from the provider's (spec format 1.2) says how: `GET`,
/// parameters in the query, its own token URL, its own credentials or body format.
fn grant_cell(p: &Provider, g: &GrantSpec) -> String {
    let mut notes = Vec::new();
    if let (GrantKind::Extension, Some(grant_type)) = (g.kind, g.grant_type()) {
        notes.push(format!("grant_type {}", cell_code(grant_type)));
    }
    let o = &g.overrides;
    if p.method_of(g) == HttpMethod::Get {
        notes.push("by GET".to_owned());
    } else if p.params_in_of(g) == ParamLocation::Query {
        notes.push("parameters in the query string".to_owned());
    }
    if !o.token_url.is_empty() {
        notes.push("own token URL".to_owned());
    }
    match o.credentials {
        None => {}
        Some(CredentialChoice::None) => notes.push("no credentials".to_owned()),
        Some(CredentialChoice::Placement(i)) => {
            if let Some(placement) = p.credentials.accepted.get(i) {
                notes.push(format!("credentials {}", placement_cell(placement)));
            }
        }
    }
    match o.body {
        None => {}
        Some(BodyFormat::Json) => notes.push("JSON body".to_owned()),
        Some(BodyFormat::Form) => notes.push("form body".to_owned()),
        Some(BodyFormat::None) => notes.push("no body".to_owned()),
    }
    // Spec format 1.2: an authorize URL written the provider's way.
    for (standard, wire) in g.authorize.rename {
        notes.push(format!(
            "{} sent as {}",
            cell_code(standard),
            cell_code(wire)
        ));
    }
    if let Some(separator) = g.authorize.scope_separator {
        notes.push(format!("scopes joined by {}", cell_code(separator)));
    }
    for (param, chars) in g.authorize.keep_unencoded {
        notes.push(format!(
            "{} keeps {} unencoded",
            cell_code(param),
            cell_code(chars)
        ));
    }
    if notes.is_empty() {
        cell_code(g.name())
    } else {
        format!("{} ({})", cell_code(g.name()), notes.join(", "))
    }
}

/// A placement as Markdown for a cell: ``header `X-API-Key` ``, `HTTP Basic`, `body`,
/// `query string`.
fn placement_cell(p: &Placement) -> String {
    match p {
        Placement::Header { name, .. } => format!("header {}", cell_code(name)),
        Placement::Headers(list) => {
            let names: Vec<String> = list.iter().map(|h| cell_code(h.name)).collect();
            format!("headers {}", names.join(", "))
        }
        other => placement_words(other),
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

/// Where the access token's lifetime comes from (`response.expiry`, spec format 1.1): the
/// field and its type, or `never`.
fn lifetime_source(p: &Provider) -> String {
    let field = |name: &str| {
        p.response
            .iter()
            .find(|f| f.name == name)
            .map(|f| format!("from {} ({})", cell_code(&f.wire_name()), f.ty.name()))
    };
    match p.expiry {
        Expiry::Never => "never expires".to_owned(),
        Expiry::Field(name) => field(name).unwrap_or_else(|| "not documented".to_owned()),
        Expiry::Default => field("expires_in").unwrap_or_else(|| "no expiry field".to_owned()),
    }
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
    let lifetime = format!("{}; {lifetime}", lifetime_source(p));
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
                discovered: e.discovery.map(|d| cell_code(d.issuer)),
            })
            .collect(),
        grants: p.grants.iter().map(|g| grant_cell(p, g)).collect(),
        headers: p
            .headers
            .iter()
            .map(|h| match h.source {
                ParamSource::Fixed(value) => {
                    format!("{}: {}", cell_code(h.name), cell_code(value))
                }
                _ => cell_code(h.name),
            })
            .collect(),
        preferred: accepted.get(p.credentials.preferred).map(placement_cell),
        alternatives: accepted
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != p.credentials.preferred)
            .map(|(_, a)| placement_cell(a))
            .collect(),
        lifetime,
        response: response_cell(p),
    }
}

/// The answers' format (spec format 1.1): ``json``, ``form`` or ``json_or_form``, then each
/// field read from a response header: ``json; `token` from header `X-Subject-Token` ``.
fn response_cell(p: &Provider) -> String {
    let mut cell = cell_code(p.response_format.name());
    for field in p.response {
        if let Some(header) = field.header {
            cell.push_str(&format!(
                "; {} from header {}",
                cell_code(field.name),
                cell_code(header)
            ));
        }
    }
    cell
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
