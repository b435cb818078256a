//! Request shapes and a grant's own request (spec format 1.2): `request.method` and
//! `request.params_in`, and on a grant `token_url`, `method`, `params_in`, `body` and
//! `credentials` (a refresh at its own URL with Basic while the other grants send their
//! credentials in the body; a token request by GET).
//!
//! The rule this file keeps for the new shapes is the one of the `query` placement and of
//! `in: query`: no secret in a URL unless the spec says the provider takes nothing else. A
//! grant whose parameters go in the query (`params_in: query`, or a GET, which has no body:
//! RFC 9110 section 9.3.1) says that of its parameters; credentials are another matter, and a
//! placement that would carry a secret in the body is refused there (or must be pinned away
//! from with the grant's `credentials`).

use super::{Checker, suggestion};
use crate::load::raw;
use crate::model;
use serde_saphyr::Spanned;

/// A grant's request as its spec and the provider's `request` give it, before lowering.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    pub method: model::HttpMethod,
    pub params_in: model::ParamLocation,
    pub body: model::BodyFormat,
}

impl Shape {
    /// Whether the grant's `grant_type` and parameters go in the query string, with no body.
    pub fn in_query(&self) -> bool {
        self.params_in == model::ParamLocation::Query
    }

    /// The body format the grant's parameters see: none at all when they go in the query.
    pub fn params_body(&self) -> model::BodyFormat {
        if self.in_query() {
            model::BodyFormat::None
        } else {
            self.body
        }
    }
}

fn method(m: raw::HttpMethod) -> model::HttpMethod {
    match m {
        raw::HttpMethod::Post => model::HttpMethod::Post,
        raw::HttpMethod::Get => model::HttpMethod::Get,
    }
}

fn location(l: raw::ParamLocation) -> model::ParamLocation {
    match l {
        raw::ParamLocation::Body => model::ParamLocation::Body,
        raw::ParamLocation::Query => model::ParamLocation::Query,
    }
}

pub(super) fn body_format(b: raw::BodyFormat) -> model::BodyFormat {
    match b {
        raw::BodyFormat::None => model::BodyFormat::None,
        raw::BodyFormat::Form => model::BodyFormat::Form,
        raw::BodyFormat::Json => model::BodyFormat::Json,
    }
}

/// Every grant's own token URL template, as located text: `(grant, environment, template)`,
/// the environment `None` for one template for every environment. Inputs read their host or
/// path location from these as from the environments' URLs.
pub(super) fn grant_token_urls(
    spec: &raw::Spec,
) -> Vec<(&raw::Str, Option<&raw::Str>, Spanned<String>)> {
    let mut out = Vec::new();
    for (name, grant) in &spec.grants {
        match grant
            .token_url
            .as_ref()
            .map(|t| (&t.value, t.referenced, t.defined))
        {
            None => {}
            Some((raw::GrantTokenUrl::One(url), referenced, defined)) => {
                out.push((name, None, Spanned::new(url.clone(), referenced, defined)));
            }
            Some((raw::GrantTokenUrl::PerEnvironment(urls), _, _)) => {
                for (environment, url) in urls {
                    out.push((name, Some(environment), url.0.clone()));
                }
            }
        }
    }
    out
}

impl<'b> Checker<'_, 'b> {
    /// `request.method` and `request.params_in` (spec format 1.2), checked against
    /// `request.body`.
    pub(super) fn request_shape(&mut self, spec: &raw::Spec, body: model::BodyFormat) -> Shape {
        let request = &spec.request;
        let method = request
            .method
            .as_ref()
            .map_or(model::HttpMethod::Post, |m| method(m.value));
        let params_in = request
            .params_in
            .as_ref()
            .map_or(model::ParamLocation::Body, |p| location(p.value));
        let shape = Shape {
            method,
            params_in: match method {
                model::HttpMethod::Get => model::ParamLocation::Query,
                model::HttpMethod::Post => params_in,
            },
            body,
        };
        if request.method.is_some() {
            self.get_without_body(
                "the token request",
                method,
                request.params_in.as_ref(),
                request.body.as_ref(),
            );
        }
        shape
    }

    /// A GET has no body (RFC 9110 section 9.3.1: content in a GET request has no defined
    /// meaning, and servers drop it): `params_in: body` or a JSON body contradicts it.
    fn get_without_body(
        &mut self,
        what: &str,
        method: model::HttpMethod,
        params_in: Option<&raw::Spanned<raw::ParamLocation>>,
        body: Option<&raw::Spanned<raw::BodyFormat>>,
    ) {
        if method != model::HttpMethod::Get {
            return;
        }
        if let Some(p) = params_in
            && p.value == raw::ParamLocation::Body
        {
            self.error(
                p.referenced,
                format!("{what} is a GET, which has no body, but its parameters go `in: body`"),
                "remove `params_in: body`: a GET sends every parameter in the query string \
                 (RFC 9110 section 9.3.1), or use `method: post`",
            );
        }
        if let Some(b) = body
            && b.value == raw::BodyFormat::Json
        {
            self.error(
                b.referenced,
                format!("{what} is a GET, which has no body, but its body is json"),
                "a GET sends its parameters in the query string (RFC 9110 section 9.3.1): \
                 remove `body: json`, or use `method: post`",
            );
        }
    }

    /// A grant's request shape: its own `method`, `params_in` and `body`, else the provider's.
    pub(super) fn grant_shape(
        &mut self,
        name: &raw::Str,
        grant: &raw::Grant,
        provider: Shape,
    ) -> Shape {
        let method = grant
            .method
            .as_ref()
            .map_or(provider.method, |m| method(m.value));
        let body = grant
            .body
            .as_ref()
            .map_or(provider.body, |b| body_format(b.value));
        let params_in = match (method, &grant.params_in) {
            (model::HttpMethod::Get, _) => model::ParamLocation::Query,
            (model::HttpMethod::Post, Some(p)) => location(p.value),
            // A grant that switches to POST without saying where its parameters go sends them
            // where the provider's requests do, unless those are GETs (whose query says nothing
            // about a POST): then in the body, as RFC 6749 section 3.2 asks.
            (model::HttpMethod::Post, None) if provider.method == model::HttpMethod::Get => {
                model::ParamLocation::Body
            }
            (model::HttpMethod::Post, None) => provider.params_in,
        };
        if let Some(m) = &grant.method {
            let what = format!("the token request of grant `{}`", name.value);
            // The provider's `body: json` applies to the grant too, unless it says otherwise.
            let body_key = grant.body.as_ref();
            self.get_without_body(&what, method, grant.params_in.as_ref(), body_key);
            if body_key.is_none() && body == model::BodyFormat::Json {
                self.error(
                    m.referenced,
                    format!("{what} is a GET, which has no body, but request.body is json"),
                    "give the grant `body: form` (its parameters then go in the query string), \
                     or use `method: post` (RFC 9110 section 9.3.1)",
                );
            }
        } else if method == model::HttpMethod::Get
            && let Some(b) = &grant.body
            && b.value == raw::BodyFormat::Json
        {
            self.error(
                b.referenced,
                format!(
                    "grant `{}` has a json body, but the provider's token requests are GETs",
                    name.value
                ),
                "give the grant `method: post` too, or remove `body: json` (RFC 9110 section 9.3.1)",
            );
        } else if method == model::HttpMethod::Get
            && let Some(p) = &grant.params_in
            && p.value == raw::ParamLocation::Body
        {
            self.error(
                p.referenced,
                format!(
                    "grant `{}` sends its parameters in the body, but the provider's token requests are GETs",
                    name.value
                ),
                "give the grant `method: post` too, or remove `params_in: body` (RFC 9110 section 9.3.1)",
            );
        }
        Shape {
            method,
            params_in,
            body,
        }
    }

    /// A grant's overrides (spec format 1.2), checked and lowered: its token URL per
    /// environment, its shape where it differs from the provider's, and its credentials.
    pub(super) fn grant_overrides(
        &mut self,
        spec: &raw::Spec,
        name: &raw::Str,
        grant: &raw::Grant,
        inputs: &[model::InputSpec],
        credentials: &model::CredentialsSpec,
        shape: Shape,
    ) -> model::GrantOverrides<'b> {
        let token_url = self.grant_token_url(spec, name, grant, inputs);
        let choice = self.grant_credentials(name, grant, credentials);
        self.credentials_fit_shape(name, grant, inputs, credentials, choice, shape);
        model::GrantOverrides {
            token_url,
            method: grant.method.as_ref().map(|_| shape.method),
            params_in: grant.params_in.as_ref().map(|_| shape.params_in),
            body: grant.body.as_ref().map(|_| shape.body),
            credentials: choice,
            headers: self.grant_headers(name, grant, inputs, credentials, choice),
        }
    }

    /// The grant's own `headers` (spec format 1.2), checked as `request.headers` are, and
    /// none that the grant's credentials send (two values, or credentials overridden).
    fn grant_headers(
        &mut self,
        name: &raw::Str,
        grant: &raw::Grant,
        inputs: &[model::InputSpec],
        credentials: &model::CredentialsSpec,
        choice: Option<model::CredentialChoice>,
    ) -> &'b [model::HeaderSpec<'b>] {
        if grant.headers.is_empty() {
            return &[];
        }
        let what = format!("grant `{}` header", name.value);
        let headers = self.headers(&grant.headers, &what, inputs);
        let usable: Vec<&model::Placement> = match choice {
            Some(model::CredentialChoice::None) => Vec::new(),
            Some(model::CredentialChoice::Placement(i)) => {
                credentials.accepted.get(i).into_iter().collect()
            }
            None => credentials.accepted.iter().collect(),
        };
        for header in &headers {
            let clash = usable.iter().find(|p| match p {
                model::Placement::Header { name, .. } => name.eq_ignore_ascii_case(header.name),
                model::Placement::Basic { .. } => header.name.eq_ignore_ascii_case("authorization"),
                model::Placement::Headers(list) => list
                    .iter()
                    .any(|h| h.name.eq_ignore_ascii_case(header.name)),
                _ => false,
            });
            if let Some(placement) = clash
                && let Some((key, _)) = grant.headers.iter().find(|(k, _)| k.value == header.name)
            {
                self.error(
                    key.referenced,
                    format!(
                        "{what} `{}` is also sent by the {} credentials",
                        header.name,
                        placement.kind()
                    ),
                    "remove it from the grant's headers: the credentials set it",
                );
            }
        }
        self.list(&headers)
    }

    /// The grant's `token_url`: one template for every environment, or one per environment,
    /// naming each environment once and no other. Lowered to one entry per environment.
    fn grant_token_url(
        &mut self,
        spec: &raw::Spec,
        name: &raw::Str,
        grant: &raw::Grant,
        inputs: &[model::InputSpec],
    ) -> &'b [(&'b str, &'b str)] {
        let Some(token_url) = &grant.token_url else {
            return &[];
        };
        let what = format!("token_url of grant `{}`", name.value);
        let environments: Vec<&str> = spec.environments.keys().map(|k| k.value.as_str()).collect();
        let mut out: Vec<(&'b str, &'b str)> = Vec::new();
        match &token_url.value {
            raw::GrantTokenUrl::One(url) => {
                let located = Spanned::new(url.clone(), token_url.referenced, token_url.defined);
                self.url_template(&located, &what, inputs);
                let url = self.text(url);
                for environment in &environments {
                    out.push((self.text(environment), url));
                }
            }
            raw::GrantTokenUrl::PerEnvironment(urls) => {
                for (environment, url) in urls {
                    if !environments.contains(&environment.value.as_str()) {
                        let hint = suggestion(
                            &environment.value,
                            environments.iter().copied(),
                            format!(
                                "name one of the environments: {}",
                                environments
                                    .iter()
                                    .map(|e| format!("`{e}`"))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        );
                        self.error(
                            environment.referenced,
                            format!(
                                "{what} is given for environment `{}`, which does not exist",
                                environment.value
                            ),
                            hint,
                        );
                        continue;
                    }
                    self.url_template(url, &format!("{what} in `{}`", environment.value), inputs);
                    out.push((self.text(&environment.value), self.text(&url.value)));
                }
                // Every environment gets one: a refresh that silently went to another
                // environment's endpoint would be a wrong request, not a default. (After a
                // misspelt environment, that one mistake is the news.)
                let misspelt = urls
                    .keys()
                    .any(|k| !environments.contains(&k.value.as_str()));
                for environment in environments.iter().filter(|_| !misspelt) {
                    if !urls.keys().any(|k| k.value == *environment) {
                        self.error(
                            token_url.referenced,
                            format!("{what} names no URL for environment `{environment}`"),
                            format!(
                                "add `{environment}: https://...`, or give one URL for every environment"
                            ),
                        );
                    }
                }
                // In the provider's order, whatever the spec's.
                out.sort_by_key(|(e, _)| environments.iter().position(|x| x == e));
            }
        }
        self.list(&out)
    }

    /// The grant's `credentials`: `none`, or the kind of an accepted placement.
    fn grant_credentials(
        &mut self,
        name: &raw::Str,
        grant: &raw::Grant,
        credentials: &model::CredentialsSpec,
    ) -> Option<model::CredentialChoice> {
        let chosen = grant.credentials.as_ref()?;
        if chosen.value == "none" {
            if name.value == "client_credentials" {
                // RFC 6749 section 4.4: the client-credentials grant is for confidential
                // clients, which authenticate with the token endpoint (section 4.4.2).
                self.error(
                    chosen.referenced,
                    "a client_credentials grant with `credentials: none` sends no client credentials",
                    "name an accepted placement, or remove `credentials` (RFC 6749 section 4.4.2: the client authenticates)",
                );
            } else if name.value != "none" && !grant.params.keys().any(|k| k.value == "client_id") {
                // RFC 6749 sections 3.2.1, 4.1.3 and 6: a client that does not authenticate
                // still names itself with `client_id`; without it the grant would silently
                // drop the client's identity.
                self.error(
                    chosen.referenced,
                    format!(
                        "grant `{}` has `credentials: none` but sends no `client_id` parameter",
                        name.value
                    ),
                    "add `client_id: {input: client_id}` under the grant's params, or name an accepted placement (RFC 6749 section 3.2.1)",
                );
            }
            return Some(model::CredentialChoice::None);
        }
        let kinds: Vec<&str> = credentials
            .accepted
            .iter()
            .map(model::Placement::kind)
            .collect();
        if let Some(i) = kinds.iter().position(|k| *k == chosen.value) {
            return Some(model::CredentialChoice::Placement(i));
        }
        let mut names = kinds;
        names.push("none");
        let hint = suggestion(
            &chosen.value,
            names.iter().copied(),
            format!(
                "name an accepted placement or `none`: {}",
                names
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        self.error(
            chosen.referenced,
            format!(
                "grant `{}` sends credentials as `{}`, which credentials.accepted does not list",
                name.value, chosen.value
            ),
            hint,
        );
        None
    }

    /// Credentials that would travel in a body the grant does not send: refused when they hold
    /// a secret, since they would go in the URL instead, which the spec did not say the
    /// provider takes (the `query` placement says so). A body the grant's `body: none` leaves
    /// out cannot carry them either.
    fn credentials_fit_shape(
        &mut self,
        name: &raw::Str,
        grant: &raw::Grant,
        inputs: &[model::InputSpec],
        credentials: &model::CredentialsSpec,
        choice: Option<model::CredentialChoice>,
        shape: Shape,
    ) {
        // The placements the grant may be sent with: its own, else any the caller may pick.
        let usable: Vec<&model::Placement> = match choice {
            Some(model::CredentialChoice::None) => Vec::new(),
            Some(model::CredentialChoice::Placement(i)) => {
                credentials.accepted.get(i).into_iter().collect()
            }
            None => credentials.accepted.iter().collect(),
        };
        let at = grant
            .credentials
            .as_ref()
            .map(|c| c.referenced)
            .or(grant.method.as_ref().map(|m| m.referenced))
            .or(grant.params_in.as_ref().map(|p| p.referenced))
            .or(grant.body.as_ref().map(|b| b.referenced))
            .unwrap_or(name.referenced);
        for placement in usable {
            let in_body = matches!(
                placement,
                model::Placement::Body(_)
                    | model::Placement::PrivateKeyJwt(_)
                    | model::Placement::ClientSecretJwt(_)
            );
            if !in_body {
                continue;
            }
            let secret = match placement {
                model::Placement::Body(pairs) => pairs
                    .iter()
                    .find(|(_, input)| {
                        self.declared(inputs, input).is_some_and(|i| i.secret)
                            || model::CONFIDENTIAL_PARAMS.contains(input)
                    })
                    .map(|(_, input)| (*input).to_owned()),
                // A signed client assertion is a bearer credential (RFC 7521 section 5.2).
                _ => Some("client_assertion".to_owned()),
            };
            if shape.in_query() {
                let Some(secret) = secret else { continue };
                let pinned = choice.is_some();
                self.error(
                    at,
                    format!(
                        "grant `{}` sends its parameters in the query string, so the {} credentials would put `{secret}` in the URL",
                        name.value,
                        placement.kind()
                    ),
                    if pinned {
                        "URLs end up in logs: send the grant's credentials as basic or header, or, if the provider takes nothing else, accept `query:` credentials and name it here"
                    } else {
                        "URLs end up in logs: pin the grant's credentials to basic or header (`credentials: basic`), or, if the provider takes nothing else, to accepted `query:` credentials"
                    },
                );
            } else if shape.body == model::BodyFormat::None && grant.body.is_some() {
                self.error(
                    at,
                    format!(
                        "grant `{}` sends {} credentials in the body, but its body is none",
                        name.value,
                        placement.kind()
                    ),
                    "give the grant `credentials: basic` (or header), or `body: form`",
                );
            }
        }
        if shape.in_query() {
            self.secret_params_stay_out_of_the_url(name, grant, inputs);
        }
    }

    /// A grant whose parameters go in the query string (`method: get`, `params_in: query`)
    /// may not carry a secret there by default: URLs end up in logs and histories (RFC 6749
    /// section 10.3 for tokens, RFC 9700 section 4.3.2, and issue 7's rule). A parameter that
    /// itself says `in: query` is the spec saying the provider takes it nowhere else. A signed
    /// assertion is a bearer credential (RFC 7521 section 8.2) and is never put in a URL.
    fn secret_params_stay_out_of_the_url(
        &mut self,
        name: &raw::Str,
        grant: &raw::Grant,
        inputs: &[model::InputSpec],
    ) {
        for (key, param) in grant.params.iter() {
            // `in: query` is the spec's consent; `in: body` on a query grant is refused on its
            // own (`parameter ... goes in: body`).
            if param.location.is_some() {
                continue;
            }
            let reads_secret = |input: &str| {
                model::CONFIDENTIAL_PARAMS.contains(&input)
                    || self.declared(inputs, input).is_some_and(|i| i.secret)
            };
            let secret = param.input.as_ref().is_some_and(|i| reads_secret(&i.value))
                || param.template.as_ref().is_some_and(|t| {
                    inputs.iter().any(|i| {
                        reads_secret(i.name) && t.value.contains(&format!("{{{}}}", i.name))
                    })
                });
            if secret
                || model::CONFIDENTIAL_PARAMS.contains(&key.value.as_str()) && param.input.is_some()
            {
                self.error(
                    key.referenced,
                    format!(
                        "grant `{}` sends its parameters in the query string, so `{}` would put a secret in the URL",
                        name.value, key.value
                    ),
                    "URLs end up in logs: if the provider takes this value nowhere but the query string, say so with `in: query` on the parameter",
                );
            }
        }
        if let Some(assertion) = &grant.assertion {
            self.error(
                assertion.key.referenced,
                format!(
                    "grant `{}` sends its parameters in the query string, so its signed assertion would be in the URL",
                    name.value
                ),
                "a signed assertion is a bearer credential (RFC 7521 section 8.2): send this grant by POST with its parameters in the body",
            );
        }
    }
}
