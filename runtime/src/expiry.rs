//! Token lifetimes in every form providers send them.
//!
//! RFC 6749 section 5.1 sends a lifetime as `expires_in`, whole seconds from the response. Real
//! providers also send milliseconds, an instant in epoch seconds or milliseconds, or an
//! RFC 3339 date-time, at the top level or nested, and some tokens never expire. A spec names
//! the form with the field's type (`seconds`, `milliseconds`, `epoch_seconds`,
//! `epoch_milliseconds`, `datetime`; `timestamp` is spec format 1's name for epoch seconds) and
//! names the field that sets the lifetime with `response.expiry` ([`Expiry`]).
//!
//! Normalized data holds every time field in one unit whatever its wire form: seconds, a
//! duration for `seconds` and `milliseconds`, since the Unix epoch for instants. Whole seconds
//! stay JSON integers (so `expires_in` reads as it always did); a fraction carries the
//! milliseconds a wire value had, exactly (`f64` holds any whole number of milliseconds below
//! 2^53, some 285,000 years). [`duration_of`] and [`instant_of`] read them back.
//!
//! The unit traps are refused rather than guessed at: epoch seconds past year 9999 can only be
//! milliseconds, epoch milliseconds before 1973 can only be seconds, and a date-time string in
//! a numeric field (or a number in a `datetime` one) is another type. Each error names the
//! field and the type to declare, and `tokenspec validate` reports it at a documented
//! example's line, since it normalizes examples with this same code.

use crate::spec::{Expiry, FieldType};
use serde_json::{Map, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use time::OffsetDateTime;
use time::format_description::well_known::{Iso8601, Rfc3339};

/// The last second of year 9999 (`9999-12-31T23:59:59Z`) in epoch seconds: a larger "seconds"
/// value is milliseconds (today in milliseconds is some 1.8e12).
pub const MAX_EPOCH_SECONDS: i64 = 253_402_300_799;

/// `1973-03-03T09:46:40Z` in epoch milliseconds: a smaller "milliseconds" value is seconds
/// (today in seconds is some 1.8e9), as no token endpoint issues tokens dated 1973.
pub const MIN_EPOCH_MILLISECONDS: i64 = 100_000_000_000;

/// Largest number of milliseconds normalized data carries exactly as a fraction of seconds.
const MAX_EXACT_MILLIS: i128 = 1 << 53;

/// When an access token stops being valid, as the response and the spec say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenExpiry {
    /// It expires at this instant.
    At(SystemTime),
    /// It lives until it is revoked (the spec says `expiry: never`).
    Never,
    /// Neither the response nor the spec says.
    Unknown,
}

impl TokenExpiry {
    /// The time left at `now` (zero once past); `None` when the token never expires or its
    /// expiry is unknown.
    pub fn remaining(&self, now: SystemTime) -> Option<Duration> {
        match self {
            TokenExpiry::At(at) => Some(at.duration_since(now).unwrap_or(Duration::ZERO)),
            TokenExpiry::Never | TokenExpiry::Unknown => None,
        }
    }
}

impl From<Duration> for TokenExpiry {
    /// A lifetime counted from now.
    fn from(lifetime: Duration) -> Self {
        SystemTime::now()
            .checked_add(lifetime)
            .map_or(TokenExpiry::Never, TokenExpiry::At)
    }
}

impl From<SystemTime> for TokenExpiry {
    fn from(at: SystemTime) -> Self {
        TokenExpiry::At(at)
    }
}

impl<T: Into<TokenExpiry>> From<Option<T>> for TokenExpiry {
    /// `None` is an unknown expiry.
    fn from(value: Option<T>) -> Self {
        value.map_or(TokenExpiry::Unknown, Into::into)
    }
}

/// The expiry of a token whose response normalized to `fields` and arrived at `received`,
/// by the spec's [`Expiry`]: the named field (a duration counts from `received`, an instant is
/// taken as it is), else the spec's `access_lifetime` from `received`, else unknown.
pub fn token_expiry(
    provider: &tokenspec_spec::ProviderSpec<'_>,
    fields: &Map<String, Value>,
    received: SystemTime,
) -> TokenExpiry {
    let from_response = match provider.expiry {
        Expiry::Never => return TokenExpiry::Never,
        Expiry::Field(name) => field_expiry(provider, fields, name, received),
        // Spec format 1: `expires_in`, whatever its declared type (a spec may have typed it
        // `integer`): whole seconds unless it is one of the time types.
        Expiry::Default => field_expiry(provider, fields, "expires_in", received).or_else(|| {
            fields
                .get("expires_in")
                .and_then(Value::as_u64)
                .and_then(|secs| received.checked_add(Duration::from_secs(secs)))
        }),
    };
    from_response
        .or_else(|| {
            provider
                .access_lifetime
                .and_then(|secs| received.checked_add(Duration::from_secs(secs)))
        })
        .map_or(TokenExpiry::Unknown, TokenExpiry::At)
}

/// The instant the time field `name` of the response gives, if the response has it.
fn field_expiry(
    provider: &tokenspec_spec::ProviderSpec<'_>,
    fields: &Map<String, Value>,
    name: &str,
    received: SystemTime,
) -> Option<SystemTime> {
    let spec = provider.response.iter().find(|f| f.name == name)?;
    let value = fields.get(name)?;
    if spec.ty.is_duration() {
        received.checked_add(duration_of(value)?)
    } else if spec.ty.is_instant() {
        instant_of(value)
    } else {
        None
    }
}

/// A normalized duration (seconds, a fraction carrying milliseconds), or `None` if `value` is
/// not one (negative, not a number, out of range).
pub fn duration_of(value: &Value) -> Option<Duration> {
    if let Some(secs) = value.as_u64() {
        return Some(Duration::from_secs(secs));
    }
    let millis = millis_of(value.as_f64()?)?;
    u64::try_from(millis).ok().map(Duration::from_millis)
}

/// A normalized instant (seconds since the Unix epoch, a fraction carrying milliseconds), or
/// `None` if `value` is not one.
pub fn instant_of(value: &Value) -> Option<SystemTime> {
    let millis = match value.as_i64() {
        Some(secs) => i128::from(secs) * 1000,
        None => millis_of(value.as_f64()?)?,
    };
    let offset = Duration::from_millis(u64::try_from(millis.unsigned_abs()).ok()?);
    if millis >= 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    }
}

/// Whole milliseconds from seconds with a fraction, within the range held exactly.
fn millis_of(secs: f64) -> Option<i128> {
    let millis = (secs * 1000.0).round();
    // `as` saturates, and the bound keeps the value in the range held exactly.
    (millis.is_finite() && millis.abs() < MAX_EXACT_MILLIS as f64).then_some(millis as i128)
}

/// Normalized seconds from whole milliseconds: an integer when they are whole seconds.
fn seconds_value(millis: i128) -> Value {
    if millis % 1000 == 0
        && let Ok(secs) = i64::try_from(millis / 1000)
    {
        return Value::from(secs);
    }
    // Below 2^53 (checked by the callers), so the fraction holds the milliseconds exactly.
    Value::from(millis as f64 / 1000.0)
}

/// Normalizes a time field's wire value (`spec.ty` is a time type) to seconds.
///
/// # Errors
/// Why the value does not fit the declared type, naming the field by its wire path and, for
/// the unit traps, the type to declare instead.
pub fn normalize_time(spec: &tokenspec_spec::FieldSpec<'_>, raw: &Value) -> Result<Value, String> {
    let field = spec.wire_name();
    let declared = spec.ty.name();
    let wrong = |what: &str| format!("field `{field}` is not {what}");
    let instead = |what: &str, ty: &str| {
        format!("field `{field}` {what}; declare it `type: {ty}` instead of `{declared}`")
    };
    match spec.ty {
        FieldType::Seconds => {
            let n = whole_number(raw).ok_or_else(|| wrong("a whole number of seconds"))?;
            u64::try_from(n)
                .map(Value::from)
                .map_err(|_| wrong("a non-negative number of seconds"))
        }
        FieldType::Milliseconds => {
            let n = whole_number(raw).ok_or_else(|| wrong("a whole number of milliseconds"))?;
            if n < 0 {
                return Err(wrong("a non-negative number of milliseconds"));
            }
            // 2^53 ms is some 285,000 years: no lifetime, and beyond what is held exactly.
            if i128::from(n) >= MAX_EXACT_MILLIS {
                return Err(wrong("a lifetime in milliseconds below 2^53"));
            }
            Ok(seconds_value(i128::from(n)))
        }
        FieldType::Timestamp | FieldType::EpochSeconds => {
            let Some(secs) = number(raw) else {
                return Err(match raw.as_str().and_then(parse_datetime) {
                    Some(_) => instead("is a date-time string", "datetime"),
                    None => wrong("a number of seconds since the epoch"),
                });
            };
            if secs.abs() > MAX_EPOCH_SECONDS as f64 {
                return Err(instead(
                    "is past year 9999 as seconds since the epoch, so it holds milliseconds",
                    "epoch_milliseconds",
                ));
            }
            // Within ±year 9999, whole milliseconds are below 2^53.
            Ok(seconds_value((secs * 1000.0).round() as i128))
        }
        FieldType::EpochMilliseconds => {
            let Some(millis) = whole_number(raw) else {
                return Err(match raw.as_str().and_then(parse_datetime) {
                    Some(_) => instead("is a date-time string", "datetime"),
                    None => wrong("a whole number of milliseconds since the epoch"),
                });
            };
            if millis < MIN_EPOCH_MILLISECONDS {
                return Err(instead(
                    "is before 1973 as milliseconds since the epoch, so it holds seconds",
                    "epoch_seconds",
                ));
            }
            if millis / 1000 > MAX_EPOCH_SECONDS {
                return Err(wrong("an instant before year 10000"));
            }
            Ok(seconds_value(i128::from(millis)))
        }
        FieldType::Datetime => {
            let Some(text) = raw.as_str() else {
                return Err(match raw {
                    Value::Number(_) => {
                        instead("is a number", "epoch_seconds` or `type: epoch_milliseconds")
                    }
                    _ => wrong("an RFC 3339 date-time string"),
                });
            };
            if whole_number(raw).is_some() {
                return Err(instead(
                    "is a numeric string",
                    "epoch_seconds` or `type: epoch_milliseconds",
                ));
            }
            let at = parse_datetime(text).ok_or_else(|| {
                wrong("an RFC 3339 date-time with a UTC offset (2026-11-29T15:00:00Z)")
            })?;
            // Sub-millisecond digits are dropped: no provider's lifetime needs them.
            Ok(seconds_value(
                at.unix_timestamp_nanos().div_euclid(1_000_000),
            ))
        }
        _ => Err(wrong("a time")),
    }
}

/// An RFC 3339 date-time (section 5.6), or the ISO 8601 forms providers also send
/// (`+0000` offsets, say); never one without an offset, whose instant is unknown.
pub fn parse_datetime(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(text, &Iso8601::DEFAULT))
        .ok()
}

/// A whole number sent as a JSON number (integral floats included) or a numeric string.
pub(crate) fn whole_number(raw: &Value) -> Option<i64> {
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

/// Any finite number, sent as a JSON number or a numeric string.
fn number(raw: &Value) -> Option<f64> {
    match raw {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::FieldSpec;
    use serde_json::json;

    fn field(ty: FieldType) -> FieldSpec {
        FieldSpec {
            name: "expires_at",
            wire: &["data", "expiresAt"],
            ty,
            ..FieldSpec::DEFAULT
        }
    }

    fn norm(ty: FieldType, raw: Value) -> Result<Value, String> {
        normalize_time(&field(ty), &raw)
    }

    #[test]
    fn durations_normalize_to_seconds() {
        assert_eq!(norm(FieldType::Seconds, json!("3600")), Ok(json!(3600)));
        assert_eq!(
            norm(FieldType::Milliseconds, json!(3_600_000)),
            Ok(json!(3600))
        );
        assert_eq!(norm(FieldType::Milliseconds, json!("1500")), Ok(json!(1.5)));
        let d = duration_of(&norm(FieldType::Milliseconds, json!(86_399_999)).unwrap());
        assert_eq!(d, Some(Duration::from_millis(86_399_999)));
        assert!(norm(FieldType::Milliseconds, json!(-1)).is_err());
        // Beyond what seconds with a fraction hold exactly (found by the property below).
        assert!(norm(FieldType::Milliseconds, json!(9_007_199_254_740_992_i64)).is_err());
        assert!(norm(FieldType::Milliseconds, json!(1.5)).is_err());
        assert!(norm(FieldType::Seconds, json!("soon")).is_err());
    }

    #[test]
    fn instants_normalize_to_epoch_seconds() {
        let at = |secs: u64| Some(UNIX_EPOCH + Duration::from_secs(secs));
        let v = norm(FieldType::EpochSeconds, json!("1796050800")).unwrap();
        assert_eq!(instant_of(&v), at(1_796_050_800));
        let v = norm(FieldType::Timestamp, json!(1_796_050_800)).unwrap();
        assert_eq!(instant_of(&v), at(1_796_050_800));
        let v = norm(FieldType::EpochMilliseconds, json!(1_796_050_800_123_i64)).unwrap();
        assert_eq!(
            instant_of(&v),
            Some(UNIX_EPOCH + Duration::from_millis(1_796_050_800_123))
        );
        let v = norm(FieldType::Datetime, json!("2026-11-30T15:00:00Z")).unwrap();
        assert_eq!(v, json!(1_796_050_800));
        // An offset is applied; ISO 8601's +hhmm form is read too.
        let v = norm(FieldType::Datetime, json!("2026-11-30T16:00:00.250+01:00")).unwrap();
        assert_eq!(
            instant_of(&v),
            Some(UNIX_EPOCH + Duration::from_millis(1_796_050_800_250))
        );
        let v = norm(FieldType::Datetime, json!("2026-11-30T16:00:00+0100")).unwrap();
        assert_eq!(instant_of(&v), at(1_796_050_800));
    }

    #[test]
    fn unit_traps_name_the_type_to_declare() {
        let ms_as_seconds = norm(FieldType::Timestamp, json!(1_796_050_800_000_i64)).unwrap_err();
        assert!(
            ms_as_seconds.contains("`data.expiresAt`"),
            "{ms_as_seconds}"
        );
        assert!(
            ms_as_seconds.contains("type: epoch_milliseconds"),
            "{ms_as_seconds}"
        );
        let iso = norm(FieldType::EpochSeconds, json!("2026-11-29T15:00:00Z")).unwrap_err();
        assert!(iso.contains("type: datetime"), "{iso}");
        let seconds_as_ms = norm(FieldType::EpochMilliseconds, json!(1_796_050_800)).unwrap_err();
        assert!(
            seconds_as_ms.contains("type: epoch_seconds"),
            "{seconds_as_ms}"
        );
        let number = norm(FieldType::Datetime, json!(1_796_050_800)).unwrap_err();
        assert!(number.contains("epoch_seconds"), "{number}");
        let numeric_text = norm(FieldType::Datetime, json!("1796050800")).unwrap_err();
        assert!(numeric_text.contains("epoch_seconds"), "{numeric_text}");
        // No offset: the instant is unknown.
        assert!(norm(FieldType::Datetime, json!("2026-11-29T15:00:00")).is_err());
        assert!(norm(FieldType::Datetime, json!("tomorrow")).is_err());
    }

    const TIME_TYPES: [FieldType; 6] = [
        FieldType::Seconds,
        FieldType::Milliseconds,
        FieldType::Timestamp,
        FieldType::EpochSeconds,
        FieldType::EpochMilliseconds,
        FieldType::Datetime,
    ];

    proptest::proptest! {
        /// Milliseconds survive normalization exactly, as a lifetime and as an instant.
        #[test]
        fn milliseconds_round_trip_exactly(
            lifetime in 0_i64..(1 << 45),
            instant in MIN_EPOCH_MILLISECONDS..=MAX_EPOCH_SECONDS * 1000,
        ) {
            let d = norm(FieldType::Milliseconds, json!(lifetime)).map(|v| duration_of(&v));
            proptest::prop_assert_eq!(d, Ok(Some(Duration::from_millis(lifetime as u64))));
            let at = norm(FieldType::EpochMilliseconds, json!(instant.to_string()))
                .map(|v| instant_of(&v));
            proptest::prop_assert_eq!(
                at,
                Ok(Some(UNIX_EPOCH + Duration::from_millis(instant as u64)))
            );
        }

        /// Hostile values (any number, any text) are refused or read, never a panic.
        #[test]
        fn any_value_is_read_or_refused(
            number in proptest::num::f64::ANY,
            whole in proptest::num::i64::ANY,
            text in "\\PC{0,40}",
        ) {
            for ty in TIME_TYPES {
                for raw in [json!(number), json!(whole), json!(text.clone())] {
                    if let Ok(value) = norm(ty, raw) {
                        let read = if ty.is_duration() {
                            duration_of(&value).is_some()
                        } else {
                            instant_of(&value).is_some()
                        };
                        proptest::prop_assert!(read, "{ty:?} normalized to {value}");
                    }
                }
            }
        }
    }

    #[test]
    fn expiry_follows_the_spec() {
        static FIELDS: [FieldSpec; 2] = [
            FieldSpec {
                name: "expires_in",
                wire: &["expires_in"],
                ty: FieldType::Milliseconds,
                ..FieldSpec::DEFAULT
            },
            FieldSpec {
                name: "expires_at",
                wire: &["expires_at"],
                ty: FieldType::EpochSeconds,
                ..FieldSpec::DEFAULT
            },
        ];
        let received = UNIX_EPOCH + Duration::from_secs(1_000);
        let fields = match json!({"expires_in": 1.5, "expires_at": 5_000}) {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let spec = |expiry, access_lifetime| tokenspec_spec::ProviderSpec {
            response: &FIELDS,
            expiry,
            access_lifetime,
            ..tokenspec_spec::ProviderSpec::DEFAULT
        };
        assert_eq!(
            token_expiry(&spec(Expiry::Default, None), &fields, received),
            TokenExpiry::At(received + Duration::from_millis(1_500))
        );
        assert_eq!(
            token_expiry(&spec(Expiry::Field("expires_at"), None), &fields, received),
            TokenExpiry::At(UNIX_EPOCH + Duration::from_secs(5_000))
        );
        assert_eq!(
            token_expiry(&spec(Expiry::Never, Some(60)), &fields, received),
            TokenExpiry::Never
        );
        // The named field absent: the documented lifetime, else unknown.
        let empty = Map::new();
        assert_eq!(
            token_expiry(
                &spec(Expiry::Field("expires_at"), Some(60)),
                &empty,
                received
            ),
            TokenExpiry::At(received + Duration::from_secs(60))
        );
        assert_eq!(
            token_expiry(&spec(Expiry::Field("expires_at"), None), &empty, received),
            TokenExpiry::Unknown
        );
        assert_eq!(TokenExpiry::Never.remaining(received), None);
        assert_eq!(
            TokenExpiry::At(received).remaining(received + Duration::from_secs(1)),
            Some(Duration::ZERO)
        );
    }
}
