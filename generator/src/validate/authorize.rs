//! `authorize`: how the authorization-code grant writes its authorize URL (spec format 1.2):
//! the provider's names for the standard parameters, its scope separator, the characters it
//! wants unencoded, and empty parameters left out.

use super::{Checker, suggestion};
use crate::load::raw;
use crate::model::{self, AuthorizeSpec, GrantKind};

/// Why `c` may not be kept unencoded in a query value, if it may not.
fn unkeepable(c: char) -> Option<&'static str> {
    if AuthorizeSpec::KEEPABLE.contains(c) {
        return None;
    }
    Some(match c {
        '&' => {
            "`&` separates parameters (application/x-www-form-urlencoded): a value holding it \
             would start another parameter"
        }
        '=' => "`=` separates a parameter's name from its value",
        '#' => {
            "`#` starts the fragment (RFC 3986 section 3.5): the rest of the URL would never \
             reach the server"
        }
        '+' => "`+` is a space to a form decoder: encoded, it stays a `+`",
        '%' => "`%` starts a percent-encoding (RFC 3986 section 2.1)",
        '\'' => "`'` is percent-encoded in an https query by the URL parser (WHATWG URL) anyway",
        c if c.is_ascii_alphanumeric() || "-._*".contains(c) => {
            "it is never percent-encoded: remove it"
        }
        c if c.is_whitespace() || c.is_control() || !c.is_ascii() => {
            "RFC 3986 section 2 allows only printable ASCII in a URL"
        }
        _ => "RFC 3986 section 3.4 does not allow it unencoded in a query",
    })
}

/// Why `wire` cannot be the name of a parameter, if it cannot.
fn wire_name_problem(wire: &str) -> Option<String> {
    if wire.is_empty() {
        return Some("an empty name".to_owned());
    }
    let c = wire
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "&=#+%".contains(*c))?;
    Some(if c.is_whitespace() || c.is_control() {
        "a name with a space or a control character".to_owned()
    } else {
        format!("a name holding `{c}`, which the URL would carry percent-encoded")
    })
}

impl<'b> Checker<'_, 'b> {
    /// The grant's `authorize:` block, checked against the parameters its authorize URL sends
    /// (`params`: the lowered `authorize_params`); the default when it has none or after an
    /// error.
    pub(super) fn authorize(
        &mut self,
        spec: &raw::Spec,
        kind: GrantKind,
        grant: &raw::Grant,
        params: &[model::ParamSpec<'b>],
        pkce: model::Pkce,
    ) -> AuthorizeSpec<'b> {
        let Some(located) = &grant.authorize else {
            return AuthorizeSpec::DEFAULT;
        };
        if kind != GrantKind::AuthorizationCode {
            self.error(
                located.referenced,
                "authorize outside the authorization_code grant",
                "move it to authorization_code, whose authorize URL it describes",
            );
            return AuthorizeSpec::DEFAULT;
        }
        let block = &located.value;
        let before = self.diagnostics.len();
        // The URL's parameters by the spec's names, in the order they are sent.
        let mut sent: Vec<&str> = vec!["response_type"];
        sent.extend(params.iter().map(|p| p.name));
        if pkce != model::Pkce::None {
            sent.extend(["code_challenge", "code_challenge_method"]);
        }
        let rename = self.renames(block, &sent, pkce);
        let scope_separator = block
            .scope_separator
            .as_ref()
            .and_then(|s| self.scope_separator(spec, s, params));
        let mut keep = Vec::new();
        for (param, chars) in &block.keep_unencoded {
            if let Some(kept) = self.kept(param, chars, &sent, &rename) {
                keep.push(kept);
            }
        }
        if self.diagnostics.len() > before {
            return AuthorizeSpec::DEFAULT;
        }
        AuthorizeSpec {
            rename: self.list(&rename),
            scope_separator,
            keep_unencoded: self.list(&keep),
            omit_empty: block.omit_empty.as_ref().is_some_and(|o| o.value),
        }
    }

    /// `rename`: each renamed parameter must be sent, under a usable name no other parameter
    /// of the URL has.
    fn renames(
        &mut self,
        block: &raw::Authorize,
        sent: &[&str],
        pkce: model::Pkce,
    ) -> Vec<(&'b str, &'b str)> {
        let Some(rename) = &block.rename else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (standard, wire) in rename.value.entries() {
            if !sent.contains(&standard) {
                let hint = if standard.starts_with("code_challenge") && pkce == model::Pkce::None {
                    "the grant has no PKCE: remove the rename, or set `pkce`".to_owned()
                } else {
                    format!(
                        "add `{standard}: {{input: {standard}}}` under authorize_params, or \
                         remove the rename"
                    )
                };
                self.error(
                    wire.referenced,
                    format!("renames `{standard}`, which the authorize URL does not send"),
                    hint,
                );
                continue;
            }
            if wire.value == standard {
                self.error(
                    wire.referenced,
                    format!("renames `{standard}` to itself"),
                    "remove it: the parameter is sent under its own name anyway",
                );
                continue;
            }
            if let Some(problem) = wire_name_problem(&wire.value) {
                self.error(
                    wire.referenced,
                    format!("`{standard}` renamed to {problem}"),
                    "give the name the provider documents, as it appears in its URLs",
                );
                continue;
            }
            out.push((standard, wire));
        }
        // One name per parameter on the wire: a renamed one may not take the name of another,
        // renamed or not (the server would read one of the two, which one is its choice). Each
        // clash is reported once, at the rename that makes it.
        let on_wire: Vec<(&str, &str, Option<&raw::Str>)> = sent
            .iter()
            .map(
                |name| match out.iter().find(|(standard, _)| standard == name) {
                    Some((_, wire)) => (*name, wire.value.as_str(), Some(*wire)),
                    None => (*name, *name, None),
                },
            )
            .collect();
        let mut clashes = Vec::new();
        for (i, (name, wire, renamed)) in on_wire.iter().enumerate() {
            let Some((other, _, other_renamed)) =
                on_wire[..i].iter().find(|(_, earlier, _)| earlier == wire)
            else {
                continue;
            };
            let Some(at) = renamed.or(*other_renamed) else {
                continue;
            };
            let message = match (renamed, other_renamed) {
                (Some(_), Some(_)) => {
                    format!("`{other}` and `{name}` are both renamed to `{wire}`")
                }
                (Some(_), None) => {
                    format!("`{name}` renamed to `{wire}`, which the authorize URL already sends")
                }
                _ => {
                    format!("`{other}` renamed to `{wire}`, which the authorize URL already sends")
                }
            };
            clashes.push((at.referenced, message));
        }
        for (at, message) in clashes {
            self.error(
                at,
                message,
                "one name per parameter: the server would read only one of the two",
            );
        }
        out.into_iter()
            .map(|(standard, wire)| (self.text(standard), self.text(&wire.value)))
            .collect()
    }

    /// `scope_separator`: only with a `scope` parameter, and only when it changes something.
    fn scope_separator(
        &mut self,
        spec: &raw::Spec,
        separator: &raw::Str,
        params: &[model::ParamSpec],
    ) -> Option<&'b str> {
        let delimiter = spec.scopes.delimiter.as_ref().map_or(" ", |d| &d.value);
        let problem = if !params.iter().any(|p| p.name == "scope") {
            Some((
                "scope_separator, but the authorize URL sends no `scope`".to_owned(),
                "add `scope: {input: scope}` under authorize_params, or remove it".to_owned(),
            ))
        } else if separator.value.is_empty() {
            Some((
                "scope_separator is empty".to_owned(),
                "give what joins the scopes (`\",\"`), or remove it to keep scopes.delimiter"
                    .to_owned(),
            ))
        } else if separator.value.chars().any(char::is_control) {
            Some((
                "scope_separator holds a control character".to_owned(),
                "give what joins the scopes (`\",\"`)".to_owned(),
            ))
        } else if separator.value == delimiter {
            Some((
                format!(
                    "scope_separator {:?} is scopes.delimiter already",
                    separator.value
                ),
                "remove it: scopes are sent as the caller delimited them".to_owned(),
            ))
        } else {
            None
        };
        match problem {
            Some((message, hint)) => {
                self.error(separator.referenced, message, hint);
                None
            }
            None => Some(self.text(&separator.value)),
        }
    }

    /// One entry of `keep_unencoded`: a parameter of the URL, by the spec's name, and
    /// characters RFC 3986 allows unencoded in a query that have no role in form encoding.
    fn kept(
        &mut self,
        param: &raw::Str,
        chars: &raw::Str,
        sent: &[&str],
        rename: &[(&str, &str)],
    ) -> Option<(&'b str, &'b str)> {
        let name = param.value.as_str();
        let mut ok = true;
        if !sent.contains(&name) {
            let hint = match rename.iter().find(|(_, wire)| *wire == name) {
                Some((standard, _)) => format!(
                    "`{name}` is the wire name of `{standard}`: name the parameter as the spec \
                     does, `{standard}`"
                ),
                None => suggestion(
                    name,
                    sent.iter().copied(),
                    format!("the authorize URL sends {}", list(sent)),
                ),
            };
            self.error(
                param.referenced,
                format!("keep_unencoded names `{name}`, which the authorize URL does not send"),
                hint,
            );
            ok = false;
        }
        if chars.value.is_empty() {
            self.error(
                chars.referenced,
                format!("keep_unencoded of `{name}` is empty"),
                "list the characters to keep (`\":/\"`), or remove the entry",
            );
            ok = false;
        }
        let mut seen = String::new();
        for c in chars.value.chars() {
            if seen.contains(c) {
                self.error_in(
                    chars.referenced,
                    &c.to_string(),
                    format!("keep_unencoded of `{name}` lists `{c}` twice"),
                    "list each character once",
                );
                ok = false;
                continue;
            }
            seen.push(c);
            if let Some(reason) = unkeepable(c) {
                self.error_in(
                    chars.referenced,
                    &c.to_string(),
                    format!("keep_unencoded of `{name}` cannot keep {c:?}: {reason}"),
                    format!(
                        "only the characters `{}` may stay unencoded in a query value",
                        AuthorizeSpec::KEEPABLE
                    ),
                );
                ok = false;
            }
        }
        ok.then(|| (self.text(name), self.text(&chars.value)))
    }
}

/// `a`, `b` and `c`.
fn list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_query_characters_without_a_form_role_may_stay_unencoded() {
        for c in AuthorizeSpec::KEEPABLE.chars() {
            assert_eq!(unkeepable(c), None, "{c}");
        }
        for (c, says) in [
            ('&', "separates parameters"),
            ('=', "name from its value"),
            ('#', "fragment"),
            ('+', "space"),
            ('%', "percent-encoding"),
            (' ', "printable ASCII"),
            ('\n', "printable ASCII"),
            ('é', "printable ASCII"),
            ('a', "never percent-encoded"),
            ('.', "never percent-encoded"),
            ('[', "section 3.4"),
            ('"', "section 3.4"),
            ('\'', "WHATWG"),
        ] {
            let reason = unkeepable(c).unwrap_or_default();
            assert!(reason.contains(says), "{c:?}: {reason}");
        }
    }

    #[test]
    fn a_wire_name_is_refused_when_it_could_not_be_what_a_provider_documents() {
        assert_eq!(wire_name_problem("client_key"), None);
        assert_eq!(wire_name_problem("appKey"), None);
        assert_eq!(wire_name_problem("user_scope[]"), None);
        assert!(wire_name_problem("").is_some());
        assert!(wire_name_problem("client id").is_some());
        for c in ["a&b", "a=b", "a#b", "a+b", "a%20b"] {
            assert!(
                wire_name_problem(c).is_some_and(|p| p.contains("holding")),
                "{c}"
            );
        }
    }
}
