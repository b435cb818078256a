//! `tokenspec diff`: what changed between two sets of specs, in terms of the wire and the
//! generated API, each change classed `breaking` or `compatible` with the reason.
//!
//! Both sides are loaded and validated, and their **models** are compared: formatting, comments
//! and key order of the YAML never show up, and every change is named the way a user of the
//! generated crate meets it (`Environment::Staging`, `TokenResponse::sessid`, the `refresh`
//! method).
//!
//! Breaking: something removed (provider, environment, grant, input, response field, placement,
//! parameter), something new that callers must supply or providers must send (a required input,
//! a required response field, a fixed parameter), or something changed that callers rely on
//! (a URL, a placement, a type, the content type, the error body). Compatible: something
//! optional added, documentation, and fallbacks (lifetimes, defaults of fields that keep their
//! type).

use crate::load::{self, Source, is_spec_file};
use crate::model::{
    AssertionSpec, AuthorizeSpec, ClientAssertion, CredentialChoice, CredentialsSpec, ErrorFormat,
    Expiry, FieldSpec, FieldType, GrantKind, GrantSpec, HeaderSpec, InputLocation, InputSpec,
    MutualTls, ParamSource, ParamSpec, Pkce, Provider, template_text,
};
use crate::template::{cell, placement_words};
use crate::text;
use heck::ToUpperCamelCase;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// How a change affects users of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Existing callers may stop compiling, or send or receive something else.
    Breaking,
    /// Existing callers keep working as before.
    Compatible,
}

impl Class {
    /// `breaking` or `compatible`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Compatible => "compatible",
        }
    }
}

/// One change of one provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The provider it belongs to.
    pub provider: String,
    /// Breaking or compatible.
    pub class: Class,
    /// What changed, e.g. "environment `staging` removed".
    pub what: String,
    /// Why it is classed so, in terms of the wire or the generated API.
    pub why: String,
}

/// Every change from `old` to `new`, by provider name, breaking ones first within a provider.
pub fn diff(old: &[Provider], new: &[Provider]) -> Vec<Change> {
    let names: BTreeSet<&str> = old.iter().chain(new).map(|p| p.name).collect();
    let mut out = Vec::new();
    for name in names {
        let mut d = Differ {
            provider: name,
            changes: Vec::new(),
            lifetime_defaults: None,
        };
        match (
            old.iter().find(|p| p.name == name),
            new.iter().find(|p| p.name == name),
        ) {
            (Some(_), None) => d.breaking(
                "provider removed",
                "its crate and its registry entry are gone",
            ),
            (None, Some(p)) => d.compatible(
                "provider added",
                format!(
                    "a new crate and registry entry (grants: {})",
                    p.grants
                        .iter()
                        .map(|g| g.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            (Some(a), Some(b)) => d.provider(a, b),
            (None, None) => {}
        }
        // Stable: breaking first, each class in the order found.
        d.changes.sort_by_key(|c| c.class);
        out.extend(d.changes);
    }
    out
}

/// Every change from `old` to `new` when both are one spec file given by the user: the two are
/// one provider, whatever their file or provider names (spec format 1.1). A different `name:`
/// is reported first, as a breaking rename, and the rest is compared as for one provider:
/// comparing two files says "these are two versions of one spec", so reporting the renamed one
/// as removed and the other as added would hide every other change. The changes are listed
/// under the new name.
pub fn diff_files(old: &Provider, new: &Provider) -> Vec<Change> {
    let mut d = Differ {
        provider: new.name,
        changes: Vec::new(),
        lifetime_defaults: None,
    };
    if old.name != new.name {
        d.breaking(
            format!("provider renamed `{}` → `{}`", old.name, new.name),
            "its crate, module, cargo feature and registry entry take the new name: \
             dependents must rename them",
        );
    }
    d.provider(old, new);
    d.changes.sort_by_key(|c| c.class);
    d.changes
}

struct Differ<'a> {
    provider: &'a str,
    changes: Vec<Change>,
    /// `expires_in`'s defaults that merely follow `access_lifetime` (old, new): reported once,
    /// as the lifetime change.
    lifetime_defaults: Option<(Option<String>, Option<String>)>,
}

/// A unit enum as the spec spells it.
fn lower(v: impl std::fmt::Debug) -> String {
    format!("{v:?}").to_lowercase()
}

/// Where a field is read: its body path, or a response header (spec format 1.1).
fn field_source(f: &FieldSpec) -> String {
    match f.header {
        Some(header) => format!("header {}", text::code(header)),
        None => text::code(&f.wire.join(".")),
    }
}

fn quoted(v: Option<&str>) -> String {
    v.map_or_else(|| "none".to_owned(), text::code)
}

fn param_source(p: &ParamSpec) -> String {
    source_words(&p.source)
}

/// A value source in words: `the fixed value `x``, `input `x``, `the template `Bearer
/// {api_key}``, `the JSON value `3600``.
fn source_words(source: &ParamSource) -> String {
    match source {
        ParamSource::Fixed(v) => format!("the fixed value {}", text::code(v)),
        ParamSource::Input(i) => format!("input `{i}`"),
        ParamSource::Template(parts) => {
            format!("the template {}", text::code(&template_text(parts)))
        }
        ParamSource::Json(v) => format!("the JSON value {}", text::code(v)),
    }
}

impl Differ<'_> {
    fn push(&mut self, class: Class, what: impl Into<String>, why: impl Into<String>) {
        self.changes.push(Change {
            provider: self.provider.to_owned(),
            class,
            what: what.into(),
            why: why.into(),
        });
    }

    fn breaking(&mut self, what: impl Into<String>, why: impl Into<String>) {
        self.push(Class::Breaking, what, why);
    }

    fn compatible(&mut self, what: impl Into<String>, why: impl Into<String>) {
        self.push(Class::Compatible, what, why);
    }

    fn documentation(&mut self, what: &str, old: &str, new: &str) {
        if old != new {
            self.compatible(format!("{what} changed"), "documentation only");
        }
    }

    fn provider(&mut self, a: &Provider, b: &Provider) {
        self.documentation("title", a.title, b.title);
        self.documentation("description", a.description, b.description);
        if a.docs != b.docs {
            self.compatible(
                format!("docs link {} → {}", text::code(a.docs), text::code(b.docs)),
                "documentation only",
            );
        }
        self.environments(a, b);
        self.inputs(a, b);
        self.credentials(a, b);
        if a.body != b.body {
            self.breaking(
                format!("request body {} → {}", lower(a.body), lower(b.body)),
                "the request's content type changes",
            );
        }
        // Spec format 1.2: headers every request sends.
        self.headers("request header", a.headers, b.headers, b);
        // Spec format 1.2: how the request travels. A server that takes a POST answers a GET
        // with 405, and one that reads its parameters from the body does not look in the URL.
        if a.method != b.method {
            self.breaking(
                format!("request method {} → {}", a.method.name(), b.method.name()),
                "the token request is sent with another method",
            );
        }
        if a.params_in != b.params_in {
            self.breaking(
                format!(
                    "request params_in {} → {}",
                    lower(a.params_in),
                    lower(b.params_in)
                ),
                "grant_type and the parameters move between body and query string",
            );
        }
        if a.response_format != b.response_format {
            self.breaking(
                format!(
                    "response format {} → {}",
                    a.response_format.name(),
                    b.response_format.name()
                ),
                "answers are read as another format and requests send another Accept header",
            );
        }
        self.grants(a, b);
        if a.scopes.delimiter != b.scopes.delimiter {
            self.breaking(
                format!(
                    "scope delimiter {} → {}",
                    text::code(a.scopes.delimiter),
                    text::code(b.scopes.delimiter)
                ),
                "scope lists are joined and split differently on the wire",
            );
        }
        for (scope, _) in b.scopes.known {
            if !a.scopes.known.iter().any(|(s, _)| s == scope) {
                self.compatible(
                    format!("known scope {} added", text::code(scope)),
                    "documentation only",
                );
            }
        }
        for (scope, _) in a.scopes.known {
            if !b.scopes.known.iter().any(|(s, _)| s == scope) {
                self.compatible(
                    format!("known scope {} removed", text::code(scope)),
                    "documentation only: the provider decides which scopes it grants",
                );
            }
        }
        if a.expiry != b.expiry {
            let show = |e: Expiry| match e {
                Expiry::Default => "default (expires_in, else access_lifetime)".to_owned(),
                Expiry::Field(f) => text::code(f),
                Expiry::Never => "never".to_owned(),
            };
            self.breaking(
                format!("response.expiry {} → {}", show(a.expiry), show(b.expiry)),
                "tokens are given another lifetime: token sources renew them at other times",
            );
        }
        if a.access_lifetime != b.access_lifetime {
            self.lifetime_defaults = Some((
                a.access_lifetime.map(|l| l.to_string()),
                b.access_lifetime.map(|l| l.to_string()),
            ));
        }
        self.fields("response field", "TokenResponse", a.response, b.response);
        self.lifetime_defaults = None;
        match (&a.errors, &b.errors) {
            (ErrorFormat::OAuth2, ErrorFormat::OAuth2) => {}
            (ErrorFormat::Custom(x), ErrorFormat::Custom(y)) => {
                self.fields("error field", "ErrorBody", x, y);
            }
            (ErrorFormat::OAuth2, ErrorFormat::Custom(_)) => self.breaking(
                "error body oauth2 → custom",
                "`ErrorBody` becomes a struct of the provider's own fields",
            ),
            (ErrorFormat::Custom(_), ErrorFormat::OAuth2) => self.breaking(
                "error body custom → oauth2",
                "`ErrorBody` becomes the RFC 6749 body; the custom fields are gone",
            ),
        }
        if a.access_lifetime != b.access_lifetime {
            self.compatible(
                format!(
                    "access_lifetime {} → {}",
                    quoted(a.access_lifetime.map(|l| l.to_string()).as_deref()),
                    quoted(b.access_lifetime.map(|l| l.to_string()).as_deref())
                ),
                "only the fallback for responses without expires_in changes",
            );
        }
        if a.refresh_lifetime != b.refresh_lifetime {
            self.compatible(
                format!(
                    "refresh_lifetime {} → {}",
                    quoted(a.refresh_lifetime.map(|l| l.to_string()).as_deref()),
                    quoted(b.refresh_lifetime.map(|l| l.to_string()).as_deref())
                ),
                "documentation only",
            );
        }
        self.fields("claim", "Claims", a.claims, b.claims);
    }

    /// Spec format 1.2: the issuer whose metadata gives an environment's URLs. Another issuer
    /// or document means requests (and credentials) may go to another server.
    fn discovery(
        &mut self,
        old: &crate::model::EnvironmentSpec,
        new: &crate::model::EnvironmentSpec,
    ) {
        match (old.discovery, new.discovery) {
            (Some(x), Some(y)) => {
                if x.issuer != y.issuer {
                    self.breaking(
                        format!(
                            "issuer of `{}`: {} → {}",
                            old.name,
                            text::code(x.issuer),
                            text::code(y.issuer)
                        ),
                        "URLs are read from another server's metadata",
                    );
                }
                if x.kind != y.kind {
                    self.breaking(
                        format!(
                            "discovery of `{}`: {} → {}",
                            old.name,
                            x.kind.name(),
                            y.kind.name()
                        ),
                        "another metadata document is read; the issuer may not publish it",
                    );
                }
            }
            (Some(_), None) => self.breaking(
                format!("discovery of `{}` removed", old.name),
                "URLs come from the spec, no longer from the issuer's metadata",
            ),
            (None, Some(_)) => self.breaking(
                format!("discovery of `{}` added", old.name),
                "a URL the spec no longer gives is read from the issuer's metadata, which the client must reach",
            ),
            (None, None) => {}
        }
    }

    fn environments(&mut self, a: &Provider, b: &Provider) {
        for old in a.environments {
            let variant = old.name.to_upper_camel_case();
            let Some(new) = b.environments.iter().find(|e| e.name == old.name) else {
                self.breaking(
                    format!("environment `{}` removed", old.name),
                    format!("`Environment::{variant}` is gone"),
                );
                continue;
            };
            if old.token_url != new.token_url {
                self.breaking(
                    format!(
                        "token_url of `{}`: {} → {}",
                        old.name,
                        url_or_discovered(old.token_url),
                        url_or_discovered(new.token_url)
                    ),
                    "token requests go to another URL",
                );
            }
            match (&old.authorize_url, &new.authorize_url) {
                (Some(x), Some(y)) if x != y => self.breaking(
                    format!(
                        "authorize_url of `{}`: {} → {}",
                        old.name,
                        text::code(x),
                        text::code(y)
                    ),
                    "users are sent to another URL",
                ),
                (Some(_), None) => self.breaking(
                    format!("authorize_url of `{}` removed", old.name),
                    "`authorize_url` no longer works there",
                ),
                (None, Some(_)) => self.compatible(
                    format!("authorize_url of `{}` added", old.name),
                    "new, for the authorization_code grant",
                ),
                _ => {}
            }
            self.discovery(old, new);
        }
        for new in b.environments {
            if !a.environments.iter().any(|e| e.name == new.name) {
                self.compatible(
                    format!("environment `{}` added", new.name),
                    format!(
                        "a new variant `Environment::{}`",
                        new.name.to_upper_camel_case()
                    ),
                );
            }
        }
        if a.default_environment != b.default_environment {
            self.breaking(
                format!(
                    "default environment `{}` → `{}`",
                    a.default_environment, b.default_environment
                ),
                "clients that pick no environment call another URL",
            );
        }
    }

    fn inputs(&mut self, a: &Provider, b: &Provider) {
        let place = |i: &InputSpec| {
            if i.per_request {
                format!("the `{}` argument of the grant methods", i.name)
            } else if i.required {
                format!("the `Inputs` field `{}`", i.name)
            } else {
                format!("the `OptionalInput` variant for `{}`", i.name)
            }
        };
        for old in a.inputs {
            let Some(new) = b.input(old.name) else {
                self.breaking(
                    format!("input `{}` removed", old.name),
                    format!("{} is gone", place(old)),
                );
                continue;
            };
            let name = &old.name;
            if old.per_request != new.per_request {
                self.breaking(
                    format!(
                        "input `{name}` per_request {} → {}",
                        old.per_request, new.per_request
                    ),
                    format!("it moves from {} to {}", place(old), place(new)),
                );
            }
            if old.secret != new.secret {
                self.breaking(
                    format!("input `{name}` secret {} → {}", old.secret, new.secret),
                    "the type of its `Inputs` field or argument changes (`Secret` or `String`)",
                );
            }
            if old.required != new.required {
                if new.required {
                    self.breaking(
                        format!("input `{name}` becomes required"),
                        if new.per_request {
                            "each call must now pass it".to_owned()
                        } else {
                            "it becomes a field of `Inputs`: struct literals without it no longer \
                             compile"
                                .to_owned()
                        },
                    );
                } else if new.per_request && old.per_request {
                    self.breaking(
                        format!("input `{name}` becomes optional"),
                        "its argument becomes an `Option`",
                    );
                } else {
                    // Cargo's semver rules: removing a public field is a major change.
                    self.breaking(
                        format!("input `{name}` becomes optional"),
                        "it leaves `Inputs` for `OptionalInput`: struct literals that name it no \
                         longer compile",
                    );
                }
            }
            if old.pattern != new.pattern {
                let what = format!(
                    "pattern of input `{name}` {} → {}",
                    quoted(old.pattern),
                    quoted(new.pattern)
                );
                if new.pattern.is_none() {
                    self.compatible(what, "every value accepted before is still accepted");
                } else {
                    self.breaking(what, "values accepted before may be refused");
                }
            }
            if old.default != new.default && new.required == old.required {
                self.breaking(
                    format!(
                        "default of input `{name}` {} → {}",
                        quoted(old.default),
                        quoted(new.default)
                    ),
                    "callers that set nothing send another value",
                );
            }
            if old.location != new.location && new.location == InputLocation::Host {
                let what = if matches!(old.location, InputLocation::Hostname { .. }) {
                    format!("input `{name}` becomes one label of the host name")
                } else {
                    format!("input `{name}` moves into the host name")
                };
                self.breaking(what, "its value must now be a DNS label");
            }
            if let InputLocation::Hostname {
                allow_ip,
                allow_port,
            } = new.location
            {
                let (was_ip, was_port) = match old.location {
                    InputLocation::Hostname {
                        allow_ip,
                        allow_port,
                    } => (allow_ip, allow_port),
                    _ => (false, false),
                };
                if !matches!(old.location, InputLocation::Hostname { .. }) {
                    self.breaking(
                        format!("input `{name}` becomes the whole host name"),
                        "its value must now be a DNS host name, the URL's whole host",
                    );
                } else if (was_ip && !allow_ip) || (was_port && !allow_port) {
                    self.breaking(
                        format!("host name input `{name}` accepts less"),
                        "an IP address or a `:port` that was accepted is now refused",
                    );
                }
            }
            if old.description != new.description || a.example(name) != b.example(name) {
                self.compatible(
                    format!("description of input `{name}` changed"),
                    "documentation only",
                );
            }
        }
        for new in b.inputs {
            if a.input(new.name).is_some() {
                continue;
            }
            // A per-request input reaches only the methods of the grants that send it.
            let old_methods_take_it = b.grants.iter().any(|g| {
                a.grant(g.kind).is_some()
                    && g.params
                        .iter()
                        .chain(g.authorize_params)
                        .any(|p| p.source == ParamSource::Input(new.name))
            });
            if new.required && new.per_request && !old_methods_take_it {
                self.compatible(
                    format!("required input `{}` added", new.name),
                    "an argument of new methods only",
                );
            } else if new.required {
                self.breaking(
                    format!("required input `{}` added", new.name),
                    if new.per_request {
                        "each call must pass it".to_owned()
                    } else {
                        "`Inputs` gains a field: struct literals without it do not compile"
                            .to_owned()
                    },
                );
            } else if new.per_request && old_methods_take_it {
                // A per-request input is an argument, not a setter: an optional one is an
                // `Option` argument the existing calls do not pass (Cargo's semver rules count
                // a changed function signature as a major change).
                self.breaking(
                    format!("optional input `{}` added", new.name),
                    "the methods of existing grants gain an `Option` argument",
                );
            } else {
                self.compatible(
                    format!("optional input `{}` added", new.name),
                    if new.per_request {
                        "an argument of new methods only"
                    } else {
                        "a new variant of the non-exhaustive `OptionalInput`"
                    },
                );
            }
        }
    }

    /// Headers sent with a request (spec format 1.2: `request.headers`, a grant's `headers`),
    /// matched by name case-insensitively (RFC 9110 section 5.1). As with parameters: a
    /// header removed or changed is breaking (the server may need it as it was); one added is
    /// compatible only when it is sent just when optional inputs are set.
    fn headers(&mut self, what: &str, old: &[HeaderSpec], new: &[HeaderSpec], b: &Provider) {
        fn find<'a>(list: &[HeaderSpec<'a>], name: &str) -> Option<ParamSource<'a>> {
            list.iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| h.source)
        }
        for h in old {
            match find(new, h.name) {
                None => self.breaking(
                    format!("{what} `{}` removed", h.name),
                    "requests no longer send it",
                ),
                Some(source) if source != h.source => self.breaking(
                    format!(
                        "{what} `{}`: {} → {}",
                        h.name,
                        source_words(&h.source),
                        source_words(&source)
                    ),
                    "requests send another value",
                ),
                Some(_) => {}
            }
        }
        for h in new {
            if find(old, h.name).is_some() {
                continue;
            }
            let change = format!("{what} `{}` added", h.name);
            let inputs = h.source.inputs();
            if !inputs.is_empty()
                && inputs
                    .iter()
                    .all(|i| b.input(i).is_some_and(|i| !i.required))
            {
                self.compatible(
                    change,
                    format!(
                        "sent only when optional input(s) {} are set",
                        inputs.join(", ")
                    ),
                );
            } else {
                self.breaking(
                    change,
                    format!("every request now sends {}", source_words(&h.source)),
                );
            }
        }
    }

    fn credentials(&mut self, a: &Provider, b: &Provider) {
        let (x, y) = (&a.credentials, &b.credentials);
        for old in x.accepted {
            match y.accepted.iter().find(|p| p.kind() == old.kind()) {
                None => self.breaking(
                    format!("credential placement {} removed", placement_words(old)),
                    "the provider no longer accepts it: `CredentialPlacement` loses a variant",
                ),
                Some(new)
                    if new != old && old.mutual_tls().is_some() && new.mutual_tls().is_some() =>
                {
                    if let (Some(o), Some(n)) = (old.mutual_tls(), new.mutual_tls()) {
                        self.mutual_tls(old.kind(), o, n);
                    }
                }
                Some(new) if new != old => match (old.client_assertion(), new.client_assertion()) {
                    (Some(o), Some(n)) => self.client_assertion(old.kind(), o, n),
                    _ => self.breaking(
                        format!("credential placement {} changed", placement_words(old)),
                        "credentials are sent under other names on the wire",
                    ),
                },
                Some(_) => {}
            }
        }
        for new in y.accepted {
            if !x.accepted.iter().any(|p| p.kind() == new.kind()) {
                self.compatible(
                    format!("credential placement {} added", placement_words(new)),
                    "a new alternative; the preferred placement decides what is sent",
                );
            }
        }
        let preferred =
            |c: &CredentialsSpec| c.accepted.get(c.preferred).map(|p| p.kind().to_owned());
        let (old, new) = (preferred(x), preferred(y));
        if old != new && old.is_some() && new.is_some() {
            self.breaking(
                format!(
                    "preferred credential placement {} → {}",
                    quoted(old.as_deref()),
                    quoted(new.as_deref())
                ),
                "clients send their credentials elsewhere unless they pick a placement",
            );
        }
    }

    /// A `tls_client_auth` or `self_signed_tls_client_auth` placement that changed (RFC 8705
    /// section 2): each input is one callers supply, so a renamed one is breaking.
    fn mutual_tls(&mut self, kind: &str, old: &MutualTls, new: &MutualTls) {
        for (what, o, n, why) in [
            (
                "client ID",
                old.client_id,
                new.client_id,
                "the body's `client_id` comes from another input",
            ),
            (
                "certificate",
                old.certificate,
                new.certificate,
                "callers supply the certificate (PEM) under another input",
            ),
            (
                "key",
                old.key,
                new.key,
                "callers supply the private key (PEM) under another input",
            ),
        ] {
            if o != n {
                self.breaking(
                    format!("{kind}: {what} input {} → {}", text::code(o), text::code(n)),
                    why,
                );
            }
        }
    }

    /// A `private_key_jwt` or `client_secret_jwt` placement that changed (RFC 7523 section 2.2).
    fn client_assertion(&mut self, kind: &str, old: &ClientAssertion, new: &ClientAssertion) {
        if old.client_id != new.client_id {
            self.breaking(
                format!(
                    "{kind}: client ID input {} → {}",
                    text::code(old.client_id),
                    text::code(new.client_id)
                ),
                "the assertion's `iss` and `sub` come from another input",
            );
        }
        if old.send_client_id != new.send_client_id {
            self.breaking(
                format!(
                    "{kind}: `client_id` {} the body",
                    if new.send_client_id {
                        "added to"
                    } else {
                        "removed from"
                    }
                ),
                "the token request's body changes on the wire (RFC 7521 section 4.2)",
            );
        }
        self.assertion(kind, &old.assertion, &new.assertion);
    }

    /// A signed assertion's recipe that changed (RFC 7523 section 3): what the server checks
    /// (algorithm, key, claims) is breaking; only a lifetime change is not, since every
    /// request signs a new assertion.
    fn assertion(&mut self, what: &str, old: &AssertionSpec, new: &AssertionSpec) {
        if old.algorithm != new.algorithm {
            self.breaking(
                format!(
                    "{what}: algorithm {} → {}",
                    old.algorithm.name(),
                    new.algorithm.name()
                ),
                "the signing key must be of the new algorithm's type, and its public half registered with the provider",
            );
        }
        if old.key != new.key || old.key_id != new.key_id {
            self.breaking(
                format!("{what}: key or key ID input changed"),
                "callers supply the key (or its `kid`) under another input",
            );
        }
        let source = |s: &ParamSource| match s {
            ParamSource::Fixed(v) => format!("value {}", text::code(v)),
            ParamSource::Input(i) => format!("input {}", text::code(i)),
            other => source_words(other),
        };
        let audience =
            |a: &Option<ParamSource>| a.as_ref().map_or("the token URL".to_owned(), source);
        for (claim, o, n) in [
            ("iss", source(&old.issuer), source(&new.issuer)),
            ("sub", source(&old.subject), source(&new.subject)),
            ("aud", audience(&old.audience), audience(&new.audience)),
        ] {
            if o != n {
                self.breaking(
                    format!("{what}: `{claim}` {o} → {n}"),
                    "the server checks it (RFC 7523 section 3)",
                );
            }
        }
        if old.claims != new.claims {
            self.breaking(
                format!("{what}: further claims changed"),
                "the assertion carries other claims than the server was told to expect",
            );
        }
        if old.lifetime != new.lifetime {
            self.compatible(
                format!("{what}: lifetime {} s → {} s", old.lifetime, new.lifetime),
                "a new assertion is signed for every request; only its `exp` moves",
            );
        }
    }

    fn grants(&mut self, a: &Provider, b: &Provider) {
        let methods = |g: &GrantSpec| match g.kind {
            GrantKind::AuthorizationCode => "`exchange_code` and `authorize_url`".to_owned(),
            kind => format!("`{}`", crate::names::grant_method(kind, g.name())),
        };
        // Grants are matched by name: a built-in's is its kind's, an extension grant's its key
        // under `grants`, which names its method.
        for old in a.grants {
            let Some(new) = b.grant_by_name(old.name()) else {
                self.breaking(
                    format!("grant `{}` removed", old.name()),
                    format!("the {} methods are gone", methods(old)),
                );
                continue;
            };
            self.grant(b, old, new);
            self.overrides(a, b, old, new);
            if let (Some(o), Some(n)) = (&old.assertion, &new.assertion)
                && o != n
            {
                self.assertion(&format!("grant `{}` assertion", old.name()), o, n);
            }
        }
        for new in b.grants {
            if a.grant_by_name(new.name()).is_none() {
                self.compatible(
                    format!("grant `{}` added", new.name()),
                    format!("new {} methods", methods(new)),
                );
            }
        }
    }

    /// A grant's own request (spec format 1.2): another token URL, method, parameter place,
    /// body format or credentials is another request on the wire. A change the provider-wide
    /// setting already explains (the grant overrides nothing either side) is reported there.
    fn overrides(&mut self, a: &Provider, b: &Provider, old: &GrantSpec, new: &GrantSpec) {
        let grant = old.name();
        let (o, n) = (&old.overrides, &new.overrides);
        if o.token_url != n.token_url {
            for new_env in b.environments {
                let Some(old_env) = a.environment(new_env.name) else {
                    continue;
                };
                let (was, is) = (old.token_url(old_env), new.token_url(new_env));
                if was != is {
                    self.breaking(
                        format!(
                            "token_url of grant `{grant}` in `{}`: {} → {}",
                            new_env.name,
                            text::code(was),
                            text::code(is)
                        ),
                        "the grant's token requests go to another URL",
                    );
                }
            }
        }
        let (was, is) = (a.method_of(old), b.method_of(new));
        if o.method != n.method && was != is {
            self.breaking(
                format!("method of grant `{grant}` {} → {}", was.name(), is.name()),
                "the grant's token request is sent with another method",
            );
        }
        let (was, is) = (a.params_in_of(old), b.params_in_of(new));
        if o.params_in != n.params_in && was != is {
            self.breaking(
                format!(
                    "params_in of grant `{grant}` {} → {}",
                    lower(was),
                    lower(is)
                ),
                "grant_type and the parameters move between body and query string",
            );
        }
        let (was, is) = (a.body_of(old), b.body_of(new));
        if o.body != n.body && was != is {
            self.breaking(
                format!(
                    "request body of grant `{grant}` {} → {}",
                    lower(was),
                    lower(is)
                ),
                "the grant's request has another content type",
            );
        }
        // By kind, not index: the accepted list may have grown.
        let choice = |p: &Provider, c: Option<CredentialChoice>| match c {
            None => "the client's placement".to_owned(),
            Some(CredentialChoice::None) => "none".to_owned(),
            Some(CredentialChoice::Placement(i)) => p
                .credentials
                .accepted
                .get(i)
                .map_or("?", |p| p.kind())
                .to_owned(),
        };
        let (was, is) = (choice(a, o.credentials), choice(b, n.credentials));
        if was != is {
            self.breaking(
                format!("credentials of grant `{grant}` {was} → {is}"),
                "the grant authenticates the client another way",
            );
        }
        if o.headers != n.headers {
            self.breaking(
                format!("headers of grant `{grant}` changed"),
                "the grant's token request sends other headers",
            );
        }
    }

    fn grant(&mut self, b: &Provider, old: &GrantSpec, new: &GrantSpec) {
        let grant = old.name();
        // RFC 6749 section 4.5: the server picks the grant by `grant_type`; another value is
        // another grant to it, whatever the method is called.
        if old.grant_type() != new.grant_type() {
            self.breaking(
                format!(
                    "grant_type of `{grant}` {} → {}",
                    quoted(old.grant_type()),
                    quoted(new.grant_type())
                ),
                "the server sees another grant",
            );
        }
        self.documentation(
            &format!("description of grant `{grant}`"),
            old.description,
            new.description,
        );
        self.params(b, grant, "parameter", old.params, new.params);
        self.params(
            b,
            grant,
            "authorize parameter",
            old.authorize_params,
            new.authorize_params,
        );
        self.authorize(grant, &old.authorize, &new.authorize);
        if old.pkce != new.pkce {
            let what = format!(
                "PKCE of `{grant}` {} → {}",
                lower(old.pkce),
                lower(new.pkce)
            );
            match new.pkce {
                Pkce::Required => {
                    self.breaking(what, "every authorization now needs a code verifier")
                }
                Pkce::None => self.breaking(what, "the code verifier is no longer sent"),
                // `authorize_url` takes the verifier as an argument only when PKCE is on: from
                // `none`, its signature gains one (Cargo's semver rules: a major change).
                Pkce::Optional if old.pkce == Pkce::None => {
                    self.breaking(what, "`authorize_url` gains a `code_verifier` argument")
                }
                Pkce::Optional => self.compatible(what, "a code verifier is sent when given"),
            }
        }
    }

    /// The authorize URL's options (spec format 1.2). Each changes the URL's bytes, and a
    /// provider that wanted them so reads no other: another name is a parameter it does not
    /// know, other separators or escapes are scopes it does not recognise, and an empty
    /// parameter it gets (or no longer gets) may mean something to it.
    fn authorize(&mut self, grant: &str, old: &AuthorizeSpec, new: &AuthorizeSpec) {
        for name in AuthorizeSpec::STANDARD {
            let (was, is) = (old.wire_name(name), new.wire_name(name));
            if was != is {
                self.breaking(
                    format!(
                        "authorize parameter `{name}` of `{grant}` sent as {} → {}",
                        text::code(was),
                        text::code(is)
                    ),
                    "the authorize URL names it otherwise",
                );
            }
        }
        if old.scope_separator != new.scope_separator {
            self.breaking(
                format!(
                    "scope separator of the authorize URL of `{grant}` {} → {}",
                    quoted(old.scope_separator),
                    quoted(new.scope_separator)
                ),
                "scopes are joined differently in the authorize URL",
            );
        }
        let params: BTreeSet<&str> = old
            .keep_unencoded
            .iter()
            .chain(new.keep_unencoded)
            .map(|(param, _)| *param)
            .collect();
        for param in params {
            let (was, is) = (old.unencoded(param), new.unencoded(param));
            if was != is {
                self.breaking(
                    format!(
                        "characters of authorize parameter `{param}` of `{grant}` kept unencoded: {} → {}",
                        quoted(Some(was).filter(|w| !w.is_empty())),
                        quoted(Some(is).filter(|i| !i.is_empty()))
                    ),
                    "the authorize URL writes the value with other bytes",
                );
            }
        }
        if old.omit_empty != new.omit_empty {
            self.breaking(
                format!(
                    "empty authorize parameters of `{grant}` {}",
                    if new.omit_empty {
                        "left out"
                    } else {
                        "sent again"
                    }
                ),
                if new.omit_empty {
                    "a parameter set to an empty value is no longer sent as `name=`"
                } else {
                    "a parameter set to an empty value is sent as `name=`"
                },
            );
        }
    }

    fn params(
        &mut self,
        b: &Provider,
        grant: &str,
        what: &str,
        old: &[ParamSpec],
        new: &[ParamSpec],
    ) {
        for p in old {
            match new.iter().find(|q| q.name == p.name) {
                None => self.breaking(
                    format!("{what} `{}` of `{grant}` removed", p.name),
                    "requests no longer send it",
                ),
                Some(q) if q.source != p.source => self.breaking(
                    format!(
                        "{what} `{}` of `{grant}`: {} → {}",
                        p.name,
                        param_source(p),
                        param_source(q)
                    ),
                    "requests send another value",
                ),
                Some(q) if q.location != p.location => self.breaking(
                    format!(
                        "{what} `{}` of `{grant}` moves from the {} to the {}",
                        p.name,
                        lower(p.location),
                        lower(q.location)
                    ),
                    "it is sent elsewhere on the wire",
                ),
                Some(_) => {}
            }
        }
        for q in new {
            if old.iter().any(|p| p.name == q.name) {
                continue;
            }
            let what = format!("{what} `{}` of `{grant}` added", q.name);
            // A per-request input is an argument of the method that sends it: one the old
            // method did not take is a new argument, whatever the input's `required`.
            let new_argument = |i: &str| {
                b.input(i).is_some_and(|input| input.per_request)
                    && !old.iter().any(|p| p.source == ParamSource::Input(i))
            };
            match &q.source {
                ParamSource::Input(i) if new_argument(i) => self.breaking(
                    what,
                    format!("the method that sends it gains a `{i}` argument"),
                ),
                ParamSource::Input(i) if b.input(i).is_some_and(|i| !i.required) => {
                    self.compatible(what, format!("sent only when optional input `{i}` is set"))
                }
                ParamSource::Input(i) => {
                    self.breaking(what, format!("every request now sends input `{i}`"))
                }
                ParamSource::Fixed(v) | ParamSource::Json(v) => self.breaking(
                    what,
                    format!(
                        "every request now sends {}",
                        text::code(&format!("{}={v}", q.name))
                    ),
                ),
                // A template is sent when its inputs are set: as an input would be.
                ParamSource::Template(_) => {
                    let inputs = q.source.inputs();
                    if let Some(i) = inputs.iter().find(|i| new_argument(i)) {
                        self.breaking(
                            what,
                            format!("the method that sends it gains a `{i}` argument"),
                        );
                    } else if inputs
                        .iter()
                        .all(|i| b.input(i).is_some_and(|i| !i.required))
                        && !inputs.is_empty()
                    {
                        self.compatible(
                            what,
                            format!("sent only when its inputs ({}) are set", inputs.join(", ")),
                        );
                    } else {
                        self.breaking(
                            what,
                            format!("every request now sends {}", source_words(&q.source)),
                        );
                    }
                }
            }
        }
    }

    fn fields(&mut self, what: &str, ty: &str, old: &[FieldSpec], new: &[FieldSpec]) {
        // A field always has a value when it is required or has a default: then it is `T`,
        // else `Option<T>`.
        let always = |f: &FieldSpec| f.required || f.default.is_some();
        for f in old {
            let Some(g) = new.iter().find(|g| g.name == f.name) else {
                self.breaking(
                    format!("{what} `{}` removed", f.name),
                    format!("`{ty}::{}` is gone", f.name),
                );
                continue;
            };
            let name = f.name;
            let change = format!("type of {what} `{name}` {} → {}", f.ty.name(), g.ty.name());
            let epoch_seconds =
                |t: FieldType| matches!(t, FieldType::Timestamp | FieldType::EpochSeconds);
            if f.ty != g.ty && epoch_seconds(f.ty) && epoch_seconds(g.ty) {
                self.compatible(
                    change,
                    "`timestamp` is spec format 1's name for epoch seconds: same type, same values",
                );
            } else if f.ty != g.ty
                && ((f.ty.is_duration() && g.ty.is_duration())
                    || (f.ty.is_instant() && g.ty.is_instant()))
            {
                // Same Rust type, another unit: the API compiles, the values change.
                self.breaking(
                    change,
                    format!(
                        "`{ty}::{name}` keeps its type, but the wire value is read in another \
                         unit: each response's value now means another time"
                    ),
                );
            } else if f.ty != g.ty {
                self.breaking(change, format!("`{ty}::{name}` changes type"));
            }
            if f.wire != g.wire || f.header != g.header {
                self.breaking(
                    format!(
                        "{what} `{name}` read from {} → {}",
                        field_source(f),
                        field_source(g)
                    ),
                    "it is read from another place in the response",
                );
            }
            if always(f) != always(g) {
                let (became, from, to) = if always(g) {
                    ("required", "Option<T>", "T")
                } else {
                    ("optional", "T", "Option<T>")
                };
                self.breaking(
                    format!("{what} `{name}` becomes {became}"),
                    format!("`{ty}::{name}` changes from `{from}` to `{to}`"),
                );
            } else if !f.required && g.required {
                self.breaking(
                    format!("{what} `{name}` becomes required"),
                    "responses without it are now errors",
                );
            } else if f.required != g.required {
                self.compatible(
                    format!("{what} `{name}` becomes optional"),
                    "its default applies when it is absent",
                );
            }
            let follows_lifetime = name == "expires_in"
                && self.lifetime_defaults
                    == Some((f.default.map(str::to_owned), g.default.map(str::to_owned)));
            if f.default != g.default && always(f) == always(g) && !follows_lifetime {
                self.compatible(
                    format!(
                        "default of {what} `{name}` {} → {}",
                        quoted(f.default),
                        quoted(g.default)
                    ),
                    "only the value used when the provider omits it changes",
                );
            }
            self.documentation(
                &format!("description of {what} `{name}`"),
                f.description,
                g.description,
            );
        }
        for g in new {
            if old.iter().any(|f| f.name == g.name) {
                continue;
            }
            if g.required {
                self.breaking(
                    format!("required {what} `{}` added", g.name),
                    "responses without it are now errors",
                );
            } else {
                self.compatible(
                    format!("optional {what} `{}` added", g.name),
                    format!("a new `{ty}::{}`", g.name),
                );
            }
        }
    }
}

/// Counts of a diff: breaking, compatible, providers touched.
fn counts(changes: &[Change]) -> (usize, usize, usize) {
    let breaking = changes
        .iter()
        .filter(|c| c.class == Class::Breaking)
        .count();
    let providers: BTreeSet<&str> = changes.iter().map(|c| c.provider.as_str()).collect();
    (breaking, changes.len() - breaking, providers.len())
}

fn summary(changes: &[Change]) -> String {
    let (breaking, compatible, providers) = counts(changes);
    format!(
        "{breaking} breaking, {compatible} compatible change{} in {providers} provider{}",
        if compatible == 1 { "" } else { "s" },
        if providers == 1 { "" } else { "s" }
    )
}

/// The diff as text: changes grouped by provider, then a summary line.
pub fn render_text(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes to the wire or the generated API\n".to_owned();
    }
    let mut out = String::new();
    let mut current = "";
    for c in changes {
        if c.provider != current {
            if !current.is_empty() {
                out.push('\n');
            }
            current = &c.provider;
            let _ = writeln!(out, "{current}");
        }
        let _ = writeln!(out, "  {:<10}  {}", c.class.name(), c.what);
        let _ = writeln!(out, "  {:<10}  {}", "", c.why);
    }
    let _ = writeln!(out, "\n{}", summary(changes));
    out
}

/// The diff as a Markdown table, for a PR comment.
pub fn render_markdown(changes: &[Change]) -> String {
    let mut out = String::from("### tokenspec diff\n\n");
    if changes.is_empty() {
        out.push_str("No changes to the wire or the generated API.\n");
        return out;
    }
    let (breaking, _, _) = counts(changes);
    let _ = writeln!(
        out,
        "{}{}\n",
        if breaking > 0 { "⚠️ " } else { "" },
        summary(changes)
    );
    out.push_str("| Provider | Change | Class | Why |\n|---|---|---|---|\n");
    for c in changes {
        let class = match c.class {
            Class::Breaking => "**breaking**",
            Class::Compatible => "compatible",
        };
        let _ = writeln!(
            out,
            "| `{}` | {} | {class} | {} |",
            c.provider,
            cell(c.what.clone()),
            cell(c.why.clone())
        );
    }
    out
}

/// Whether any change is breaking.
pub fn has_breaking(changes: &[Change]) -> bool {
    changes.iter().any(|c| c.class == Class::Breaking)
}

/// The spec sources at `path`: a folder's `*.yaml` files (each must be named after its
/// provider, as in `specs/`), or one file named anything ([`source_of_file`]).
pub fn sources_at_path(path: &Path) -> std::io::Result<Vec<Source>> {
    if path.is_dir() {
        load::read_dir(path)
    } else {
        Ok(vec![source_of_file(path)?])
    }
}

/// One spec file given by name, as the provider its `name:` key declares, whatever the file is
/// called (spec format 1.1): an old version saved with `git show rev:specs/x.yaml > old.yaml`
/// is still `x`. Diagnostics keep pointing at `path`. A file whose YAML does not parse keeps
/// the stem of its file name; its parse errors are what validation reports then.
pub fn source_of_file(path: &Path) -> std::io::Result<Source> {
    let text = std::fs::read_to_string(path)?;
    let mut source = Source::new(path.display().to_string(), text);
    if let Ok(loaded) = load::parse(source.clone()) {
        source.stem = loaded.spec.name.value.clone();
    }
    Ok(source)
}

/// The spec sources of folder `specs` at git revision `rev` (`git ls-tree` and `git show`, run
/// in the current directory), each named `REV:path` in diagnostics.
pub fn sources_at_rev(rev: &str, specs: &Path) -> Result<Vec<Source>, String> {
    let git = |args: &[&str]| -> Result<Vec<u8>, String> {
        let out = Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            Ok(out.stdout)
        } else {
            Err(format!(
                "git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    };
    if rev.starts_with('-') {
        return Err(format!("`{rev}` is not a git revision"));
    }
    let folder = format!("{}/", specs.display().to_string().trim_end_matches('/'));
    let listing = git(&["ls-tree", "--name-only", rev, "--", &folder])?;
    let mut paths: Vec<String> = String::from_utf8_lossy(&listing)
        .lines()
        .filter(|l| is_spec_file(Path::new(l)))
        .map(str::to_owned)
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let blob = git(&["show", &format!("{rev}:./{path}")])?;
            let text = String::from_utf8(blob).map_err(|_| format!("{rev}:{path} is not UTF-8"))?;
            Ok(Source::new(format!("{rev}:{path}"), text))
        })
        .collect()
}

/// A token URL as a code span, or `discovered` when the spec leaves it to the issuer's
/// metadata (spec format 1.2).
fn url_or_discovered(url: &str) -> String {
    match url {
        "" => "discovered".to_owned(),
        url => text::code(url),
    }
}
