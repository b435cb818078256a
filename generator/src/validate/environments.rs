//! `environments`: each a token URL (and an authorize URL), host variables and their values.

use super::urls::{host_end, variables};
use super::{Checker, suggestion};
use crate::load::raw;
use crate::model;
use std::collections::BTreeSet;

impl<'b> Checker<'_, 'b> {
    /// Example and default values of host variables that would make a URL's host an IP
    /// address: the URL parser reads a host whose last label is a number (`2852039166`,
    /// `0x7f000001`) as IPv4 (WHATWG URL Standard, IPv4 parser), and host variables are there
    /// to pick a DNS name. The runtime refuses such values too; this finds them in the spec.
    pub(super) fn host_variable_values(&mut self, spec: &raw::Spec) {
        let mut reported: BTreeSet<(String, &str)> = BTreeSet::new();
        for (env_name, env) in &spec.environments {
            let urls = (env.token_url.iter().map(|t| ("token_url", t)))
                .chain(env.authorize_url.iter().map(|a| ("authorize_url", a)))
                .chain(env.issuer.iter().map(|i| ("issuer", i)));
            for (which, url) in urls {
                let text = &url.value;
                let host_end = host_end(text);
                let vars = variables(text);
                for var in vars.iter().filter(|v| v.start < host_end) {
                    let Some((_, input)) = spec.inputs.iter().find(|(k, _)| k.value == var.name)
                    else {
                        continue;
                    };
                    // A host name input that allows IP addresses (`host: name`, `allow_ip`).
                    if input
                        .host
                        .as_ref()
                        .is_some_and(|h| h.value == raw::HostKind::Name)
                        && input.allow_ip.as_ref().is_some_and(|a| a.value)
                    {
                        continue;
                    }
                    for (kind, value) in [("example", &input.example), ("default", &input.default)]
                    {
                        let Some(value) = value else { continue };
                        // This variable with its value, any other with a plain name.
                        let mut filled = String::new();
                        let mut last = 0;
                        for other in &vars {
                            filled.push_str(&text[last..other.start]);
                            filled.push_str(if other.start == var.start {
                                &value.value
                            } else {
                                "a"
                            });
                            last = other.end;
                        }
                        filled.push_str(&text[last..]);
                        let address = match url::Url::parse(&filled)
                            .ok()
                            .and_then(|u| u.host().map(|h| h.to_owned()))
                        {
                            Some(url::Host::Ipv4(ip)) => ip.to_string(),
                            Some(url::Host::Ipv6(ip)) => ip.to_string(),
                            _ => continue,
                        };
                        if !reported.insert((var.name.clone(), kind)) {
                            continue;
                        }
                        self.error(
                            value.referenced,
                            format!(
                                "{kind} `{}` of host variable `{}` makes the host of the {which} of `{}` the IP address {address}",
                                value.value, var.name, env_name.value
                            ),
                            if input.host.as_ref().is_some_and(|h| h.value == raw::HostKind::Name) {
                                "give a DNS host name, or add `allow_ip: true` if the provider's servers may be addressed by IP (RFC 3986 §3.2.2)"
                            } else {
                                "host variables must make a DNS name, never an IP address: give a host name's label"
                            },
                        );
                    }
                }
            }
        }
    }

    pub(super) fn environments(
        &mut self,
        spec: &raw::Spec,
        inputs: &[model::InputSpec],
    ) -> Vec<model::EnvironmentSpec<'b>> {
        if spec.environments.is_empty() {
            self.error(
                spec.default_environment.referenced,
                "no environments",
                "declare at least one under environments",
            );
        }
        let has_code = spec.grants.keys().any(|g| g.value == "authorization_code");
        self.identifiers(spec.environments.keys(), "environment", true, None);
        let mut out = Vec::new();
        for (name, env) in &spec.environments {
            // Spec format 1.2: with an issuer, the URLs left out come from its metadata.
            let discovery = self.discovery(name, env, has_code, inputs);
            match &env.token_url {
                Some(url) => {
                    self.url_template(url, &format!("token_url of `{}`", name.value), inputs)
                }
                None if env.issuer.is_some() => {}
                None => self.error(
                    name.referenced,
                    format!("environment `{}` has no token_url", name.value),
                    "add `token_url:`, or an `issuer:` with `discovery:` to read it from the issuer's metadata (spec format 1.2)",
                ),
            }
            match (&env.authorize_url, has_code) {
                (Some(a), true) => {
                    self.url_template(a, &format!("authorize_url of `{}`", name.value), inputs)
                }
                (Some(a), false) => self.error(
                    a.referenced,
                    "authorize_url without an authorization_code grant",
                    "remove it, or add the grant",
                ),
                (None, true) if env.issuer.is_some() => {}
                (None, true) => self.error(
                    name.referenced,
                    format!("environment `{}` has no authorize_url", name.value),
                    "the authorization_code grant sends users there; add it, or an `issuer:` with `discovery:` to read it from the issuer's metadata (spec format 1.2)",
                ),
                (None, false) => {}
            }
            out.push(model::EnvironmentSpec {
                name: self.text(&name.value),
                token_url: env.token_url.as_ref().map_or("", |t| self.text(&t.value)),
                authorize_url: env.authorize_url.as_ref().map(|a| self.text(&a.value)),
                discovery,
            });
        }
        self.host_variable_values(spec);
        let default = &spec.default_environment;
        if !spec.environments.keys().any(|k| k.value == default.value) {
            let hint = suggestion(
                &default.value,
                spec.environments.keys().map(|k| k.value.as_str()),
                format!(
                    "name one of the environments: {}",
                    spec.environments
                        .keys()
                        .map(|k| format!("`{}`", k.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            self.error(
                default.referenced,
                format!("default environment `{}` does not exist", default.value),
                hint,
            );
        }
        out
    }
}
