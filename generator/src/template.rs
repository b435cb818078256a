//! What the generator's templates and reports share: the minijinja environment (`PROVIDERS.md`,
//! `tokenspec new`), its filters for Markdown table cells and YAML scalars, and words for a
//! credential placement (`PROVIDERS.md`, `tokenspec diff`). A leaf, so that `emit`, `scaffold`
//! and `diff` each use it without using one another.

use crate::model::Placement;
use minijinja::{Environment, UndefinedBehavior};

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

/// A placement in words: `header X-API-Key`, `basic`, `body`, `query`, or the client
/// assertion's method and algorithm.
pub fn placement_words(p: &Placement) -> String {
    match p {
        Placement::Header { name, .. } => format!("header `{name}`"),
        Placement::Basic { .. } => "HTTP Basic".to_owned(),
        Placement::Body(_) => "body".to_owned(),
        Placement::Query(_) => "query string".to_owned(),
        Placement::PrivateKeyJwt(c) => format!(
            "`private_key_jwt` ({} client assertion)",
            c.assertion.algorithm.name()
        ),
        Placement::ClientSecretJwt(c) => format!(
            "`client_secret_jwt` ({} client assertion)",
            c.assertion.algorithm.name()
        ),
        Placement::TlsClientAuth(_) => "`tls_client_auth` (TLS client certificate)".to_owned(),
        Placement::SelfSignedTlsClientAuth(_) => {
            "`self_signed_tls_client_auth` (self-signed TLS client certificate)".to_owned()
        }
        Placement::Headers(list) => {
            let names: Vec<String> = list.iter().map(|h| crate::text::code(h.name)).collect();
            format!("headers {}", names.join(", "))
        }
    }
}
