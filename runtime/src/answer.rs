//! Reading a token endpoint's answer as the spec's response format says (spec format 1.1):
//! the body as name/value pairs, JSON or `application/x-www-form-urlencoded`, and the response
//! headers some fields are read from.
//!
//! Both shapes end as one JSON object keyed by wire name, so the same normalization
//! ([`crate::response::normalize_fields`]) types them: a form value is text, which every field
//! type but `json` already accepts (numeric strings for seconds and numbers, `true`/`false`
//! for booleans, a delimited string for scopes). `validate` refuses a `json` field and nested
//! paths in a form-encoded answer, so nothing here has to guess.
//!
//! Answers are hostile: every malformed body is a reason (the caller turns it into an
//! unexpected-response error), never a panic, and a reason never quotes a value.

use crate::spec::ResponseFormat;
use serde_json::{Map, Value};

/// The media type of a form-encoded body.
const FORM_MEDIA_TYPE: &str = "application/x-www-form-urlencoded";

/// Whether an answer with this `Content-Type` is read as form pairs under `format`.
///
/// `json_or_form` goes by the media type alone (RFC 9110 section 8.3.1: case-insensitive,
/// parameters after `;` ignored); any other type, or none, is read as JSON, because real
/// servers send JSON as `text/plain` far more often than form pairs under a wrong type.
pub(crate) fn reads_form(format: ResponseFormat, content_type: Option<&str>) -> bool {
    match format {
        ResponseFormat::Json => false,
        ResponseFormat::Form => true,
        ResponseFormat::JsonOrForm => content_type.is_some_and(is_form_media_type),
    }
}

fn is_form_media_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(FORM_MEDIA_TYPE))
}

/// The body as one object keyed by wire name, in the format `format` and `content_type`
/// choose, or why it cannot be read so.
///
/// `known` are the wire names the spec declares: a reason names a repeated pair only when it
/// is one of them, so a server's arbitrary text never reaches an error.
pub(crate) fn decode(
    format: ResponseFormat,
    content_type: Option<&str>,
    body: &[u8],
    known: &[&[tokenspec_spec::FieldSpec<'_>]],
) -> Result<Map<String, Value>, String> {
    if reads_form(format, content_type) {
        return decode_form(body, known);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        // The GitHub case: a form-encoded answer to a spec that expects JSON.
        _ if content_type.is_some_and(is_form_media_type) => Err(
            "the body is not a JSON object (the server sent application/x-www-form-urlencoded: \
             the spec may need `response.format: form` or `json_or_form`)"
                .into(),
        ),
        _ => Err("the body is not a JSON object".into()),
    }
}

/// Parses `application/x-www-form-urlencoded` pairs (the WHATWG URL Standard's parser,
/// section 5.1: `&`-separated, split at the first `=`, `+` for a space, percent-decoded),
/// strictly where that parser is lenient: a `%` not followed by two hex digits and bytes that
/// do not decode to UTF-8 are refused rather than kept or replaced (a token altered so would
/// fail later and far from here), and so is a name given twice (RFC 6749 section 3.1:
/// parameters "MUST NOT be included more than once").
fn decode_form(
    body: &[u8],
    known: &[&[tokenspec_spec::FieldSpec<'_>]],
) -> Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the form-encoded body is not UTF-8 text")?;
    let first = text.trim_start().chars().next();
    if matches!(first, Some('{' | '[')) {
        return Err(
            "the body looks like JSON, but the spec declares a form-encoded answer \
             (`response.format: form`)"
                .into(),
        );
    }
    let mut object = Map::new();
    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = decode_component(name)?;
        let value = decode_component(value)?;
        if object.contains_key(&name) {
            let declared = known
                .iter()
                .flat_map(|fields| fields.iter())
                .any(|f| f.header.is_none() && f.wire.first() == Some(&name.as_str()));
            return Err(if declared {
                format!("the form-encoded body has `{name}` more than once (RFC 6749 section 3.1)")
            } else {
                "the form-encoded body has a pair the spec does not declare more than once \
                 (RFC 6749 section 3.1)"
                    .to_owned()
            });
        }
        object.insert(name, Value::String(value));
    }
    Ok(object)
}

/// One name or value: `+` is a space, `%XX` a byte, the bytes UTF-8.
fn decode_component(raw: &str) -> Result<String, String> {
    let bytes = raw.as_bytes();
    for (i, _) in raw.match_indices('%') {
        let hex = bytes.get(i + 1..i + 3);
        if !hex.is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) {
            return Err("the form-encoded body has a `%` not followed by two hex digits".into());
        }
    }
    let spaced = raw.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| "the form-encoded body has percent-encoded bytes that are not UTF-8".into())
}

/// The value of the header a field is read from, as JSON text for normalization; `None` when
/// the answer does not carry it. Header names are case-insensitive (RFC 9110 section 5.1);
/// [`http::HeaderMap`] compares them so.
///
/// # Errors
/// The header is sent more than once, or its value is not visible ASCII text.
pub(crate) fn header_value(
    headers: &http::HeaderMap,
    spec: &tokenspec_spec::FieldSpec<'_>,
    header: &str,
) -> Result<Option<Value>, String> {
    let mut values = headers.get_all(header).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(format!(
            "header `{header}` (field `{}`) is sent more than once",
            spec.name
        ));
    }
    let text = value.to_str().map_err(|_| {
        format!(
            "header `{header}` (field `{}`) is not visible ASCII text",
            spec.name
        )
    })?;
    Ok(Some(Value::String(text.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{FieldSpec, FieldType};
    use serde_json::json;

    const FIELDS: &[FieldSpec] = &[FieldSpec {
        name: "access_token",
        wire: &["access_token"],
        ty: FieldType::Secret,
        ..FieldSpec::DEFAULT
    }];

    fn form(body: &str) -> Result<Value, String> {
        decode(ResponseFormat::Form, None, body.as_bytes(), &[FIELDS]).map(Value::Object)
    }

    #[test]
    fn form_pairs_decode_as_the_whatwg_parser_does() {
        assert_eq!(
            form("access_token=a%2Bb+c&scope=repo%2Cgist&token_type=bearer&&empty=&bare"),
            Ok(json!({
                "access_token": "a+b c", "scope": "repo,gist", "token_type": "bearer",
                "empty": "", "bare": "",
            }))
        );
        // Only the first `=` splits; UTF-8 decodes.
        assert_eq!(form("a=b=c&n=%C3%A9"), Ok(json!({"a": "b=c", "n": "é"})));
        assert_eq!(form(""), Ok(json!({})));
    }

    #[test]
    fn malformed_form_bodies_are_reasons_that_quote_no_value() {
        let reason = form("access_token=abc%zz").unwrap_err();
        assert!(
            reason.contains("not followed by two hex digits"),
            "{reason}"
        );
        assert!(!reason.contains("abc"));
        assert!(form("access_token=abc%4").is_err());
        assert!(form("access_token=%").is_err());
        let reason = form("access_token=%FF%FE").unwrap_err();
        assert!(reason.contains("not UTF-8"), "{reason}");
        let reason = decode(ResponseFormat::Form, None, b"a=\xff", &[FIELDS]).unwrap_err();
        assert!(reason.contains("not UTF-8"), "{reason}");
    }

    #[test]
    fn a_repeated_name_is_refused_and_named_only_when_declared() {
        let reason = form("access_token=one&access_token=two").unwrap_err();
        assert!(reason.contains("`access_token` more than once"), "{reason}");
        assert!(
            !reason.contains("one") && !reason.contains("two"),
            "{reason}"
        );
        // Percent-encoding does not hide a repetition.
        assert!(form("access_token=one&access%5Ftoken=two").is_err());
        let reason = form("s3cr3tvalue=1&s3cr3tvalue=2").unwrap_err();
        assert!(!reason.contains("s3cr3tvalue"), "{reason}");
        assert!(reason.contains("does not declare"), "{reason}");
    }

    #[test]
    fn json_where_form_is_declared_is_refused() {
        let reason = form(r#" {"access_token": "abc"}"#).unwrap_err();
        assert!(reason.contains("the body looks like JSON"), "{reason}");
        assert!(form("[1]").is_err());
    }

    #[test]
    fn json_or_form_goes_by_the_media_type() {
        let pick = |ct| reads_form(ResponseFormat::JsonOrForm, ct);
        assert!(pick(Some("application/x-www-form-urlencoded")));
        assert!(pick(Some(
            "Application/X-WWW-Form-Urlencoded ; charset=utf-8"
        )));
        assert!(!pick(Some("application/json")));
        assert!(!pick(Some("text/plain")));
        assert!(!pick(None));
        assert!(!reads_form(
            ResponseFormat::Json,
            Some("application/x-www-form-urlencoded")
        ));
        assert!(reads_form(ResponseFormat::Form, Some("application/json")));
        let body = br#"{"access_token": "abc"}"#;
        assert_eq!(
            decode(
                ResponseFormat::JsonOrForm,
                Some("application/json"),
                body,
                &[]
            ),
            Ok(json!({"access_token": "abc"})
                .as_object()
                .cloned()
                .unwrap_or_default())
        );
        let object = decode(
            ResponseFormat::JsonOrForm,
            Some("application/x-www-form-urlencoded"),
            b"access_token=abc",
            &[],
        );
        assert_eq!(
            object.map(Value::Object),
            Ok(json!({"access_token": "abc"}))
        );
    }

    #[test]
    fn a_form_answer_to_a_json_spec_says_which_key_would_read_it() {
        let reason = decode(
            ResponseFormat::Json,
            Some("application/x-www-form-urlencoded; charset=utf-8"),
            b"access_token=abc&token_type=bearer",
            &[],
        )
        .unwrap_err();
        assert!(reason.contains("response.format: form"), "{reason}");
        let reason = decode(ResponseFormat::Json, Some("text/html"), b"<html>", &[]).unwrap_err();
        assert_eq!(reason, "the body is not a JSON object");
    }

    #[test]
    fn header_values_are_looked_up_case_insensitively_and_once() {
        let spec = FieldSpec {
            name: "token",
            header: Some("X-Subject-Token"),
            ..FieldSpec::DEFAULT
        };
        let mut headers = http::HeaderMap::new();
        assert_eq!(header_value(&headers, &spec, "X-Subject-Token"), Ok(None));
        headers.insert("x-subject-token", http::HeaderValue::from_static("gAAAA"));
        assert_eq!(
            header_value(&headers, &spec, "X-SUBJECT-TOKEN"),
            Ok(Some(json!("gAAAA")))
        );
        headers.append("x-subject-token", http::HeaderValue::from_static("other"));
        let reason = header_value(&headers, &spec, "X-Subject-Token").unwrap_err();
        assert!(
            reason.contains("more than once") && reason.contains("`token`"),
            "{reason}"
        );
        assert!(!reason.contains("gAAAA"));
        let mut headers = http::HeaderMap::new();
        let opaque = http::HeaderValue::from_bytes(b"caf\xe9").expect("obs-text is allowed");
        headers.insert("x-subject-token", opaque);
        let reason = header_value(&headers, &spec, "X-Subject-Token").unwrap_err();
        assert!(reason.contains("not visible ASCII"), "{reason}");
    }
}
