//! Caller-supplied values, checked against the spec when they are set.

use crate::spec::{InputLocation, InputSpec, ProviderSpec};
use crate::{Error, Secret};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Values of a provider's inputs, each checked when set.
#[derive(Clone, Debug, Default)]
pub struct Inputs {
    values: BTreeMap<&'static str, Value>,
}

/// An input value; secret ones are never printed.
#[derive(Clone, Debug)]
pub enum Value {
    /// A value that may be shown.
    Plain(String),
    /// A value that is never shown.
    Secret(Secret),
}

impl Value {
    /// The value, for the wire.
    pub fn expose(&self) -> &str {
        match self {
            Value::Plain(s) => s,
            Value::Secret(s) => s.expose(),
        }
    }
}

impl Inputs {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks `value` against the input's spec and stores it. The error names the input and
    /// says why; it shows the value only when the input is not secret.
    pub fn set<B>(
        &mut self,
        provider: &ProviderSpec,
        name: &str,
        value: impl Into<String>,
    ) -> Result<(), Error<B>> {
        let Some(spec) = provider.input(name) else {
            let known: Vec<&str> = provider.inputs.iter().map(|i| i.name).collect();
            return Err(Error::input(
                name,
                format!(
                    "{} has no such input; expected one of: {}",
                    provider.name,
                    known.join(", ")
                ),
            ));
        };
        let value = value.into();
        // A code or code verifier is a secret even where the spec forgot to say so.
        let secret = provider.is_secret_input(spec);
        check(spec, secret, &value)?;
        let value = if secret {
            Value::Secret(Secret::new(value))
        } else {
            Value::Plain(value)
        };
        self.values.insert(spec.name, value);
        Ok(())
    }

    /// Stores an already-wrapped secret after checking it.
    pub fn set_secret<B>(
        &mut self,
        provider: &ProviderSpec,
        name: &str,
        value: &Secret,
    ) -> Result<(), Error<B>> {
        self.set(provider, name, value.expose())
    }

    /// The value of `name`, or the spec's default.
    pub fn get(&self, spec: &InputSpec) -> Option<&str> {
        self.values
            .get(spec.name)
            .map(Value::expose)
            .or(spec.default)
    }

    /// Whether the caller set `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Names of the inputs set.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.values.keys().copied()
    }

    /// The value of `name`, or an `InvalidInput` error saying it is required.
    pub(crate) fn require<B>(
        &self,
        provider: &ProviderSpec,
        name: &str,
    ) -> Result<Option<&str>, Error<B>> {
        let Some(spec) = provider.input(name) else {
            return Err(Error::input(name, "not declared by the spec"));
        };
        match self.get(spec) {
            Some(v) => Ok(Some(v)),
            None if spec.required => Err(Error::input(
                name,
                format!("required but not set ({})", spec.description),
            )),
            None => Ok(None),
        }
    }
}

/// Every check an input value must pass before it may reach the wire.
fn check<B>(spec: &InputSpec, secret: bool, value: &str) -> Result<(), Error<B>> {
    let shown = |v: &str| {
        if secret {
            "the value".to_owned()
        } else {
            format!("{v:?}")
        }
    };
    if value.is_empty() {
        return Err(Error::input(spec.name, "must not be empty"));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::input(
            spec.name,
            format!("{} contains a control character", shown(value)),
        ));
    }
    match spec.location {
        InputLocation::Host if !is_dns_label(value) => {
            return Err(Error::input(
                spec.name,
                format!(
                    "{} is not a DNS label (letters, digits and inner hyphens, at most 63)",
                    shown(value)
                ),
            ));
        }
        InputLocation::Path => {
            if value == "." || value == ".." || value.contains("..") {
                return Err(Error::input(
                    spec.name,
                    format!("{} may not contain `..`", shown(value)),
                ));
            }
            if let Some(c) = value.chars().find(|c| matches!(c, '/' | '?' | '#' | '\\')) {
                return Err(Error::input(
                    spec.name,
                    format!(
                        "{} may not contain `{c}` (it is one path segment)",
                        shown(value)
                    ),
                ));
            }
        }
        _ => {}
    }
    if let Some(pattern) = spec.pattern {
        // Patterns are checked to compile when the spec is generated; a failure here would be
        // a runtime/generator mismatch, reported rather than panicking.
        let re = Regex::new(&format!("^(?:{pattern})$"))
            .map_err(|e| Error::input(spec.name, format!("pattern does not compile: {e}")))?;
        if !re.is_match(value) {
            return Err(Error::input(
                spec.name,
                format!("{} does not match the pattern `{pattern}`", shown(value)),
            ));
        }
    }
    Ok(())
}

/// Refuses a URL whose host the values of its host variables (`host_inputs`, in template
/// order) turned into an IP address. Each value is a DNS label ([`is_dns_label`]), but the URL
/// parser (WHATWG URL Standard, "IPv4 parser", as the `url` crate implements it) reads a host
/// whose last label is a number (`2852039166`, `0x7f000001`, `0177`) as an IPv4 address:
/// `https://{tenant}/token` with tenant `2852039166` is `https://169.254.169.254/token`, the
/// cloud metadata address. Host variables exist to pick a customer's DNS name, so an address is
/// always refused (there is no opt-in), naming the last host variable: the one in the
/// rightmost label. Checked on the URL as filled in, before a base URL override replaces the
/// host, so nothing is sent.
pub(crate) fn check_host_is_dns_name<B>(
    url: &url::Url,
    host_inputs: &[&str],
) -> Result<(), Error<B>> {
    let Some(name) = host_inputs.last() else {
        return Ok(());
    };
    let address = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        Some(url::Host::Domain(_)) | None => return Ok(()),
    };
    Err(Error::input(
        name,
        format!(
            "makes the host the IP address {address}; host variables must make a DNS name, \
             never an IP address (a number in the last label is read as IPv4)"
        ),
    ))
}

/// RFC 1123 host label: 1–63 letters, digits and hyphens, no hyphen at either end.
pub fn is_dns_label(value: &str) -> bool {
    static LABEL: OnceLock<Regex> = OnceLock::new();
    let re = LABEL.get_or_init(|| {
        Regex::new(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$").expect("valid regex")
    });
    re.is_match(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(is_dns_label("acme"));
        assert!(is_dns_label("a-1"));
        assert!(!is_dns_label("evil.com/x#"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label("a-"));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(!is_dns_label(""));
    }

    #[test]
    fn host_variables_never_make_an_ip_address() {
        let check = |url: &str, inputs: &[&str]| {
            let url = url::Url::parse(url).expect("parses");
            check_host_is_dns_name::<crate::OAuthErrorBody>(&url, inputs).map_err(|e| e.to_string())
        };
        // Each a DNS label, each read as IPv4 when it is the last label.
        for (host, ip) in [
            ("2852039166", "169.254.169.254"),
            ("0x7f000001", "127.0.0.1"),
            ("0177", "0.0.0.127"),
        ] {
            let error = check(&format!("https://{host}/token"), &["tenant"]).expect_err(host);
            assert!(error.contains("`tenant`") && error.contains(ip), "{error}");
        }
        assert!(check("https://127.1/token", &["a", "b"]).is_err_and(|e| e.contains("`b`")));
        assert!(check("https://[::1]/token", &["tenant"]).is_err());
        assert!(check("https://2852039166-auth.example.com/token", &["tenant"]).is_ok());
        assert!(check("https://acme.example.com/token", &["tenant"]).is_ok());
        // A fixed address written in the spec is the spec's choice, visible in review.
        assert!(check("https://127.0.0.1/token", &[]).is_ok());
    }
}
