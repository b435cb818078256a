//! Parsing token responses and error bodies into normalized, typed-ready data.

use crate::Error;
use crate::error::{JsonErrorBody, UnexpectedResponse};
use crate::fields::{FieldError, Fields, FromFields};
use crate::mask::SecretMask;
use crate::spec::{FieldSpec, FieldType, ProviderSpec};
use serde_json::{Map, Value};
use std::fmt;

/// Field names masked in excerpts whatever the spec says: tokens and client secrets.
const ALWAYS_SECRET: &[&str] = &["access_token", "refresh_token", "id_token", "client_secret"];

/// How many characters of an unusable body an error carries.
const EXCERPT_CHARS: usize = 200;

/// A response or claim set, normalized by its field specs: keyed by the fields' Rust names,
/// defaults applied, seconds as numbers, scope lists as arrays. Generated structs are read from
/// it ([`FromFields`]); `Debug` masks secret fields.
#[derive(Clone)]
pub struct TokenData {
    fields: Map<String, Value>,
    specs: &'static [FieldSpec],
}

impl TokenData {
    /// The normalized value of the field called `name` (its Rust name).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// The fields, keyed by Rust name.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// Builds a generated struct (`TokenResponse`, `Claims`) from a copy of the fields.
    ///
    /// # Errors
    /// An unexpected response naming the first field that does not fit.
    pub fn to_typed<T: FromFields, B>(&self) -> Result<T, Error<B>> {
        self.clone().into_typed()
    }

    /// Builds a generated struct (`TokenResponse`, `Claims`) from the fields.
    ///
    /// # Errors
    /// An unexpected response naming the first field that does not fit.
    pub fn into_typed<T: FromFields, B>(self) -> Result<T, Error<B>> {
        self.read().map_err(|e| {
            Error::from(UnexpectedResponse {
                status: 200,
                content_type: String::new(),
                reason: format!("normalized fields do not fit the generated type: {e}"),
                excerpt: String::new(),
            })
        })
    }

    /// Builds a generated struct from the fields, the error naming the field (for claims).
    ///
    /// # Errors
    /// The first field that is missing or does not fit.
    pub fn read<T: FromFields>(self) -> Result<T, FieldError> {
        T::from_fields(&mut Fields::new(self.fields))
    }

    /// Deserializes into any serde type `T` (generated structs use [`TokenData::into_typed`]).
    pub fn deserialize<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(Value::Object(self.fields.clone()))
    }

    /// The fields under their wire names (top-level key of a nested path), secret values shown
    /// as `***` unless `reveal`.
    pub fn to_wire_json(&self, reveal: bool) -> Map<String, Value> {
        let mut out = Map::new();
        for spec in self.specs {
            if let Some(value) = self.fields.get(spec.name) {
                let value = if spec.ty == FieldType::Secret && !reveal {
                    Value::String("***".into())
                } else {
                    value.clone()
                };
                out.insert(spec.wire_name(), value);
            }
        }
        out
    }
}

impl fmt::Debug for TokenData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.to_wire_json(false)).finish()
    }
}

/// Turns a token endpoint's HTTP response into normalized token fields, a provider error, or an
/// unexpected-response error.
pub fn parse_token_response(
    provider: &'static ProviderSpec,
    response: &http::Response<Vec<u8>>,
) -> Result<TokenData, Error<JsonErrorBody>> {
    parse_token_response_hiding(provider, response, SecretMask::new)
}

/// [`parse_token_response`] for a request that carried the secrets of `secrets()`: an error
/// never shows them, however the server echoed them (see [`SecretMask`]). `secrets` is called
/// only when the answer is an error.
pub fn parse_token_response_hiding(
    provider: &'static ProviderSpec,
    response: &http::Response<Vec<u8>>,
    secrets: impl Fn() -> SecretMask,
) -> Result<TokenData, Error<JsonErrorBody>> {
    let status = response.status().as_u16();
    let body = response.body();
    let unexpected = |reason: String| {
        let content_type = response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mask = secrets();
        Error::from(UnexpectedResponse {
            status,
            // A header the server chose: it may echo a secret too.
            content_type: mask.hide(content_type).into_owned(),
            reason,
            excerpt: excerpt_hiding(provider, body, &mask),
        })
    };
    let provider_error = |mut body: JsonErrorBody| {
        let mask = secrets();
        mask.hide_map(&mut body.0);
        // The challenge may have been cut at its length limit: no beginning of a secret may
        // show at the end either.
        let challenge = crate::error::www_authenticate(response.headers())
            .map(|value| mask.hide_tail(&mask.hide(&value)).into_owned());
        Error::provider_with_challenge(status, body, challenge)
    };
    // The body in the spec's response format (spec format 1.1: JSON, form pairs, or either by
    // Content-Type). For JSON, content types are not trusted: real servers send JSON as
    // text/plain and HTML as JSON.
    let content_type = response
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let object = read_body(provider, content_type, body);

    if !response.status().is_success() {
        return match object.ok().and_then(|o| error_body(provider, &o)) {
            Some(body) => Err(provider_error(body)),
            // A 401 often explains itself only in its challenge (RFC 7235 section 3.1, RFC 6750
            // section 3), with an empty or HTML body: kept in the reason, secrets hidden.
            None => {
                let challenge = crate::error::www_authenticate(response.headers())
                    .map(|value| {
                        let mask = secrets();
                        let value = mask.hide_tail(&mask.hide(&value)).into_owned();
                        format!(" (WWW-Authenticate: {value})")
                    })
                    .unwrap_or_default();
                Err(unexpected(format!(
                    "HTTP {status} without a documented error body{challenge}"
                )))
            }
        };
    }
    let object = object.map_err(unexpected)?;
    // Some servers answer 200 with an OAuth error body; that is an error, not a token.
    if object.contains_key("error")
        && !object.contains_key("access_token")
        && let Some(body) = error_body(provider, &object)
    {
        return Err(provider_error(body));
    }
    normalize_fields_from(
        provider,
        provider.response,
        object,
        Some(response.headers()),
    )
    .map(|fields| TokenData {
        fields,
        specs: provider.response,
    })
    .map_err(unexpected)
}

/// Reads a body as `provider`'s answers are read (spec format 1.1, `response.format`): a JSON
/// object, or `application/x-www-form-urlencoded` pairs as text values, chosen by the format
/// and, for `json_or_form`, by `content_type`. Generic over the spec's lifetime so the
/// generator reads documented examples exactly so.
///
/// # Errors
/// Why the body cannot be read in that format (never quoting a value).
pub fn read_body(
    provider: &tokenspec_spec::ProviderSpec<'_>,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<Map<String, Value>, String> {
    let custom_errors = match provider.errors {
        tokenspec_spec::ErrorFormat::Custom(fields) => fields,
        tokenspec_spec::ErrorFormat::OAuth2 => &[],
    };
    crate::answer::decode(
        provider.response_format,
        content_type,
        body,
        &[provider.response, custom_errors],
    )
}

/// The error body, if `object` has the provider's documented error shape.
fn error_body(provider: &ProviderSpec, object: &Map<String, Value>) -> Option<JsonErrorBody> {
    check_error_body(provider, object).ok().map(JsonErrorBody)
}

/// Reads `object` as the provider's error body exactly as a failed response's body is read:
/// the body the caller gets, or why it would be reported as an unexpected response instead.
/// Generic over the spec's lifetime so the generator can check documented error examples
/// against the spec it is validating (its specs live in an arena, not in statics).
///
/// # Errors
/// The reason the body does not have the documented error shape.
pub fn check_error_body(
    provider: &tokenspec_spec::ProviderSpec<'_>,
    object: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    match provider.errors {
        tokenspec_spec::ErrorFormat::OAuth2 => {
            // RFC 6749 section 5.2: `error` is REQUIRED, a string.
            if !object.get("error").is_some_and(Value::is_string) {
                return Err("required field `error` is missing or not a string".into());
            }
            let mut body = Map::new();
            for key in ["error", "error_description", "error_uri"] {
                if let Some(v @ Value::String(_)) = object.get(key) {
                    body.insert(key.to_owned(), v.clone());
                }
            }
            Ok(body)
        }
        tokenspec_spec::ErrorFormat::Custom(fields) => {
            normalize_fields(provider, fields, object.clone())
        }
    }
}

/// Normalizes `object` by `specs`: every required field present, every value of its type.
pub fn normalize(
    provider: &ProviderSpec,
    specs: &'static [FieldSpec],
    object: &Map<String, Value>,
) -> Result<TokenData, String> {
    normalize_owned(provider, specs, object.clone())
}

/// [`normalize`] taking the object: top-level fields are moved out rather than copied (the
/// common case, and most of the per-token work after JSON parsing).
fn normalize_owned(
    provider: &ProviderSpec,
    specs: &'static [FieldSpec],
    object: Map<String, Value>,
) -> Result<TokenData, String> {
    normalize_fields(provider, specs, object).map(|fields| TokenData { fields, specs })
}

/// [`normalize`] for specs of any lifetime, returning the fields keyed by Rust name: the one
/// implementation behind responses at run time and the generator's check of documented
/// examples (`response.example`), so an example passes `validate` exactly when the runtime
/// would accept it.
///
/// # Errors
/// The first required field that is missing or value that does not fit its type.
pub fn normalize_fields(
    provider: &tokenspec_spec::ProviderSpec<'_>,
    specs: &[tokenspec_spec::FieldSpec<'_>],
    object: Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    normalize_fields_from(provider, specs, object, None)
}

/// [`normalize_fields`] with the answer's headers, which fields declared with `header:` are
/// read from (spec format 1.1). Without headers (a documented example is a body alone), header
/// fields are left out.
///
/// # Errors
/// The first required field that is missing or value that does not fit its type.
pub fn normalize_fields_from(
    provider: &tokenspec_spec::ProviderSpec<'_>,
    specs: &[tokenspec_spec::FieldSpec<'_>],
    mut object: Map<String, Value>,
    headers: Option<&http::HeaderMap>,
) -> Result<Map<String, Value>, String> {
    let mut fields = Map::new();
    for (i, spec) in specs.iter().enumerate() {
        // A wire key another spec also reads stays in place for it.
        let shared = |key: &str| {
            specs
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.wire.first() == Some(&key))
        };
        let raw = match (spec.header, headers) {
            (Some(header), Some(headers)) => crate::answer::header_value(headers, spec, header)?,
            (Some(_), None) => continue,
            (None, _) => match spec.wire {
                [key] if !shared(key) => object.remove(*key),
                path => lookup(&object, path).cloned(),
            },
        }
        .filter(|v| !v.is_null());
        let value = match raw {
            Some(raw) => convert(provider, spec, raw)?,
            None => match default_of(spec)? {
                Some(value) => value,
                None => continue,
            },
        };
        fields.insert(spec.name.to_owned(), value);
    }
    Ok(fields)
}

/// The spec's default for an absent field; an error if the field is required.
fn default_of(spec: &tokenspec_spec::FieldSpec<'_>) -> Result<Option<Value>, String> {
    match spec.default {
        Some(text) => serde_json::from_str(text)
            .map(Some)
            .map_err(|e| format!("default of `{}` is not JSON: {e}", spec.name)),
        None if spec.required => Err(match spec.header {
            Some(header) => format!(
                "required header `{header}` (field `{}`) is missing",
                spec.name
            ),
            None => format!("required field `{}` is missing", spec.wire_name()),
        }),
        None => Ok(None),
    }
}

fn lookup<'a>(object: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let mut value = object.get(*first)?;
    for key in rest {
        value = value.as_object()?.get(*key)?;
    }
    Some(value)
}

fn convert(
    provider: &tokenspec_spec::ProviderSpec<'_>,
    spec: &tokenspec_spec::FieldSpec<'_>,
    raw: Value,
) -> Result<Value, String> {
    let wrong = |what: &str| format!("field `{}` is not {what}", spec.wire_name());
    Ok(match spec.ty {
        FieldType::String | FieldType::TokenType => match &raw {
            Value::String(_) => raw,
            _ => return Err(wrong("a string")),
        },
        FieldType::Secret => match &raw {
            // The access token goes into an `Authorization` header: it must fit in one.
            Value::String(s) if spec.name == "access_token" && !header_safe(s) => {
                return Err(wrong("a token that fits in an HTTP header"));
            }
            Value::String(s) if !s.is_empty() => raw,
            _ => return Err(wrong("a non-empty string")),
        },
        FieldType::Id => match &raw {
            Value::String(_) => raw,
            Value::Number(n) => Value::String(n.to_string()),
            _ => return Err(wrong("a string or number")),
        },
        // Durations and instants in every unit normalize to seconds (see `crate::expiry`).
        FieldType::Seconds
        | FieldType::Milliseconds
        | FieldType::Timestamp
        | FieldType::EpochSeconds
        | FieldType::EpochMilliseconds
        | FieldType::Datetime => crate::expiry::normalize_time(spec, &raw)?,
        FieldType::Integer => {
            Value::from(whole_number(&raw).ok_or_else(|| wrong("a whole number"))?)
        }
        FieldType::Number => match &raw {
            Value::Number(_) => raw,
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| wrong("a number"))?,
            _ => return Err(wrong("a number")),
        },
        FieldType::Boolean => match &raw {
            Value::Bool(_) => raw,
            Value::String(s) if s == "true" || s == "false" => Value::Bool(s == "true"),
            _ => return Err(wrong("a boolean")),
        },
        FieldType::Scopes => match &raw {
            Value::String(s) => Value::Array(
                s.split(provider.scopes.delimiter)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_owned()))
                    .collect(),
            ),
            Value::Array(items) if items.iter().all(Value::is_string) => raw,
            _ => return Err(wrong("a scope list")),
        },
        FieldType::Strings => match &raw {
            Value::String(_) => Value::Array(vec![raw]),
            Value::Array(items) if items.iter().all(Value::is_string) => raw,
            _ => return Err(wrong("a list of strings")),
        },
        FieldType::Json => raw,
    })
}

/// A whole number sent as a JSON number (integral floats included) or a numeric string.
/// Visible ASCII, spaces and tabs: what an `Authorization` header value may carry.
fn header_safe(token: &str) -> bool {
    token
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}

/// Masks the fields that always hold secrets (`access_token`, `refresh_token`, ...) anywhere
/// in `value`, for excerpts built without the provider's spec at hand.
pub(crate) fn mask_known_secrets(value: &mut Value) {
    let names: Vec<String> = ALWAYS_SECRET.iter().map(|s| (*s).to_owned()).collect();
    mask_json(value, &names);
}

fn whole_number(raw: &Value) -> Option<i64> {
    match raw {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                .map(|f| f as i64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The first characters of a body, with secret fields masked.
pub fn excerpt(provider: &ProviderSpec, body: &[u8]) -> String {
    excerpt_hiding(provider, body, &SecretMask::new())
}

/// The first characters of a body, with secret fields masked and the secrets of `mask` hidden
/// wherever they are echoed: before the cut, and at it (no beginning of a secret shows where
/// the excerpt ends).
pub fn excerpt_hiding(provider: &ProviderSpec, body: &[u8], mask: &SecretMask) -> String {
    let secret_names: Vec<String> = provider
        .response
        .iter()
        .filter(|f| f.ty == FieldType::Secret)
        .filter_map(|f| f.wire.first().map(|s| (*s).to_owned()))
        .chain(ALWAYS_SECRET.iter().map(|s| (*s).to_owned()))
        .collect();
    let text = match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            mask_json(&mut value, &secret_names);
            value.to_string()
        }
        Err(_) => mask_text(&String::from_utf8_lossy(body), &secret_names),
    };
    mask.excerpt(&text, EXCERPT_CHARS)
}

fn mask_json(value: &mut Value, names: &[String]) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if names.iter().any(|n| n == key) {
                    *v = Value::String("***".into());
                } else {
                    mask_json(v, names);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| mask_json(v, names)),
        _ => {}
    }
}

/// Masks `"name": "value"` in text that is not valid JSON (a truncated body, say), and
/// `name=value` (a form-encoded or plain-text answer).
fn mask_text(text: &str, names: &[String]) -> String {
    if names.is_empty() {
        return text.to_owned();
    }
    // One pattern for all names: compiling a regex costs more than the rest of an excerpt.
    let names = names
        .iter()
        .map(|n| regex::escape(n))
        .collect::<Vec<_>>()
        .join("|");
    // A JSON string runs to its closing quote, escaped quotes included (RFC 8259 §7), or to
    // the end of a cut body.
    let json = format!(r#"("(?:{names})"\s*:\s*")(?:[^"\\]|\\.)*(?:\\|"|$)"#);
    let form = format!(r#"(\b(?:{names})\s*=\s*)[^&\s"]*"#);
    let mut out = text.to_owned();
    if let Ok(re) = regex::Regex::new(&json) {
        out = re.replace_all(&out, "${1}***\"").into_owned();
    }
    if let Ok(re) = regex::Regex::new(&form) {
        out = re.replace_all(&out, "${1}***").into_owned();
    }
    out
}
