//! Spec format 1.2 values: templates (`template: "Bearer {api_key}"`), fixed JSON values
//! (`value: 3600` in a JSON body) and headers (`request.headers`, the credentials placement
//! `headers`).
//!
//! Each value is checked for where it lands: a JSON value only in a JSON body (the one place
//! that can carry a number as a number); a header name an RFC 9110 token that is neither
//! framing nor hop-by-hop; a header value's fixed text free of what a field value cannot hold
//! (RFC 9110 section 5.5). The inputs' own values are checked by the runtime, which refuses a
//! CR, LF or NUL in a header naming the input.

use super::Checker;
use crate::load::raw::{self, FixedValue, Spanned};
use crate::model;
use serde_saphyr::Location;

/// Where a value is sent, which decides what it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Landing {
    /// A form-encoded body (`application/x-www-form-urlencoded`): text.
    FormBody,
    /// A JSON body: text, or any JSON value (spec format 1.2).
    JsonBody,
    /// The token request's query string: text.
    Query,
    /// The authorize URL's query string: text, and never a secret (the user's browser sees it).
    Authorize,
    /// A header value: visible ASCII text, spaces and tabs (RFC 9110 section 5.5).
    Header,
}

impl Landing {
    fn words(self) -> &'static str {
        match self {
            Landing::FormBody => "a form body",
            Landing::JsonBody => "a JSON body",
            Landing::Query => "the query string",
            Landing::Authorize => "the authorize URL",
            Landing::Header => "a header",
        }
    }
}

/// A piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece<'t> {
    /// Literal text, braces unescaped.
    Text(String),
    /// An input reference, `{name}`.
    Input(&'t str),
}

/// Why a template does not parse: the message, a hint, and the text to mark (found in the
/// file to place the caret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemplateError<'t> {
    pub message: String,
    pub hint: &'static str,
    pub needle: &'t str,
}

/// Parses a template: `{name}` is the input `name` (a snake_case name), `{{` and `}}` are
/// literal braces; anything else with a brace is an error rather than text, since a brace a
/// spec meant literally and one it meant as an input look the same to a reader.
pub(crate) fn parse_template(text: &str) -> Result<Vec<Piece<'_>>, TemplateError<'_>> {
    const ESCAPE: &str = "write `{{` and `}}` for literal braces";
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        literal.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(after) = tail.strip_prefix("{{") {
            literal.push('{');
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            literal.push('}');
            rest = after;
        } else if tail.starts_with('}') {
            return Err(TemplateError {
                message: "the template has a `}` that closes nothing".to_owned(),
                hint: ESCAPE,
                needle: tail,
            });
        } else {
            let Some(close) = tail.find('}') else {
                return Err(TemplateError {
                    message: "the template has a `{` that is never closed".to_owned(),
                    hint: ESCAPE,
                    needle: tail,
                });
            };
            let name = &tail[1..close];
            let is_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !is_name {
                return Err(TemplateError {
                    message: format!(
                        "`{}` in the template is not an input reference",
                        &tail[..=close]
                    ),
                    hint: "an input is named in braces, `{api_key}` (snake_case); write `{{` and `}}` for literal braces",
                    needle: &tail[..=close],
                });
            }
            if !literal.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Input(name));
            rest = &tail[close + 1..];
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        pieces.push(Piece::Text(literal));
    }
    Ok(pieces)
}

/// Whether `name` is an RFC 9110 section 5.1 field name: a token (section 5.6.2).
pub(crate) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b))
}

/// The first character of `text` a header value cannot hold (RFC 9110 section 5.5: visible
/// ASCII, spaces and tabs; `http` refuses the obsolete non-ASCII text too).
fn header_value_problem(text: &str) -> Option<char> {
    text.chars().find(|c| !matches!(c, '\t' | ' '..='~'))
}

impl<'b> Checker<'_, 'b> {
    /// The source of a value (`owner`: `parameter `x``, `header `X-Key``), with every check
    /// of where it lands. `None` after an error.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn value_source(
        &mut self,
        owner: &str,
        key: Location,
        value: Option<&Spanned<FixedValue>>,
        input: Option<&raw::Str>,
        template: Option<&raw::Str>,
        landing: Landing,
        inputs: &[model::InputSpec],
    ) -> Option<model::ParamSource<'b>> {
        match (value, input, template) {
            (Some(value), None, None) => self.fixed_value(owner, value, landing),
            (None, Some(input), None) => {
                self.input_ref(input, inputs, owner);
                Some(model::ParamSource::Input(self.text(&input.value)))
            }
            (None, None, Some(template)) => self.template(owner, template, landing, inputs),
            _ => {
                // The inputs named are not also reported unused.
                self.suggested.extend(input.map(|i| i.value.clone()));
                if let Some(template) = template {
                    self.mentioned(&template.value);
                }
                self.error(
                    key,
                    format!("{owner} needs exactly one of `value`, `input` and `template`"),
                    "`value: WebAPI` for a fixed value, `input: scope` for the caller's, \
                     `template: \"Bearer {api_key}\"` for text around inputs",
                );
                None
            }
        }
    }

    /// A fixed value: text anywhere (checked for a header), a number, boolean, mapping or list
    /// in a JSON body only (spec format 1.2; before it, a scalar is its text, as it was).
    fn fixed_value(
        &mut self,
        owner: &str,
        value: &Spanned<FixedValue>,
        landing: Landing,
    ) -> Option<model::ParamSource<'b>> {
        let json = match &value.value {
            FixedValue::Text(text) => {
                if landing == Landing::Header && !self.header_text(owner, value.referenced, text) {
                    return None;
                }
                return Some(model::ParamSource::Fixed(self.text(text)));
            }
            FixedValue::Json(json) => json,
        };
        let scalar = !json.is_object() && !json.is_array();
        if !self.typed_values && scalar {
            // Spec format 1 and 1.1 sent a number or boolean as its text.
            let text = json.to_string();
            if landing == Landing::Header && !self.header_text(owner, value.referenced, &text) {
                return None;
            }
            return Some(model::ParamSource::Fixed(self.text(&text)));
        }
        let kind = match json {
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Array(_) => "a list",
            _ => "a mapping",
        };
        if !self.typed_values {
            self.error(
                value.referenced,
                format!("{owner} has {kind} as its value, which spec format 1.2 reads as JSON"),
                "declare `spec_version: 1.2` to send it as JSON in a JSON body",
            );
            return None;
        }
        if landing != Landing::JsonBody {
            let hint = if scalar {
                format!(
                    "quote it (`value: \"{json}\"`) to send text, or send it in a JSON body \
                     (request.body: json)"
                )
            } else {
                "a mapping or list is sent as JSON in a JSON body only (request.body: json)"
                    .to_owned()
            };
            self.error(
                value.referenced,
                format!(
                    "{owner} has {kind} as its value, but it goes in {}",
                    landing.words()
                ),
                hint,
            );
            return None;
        }
        Some(model::ParamSource::Json(self.text(&json.to_string())))
    }

    /// Whether fixed header text can be a header value; an error if not.
    fn header_text(&mut self, owner: &str, at: Location, text: &str) -> bool {
        let Some(c) = header_value_problem(text) else {
            return true;
        };
        self.error(
            at,
            format!(
                "{owner} holds `{}` (U+{:04X}), which an HTTP header value cannot",
                c.escape_debug(),
                u32::from(c)
            ),
            "a header value is visible ASCII, spaces and tabs (RFC 9110 section 5.5)",
        );
        false
    }

    /// A template, parsed and lowered: each input declared (a did-you-mean otherwise), no
    /// secret in the authorize URL, its text fit for a header when it lands in one.
    fn template(
        &mut self,
        owner: &str,
        template: &raw::Str,
        landing: Landing,
        inputs: &[model::InputSpec],
    ) -> Option<model::ParamSource<'b>> {
        let pieces = match parse_template(&template.value) {
            Ok(pieces) => pieces,
            Err(e) => {
                self.mentioned(&template.value);
                self.error_in(
                    template.referenced,
                    e.needle,
                    format!("{owner}: {}", e.message),
                    e.hint,
                );
                return None;
            }
        };
        let mut ok = true;
        let mut parts = Vec::with_capacity(pieces.len());
        for piece in &pieces {
            match piece {
                Piece::Text(text) => {
                    if landing == Landing::Header
                        && !self.header_text(owner, template.referenced, text)
                    {
                        ok = false;
                    }
                    parts.push(model::TemplatePart::Text(self.text(text)));
                }
                Piece::Input(name) => {
                    let needle = format!("{{{name}}}");
                    if !self.input_ref_in(name, template.referenced, Some(&needle), inputs, owner) {
                        ok = false;
                    } else if landing == Landing::Authorize
                        && self.declared(inputs, name).is_some_and(|i| i.secret)
                    {
                        self.error_in(
                            template.referenced,
                            &needle,
                            format!(
                                "{owner} sends secret input `{name}` through the user's browser"
                            ),
                            "the authorize URL is public: send secrets only to the token endpoint",
                        );
                        ok = false;
                    }
                    parts.push(model::TemplatePart::Input(self.text(name)));
                }
            }
        }
        if !ok {
            self.mentioned(&template.value);
        }
        if !pieces.iter().any(|p| matches!(p, Piece::Input(_))) {
            self.error(
                template.referenced,
                format!("{owner}'s template names no input"),
                "use `value:` for fixed text; a template is text around `{input}` references",
            );
            ok = false;
        }
        ok.then(|| model::ParamSource::Template(self.list(&parts)))
    }

    /// Marks every `{name}` of a template that was not lowered as mentioned, so that its
    /// inputs are not also reported unused: one mistake, one diagnostic.
    fn mentioned(&mut self, template: &str) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if end > 0 {
                self.suggested.insert(rest[..end].to_owned());
            }
            rest = &rest[end..];
        }
    }

    /// Headers (`request.headers` when `credential` is false, the credentials placement
    /// `headers` when true): names RFC 9110 tokens, neither framing nor hop-by-hop nor given
    /// twice, values checked as headers.
    pub(super) fn headers(
        &mut self,
        headers: &raw::Map<raw::HeaderValue>,
        what: &str,
        inputs: &[model::InputSpec],
    ) -> Vec<model::HeaderSpec<'b>> {
        let mut out: Vec<model::HeaderSpec<'b>> = Vec::new();
        for (name, value) in headers {
            let owner = format!("{what} `{}`", name.value);
            if !is_header_name(&name.value) {
                self.error(
                    name.referenced,
                    format!("`{}` is not an HTTP header name", name.value),
                    "letters, digits and - only, e.g. X-Api-Version (RFC 9110 section 5.1)",
                );
                continue;
            }
            let lower = name.value.to_ascii_lowercase();
            if model::FORBIDDEN_HEADERS.contains(&lower.as_str()) {
                let why = match lower.as_str() {
                    "content-type" => "request.body sets it",
                    "host" | "content-length" | "transfer-encoding" => {
                        "the HTTP client writes it (RFC 9112 sections 3.2 and 6)"
                    }
                    _ => "it is a hop-by-hop header (RFC 9110 section 7.6.1)",
                };
                self.error(
                    name.referenced,
                    format!("header `{}` cannot be set by a spec", name.value),
                    format!("remove it: {why}"),
                );
                continue;
            }
            if let Some(first) = out
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(&name.value))
            {
                self.error(
                    name.referenced,
                    format!(
                        "header `{}` is given twice (as `{}` too)",
                        name.value, first.name
                    ),
                    "header names are case-insensitive (RFC 9110 section 5.1): keep one",
                );
                continue;
            }
            let Some(source) = self.value_source(
                &owner,
                name.referenced,
                value.value.as_ref(),
                value.input.as_ref(),
                value.template.as_ref(),
                Landing::Header,
                inputs,
            ) else {
                continue;
            };
            out.push(model::HeaderSpec {
                name: self.text(&name.value),
                source,
            });
        }
        out
    }

    /// `request.headers`: also none that a credential placement sends, which would send two
    /// values (or override the credentials).
    pub(super) fn request_headers(
        &mut self,
        spec: &raw::Spec,
        credentials: &model::CredentialsSpec,
        inputs: &[model::InputSpec],
    ) -> Vec<model::HeaderSpec<'b>> {
        let headers = self.headers(&spec.request.headers, "request header", inputs);
        for header in &headers {
            let clash = credentials.accepted.iter().find(|p| match p {
                model::Placement::Header { name, .. } => name.eq_ignore_ascii_case(header.name),
                model::Placement::Basic { .. } => header.name.eq_ignore_ascii_case("authorization"),
                model::Placement::Headers(list) => list
                    .iter()
                    .any(|h| h.name.eq_ignore_ascii_case(header.name)),
                _ => false,
            });
            if let Some(placement) = clash
                && let Some((key, _)) = spec
                    .request
                    .headers
                    .iter()
                    .find(|(k, _)| k.value == header.name)
            {
                self.error(
                    key.referenced,
                    format!(
                        "request header `{}` is also sent by the {} credentials",
                        header.name,
                        placement.kind()
                    ),
                    "remove it from request.headers: the credentials set it",
                );
            }
        }
        headers
    }

    /// The credentials placement `headers` (spec format 1.2): several headers at once, at
    /// least one of them built from a secret input (else they are no credentials).
    pub(super) fn credential_headers(
        &mut self,
        headers: &raw::Map<raw::HeaderValue>,
        at: Location,
        inputs: &[model::InputSpec],
    ) -> Option<model::Placement<'b>> {
        if headers.is_empty() {
            self.error(
                at,
                "credentials `headers` names no header",
                "map each header name to its value: `X-Api-Key: {input: api_key}`",
            );
            return None;
        }
        let list = self.headers(headers, "credential header", inputs);
        if list.len() != headers.len() {
            return None;
        }
        let secret = list.iter().any(|h| {
            h.source
                .inputs()
                .iter()
                .any(|i| self.declared(inputs, i).is_some_and(|i| i.secret))
        });
        if !secret {
            // Still lowered: the placement exists, and `preferred: headers` is not also wrong.
            self.error(
                at,
                "credentials `headers` sends no secret input",
                "credentials carry a secret: build one header from an input marked `secret: true`, or move the headers to request.headers",
            );
        }
        Some(model::Placement::Headers(self.list(&list)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_into_text_and_inputs_with_doubled_braces_literal() {
        assert_eq!(
            parse_template("Bearer {api_key}"),
            Ok(vec![Piece::Text("Bearer ".into()), Piece::Input("api_key")])
        );
        assert_eq!(
            parse_template("{client_id}:{account}"),
            Ok(vec![
                Piece::Input("client_id"),
                Piece::Text(":".into()),
                Piece::Input("account")
            ])
        );
        assert_eq!(
            parse_template("{{\"id\": \"{id}\"}}"),
            Ok(vec![
                Piece::Text("{\"id\": \"".into()),
                Piece::Input("id"),
                Piece::Text("\"}".into())
            ])
        );
        assert_eq!(parse_template(""), Ok(vec![]));
    }

    #[test]
    fn stray_braces_and_odd_names_are_errors_marking_the_brace() {
        let unclosed = parse_template("Bearer {api_key").expect_err("unclosed");
        assert!(unclosed.message.contains("never closed"));
        assert_eq!(unclosed.needle, "{api_key");
        let stray = parse_template("a}b").expect_err("stray");
        assert!(stray.message.contains("closes nothing"));
        assert_eq!(stray.needle, "}b");
        for odd in ["{}", "{Api-Key}", "{a {b}", "{ api_key }"] {
            let e = parse_template(odd).expect_err(odd);
            assert!(e.message.contains("not an input reference"), "{odd}: {e:?}");
        }
    }

    #[test]
    fn header_names_are_tokens() {
        assert!(is_header_name("X-Api-Key"));
        assert!(is_header_name("x_app.key~1"));
        for bad in ["", "X Api", "X:Key", "Ké", "X\r\nY"] {
            assert!(!is_header_name(bad), "{bad:?}");
        }
        assert_eq!(header_value_problem("Bearer abc\t"), None);
        assert_eq!(header_value_problem("a\r\nb"), Some('\r'));
        assert_eq!(header_value_problem("é"), Some('é'));
    }
}
