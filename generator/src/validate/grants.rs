//! `grants`: the four grant kinds, their extra parameters and the defaults of those.

use super::{Checker, suggestion};
use crate::load::raw;
use crate::model::{self, GrantKind};
use serde_saphyr::Spanned;

impl<'b> Checker<'_, 'b> {
    pub(super) fn grants(
        &mut self,
        spec: &raw::Spec,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
        credentials: &model::CredentialsSpec,
    ) -> Vec<model::GrantSpec<'b>> {
        let mut out = Vec::new();
        if spec.grants.is_empty() {
            self.error(spec.name.referenced, "no grants", "declare at least one: none, client_credentials, authorization_code or refresh_token");
        }
        for (name, grant) in &spec.grants {
            let Some(kind) = GrantKind::from_name(&name.value) else {
                let hint = suggestion(
                    &name.value,
                    GrantKind::ALL.iter().map(|g| g.name()),
                    "use none, client_credentials, authorization_code or refresh_token".into(),
                );
                self.error(
                    name.referenced,
                    format!("unknown grant `{}`", name.value),
                    hint,
                );
                continue;
            };
            if kind == GrantKind::None && spec.grants.len() > 1 {
                self.error(
                    name.referenced,
                    "grant `none` (a key exchange) cannot be combined with OAuth grants",
                    "describe the key exchange alone",
                );
            }
            if kind != GrantKind::None
                && body == model::BodyFormat::None
                && let Some(b) = &spec.request.body
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
            if kind != GrantKind::None && credentials.accepted.is_empty() {
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
            let params = self.params(&grant.params, inputs, body, "parameter");
            let authorize_params = self.params(
                &grant.authorize_params,
                inputs,
                model::BodyFormat::None,
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
                        self.error(
                            name.referenced,
                            format!("the authorize URL of the authorization_code grant does not send `{wanted}`"),
                            format!("add `{wanted}: {{input: {wanted}}}` under authorize_params (RFC 6749 section 4.1.1)"),
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
            out.push(model::GrantSpec {
                kind,
                description: grant
                    .description
                    .as_ref()
                    .map_or("", |d| self.trimmed(&d.value)),
                params: self.list(&params),
                authorize_params: self.list(&authorize_params),
                pkce,
            });
        }
        out
    }

    pub(super) fn params(
        &mut self,
        params: &raw::Map<raw::Param>,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
        what: &str,
    ) -> Vec<model::ParamSpec<'b>> {
        let mut out = Vec::new();
        for (name, param) in params {
            if [
                "grant_type",
                "response_type",
                "code_challenge",
                "code_challenge_method",
            ]
            .contains(&name.value.as_str())
            {
                self.error(
                    name.referenced,
                    format!("`{}` is sent by tokenspec itself", name.value),
                    "remove it; the grant decides its value",
                );
                continue;
            }
            let source = match (&param.value, &param.input) {
                (Some(v), None) => model::ParamSource::Fixed(self.text(&v.value)),
                (None, Some(i)) => {
                    self.input_ref(i, inputs, &format!("{what} `{}`", name.value));
                    model::ParamSource::Input(self.text(&i.value))
                }
                _ => {
                    self.error(
                        name.referenced,
                        format!(
                            "{what} `{}` needs exactly one of `value` and `input`",
                            name.value
                        ),
                        "`value: WebAPI` for a fixed value, `input: scope` for the caller's",
                    );
                    continue;
                }
            };
            let location = match param.location.as_ref().map(|l| l.value) {
                Some(raw::ParamLocation::Query) => model::ParamLocation::Query,
                Some(raw::ParamLocation::Body) | None => model::ParamLocation::Body,
            };
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
                self.error(
                    name.referenced,
                    format!(
                        "parameter `{}` goes in the body, but request.body is none",
                        name.value
                    ),
                    "set request.body to form or json, or put the parameter `in: query`",
                );
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
                        self.error(
                            default.referenced,
                            format!("the default of `{field}` does not fit its type: {reason}"),
                            format!("write a default a `{}` value can be", ty.name()),
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
