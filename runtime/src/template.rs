//! The values of spec format 1.2: templates (`template: "Bearer {api_key}"`), fixed JSON
//! values (`value: 3600`) and headers, resolved from the caller's inputs.
//!
//! A template is filled with the inputs' values as they are; the whole value is then encoded
//! by where it lands (the form or JSON serializer of the body, the URL serializer of the
//! query), so an input is never encoded twice nor left raw. A header value cannot be encoded
//! at all (RFC 9110 section 5.5): one that would hold a CR, LF or NUL is refused, naming the
//! input it came from, before any request is made.

use crate::Error;
use crate::input::Inputs;
use crate::spec::{HeaderSpec, ParamSource, ProviderSpec, TemplatePart};
use std::borrow::Cow;

/// A value ready to be placed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    /// Text, encoded by where it lands.
    Text(Cow<'a, str>),
    /// The JSON text of a fixed value that is not a string (a JSON body only).
    Json(&'static str),
}

/// The value of `source`, or `Ok(None)` when it is left out: an input, or every input of a
/// template, optional and unset. A template whose inputs are only partly set is an error
/// naming the first unset one: `{client_id}:{account}` sent as `abc:` is a wrong credential,
/// not a missing one, and the provider's answer would not say which.
pub(crate) fn resolve<'a, B>(
    provider: &ProviderSpec,
    inputs: &'a Inputs,
    source: ParamSource,
) -> Result<Option<Value<'a>>, Error<B>> {
    Ok(match source {
        ParamSource::Fixed(value) => Some(Value::Text(Cow::Borrowed(value))),
        ParamSource::Json(json) => Some(Value::Json(json)),
        ParamSource::Input(input) => inputs
            .require(provider, input)?
            .map(|value| Value::Text(Cow::Borrowed(value))),
        ParamSource::Template(parts) => {
            fill(provider, inputs, parts, |_, _| Ok(()))?.map(|text| Value::Text(Cow::Owned(text)))
        }
    })
}

/// Fills `parts`, calling `check` with each input's name and value first.
fn fill<B>(
    provider: &ProviderSpec,
    inputs: &Inputs,
    parts: &[TemplatePart],
    check: impl Fn(&str, &str) -> Result<(), Error<B>>,
) -> Result<Option<String>, Error<B>> {
    let mut out = String::new();
    let mut unset = None;
    let mut set = false;
    for part in parts {
        match *part {
            TemplatePart::Text(text) => out.push_str(text),
            TemplatePart::Input(input) => match inputs.require(provider, input)? {
                Some(value) => {
                    check(input, value)?;
                    set = true;
                    out.push_str(value);
                }
                None => unset = unset.or(Some(input)),
            },
        }
    }
    match unset {
        None => Ok(Some(out)),
        Some(_) if !set => Ok(None),
        Some(input) => Err(Error::input(
            input,
            "not set, but other inputs of the same template are: the value would be half filled in",
        )),
    }
}

/// Whether a value built from `source` must be hidden: it reads a secret input.
pub(crate) fn is_secret(provider: &ProviderSpec, source: &ParamSource) -> bool {
    source
        .inputs()
        .into_iter()
        .filter_map(|name| provider.input(name))
        .any(|input| provider.is_secret_input(input))
}

/// Why `value` cannot be a header value, if it cannot: RFC 9110 section 5.5 allows no CR, LF
/// or NUL at all (they would end the header or the request), and `http` takes visible ASCII,
/// space and tab only.
fn header_problem(header: &str, value: &str) -> Option<String> {
    if value.contains(['\r', '\n', '\0']) {
        return Some(format!(
            "contains a line break or NUL, which cannot be sent in the `{header}` header \
             (RFC 9110 section 5.5)"
        ));
    }
    if !value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        return Some(format!(
            "contains a control or non-ASCII character, which cannot be sent in the `{header}` header"
        ));
    }
    None
}

/// Appends `list` to `headers`: each value resolved, checked, and marked sensitive (kept out
/// of `Debug` and HTTP/2 header compression) when it reads a secret input or `all_sensitive`
/// says so (a credentials placement). The secret inputs inside a composed value are hidden in
/// a server's echo by the client's mask, like any secret input. An `Accept` header replaces
/// the one the runtime derives from `response.format`.
pub(crate) fn append_headers<B>(
    provider: &ProviderSpec,
    inputs: &Inputs,
    list: &[HeaderSpec],
    all_sensitive: bool,
    headers: &mut http::HeaderMap,
) -> Result<(), Error<B>> {
    for header in list {
        let value = match header.source {
            ParamSource::Fixed(value) => Some(Cow::Borrowed(value)),
            ParamSource::Input(input) => match inputs.require(provider, input)? {
                Some(value) => {
                    if let Some(problem) = header_problem(header.name, value) {
                        return Err(Error::input(input, problem));
                    }
                    Some(Cow::Borrowed(value))
                }
                None => None,
            },
            ParamSource::Template(parts) => {
                fill(
                    provider,
                    inputs,
                    parts,
                    |input, value| match header_problem(header.name, value) {
                        Some(problem) => Err(Error::input(input, problem)),
                        None => Ok(()),
                    },
                )?
                .map(Cow::Owned)
            }
            // Validation keeps JSON values out of headers; a hand-written spec is told.
            ParamSource::Json(_) => {
                return Err(Error::input(
                    header.name,
                    "a JSON value cannot be a header; write it as text",
                ));
            }
        };
        let Some(value) = value else {
            // A credential header is the request's credentials: leaving it out would send the
            // request unauthenticated instead of saying what is missing.
            if all_sensitive {
                let missing = header
                    .source
                    .inputs()
                    .into_iter()
                    .find(|input| {
                        provider
                            .input(input)
                            .is_none_or(|spec| inputs.get(spec).is_none())
                    })
                    .unwrap_or(header.name);
                return Err(Error::input(
                    missing,
                    format!(
                        "required by the credential header `{}` but not set",
                        header.name
                    ),
                ));
            }
            continue;
        };
        // Validation refuses framing and hop-by-hop headers; a hand-written spec is refused
        // here (RFC 9112 section 6, RFC 9110 section 7.6.1).
        if crate::spec::FORBIDDEN_HEADERS
            .iter()
            .any(|forbidden| forbidden.eq_ignore_ascii_case(header.name))
        {
            return Err(Error::input(
                header.name,
                "a framing or hop-by-hop header cannot be set by a spec",
            ));
        }
        let name = http::HeaderName::from_bytes(header.name.as_bytes()).map_err(|_| {
            Error::input(
                header.name,
                "the spec's header name is not an RFC 9110 token",
            )
        })?;
        // Only fixed text remains unchecked here, and validation checked it.
        let mut header_value = http::HeaderValue::from_str(&value).map_err(|_| {
            Error::input(header.name, "the spec's value cannot be sent in a header")
        })?;
        if all_sensitive || is_secret(provider, &header.source) {
            header_value.set_sensitive(true);
        }
        if name == http::header::ACCEPT {
            headers.insert(name, header_value);
        } else {
            headers.append(name, header_value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::InputSpec;

    static INPUTS: [InputSpec; 3] = [
        InputSpec {
            name: "client_id",
            ..InputSpec::DEFAULT
        },
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
    static PROVIDER: ProviderSpec = ProviderSpec {
        inputs: &INPUTS,
        ..ProviderSpec::DEFAULT
    };
    static PAIR: [TemplatePart; 3] = [
        TemplatePart::Input("client_id"),
        TemplatePart::Text(":"),
        TemplatePart::Input("account"),
    ];
    static BEARER: [TemplatePart; 2] = [
        TemplatePart::Text("Bearer "),
        TemplatePart::Input("api_key"),
    ];

    fn inputs(pairs: &[(&str, &str)]) -> Inputs {
        let mut inputs = Inputs::new();
        for (name, value) in pairs {
            inputs
                .set::<String>(&PROVIDER, name, *value)
                .expect("a valid input");
        }
        inputs
    }

    fn text(value: Option<Value>) -> Option<String> {
        match value {
            Some(Value::Text(text)) => Some(text.into_owned()),
            Some(Value::Json(json)) => panic!("a JSON value {json}"),
            None => None,
        }
    }

    #[test]
    fn a_template_is_filled_left_out_or_refused_by_which_inputs_are_set() {
        let both = inputs(&[("client_id", "abc"), ("account", "acme")]);
        let value = resolve::<String>(&PROVIDER, &both, ParamSource::Template(&PAIR));
        assert_eq!(text(value.expect("filled")).as_deref(), Some("abc:acme"));
        // Every input optional and unset: the parameter or header is left out.
        let none = inputs(&[]);
        let value = resolve::<String>(&PROVIDER, &none, ParamSource::Template(&PAIR));
        assert_eq!(text(value.expect("left out")), None);
        // Half filled: an error naming the unset input, never `abc:`.
        let half = inputs(&[("client_id", "abc")]);
        let error = resolve::<String>(&PROVIDER, &half, ParamSource::Template(&PAIR))
            .expect_err("half filled");
        assert!(error.to_string().contains("account"), "{error}");
    }

    #[test]
    fn a_header_value_with_a_line_break_is_refused_naming_the_input() {
        // `Inputs::set` refuses control characters, but a hand-written static's default is
        // not checked by it.
        static KEY: [InputSpec; 1] = [InputSpec {
            name: "api_key",
            secret: true,
            default: Some("k\r\nX-Injected: 1"),
            ..InputSpec::DEFAULT
        }];
        static HOSTILE: ProviderSpec = ProviderSpec {
            inputs: &KEY,
            ..ProviderSpec::DEFAULT
        };
        let hostile = Inputs::new();
        let list = [HeaderSpec {
            name: "Authorization",
            source: ParamSource::Template(&BEARER),
        }];
        let mut headers = http::HeaderMap::new();
        let error = append_headers::<String>(&HOSTILE, &hostile, &list, false, &mut headers)
            .expect_err("refused");
        let message = error.to_string();
        assert!(
            message.contains("api_key") && message.contains("line break"),
            "{message}"
        );
        assert!(
            !message.contains("X-Injected"),
            "the value is not echoed: {message}"
        );
        assert!(headers.is_empty());
    }

    #[test]
    fn an_unset_credential_header_is_an_error_not_a_request_without_credentials() {
        let list = [HeaderSpec {
            name: "X-Api-Key",
            source: ParamSource::Input("api_key"),
        }];
        let unset = inputs(&[]);
        // A plain header whose optional input is unset is left out ...
        let mut headers = http::HeaderMap::new();
        append_headers::<String>(&PROVIDER, &unset, &list, false, &mut headers).expect("left out");
        assert!(headers.is_empty());
        // ... but a credential header names the input it is missing.
        let error = append_headers::<String>(&PROVIDER, &unset, &list, true, &mut headers)
            .expect_err("refused");
        assert!(error.to_string().contains("api_key"), "{error}");
        assert!(headers.is_empty());
    }

    #[test]
    fn a_framing_header_of_a_hand_written_spec_is_refused() {
        let list = [HeaderSpec {
            name: "Content-Length",
            source: ParamSource::Fixed("0"),
        }];
        let mut headers = http::HeaderMap::new();
        let error = append_headers::<String>(&PROVIDER, &inputs(&[]), &list, false, &mut headers)
            .expect_err("refused");
        assert!(error.to_string().contains("Content-Length"), "{error}");
        assert!(headers.is_empty());
    }

    #[test]
    fn a_header_built_from_a_secret_is_sensitive_and_masked() {
        let set = inputs(&[("api_key", "s3cr3t-key"), ("client_id", "abc")]);
        let list = [
            HeaderSpec {
                name: "Authorization",
                source: ParamSource::Template(&BEARER),
            },
            HeaderSpec {
                name: "X-Client",
                source: ParamSource::Input("client_id"),
            },
            HeaderSpec {
                name: "Accept",
                source: ParamSource::Fixed("application/vnd.example+json"),
            },
        ];
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::ACCEPT,
            http::HeaderValue::from_static("application/json"),
        );
        append_headers::<String>(&PROVIDER, &set, &list, false, &mut headers).expect("built");
        let auth = &headers[http::header::AUTHORIZATION];
        assert_eq!(auth, "Bearer s3cr3t-key");
        assert!(auth.is_sensitive());
        assert!(!headers["x-client"].is_sensitive());
        // The spec's Accept replaces the derived one rather than adding a second.
        assert_eq!(headers.get_all(http::header::ACCEPT).iter().count(), 1);
        assert_eq!(
            headers[http::header::ACCEPT],
            "application/vnd.example+json"
        );
        assert!(
            format!("{headers:?}").contains("Sensitive")
                && !format!("{headers:?}").contains("s3cr3t")
        );
        // A credentials placement makes every header sensitive, public inputs included.
        let mut headers = http::HeaderMap::new();
        append_headers::<String>(&PROVIDER, &set, &list[1..2], true, &mut headers).expect("built");
        assert!(headers["x-client"].is_sensitive());
    }
}
