//! `credentials`: where the client credentials go (basic, body, header) and the header prefix.

use super::{Checker, suggestion};
use crate::load::raw;
use crate::model;
use serde_saphyr::Location;

impl<'b> Checker<'_, 'b> {
    /// A header credential's `prefix` goes in front of the secret in the header value: it may
    /// hold only what a field value can (RFC 9110 §5.5: visible ASCII, spaces and tabs; no CR
    /// or LF, which would end the header). Refused here rather than at run time, where it
    /// would seem the input's fault.
    pub(super) fn header_prefix(&mut self, prefix: &raw::Str) {
        let Some(c) = prefix
            .value
            .chars()
            .find(|c| !matches!(c, '\t' | ' '..='~'))
        else {
            return;
        };
        self.error(
            prefix.referenced,
            format!(
                "header prefix holds `{}` (U+{:04X}), which an HTTP header value cannot",
                c.escape_debug(),
                u32::from(c)
            ),
            "a header value is visible ASCII, spaces and tabs (RFC 9110 §5.5), e.g. `Bearer `",
        );
    }

    pub(super) fn credentials(
        &mut self,
        spec: &raw::Spec,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
    ) -> model::CredentialsSpec<'b> {
        let Some(creds) = &spec.credentials else {
            return model::CredentialsSpec::DEFAULT;
        };
        let a = &creds.accepted;
        let mut accepted = Vec::new();
        let mut at: Vec<Location> = Vec::new();
        if let Some(h) = &a.header {
            // An RFC 9110 token: the characters a header name may have.
            let name = &h.name.value;
            let token = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b));
            if !token {
                self.error(
                    h.name.referenced,
                    format!("`{}` is not an HTTP header name", h.name.value),
                    "letters, digits and - only, e.g. X-API-Key",
                );
            }
            self.input_ref(&h.input, inputs, "the credential header");
            if let Some(prefix) = &h.prefix {
                self.header_prefix(prefix);
            }
            accepted.push(model::Placement::Header {
                name: self.text(&h.name.value),
                input: self.text(&h.input.value),
                prefix: h.prefix.as_ref().map_or("", |p| self.text(&p.value)),
            });
            at.push(h.name.referenced);
        }
        if let Some(b) = &a.basic {
            // Spec format 1.2: no user, a secret alone with an empty user name (RFC 7617
            // section 2).
            if let Some(user) = &b.user {
                self.input_ref(user, inputs, "HTTP Basic");
            }
            self.input_ref(&b.password, inputs, "HTTP Basic");
            accepted.push(model::Placement::Basic {
                user: b.user.as_ref().map(|user| self.text(&user.value)),
                password: self.text(&b.password.value),
                encoding: match b.encoding {
                    Some(raw::BasicEncoding::Raw) => model::BasicEncoding::Raw,
                    Some(raw::BasicEncoding::Form) | None => model::BasicEncoding::Form,
                },
            });
            at.push(b.user.as_ref().unwrap_or(&b.password).referenced);
        }
        for (kind, fields) in [("body", &a.body), ("query", &a.query)] {
            let Some(fields) = fields else { continue };
            let mut pairs = Vec::new();
            for (wire, input) in fields {
                self.input_ref(input, inputs, &format!("the {kind} credentials"));
                pairs.push((self.text(&wire.value), self.text(&input.value)));
            }
            if let Some((k, _)) = fields.first() {
                at.push(k.referenced);
                if kind == "body" && body == model::BodyFormat::None {
                    self.error(
                        k.referenced,
                        "credentials in the body, but request.body is none",
                        "set request.body to form or json",
                    );
                }
            }
            let pairs = self.list(&pairs);
            accepted.push(if kind == "body" {
                model::Placement::Body(pairs)
            } else {
                model::Placement::Query(pairs)
            });
        }
        for (kind, jwt) in [
            ("private_key_jwt", &a.private_key_jwt),
            ("client_secret_jwt", &a.client_secret_jwt),
        ] {
            let Some(jwt) = jwt else { continue };
            if let Some(client) = self.client_assertion(kind, jwt, inputs, body) {
                accepted.push(if kind == "private_key_jwt" {
                    model::Placement::PrivateKeyJwt(client)
                } else {
                    model::Placement::ClientSecretJwt(client)
                });
                at.push(jwt.client_id.referenced);
            }
        }
        for (kind, tls) in [
            ("tls_client_auth", &a.tls_client_auth),
            (
                "self_signed_tls_client_auth",
                &a.self_signed_tls_client_auth,
            ),
        ] {
            let Some(tls) = tls else { continue };
            let checked = self.mutual_tls(kind, tls, inputs, body);
            accepted.push(if kind == "tls_client_auth" {
                model::Placement::TlsClientAuth(checked)
            } else {
                model::Placement::SelfSignedTlsClientAuth(checked)
            });
            at.push(tls.client_id.referenced);
        }
        // Spec format 1.2: several credential headers at once.
        if let Some(headers) = &a.headers {
            let at_first = headers.first().map(|(k, _)| k.referenced);
            let at_key = at_first.unwrap_or(creds.preferred.referenced);
            if let Some(placement) = self.credential_headers(headers, at_key, inputs) {
                accepted.push(placement);
                at.push(at_key);
            }
        }
        for (placement, location) in accepted.iter().zip(&at) {
            for input in placement.inputs() {
                if self.declared(inputs, input).is_some_and(|i| i.per_request) {
                    self.error(
                        *location,
                        format!("credential input `{input}` is per_request"),
                        "credentials belong to the client: remove per_request",
                    );
                }
            }
        }
        let kinds: Vec<&str> = accepted.iter().map(model::Placement::kind).collect();
        let preferred = match kinds.iter().position(|k| *k == creds.preferred.value) {
            Some(i) => i,
            None => {
                let hint = suggestion(
                    &creds.preferred.value,
                    kinds.iter().copied(),
                    format!("name one of the accepted placements: {}", kinds.join(", ")),
                );
                self.error(
                    creds.preferred.referenced,
                    format!(
                        "preferred placement `{}` is not accepted",
                        creds.preferred.value
                    ),
                    hint,
                );
                0
            }
        };
        if creds.preferred.value == "query" && kinds.len() > 1 {
            self.error(creds.preferred.referenced, "credentials are preferred in the query string while the provider accepts another placement", "URLs end up in logs: prefer header, basic or body");
        }
        model::CredentialsSpec {
            preferred,
            accepted: self.list(&accepted),
        }
    }

    /// A `private_key_jwt` or `client_secret_jwt` placement (RFC 7523 section 2.2): the
    /// client ID is the assertion's `iss` and `sub` (RFC 7523 section 3, items 1 and 2; OpenID
    /// Connect Core section 9).
    fn client_assertion(
        &mut self,
        kind: &str,
        jwt: &raw::JwtCredential,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
    ) -> Option<model::ClientAssertion<'b>> {
        let private_key = kind == "private_key_jwt";
        self.input_ref(&jwt.client_id, inputs, &format!("{kind} `client_id`"));
        if body == model::BodyFormat::None {
            self.error(
                jwt.client_id.referenced,
                format!("{kind} sends `client_assertion` in the body, but request.body is none"),
                "set request.body to form (RFC 7523 section 2.2)",
            );
        }
        let default = if private_key {
            model::JwsAlgorithm::RS256
        } else {
            model::JwsAlgorithm::HS256
        };
        let algorithm = jwt
            .algorithm
            .as_ref()
            .map_or(default, |a| jws_algorithm(a.value));
        if let Some(at) = &jwt.algorithm {
            if private_key && algorithm.is_hmac() {
                self.error(
                    at.referenced,
                    format!(
                        "private_key_jwt signs with a private key, but {} is an HMAC keyed with a shared secret",
                        algorithm.name()
                    ),
                    "use RS256, PS256 or ES256 with a private key, or client_secret_jwt for HS256 (OpenID Connect Core section 9)",
                );
            } else if !private_key && !algorithm.is_hmac() {
                self.error(
                    at.referenced,
                    format!(
                        "client_secret_jwt is keyed with the client secret, but {} needs a private key",
                        algorithm.name()
                    ),
                    "use HS256, HS384 or HS512, or private_key_jwt for a private key (OpenID Connect Core section 9)",
                );
            }
        }
        let client_id = self.text(&jwt.client_id.value);
        let subject = model::ParamSource::Input(client_id);
        let assertion = self.assertion(
            kind,
            &AssertionParts {
                key: &jwt.key,
                algorithm,
                key_id: jwt.key_id.as_ref(),
                audience: jwt.audience.as_ref(),
                lifetime: jwt.lifetime.as_ref(),
                claims: &jwt.claims,
            },
            subject,
            subject,
            inputs,
        )?;
        Some(model::ClientAssertion {
            client_id,
            send_client_id: jwt.send_client_id.as_ref().is_some_and(|s| s.value),
            assertion,
        })
    }

    /// The checked parts of a signed assertion (RFC 7523 section 3), for a client assertion or
    /// the JWT-bearer grant: a secret key input, a short lifetime, claims that are neither
    /// registered (the runtime sets those) nor both fixed and an input.
    pub(super) fn assertion(
        &mut self,
        what: &str,
        parts: &AssertionParts<'_>,
        issuer: model::ParamSource<'b>,
        subject: model::ParamSource<'b>,
        inputs: &[model::InputSpec],
    ) -> Option<model::AssertionSpec<'b>> {
        let key = parts.key;
        if self.input_ref(key, inputs, &format!("{what} `key`"))
            && self.declared(inputs, &key.value).is_some_and(|i| !i.secret)
        {
            self.error(
                key.referenced,
                format!(
                    "{what} signs with input `{}`, which is not secret",
                    key.value
                ),
                format!(
                    "mark `{}` secret: true: whoever has the key can sign as the client",
                    key.value
                ),
            );
        }
        if let Some(kid) = parts.key_id {
            self.input_ref(kid, inputs, &format!("{what} `key_id`"));
        }
        let lifetime = match parts.lifetime {
            Some(l) if l.value == 0 || l.value > MAX_ASSERTION_LIFETIME => {
                self.error(
                    l.referenced,
                    format!("assertion lifetime {} s is not between 1 and {MAX_ASSERTION_LIFETIME}", l.value),
                    "a new assertion is signed for every request: a minute (60, the default) covers clock skew",
                );
                model::AssertionSpec::DEFAULT_LIFETIME
            }
            Some(l) => l.value,
            None => model::AssertionSpec::DEFAULT_LIFETIME,
        };
        let audience = match parts.audience {
            Some(value) => Some(self.claim_source(
                what,
                "audience",
                None,
                &value.value,
                value.referenced,
                inputs,
            )?),
            None => None,
        };
        let mut claims = Vec::new();
        for (name, value) in parts.claims {
            if model::AssertionSpec::REGISTERED_CLAIMS.contains(&name.value.as_str()) {
                self.error(
                    name.referenced,
                    format!("claim `{}` is set by tokenspec itself", name.value),
                    "remove it: iss, sub, aud, iat, exp and jti come from the assertion's own keys (RFC 7523 section 3)",
                );
                continue;
            }
            if let Some(source) = self.claim_source(
                what,
                "claim",
                Some(&name.value),
                value,
                name.referenced,
                inputs,
            ) {
                claims.push((self.text(&name.value), source));
            }
        }
        Some(model::AssertionSpec {
            algorithm: parts.algorithm,
            key: self.text(&key.value),
            key_id: parts.key_id.map(|k| self.text(&k.value)),
            issuer,
            subject,
            audience,
            lifetime,
            claims: self.list(&claims),
        })
    }

    /// The assertion of a `jwt_bearer` grant (RFC 7523 section 2.1): required there, refused
    /// on any other grant. Its inputs belong to the client (a token source signs anew without
    /// a caller at hand), so none may be `per_request`.
    pub(super) fn grant_assertion(
        &mut self,
        kind: model::GrantKind,
        name: &raw::Str,
        grant: &raw::Grant,
        params: &[model::ParamSpec],
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
    ) -> Option<model::AssertionSpec<'b>> {
        let jwt_bearer = kind == model::GrantKind::JwtBearer;
        let Some(raw) = &grant.assertion else {
            if jwt_bearer {
                self.error(
                    name.referenced,
                    "the jwt_bearer grant has no `assertion`",
                    "add `assertion:` with issuer, subject, key and algorithm (RFC 7523 section 2.1)",
                );
            }
            return None;
        };
        if !jwt_bearer {
            self.error(
                name.referenced,
                format!("grant `{}` has an `assertion`", name.value),
                "only the jwt_bearer grant sends a signed assertion (RFC 7523 section 2.1)",
            );
            return None;
        }
        if body == model::BodyFormat::None {
            self.error(
                name.referenced,
                "the jwt_bearer grant sends `assertion` in the body, but request.body is none",
                "set request.body to form (RFC 7523 section 2.1)",
            );
        }
        if params.iter().any(|p| p.name == "assertion") {
            self.error(
                name.referenced,
                "`assertion` is sent by tokenspec itself",
                "remove it from params: the runtime signs the grant's `assertion` for every request",
            );
        }
        let what = "the jwt_bearer assertion";
        let issuer = self.claim_source(
            what,
            "issuer",
            None,
            &raw.issuer.value,
            raw.issuer.referenced,
            inputs,
        );
        let subject = self.claim_source(
            what,
            "subject",
            None,
            &raw.subject.value,
            raw.subject.referenced,
            inputs,
        );
        let algorithm = raw
            .algorithm
            .as_ref()
            .map_or(model::JwsAlgorithm::RS256, |a| jws_algorithm(a.value));
        let assertion = self.assertion(
            what,
            &AssertionParts {
                key: &raw.key,
                algorithm,
                key_id: raw.key_id.as_ref(),
                audience: raw.audience.as_ref(),
                lifetime: raw.lifetime.as_ref(),
                claims: &raw.claims,
            },
            issuer?,
            subject?,
            inputs,
        )?;
        for input in assertion.inputs() {
            if self.declared(inputs, input).is_some_and(|i| i.per_request) {
                self.error(
                    name.referenced,
                    format!("the jwt_bearer assertion reads input `{input}`, which is per_request"),
                    "assertion inputs belong to the client (a token source renews without a caller): remove per_request",
                );
            }
        }
        Some(assertion)
    }

    /// A claim's fixed value or input; exactly one of them.
    pub(super) fn claim_source(
        &mut self,
        what: &str,
        key: &str,
        name: Option<&str>,
        value: &raw::ClaimValue,
        at: Location,
        inputs: &[model::InputSpec],
    ) -> Option<model::ParamSource<'b>> {
        let label = match name {
            Some(name) => format!("{what} {key} `{name}`"),
            None => format!("{what} `{key}`"),
        };
        match (&value.value, &value.input) {
            (Some(v), None) => Some(model::ParamSource::Fixed(self.text(&v.value))),
            (None, Some(i)) => {
                self.input_ref(i, inputs, &label);
                Some(model::ParamSource::Input(self.text(&i.value)))
            }
            (Some(v), Some(_)) => {
                self.error(
                    v.referenced,
                    format!("{label} has both `value` and `input`"),
                    "keep one: `value: ...` for a fixed value, `input: ...` for the caller's",
                );
                None
            }
            (None, None) => {
                self.error(
                    at,
                    format!("{label} needs one of `value` and `input`"),
                    "`value: ...` for a fixed value, `input: ...` for the caller's",
                );
                None
            }
        }
    }
}

/// The longest assertion lifetime a spec may set: an hour. An assertion is made for one
/// request; a long-lived one is a bearer credential that outlives its use.
const MAX_ASSERTION_LIFETIME: u64 = 3600;

/// What a signed assertion is made of, as a spec gives it.
pub(super) struct AssertionParts<'r> {
    pub key: &'r raw::Str,
    pub algorithm: model::JwsAlgorithm,
    pub key_id: Option<&'r raw::Str>,
    pub audience: Option<&'r raw::Spanned<raw::ClaimValue>>,
    pub lifetime: Option<&'r raw::Spanned<u64>>,
    pub claims: &'r raw::Map<raw::ClaimValue>,
}

/// The spec crate's algorithm of a raw one.
pub(super) fn jws_algorithm(alg: raw::JwsAlgorithm) -> model::JwsAlgorithm {
    use model::JwsAlgorithm as M;
    match alg {
        raw::JwsAlgorithm::HS256 => M::HS256,
        raw::JwsAlgorithm::HS384 => M::HS384,
        raw::JwsAlgorithm::HS512 => M::HS512,
        raw::JwsAlgorithm::RS256 => M::RS256,
        raw::JwsAlgorithm::RS384 => M::RS384,
        raw::JwsAlgorithm::RS512 => M::RS512,
        raw::JwsAlgorithm::PS256 => M::PS256,
        raw::JwsAlgorithm::PS384 => M::PS384,
        raw::JwsAlgorithm::PS512 => M::PS512,
        raw::JwsAlgorithm::ES256 => M::ES256,
        raw::JwsAlgorithm::ES384 => M::ES384,
        raw::JwsAlgorithm::EdDSA => M::EdDSA,
    }
}
