//! Keeping secrets out of everything tokenctl prints.
//!
//! Two layers. The structural one knows where secrets live: credential headers (the part
//! after the scheme), secret parameters of a form or JSON body and of the query string, secret
//! fields of a token response. The second catches what a server echoes back: every secret value
//! tokenctl knows of (secret inputs, the HTTP Basic credentials in both RFC 6749 §2.3.1 and raw
//! encoding, the credential headers as sent, tokens it received) is replaced by `***` wherever
//! it stands as a whole value in a string printed, error messages and echoed error bodies
//! included: as is, percent- or form-encoded, JSON-escaped or HTML-escaped, never as a part of
//! other text (the runtime's [`SecretMask`] decides what a whole occurrence is). A string the
//! runtime cut (ending in `…`) loses a tail that begins a secret. `--reveal` turns both layers
//! off.

use serde_json::Value;
use std::collections::BTreeSet;
use tokenspec_runtime::mask::SecretMask;
use tokenspec_runtime::{CONFIDENTIAL_PARAMS, Placement, ProviderSpec};

/// What a masked value prints as.
pub const MASK: &str = tokenspec_runtime::mask::MASK;

/// How the runtime marks a cut excerpt.
const CUT: char = '…';

/// Replaces known secret values by `***` in printed text and JSON.
#[derive(Debug, Default)]
pub struct Redactor {
    reveal: bool,
    mask: SecretMask,
}

impl Redactor {
    /// A redactor that masks, or with `reveal` one that lets everything through.
    pub fn new(reveal: bool) -> Self {
        Redactor {
            reveal,
            mask: SecretMask::new(),
        }
    }

    /// Whether secrets are shown (`--reveal`).
    pub fn revealing(&self) -> bool {
        self.reveal
    }

    /// Remembers a secret value, to be hidden in every encoding.
    pub fn add(&mut self, secret: &str) {
        if !self.reveal {
            self.mask.add_secret(secret);
        }
    }

    /// Remembers everything `mask` hides (a client's secret inputs and Basic credentials).
    pub fn add_mask(&mut self, mask: &SecretMask) {
        if !self.reveal {
            self.mask.extend(mask);
        }
    }

    /// Remembers the credentials a request carries as sent: the value of each sensitive header
    /// after its scheme (`Basic <this>`), or all of it. Whatever encoding the runtime chose for
    /// them, an echo of the header is found.
    pub fn add_request(&mut self, request: &http::Request<Vec<u8>>) {
        if self.reveal {
            return;
        }
        for value in request.headers().values().filter(|v| v.is_sensitive()) {
            let Ok(text) = value.to_str() else { continue };
            let credential = match text.split_once(' ') {
                Some((scheme, rest)) if scheme.chars().all(|c| c.is_ascii_alphanumeric()) => rest,
                _ => text,
            };
            self.mask.add_literal(credential.trim());
        }
    }

    /// `text` with every known secret replaced by `***`; in text the runtime cut (ending in
    /// `…`), also a tail that begins a secret.
    pub fn text(&self, text: &str) -> String {
        if self.reveal {
            return text.to_owned();
        }
        let hidden = self.mask.hide(text);
        match hidden.strip_suffix(CUT) {
            Some(head) => format!("{}{CUT}", self.mask.hide_tail(head)),
            None => hidden.into_owned(),
        }
    }

    /// Masks every string value (not the keys) of `value` in place.
    pub fn json(&self, value: &mut Value) {
        if self.reveal || self.mask.is_empty() {
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
    let secret = |input: &str| {
        provider
            .input(input)
            .is_some_and(|i| provider.is_secret_input(i))
    };
    // The parameters OAuth makes confidential (an authorization code, RFC 6749 §10.5; a PKCE
    // verifier, RFC 7636 §7.1; ...) whatever the spec says, and the tokens themselves.
    let mut names: BTreeSet<String> = CONFIDENTIAL_PARAMS
        .iter()
        .chain(&["access_token"])
        .map(|name| (*name).to_owned())
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
            // An input alone, or inside a template (spec format 1.2): a value built from a
            // secret is secret.
            if param.source.inputs().into_iter().any(secret) {
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
    fn redactor_masks_echoed_basic_credentials_in_both_encodings() {
        use base64::Engine as _;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let mut mask = SecretMask::new();
        mask.add_basic("client:1", "p%41ss+w/rd");
        let mut r = Redactor::new(false);
        r.add_mask(&mask);
        for pair in ["client:1:p%41ss+w/rd", "client%3A1:p%2541ss%2Bw%2Frd"] {
            let echo = format!("bad header Authorization: Basic {}", b64(pair));
            assert_eq!(r.text(&echo), "bad header Authorization: Basic ***");
        }
        // The header as a request carried it, whatever encoding the runtime chose.
        let mut r = Redactor::new(false);
        let mut value = http::HeaderValue::from_static("Basic Y2xpZW50OnNlY3JldA==");
        value.set_sensitive(true);
        let mut request = http::Request::new(Vec::new());
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, value);
        r.add_request(&request);
        assert_eq!(r.text("got Basic Y2xpZW50OnNlY3JldA=="), "got Basic ***");
    }

    #[test]
    fn redactor_masks_html_escaped_echoes() {
        let mut r = Redactor::new(false);
        r.add("sd+secret&7\"Hk2");
        for echo in [
            "<p>sd&#43;secret&amp;7&quot;Hk2</p>",
            "<p>sd&#x2B;secret&amp;7&#34;Hk2</p>",
            "<p>sd&plus;secret&amp;7&quot;Hk2</p>",
        ] {
            assert_eq!(r.text(echo), "<p>***</p>", "{echo}");
        }
    }

    #[test]
    fn redactor_hides_a_secret_cut_by_an_excerpt() {
        let mut r = Redactor::new(false);
        r.add("sw-api-key-QX81");
        assert_eq!(r.text("key sw-api-k…"), "key ***…");
        // Too short a beginning to say anything, or text that merely ends alike.
        assert_eq!(r.text("key sw-…"), "key sw-…");
        assert_eq!(r.text("key xsw-api-k…"), "key xsw-api-k…");
        // Only cut text (the runtime's `…`) loses its tail.
        assert_eq!(r.text("key sw-api-k"), "key sw-api-k");
    }

    #[test]
    fn redactor_never_masks_part_of_other_text() {
        let mut r = Redactor::new(false);
        r.add("x");
        r.add("secret");
        let text = "content-type: application/x-www-form-urlencoded; secrets; x-secret";
        assert_eq!(r.text(text), text);
        // As a whole value it goes, even when short.
        assert_eq!(
            r.text("client_secret=x&scope=secret"),
            "client_secret=***&scope=***"
        );
        let mut v = serde_json::json!({"a": "x", "b": "take x or y", "c": "a secret."});
        r.json(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"a": "***", "b": "take x or y", "c": "a ***."})
        );
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

    #[test]
    fn a_parameter_built_from_a_secret_by_a_template_is_masked() {
        use tokenspec_runtime::{GrantSpec, InputSpec, ParamSource, ParamSpec, TemplatePart};
        static INPUTS: [InputSpec; 2] = [
            InputSpec {
                name: "account",
                ..InputSpec::DEFAULT
            },
            InputSpec {
                name: "api_key",
                secret: true,
                ..InputSpec::DEFAULT
            },
        ];
        static GRANTS: [GrantSpec; 1] = [GrantSpec {
            params: &[
                ParamSpec {
                    name: "signature",
                    source: ParamSource::Template(&[
                        TemplatePart::Input("account"),
                        TemplatePart::Text(":"),
                        TemplatePart::Input("api_key"),
                    ]),
                    ..ParamSpec::DEFAULT
                },
                ParamSpec {
                    name: "label",
                    source: ParamSource::Template(&[
                        TemplatePart::Text("acct-"),
                        TemplatePart::Input("account"),
                    ]),
                    ..ParamSpec::DEFAULT
                },
            ],
            ..GrantSpec::DEFAULT
        }];
        static PROVIDER: ProviderSpec = ProviderSpec {
            inputs: &INPUTS,
            grants: &GRANTS,
            ..ProviderSpec::DEFAULT
        };
        let secret = secret_params(&PROVIDER);
        assert!(secret.contains("signature"));
        assert!(!secret.contains("label"));
        assert_eq!(
            mask_pairs("signature=acme%3Ak&label=acct-acme", &secret),
            "signature=***&label=acct-acme"
        );
    }
}
