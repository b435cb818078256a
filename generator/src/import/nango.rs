//! Nango's `providers.yaml`: one entry per integration, keyed by a name such as `example-crm`.
//!
//! What an entry means is what Nango's server does with it (packages/shared/lib/clients/
//! oauth2.client.ts, services/connection.service.ts, server controllers/oauth.controller.ts):
//!
//! - `OAUTH2`: the authorization code grant (RFC 6749 4.1) through simple-oauth2, PKCE S256
//!   always unless `disable_pkce` (RFC 7636), `client_id`/`client_secret` in the body
//!   (`authorization_method: header`: RFC 6749 2.3.1 Basic, each value form-encoded), or, with
//!   `token_request_auth_method: basic`, a raw `Basic base64(id:secret)` header added to them
//!   (a spec sends that header alone, and says so in its header); `token_params`
//!   added to the code exchange, and `refresh_params` (else `token_params`) to the refresh
//!   (RFC 6749 6), both at `token_url`.
//! - `OAUTH2_CC`: client credentials (RFC 6749 4.4): `token_params` as they are (no
//!   grant_type of Nango's own), `client_id`/`client_secret` in the body, a raw Basic header
//!   alone with `token_request_auth_method: basic`, or `username`/`password` with `custom`
//!   (`authorization_method` is not read); `body_format` form, json or query.
//! - `TWO_STEP`: one request of the entry's own making (`token_params`, `token_headers`, a JSON
//!   body by default), the token read at `token_response.token`.
//!
//! Values interpolate `${connectionConfig.x}` (a value of the connection) and, in `TWO_STEP`,
//! `${credentials.x}` (one the user enters); both become inputs. Anything computed (`${now}`,
//! `${base64(...)}`), a fallback (`a || b`) or a request step the spec format has no word for
//! makes the entry skipped, with the reason.

use super::{ImportedSpec, Outcome, Reason, Skipped};
use indexmap::IndexMap;
use serde::Deserialize;
use std::fmt::Write as _;

/// A YAML value as Nango writes it. Maps keep their order: a spec lists parameters in the
/// order of the entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Value>),
    Map(IndexMap<String, Value>),
}

impl Value {
    fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_map(&self) -> Option<&IndexMap<String, Value>> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    fn is_true(&self) -> bool {
        matches!(self, Value::Bool(true))
    }
}

/// One entry: its keys and values.
pub type Entry = IndexMap<String, Value>;

/// Reads a file in the format of Nango's `providers.yaml`: a mapping of entry names to
/// entries. The YAML parser's limits (serde-saphyr's budget: alias expansion, depth, size)
/// refuse a document built to explode when read.
pub fn read(text: &str) -> Result<IndexMap<String, Entry>, String> {
    let all: IndexMap<String, Value> =
        serde_saphyr::from_str(text).map_err(|e| format!("not a Nango providers file: {e}"))?;
    let mut entries = IndexMap::new();
    for (name, value) in all {
        match value {
            Value::Map(entry) => {
                entries.insert(name, entry);
            }
            _ => return Err(format!("entry `{name}` is not a mapping")),
        }
    }
    Ok(entries)
}

/// Whether `name` is a spec name (section 3 of docs/spec-format.md): lower-case ASCII letters,
/// digits and single underscores, starting with a letter, not ending with `_`. Such a name is
/// also a plain file name.
pub fn is_spec_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some('a'..='z'))
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.ends_with('_')
        && !name.contains("__")
}

/// The spec name of an entry key: `-` becomes `_`; nothing else is changed, so a key that is
/// not already a name once its hyphens are underscores (upper case, dots, slashes, `../`) has
/// none.
pub fn spec_name(entry: &str) -> Option<String> {
    let name = entry.replace('-', "_");
    is_spec_name(&name).then_some(name)
}

/// Maps every entry of `entries` (or only those named in `only`, in the catalogue's order) to
/// a spec or a reason. An alias entry (`alias: other`) is the other entry with its own keys
/// on top, as Nango reads it.
pub fn map(entries: &IndexMap<String, Entry>, only: &[String]) -> Result<Outcome, String> {
    if let Some(unknown) = only.iter().find(|n| !entries.contains_key(n.as_str())) {
        return Err(format!(
            "no entry `{}` in the providers file",
            super::shown(unknown)
        ));
    }
    let mut outcome = Outcome::default();
    let mut names: IndexMap<String, String> = IndexMap::new();
    for (key, entry) in entries {
        if !only.is_empty() && !only.iter().any(|n| n == key) {
            continue;
        }
        let result = spec_name(key)
            .ok_or_else(|| {
                Reason::with_detail(
                    "the entry's name is not a spec name",
                    format!(
                        "the name `{}` is not a spec name once `-` is `_` (snake_case ASCII)",
                        super::shown(key)
                    ),
                )
            })
            .and_then(|name| match names.get(&name) {
                Some(other) => Err(Reason::with_detail(
                    "the entry's name is taken",
                    format!("its spec name `{name}` is also entry `{other}`'s"),
                )),
                None => Ok(name),
            })
            .and_then(|name| {
                let merged = resolve_alias(entries, entry)?;
                let text = Mapper::new(key, &name, &merged).spec()?;
                Ok((name, text))
            });
        match result {
            Ok((name, text)) => {
                names.insert(name.clone(), key.clone());
                outcome.specs.push(ImportedSpec {
                    entry: key.clone(),
                    name,
                    text,
                });
            }
            Err(reason) => outcome.skipped.push(Skipped {
                entry: key.clone(),
                reason,
            }),
        }
    }
    Ok(outcome)
}

/// The entry an alias stands for: the aliased entry's keys, then the alias's own (but `alias`).
fn resolve_alias(entries: &IndexMap<String, Entry>, entry: &Entry) -> Result<Entry, Reason> {
    let Some(alias) = entry.get("alias") else {
        return Ok(entry.clone());
    };
    let target = alias.as_str().and_then(|a| entries.get(a).map(|e| (a, e)));
    let Some((target_name, base)) = target else {
        return Err(Reason::new("an alias of an entry the file does not have"));
    };
    if base.contains_key("alias") {
        return Err(Reason::with_detail(
            "an alias of an alias",
            format!("an alias of `{target_name}`, itself an alias"),
        ));
    }
    let mut merged = base.clone();
    for (k, v) in entry {
        if k != "alias" {
            merged.insert(k.clone(), v.clone());
        }
    }
    Ok(merged)
}

/// Entries Nango's server handles with code of its own (its `ProviderClient`): what their YAML
/// says is not the request Nango sends, so it cannot be imported as if it were.
const NANGO_CODE: &[&str] = &[
    "agiloft",
    "braintree",
    "braintree-sandbox",
    "bullhorn",
    "coros",
    "coros-sandbox",
    "figma",
    "figjam",
    "facebook",
    "followupboss",
    "instagram",
    "jobber",
    "microsoft-admin",
    "microsoft-teams-bot",
    "one-drive",
    "sharepoint-online",
    "tiktok-ads",
    "tiktok-accounts",
    "tiktok-personal",
    "sentry-oauth",
    "stripe-app",
    "stripe-app-sandbox",
    "workday-oauth",
    "fanvue",
    "heygen",
    "mercury",
    "clover",
    "absorb-lms",
    "posthog-oauth",
    "walmart",
    "slack",
    "attio-mcp",
    "revolut-business",
    "shopline-oauth",
    "threads",
];

/// Keys that say nothing about the token request: documentation, Nango's UI, its proxy to the
/// provider's API, scripts and webhooks it runs, metadata it keeps from responses, and the
/// margin its own cache refreshes at.
const IGNORED: &[&str] = &[
    "display_name",
    "categories",
    "docs",
    "docs_connect",
    "setup_guide_url",
    "proxy",
    "webhook_routing_script",
    "webhook_user_defined_secret",
    "webhook_allowed_query_params",
    "webhook_response_metadata",
    "authorization_code_param_in_webhook",
    "post_connection_script",
    "pre_connection_deletion_script",
    "credentials_verification_script",
    "connection_configuration",
    "token_response_metadata",
    "refresh_token_response_metadata",
    "token_expiration_buffer",
    "available_scopes",
    "installation",
    "connection_config",
    "credentials",
];

/// Keys the importer reads, per auth mode (beside [`IGNORED`]).
const OAUTH2_KEYS: &[&str] = &[
    "auth_mode",
    "authorization_url",
    "token_url",
    "authorization_params",
    "token_params",
    "refresh_params",
    "scope_separator",
    "default_scopes",
    "disable_pkce",
    "authorization_method",
    "token_request_auth_method",
    "body_format",
    "authorization_url_skip_empty",
    "refresh_url",
    "redirect_uri_metadata",
];
const OAUTH2_CC_KEYS: &[&str] = &[
    "auth_mode",
    "token_url",
    "token_params",
    "scope_separator",
    "default_scopes",
    "token_request_auth_method",
    "body_format",
    "expires_in_unit",
    "require_client_certificate",
];
const TWO_STEP_KEYS: &[&str] = &[
    "auth_mode",
    "token_url",
    "token_params",
    "token_headers",
    "token_request_method",
    "body_format",
    "token_response",
    "token_expires_in_ms",
];

/// Keys of other auth modes that Nango's code for the authorization code grant
/// (`getSimpleOAuth2ClientConfig`, `getFreshOAuth2Credentials`) does not read: its refresh
/// sends `refresh_params`.
const UNREAD_OAUTH2: &[&str] = &["refresh_token_params"];

/// Keys of other auth modes that Nango's code for client credentials
/// (`getOauthClientCredentials`, `parseRawCredentials`) does not read: they change nothing it
/// sends or reads.
const UNREAD_OAUTH2_CC: &[&str] = &[
    // simple-oauth2's option; the client credentials code sends the credentials in the body.
    "authorization_method",
    "authorization_url",
    "authorization_params",
    "refresh_params",
    "disable_pkce",
    "token_headers",
    "token_expires_in_ms",
    "refresh_url",
];
/// The same for `TWO_STEP` (`getTwoStepCredentials`); its `refresh_url` is read only with
/// `refresh_token_params` or `refresh_token_headers`, which are refused.
const UNREAD_TWO_STEP: &[&str] = &[
    "authorization_url",
    "default_scopes",
    "authorization_params",
    "scope_separator",
    "refresh_url",
];

/// Keys Nango reads that no spec format 1.2 key expresses, and what each does.
const NOT_EXPRESSIBLE: &[(&str, &str)] = &[
    (
        "refresh_token_params",
        "a refresh request without grant_type (a spec's refresh sends grant_type=refresh_token)",
    ),
    (
        "refresh_token_headers",
        "a refresh request without grant_type (a spec's refresh sends grant_type=refresh_token)",
    ),
    (
        "require_client_certificate",
        "mutual TLS client authentication outside client credentials",
    ),
    (
        "authorization_url_skip_encode",
        "scopes sent without any percent-encoding in the authorize URL",
    ),
    (
        "token_url_skip_encode",
        "a token URL value sent without percent-encoding",
    ),
    (
        "authorization_url_replacements",
        "text replaced in the finished authorize URL",
    ),
    (
        "authorization_url_fragment",
        "authorize parameters moved into the URL's fragment",
    ),
    (
        "authorization_code_param_in_callback",
        "the code read from another callback parameter",
    ),
    (
        "alternate_access_token_response_path",
        "an access token read at a second place when the first is absent",
    ),
    (
        "token_response_headers",
        "values read from response headers into the connection",
    ),
    ("additional_steps", "more than one request per token"),
    ("assertion", "an assertion Nango builds (SAML or JWT)"),
    (
        "assertion_option",
        "an assertion Nango builds (SAML or JWT)",
    ),
    ("signature", "a JWT Nango signs"),
    ("token", "a JWT Nango signs"),
    ("integration_config", "values set once per integration"),
    ("auth", "Nango's own auth options"),
    ("decode_url", "a URL decoded before use"),
];

/// A part of a value with `${...}` interpolations.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    /// `${connectionConfig.x}` or `${credentials.x}`: the input of that name.
    Input(String),
    /// Anything else: computed by Nango (`${now}`, `${base64(...)}`).
    Computed(String),
}

/// Splits `s` at `${...}` (Nango's `/\${([^{}]*)}/`); a `${` without its `}` is text.
fn parts(s: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after
            .find(['{', '}'])
            .filter(|&i| after[i..].starts_with('}'))
        else {
            text.push_str(&rest[..start + 2]);
            rest = after;
            continue;
        };
        text.push_str(&rest[..start]);
        if !text.is_empty() {
            out.push(Part::Text(std::mem::take(&mut text)));
        }
        let expr = &after[..end];
        let input = expr
            .strip_prefix("connectionConfig.")
            .or_else(|| expr.strip_prefix("credentials."));
        out.push(match input {
            Some(name) => Part::Input(name.to_owned()),
            None => Part::Computed(expr.to_owned()),
        });
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Part::Text(text));
    }
    out
}

/// How a spec value is given.
#[derive(Debug, Clone)]
enum Source {
    /// Fixed text.
    Value(String),
    /// A fixed non-string value, as YAML flow text (spec format 1.2, a JSON body only).
    Json(String),
    /// One input.
    Input(String),
    /// Text with `{input}` references, literal braces doubled (spec format 1.2).
    Template(String),
}

/// An input of the spec being made.
#[derive(Debug, Clone, Default)]
struct Input {
    description: String,
    secret: bool,
    optional: bool,
    per_request: bool,
    default: Option<String>,
    host_name: bool,
    /// Made for a value of the entry (not one of the inputs every OAuth spec has).
    from_entry: bool,
}

/// The request body of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    Form,
    Json,
}

/// Where the client's credentials go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Credentials {
    /// RFC 6749 2.3.1 in the body: wire names of the client id and secret.
    Body {
        id: &'static str,
        secret: &'static str,
    },
    /// Every parameter in the query string (Nango's `body_format: query`).
    Query,
    /// `Authorization: Basic`, `form`- or `raw`-encoded.
    Basic { form: bool },
    /// None: a `TWO_STEP` request puts what it sends in its parameters.
    None,
    /// A TLS client certificate (RFC 8705 2.1), the client ID in the body.
    Tls,
    /// In the body under the entry's own names: wire name, input.
    Fields(Vec<(String, String)>),
}

/// The making of one spec.
struct Mapper<'e> {
    key: &'e str,
    name: &'e str,
    entry: &'e Entry,
    inputs: IndexMap<String, Input>,
    /// A token request by GET (spec format 1.2 `request.method`).
    get: bool,
    /// Headers every token request sends (spec format 1.2 `request.headers`).
    headers: Params,
    /// Whether the values being mapped belong to the authorize URL, which is built before
    /// the authorization callback brings its values (`redirect_uri_metadata`).
    authorize_step: bool,
    /// Whether parameter values go through Nango's `interpolateStringFromObject`, which reads
    /// `left || right` as "left when it interpolates to something, else right" (OAUTH2 and
    /// OAUTH2_CC parameters); TWO_STEP's `interpolateString` sends `||` as it is.
    or_fallbacks: bool,
    /// Where the spec deliberately sends something other than Nango: one `# Differs from
    /// Nango:` line each in the header.
    differs: Vec<String>,
    /// Names of the inputs the spec has whatever the entry says (`client_id`, `code`...): a
    /// value of the entry may not take one.
    reserved: &'static [&'static str],
}

type Mapped<T> = Result<T, Reason>;

/// Parameters or headers: wire name and value, in the entry's order.
type Params = Vec<(String, Source)>;

impl<'e> Mapper<'e> {
    fn new(key: &'e str, name: &'e str, entry: &'e Entry) -> Self {
        Mapper {
            key,
            name,
            entry,
            inputs: IndexMap::new(),
            get: false,
            headers: Vec::new(),
            authorize_step: false,
            or_fallbacks: false,
            differs: Vec::new(),
            reserved: &[],
        }
    }

    fn get(&self, key: &str) -> Option<&'e Value> {
        self.entry.get(key).filter(|v| **v != Value::Null)
    }

    fn str(&self, key: &str) -> Mapped<Option<&'e str>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(_) => Err(Reason::with_detail(
                "a value of an unexpected type",
                format!("`{key}` is not a string"),
            )),
        }
    }

    fn map_of(&self, key: &str) -> Mapped<Option<&'e IndexMap<String, Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Map(m)) => Ok(Some(m)),
            Some(_) => Err(Reason::with_detail(
                "a value of an unexpected type",
                format!("`{key}` is not a mapping"),
            )),
        }
    }

    /// The spec text, or why there is none.
    fn spec(self) -> Mapped<String> {
        if NANGO_CODE.contains(&self.key) {
            return Err(Reason::new(
                "Nango sends this provider's requests with code of its own, not from the YAML",
            ));
        }
        let mode = match self.get("auth_mode") {
            Some(Value::Str(m)) => m.as_str(),
            Some(_) => return Err(Reason::new("auth_mode is not a string")),
            None => return Err(Reason::new("no auth_mode")),
        };
        let keys = match mode {
            "OAUTH2" => OAUTH2_KEYS,
            "OAUTH2_CC" => OAUTH2_CC_KEYS,
            "TWO_STEP" => TWO_STEP_KEYS,
            other => {
                return Err(Reason::with_detail(
                    format!("auth_mode {}", super::shown(other)),
                    format!(
                        "auth_mode {} is out of scope (OAUTH2, OAUTH2_CC and TWO_STEP are imported)",
                        super::shown(other)
                    ),
                ));
            }
        };
        let unread = match mode {
            "OAUTH2" => UNREAD_OAUTH2,
            "OAUTH2_CC" => UNREAD_OAUTH2_CC,
            "TWO_STEP" => UNREAD_TWO_STEP,
            _ => &[],
        };
        for key in self.entry.keys() {
            let key = key.as_str();
            if keys.contains(&key) || IGNORED.contains(&key) || unread.contains(&key) {
                continue;
            }
            return Err(match NOT_EXPRESSIBLE.iter().find(|(k, _)| *k == key) {
                Some((_, what)) => Reason::with_detail(*what, format!("`{key}`: {what}")),
                None => Reason::with_detail(
                    "a key the importer does not know",
                    format!(
                        "`{}` is a key the importer does not know for auth_mode {mode}",
                        super::shown(key)
                    ),
                ),
            });
        }
        match mode {
            "OAUTH2" => self.oauth2(),
            "OAUTH2_CC" => self.client_credentials(),
            _ => self.two_step(),
        }
    }

    /// `token_url` as one string (an object of URLs per auth mode takes the given one).
    fn token_url(&self, mode_key: &str) -> Mapped<&'e str> {
        match self.get("token_url") {
            Some(Value::Str(s)) => Ok(s),
            Some(Value::Map(m)) => m.get(mode_key).and_then(Value::as_str).ok_or_else(|| {
                Reason::with_detail(
                    "no token URL",
                    format!("`token_url` has no `{mode_key}` URL"),
                )
            }),
            _ => Err(Reason::new("no token URL")),
        }
    }

    /// A URL of the spec: `${connectionConfig.x}` as `{x}`, checked to be what tokenspec can
    /// fill in exactly (a DNS label or whole host name, a whole path segment).
    fn url(&mut self, url: &str, what: &str) -> Mapped<String> {
        let (url, fallback) = match url.split_once("||") {
            Some((left, right)) => (left.trim(), Some(right.trim())),
            None => (url, None),
        };
        let parts = parts(url);
        // `a || b`: Nango sends `b` when a value of `a` is unset. When `b` is `a` with its one
        // value replaced by a constant, that constant is the input's default; anything else is
        // another URL, which a spec cannot switch to.
        let fallback = match fallback {
            None => None,
            Some(right) => Some(fallback_value(&parts, right).ok_or_else(|| {
                Reason::with_detail(
                    "a fallback URL (`a || b`)",
                    format!(
                        "the {what} URL has a fallback (`||`) that is another URL, not a default value"
                    ),
                )
            })?),
        };
        let mut out = String::new();
        // The URL up to here with each value a placeholder letter: where it sits tells what the
        // next value is (a whole host, a host label, a path segment).
        let mut before = String::new();
        for (i, part) in parts.iter().enumerate() {
            match part {
                Part::Text(t) => {
                    if t.contains(['{', '}']) {
                        return Err(Reason::with_detail(
                            "a brace in a URL",
                            format!("the {what} URL has a `{{` or `}}` of its own"),
                        ));
                    }
                    out.push_str(t);
                    before.push_str(t);
                }
                Part::Computed(e) => return Err(computed(e)),
                Part::Input(x) => {
                    let Some(rest) = before.strip_prefix("https://") else {
                        return Err(Reason::with_detail(
                            "a URL taken whole from the connection",
                            format!("the {what} URL starts with the value `{x}` (a whole URL)"),
                        ));
                    };
                    let next = match parts.get(i + 1) {
                        Some(Part::Text(t)) => t.chars().next(),
                        None => None,
                        Some(_) => Some('$'),
                    };
                    let in_host = !rest.contains('/');
                    let host_name = in_host && rest.is_empty() && matches!(next, None | Some('/'));
                    if !in_host {
                        let whole_segment = rest.ends_with('/') && matches!(next, None | Some('/'));
                        if !whole_segment {
                            return Err(Reason::with_detail(
                                "a value inside a path segment",
                                format!("`{x}` is part of a path segment of the {what} URL"),
                            ));
                        }
                    } else if !host_name && matches!(next, Some(c) if !matches!(c, '.' | '-' | '/'))
                    {
                        return Err(Reason::with_detail(
                            "a value that is not a whole host label",
                            format!("`{x}` is not a whole label of the {what} URL's host"),
                        ));
                    }
                    let name = self.config_input(x)?;
                    if let Some(input) = self.inputs.get_mut(&name).filter(|_| host_name) {
                        input.host_name = true;
                    }
                    out.push('{');
                    out.push_str(&name);
                    out.push('}');
                    before.push('x');
                }
            }
        }
        if out.contains('?') || out.contains('#') {
            return Err(Reason::with_detail(
                "a query string or fragment in a URL",
                format!("the {what} URL has a query string or fragment"),
            ));
        }
        if let Some((x, value)) = fallback {
            let name = self.config_input(&x)?;
            if let Some(input) = self.inputs.get_mut(&name) {
                match &input.default {
                    Some(d) if *d != value => {
                        return Err(Reason::with_detail(
                            "a fallback URL (`a || b`)",
                            format!("the fallbacks give `{x}` two defaults"),
                        ));
                    }
                    _ => input.default = Some(value),
                }
            }
        }
        Ok(out)
    }

    /// The input for a connection value or credential `x` of the entry, declared once.
    fn config_input(&mut self, x: &str) -> Mapped<String> {
        let name = input_name(x).ok_or_else(|| {
            Reason::with_detail(
                "a value whose name is not an input name",
                format!("`{}` has no snake_case input name", super::shown(x)),
            )
        })?;
        if self.reserved.contains(&name.as_str()) {
            return Err(Reason::with_detail(
                "a value named like a standard input",
                format!("the value `{x}` would be the input `{name}`, which the spec has already"),
            ));
        }
        if let Some(existing) = self.inputs.get(&name) {
            if !existing.from_entry {
                return Err(Reason::with_detail(
                    "a value named like a standard input",
                    format!(
                        "the value `{x}` would be the input `{name}`, which the spec has already"
                    ),
                ));
            }
            return Ok(name);
        }
        let schema = self.schema(x);
        // A value the authorization callback brings (Nango copies these query parameters
        // of the redirect into the connection): the caller reads it there and gives it to the
        // client that exchanges the code. The authorize URL is built before it exists.
        let from_callback = schema.is_none()
            && matches!(self.get("redirect_uri_metadata"), Some(Value::Seq(names))
                if names.iter().any(|n| n.as_str() == Some(x)));
        if from_callback && self.authorize_step {
            return Err(Reason::with_detail(
                "an authorize URL value the authorization callback brings",
                format!("the authorize URL needs `{x}`, which the authorization callback brings"),
            ));
        }
        let description = match self.described(x) {
            Some(d) => d,
            None if from_callback => {
                format!("The `{x}` query parameter of the authorization callback (the redirect).")
            }
            None => format!("The connection's `{x}` (Nango's name)."),
        };
        let secret = schema
            .and_then(|s| s.get("secret"))
            .is_some_and(|v| v.is_true() || matches!(v, Value::Str(s) if s == "true"))
            || looks_secret(&name);
        let default = schema
            .and_then(|s| s.get("default_value"))
            .and_then(Value::as_str)
            .filter(|d| !d.is_empty())
            .map(str::to_owned);
        self.inputs.insert(
            name.clone(),
            Input {
                description,
                secret,
                default,
                from_entry: true,
                ..Input::default()
            },
        );
        Ok(name)
    }

    /// A parameter or header value of the entry: fixed text, one input, or text mixed with
    /// inputs (`Bearer ${credentials.key}`), a spec format 1.2 template. In a JSON body a
    /// number, boolean, mapping or list is sent as JSON (spec format 1.2 typed values), as
    /// Nango's `JSON.stringify` sends it; in a form or a URL it is its text, as
    /// `URLSearchParams` writes it.
    fn param(&mut self, key: &str, value: &Value, body: Option<Body>) -> Mapped<Source> {
        let text = match value {
            Value::Str(s) if self.or_fallbacks && s.contains("||") => {
                return self.or_fallback(key, s);
            }
            Value::Str(s) => s.clone(),
            _ if body == Some(Body::Json) => {
                return json_flow(value).map(Source::Json).ok_or_else(|| {
                    Reason::with_detail(
                        "a JSON value tokenspec cannot write as it is",
                        format!(
                            "`{}` holds a value Nango interpolates or a null inside JSON",
                            super::shown(key)
                        ),
                    )
                });
            }
            Value::Int(i) => i.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Float(f) if f.is_finite() => f.to_string(),
            _ => {
                return Err(Reason::with_detail(
                    "a structured value outside a JSON body",
                    format!(
                        "`{}` is a structured value outside a JSON body",
                        super::shown(key)
                    ),
                ));
            }
        };
        let parts = parts(&text);
        match parts.as_slice() {
            [] => Ok(Source::Value(String::new())),
            [Part::Text(t)] => Ok(Source::Value(t.clone())),
            [Part::Input(x)] => Ok(Source::Input(self.config_input(x)?)),
            _ => {
                let mut template = String::new();
                for part in &parts {
                    match part {
                        Part::Text(t) => {
                            template.push_str(&t.replace('{', "{{").replace('}', "}}"))
                        }
                        Part::Input(x) => {
                            let name = self.config_input(x)?;
                            template.push('{');
                            template.push_str(&name);
                            template.push('}');
                        }
                        Part::Computed(e) => return Err(computed(e)),
                    }
                }
                Ok(Source::Template(template))
            }
        }
    }

    /// A parameter value `left || right` as Nango's `interpolateStringFromObject` reads it
    /// (packages/shared/lib/utils/utils.ts): `left` when it interpolates to something else
    /// than itself, else `right`. Fixed text on the left never does, so the value is `right`;
    /// one input on the left with a constant on the right is that input with the constant as
    /// its default. Anything else (a third `||`, which Nango drops, or a right side that
    /// interpolates) is refused.
    fn or_fallback(&mut self, key: &str, text: &str) -> Mapped<Source> {
        let refused = || {
            Reason::with_detail(
                "a parameter fallback (`a || b`) tokenspec cannot write",
                format!("`{}` is `{}`", super::shown(key), super::shown(text)),
            )
        };
        let mut sides = text.split("||").map(str::trim);
        let (Some(left), Some(right), None) = (sides.next(), sides.next(), sides.next()) else {
            return Err(refused());
        };
        let right_parts = parts(right);
        let right = match right_parts.as_slice() {
            [] => String::new(),
            [Part::Text(t)] => t.clone(),
            _ => return Err(refused()),
        };
        match parts(left).as_slice() {
            [] | [Part::Text(_)] => Ok(Source::Value(right)),
            [Part::Input(x)] if !right.is_empty() => {
                let name = self.config_input(x)?;
                if let Some(input) = self.inputs.get_mut(&name) {
                    match &input.default {
                        Some(d) if *d != right => {
                            return Err(Reason::with_detail(
                                "a parameter fallback (`a || b`) tokenspec cannot write",
                                format!("the fallbacks give `{x}` two defaults"),
                            ));
                        }
                        _ => input.default = Some(right),
                    }
                }
                Ok(Source::Input(name))
            }
            _ => Err(refused()),
        }
    }

    /// The parameters of a Nango map (`token_params`...), but `grant_type` and the names in
    /// `skip`.
    fn params(&mut self, key: &str, body: Option<Body>, skip: &[&str]) -> Mapped<Params> {
        let mut out = Vec::new();
        if let Some(map) = self.map_of(key)? {
            for (k, v) in map {
                if k == "grant_type" || skip.contains(&k.as_str()) {
                    continue;
                }
                out.push((k.clone(), self.param(k, v, body)?));
            }
        }
        Ok(out)
    }

    fn body(&self, allow_query: bool) -> Mapped<Option<Body>> {
        match self.str("body_format")? {
            None | Some("form") => Ok(Some(Body::Form)),
            Some("json") => Ok(Some(Body::Json)),
            Some("query") if allow_query => Ok(None),
            Some(other) => Err(Reason::with_detail(
                format!("body_format {}", super::shown(other)),
                format!(
                    "`body_format: {}` is not a body tokenspec sends",
                    super::shown(other)
                ),
            )),
        }
    }

    fn grant_type(&self, key: &str) -> Mapped<Option<&'e str>> {
        match self.map_of(key)?.and_then(|m| m.get("grant_type")) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s)),
            Some(_) => Err(Reason::new("grant_type is not a string")),
        }
    }

    /// Client credentials in the body, raw Basic (Nango's `token_request_auth_method: basic`,
    /// `Buffer.from(id + ':' + secret)`) or RFC 6749 2.3.1 Basic (simple-oauth2's
    /// `authorization_method: header`, each value form-encoded first).
    fn credentials(&self, cc: bool, body: Option<Body>) -> Mapped<Credentials> {
        // Only simple-oauth2 (OAUTH2) reads `authorization_method`.
        let header = match self.str("authorization_method")? {
            _ if cc => false,
            None | Some("body") => false,
            Some("header") => true,
            Some(other) => {
                return Err(Reason::with_detail(
                    "an unknown authorization_method",
                    format!("`authorization_method: {}`", super::shown(other)),
                ));
            }
        };
        match (self.str("token_request_auth_method")?, header) {
            (Some("basic"), false) => Ok(Credentials::Basic { form: false }),
            (Some("basic"), true) => Err(Reason::new(
                "two Basic headers (token_request_auth_method and authorization_method)",
            )),
            (Some("custom"), false) if cc && body.is_none() => Err(Reason::new(
                "username and password in the query (token_request_auth_method: custom)",
            )),
            (Some("custom"), false) if cc => Ok(Credentials::Body {
                id: "username",
                secret: "password",
            }),
            (Some("private_key_jwt"), _) => Err(Reason::new(
                "a private_key_jwt key given as a JWK (tokenspec reads PEM)",
            )),
            (None, true) => Ok(Credentials::Basic { form: true }),
            (None, false) if body.is_none() => Ok(Credentials::Query),
            (None, false) => Ok(Credentials::Body {
                id: "client_id",
                secret: "client_secret",
            }),
            (Some(other), _) => Err(Reason::with_detail(
                "an unknown token_request_auth_method",
                format!("`token_request_auth_method: {}`", super::shown(other)),
            )),
        }
    }

    /// The client ID and secret inputs, described as the entry's `credentials` form describes
    /// them when it does.
    fn client_inputs(&mut self, what: &str) {
        for (name, fallback, secret) in [
            ("client_id", format!("The client ID of your {what}."), false),
            (
                "client_secret",
                format!("The client secret of your {what}."),
                true,
            ),
        ] {
            let description = self.described(name).unwrap_or(fallback);
            self.inputs.insert(
                name.into(),
                Input {
                    description,
                    secret,
                    ..Input::default()
                },
            );
        }
    }

    /// The schema Nango's entry gives a connection value or credential `x`.
    fn schema(&self, x: &str) -> Option<&'e IndexMap<String, Value>> {
        ["connection_config", "credentials"]
            .iter()
            .filter_map(|k| self.entry.get(*k).and_then(Value::as_map))
            .find_map(|m| m.get(x).and_then(Value::as_map))
    }

    /// A description of `x` from its schema's title and description, when it has either.
    fn described(&self, x: &str) -> Option<String> {
        let schema = self.schema(x);
        let text = |k: &str| {
            schema
                .and_then(|s| s.get(k))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        match (text("title"), text("description")) {
            (Some(t), Some(d)) if t != d => Some(format!("{t}: {d}")),
            (Some(t), _) => Some(t.to_owned()),
            (None, Some(d)) => Some(d.to_owned()),
            (None, None) => None,
        }
    }

    /// The scope input: optional, with the entry's `default_scopes` as its default.
    fn scope_input(&mut self) -> Mapped<()> {
        let separator = self.str("scope_separator")?.unwrap_or(" ");
        let default = match self.get("default_scopes") {
            None => None,
            Some(Value::Seq(items)) => {
                let mut scopes = Vec::new();
                for item in items {
                    match item {
                        Value::Str(s) => scopes.push(s.as_str()),
                        _ => return Err(Reason::new("a default scope that is not a string")),
                    }
                }
                Some(scopes.join(separator)).filter(|s| !s.is_empty())
            }
            Some(_) => return Err(Reason::new("default_scopes is not a list")),
        };
        let shown_separator = match separator {
            " " => "spaces".to_owned(),
            s => format!("`{s}`"),
        };
        self.inputs.insert(
            "scope".into(),
            Input {
                description: format!("The scopes to request, separated by {shown_separator}."),
                optional: true,
                default,
                ..Input::default()
            },
        );
        Ok(())
    }

    /// The entry's `authorization_params`, but `response_type: code` (sent anyway); one that
    /// would replace another standard parameter is refused.
    fn authorize_params(&mut self) -> Mapped<Params> {
        let mut authorize = Vec::new();
        if let Some(map) = self.map_of("authorization_params")? {
            for (k, v) in map {
                match k.as_str() {
                    "response_type" if v.as_str() == Some("code") => continue,
                    "response_type"
                    | "client_id"
                    | "redirect_uri"
                    | "state"
                    | "scope"
                    | "code_challenge"
                    | "code_challenge_method" => {
                        return Err(Reason::with_detail(
                            "authorization_params that replace a standard parameter",
                            format!("authorization_params set `{k}` (a standard parameter)"),
                        ));
                    }
                    _ => {}
                }
                authorize.push((k.clone(), self.param(k, v, None)?));
            }
        }
        Ok(authorize)
    }

    fn oauth2(mut self) -> Mapped<String> {
        self.reserved = STANDARD_INPUTS;
        self.or_fallbacks = true;
        match self.grant_type("token_params")? {
            None | Some("authorization_code") => {}
            Some(other) => {
                return Err(Reason::with_detail(
                    "an OAUTH2 entry whose token_params send another grant_type",
                    format!(
                        "OAUTH2 with `grant_type: {}` in token_params (Nango refuses to authorize it)",
                        super::shown(other)
                    ),
                ));
            }
        }
        match self.grant_type("refresh_params")? {
            None | Some("refresh_token") => {}
            Some(other) => {
                return Err(Reason::with_detail(
                    "a refresh with another grant_type",
                    format!("refresh_params send `grant_type: {}`", super::shown(other)),
                ));
            }
        }
        let body = self.body(false)?;
        let credentials = self.credentials(false, body)?;
        if credentials == (Credentials::Basic { form: false }) {
            // Nango adds its own Basic header to simple-oauth2's request, which still carries
            // the credentials in the body.
            self.differs.push(
                "Nango sends the client's credentials in the body as well as in Basic; this spec \
                 sends Basic alone (RFC 6749 section 2.3.1: one authentication method per request)."
                    .into(),
            );
        }
        self.client_inputs("OAuth app");
        let authorize_url = self
            .str("authorization_url")?
            .ok_or_else(|| Reason::new("no authorization URL"))?;
        self.authorize_step = true;
        let authorize_url = self.url(authorize_url, "authorization")?;
        let authorize = self.authorize_params()?;
        self.authorize_step = false;
        let token_url = self.token_url("OAUTH2")?;
        let token_url = self.url(token_url, "token")?;
        let pkce = !self.get("disable_pkce").is_some_and(Value::is_true);
        let exchange = self.params("token_params", body, &[])?;
        // Nango refreshes with `refresh_params`, or with `token_params` when there are none
        // (simple-oauth2 `AccessToken.refresh(additionalParams)`).
        let refresh_key = if self.get("refresh_params").is_some() {
            "refresh_params"
        } else {
            "token_params"
        };
        let refresh = self.params(refresh_key, body, &[])?;
        // simple-oauth2's refresh gets these parameters as the entry writes them: Nango does not
        // interpolate them, so it sends `${connectionConfig.x}` or `a || b` as that text. A spec
        // sending the placeholder would be no use to anyone: it sends the value.
        let uninterpolated = self.map_of(refresh_key)?.is_some_and(|m| {
            m.values()
                .any(|v| matches!(v, Value::Str(s) if s.contains("${") || s.contains("||")))
        });
        if uninterpolated {
            self.differs.push(format!(
                "Nango's refresh sends the entry's `{refresh_key}` without interpolating them \
                 (`${{...}}` and `||` as text); this spec's refresh sends the values."
            ));
        }
        // Nango drops `name=` pairs from the finished URL; spec format 1.2 says the same with
        // `authorize.omit_empty`.
        let omit_empty = self
            .get("authorization_url_skip_empty")
            .is_some_and(Value::is_true);
        // Nango's `scope_separator` joins the scopes it was given; the caller of a spec gives
        // the scope input already joined, so the separator only decides how the entry's
        // default is joined (`scope_input`) and what the input's description says.
        self.scope_input()?;
        // simple-oauth2 refreshes at `token_url`; an entry's `refresh_url` says the provider
        // refreshes elsewhere (Nango's own code for such providers uses it): the refresh grant's
        // own URL (spec format 1.2 per-grant `token_url`).
        let refresh_url = match self.str("refresh_url")? {
            Some(url) => {
                self.differs.push(
                    "Nango's generic refresh (simple-oauth2) goes to token_url; this spec \
                     refreshes at the entry's refresh_url."
                        .into(),
                );
                Some(self.url(url, "refresh")?)
            }
            None => None,
        };
        self.inputs.insert(
            "redirect_uri".into(),
            Input {
                description: "The redirect URI registered for your app; the same in both steps."
                    .into(),
                ..Input::default()
            },
        );
        for (name, description, secret) in [
            (
                "state",
                "Opaque value returned to the redirect URI, against CSRF.",
                false,
            ),
            (
                "code",
                "The authorization code the user was redirected with.",
                false,
            ),
        ] {
            self.inputs.insert(
                name.into(),
                Input {
                    description: description.into(),
                    per_request: true,
                    secret,
                    ..Input::default()
                },
            );
        }
        if pkce {
            self.inputs.insert(
                "code_verifier".into(),
                Input {
                    description: "The PKCE code verifier of this authorization (RFC 7636).".into(),
                    per_request: true,
                    secret: true,
                    ..Input::default()
                },
            );
        }
        self.inputs.insert(
            "refresh_token".into(),
            Input {
                description: "A refresh token from an earlier token response.".into(),
                per_request: true,
                secret: true,
                ..Input::default()
            },
        );
        let mut exchange_params = vec![
            ("code".to_owned(), Source::Input("code".into())),
            (
                "redirect_uri".to_owned(),
                Source::Input("redirect_uri".into()),
            ),
        ];
        if pkce {
            exchange_params.push((
                "code_verifier".into(),
                Source::Input("code_verifier".into()),
            ));
        }
        exchange_params.extend(exchange);
        let mut refresh_params = vec![(
            "refresh_token".to_owned(),
            Source::Input("refresh_token".into()),
        )];
        refresh_params.extend(refresh);
        let mut authorize_params = vec![
            ("client_id".to_owned(), Source::Input("client_id".into())),
            (
                "redirect_uri".to_owned(),
                Source::Input("redirect_uri".into()),
            ),
            ("scope".to_owned(), Source::Input("scope".into())),
            ("state".to_owned(), Source::Input("state".into())),
        ];
        authorize_params.extend(authorize);
        let mut grants = Node::map();
        let mut code = Node::map();
        code.set("pkce", Node::plain(if pkce { "required" } else { "none" }));
        code.set("params", params_node(&exchange_params));
        code.set("authorize_params", params_node(&authorize_params));
        if omit_empty {
            let mut authorize = Node::map();
            authorize.set("omit_empty", Node::plain("true"));
            code.set("authorize", authorize);
        }
        grants.set("authorization_code", code);
        let mut refresh = Node::map();
        if let Some(url) = &refresh_url {
            refresh.set("token_url", Node::text(url));
        }
        refresh.set("params", params_node(&refresh_params));
        grants.set("refresh_token", refresh);
        let mut fields = Node::map();
        fields.set("access_token", field("secret", true));
        fields.set("refresh_token", field("secret", false));
        fields.set("expires_in", field("seconds", false));
        self.document(
            "OAuth 2.0 authorization code (with PKCE unless the entry turns it off) and refresh.",
            &token_url,
            Some(&authorize_url),
            credentials,
            body,
            grants,
            fields,
            None,
        )
    }

    fn client_credentials(mut self) -> Mapped<String> {
        self.reserved = &[
            "client_id",
            "client_secret",
            "scope",
            "client_certificate",
            "client_private_key",
        ];
        self.or_fallbacks = true;
        // Nango sends `token_params` as they are and adds no grant_type of its own: without
        // one, the request is a `none` grant carrying the client's credentials, as Nango's.
        let grant_name = match self.grant_type("token_params")? {
            None => "none",
            Some("client_credentials") => "client_credentials",
            Some(other) => {
                return Err(Reason::with_detail(
                    "an OAUTH2_CC entry with another grant_type",
                    format!("`grant_type: {}` in token_params", super::shown(other)),
                ));
            }
        };
        let body = self.body(true)?;
        let mut credentials = self.credentials(true, body)?;
        self.client_inputs("API client");
        let token_url = self.token_url("OAUTH2CC")?;
        let token_url = self.url(token_url, "token")?;
        // `token_params.scope` is sent whatever the connection's scopes are.
        let fixed_scope = self
            .map_of("token_params")?
            .is_some_and(|m| m.contains_key("scope"));
        let mut params = self.params("token_params", body, &[])?;
        if self
            .get("require_client_certificate")
            .is_some_and(Value::is_true)
        {
            // Nango presents the certificate and key in the TLS handshake and sends
            // `client_id`, and `client_secret` when there is one, in the body: RFC 8705 2.1's
            // tls_client_auth (spec format 1.2) with the secret an optional parameter.
            let standard = Credentials::Body {
                id: "client_id",
                secret: "client_secret",
            };
            if credentials != standard {
                return Err(Reason::new(
                    "a client certificate with credentials other than client_id in the body",
                ));
            }
            credentials = Credentials::Tls;
            for (name, what) in [
                (
                    "client_certificate",
                    "The client certificate (PEM) presented in the TLS handshake.",
                ),
                (
                    "client_private_key",
                    "The private key (PEM) of the client certificate.",
                ),
            ] {
                let description = self.described(name).unwrap_or_else(|| what.to_owned());
                self.inputs.insert(
                    name.into(),
                    Input {
                        description,
                        secret: true,
                        ..Input::default()
                    },
                );
            }
            if let Some(secret) = self.inputs.get_mut("client_secret") {
                secret.optional = true;
            }
            params.insert(
                0,
                (
                    "client_secret".into(),
                    Source::Input("client_secret".into()),
                ),
            );
        }
        if fixed_scope {
            self.differs.push(
                "Nango also sends the connection's scopes as a second `scope` when it has any; \
                 this spec sends the entry's `token_params.scope` only."
                    .into(),
            );
        } else {
            // Nango adds `scope`, the connection's scopes joined with the separator, when set.
            self.scope_input()?;
            params.push(("scope".into(), Source::Input("scope".into())));
        }
        let mut grants = Node::map();
        let mut grant = Node::map();
        grant.set("params", params_node(&params));
        grants.set(grant_name, grant);
        let mut fields = Node::map();
        fields.set("access_token", field("secret", true));
        let unit = match self.str("expires_in_unit")? {
            None => "seconds",
            Some("milliseconds") => "milliseconds",
            Some(other) => {
                return Err(Reason::with_detail(
                    "an unknown expires_in_unit",
                    format!("`expires_in_unit: {}`", super::shown(other)),
                ));
            }
        };
        fields.set("expires_in", field(unit, false));
        self.document(
            "OAuth 2.0 client credentials.",
            &token_url,
            None,
            credentials,
            body,
            grants,
            fields,
            None,
        )
    }

    fn two_step(mut self) -> Mapped<String> {
        let body = match self.str("body_format")? {
            None | Some("json") => Body::Json,
            Some("form") => Body::Form,
            Some(other) => {
                return Err(Reason::with_detail(
                    format!("body_format {}", super::shown(other)),
                    format!(
                        "`body_format: {}` is not a body tokenspec sends",
                        super::shown(other)
                    ),
                ));
            }
        };
        match self.str("token_request_method")? {
            None => {}
            // axios.get(url, {headers}): no body, and no token_params either.
            Some("GET") => self.get = true,
            Some(other) => {
                return Err(Reason::with_detail(
                    "an unknown token_request_method",
                    format!("`token_request_method: {}`", super::shown(other)),
                ));
            }
        }
        if let Some(headers) = self.map_of("token_headers")? {
            let content_type = match body {
                Body::Json => "application/json",
                Body::Form => "application/x-www-form-urlencoded",
            };
            for (name, value) in headers {
                // tokenspec asks for JSON itself (RFC 9110 12.5.1); a second Accept would be
                // sent beside it.
                if name.eq_ignore_ascii_case("accept") {
                    if value.as_str() == Some("application/json") {
                        continue;
                    }
                    return Err(Reason::with_detail(
                        "an Accept header other than application/json",
                        format!(
                            "`{}: {}`: the spec reads JSON answers",
                            super::shown(name),
                            super::shown(value.as_str().unwrap_or("?"))
                        ),
                    ));
                }
                if name.eq_ignore_ascii_case("content-type") {
                    // A Content-Type saying what tokenspec sends anyway adds nothing; another
                    // one would describe a body tokenspec does not send.
                    if self.get || value.as_str() == Some(content_type) {
                        continue;
                    }
                    return Err(Reason::with_detail(
                        "a Content-Type other than the body's",
                        format!(
                            "`{}: {}` on a {content_type} body",
                            super::shown(name),
                            super::shown(value.as_str().unwrap_or("?"))
                        ),
                    ));
                }
                let source = self.param(name, value, None)?;
                self.headers.push((name.clone(), source));
            }
        }
        let grant_type = self.grant_type("token_params")?;
        let token_url = self.token_url("TWO_STEP")?;
        let token_url = self.url(token_url, "token")?;
        let params = if self.get {
            Vec::new()
        } else {
            self.params("token_params", Some(body), &[])?
        };
        let response = self
            .map_of("token_response")?
            .ok_or_else(|| Reason::new("no token_response"))?;
        for key in response.keys() {
            if ![
                "token",
                "token_expiration",
                "token_expiration_strategy",
                "refresh_token",
            ]
            .contains(&key.as_str())
            {
                return Err(Reason::with_detail(
                    "a key the importer does not know",
                    format!(
                        "`token_response.{}` is a key the importer does not know",
                        super::shown(key)
                    ),
                ));
            }
        }
        let path = |k: &str| -> Mapped<Option<String>> {
            match response.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Str(p)) if !p.is_empty() && p.split('.').all(|s| !s.is_empty()) => {
                    Ok(Some(p.clone()))
                }
                Some(_) => Err(Reason::with_detail(
                    "a response path tokenspec cannot read",
                    format!("`token_response.{k}` is not a dotted path"),
                )),
            }
        };
        let mut fields = Node::map();
        let token = path("token")?.ok_or_else(|| {
            Reason::new("the whole response as the token (no token_response.token)")
        })?;
        let mut access = field("secret", true);
        if token != "access_token" {
            access.set("from", Node::text(&token));
        }
        fields.set("access_token", access);
        // Without `refresh_token_params` (refused above) Nango keeps a refresh token but
        // renews by sending the token request again, as a token source does: it is not read.
        path("refresh_token")?;
        if let Some(p) = path("token_expiration")? {
            let strategy = match response.get("token_expiration_strategy") {
                None | Some(Value::Null) => "expireAt",
                Some(Value::Str(s)) => s.as_str(),
                Some(_) => return Err(Reason::new("token_expiration_strategy is not a string")),
            };
            match strategy {
                "expireIn" => {
                    let mut f = field("seconds", false);
                    if p != "expires_in" {
                        f.set("from", Node::text(&p));
                    }
                    fields.set("expires_in", f);
                }
                _ => {
                    return Err(Reason::new(
                        "an expiry instant Nango reads as epoch seconds, milliseconds or a date (no one type)",
                    ));
                }
            }
        }
        let lifetime = match self.get("token_expires_in_ms") {
            None => None,
            Some(Value::Int(ms)) if *ms >= 1000 && ms % 1000 == 0 => Some(ms / 1000),
            Some(Value::Int(0)) => None,
            Some(_) => {
                return Err(Reason::new(
                    "a token lifetime that is not whole seconds (token_expires_in_ms)",
                ));
            }
        };
        let mut grants = Node::map();
        let mut grant = Node::map();
        let (grant_name, credentials, params) = match grant_type {
            None => ("none".to_owned(), Credentials::None, params),
            Some(gt) => two_step_grant(gt, params)?,
        };
        if let Some(gt) = grant_type.filter(|_| grant_name != "client_credentials") {
            grant.set("grant_type", Node::text(gt));
        }
        if !params.is_empty() {
            grant.set("params", params_node(&params));
        }
        grants.set(&grant_name, grant);
        let mut token = None;
        if let Some(seconds) = lifetime {
            let mut t = Node::map();
            t.set("access_lifetime", Node::plain(&seconds.to_string()));
            token = Some(t);
        }
        self.document(
            "A token request of the provider's own (Nango's TWO_STEP).",
            &token_url,
            None,
            credentials,
            Some(body),
            grants,
            fields,
            token,
        )
    }

    /// The whole spec, in the order of docs/spec-format.md section 2.
    #[allow(clippy::too_many_arguments)]
    fn document(
        &self,
        what: &str,
        token_url: &str,
        authorize_url: Option<&str>,
        credentials: Credentials,
        body: Option<Body>,
        grants: Node,
        fields: Node,
        token: Option<Node>,
    ) -> Mapped<String> {
        let title = self
            .str("display_name")?
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .unwrap_or(self.key);
        let docs = self
            .str("docs")?
            .ok_or_else(|| Reason::new("no docs URL"))?;
        let mut root = Node::map();
        root.set("spec_version", Node::plain("1.2"));
        root.set("name", Node::plain(self.name));
        root.set("title", Node::text(title));
        root.set("description", Node::text(what));
        root.set("docs", Node::text(docs));
        root.set("default_environment", Node::plain("production"));
        let mut env = Node::map();
        env.set("token_url", Node::text(token_url));
        if let Some(url) = authorize_url {
            env.set("authorize_url", Node::text(url));
        }
        let mut envs = Node::map();
        envs.set("production", env);
        root.set("environments", envs);
        let mut inputs = Node::map();
        for (name, input) in &self.inputs {
            let mut n = Node::map();
            n.set("description", Node::text(&input.description));
            if input.secret {
                n.set("secret", Node::plain("true"));
            }
            if input.optional && input.default.is_none() {
                n.set("required", Node::plain("false"));
            }
            if input.per_request {
                n.set("per_request", Node::plain("true"));
            }
            if let Some(d) = &input.default {
                n.set("default", Node::text(d));
            }
            if input.host_name {
                n.set("host", Node::plain("name"));
            }
            inputs.set(name, n);
        }
        root.set("inputs", inputs);
        let placement = match &credentials {
            Credentials::None => None,
            Credentials::Fields(fields) => {
                let mut p = Node::map();
                for (wire, input) in fields {
                    p.set(wire, Node::plain(input));
                }
                Some(("body", p))
            }
            Credentials::Body { id, secret } => {
                let mut p = Node::map();
                p.set(id, Node::plain("client_id"));
                p.set(secret, Node::plain("client_secret"));
                Some(("body", p))
            }
            Credentials::Query => {
                let mut p = Node::map();
                p.set("client_id", Node::plain("client_id"));
                p.set("client_secret", Node::plain("client_secret"));
                Some(("query", p))
            }
            Credentials::Basic { form } => {
                let mut p = Node::map();
                p.set("user", Node::plain("client_id"));
                p.set("password", Node::plain("client_secret"));
                p.set("encoding", Node::plain(if *form { "form" } else { "raw" }));
                Some(("basic", p))
            }
            Credentials::Tls => {
                let mut p = Node::map();
                p.set("client_id", Node::plain("client_id"));
                p.set("certificate", Node::plain("client_certificate"));
                p.set("key", Node::plain("client_private_key"));
                Some(("tls_client_auth", p))
            }
        };
        if let Some((kind, p)) = placement {
            let mut accepted = Node::map();
            accepted.set(kind, p);
            let mut c = Node::map();
            c.set("preferred", Node::plain(kind));
            c.set("accepted", accepted);
            root.set("credentials", c);
        }
        let mut request = Node::map();
        let body = match body {
            _ if self.get => "none",
            Some(Body::Form) => "form",
            Some(Body::Json) => "json",
            // Nango's `body_format: query`: with the query placement every parameter goes in
            // the query string and no body is sent (docs/spec-format.md 6.4); with another
            // placement, spec format 1.2 `params_in: query` says the same.
            None => {
                if credentials != Credentials::Query {
                    request.set("params_in", Node::plain("query"));
                }
                "form"
            }
        };
        request.set("body", Node::plain(body));
        if self.get {
            request.set("method", Node::plain("get"));
        }
        if !self.headers.is_empty() {
            request.set("headers", params_node(&self.headers));
        }
        root.set("request", request);
        root.set("grants", grants);
        let mut response = Node::map();
        response.set("fields", fields);
        root.set("response", response);
        let mut errors = Node::map();
        errors.set("format", Node::plain("oauth2"));
        root.set("errors", errors);
        if let Some(t) = token {
            root.set("token", t);
        }
        let mut text = String::new();
        let _ = writeln!(
            text,
            "{}Nango providers.yaml entry `{}`{}.",
            super::HEADER_PREFIX,
            self.key,
            if self.key == self.name {
                String::new()
            } else {
                format!(
                    " (spec name `{}`: `-` is `_` in snake_case names)",
                    self.name
                )
            }
        );
        let _ = writeln!(
            text,
            "# Written by `tokenspec import nango`: check it against the provider's own documentation."
        );
        for difference in &self.differs {
            let _ = writeln!(text, "# Differs from Nango: {difference}");
        }
        root.render(&mut text, 0);
        Ok(text)
    }
}

/// A `TWO_STEP` request that sends a `grant_type` is an OAuth grant: its `client_id` and
/// `client_secret` parameters, given whole by inputs, are the client's credentials in the
/// body (RFC 6749 2.3.1) under the entry's own names, and the grant is `client_credentials`
/// or an extension grant (RFC 6749 4.5) named after its `grant_type` (`password`,
/// `password_realm`).
fn two_step_grant(grant_type: &str, params: Params) -> Mapped<(String, Credentials, Params)> {
    let mut fields = Vec::new();
    let mut rest = Vec::new();
    for (wire, source) in params {
        let standard = wire.to_ascii_lowercase();
        match source {
            Source::Input(input) if standard == "client_id" || standard == "client_secret" => {
                fields.push((wire, input));
            }
            source => rest.push((wire, source)),
        }
    }
    let has = |name: &str| fields.iter().any(|(w, _)| w.eq_ignore_ascii_case(name));
    if !has("client_id") || !has("client_secret") {
        return Err(Reason::with_detail(
            "a TWO_STEP grant_type without client_id and client_secret parameters",
            format!(
                "`grant_type: {}` without the client's id and secret among token_params",
                super::shown(grant_type)
            ),
        ));
    }
    let name = match grant_type {
        "client_credentials" => "client_credentials".to_owned(),
        other => {
            let last = other.rsplit(['/', ':']).next().unwrap_or(other);
            let name = last.replace('-', "_");
            if !is_spec_name(&name) {
                return Err(Reason::with_detail(
                    "a TWO_STEP grant_type with no grant name",
                    format!("`grant_type: {}` gives no grant name", super::shown(other)),
                ));
            }
            name
        }
    };
    Ok((name, Credentials::Fields(fields), rest))
}

/// Inputs every OAuth spec the importer writes has; a connection value may not take a name of
/// theirs.
const STANDARD_INPUTS: &[&str] = &[
    "client_id",
    "client_secret",
    "redirect_uri",
    "scope",
    "state",
    "code",
    "code_verifier",
    "refresh_token",
];

/// A connection value's input name: Nango's camelCase or kebab-case name in snake_case.
fn input_name(x: &str) -> Option<String> {
    if !x
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let name = heck::ToSnakeCase::to_snake_case(x);
    is_spec_name(&name).then_some(name)
}

/// Whether a credential's name says it is secret, when Nango's entry does not.
fn looks_secret(name: &str) -> bool {
    ["password", "secret", "token", "api_key", "private_key"]
        .iter()
        .any(|w| name.contains(w))
}

fn computed(expr: &str) -> Reason {
    let head: String = expr
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Reason::with_detail(
        format!("a value Nango computes (`${{{head}...}}`)"),
        format!(
            "`${{{}}}` is computed by Nango, not given by the caller",
            super::shown(expr)
        ),
    )
}

fn field(ty: &str, required: bool) -> Node {
    let mut n = Node::map();
    n.set("type", Node::plain(ty));
    if required {
        n.set("required", Node::plain("true"));
    }
    n
}

fn params_node(params: &[(String, Source)]) -> Node {
    let mut n = Node::map();
    for (k, source) in params {
        let mut p = Node::map();
        match source {
            Source::Value(v) => p.set("value", Node::text(v)),
            Source::Json(v) => p.set("value", Node::Plain(v.clone())),
            Source::Input(i) => p.set("input", Node::plain(i)),
            Source::Template(t) => p.set("template", Node::text(t)),
        }
        n.set(k, p);
    }
    n
}

/// The value `right` gives the one input of `left` (Nango's `left || right`), when `right` is
/// `left` with that input replaced by a constant: `(Nango name, constant)`.
fn fallback_value(left: &[Part], right: &str) -> Option<(String, String)> {
    let mut inputs = left
        .iter()
        .enumerate()
        .filter(|(_, p)| !matches!(p, Part::Text(_)));
    let (at, Part::Input(x)) = inputs.next()? else {
        return None;
    };
    if inputs.next().is_some() {
        return None;
    }
    let text = |parts: &[Part]| -> String {
        parts
            .iter()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    };
    let middle = right
        .strip_prefix(&text(&left[..at]))?
        .strip_suffix(&text(&left[at + 1..]))?;
    constant(middle).map(|c| (x.clone(), c))
}

/// `text` as a default value: not empty, nothing Nango would interpolate, no brace or `|`.
fn constant(text: &str) -> Option<String> {
    (!text.is_empty() && !text.contains(['$', '{', '}', '|', '/'])).then(|| text.to_owned())
}

/// A fixed value of a JSON body as YAML flow text that reads as the same JSON: strings
/// quoted, mappings in the entry's order. `None` when a string inside interpolates (`${...}`
/// cannot be a fixed value) or a `null` sits inside (a fixed value is never null).
fn json_flow(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_finite() => format!("{f:?}"),
        Value::Float(_) => return None,
        Value::Str(s) if s.contains("${") => return None,
        Value::Str(s) => quoted(s),
        Value::Seq(items) => {
            let items: Option<Vec<String>> = items.iter().map(json_flow).collect();
            format!("[{}]", items?.join(", "))
        }
        Value::Map(map) => {
            let entries: Option<Vec<String>> = map
                .iter()
                .map(|(k, v)| json_flow(v).map(|v| format!("{}: {v}", quoted(k))))
                .collect();
            format!("{{{}}}", entries?.join(", "))
        }
    })
}

/// A YAML document being written: every mapping in insertion order, every text from the
/// entry as a double-quoted scalar whose escapes leave nothing raw that YAML or tokenspec's
/// loader would read otherwise (docs/spec-format.md 2.1 refuses raw control and bidi
/// characters, and accepts them escaped).
#[derive(Debug, Clone)]
enum Node {
    /// Written as it is: the importer's own names and keywords.
    Plain(String),
    /// Text that may come from the entry: always quoted.
    Text(String),
    Map(Vec<(String, Node)>),
}

impl Node {
    fn map() -> Node {
        Node::Map(Vec::new())
    }

    fn plain(s: &str) -> Node {
        Node::Plain(s.to_owned())
    }

    fn text(s: &str) -> Node {
        Node::Text(s.to_owned())
    }

    fn set(&mut self, key: &str, value: Node) {
        if let Node::Map(entries) = self {
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value,
                None => entries.push((key.to_owned(), value)),
            }
        }
    }

    fn render(&self, out: &mut String, indent: usize) {
        let Node::Map(entries) = self else {
            return;
        };
        for (key, value) in entries {
            out.push_str(&" ".repeat(indent));
            out.push_str(&yaml_key(key));
            match value {
                Node::Map(m) if m.is_empty() => out.push_str(": {}\n"),
                Node::Map(_) => {
                    out.push_str(":\n");
                    value.render(out, indent + 2);
                }
                Node::Plain(s) => {
                    out.push_str(": ");
                    out.push_str(s);
                    out.push('\n');
                }
                Node::Text(s) => {
                    out.push_str(": ");
                    out.push_str(&quoted(s));
                    out.push('\n');
                }
            }
        }
    }
}

/// A mapping key: plain when it is a snake_case-like word, else quoted.
fn yaml_key(key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null"
        );
    if plain { key.to_owned() } else { quoted(key) }
}

/// `s` as a YAML double-quoted scalar (YAML 1.2 section 7.3.1): `"` and `\` escaped, and
/// every control character, bidi control, line or paragraph separator, byte order mark and
/// non-character written as an escape, so the file holds each of them only as text.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || crate::diagnostic::is_bidi_control(c)
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
