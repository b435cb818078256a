//! `issuer` and `discovery` of an environment (spec format 1.2): the endpoints an environment
//! leaves out are read at run time from the issuer's metadata (OpenID Connect Discovery 1.0
//! section 4, RFC 8414 section 3).

use super::Checker;
use crate::load::raw;
use crate::model;

impl<'b> Checker<'_, 'b> {
    /// Checks an environment's `issuer` and `discovery`, and lowers them. `name` is the
    /// environment's; `needs_authorize` says whether a grant sends users to an authorize URL.
    pub(super) fn discovery(
        &mut self,
        name: &raw::Str,
        env: &raw::Environment,
        needs_authorize: bool,
        inputs: &[model::InputSpec],
    ) -> Option<model::Discovery<'b>> {
        let (issuer, kind) = match (&env.issuer, &env.discovery) {
            (None, None) => return None,
            (Some(issuer), None) => {
                self.error(
                    issuer.referenced,
                    format!("issuer of `{}` without discovery", name.value),
                    "say which metadata the issuer publishes: `discovery: openid` (OpenID Connect Discovery 1.0) or `discovery: oauth` (RFC 8414)",
                );
                // Lowered all the same, its kind a stand-in: the spec is refused already, and
                // the issuer's variables must not be reported as never sent on top.
                (issuer, None)
            }
            (None, Some(kind)) => {
                self.error(
                    kind.referenced,
                    format!("discovery of `{}` without an issuer", name.value),
                    "add `issuer:`, the authorization server's issuer identifier (an https URL, RFC 8414 section 2), whose metadata gives the endpoints",
                );
                return None;
            }
            (Some(issuer), Some(kind)) => (issuer, Some(kind)),
        };
        // Every URL given: the metadata would never be read, and a reader of the spec would
        // think it matters.
        if let Some(kind) = kind
            && env.token_url.is_some()
            && (env.authorize_url.is_some() || !needs_authorize)
        {
            self.error(
                kind.referenced,
                format!(
                    "discovery of `{}` is never used: the environment gives every URL its grants need",
                    name.value
                ),
                "remove `token_url` (and `authorize_url`) to take them from the issuer's metadata, or remove `issuer` and `discovery`",
            );
        }
        let what = format!("issuer of `{}`", name.value);
        // RFC 8414 section 2: "a URL that uses the "https" scheme and has no query or fragment
        // components"; OpenID Connect Discovery 1.0 section 2 says the same of an issuer. Said
        // here with its reason, not as a URL template's query.
        if let Some(at) = issuer.value.find(['?', '#']) {
            let what_part = if issuer.value[at..].starts_with('?') {
                "query"
            } else {
                "fragment"
            };
            self.error_in(
                issuer.referenced,
                &issuer.value[at..],
                format!("{what} has a {what_part}"),
                "an issuer identifier has no query or fragment (RFC 8414 section 2): give the issuer exactly as its metadata's `issuer` says it",
            );
        } else {
            self.url_template(issuer, &what, inputs);
        }
        Some(model::Discovery {
            issuer: self.text(&issuer.value),
            kind: match kind.map(|k| k.value) {
                Some(raw::DiscoveryKind::OpenId) | None => model::DiscoveryKind::OpenId,
                Some(raw::DiscoveryKind::OAuth) => model::DiscoveryKind::OAuth,
            },
        })
    }
}
