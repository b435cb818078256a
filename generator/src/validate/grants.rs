//! `grants`: the built-in grant kinds and extension grants (RFC 6749 section 4.5), their
//! extra parameters and the defaults of those.

use super::Checker;
use super::templates::Landing;
use crate::load::raw;
use crate::model::{self, GrantKind};
use crate::names;
use serde_saphyr::Spanned;

/// How a spec declares an extension grant, for hints: `<name>: {grant_type: ...}`.
fn extension_syntax(name: &str) -> String {
    format!(
        "an extension grant (RFC 6749 section 4.5) states what it sends: \
         `{name}: {{grant_type: <absolute URI or vendor name>}}`"
    )
}

/// What is wrong with an extension grant's `grant_type`, if anything. RFC 6749 appendix A.10:
/// `grant-type = grant-name / URI-reference`, `grant-name = 1*name-char`, `name-char = "-" /
/// "." / "_" / DIGIT / ALPHA`; section 4.5 asks for an absolute URI (RFC 3986 section 4.3:
/// a scheme, then `:`) where the value is no registered name.
pub(crate) fn grant_type_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("an empty grant_type".into());
    }
    if let Some(c) = value.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Some(format!(
            "grant_type holds {}: it is sent as it is and must be one token",
            if c.is_whitespace() {
                "a space"
            } else {
                "a control character"
            }
        ));
    }
    match value.split_once(':') {
        Some((scheme, rest)) => {
            // RFC 3986 section 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
            let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
            if !scheme_ok {
                return Some(format!(
                    "`{scheme}` is no URI scheme (RFC 3986 section 3.1: a letter, then letters, \
                     digits, `+`, `-` or `.`)"
                ));
            }
            if rest.is_empty() {
                return Some("nothing follows the URI scheme".into());
            }
            // RFC 3986 section 2: unreserved, reserved and percent-encoded characters only.
            let bytes = value.as_bytes();
            for (i, &b) in bytes.iter().enumerate() {
                let plain = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b);
                let escaped = b == b'%'
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                let escape_tail = i >= 1 && bytes[i - 1] == b'%' || i >= 2 && bytes[i - 2] == b'%';
                if !(plain || escaped || escape_tail && b.is_ascii_hexdigit()) {
                    return Some(
                        "the URI holds a character RFC 3986 section 2 does not allow \
                         unencoded"
                            .into(),
                    );
                }
            }
            None
        }
        None if value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._".contains(c)) =>
        {
            None
        }
        None => Some(format!(
            "`{value}` is neither an absolute URI (RFC 3986 section 4.3: `urn:...`, \
             `https://...`) nor a name of letters, digits, `-`, `.` and `_` (RFC 6749 \
             appendix A.10); a relative URI is not enough"
        )),
    }
}

impl<'b> Checker<'_, 'b> {
    pub(super) fn grants(
        &mut self,
        spec: &raw::Spec,
        inputs: &[model::InputSpec],
        credentials: &model::CredentialsSpec,
        provider_shape: super::overrides::Shape,
    ) -> Vec<model::GrantSpec<'b>> {
        let mut out = Vec::new();
        if spec.grants.is_empty() {
            self.error(spec.name.referenced, "no grants", "declare at least one: none, client_credentials, authorization_code, refresh_token or an extension grant (`<name>: {grant_type: ...}`)");
        }
        // The extension grants seen so far, by `grant_type`: one value is one grant.
        let mut grant_types: Vec<(&str, &str)> = Vec::new();
        for (name, grant) in &spec.grants {
            let (kind, extension) = match (GrantKind::from_name(&name.value), &grant.grant_type) {
                (Some(kind), None) => (kind, None),
                (Some(kind), Some(grant_type)) => {
                    let hint = match kind {
                        GrantKind::None => format!(
                            "a key exchange sends no grant_type; to send one, {}",
                            extension_syntax("<name>")
                        ),
                        _ => format!(
                            "remove it: `{}` is sent; {}",
                            kind.grant_type().unwrap_or_default(),
                            extension_syntax("<another name>")
                        ),
                    };
                    self.error(
                        grant_type.referenced,
                        format!(
                            "the built-in grant `{}` has no `grant_type` key",
                            name.value
                        ),
                        hint,
                    );
                    (kind, None)
                }
                (None, Some(grant_type)) => match self.extension(name, grant_type, &grant_types) {
                    Some(extension) => {
                        grant_types.push((&grant_type.value, &name.value));
                        (GrantKind::Extension, Some(extension))
                    }
                    None => continue,
                },
                (None, None) => {
                    // A typo of a built-in name (two edits at most) gets the built-in; anything
                    // else is most likely a grant the built-ins do not cover (`password`, a
                    // vendor's `account_credentials`), which is not the built-in it resembles.
                    let typo = GrantKind::BUILT_IN
                        .iter()
                        .map(|g| g.name())
                        .find(|built_in| strsim::levenshtein(built_in, &name.value) <= 2);
                    let hint = match typo {
                        Some(built_in) => format!(
                            "did you mean `{built_in}`? If not, {}",
                            extension_syntax(&name.value)
                        ),
                        None => format!(
                            "the built-in grants are none, client_credentials, \
                             authorization_code and refresh_token; {}",
                            extension_syntax(&name.value)
                        ),
                    };
                    self.error(
                        name.referenced,
                        format!("unknown grant `{}`", name.value),
                        hint,
                    );
                    continue;
                }
            };
            // Spec format 1.2: the grant's own method, parameter place and body format.
            let shape = self.grant_shape(name, grant, provider_shape);
            if kind == GrantKind::None && spec.grants.len() > 1 {
                self.error(
                    name.referenced,
                    "grant `none` (a key exchange) cannot be combined with OAuth grants",
                    "describe the key exchange alone",
                );
            }
            if kind != GrantKind::None
                && !shape.in_query()
                && shape.body == model::BodyFormat::None
                && let Some(b) = grant.body.as_ref().or(spec.request.body.as_ref())
            {
                self.error(
                    b.referenced,
                    format!(
                        "grant `{}` sends grant_type in the body, but request.body is none",
                        name.value
                    ),
                    "OAuth grants send a body: set request.body to form (or json)",
                );
            }
            // RFC 7523 section 3.1: a JWT authorization grant may be used without client
            // authentication; its signed assertion is what the server checks.
            if kind != GrantKind::None
                && kind != GrantKind::JwtBearer
                && credentials.accepted.is_empty()
            {
                // A public client (RFC 6749 §2.1) has no secret but still names itself with
                // `client_id` (§4.1.3, §6): as a credential placement holding only the id, so
                // that every grant sends it (spec format 1.1, "Public clients"). The client
                // credentials grant is for confidential clients only (§4.4).
                let hint = if kind == GrantKind::ClientCredentials {
                    "declare how the client authenticates under credentials"
                } else {
                    "declare how the client authenticates under credentials; a public client \
                     (no secret) sends its id alone: `accepted: {body: {client_id: client_id}}`"
                };
                self.error(
                    name.referenced,
                    format!("grant `{}` but no credentials", name.value),
                    hint,
                );
            }
            let params = self.params(
                kind,
                &grant.params,
                inputs,
                shape.params_body(),
                shape.params_in,
                "parameter",
            );
            let authorize_params = self.params(
                kind,
                &grant.authorize_params,
                inputs,
                model::BodyFormat::None,
                model::ParamLocation::Body,
                "authorize parameter",
            );
            if kind != GrantKind::AuthorizationCode {
                if let Some((k, _)) = grant.authorize_params.first() {
                    self.error(
                        k.referenced,
                        "authorize_params outside the authorization_code grant",
                        "move them to authorization_code",
                    );
                }
                if let Some(p) = &grant.pkce {
                    self.error(
                        p.referenced,
                        "pkce outside the authorization_code grant",
                        "remove it",
                    );
                }
            }
            let pkce = match grant.pkce.as_ref().map(|p| p.value) {
                None | Some(raw::Pkce::None) => model::Pkce::None,
                Some(raw::Pkce::Optional) => model::Pkce::Optional,
                Some(raw::Pkce::Required) => model::Pkce::Required,
            };
            if pkce != model::Pkce::None
                && let Some(p) = &grant.pkce
            {
                if self.declared(inputs, "code_verifier").is_none() {
                    self.error(
                        p.referenced,
                        "PKCE needs a `code_verifier` input",
                        "declare code_verifier (per_request) and send it as a parameter",
                    );
                } else if !params.iter().any(|q| {
                    q.name == "code_verifier"
                        && q.source == model::ParamSource::Input("code_verifier")
                }) {
                    self.error(
                        p.referenced,
                        "PKCE, but the code exchange does not send `code_verifier`",
                        "add `code_verifier: {input: code_verifier}` under params (RFC 7636 section 4.5)",
                    );
                }
            }
            if kind == GrantKind::AuthorizationCode {
                for wanted in ["code", "redirect_uri"] {
                    let sent = params.iter().any(|p| p.name == wanted);
                    if !sent {
                        self.error(name.referenced, format!("the authorization_code grant does not send `{wanted}`"), format!("add `{wanted}: {{input: {wanted}}}` under params (RFC 6749 section 4.1.3)"));
                    }
                }
            }
            if kind == GrantKind::AuthorizationCode {
                for wanted in ["client_id", "redirect_uri"] {
                    if !authorize_params.iter().any(|p| p.name == wanted) {
                        // The provider's own name for it, written as the parameter's: the
                        // standard name stays, `authorize.rename` changes it on the wire.
                        let hint = match authorize_params
                            .iter()
                            .find(|p| p.source == model::ParamSource::Input(wanted))
                        {
                            Some(p) => format!(
                                "name it `{wanted}` under authorize_params and add \
                                 `authorize: {{rename: {{{wanted}: {}}}}}` (spec format 1.2)",
                                p.name
                            ),
                            None => format!(
                                "add `{wanted}: {{input: {wanted}}}` under authorize_params (RFC 6749 section 4.1.1)"
                            ),
                        };
                        self.error(
                            name.referenced,
                            format!("the authorize URL of the authorization_code grant does not send `{wanted}`"),
                            hint,
                        );
                    }
                }
            }
            if kind == GrantKind::RefreshToken
                && !spec
                    .response
                    .fields
                    .keys()
                    .any(|k| k.value == "refresh_token")
            {
                self.error(
                    name.referenced,
                    "a refresh_token grant, but the response has no `refresh_token` field",
                    "add `refresh_token: {type: secret}` under response.fields, or remove the grant",
                );
            }
            for (pname, _) in &grant.params {
                for placement in credentials.accepted {
                    if let model::Placement::Body(pairs) | model::Placement::Query(pairs) =
                        placement
                        && pairs.iter().any(|(wire, _)| *wire == pname.value)
                    {
                        self.error(
                            pname.referenced,
                            format!(
                                "parameter `{}` is also sent by the {} credentials",
                                pname.value,
                                placement.kind()
                            ),
                            "a parameter is sent once: remove it here or from credentials",
                        );
                    }
                }
            }
            if kind == GrantKind::RefreshToken && !params.iter().any(|p| p.name == "refresh_token")
            {
                self.error(
                    name.referenced,
                    "the refresh_token grant does not send `refresh_token`",
                    "add `refresh_token: {input: refresh_token}` under params",
                );
            }
            // In a query-shaped request the assertion goes in the query with the rest.
            let assertion_body = if shape.in_query() {
                model::BodyFormat::Form
            } else {
                shape.body
            };
            let assertion =
                self.grant_assertion(kind, name, grant, &params, inputs, assertion_body);
            let overrides = self.grant_overrides(spec, name, grant, inputs, credentials, shape);
            let authorize = self.authorize(spec, kind, grant, &authorize_params, pkce);
            out.push(model::GrantSpec {
                kind,
                extension,
                description: grant
                    .description
                    .as_ref()
                    .map_or("", |d| self.trimmed(&d.value)),
                params: self.list(&params),
                authorize_params: self.list(&authorize_params),
                pkce,
                assertion,
                authorize,
                overrides,
            });
        }
        out
    }

    /// An extension grant's name and `grant_type`, checked; `None` after an error. `seen`: the
    /// `(grant_type, name)` of the spec's extension grants before this one.
    fn extension(
        &mut self,
        name: &raw::Str,
        grant_type: &raw::Str,
        seen: &[(&str, &str)],
    ) -> Option<model::ExtensionGrant<'b>> {
        let mut ok = true;
        if let Err(reason) = names::check_grant_name(&name.value) {
            self.error(
                name.referenced,
                format!(
                    "extension grant `{}` cannot name its generated method",
                    name.value
                ),
                reason,
            );
            ok = false;
        }
        let value = grant_type.value.as_str();
        let built_in = GrantKind::BUILT_IN
            .into_iter()
            .find(|k| k.grant_type() == Some(value) || k.name() == value);
        if let Some(kind) = built_in {
            let hint = if kind == GrantKind::None {
                "a key exchange sends no grant_type: declare `none:` for one".to_owned()
            } else {
                format!(
                    "declare the built-in grant instead: `{}:` under grants",
                    kind.name()
                )
            };
            self.error(
                grant_type.referenced,
                format!(
                    "grant_type `{value}` is the built-in grant `{}`",
                    kind.name()
                ),
                hint,
            );
            ok = false;
        } else if let Some(problem) = grant_type_problem(value) {
            self.error(
                grant_type.referenced,
                format!("invalid grant_type of grant `{}`: {problem}", name.value),
                "use an absolute URI (`urn:ietf:params:oauth:grant-type:...`, `https://...`) \
                 or the provider's name for the grant (`account_credentials`)",
            );
            ok = false;
        } else if let Some((_, other)) = seen.iter().find(|(t, _)| *t == value) {
            self.error(
                grant_type.referenced,
                format!("grant_type `{value}` is already sent by grant `{other}`"),
                "one grant per grant_type: merge the two",
            );
            ok = false;
        }
        ok.then(|| model::ExtensionGrant {
            name: self.text(&name.value),
            grant_type: self.text(value),
        })
    }

    /// The parameters of grant `kind` (`what`: `parameter` for the token request,
    /// `authorize parameter` for the authorize URL).
    pub(super) fn params(
        &mut self,
        kind: GrantKind,
        params: &raw::Map<raw::Param>,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
        default_location: model::ParamLocation,
        what: &str,
    ) -> Vec<model::ParamSpec<'b>> {
        let mut out = Vec::new();
        for (name, param) in params {
            let sent_by_tokenspec = match name.value.as_str() {
                // A key exchange has no grant, so nothing decides a grant_type for it.
                "grant_type" if kind == GrantKind::None => Some(format!(
                    "a key exchange sends no grant_type; if the endpoint wants one, {}",
                    extension_syntax("<name>")
                )),
                "grant_type" if kind == GrantKind::Extension => {
                    Some("remove it: the grant's own `grant_type:` key sets it".to_owned())
                }
                "grant_type" => Some(format!(
                    "remove it: grant `{}` sends `grant_type={}` (RFC 6749)",
                    kind.name(),
                    kind.grant_type().unwrap_or_default()
                )),
                // RFC 6749 section 4.1.1, RFC 7636 section 4.3.
                "response_type" | "code_challenge" | "code_challenge_method" => Some(
                    "remove it: tokenspec sends it for the authorization_code grant (RFC 6749 \
                     section 4.1.1, RFC 7636 section 4.3)"
                        .to_owned(),
                ),
                _ => None,
            };
            if let Some(hint) = sent_by_tokenspec {
                self.error(
                    name.referenced,
                    format!("`{}` is sent by tokenspec itself", name.value),
                    hint,
                );
                continue;
            }
            let location = match param.location.as_ref().map(|l| l.value) {
                Some(raw::ParamLocation::Query) => model::ParamLocation::Query,
                Some(raw::ParamLocation::Body) => model::ParamLocation::Body,
                // Spec format 1.2: where the grant's `params_in` puts them.
                None => default_location,
            };
            // Spec format 1.2: what a value may be depends on where it lands.
            let landing = match (what, location, body) {
                ("authorize parameter", _, _) => Landing::Authorize,
                (_, model::ParamLocation::Query, _) => Landing::Query,
                (_, model::ParamLocation::Body, model::BodyFormat::Json) => Landing::JsonBody,
                _ => Landing::FormBody,
            };
            let Some(source) = self.value_source(
                &format!("{what} `{}`", name.value),
                name.referenced,
                param.value.as_ref(),
                param.input.as_ref(),
                param.template.as_ref(),
                landing,
                inputs,
            ) else {
                continue;
            };
            if let (model::ParamSource::Template(_), Some(l)) = (&source, &param.location)
                && location == model::ParamLocation::Query
                && body != model::BodyFormat::None
                && let Some(secret) = source
                    .inputs()
                    .into_iter()
                    .find(|i| self.declared(inputs, i).is_some_and(|x| x.secret))
            {
                self.error(
                    l.referenced,
                    format!(
                        "secret input `{secret}` is sent in the query string, but the request has a body"
                    ),
                    "URLs end up in logs: remove `in: query` so it goes in the body",
                );
            }
            if let (model::ParamSource::Input(i), Some(input_name)) = (&source, &param.input)
                && self.declared(inputs, i).is_some_and(|x| x.secret)
            {
                if what == "authorize parameter" {
                    self.error(
                        input_name.referenced,
                        format!(
                            "authorize parameter `{}` sends secret input `{i}` through the user's browser",
                            name.value
                        ),
                        "the authorize URL is public: send secrets only to the token endpoint",
                    );
                } else if location == model::ParamLocation::Query
                    && body != model::BodyFormat::None
                    && let Some(l) = &param.location
                {
                    self.error(
                        l.referenced,
                        format!(
                            "secret input `{i}` is sent in the query string, but the request has a body"
                        ),
                        "URLs end up in logs: remove `in: query` so it goes in the body",
                    );
                }
            }
            if location == model::ParamLocation::Body
                && body == model::BodyFormat::None
                && what == "parameter"
            {
                if default_location == model::ParamLocation::Query {
                    // Spec format 1.2: `params_in: query` or a GET sends no body at all.
                    self.error(
                        name.referenced,
                        format!(
                            "parameter `{}` goes `in: body`, but the grant's parameters go in the query string, with no body",
                            name.value
                        ),
                        "remove `in: body`, or give the grant `params_in: body` (a POST)",
                    );
                } else {
                    self.error(
                        name.referenced,
                        format!(
                            "parameter `{}` goes in the body, but request.body is none",
                            name.value
                        ),
                        "set request.body to form or json, or put the parameter `in: query`",
                    );
                }
            }
            out.push(model::ParamSpec {
                name: self.text(&name.value),
                source,
                location,
            });
        }
        out
    }

    pub(super) fn default_json(
        &mut self,
        field: &str,
        ty: model::FieldType,
        default: &Spanned<raw::Scalar>,
    ) -> Option<String> {
        use model::FieldType as T;
        let json = match (&default.value, ty) {
            (raw::Scalar::Str(s), T::String | T::TokenType | T::Id) => {
                serde_json::Value::String(s.clone())
            }
            (raw::Scalar::Str(s), T::Scopes | T::Strings) => serde_json::Value::Array(
                s.split_whitespace()
                    .map(|s| serde_json::Value::String(s.into()))
                    .collect(),
            ),
            // Durations and instants: normalized by the runtime's own code, so a default is
            // held in the unit a response's value is (seconds) and refused as one would be.
            (v, ty) if ty.is_time() => {
                let raw = match v {
                    raw::Scalar::Bool(b) => serde_json::Value::Bool(*b),
                    raw::Scalar::Int(n) => serde_json::Value::from(*n),
                    raw::Scalar::Float(f) => serde_json::Value::from(*f),
                    raw::Scalar::Str(s) => serde_json::Value::String(s.clone()),
                };
                let spec = model::FieldSpec {
                    name: field,
                    wire: &[field],
                    ty,
                    ..model::FieldSpec::DEFAULT
                };
                match tokenspec_runtime::expiry::normalize_time(&spec, &raw) {
                    Ok(value) => value,
                    Err(reason) => {
                        let shown = match &raw {
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        self.error(
                            default.referenced,
                            format!(
                                "default `{shown}` of `{field}` does not fit its type `{}`",
                                ty.name()
                            ),
                            format!("give a value of the field's type ({reason})"),
                        );
                        return None;
                    }
                }
            }
            (raw::Scalar::Int(n), T::Integer) => serde_json::Value::from(*n),
            (raw::Scalar::Int(n), T::Number) => serde_json::Value::from(*n as f64),
            (raw::Scalar::Float(f), T::Number) => serde_json::Value::from(*f),
            (raw::Scalar::Bool(b), T::Boolean) => serde_json::Value::Bool(*b),
            (v, T::Json) => match v {
                raw::Scalar::Bool(b) => serde_json::Value::Bool(*b),
                raw::Scalar::Int(n) => serde_json::Value::from(*n),
                raw::Scalar::Float(f) => serde_json::Value::from(*f),
                raw::Scalar::Str(s) => serde_json::Value::String(s.clone()),
            },
            (_, T::Secret) => {
                self.error(
                    default.referenced,
                    format!("secret field `{field}` has a default"),
                    "secrets come from the provider, never from the spec",
                );
                return None;
            }
            (v, ty) => {
                let shown = match v {
                    raw::Scalar::Bool(b) => b.to_string(),
                    raw::Scalar::Int(n) => n.to_string(),
                    raw::Scalar::Float(f) => f.to_string(),
                    raw::Scalar::Str(s) => s.clone(),
                };
                self.error(
                    default.referenced,
                    format!(
                        "default `{shown}` of `{field}` does not fit its type `{}`",
                        ty.name()
                    ),
                    "give a value of the field's type",
                );
                return None;
            }
        };
        Some(json.to_string())
    }
}
