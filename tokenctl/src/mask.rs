//! Keeping secrets out of everything tokenctl prints.
//!
//! Two layers. The structural one knows where secrets live: credential headers (the part
//! after the scheme), secret parameters of a form or JSON body and of the query string, secret
//! fields of a token response. The second is a last line of defence: every secret value
//! tokenctl knows of (secret inputs, tokens it received), in the encodings it can take on the
//! wire, is replaced by `***` in every string printed, error messages and echoed error bodies
//! included. `--reveal` turns both off.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;
use std::collections::BTreeSet;
use tokenspec_runtime::{ParamSource, Placement, ProviderSpec};

/// What a masked value prints as.
pub const MASK: &str = "***";

/// RFC 3986 unreserved characters stay as they are; everything else is percent-encoded (the
/// runtime's path-segment encoding).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Replaces known secret values by `***` in printed text and JSON.
#[derive(Debug, Default)]
pub struct Redactor {
    reveal: bool,
    /// Every secret in every encoding, longest first.
    needles: Vec<String>,
}

impl Redactor {
    /// A redactor that masks, or with `reveal` one that lets everything through.
    pub fn new(reveal: bool) -> Self {
        Redactor {
            reveal,
            needles: Vec::new(),
        }
    }

    /// Whether secrets are shown (`--reveal`).
    pub fn revealing(&self) -> bool {
        self.reveal
    }

    /// Remembers a secret value, as is and as it looks form-encoded, percent-encoded and
    /// JSON-escaped.
    pub fn add(&mut self, secret: &str) {
        if self.reveal || secret.is_empty() {
            return;
        }
        let json = serde_json::to_string(secret).unwrap_or_default();
        let variants = [
            secret.to_owned(),
            form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
            utf8_percent_encode(secret, COMPONENT).to_string(),
            utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string(),
            json.trim_matches('"').to_owned(),
        ];
        for variant in variants {
            if !variant.is_empty() && !self.needles.contains(&variant) {
                self.needles.push(variant);
            }
        }
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    /// `text` with every known secret replaced by `***`.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }

    /// Masks every string value (not the keys) of `value` in place.
    pub fn json(&self, value: &mut Value) {
        if self.needles.is_empty() {
            return;
        }
        match value {
            Value::String(s) => {
                let masked = self.text(s);
                if masked != *s {
                    *s = masked;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            Value::Object(map) => map.values_mut().for_each(|v| self.json(v)),
            _ => {}
        }
    }
}

/// Wire names of request parameters that carry secret inputs: secret credential fields of
/// every accepted body or query placement, secret grant and authorize parameters, plus the
/// names that are secret whatever a spec says.
pub fn secret_params(provider: &ProviderSpec) -> BTreeSet<String> {
    let secret = |input: &str| provider.input(input).is_some_and(|i| i.secret);
    let mut names: BTreeSet<String> = ["client_secret", "refresh_token", "access_token"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    for placement in provider.credentials.accepted {
        if let Placement::Body(fields) | Placement::Query(fields) = placement {
            for (wire, input) in *fields {
                if secret(input) {
                    names.insert((*wire).to_owned());
                }
            }
        }
    }
    for grant in provider.grants {
        for param in grant.params.iter().chain(grant.authorize_params) {
            if let ParamSource::Input(input) = param.source
                && secret(input)
            {
                names.insert(param.name.to_owned());
            }
        }
    }
    names
}

/// An `a=1&b=2` string (query or form body) with the values of secret parameters replaced by
/// `***`; everything else is kept byte for byte.
pub fn mask_pairs(pairs: &str, secret: &BTreeSet<String>) -> String {
    pairs
        .split('&')
        .map(|pair| {
            let (name, _) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded: String = form_urlencoded::parse(name.as_bytes())
                .next()
                .map(|(k, _)| k.into_owned())
                .unwrap_or_default();
            if secret.contains(&decoded) {
                format!("{name}={MASK}")
            } else {
                pair.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A URL with the values of secret query parameters replaced by `***`.
pub fn mask_url(url: &str, secret: &BTreeSet<String>) -> String {
    match url.split_once('?') {
        Some((base, query)) => {
            let (query, fragment) = match query.split_once('#') {
                Some((q, f)) => (q, Some(f)),
                None => (query, None),
            };
            let mut out = format!("{base}?{}", mask_pairs(query, secret));
            if let Some(f) = fragment {
                out.push('#');
                out.push_str(f);
            }
            out
        }
        None => url.to_owned(),
    }
}

/// A JSON request body with the values of secret top-level fields replaced by `***`.
pub fn mask_json_body(body: &str, secret: &BTreeSet<String>) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(Value::Object(mut object)) => {
            for (key, value) in object.iter_mut() {
                if secret.contains(key) {
                    *value = Value::String(MASK.into());
                }
            }
            Value::Object(object).to_string()
        }
        // Not an object: nothing to mask structurally (the redactor still runs).
        _ => body.to_owned(),
    }
}

/// A request header value with its credential masked: the provider's credential header
/// keeps only its fixed prefix (`X-API-Key: ***`), `Authorization` keeps its scheme
/// (`Basic ***`), any other header the runtime marked sensitive is `***` whole.
pub fn mask_header(provider: &ProviderSpec, name: &str, value: &str, sensitive: bool) -> String {
    for placement in provider.credentials.accepted {
        if let Placement::Header {
            name: header,
            prefix,
            ..
        } = placement
            && header.eq_ignore_ascii_case(name)
        {
            return format!("{prefix}{MASK}");
        }
    }
    if name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
    {
        return match value.split_once(' ') {
            Some((scheme, _))
                if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                format!("{scheme} {MASK}")
            }
            _ => MASK.to_owned(),
        };
    }
    if sensitive {
        return MASK.to_owned();
    }
    value.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn redactor_masks_every_encoding() {
        let mut r = Redactor::new(false);
        r.add("a b&c/d");
        assert_eq!(r.text("x=a+b%26c%2Fd"), "x=***");
        assert_eq!(r.text("path/a%20b%26c%2Fd"), "path/***");
        assert_eq!(r.text("raw a b&c/d."), "raw ***.");
        let mut v = serde_json::json!({"a b&c/d": ["a b&c/d"], "n": 1});
        r.json(&mut v);
        assert_eq!(v, serde_json::json!({"a b&c/d": ["***"], "n": 1}));
    }

    #[test]
    fn revealing_redactor_keeps_everything() {
        let mut r = Redactor::new(true);
        r.add("hunter2");
        assert_eq!(r.text("hunter2"), "hunter2");
    }

    #[test]
    fn pairs_keep_bytes_of_other_values() {
        let secret = names(&["client_secret"]);
        assert_eq!(
            mask_pairs(
                "grant_type=client_credentials&client_secret=x%2By&scope=a+b",
                &secret
            ),
            "grant_type=client_credentials&client_secret=***&scope=a+b"
        );
        assert_eq!(
            mask_url("https://h/p?client_secret=1&a=2#f", &secret),
            "https://h/p?client_secret=***&a=2#f"
        );
        assert_eq!(mask_url("https://h/p", &secret), "https://h/p");
        assert_eq!(
            mask_json_body(r#"{"client_id":"i","client_secret":"s"}"#, &secret),
            r#"{"client_id":"i","client_secret":"***"}"#
        );
    }
}
