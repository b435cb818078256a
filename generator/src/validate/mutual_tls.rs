//! `credentials.accepted.tls_client_auth` / `self_signed_tls_client_auth` (spec format 1.2):
//! mutual TLS client authentication (RFC 8705 section 2). The client presents a certificate
//! and its private key in the TLS handshake and names itself with `client_id` in the body.

use super::Checker;
use crate::load::raw;
use crate::model;
use std::collections::BTreeSet;

impl<'b> Checker<'_, 'b> {
    /// A TLS client certificate placement: three declared inputs, the certificate and key
    /// distinct, secret (PEM the runtime reads into the handshake, never sends), and a body
    /// for `client_id` (RFC 8705 section 2: the client includes its `client_id`). Lowered even
    /// when it is not sound (the errors are recorded), so its inputs count as used and one
    /// mistake makes one diagnostic.
    pub(super) fn mutual_tls(
        &mut self,
        kind: &str,
        tls: &raw::TlsCredential,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
    ) -> model::MutualTls<'b> {
        self.input_ref(&tls.client_id, inputs, &format!("{kind} `client_id`"));
        if body == model::BodyFormat::None {
            self.error(
                tls.client_id.referenced,
                format!("{kind} sends `client_id` in the body, but request.body is none"),
                "set request.body to form (RFC 8705 section 2: the client includes its client_id)",
            );
        }
        for (what, input) in [("certificate", &tls.certificate), ("key", &tls.key)] {
            if !self.input_ref(input, inputs, &format!("{kind} `{what}`")) {
                continue;
            }
            if self
                .declared(inputs, &input.value)
                .is_some_and(|i| !i.secret)
            {
                let why = if what == "key" {
                    "whoever has the private key can authenticate as the client"
                } else {
                    "the PEM is read into the TLS handshake and must never be printed or logged"
                };
                self.error(
                    input.referenced,
                    format!(
                        "{kind} reads its {what} from input `{}`, which is not secret",
                        input.value
                    ),
                    format!("mark `{}` secret: true: {why}", input.value),
                );
            }
            if input.value == tls.client_id.value {
                self.error(
                    input.referenced,
                    format!(
                        "{kind} reads its {what} and its client_id from the same input `{}`",
                        input.value
                    ),
                    "the client ID is sent in the body; the certificate and key are PEM presented in the TLS handshake: give each an input of its own",
                );
            }
        }
        if tls.certificate.value == tls.key.value {
            self.error(
                tls.key.referenced,
                format!(
                    "{kind} reads certificate and key from the same input `{}`",
                    tls.key.value
                ),
                "give the certificate (-----BEGIN CERTIFICATE-----) and the private key (-----BEGIN PRIVATE KEY-----) an input each",
            );
        }
        model::MutualTls {
            client_id: self.text(&tls.client_id.value),
            certificate: self.text(&tls.certificate.value),
            key: self.text(&tls.key.value),
        }
    }

    /// The certificate and key of a TLS client certificate placement are presented in the
    /// handshake (RFC 8705 section 2) and nowhere else: a spec that also sends one of them (a
    /// parameter, a header, the URL, another credential placement, a signed assertion) would
    /// hand a private key to the server or to logs. Reported at the input's declaration.
    pub(super) fn tls_identity_stays_in_tls(
        &mut self,
        spec: &raw::Spec,
        lowered: &model::ProviderSpec<'b>,
    ) {
        let identity: Vec<&str> = lowered
            .credentials
            .accepted
            .iter()
            .filter_map(model::Placement::mutual_tls)
            .flat_map(|tls| [tls.certificate, tls.key])
            .collect();
        if identity.is_empty() {
            return;
        }
        let mut uses: Vec<(&str, String)> = Vec::new();
        for placement in lowered.credentials.accepted {
            match placement.mutual_tls() {
                Some(tls) => {
                    uses.push((tls.client_id, format!("the {} client ID", placement.kind())))
                }
                None => {
                    for input in placement.inputs() {
                        uses.push((input, format!("the {} credentials", placement.kind())));
                    }
                }
            }
        }
        for header in lowered.headers {
            for input in header.source.inputs() {
                uses.push((input, format!("header `{}`", header.name)));
            }
        }
        for grant in lowered.grants {
            for param in grant.params.iter().chain(grant.authorize_params) {
                for input in param.source.inputs() {
                    uses.push((input, format!("parameter `{}`", param.name)));
                }
            }
            for header in grant.overrides.headers {
                for input in header.source.inputs() {
                    uses.push((input, format!("header `{}`", header.name)));
                }
            }
            if let Some(assertion) = &grant.assertion {
                for input in assertion.inputs() {
                    uses.push((input, "the jwt_bearer assertion".to_string()));
                }
            }
        }
        for input in lowered.inputs {
            if input.location != model::InputLocation::Param {
                uses.push((input.name, "the token URL".to_string()));
            }
        }
        let mut reported = BTreeSet::new();
        for (input, use_) in uses {
            if !identity.contains(&input) || !reported.insert(input) {
                continue;
            }
            let at = spec
                .inputs
                .keys()
                .find(|k| k.value == input)
                .map(|k| k.referenced);
            if let Some(at) = at {
                self.error(
                    at,
                    format!(
                        "input `{input}` is a TLS client certificate or key and is also used as {use_}"
                    ),
                    "certificate and key are only presented in the TLS handshake (RFC 8705 section 2), never sent: give the other use an input of its own",
                );
            }
        }
    }
}
