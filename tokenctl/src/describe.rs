//! `tokenctl providers` and `tokenctl describe`: what the registry knows, as JSON or a table.

use serde_json::{Value, json};
use tokenspec_runtime::{
    EnvironmentSpec, GrantKind, InputLocation, InputSpec, ParamLocation, ParamSpec, Placement,
    ProviderSpec,
};

/// The `providers --json` object of one provider.
pub fn provider_summary(provider: &ProviderSpec) -> Value {
    json!({
        "name": provider.name,
        "title": provider.title,
        "grants": grant_names(provider),
        "default_environment": provider.default_environment,
        "environments": environments(provider),
    })
}

/// The `describe --json` object.
pub fn provider_details(provider: &ProviderSpec) -> Value {
    let inputs: Vec<Value> = provider
        .inputs
        .iter()
        .map(|input| {
            json!({
                "name": input.name,
                "required": input.required,
                "secret": provider.is_secret_input(input),
                "placement": placement(provider, input),
                "description": input.description,
            })
        })
        .collect();
    json!({
        "name": provider.name,
        "title": provider.title,
        "docs": provider.docs,
        "grants": grant_names(provider),
        "default_environment": provider.default_environment,
        "environments": environments(provider),
        "inputs": inputs,
    })
}

fn grant_names(provider: &ProviderSpec) -> Vec<&'static str> {
    provider.grants.iter().map(|g| g.name()).collect()
}

fn environments(provider: &ProviderSpec) -> Vec<Value> {
    provider
        .environments
        .iter()
        .map(|e| {
            let mut env = json!({ "name": e.name, "url": e.token_url });
            // Spec format 1.2: URLs read at run time from the issuer's metadata (`url` is
            // empty when the token URL is one of them).
            if let Some(d) = e.discovery {
                env["issuer"] = json!(d.issuer);
                env["discovery"] = json!(d.kind.name());
            }
            env
        })
        .collect()
}

/// Where the value of `input` goes, as `describe` reports it: `host`, `path`,
/// `header:<Name>`, `basic_user`, `basic_password`, `body` or `query`; `None` for an input no
/// request uses.
///
/// URL variables first, then the preferred credential placement, then token-request
/// parameters (in the query string when the preferred placement is the query, since the
/// runtime then sends every parameter there; else by the parameter's location: a body
/// parameter is `body` whether the body format is form or JSON), then
/// authorize-URL parameters (always the authorize URL's query string), then any other
/// accepted credential placement.
pub fn placement(provider: &ProviderSpec, input: &InputSpec) -> Option<String> {
    match input.location {
        InputLocation::Host | InputLocation::Hostname { .. } => return Some("host".into()),
        InputLocation::Path => return Some("path".into()),
        InputLocation::Param => {}
    }
    let preferred = provider.credentials.preferred();
    if let Some(p) = preferred.and_then(|p| credential_placement(p, input.name)) {
        return Some(p);
    }
    let query_only = matches!(preferred, Some(Placement::Query(_)));
    // An input alone or inside a template (spec format 1.2).
    let uses = |param: &ParamSpec| param.source.reads(input.name);
    // A header of every request (spec format 1.2, `request.headers`).
    if let Some(header) = provider.headers.iter().find(|h| h.source.reads(input.name)) {
        return Some(format!("header:{}", header.name));
    }
    for grant in provider.grants {
        if let Some(param) = grant.params.iter().find(|p| uses(p)) {
            let location = if query_only || param.location == ParamLocation::Query {
                "query"
            } else {
                "body"
            };
            return Some(location.into());
        }
    }
    if provider
        .grants
        .iter()
        .any(|g| g.authorize_params.iter().any(uses))
    {
        return Some("query".into());
    }
    // Read into the JWT-bearer grant's signed assertion (RFC 7523 section 2.1), never sent.
    if provider.grants.iter().any(|g| {
        g.assertion
            .is_some_and(|a| a.inputs().contains(&input.name))
    }) {
        return Some("assertion".into());
    }
    provider
        .credentials
        .accepted
        .iter()
        .find_map(|p| credential_placement(p, input.name))
}

/// Every place `input` can go (for the table): the reported placement first, then other
/// accepted credential placements.
fn all_placements(provider: &ProviderSpec, input: &InputSpec) -> Vec<String> {
    let mut out: Vec<String> = placement(provider, input).into_iter().collect();
    for p in provider.credentials.accepted {
        if let Some(p) = credential_placement(p, input.name)
            && !out.contains(&p)
        {
            out.push(p);
        }
    }
    out
}

fn credential_placement(placement: &Placement, input: &str) -> Option<String> {
    match placement {
        Placement::Header { name, input: i, .. } if *i == input => Some(format!("header:{name}")),
        Placement::Basic {
            user: Some(user), ..
        } if *user == input => Some("basic_user".into()),
        Placement::Basic { password, .. } if *password == input => Some("basic_password".into()),
        Placement::Body(fields) if fields.iter().any(|(_, i)| *i == input) => Some("body".into()),
        Placement::Query(fields) if fields.iter().any(|(_, i)| *i == input) => Some("query".into()),
        // A signed client assertion (RFC 7523 section 2.2): the client ID may go in the body
        // too; the key, key ID and claim inputs only go into the signed JWT.
        Placement::PrivateKeyJwt(c) | Placement::ClientSecretJwt(c)
            if c.send_client_id && c.client_id == input =>
        {
            Some("body".into())
        }
        Placement::PrivateKeyJwt(c) | Placement::ClientSecretJwt(c)
            if c.client_id == input || c.assertion.inputs().contains(&input) =>
        {
            Some("client_assertion".into())
        }
        // RFC 8705 section 2: the client ID goes in the body; certificate and key are
        // presented in the TLS handshake, never sent as parameters.
        Placement::TlsClientAuth(t) | Placement::SelfSignedTlsClientAuth(t)
            if t.client_id == input =>
        {
            Some("body".into())
        }
        Placement::TlsClientAuth(t) | Placement::SelfSignedTlsClientAuth(t)
            if t.certificate == input || t.key == input =>
        {
            Some("tls_client_certificate".into())
        }
        // Spec format 1.2: one of several credential headers.
        Placement::Headers(headers) => headers
            .iter()
            .find(|h| h.source.reads(input))
            .map(|h| format!("header:{}", h.name)),
        _ => None,
    }
}

/// The `providers` table.
pub fn providers_table(providers: &[&ProviderSpec]) -> String {
    let mut rows = vec![vec![
        "NAME".to_owned(),
        "TITLE".to_owned(),
        "GRANTS".to_owned(),
        "ENVIRONMENTS (* default)".to_owned(),
    ]];
    for p in providers {
        let envs: Vec<String> = p
            .environments
            .iter()
            .map(|e| {
                if e.name == p.default_environment {
                    format!("{}*", e.name)
                } else {
                    e.name.to_owned()
                }
            })
            .collect();
        rows.push(vec![
            p.name.to_owned(),
            p.title.to_owned(),
            grant_names(p).join(", "),
            envs.join(", "),
        ]);
    }
    table(&rows)
}

/// The `describe` text.
pub fn details_text(provider: &ProviderSpec) -> String {
    let mut out = format!("{} ({})\n", provider.name, provider.title);
    out.push_str(&format!("{}\n\n", provider.description));
    out.push_str(&format!("docs:   {}\n", provider.docs));
    let grants: Vec<String> = provider
        .grants
        .iter()
        .enumerate()
        .map(|(i, g)| {
            if i == 0 {
                format!("{} (default)", g.name())
            } else {
                g.name().to_owned()
            }
        })
        .collect();
    out.push_str(&format!("grants: {}\n", grants.join(", ")));
    if let Some(p) = provider.credentials.preferred() {
        let others: Vec<&str> = provider
            .credentials
            .accepted
            .iter()
            .map(Placement::kind)
            .filter(|k| *k != p.kind())
            .collect();
        let also = if others.is_empty() {
            String::new()
        } else {
            format!(" (also accepted: {}; --placement KIND)", others.join(", "))
        };
        out.push_str(&format!("credentials: {}{also}\n", p.kind()));
    }
    out.push('\n');

    let mut envs = vec![vec!["ENVIRONMENT".to_owned(), "TOKEN URL".to_owned()]];
    let has_authorize = provider
        .environments
        .iter()
        .any(|e| e.authorize_url.is_some() || discovers_authorize(provider, e));
    if has_authorize {
        envs[0].push("AUTHORIZE URL".to_owned());
    }
    for e in provider.environments {
        let mut name = e.name.to_owned();
        if e.name == provider.default_environment {
            name.push_str(" (default)");
        }
        let mut row = vec![name, url_or_discovered(e.token_url, e)];
        if has_authorize {
            row.push(match e.authorize_url {
                Some(url) => url.to_owned(),
                None if discovers_authorize(provider, e) => url_or_discovered("", e),
                None => "-".to_owned(),
            });
        }
        envs.push(row);
    }
    out.push_str(&table(&envs));
    out.push('\n');

    let mut inputs = vec![
        [
            "INPUT",
            "REQUIRED",
            "SECRET",
            "PLACEMENT",
            "ENV VAR",
            "DESCRIPTION",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for input in provider.inputs {
        let mut placements = all_placements(provider, input).join(", ");
        if placements.is_empty() {
            placements = "-".into();
        }
        let mut description = input.description.to_owned();
        if let Some(default) = input.default {
            description.push_str(&format!(" [default: {default}]"));
        }
        inputs.push(vec![
            input.name.to_owned(),
            yes_no(input.required),
            yes_no(provider.is_secret_input(input)),
            placements,
            crate::inputs::env_var(input.name),
            description,
        ]);
    }
    out.push_str(&table(&inputs));
    out
}

/// Whether `environment` reads its authorize URL from the issuer's metadata (spec format 1.2).
fn discovers_authorize(provider: &ProviderSpec, environment: &EnvironmentSpec) -> bool {
    environment.authorize_url.is_none()
        && environment.discovery.is_some()
        && provider.grant(GrantKind::AuthorizationCode).is_some()
}

/// `url`, or where it is discovered from when the spec leaves it to the issuer's metadata
/// (spec format 1.2).
fn url_or_discovered(url: &str, environment: &EnvironmentSpec) -> String {
    match (url, environment.discovery) {
        ("", Some(d)) => format!("discovered from {} ({})", d.issuer, d.kind.name()),
        _ => url.to_owned(),
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_owned()
}

/// Left-aligned columns, two spaces apart; the last column is not padded.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            if c + 1 == row.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                let pad = widths[c] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenspec_runtime::{Discovery, DiscoveryKind, GrantSpec};

    /// A provider whose environment is discovered (spec format 1.2), with a code grant.
    static DISCOVERED: ProviderSpec = ProviderSpec {
        name: "realm",
        default_environment: "production",
        environments: &[EnvironmentSpec {
            name: "production",
            discovery: Some(Discovery {
                issuer: "https://{host}/realms/acme",
                kind: DiscoveryKind::OAuth,
            }),
            ..EnvironmentSpec::DEFAULT
        }],
        grants: &[GrantSpec {
            kind: GrantKind::AuthorizationCode,
            ..GrantSpec::DEFAULT
        }],
        ..ProviderSpec::DEFAULT
    };

    #[test]
    fn a_discovered_environment_says_where_its_urls_come_from() {
        let text = details_text(&DISCOVERED);
        let row = text
            .lines()
            .find(|l| l.starts_with("production"))
            .expect("the environment's row");
        assert_eq!(
            row.matches("discovered from https://{host}/realms/acme (oauth)")
                .count(),
            2,
            "token and authorize URL: {text}"
        );
        let details = provider_details(&DISCOVERED);
        assert_eq!(
            details["environments"][0],
            json!({
                "name": "production",
                "url": "",
                "issuer": "https://{host}/realms/acme",
                "discovery": "oauth",
            })
        );
    }
}
