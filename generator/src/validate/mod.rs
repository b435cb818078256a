//! Stage 2: every semantic check, all errors collected, each with `file:line:col` and a hint;
//! the result is the model, lowered into the caller's arena.
//!
//! This file holds the driver ([`validate`]), the `Checker` that collects diagnostics and
//! lowers into the arena, and the per-spec walk (`Checker::provider`); each section of a spec
//! is checked in a file of its own (identifiers, urls, inputs, environments, credentials,
//! grants, response). Lowering to the model is still done while checking: pulling it out into
//! a `lower` stage is left for when the checks have settled (docs/redesign-plan.md, section 3).

use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::load::Loaded;
use crate::load::raw;
use crate::model;
use crate::names::provider_name_clash;
use bumpalo::Bump;
use serde_saphyr::Location;
use std::collections::{BTreeMap, BTreeSet};

/// The `spec_version` values this tokenspec reads: 1, and 1.1, which only added keys.
const SPEC_VERSIONS: [f64; 3] = [1.0, 1.1, 1.2];

mod authorize;
mod credentials;
mod discovery;
mod environments;
mod examples;
mod grants;
mod identifiers;
mod inputs;
mod mutual_tls;
mod overrides;
mod response;
mod templates;
mod urls;

/// Validates every loaded spec; returns the models, or every diagnostic of every file.
///
/// The models borrow their text and lists from `arena` (nothing from `loaded`), so they
/// outlive the parsed files; the caller drops the arena when it is done with them. Providers
/// come sorted by name, whatever the order of `loaded`.
pub fn validate<'b>(
    arena: &'b Bump,
    loaded: &[Loaded],
) -> Result<Vec<model::Provider<'b>>, Diagnostics> {
    let mut diagnostics = Vec::new();
    let mut providers = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for file in loaded {
        let mut checker = Checker {
            arena,
            file: &file.source.path,
            text: &file.source.text,
            diagnostics: &mut diagnostics,
            suggested: BTreeSet::new(),
            lines: std::cell::OnceCell::new(),
            input_index: std::collections::HashMap::new(),
            typed_values: false,
        };
        if let Some(provider) = checker.provider(file) {
            if let Some(other) = seen.insert(provider.name.to_owned(), file.source.path.clone()) {
                checker.error(
                    file.spec.name.referenced,
                    format!("provider `{}` is also defined in {other}", provider.name),
                    "give each provider its own name",
                );
            }
            providers.push(provider);
        }
    }
    if diagnostics.is_empty() {
        providers.sort_by(|a, b| a.name.cmp(b.name));
        Ok(providers)
    } else {
        Err(Diagnostics::new(diagnostics))
    }
}

struct Checker<'a, 'b> {
    /// Where lowered text and lists go: the providers returned borrow from it.
    arena: &'b Bump,
    file: &'a str,
    text: &'a str,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Inputs offered as "did you mean" for an undeclared one: not also reported unused.
    suggested: BTreeSet<String>,
    /// The file's line starts, indexed on the first diagnostic that needs a position inside a
    /// value: thousands of such diagnostics then cost no rescan of the file each.
    lines: std::cell::OnceCell<crate::diagnostic::LineIndex<'a>>,
    /// Where each lowered input sits in the inputs list, so a reference is one lookup rather
    /// than a scan: a spec with thousands of inputs and references stays linear.
    input_index: std::collections::HashMap<String, usize>,
    /// Spec format 1.2 reads a fixed `value` that is a number, boolean, mapping or list as
    /// JSON; earlier formats sent a scalar as its text.
    typed_values: bool,
}

fn suggestion<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    fallback: String,
) -> String {
    match did_you_mean(name, candidates) {
        Some(s) => format!("did you mean `{s}`?"),
        None => fallback,
    }
}

impl<'b> Checker<'_, 'b> {
    /// `text`, copied into the arena the lowered provider borrows from.
    fn text(&self, text: &str) -> &'b str {
        self.arena.alloc_str(text)
    }

    /// `text` trimmed, copied into the arena: descriptions and titles.
    fn trimmed(&self, text: &str) -> &'b str {
        self.text(text.trim())
    }

    /// `items`, copied into the arena the lowered provider borrows from.
    fn list<T: Copy>(&self, items: &[T]) -> &'b [T] {
        self.arena.alloc_slice_copy(items)
    }

    fn error(&mut self, at: Location, message: impl Into<String>, hint: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::at(self.file, at, message, hint));
    }

    /// An error marking `needle` inside the located text (a `{variable}` of a URL), or the
    /// whole located text when it is not found there.
    fn error_in(
        &mut self,
        at: Location,
        needle: &str,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let mut d = Diagnostic::at(self.file, at, message, hint);
        let span = at.span();
        if let (Some(offset), Some(len)) = (span.byte_offset(), span.byte_len())
            && let (Ok(offset), Ok(len)) = (usize::try_from(offset), usize::try_from(len))
            && let Some(located) = self.text.get(offset..offset.saturating_add(len))
            && let Some(i) = located.find(needle)
        {
            let (line, column) = self.line_column(offset + i);
            d = d.span(line, column, needle.len());
        }
        self.diagnostics.push(d);
    }

    /// A key an assertion is signed with (RFC 7523) is only read, never sent: it may not also
    /// feed a header, a parameter, a URL, another placement or a claim, where a spec would
    /// send it to the server (a JWT is signed, not encrypted: its claims and `kid` travel in
    /// clear). For the same reason no secret input may be a claim, `kid`, issuer, subject or
    /// audience. Reported at the input's declaration.
    fn signing_keys_stay_keys(&mut self, spec: &raw::Spec, lowered: &model::ProviderSpec<'b>) {
        let mut assertions = Vec::new();
        let mut sent: Vec<(&str, String)> = Vec::new();
        // Placements are alternatives: the client secret an HMAC assertion is keyed with
        // (client_secret_jwt) may also be accepted in Basic or the body, which the server
        // knows it by anyway. A private key never may.
        let mut shared_secrets = Vec::new();
        let mut in_placements: Vec<(&str, String)> = Vec::new();
        for placement in lowered.credentials.accepted {
            match placement {
                model::Placement::PrivateKeyJwt(a) | model::Placement::ClientSecretJwt(a) => {
                    assertions.push(a.assertion);
                    if matches!(placement, model::Placement::ClientSecretJwt(_)) {
                        shared_secrets.push(a.assertion.key);
                    }
                    sent.push((a.client_id, format!("the {} client ID", placement.kind())));
                }
                other => {
                    for input in other.inputs() {
                        in_placements.push((input, format!("the {} credentials", other.kind())));
                    }
                }
            }
        }
        for (input, use_) in in_placements {
            if !shared_secrets.contains(&input) {
                sent.push((input, use_));
            }
        }
        for grant in lowered.grants {
            assertions.extend(grant.assertion);
            for param in grant.params.iter().chain(grant.authorize_params) {
                if let model::ParamSource::Input(input) = param.source {
                    sent.push((input, format!("parameter `{}`", param.name)));
                }
            }
        }
        for input in lowered.inputs {
            if input.location != model::InputLocation::Param {
                sent.push((input.name, "the token URL".to_string()));
            }
        }
        let mut in_claims: Vec<(&str, String)> = Vec::new();
        for a in &assertions {
            if let Some(kid) = a.key_id {
                in_claims.push((kid, "the `kid` header".to_string()));
            }
            let named = [
                ("issuer", Some(a.issuer)),
                ("subject", Some(a.subject)),
                ("audience", a.audience),
            ];
            for (what, source) in named {
                if let Some(model::ParamSource::Input(input)) = source {
                    in_claims.push((input, format!("the {what}")));
                }
            }
            for (claim, source) in a.claims {
                if let model::ParamSource::Input(input) = source {
                    in_claims.push((input, format!("claim `{claim}`")));
                }
            }
        }
        let keys: Vec<&str> = assertions.iter().map(|a| a.key).collect();
        let mut reported = BTreeSet::new();
        for (input, use_) in sent.iter().chain(&in_claims) {
            if keys.contains(input) && reported.insert(*input) {
                let at = spec
                    .inputs
                    .keys()
                    .find(|k| k.value == *input)
                    .map(|k| k.referenced);
                if let Some(at) = at {
                    self.error(
                        at,
                        format!("input `{input}` signs assertions and is also sent, as {use_}"),
                        "a signing key is only read, never sent: give the other use an input of its own",
                    );
                }
            }
        }
        for (input, use_) in &in_claims {
            let secret = lowered.input(input).is_some_and(|i| i.secret);
            if secret && !keys.contains(input) && reported.insert(*input) {
                let at = spec
                    .inputs
                    .keys()
                    .find(|k| k.value == *input)
                    .map(|k| k.referenced);
                if let Some(at) = at {
                    self.error(
                        at,
                        format!("secret input `{input}` is sent in a signed assertion, as {use_}"),
                        "a JWT is signed, not encrypted: its claims travel in clear; use an input that is not secret",
                    );
                }
            }
        }
    }

    fn provider(&mut self, file: &Loaded) -> Option<model::Provider<'b>> {
        let spec = &file.spec;
        let before = self.diagnostics.len();
        self.typed_values = spec.spec_version.value >= 1.2;

        // Spec formats 1.1 and 1.2 only add keys, so every version reads the same way; a file
        // may declare 1.1 or 1.2 to say it needs this tokenspec or later.
        if !SPEC_VERSIONS.contains(&spec.spec_version.value) {
            self.error(
                spec.spec_version.referenced,
                format!("unsupported spec_version {}", spec.spec_version.value),
                "this tokenspec reads spec_version: 1, 1.1 and 1.2",
            );
        }
        if self.identifier(&spec.name, "provider name") {
            if spec.name.value != file.source.stem {
                self.error(
                    spec.name.referenced,
                    format!(
                        "provider `{}` is in a file named `{}`",
                        spec.name.value, file.source.stem
                    ),
                    format!(
                        "rename the file to specs/{}.yaml or the provider to `{}`",
                        spec.name.value, file.source.stem
                    ),
                );
            }
            // Keywords are fine (`pub mod r#box;`); names the crate itself uses are not.
            if let Some(reason) = provider_name_clash(&spec.name.value) {
                self.error(
                    spec.name.referenced,
                    format!("provider name `{}` {reason}", spec.name.value),
                    "each provider is a module, a cargo feature and a file of its name: pick another name",
                );
            }
        }
        if spec.title.value.trim().is_empty() {
            self.error(
                spec.title.referenced,
                "title is empty",
                "give the provider's name as people write it",
            );
        }
        self.docs_url(&spec.docs);

        let (inputs, examples) = self.inputs(spec);
        self.input_index = inputs
            .iter()
            .enumerate()
            .map(|(i, input)| (input.name.to_owned(), i))
            .collect();
        let environments = self.environments(spec, &inputs);
        let body = match spec.request.body.as_ref().map(|b| b.value) {
            Some(raw::BodyFormat::None) => model::BodyFormat::None,
            Some(raw::BodyFormat::Json) => model::BodyFormat::Json,
            Some(raw::BodyFormat::Form) | None => model::BodyFormat::Form,
        };
        let credentials = self.credentials(spec, &inputs, body);
        // Spec format 1.2: headers every request sends.
        let headers = self.request_headers(spec, &credentials, &inputs);
        // Spec format 1.2: `request.method` and `request.params_in`.
        let shape = self.request_shape(spec, body);
        let grants = self.grants(spec, &inputs, &credentials, shape);
        let delimiter = match &spec.scopes.delimiter {
            Some(d) if d.value.is_empty() => {
                self.error(
                    d.referenced,
                    "the scope delimiter is empty",
                    "most providers use a space: \" \"",
                );
                " "
            }
            Some(d) => self.text(&d.value),
            // RFC 6749 section 3.3: scopes are space-delimited.
            None => " ",
        };
        let known: Vec<(&str, &str)> = spec
            .scopes
            .known
            .iter()
            .map(|(k, v)| (self.text(&k.value), self.text(&v.value)))
            .collect();
        let scopes = model::ScopesSpec {
            delimiter,
            known: self.list(&known),
        };
        let access_lifetime = spec.token.access_lifetime.as_ref().map(|l| l.value);
        if let Some(l) = &spec.token.access_lifetime
            && l.value == 0
        {
            self.error(
                l.referenced,
                "access_lifetime is 0",
                "give the documented lifetime in seconds",
            );
        }
        let response = self.response(spec, access_lifetime);
        let expiry = self.expiry(spec, &response);
        // Spec format 1.1: success and error bodies share the answers' format.
        let response_format = spec
            .response
            .format
            .as_ref()
            .map_or(raw::ResponseFormat::Json, |f| f.value);
        self.field_sources(&spec.response.fields, "response field", response_format);
        self.field_sources(&spec.errors.fields, "error field", response_format);
        let errors = match spec.errors.format.value {
            raw::ErrorFormat::Oauth2 => {
                if let Some((k, _)) = spec.errors.fields.first() {
                    self.error(
                        k.referenced,
                        "an oauth2 error body has fixed fields",
                        "remove `fields` or use `format: custom`",
                    );
                }
                model::ErrorFormat::OAuth2
            }
            raw::ErrorFormat::Custom => {
                if spec.errors.fields.is_empty() {
                    self.error(
                        spec.errors.format.referenced,
                        "a custom error body needs fields",
                        "list the body's fields under errors.fields",
                    );
                }
                for (name, field) in &spec.errors.fields {
                    // Error bodies are printed whole in error messages: no secrets there.
                    if field.ty.value == raw::FieldType::Secret {
                        self.error(
                            field.ty.referenced,
                            format!("error field `{}` is a secret", name.value),
                            "error bodies are shown in error messages; declare it `string` if the provider really sends it",
                        );
                    }
                }
                let fields = self.fields(&spec.errors.fields, "error field", None);
                model::ErrorFormat::Custom(self.list(&fields))
            }
        };
        let claims = self.claims(spec);
        self.unused_inputs(
            spec,
            &inputs,
            &environments,
            &credentials,
            &grants,
            &headers,
        );

        let lowered = model::ProviderSpec {
            name: self.text(&spec.name.value),
            title: self.trimmed(&spec.title.value),
            description: spec
                .description
                .as_ref()
                .map_or("", |d| self.trimmed(&d.value)),
            docs: self.text(&spec.docs.value),
            default_environment: self.text(&spec.default_environment.value),
            environments: self.list(&environments),
            inputs: self.list(&inputs),
            credentials,
            body,
            method: shape.method,
            params_in: shape.params_in,
            grants: self.list(&grants),
            scopes,
            response: self.list(&response),
            response_format: match response_format {
                raw::ResponseFormat::Json => model::ResponseFormat::Json,
                raw::ResponseFormat::Form => model::ResponseFormat::Form,
                raw::ResponseFormat::JsonOrForm => model::ResponseFormat::JsonOrForm,
            },
            errors,
            expiry,
            access_lifetime,
            refresh_lifetime: spec.token.refresh_lifetime.as_ref().map(|l| l.value),
            claims: self.list(&claims),
            headers: self.list(&headers),
        };
        self.signing_keys_stay_keys(spec, &lowered);
        self.tls_identity_stays_in_tls(spec, &lowered);
        // Only a spec that is otherwise sound is worth reading examples with.
        if self.diagnostics.len() > before {
            return None;
        }
        self.documented_examples(spec, &lowered);
        if self.diagnostics.len() > before {
            return None;
        }
        Some(model::Provider {
            spec: lowered,
            source: self.text(&format!("specs/{}.yaml", file.source.stem)),
            examples: self.list(&examples),
        })
    }
}
