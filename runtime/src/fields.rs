//! Reading normalized fields into the generated `TokenResponse` and `Claims` structs.
//!
//! The runtime has already normalized a response by its field specs
//! ([`crate::response::normalize`]): keys are the fields' Rust names, defaults are applied,
//! seconds are whole numbers, scope lists are arrays. What is left for a generated struct is to
//! take each value out, so it implements [`FromFields`] with one line per field instead of
//! deriving serde's `Deserialize`. The derive's visitor code was about half of what the
//! compiler spent on a provider module (BENCHMARKS.md, "Compile cost"); the readers here are
//! generic over a handful of value types, compiled once for all providers.
//!
//! A value that does not fit (a type the spec did not promise, a required field missing) is
//! reported, never guessed at: the same rules serde applied (no number from a string, no
//! fraction for whole seconds, `null` only where the field is optional).

use crate::{Secret, TokenType};
use serde_json::{Map, Value};
use std::fmt;
use std::time::{Duration, SystemTime};

/// A generated struct built from normalized fields.
pub trait FromFields: Sized {
    /// Takes this struct's fields out of `fields`; fields it does not declare are ignored.
    ///
    /// # Errors
    /// The first field that is missing (when required) or does not fit its type.
    fn from_fields(fields: &mut Fields) -> Result<Self, FieldError>;
}

/// Normalized fields, keyed by Rust name, as a generated struct reads them.
#[derive(Clone, Default)]
pub struct Fields(Map<String, Value>);

impl Fields {
    /// The fields of a normalized response or claim set.
    pub fn new(fields: Map<String, Value>) -> Self {
        Fields(fields)
    }

    /// The field `name`, which the spec says is always there (required, or with a default).
    ///
    /// # Errors
    /// When it is missing or `null`, or does not fit `T`.
    pub fn required<T: FieldValue>(&mut self, name: &'static str) -> Result<T, FieldError> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Err(FieldError::new(name, "it is missing")),
            Some(value) => T::from_value(value).map_err(|reason| FieldError::new(name, reason)),
        }
    }

    /// The field `name`, which may be absent (`None`, as is `null`).
    ///
    /// # Errors
    /// When it is there but does not fit `T`.
    pub fn optional<T: FieldValue>(&mut self, name: &'static str) -> Result<Option<T>, FieldError> {
        match self.0.remove(name) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::from_value(value)
                .map(Some)
                .map_err(|reason| FieldError::new(name, reason)),
        }
    }
}

// Values can be secrets: `Debug` names the fields only.
impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

/// A field that does not fit the generated struct. Names the field, never shows its value
/// (it may be a token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's Rust name.
    pub field: &'static str,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl FieldError {
    fn new(field: &'static str, reason: &'static str) -> Self {
        FieldError { field, reason }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.reason)
    }
}

impl std::error::Error for FieldError {}

/// A type a normalized field can be read as: one per spec field type.
pub trait FieldValue: Sized {
    /// The value, or why it does not fit.
    ///
    /// # Errors
    /// When `value` is not of this type.
    fn from_value(value: Value) -> Result<Self, &'static str>;
}

impl FieldValue for String {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        match value {
            Value::String(s) => Ok(s),
            _ => Err("expected a string"),
        }
    }
}

impl FieldValue for Secret {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        String::from_value(value).map(Secret::new)
    }
}

impl FieldValue for TokenType {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        String::from_value(value).map(|s| {
            if s.eq_ignore_ascii_case("bearer") {
                TokenType::Bearer
            } else {
                TokenType::Other(s)
            }
        })
    }
}

/// A duration (`seconds` and `milliseconds` fields), normalized to seconds; a fraction carries
/// milliseconds (see [`crate::expiry`]).
impl FieldValue for Duration {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        crate::expiry::duration_of(&value).ok_or("expected a non-negative number of seconds")
    }
}

/// An instant (`timestamp`, `epoch_seconds`, `epoch_milliseconds` and `datetime` fields),
/// normalized to seconds since the Unix epoch; a fraction carries milliseconds.
impl FieldValue for SystemTime {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        crate::expiry::instant_of(&value).ok_or("expected seconds since the Unix epoch")
    }
}

impl FieldValue for i64 {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        value.as_i64().ok_or("expected a whole number")
    }
}

impl FieldValue for f64 {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        value.as_f64().ok_or("expected a number")
    }
}

impl FieldValue for bool {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        value.as_bool().ok_or("expected true or false")
    }
}

impl FieldValue for Vec<String> {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        match value {
            Value::Array(items) => items.into_iter().map(String::from_value).collect(),
            _ => Err("expected a list of strings"),
        }
    }
}

impl FieldValue for Value {
    fn from_value(value: Value) -> Result<Self, &'static str> {
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(value: Value) -> Fields {
        match value {
            Value::Object(map) => Fields::new(map),
            _ => unreachable!("tests pass objects"),
        }
    }

    #[test]
    fn every_type_reads_what_normalization_writes() {
        let mut f = fields(json!({
            "s": "x", "secret": "t", "bearer": "bearer", "mac": "MAC", "secs": 299, "at": 1_796_050_800.25,
            "int": -5, "num": 0.5, "flag": true, "list": ["a", "b"], "json": {"k": [1]},
        }));
        assert_eq!(f.required::<String>("s"), Ok("x".to_owned()));
        assert_eq!(
            f.required::<Secret>("secret")
                .map(|s| s.expose().to_owned()),
            Ok("t".into())
        );
        assert_eq!(f.required::<TokenType>("bearer"), Ok(TokenType::Bearer));
        assert_eq!(
            f.required::<TokenType>("mac"),
            Ok(TokenType::Other("MAC".into()))
        );
        assert_eq!(f.required::<Duration>("secs"), Ok(Duration::from_secs(299)));
        assert_eq!(
            f.required::<SystemTime>("at"),
            Ok(std::time::UNIX_EPOCH + Duration::from_millis(1_796_050_800_250))
        );
        assert_eq!(f.required::<i64>("int"), Ok(-5));
        assert_eq!(f.required::<f64>("num"), Ok(0.5));
        assert_eq!(f.required::<bool>("flag"), Ok(true));
        assert_eq!(
            f.required::<Vec<String>>("list"),
            Ok(vec!["a".into(), "b".into()])
        );
        assert_eq!(f.required::<Value>("json"), Ok(json!({"k": [1]})));
    }

    #[test]
    fn missing_null_and_mistyped_fields() {
        let mut f = fields(json!({"null": null, "text": "3600", "frac": 1.5, "neg": -1}));
        assert_eq!(f.optional::<String>("absent"), Ok(None));
        assert_eq!(f.optional::<String>("null"), Ok(None));
        let missing = f.required::<String>("absent").unwrap_err();
        assert_eq!(missing.to_string(), "field `absent`: it is missing");
        // No number from a string, no negative duration; a fraction is milliseconds.
        assert!(f.required::<i64>("text").is_err());
        assert!(f.required::<Duration>("text").is_err());
        assert_eq!(
            f.optional::<Duration>("frac"),
            Ok(Some(Duration::from_millis(1500)))
        );
        assert!(f.optional::<Duration>("neg").is_err());
    }

    #[test]
    fn errors_and_debug_never_show_values() {
        let mut f = fields(json!({"access_token": 42, "refresh_token": "hunter2"}));
        let error = f.required::<Secret>("access_token").unwrap_err();
        assert_eq!(error.to_string(), "field `access_token`: expected a string");
        assert_eq!(format!("{f:?}"), r#"{"refresh_token"}"#);
    }
}
