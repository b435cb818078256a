//! The spec static of a provider (`pub static PROVIDER: rt::ProviderSpec = ..`), printed as
//! text rather than built with `quote!` and formatted by prettyplease.
//!
//! Why: it is pure data, half of every module, and it was most of the generator's time (a
//! `syn` parse and a prettyplease pass over a few hundred tokens per provider). Printed
//! directly, every struct literal sits on one line and names only the fields that differ from
//! the runtime's `DEFAULT` (struct update syntax), so a reviewer reads one line per input,
//! field or environment, and a spec diff changes the lines it should.
//!
//! Safety is the same as with `quote!`: every piece of spec text goes through
//! [`text::literal`] (a Rust string literal, escaped), every number is printed by Rust, and
//! every other token is the generator's own. Tests parse the result with `syn`.

use crate::model::{
    AssertionSpec, AuthorizeSpec, BasicEncoding, BodyFormat, ClientAssertion, CredentialChoice,
    DiscoveryKind, EnvironmentSpec, ErrorFormat, Expiry, FieldSpec, FieldType, GrantOverrides,
    GrantSpec, HeaderSpec, HttpMethod, InputLocation, InputSpec, MutualTls, ParamLocation,
    ParamSource, ParamSpec, Pkce, Placement, Provider, ResponseFormat, TemplatePart,
};
use crate::text;
use std::fmt::Write;

/// A Rust string literal for spec text.
fn lit(value: &str) -> String {
    text::literal(value).to_string()
}

fn opt(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("Some({})", lit(v)),
        None => "None".to_owned(),
    }
}

/// `rt::Name { a: x, b: y, ..rt::Name::BASE }`: the fields named, the rest from the runtime's
/// `DEFAULT` (or `REQUIRED`) constant; no update when all `total` fields are named (clippy's
/// `needless_update`).
fn literal_struct(name: &str, fields: &[(&str, String)], base: &str, total: usize) -> String {
    let mut out = format!("rt::{name} {{ ");
    for (i, (field, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "{field}: {value}");
    }
    if fields.len() < total {
        if !fields.is_empty() {
            out.push_str(", ");
        }
        let _ = write!(out, "..rt::{name}::{base}");
    }
    out.push_str(" }");
    out
}

fn environment(e: &EnvironmentSpec) -> String {
    let mut fields = vec![("name", lit(e.name))];
    // Empty when the token URL is discovered (spec format 1.2): `DEFAULT`'s.
    if !e.token_url.is_empty() {
        fields.push(("token_url", lit(e.token_url)));
    }
    if let Some(url) = e.authorize_url {
        fields.push(("authorize_url", opt(Some(url))));
    }
    if let Some(d) = e.discovery {
        let kind = match d.kind {
            DiscoveryKind::OpenId => "OpenId",
            DiscoveryKind::OAuth => "OAuth",
        };
        fields.push((
            "discovery",
            format!(
                "Some(rt::Discovery {{ issuer: {}, kind: rt::DiscoveryKind::{kind} }})",
                lit(d.issuer)
            ),
        ));
    }
    literal_struct(
        "EnvironmentSpec",
        &fields,
        "DEFAULT",
        ENVIRONMENT_SPEC_FIELDS,
    )
}

fn input(i: &InputSpec) -> String {
    let mut fields = vec![("name", lit(i.name)), ("description", lit(i.description))];
    if i.secret {
        fields.push(("secret", "true".to_owned()));
    }
    if i.per_request {
        fields.push(("per_request", "true".to_owned()));
    }
    if let Some(p) = i.pattern {
        fields.push(("pattern", opt(Some(p))));
    }
    if let Some(d) = i.default {
        fields.push(("default", opt(Some(d))));
    }
    match i.location {
        InputLocation::Param => {}
        InputLocation::Host => fields.push(("location", "rt::InputLocation::Host".to_owned())),
        InputLocation::Path => fields.push(("location", "rt::InputLocation::Path".to_owned())),
        InputLocation::Hostname {
            allow_ip,
            allow_port,
        } => fields.push((
            "location",
            format!(
                "rt::InputLocation::Hostname {{ allow_ip: {allow_ip}, allow_port: {allow_port} }}"
            ),
        )),
    }
    let base = if i.required { "REQUIRED" } else { "DEFAULT" };
    literal_struct("InputSpec", &fields, base, INPUT_SPEC_FIELDS)
}

fn pairs(pairs: &[(&str, &str)]) -> String {
    let items: Vec<String> = pairs
        .iter()
        .map(|(a, b)| format!("({}, {})", lit(a), lit(b)))
        .collect();
    format!("&[{}]", items.join(", "))
}

/// A TLS client certificate placement's inputs (RFC 8705 section 2).
fn mutual_tls(tls: &MutualTls) -> String {
    let MutualTls {
        client_id,
        certificate,
        key,
    } = tls;
    format!(
        "rt::MutualTls {{ client_id: {}, certificate: {}, key: {} }}",
        lit(client_id),
        lit(certificate),
        lit(key)
    )
}

fn placement(p: &Placement) -> String {
    match p {
        Placement::Header {
            name,
            input,
            prefix,
        } => format!(
            "rt::Placement::Header {{ name: {}, input: {}, prefix: {} }}",
            lit(name),
            lit(input),
            lit(prefix)
        ),
        Placement::Basic {
            user,
            password,
            encoding,
        } => {
            let encoding = match encoding {
                BasicEncoding::Form => "Form",
                BasicEncoding::Raw => "Raw",
            };
            format!(
                "rt::Placement::Basic {{ user: {}, password: {}, encoding: rt::BasicEncoding::{encoding} }}",
                opt(*user),
                lit(password)
            )
        }
        Placement::Body(fields) => format!("rt::Placement::Body({})", pairs(fields)),
        Placement::Query(fields) => format!("rt::Placement::Query({})", pairs(fields)),
        Placement::PrivateKeyJwt(client) => {
            format!("rt::Placement::PrivateKeyJwt({})", client_assertion(client))
        }
        Placement::ClientSecretJwt(client) => {
            format!(
                "rt::Placement::ClientSecretJwt({})",
                client_assertion(client)
            )
        }
        Placement::TlsClientAuth(tls) => {
            format!("rt::Placement::TlsClientAuth({})", mutual_tls(tls))
        }
        Placement::SelfSignedTlsClientAuth(tls) => {
            format!(
                "rt::Placement::SelfSignedTlsClientAuth({})",
                mutual_tls(tls)
            )
        }
        Placement::Headers(list) => format!("rt::Placement::Headers({})", headers(list)),
    }
}

/// A value source. A template's text and input names are literals like any spec text.
fn source(source: &ParamSource) -> String {
    match source {
        ParamSource::Fixed(v) => format!("rt::ParamSource::Fixed({})", lit(v)),
        ParamSource::Input(i) => format!("rt::ParamSource::Input({})", lit(i)),
        ParamSource::Json(v) => format!("rt::ParamSource::Json({})", lit(v)),
        ParamSource::Template(parts) => {
            let parts: Vec<String> = parts
                .iter()
                .map(|part| match part {
                    TemplatePart::Text(t) => format!("rt::TemplatePart::Text({})", lit(t)),
                    TemplatePart::Input(i) => format!("rt::TemplatePart::Input({})", lit(i)),
                })
                .collect();
            format!("rt::ParamSource::Template(&[{}])", parts.join(", "))
        }
    }
}

/// Headers (spec format 1.2) on one line: `&[rt::HeaderSpec { name, source }, ..]`, both
/// fields always named.
fn headers(specs: &[HeaderSpec]) -> String {
    let items: Vec<String> = specs
        .iter()
        .map(|h| {
            let HeaderSpec { name, source: s } = h;
            format!(
                "rt::HeaderSpec {{ name: {}, source: {} }}",
                lit(name),
                source(s)
            )
        })
        .collect();
    list(&items)
}

/// A client assertion (RFC 7523 section 2.2): every field named, so a field the spec crate
/// adds fails to compile here rather than be left out.
fn client_assertion(c: &ClientAssertion) -> String {
    let ClientAssertion {
        client_id,
        send_client_id,
        assertion: a,
    } = c;
    format!(
        "rt::ClientAssertion {{ client_id: {}, send_client_id: {send_client_id}, assertion: {} }}",
        lit(client_id),
        assertion(a)
    )
}

/// A signed assertion's recipe (RFC 7523 section 3), every field named.
pub(super) fn assertion(a: &AssertionSpec) -> String {
    let AssertionSpec {
        algorithm,
        key,
        key_id,
        issuer,
        subject,
        audience,
        lifetime,
        claims,
    } = a;
    let audience = match audience {
        Some(a) => format!("Some({})", source(a)),
        None => "None".to_owned(),
    };
    let claims: Vec<String> = claims
        .iter()
        .map(|(name, value)| format!("({}, {})", lit(name), source(value)))
        .collect();
    format!(
        "rt::AssertionSpec {{ algorithm: rt::JwsAlgorithm::{}, key: {}, key_id: {}, issuer: {}, \
         subject: {}, audience: {audience}, lifetime: {lifetime}, claims: &[{}] }}",
        algorithm.name(),
        lit(key),
        opt(*key_id),
        source(issuer),
        source(subject),
        claims.join(", ")
    )
}

fn param(p: &ParamSpec) -> String {
    let mut fields = vec![("name", lit(p.name)), ("source", source(&p.source))];
    if p.location == ParamLocation::Query {
        fields.push(("location", "rt::ParamLocation::Query".to_owned()));
    }
    literal_struct("ParamSpec", &fields, "DEFAULT", PARAM_SPEC_FIELDS)
}

fn list(items: &[String]) -> String {
    format!("&[{}]", items.join(", "))
}
/// A list with one item per line, indented by `indent` spaces, for the top-level lists.
fn block(items: &[String], indent: usize) -> String {
    match items {
        [] => return "&[]".to_owned(),
        // One item of one line stays on the line of its field.
        [item] if !item.contains('\n') => return format!("&[{item}]"),
        _ => {}
    }
    let pad = " ".repeat(indent + 4);
    let mut out = String::from("&[\n");
    for item in items {
        let _ = writeln!(out, "{pad}{item},");
    }
    let _ = write!(out, "{}]", " ".repeat(indent));
    out
}

/// A grant on one line, or, when it has parameters, one line per parameter.
fn grant(g: &GrantSpec) -> String {
    let kind = format!("rt::GrantKind::{:?}", g.kind);
    let mut fields = vec![("kind", kind)];
    if let Some(e) = g.extension {
        fields.push((
            "extension",
            format!(
                "Some(rt::ExtensionGrant {{ name: {}, grant_type: {} }})",
                lit(e.name),
                lit(e.grant_type)
            ),
        ));
    }
    fields.push(("description", lit(g.description)));
    match g.pkce {
        Pkce::None => {}
        Pkce::Optional => fields.push(("pkce", "rt::Pkce::Optional".to_owned())),
        Pkce::Required => fields.push(("pkce", "rt::Pkce::Required".to_owned())),
    }
    if let Some(a) = &g.assertion {
        fields.push(("assertion", format!("Some({})", assertion(a))));
    }
    if !g.authorize.is_default() {
        fields.push(("authorize", authorize(&g.authorize)));
    }
    if !g.overrides.is_empty() {
        fields.push(("overrides", overrides(&g.overrides)));
    }
    if g.params.is_empty() && g.authorize_params.is_empty() {
        return literal_struct("GrantSpec", &fields, "DEFAULT", GRANT_SPEC_FIELDS);
    }
    // Inside `grants: &[` of the static: the grant's fields sit 12 spaces in.
    if !g.params.is_empty() {
        let params: Vec<String> = g.params.iter().map(param).collect();
        fields.push(("params", block(&params, 12)));
    }
    if !g.authorize_params.is_empty() {
        let params: Vec<String> = g.authorize_params.iter().map(param).collect();
        fields.push(("authorize_params", block(&params, 12)));
    }
    let mut out = String::from("rt::GrantSpec {\n");
    for (name, value) in &fields {
        let _ = writeln!(out, "            {name}: {value},");
    }
    if fields.len() < GRANT_SPEC_FIELDS {
        out.push_str("            ..rt::GrantSpec::DEFAULT\n");
    }
    out.push_str("        }");
    out
}

/// A grant's own request shape (spec format 1.2), on one line: every field destructured, so a
/// field the spec crate adds fails to compile here rather than be left out.
fn overrides(o: &GrantOverrides) -> String {
    let GrantOverrides {
        token_url,
        method,
        params_in,
        body,
        credentials,
        headers: own_headers,
    } = o;
    let mut fields = Vec::new();
    if !token_url.is_empty() {
        fields.push(("token_url", pairs(token_url)));
    }
    if let Some(method) = method {
        let method = match method {
            HttpMethod::Post => "Post",
            HttpMethod::Get => "Get",
        };
        fields.push(("method", format!("Some(rt::HttpMethod::{method})")));
    }
    if let Some(params_in) = params_in {
        let params_in = match params_in {
            ParamLocation::Body => "Body",
            ParamLocation::Query => "Query",
        };
        fields.push(("params_in", format!("Some(rt::ParamLocation::{params_in})")));
    }
    if let Some(body) = body {
        let body = match body {
            BodyFormat::None => "None",
            BodyFormat::Form => "Form",
            BodyFormat::Json => "Json",
        };
        fields.push(("body", format!("Some(rt::BodyFormat::{body})")));
    }
    match credentials {
        None => {}
        Some(CredentialChoice::None) => {
            fields.push(("credentials", "Some(rt::CredentialChoice::None)".to_owned()));
        }
        Some(CredentialChoice::Placement(i)) => fields.push((
            "credentials",
            format!("Some(rt::CredentialChoice::Placement({i}))"),
        )),
    }
    if !own_headers.is_empty() {
        fields.push(("headers", headers(own_headers)));
    }
    literal_struct("GrantOverrides", &fields, "DEFAULT", GRANT_OVERRIDES_FIELDS)
}

/// The authorize URL's options (spec format 1.2), on one line.
fn authorize(a: &AuthorizeSpec) -> String {
    let pairs = |pairs: &[(&str, &str)]| {
        let items: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("({}, {})", lit(k), lit(v)))
            .collect();
        list(&items)
    };
    let mut fields = Vec::new();
    if !a.rename.is_empty() {
        fields.push(("rename", pairs(a.rename)));
    }
    if a.scope_separator.is_some() {
        fields.push(("scope_separator", opt(a.scope_separator)));
    }
    if !a.keep_unencoded.is_empty() {
        fields.push(("keep_unencoded", pairs(a.keep_unencoded)));
    }
    if a.omit_empty {
        fields.push(("omit_empty", "true".to_owned()));
    }
    literal_struct("AuthorizeSpec", &fields, "DEFAULT", AUTHORIZE_SPEC_FIELDS)
}

fn field(f: &FieldSpec) -> String {
    let wire: Vec<String> = f.wire.iter().map(|w| lit(w)).collect();
    let mut fields = vec![("name", lit(f.name))];
    // A field read from a header (spec format 1.1) has no body path: `DEFAULT`'s `&[]`.
    if !wire.is_empty() {
        fields.push(("wire", list(&wire)));
    }
    if f.ty != FieldType::String {
        fields.push(("ty", format!("rt::FieldType::{:?}", f.ty)));
    }
    if f.required {
        fields.push(("required", "true".to_owned()));
    }
    if let Some(d) = f.default {
        fields.push(("default", opt(Some(d))));
    }
    if !f.description.is_empty() {
        fields.push(("description", lit(f.description)));
    }
    if let Some(h) = f.header {
        fields.push(("header", opt(Some(h))));
    }
    literal_struct("FieldSpec", &fields, "DEFAULT", FIELD_SPEC_FIELDS)
}

fn fields(fields: &[FieldSpec], indent: usize) -> String {
    let items: Vec<String> = fields.iter().map(field).collect();
    block(&items, indent)
}

/// How many fields `rt::ProviderSpec` has.
const PROVIDER_SPEC_FIELDS: usize = 21;
/// How many fields `rt::EnvironmentSpec` has.
const ENVIRONMENT_SPEC_FIELDS: usize = 4;
/// How many fields `rt::InputSpec` has.
const INPUT_SPEC_FIELDS: usize = 8;
/// How many fields `rt::ParamSpec` has.
const PARAM_SPEC_FIELDS: usize = 3;
/// How many fields `rt::GrantSpec` has.
const GRANT_SPEC_FIELDS: usize = 9;
/// How many fields `rt::GrantOverrides` has.
const GRANT_OVERRIDES_FIELDS: usize = 6;
/// How many fields `rt::AuthorizeSpec` has.
const AUTHORIZE_SPEC_FIELDS: usize = 4;
/// How many fields `rt::FieldSpec` has.
const FIELD_SPEC_FIELDS: usize = 7;

/// The static, documented, as the last item of a module.
pub(crate) fn spec_static(p: &Provider) -> String {
    let mut out = String::from(
        "/// What the runtime knows of this provider: environments, inputs, credentials, grants, response and error shapes.\n\
         pub static PROVIDER: rt::ProviderSpec = rt::ProviderSpec {\n",
    );
    let mut named = 0;
    let mut line = |name: &str, value: String| {
        named += 1;
        let _ = writeln!(out, "    {name}: {value},");
    };
    line("name", lit(p.name));
    line("title", lit(p.title));
    line("description", lit(p.description));
    line("docs", lit(p.docs));
    line("default_environment", lit(p.default_environment));
    let environments: Vec<String> = p.environments.iter().map(environment).collect();
    line("environments", block(&environments, 4));
    let inputs: Vec<String> = p.inputs.iter().map(input).collect();
    line("inputs", block(&inputs, 4));
    let accepted: Vec<String> = p.credentials.accepted.iter().map(placement).collect();
    let credentials = match accepted.as_slice() {
        [only] if p.credentials.preferred == 0 => {
            format!("rt::CredentialsSpec {{ preferred: 0, accepted: &[{only}] }}")
        }
        _ => format!(
            "rt::CredentialsSpec {{\n        preferred: {},\n        accepted: {},\n    }}",
            p.credentials.preferred,
            block(&accepted, 8)
        ),
    };
    line("credentials", credentials);
    match p.body {
        BodyFormat::Form => {}
        BodyFormat::None => line("body", "rt::BodyFormat::None".to_owned()),
        BodyFormat::Json => line("body", "rt::BodyFormat::Json".to_owned()),
    }
    // Spec format 1.2: a GET, or parameters in the query string.
    if p.method == HttpMethod::Get {
        line("method", "rt::HttpMethod::Get".to_owned());
    }
    if p.params_in == ParamLocation::Query {
        line("params_in", "rt::ParamLocation::Query".to_owned());
    }
    let grants: Vec<String> = p.grants.iter().map(grant).collect();
    line("grants", block(&grants, 4));
    let known: Vec<String> = p
        .scopes
        .known
        .iter()
        .map(|(s, d)| format!("({}, {})", lit(s), lit(d)))
        .collect();
    if p.scopes.delimiter != " " || !known.is_empty() {
        line(
            "scopes",
            format!(
                "rt::ScopesSpec {{\n        delimiter: {},\n        known: {},\n    }}",
                lit(p.scopes.delimiter),
                block(&known, 8)
            ),
        );
    }
    line("response", fields(p.response, 4));
    match p.response_format {
        ResponseFormat::Json => {}
        ResponseFormat::Form => line("response_format", "rt::ResponseFormat::Form".to_owned()),
        ResponseFormat::JsonOrForm => line(
            "response_format",
            "rt::ResponseFormat::JsonOrForm".to_owned(),
        ),
    }
    if let ErrorFormat::Custom(custom) = &p.errors {
        line(
            "errors",
            format!("rt::ErrorFormat::Custom({})", fields(custom, 4)),
        );
    }
    match p.expiry {
        Expiry::Default => {}
        Expiry::Field(name) => line("expiry", format!("rt::Expiry::Field({})", lit(name))),
        Expiry::Never => line("expiry", "rt::Expiry::Never".to_owned()),
    }
    if let Some(l) = p.access_lifetime {
        line("access_lifetime", format!("Some({l})"));
    }
    if let Some(l) = p.refresh_lifetime {
        line("refresh_lifetime", format!("Some({l})"));
    }
    if !p.claims.is_empty() {
        line("claims", fields(p.claims, 4));
    }
    if !p.headers.is_empty() {
        line("headers", headers(p.headers));
    }
    // Every field named: no update (clippy's `needless_update`).
    if named < PROVIDER_SPEC_FIELDS {
        out.push_str("    ..rt::ProviderSpec::DEFAULT\n");
    }
    out.push_str("};\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokenspec_spec::{
        AuthorizeSpec, EnvironmentSpec, FieldSpec, GrantSpec, InputSpec, ParamSpec, ProviderSpec,
    };

    /// The counts above decide when a literal names every field (and so takes no `..DEFAULT`,
    /// which clippy would call needless). Each pattern below names every field without `..`:
    /// it stops compiling when the spec crate adds or removes one, pointing here.
    #[test]
    fn field_counts_are_those_of_the_spec_structs() {
        let EnvironmentSpec {
            name: _,
            token_url: _,
            authorize_url: _,
            discovery: _,
        } = EnvironmentSpec::DEFAULT;
        let InputSpec {
            name: _,
            description: _,
            secret: _,
            required: _,
            per_request: _,
            pattern: _,
            default: _,
            location: _,
        } = InputSpec::DEFAULT;
        let ParamSpec {
            name: _,
            source: _,
            location: _,
        } = ParamSpec::DEFAULT;
        let GrantSpec {
            kind: _,
            extension: _,
            description: _,
            params: _,
            authorize_params: _,
            pkce: _,
            assertion: _,
            overrides: _,
            authorize: _,
        } = GrantSpec::DEFAULT;
        let AuthorizeSpec {
            rename: _,
            scope_separator: _,
            keep_unencoded: _,
            omit_empty: _,
        } = AuthorizeSpec::DEFAULT;
        let FieldSpec {
            name: _,
            wire: _,
            ty: _,
            required: _,
            default: _,
            description: _,
            header: _,
        } = FieldSpec::DEFAULT;
        let ProviderSpec {
            name: _,
            title: _,
            description: _,
            docs: _,
            default_environment: _,
            environments: _,
            inputs: _,
            credentials: _,
            body: _,
            method: _,
            params_in: _,
            grants: _,
            scopes: _,
            response: _,
            response_format: _,
            errors: _,
            expiry: _,
            access_lifetime: _,
            refresh_lifetime: _,
            claims: _,
            headers: _,
        } = ProviderSpec::DEFAULT;
        assert_eq!(
            [
                ENVIRONMENT_SPEC_FIELDS,
                INPUT_SPEC_FIELDS,
                PARAM_SPEC_FIELDS,
                GRANT_SPEC_FIELDS,
                FIELD_SPEC_FIELDS,
                PROVIDER_SPEC_FIELDS
            ],
            [4, 8, 3, 9, 7, 21],
            "update the constants with the patterns"
        );
        assert_eq!(
            AUTHORIZE_SPEC_FIELDS, 4,
            "update the constant with the pattern"
        );
        let tokenspec_spec::GrantOverrides {
            token_url: _,
            method: _,
            params_in: _,
            body: _,
            credentials: _,
            headers: _,
        } = tokenspec_spec::GrantOverrides::DEFAULT;
        assert_eq!(
            GRANT_OVERRIDES_FIELDS, 6,
            "update the constant with the pattern"
        );
    }
}
