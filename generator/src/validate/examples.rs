//! Documented examples (spec format 1.1): the provider's own success and error bodies,
//! `response.example` and `errors.example`, read with the declared fields exactly as the
//! runtime reads an answer (`tokenspec_runtime::response`), so a spec whose types contradict
//! its provider's documentation fails here rather than on the first real token.

use super::Checker;
use crate::load::raw;
use crate::model;
use serde_json::{Map, Value};
use tokenspec_runtime::response::{check_error_body, normalize_fields, read_body};

impl Checker<'_, '_> {
    /// Checks both documented bodies against the lowered spec; one diagnostic per field the
    /// runtime would refuse.
    pub(super) fn documented_examples(&mut self, spec: &raw::Spec, lowered: &model::ProviderSpec) {
        if let Some(example) = &spec.response.example
            && let Some(object) = self.example_object(example, "response.example", lowered)
        {
            self.example_fields(example, &object, lowered, lowered.response, "response");
        }
        if let Some(example) = &spec.errors.example
            && let Some(object) = self.example_object(example, "errors.example", lowered)
        {
            match lowered.errors {
                model::ErrorFormat::OAuth2 => {
                    if let Err(reason) = check_error_body(lowered, &object) {
                        self.error_in(
                            example.referenced,
                            "error",
                            format!("errors.example would not be read as an error body: {reason}"),
                            "an oauth2 error body has a string `error` (RFC 6749 section 5.2); \
                             copy the documented body, or use `format: custom` with its fields",
                        );
                    }
                }
                model::ErrorFormat::Custom(fields) => {
                    self.example_fields(example, &object, lowered, fields, "error");
                }
            }
        }
    }

    /// The example as a JSON object: a YAML mapping as it is, a string parsed as JSON text or,
    /// when the spec's answers are form-encoded (spec format 1.1), as form pairs by the
    /// runtime's own reader; a mapping then holds text, as form pairs do.
    fn example_object(
        &mut self,
        example: &raw::Spanned<Value>,
        key: &str,
        provider: &model::ProviderSpec,
    ) -> Option<Map<String, Value>> {
        // `json_or_form` answers are read by their Content-Type, which an example has not: a
        // string that is not JSON is form pairs, a mapping is JSON (which covers text pairs).
        let form = match (&example.value, provider.response_format) {
            (_, model::ResponseFormat::Json) => false,
            (_, model::ResponseFormat::Form) => true,
            (Value::String(text), model::ResponseFormat::JsonOrForm) => {
                serde_json::from_str::<Value>(text).is_err()
            }
            (_, model::ResponseFormat::JsonOrForm) => false,
        };
        if form {
            return self.form_example(example, key, provider);
        }
        let parsed = match &example.value {
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(value) => value,
                Err(e) => {
                    self.error(
                        example.referenced,
                        format!("{key} is not JSON: {e}"),
                        "copy the body as the document shows it, or write it as a YAML mapping",
                    );
                    return None;
                }
            },
            other => other.clone(),
        };
        match parsed {
            Value::Object(object) => Some(object),
            _ => {
                self.error(
                    example.referenced,
                    format!("{key} is not an object"),
                    "a token endpoint answers with a JSON object: write the body as a mapping",
                );
                None
            }
        }
    }

    /// A documented form-encoded body (`access_token=...&expires_in=3600`), read as the runtime
    /// reads one; a mapping is taken as its pairs, each value as the text a pair would carry.
    fn form_example(
        &mut self,
        example: &raw::Spanned<Value>,
        key: &str,
        provider: &model::ProviderSpec,
    ) -> Option<Map<String, Value>> {
        match &example.value {
            Value::String(text) => {
                let form = Some("application/x-www-form-urlencoded");
                match read_body(provider, form, text.trim().as_bytes()) {
                    Ok(object) => Some(object),
                    Err(reason) => {
                        self.error(
                            example.referenced,
                            format!("{key} is not a form-encoded body: {reason}"),
                            "copy the body as the document shows it \
                             (access_token=...&token_type=bearer), or write it as a mapping",
                        );
                        None
                    }
                }
            }
            Value::Object(mapping) => {
                let mut object = Map::new();
                for (name, value) in mapping {
                    let text = match value {
                        Value::String(text) => text.clone(),
                        Value::Number(_) | Value::Bool(_) => value.to_string(),
                        Value::Null | Value::Array(_) | Value::Object(_) => {
                            self.error_in(
                                example.referenced,
                                name,
                                format!("{key} has `{name}` that is not text"),
                                "a form-encoded body is flat name=value pairs: give each value \
                                 as the text the document shows",
                            );
                            return None;
                        }
                    };
                    object.insert(name.clone(), Value::String(text));
                }
                Some(object)
            }
            _ => {
                self.error(
                    example.referenced,
                    format!("{key} is not a form-encoded body"),
                    "write the body as the document shows it, or as a mapping of its pairs",
                );
                None
            }
        }
    }

    /// Reads each declared field of `object` on its own, so every field the runtime would
    /// refuse is reported, not only the first.
    fn example_fields(
        &mut self,
        example: &raw::Spanned<Value>,
        object: &Map<String, Value>,
        provider: &model::ProviderSpec,
        fields: &[model::FieldSpec],
        what: &str,
    ) {
        for field in fields {
            let Err(reason) =
                normalize_fields(provider, std::slice::from_ref(field), object.clone())
            else {
                continue;
            };
            let wire = field.wire.join(".");
            let looks_like_date = field.ty.is_time()
                && field.ty != model::FieldType::Datetime
                && lookup(object, field.wire)
                    .and_then(Value::as_str)
                    .is_some_and(is_iso_date);
            let date = if looks_like_date {
                " and read as a number; the document gives an ISO 8601 date (type `datetime`)"
            } else {
                ""
            };
            // Mark the field's key inside the example when it is there (the last segment of a
            // nested path), else the whole example.
            let needle = field.wire.last().copied().unwrap_or(field.name);
            self.error_in(
                example.referenced,
                needle,
                format!("the documented {what} body would be refused at run time: {reason}"),
                format!(
                    "{what} field `{}` (from `{wire}`) is declared `{}`{}{date}; make the type, \
                     `required` or `from` say what the document shows",
                    field.name,
                    field.ty.name(),
                    if field.required { ", required" } else { "" },
                ),
            );
        }
    }
}

/// The value at a dotted wire path, as the runtime looks it up.
fn lookup<'a>(object: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    rest.iter().try_fold(object.get(*first)?, |value, key| {
        value.as_object()?.get(*key)
    })
}

/// `2026-11-29` or `2026-11-29T15:00:00Z`: a calendar date first (RFC 3339 section 5.6
/// `full-date`), whatever follows.
fn is_iso_date(text: &str) -> bool {
    let b = text.trim().as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use crate::load::Source;

    fn spec(response_example: &str, errors: &str) -> String {
        format!(
            "spec_version: 1
name: documented
title: Documented
docs: https://example.com/docs
default_environment: production
environments:
  production:
    token_url: https://auth.example.com/token
inputs:
  client_id:
    description: The client ID.
  client_secret:
    description: The client secret.
    secret: true
credentials:
  preferred: basic
  accepted:
    basic:
      user: client_id
      password: client_secret
grants:
  client_credentials: {{}}
response:
  fields:
    access_token:
      type: secret
      required: true
    expires_in:
      type: seconds
    scope:
      type: scopes
    account:
      type: id
      from: data.account
{response_example}
errors:
{errors}
"
        )
    }

    /// Parses and validates `text` as `specs/documented.yaml`: the providers, or every
    /// diagnostic as `tokenspec validate` prints it.
    fn validate(text: String) -> Result<usize, String> {
        let loaded = crate::load::parse(Source::new("specs/documented.yaml", text))
            .map_err(|d| format!("{d:?}"))?;
        let arena = bumpalo::Bump::new();
        super::super::validate(&arena, &[loaded])
            .map(|providers| providers.len())
            .map_err(|d| d.render(false))
    }

    #[test]
    fn documented_examples_that_the_runtime_accepts_pass() {
        // JSON text, numeric strings, a nested field and a custom error body: all read as the
        // runtime reads them.
        let json = spec(
            "  example: |\n    {\"access_token\": \"abc\", \"expires_in\": \"3600\", \
             \"scope\": \"a b\", \"data\": {\"account\": 42}}",
            "  format: custom\n  fields:\n    code:\n      type: integer\n      required: true\n  \
             example:\n    code: 401",
        );
        assert_eq!(validate(json), Ok(1));
        let mapping = spec(
            "  example:\n    access_token: abc\n    expires_in: 299",
            "  format: oauth2\n  example:\n    error: invalid_client",
        );
        assert_eq!(validate(mapping), Ok(1));
        // No example at all: a spec_version 1 file as before.
        assert_eq!(validate(spec("", "  format: oauth2")), Ok(1));
    }

    #[test]
    fn each_refused_field_is_reported_with_its_name() {
        let text = spec(
            "  example:\n    expires_in: 2026-11-29T15:00:00Z\n    data:\n      account: [1]",
            "  format: custom\n  fields:\n    code:\n      type: integer\n  \
             example: '{\"code\": \"x\"}'",
        );
        let report = validate(text).expect_err("three fields do not fit");
        assert!(
            report.contains("required field `access_token` is missing"),
            "{report}"
        );
        assert!(
            report.contains("field `expires_in` is not a whole number of seconds"),
            "{report}"
        );
        assert!(
            report.contains("the document gives an ISO 8601 date"),
            "{report}"
        );
        assert!(
            report.contains("field `data.account` is not a string or number"),
            "{report}"
        );
        assert!(
            report.contains("error field `code` (from `code`) is declared `integer`"),
            "{report}"
        );
    }

    #[test]
    fn an_example_that_is_not_a_json_object_is_refused() {
        let text = spec("  example: '{\"access_token\": '", "  format: oauth2");
        assert!(validate(text).is_err_and(|r| r.contains("response.example is not JSON")));
        let text = spec("  example: '[1, 2]'", "  format: oauth2");
        assert!(validate(text).is_err_and(|r| r.contains("response.example is not an object")));
    }
}
