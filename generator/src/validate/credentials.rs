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
            self.input_ref(&b.user, inputs, "HTTP Basic");
            self.input_ref(&b.password, inputs, "HTTP Basic");
            accepted.push(model::Placement::Basic {
                user: self.text(&b.user.value),
                password: self.text(&b.password.value),
                encoding: match b.encoding {
                    Some(raw::BasicEncoding::Raw) => model::BasicEncoding::Raw,
                    Some(raw::BasicEncoding::Form) | None => model::BasicEncoding::Form,
                },
            });
            at.push(b.user.referenced);
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
}
