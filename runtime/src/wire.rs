//! Value types of token responses that generated structs share.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// `token_type` as sent, compared case-insensitively (`bearer` is `Bearer`).
///
/// It is informational only: the runtime builds `Authorization: Bearer ...` from a fixed
/// template ([`crate::bearer_header`]), never by echoing this value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenType {
    /// `Bearer`, in any case.
    Bearer,
    /// Anything else, as sent.
    Other(String),
}

impl TokenType {
    /// The canonical spelling.
    pub fn as_str(&self) -> &str {
        match self {
            TokenType::Bearer => "Bearer",
            TokenType::Other(s) => s,
        }
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TokenType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(if s.eq_ignore_ascii_case("bearer") {
            TokenType::Bearer
        } else {
            TokenType::Other(s)
        })
    }
}

impl Serialize for TokenType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// `serde(with)` helpers for [`std::time::Duration`] fields carried as whole seconds.
pub mod seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Deserializes whole seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_secs)
    }

    /// Serializes whole seconds (error bodies are serialized for their `Display`).
    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.as_secs())
    }
}

/// `serde(with)` helpers for optional [`std::time::Duration`] fields carried as whole seconds.
pub mod option_seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Deserializes optional whole seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        Option::<u64>::deserialize(deserializer).map(|o| o.map(Duration::from_secs))
    }

    /// Serializes optional whole seconds.
    pub fn serialize<S: Serializer>(
        value: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => serializer.serialize_some(&d.as_secs()),
            None => serializer.serialize_none(),
        }
    }
}

/// The `Authorization` header value for calling an API with `access_token`: always
/// `Bearer <token>`, whatever `token_type` said.
pub fn bearer_header(access_token: &crate::Secret) -> http::HeaderValue {
    let mut value = http::HeaderValue::from_str(&format!("Bearer {}", access_token.expose()))
        .unwrap_or_else(|_| http::HeaderValue::from_static("Bearer"));
    value.set_sensitive(true);
    value
}
