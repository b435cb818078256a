//! `inputs`: names, locations, patterns (a host variable's pattern must keep it a DNS label
//! and not a bare number), examples, references from other sections, and inputs nothing uses.

use super::Checker;
use super::urls::{host_end, variables};
use crate::diagnostic::did_you_mean;
use crate::load::raw;
use crate::model::{self, InputLocation};
use regex::Regex;
use serde_saphyr::{Location, Spanned};
use std::collections::{BTreeMap, BTreeSet};

impl<'b> Checker<'_, 'b> {
    /// The inputs, and each one's example (documentation only, not part of the spec the
    /// runtime sees), index for index.
    pub(super) fn inputs(
        &mut self,
        spec: &raw::Spec,
    ) -> (Vec<model::InputSpec<'b>>, Vec<Option<&'b str>>) {
        // Where each input appears in a URL decides its checks at run time.
        let mut locations: BTreeMap<String, InputLocation> = BTreeMap::new();
        // Host variables with other text beside them in the host (`{tenant}.example.com`),
        // where they are: such a variable is a label, never a whole host name.
        let mut in_label: BTreeMap<String, Location> = BTreeMap::new();
        // A grant's own token URL too (spec format 1.2).
        let grant_urls = super::overrides::grant_token_urls(spec);
        let grant_urls: Vec<&serde_saphyr::Spanned<String>> =
            grant_urls.iter().map(|(_, _, url)| url).collect();
        for env in spec.environments.values().map(Some).chain([None]) {
            // The issuer too (spec format 1.2): its variables pick the metadata's host and path.
            let urls: Vec<&serde_saphyr::Spanned<String>> = match env {
                Some(env) => (env
                    .token_url
                    .iter()
                    .chain(&env.authorize_url)
                    .chain(&env.issuer))
                .map(|url| &url.0)
                .collect(),
                None => grant_urls.clone(),
            };
            for url in urls {
                let host_end = host_end(&url.value);
                let host_start = url.value.find("://").map_or(0, |i| i + 3);
                for var in variables(&url.value) {
                    if var.start < host_end && (var.start != host_start || var.end != host_end) {
                        in_label.entry(var.name.clone()).or_insert(url.referenced);
                    }
                    let loc = if var.start < host_end {
                        InputLocation::Host
                    } else {
                        InputLocation::Path
                    };
                    if let Some(before) = locations.insert(var.name.clone(), loc)
                        && before != loc
                    {
                        self.error_in(
                            url.referenced,
                            &format!("{{{}}}", var.name),
                            format!(
                                "input `{}` is a host variable in one URL and a path variable in another",
                                var.name
                            ),
                            "a value is checked one way: use two inputs, one for the host and one for the path",
                        );
                    }
                }
            }
        }
        self.identifiers(spec.inputs.keys(), "input", true, None);
        let mut out = Vec::new();
        let mut examples = Vec::new();
        for (name, input) in &spec.inputs {
            if input.description.value.trim().is_empty() {
                self.error(
                    input.description.referenced,
                    format!("input `{}` has an empty description", name.value),
                    "say what the value is and where the user finds it",
                );
            }
            let secret = input.secret.as_ref().is_some_and(|s| s.value);
            let per_request = input.per_request.as_ref().is_some_and(|s| s.value);
            let mut location = locations
                .get(&name.value)
                .copied()
                .unwrap_or(InputLocation::Param);
            if self.host_name(name, input, location, in_label.get(&name.value)) {
                location = InputLocation::Hostname {
                    allow_ip: input.allow_ip.as_ref().is_some_and(|b| b.value),
                    allow_port: input.allow_port.as_ref().is_some_and(|b| b.value),
                };
            }
            if let Some(p) = &input.pattern {
                self.pattern(name, input, p, location);
            }
            if per_request && location != InputLocation::Param {
                self.error(
                    name.referenced,
                    format!("input `{}` is in a URL but marked per_request", name.value),
                    "URL variables belong to the client: remove per_request",
                );
            }
            if secret && location != InputLocation::Param {
                self.error(
                    name.referenced,
                    format!("secret input `{}` would be part of a URL", name.value),
                    "URLs end up in logs: send secrets in a header or the body",
                );
            }
            if let (Some(d), true) = (&input.default, secret) {
                self.error(
                    d.referenced,
                    format!("secret input `{}` has a default", name.value),
                    "secrets must come from the caller, never from the spec",
                );
            }
            out.push(model::InputSpec {
                name: self.text(&name.value),
                description: self.trimmed(&input.description.value),
                secret,
                required: input.required.as_ref().is_none_or(|r| r.value)
                    && input.default.is_none(),
                per_request,
                pattern: input.pattern.as_ref().map(|p| self.text(&p.value)),
                default: input.default.as_ref().map(|d| self.text(&d.value)),
                location,
            });
            examples.push(input.example.as_ref().map(|e| self.text(&e.value)));
        }
        (out, examples)
    }

    /// `host: name` (spec format 1.1): whether the input is a whole host name. It must be the
    /// whole host of every URL it appears in (`https://{host}/...`, RFC 3986 §3.2.2), never a
    /// label beside other text; `allow_ip` and `allow_port` apply to such an input only.
    fn host_name(
        &mut self,
        name: &raw::Str,
        input: &raw::Input,
        location: InputLocation,
        in_label: Option<&Location>,
    ) -> bool {
        // An unknown value is a shape error (the enum), reported before any check runs.
        let host_name = input
            .host
            .as_ref()
            .is_some_and(|h| h.value == raw::HostKind::Name);
        if host_name {
            let needle = format!("{{{}}}", name.value);
            if location != InputLocation::Host {
                let at = input
                    .host
                    .as_ref()
                    .map_or(name.referenced, |h| h.referenced);
                self.error(
                    at,
                    format!(
                        "input `{}` has `host: name` but is not the host of a URL",
                        name.value
                    ),
                    format!("write the URL as https://{needle}/..., or remove `host: name`"),
                );
                return false;
            }
            if let Some(&at) = in_label {
                self.error_in(
                    at,
                    &needle,
                    format!(
                        "host name input `{}` is mixed with other text in the host",
                        name.value
                    ),
                    format!(
                        "a host name input is the whole host (https://{needle}/...); remove `host: name` to keep it one DNS label"
                    ),
                );
                return false;
            }
            return true;
        }
        for (key, flag) in [
            ("allow_ip", &input.allow_ip),
            ("allow_port", &input.allow_port),
        ] {
            if let Some(f) = flag {
                self.error(
                    f.referenced,
                    format!(
                        "`{key}` of input `{}` applies to host name inputs only",
                        name.value
                    ),
                    "add `host: name` to an input that is the URL's whole host, or remove it",
                );
            }
        }
        false
    }

    /// An input's pattern: it compiles, its example and default match it, and for a host
    /// variable it allows nothing but a DNS label's letters, digits and hyphens.
    pub(super) fn pattern(
        &mut self,
        name: &raw::Str,
        input: &raw::Input,
        pattern: &raw::Str,
        location: InputLocation,
    ) {
        let anchored = format!("^(?:{})$", pattern.value);
        let regex = match Regex::new(&anchored) {
            Ok(r) => r,
            Err(e) => {
                let reason = e.to_string();
                let reason = reason.lines().last().unwrap_or("");
                self.error(
                    pattern.referenced,
                    format!(
                        "pattern of `{}` does not compile: {}",
                        name.value,
                        reason.strip_prefix("error: ").unwrap_or(reason)
                    ),
                    "write a regular expression (regex crate syntax); it must match the whole value",
                );
                return;
            }
        };
        for (what, value) in [("example", &input.example), ("default", &input.default)] {
            if let Some(v) = value
                && !regex.is_match(&v.value)
            {
                self.error(
                    v.referenced,
                    format!(
                        "{what} `{}` of `{}` does not match its pattern `{}`",
                        v.value, name.value, pattern.value
                    ),
                    format!("fix the {what} or the pattern"),
                );
            }
        }
        if location == InputLocation::Host
            && let Some(c) = outside_dns_label(&anchored)
        {
            self.error(
                pattern.referenced,
                format!(
                    "pattern of host variable `{}` allows `{}`, so a value could leave its DNS label",
                    name.value,
                    c.escape_debug()
                ),
                "allow only letters, digits and hyphens, e.g. \"[A-Za-z0-9][A-Za-z0-9-]*\"",
            );
        }
        if location == InputLocation::Host && only_digits(&anchored) {
            self.error(
                pattern.referenced,
                format!(
                    "pattern of host variable `{}` matches only digits, and a number as a host label can make the host an IP address",
                    name.value
                ),
                "host variables must make a DNS name (the URL parser reads `2852039166` as 169.254.169.254): allow letters too",
            );
        }
    }

    /// The declared input called `name`, if any (one hash lookup).
    pub(super) fn declared<'i>(
        &self,
        inputs: &'i [model::InputSpec<'i>],
        name: &str,
    ) -> Option<&'i model::InputSpec<'i>> {
        self.input_index.get(name).and_then(|&i| inputs.get(i))
    }

    pub(super) fn input_ref(
        &mut self,
        name: &Spanned<String>,
        inputs: &[model::InputSpec],
        used_for: &str,
    ) -> bool {
        self.input_ref_in(&name.value, name.referenced, None, inputs, used_for)
    }

    /// Whether input `name` is declared; an error at `at` (narrowed to `needle`) if not.
    pub(super) fn input_ref_in(
        &mut self,
        name: &str,
        at: Location,
        needle: Option<&str>,
        inputs: &[model::InputSpec],
        used_for: &str,
    ) -> bool {
        if self.declared(inputs, name).is_some() {
            return true;
        }
        let hint = match did_you_mean(name, inputs.iter().map(|i| i.name)) {
            Some(s) => {
                self.suggested.insert(s.to_owned());
                format!("did you mean `{s}`?")
            }
            None => format!("declare `{name}` under inputs"),
        };
        let message = format!("{used_for} uses input `{name}`, which is not declared");
        match needle {
            Some(needle) => self.error_in(at, needle, message, hint),
            None => self.error(at, message, hint),
        }
        false
    }

    pub(super) fn unused_inputs(
        &mut self,
        spec: &raw::Spec,
        inputs: &[model::InputSpec],
        environments: &[model::EnvironmentSpec],
        credentials: &model::CredentialsSpec,
        grants: &[model::GrantSpec],
        headers: &[model::HeaderSpec],
    ) {
        let mut used: BTreeSet<String> = BTreeSet::new();
        for env in environments {
            let issuer = env.discovery.as_ref().map(|d| &d.issuer);
            for url in std::iter::once(&env.token_url)
                .chain(&env.authorize_url)
                .chain(issuer)
            {
                used.extend(variables(url).into_iter().map(|v| v.name));
            }
        }
        // A grant's own token URL (spec format 1.2).
        for (_, url) in grants.iter().flat_map(|g| g.overrides.token_url) {
            used.extend(variables(url).into_iter().map(|v| v.name));
        }
        for p in credentials.accepted {
            used.extend(p.inputs().into_iter().map(str::to_owned));
        }
        for g in grants {
            for p in g.params.iter().chain(g.authorize_params) {
                // An input alone or inside a template (spec format 1.2).
                used.extend(p.source.inputs().into_iter().map(str::to_owned));
            }
            if g.pkce != model::Pkce::None {
                used.insert("code_verifier".into());
            }
            if let Some(assertion) = &g.assertion {
                used.extend(assertion.inputs().into_iter().map(str::to_owned));
            }
            // A grant's own headers (spec format 1.2).
            for h in g.overrides.headers {
                used.extend(h.source.inputs().into_iter().map(str::to_owned));
            }
        }
        // `request.headers` (spec format 1.2).
        for h in headers {
            used.extend(h.source.inputs().into_iter().map(str::to_owned));
        }
        for (name, _) in &spec.inputs {
            if !used.contains(&name.value)
                && !self.suggested.contains(&name.value)
                && self.declared(inputs, &name.value).is_some()
            {
                self.error(
                    name.referenced,
                    format!("input `{}` is never sent", name.value),
                    "use it in a URL, a credential or a parameter, or remove it",
                );
            }
        }
    }
}

/// A character the pattern can match that a DNS label cannot hold (letters, digits, hyphen),
/// if any: found by walking the parsed pattern, so `.`, `\S`, `[^-]` and `(?s:.)` are all
/// caught.
pub(super) fn outside_dns_label(pattern: &str) -> Option<char> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn allowed(c: char) -> bool {
        c.is_ascii_alphanumeric() || c == '-'
    }
    fn first_outside(start: char, end: char) -> Option<char> {
        // A range of allowed characters is at most 26 long; any longer one fails fast.
        (start..=end).find(|c| !allowed(*c))
    }
    fn walk(hir: &Hir) -> Option<char> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => None,
            HirKind::Literal(lit) => String::from_utf8_lossy(&lit.0)
                .chars()
                .find(|c| !allowed(*c)),
            HirKind::Class(Class::Unicode(class)) => class
                .ranges()
                .iter()
                .find_map(|r| first_outside(r.start(), r.end())),
            HirKind::Class(Class::Bytes(class)) => class
                .ranges()
                .iter()
                .find_map(|r| first_outside(char::from(r.start()), char::from(r.end()))),
            HirKind::Repetition(rep) if rep.max == Some(0) => None,
            HirKind::Repetition(rep) => walk(&rep.sub),
            HirKind::Capture(cap) => walk(&cap.sub),
            HirKind::Concat(hirs) | HirKind::Alternation(hirs) => hirs.iter().find_map(walk),
        }
    }
    regex_syntax::Parser::new()
        .parse(pattern)
        .ok()
        .and_then(|hir| walk(&hir))
}

/// Whether every value the pattern matches is made of ASCII digits only (and it matches some
/// character at all): such a host variable can only be a number, which the URL parser may read
/// as an IPv4 address.
pub(super) fn only_digits(pattern: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};
    /// `Some(matches a character)` when everything `hir` matches is digits, `None` otherwise.
    fn walk(hir: &Hir) -> Option<bool> {
        let digit = |c: char| c.is_ascii_digit();
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => Some(false),
            HirKind::Literal(lit) => String::from_utf8_lossy(&lit.0)
                .chars()
                .all(digit)
                .then_some(true),
            HirKind::Class(Class::Unicode(class)) => class
                .ranges()
                .iter()
                .all(|r| digit(r.start()) && digit(r.end()))
                .then_some(!class.ranges().is_empty()),
            HirKind::Class(Class::Bytes(class)) => class
                .ranges()
                .iter()
                .all(|r| r.start().is_ascii_digit() && r.end().is_ascii_digit())
                .then_some(!class.ranges().is_empty()),
            HirKind::Repetition(rep) if rep.max == Some(0) => Some(false),
            HirKind::Repetition(rep) => walk(&rep.sub),
            HirKind::Capture(cap) => walk(&cap.sub),
            HirKind::Concat(hirs) | HirKind::Alternation(hirs) => {
                let mut any = false;
                for h in hirs {
                    any |= walk(h)?;
                }
                Some(any)
            }
        }
    }
    regex_syntax::Parser::new()
        .parse(pattern)
        .ok()
        .and_then(|hir| walk(&hir))
        .unwrap_or(false)
}
