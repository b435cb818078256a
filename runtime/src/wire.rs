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

/// `serde(with)` helpers for [`std::time::Duration`] fields (`seconds`, `milliseconds`) of
/// custom error bodies, carried as normalized seconds (a fraction carries milliseconds).
pub mod seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;
    use std::time::Duration;

    /// Deserializes normalized seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let value = Value::deserialize(deserializer)?;
        crate::expiry::duration_of(&value)
            .ok_or_else(|| serde::de::Error::custom("expected a non-negative number of seconds"))
    }

    /// Serializes seconds, with milliseconds as a fraction (error bodies are serialized for
    /// their `Display`).
    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        if value.subsec_millis() == 0 {
            serializer.serialize_u64(value.as_secs())
        } else {
            serializer.serialize_f64(value.as_millis() as f64 / 1000.0)
        }
    }
}

/// `serde(with)` helpers for optional [`std::time::Duration`] fields, as [`seconds`].
pub mod option_seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Deserializes optional normalized seconds.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Duration>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::seconds")] Duration);
        Option::<Wrap>::deserialize(deserializer).map(|o| o.map(|w| w.0))
    }

    /// Serializes optional seconds.
    pub fn serialize<S: Serializer>(
        value: &Option<Duration>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => super::seconds::serialize(d, serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// `serde(with)` helpers for [`std::time::SystemTime`] fields (`timestamp`, `epoch_seconds`,
/// `epoch_milliseconds`, `datetime`) of custom error bodies, carried as normalized seconds
/// since the Unix epoch.
pub mod instant {
    use serde::{Deserialize, Deserializer, Serializer};
    use serde_json::Value;
    use std::time::{SystemTime, UNIX_EPOCH};

    /// Deserializes normalized seconds since the epoch.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SystemTime, D::Error> {
        let value = Value::deserialize(deserializer)?;
        crate::expiry::instant_of(&value)
            .ok_or_else(|| serde::de::Error::custom("expected seconds since the Unix epoch"))
    }

    /// Serializes seconds since the epoch, with milliseconds as a fraction.
    pub fn serialize<S: Serializer>(value: &SystemTime, serializer: S) -> Result<S::Ok, S::Error> {
        let millis = match value.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_millis() as f64,
            Err(before) => -(before.duration().as_millis() as f64),
        };
        if millis % 1000.0 == 0.0 {
            serializer.serialize_i64((millis / 1000.0) as i64)
        } else {
            serializer.serialize_f64(millis / 1000.0)
        }
    }
}

/// `serde(with)` helpers for optional [`std::time::SystemTime`] fields, as [`instant`].
pub mod option_instant {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::SystemTime;

    /// Deserializes optional normalized seconds since the epoch.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        #[derive(Deserialize)]
        struct Wrap(#[serde(with = "super::instant")] SystemTime);
        Option::<Wrap>::deserialize(deserializer).map(|o| o.map(|w| w.0))
    }

    /// Serializes an optional instant.
    pub fn serialize<S: Serializer>(
        value: &Option<SystemTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => super::instant::serialize(t, serializer),
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
