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
        // A PEM key an assertion is signed with, or a TLS client certificate or key (RFC 8705
        // section 2), spans lines (RFC 7468 section 2); it is never sent itself, so its line
        // breaks cannot end a header or split a parameter.
        let line_breaks = provider.signs_with(spec.name) || provider.presents_in_tls(spec.name);
        check(spec, secret, line_breaks, &value)?;
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
fn check<B>(
    spec: &InputSpec,
    secret: bool,
    line_breaks: bool,
    value: &str,
) -> Result<(), Error<B>> {
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
    if value
        .chars()
        .any(|c| c.is_control() && !(line_breaks && matches!(c, '\n' | '\r')))
    {
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
        InputLocation::Hostname {
            allow_ip,
            allow_port,
        } => {
            if let Err(reason) = check_host_name(value, allow_ip, allow_port) {
                return Err(Error::input(
                    spec.name,
                    format!("{} is not a host name: {reason}", shown(value)),
                ));
            }
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

/// Checks a whole host name given as an input (`https://{host}/...`): an RFC 1123 §2.1 DNS
/// name of letters, digits and inner hyphens, labels of 1–63 characters, at most 253 in all
/// (RFC 1035 §2.3.4), optionally followed by `:port` when `allow_port`. The value replaces the
/// URL's whole authority (RFC 3986 §3.2), so anything that could change what the URL means is
/// refused: user info (`@`), a path, query or fragment (`/`, `?`, `#`, and `\\`, which the
/// WHATWG URL parser reads as `/`), a trailing dot (a different name for TLS and `Host`),
/// non-ASCII (write the IDNA `xn--` form, RFC 5890 §2.3.2.1), and every form the URL parser
/// reads as an IP address (`2852039166`, `0x7f.1`, `[::1]`) unless `allow_ip`, and even then
/// only a dotted-quad IPv4 address or a bracketed IPv6 address (RFC 3986 §3.2.2). The reason is
/// returned without the value, which the caller shows or hides.
pub fn check_host_name(value: &str, allow_ip: bool, allow_port: bool) -> Result<(), String> {
    if let Some(c) = value
        .chars()
        .find(|c| matches!(c, '@' | '/' | '?' | '#' | '\\'))
    {
        return Err(match c {
            '@' => "user info (`…@`) is not allowed; credentials go where the spec says".into(),
            _ => format!("`{c}` is not allowed: the value is the host alone, without a path"),
        });
    }
    if !value.is_ascii() {
        return Err("non-ASCII is not allowed; write the IDNA form (`xn--…`, RFC 5890)".into());
    }
    let (host, port) = split_port(value)?;
    if let Some(port) = port {
        if !allow_port {
            return Err("a `:port` is not allowed by the spec".into());
        }
        if port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || !port.parse::<u16>().is_ok_and(|p| p > 0)
        {
            return Err(format!("port `{port}` is not a number from 1 to 65535"));
        }
    }
    if let Some(v6) = host.strip_prefix('[') {
        let v6 = v6.strip_suffix(']').unwrap_or(v6);
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return Err("a bracketed host must be an IPv6 address".into());
        }
        return if allow_ip {
            Ok(())
        } else {
            Err("an IP address is not allowed; give a DNS name".into())
        };
    }
    if host.is_empty() {
        return Err("the host is empty".into());
    }
    if host.ends_with('.') {
        return Err("write the name without a trailing dot".into());
    }
    if host.len() > 253 {
        return Err(format!(
            "{} characters, at most 253 (RFC 1035 §2.3.4)",
            host.len()
        ));
    }
    let last = host.rsplit('.').next().unwrap_or(host);
    // The WHATWG URL Standard's "ends in a number" test: such a host is parsed as IPv4.
    if is_ipv4_number(last) {
        if host.parse::<std::net::Ipv4Addr>().is_ok() {
            return if allow_ip {
                Ok(())
            } else {
                Err("an IP address is not allowed; give a DNS name".into())
            };
        }
        return Err("it would be read as an IP address (a number in the last label)".into());
    }
    for label in host.split('.') {
        if label.is_empty() {
            return Err("a label is empty (`..` or a leading dot)".into());
        }
        if !is_dns_label(label) {
            return Err(format!(
                "label `{label}` is not a DNS label (letters, digits and inner hyphens, at most 63)"
            ));
        }
    }
    Ok(())
}

/// `host` and `port` of `host[:port]` or `[v6][:port]`.
fn split_port(value: &str) -> Result<(&str, Option<&str>), String> {
    if value.starts_with('[') {
        let Some(close) = value.find(']') else {
            return Err("an unclosed `[`".into());
        };
        let (host, rest) = value.split_at(close + 1);
        return match rest.strip_prefix(':') {
            Some(port) => Ok((host, Some(port))),
            None if rest.is_empty() => Ok((host, None)),
            None => Err("text after the bracketed address".into()),
        };
    }
    match value.split_once(':') {
        Some((host, port)) => Ok((host, Some(port))),
        None => Ok((value, None)),
    }
}

/// A label the URL parser reads as an IPv4 number: decimal, `0x` hex or octal digits.
fn is_ipv4_number(label: &str) -> bool {
    let digits = label
        .strip_prefix("0x")
        .or_else(|| label.strip_prefix("0X"));
    match digits {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => !label.is_empty() && label.bytes().all(|b| b.is_ascii_digit()),
    }
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
    fn host_names_accept_dns_names() {
        for name in [
            "sso.example.com",
            "keycloak",
            "a-1.b-2.example",
            "xn--bcher-kva.example",
            "Auth.Example.COM",
            &format!("{}.example.com", "a".repeat(63)),
        ] {
            assert_eq!(check_host_name(name, false, false), Ok(()), "{name}");
        }
    }

    #[test]
    fn host_names_refuse_ip_literals_unless_allowed() {
        for ip in ["10.0.0.1", "[::1]", "[fe80::1]"] {
            let error = check_host_name(ip, false, false).expect_err(ip);
            assert!(error.contains("IP address"), "{ip}: {error}");
            assert_eq!(check_host_name(ip, true, false), Ok(()), "{ip}");
        }
        // Forms the URL parser reads as 169.254.169.254 or 127.0.0.1: never, even when allowed.
        for ip in [
            "2852039166",
            "0xa9fea9fe",
            "127.1",
            "0177.0.0.1",
            "example.0x7f",
        ] {
            assert!(check_host_name(ip, false, false).is_err(), "{ip}");
            assert!(check_host_name(ip, true, false).is_err(), "{ip}");
        }
        assert!(check_host_name("[not-v6]", true, false).is_err());
        // A number that is not the last label is an ordinary DNS label.
        assert_eq!(
            check_host_name("2852039166.example.com", false, false),
            Ok(())
        );
    }

    #[test]
    fn host_names_refuse_ports_unless_allowed() {
        let error = check_host_name("sso.example.com:8443", false, false).expect_err("port");
        assert!(error.contains("port"), "{error}");
        assert_eq!(check_host_name("sso.example.com:8443", false, true), Ok(()));
        assert_eq!(check_host_name("[::1]:8443", true, true), Ok(()));
        assert!(check_host_name("[::1]:8443", true, false).is_err());
        for bad in [
            "a.example:0",
            "a.example:65536",
            "a.example:",
            "a.example:80a",
            "a:1:2",
        ] {
            assert!(check_host_name(bad, false, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn host_names_refuse_user_info_and_paths() {
        for (value, says) in [
            ("user:pw@sso.example.com", "user info"),
            ("evil.example@sso.example.com", "user info"),
            ("sso.example.com/evil", "`/`"),
            ("sso.example.com?x", "`?`"),
            ("sso.example.com#x", "`#`"),
            ("sso.example.com\\evil", "`\\`"),
        ] {
            let error = check_host_name(value, true, true).expect_err(value);
            assert!(error.contains(says), "{value}: {error}");
        }
    }

    #[test]
    fn host_names_refuse_bad_labels_and_lengths() {
        let long_label = format!("{}.example.com", "a".repeat(64));
        let long_name = ["a".repeat(63).as_str(); 4].join(".") + ".com";
        for bad in [
            "",
            ".",
            "a..example",
            ".example.com",
            "example.com.",
            "-a.example",
            "a-.example",
            "a_b.example",
            "a b.example",
            long_label.as_str(),
            long_name.as_str(),
            "bücher.example",
            "ｅｘａｍｐｌｅ.com",
        ] {
            assert!(check_host_name(bad, true, true).is_err(), "{bad:?}");
        }
        assert!(check_host_name("bücher.example", false, false).is_err_and(|e| e.contains("xn--")));
    }

    #[test]
    fn a_host_name_input_names_itself_in_a_typed_error() {
        let spec = InputSpec {
            name: "host",
            location: InputLocation::Hostname {
                allow_ip: false,
                allow_port: false,
            },
            ..InputSpec::REQUIRED
        };
        let error = check::<crate::OAuthErrorBody>(&spec, false, false, "sso.example.com/x")
            .expect_err("a path");
        assert!(matches!(error, Error::InvalidInput(_)), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains("`host`") && text.contains("not a host name"),
            "{text}"
        );
        assert!(check::<crate::OAuthErrorBody>(&spec, false, false, "sso.example.com").is_ok());
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
