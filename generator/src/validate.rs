//! Stage 2: every semantic check, all errors collected, each with `file:line:col` and a hint;
//! the result is the model, lowered into the caller's arena.

use crate::diagnostic::{Diagnostic, Diagnostics, did_you_mean};
use crate::load::Loaded;
use crate::load::raw;
use crate::model::{self, GrantKind, InputLocation};
use crate::names::{NOT_RAW, NOT_RAW_REASON, provider_name_clash, snake_case};
use bumpalo::Bump;
use heck::{ToSnakeCase, ToUpperCamelCase};
use regex::Regex;
use serde_saphyr::{Location, Spanned};
use std::collections::{BTreeMap, BTreeSet};

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

/// A character the pattern can match that a DNS label cannot hold (letters, digits, hyphen),
/// if any: found by walking the parsed pattern, so `.`, `\S`, `[^-]` and `(?s:.)` are all
/// caught.
fn outside_dns_label(pattern: &str) -> Option<char> {
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
fn only_digits(pattern: &str) -> bool {
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

/// A `{variable}` of a URL template, with its byte range.
struct Variable {
    name: String,
    start: usize,
    end: usize,
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

    fn identifier(&mut self, name: &Spanned<String>, what: &str) -> bool {
        if !snake_case(&name.value) {
            self.error(
                name.referenced,
                format!("{what} `{}` is not a snake_case name", name.value),
                "use lower-case ASCII letters, digits and single underscores, starting with a letter",
            );
            return false;
        }
        if NOT_RAW.contains(&name.value.as_str()) {
            self.error(
                name.referenced,
                format!("{what} `{}` {NOT_RAW_REASON}", name.value),
                "pick another name",
            );
            return false;
        }
        true
    }

    /// The keys of one mapping as Rust names: each snake_case and usable, none the same as
    /// another after case conversion (snake_case, and UpperCamelCase when `camel` says the name
    /// also becomes a type or variant). `rename` is the key that keeps a wire name (`from`,
    /// `claim`) when the Rust name has to differ from it.
    fn identifiers<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k raw::Str>,
        what: &str,
        camel: bool,
        rename: Option<&str>,
    ) {
        let keys: Vec<&raw::Str> = keys.into_iter().collect();
        // `self` cannot be an identifier: offer `self_field`, `self_claim`...
        let suffix = what.rsplit(' ').next().unwrap_or(what);
        let usable = |snake: String| {
            if NOT_RAW.contains(&snake.as_str()) {
                format!("{snake}_{suffix}")
            } else {
                snake
            }
        };
        let mut snake_seen: BTreeMap<String, &str> = BTreeMap::new();
        let mut camel_seen: BTreeMap<String, &str> = BTreeMap::new();
        for key in &keys {
            let name = key.value.as_str();
            let snake = name.to_snake_case();
            if !snake_case(name) {
                let taken = keys.iter().any(|k| k.value == snake)
                    || snake_seen.get(&snake).is_some_and(|other| *other != name);
                let keep = rename.map_or(String::new(), |r| format!(" and add `{r}: {name}`"));
                if taken {
                    self.error(
                        key.referenced,
                        format!(
                            "{what} `{name}` is `{snake}` after snake_case conversion, a name another {what} already has"
                        ),
                        "give each a distinct snake_case name",
                    );
                } else if snake_case(&snake) {
                    self.error(
                        key.referenced,
                        format!("{what} `{name}` is not a snake_case name"),
                        format!("name it `{}`{keep}", usable(snake.clone())),
                    );
                } else {
                    self.identifier(key, what);
                }
                snake_seen.insert(snake, name);
                continue;
            }
            snake_seen.insert(snake, name);
            if NOT_RAW.contains(&name) {
                let hint = match rename {
                    Some(r) => format!(
                        "name it `{}` and add `{r}: {name}`",
                        usable(name.to_owned())
                    ),
                    None => "pick another name".to_owned(),
                };
                self.error(
                    key.referenced,
                    format!("{what} `{name}` cannot be a Rust identifier, not even a raw one"),
                    hint,
                );
                continue;
            }
            if camel {
                let upper = name.to_upper_camel_case();
                if let Some(other) = camel_seen.insert(upper.clone(), name) {
                    self.error(
                        key.referenced,
                        format!(
                            "{what} `{name}` and `{other}` are both `{upper}` in UpperCamelCase"
                        ),
                        format!("the generated code names a type or variant after each {what}: rename one"),
                    );
                }
            }
        }
    }

    fn provider(&mut self, file: &Loaded) -> Option<model::Provider<'b>> {
        let spec = &file.spec;
        let before = self.diagnostics.len();

        if spec.spec_version.value != 1 {
            self.error(
                spec.spec_version.referenced,
                format!("unsupported spec_version {}", spec.spec_version.value),
                "this tokenspec reads spec_version: 1",
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
        let grants = self.grants(spec, &inputs, body, &credentials);
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
        self.unused_inputs(spec, &inputs, &environments, &credentials, &grants);

        if self.diagnostics.len() > before {
            return None;
        }
        Some(model::Provider {
            spec: model::ProviderSpec {
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
                grants: self.list(&grants),
                scopes,
                response: self.list(&response),
                errors,
                access_lifetime,
                refresh_lifetime: spec.token.refresh_lifetime.as_ref().map(|l| l.value),
                claims: self.list(&claims),
            },
            source: self.text(&format!("specs/{}.yaml", file.source.stem)),
            examples: self.list(&examples),
        })
    }

    /// `docs` becomes a link in the generated documentation and in `PROVIDERS.md`, so it must
    /// be one URL however it is read: https without user info, and none of the characters that
    /// can end a Markdown link or an HTML attribute (`text::check_link_url`).
    fn docs_url(&mut self, url: &Spanned<String>) {
        use crate::text::LinkUrlError;
        let Err(e) = crate::text::check_link_url(&url.value) else {
            return;
        };
        let hint = match e {
            LinkUrlError::Character(_) => {
                "percent-encode it (RFC 3986 §2.1), e.g. `)` as `%29`, space as `%20`"
            }
            LinkUrlError::UserInfo => "give the page's public address, without user:password@",
            LinkUrlError::NotHttps(_) => "tokenspec only links to HTTPS pages",
            LinkUrlError::Invalid(_) | LinkUrlError::NoHost => {
                "write a full https:// URL of the provider's token documentation"
            }
        };
        self.error(url.referenced, format!("docs {e}"), hint);
    }

    fn https_url(&mut self, url: &Spanned<String>, what: &str) -> bool {
        match url::Url::parse(&url.value) {
            Ok(u) if u.scheme() == "https" => true,
            Ok(u) => {
                self.error(
                    url.referenced,
                    format!("{what} uses {}, not https", u.scheme()),
                    "tokenspec only talks HTTPS",
                );
                false
            }
            Err(e) => {
                self.error(
                    url.referenced,
                    format!("{what} is not a URL: {e}"),
                    "write a full https:// URL",
                );
                false
            }
        }
    }

    /// The inputs, and each one's example (documentation only, not part of the spec the
    /// runtime sees), index for index.
    fn inputs(&mut self, spec: &raw::Spec) -> (Vec<model::InputSpec<'b>>, Vec<Option<&'b str>>) {
        // Where each input appears in a URL decides its checks at run time.
        let mut locations: BTreeMap<String, InputLocation> = BTreeMap::new();
        for env in spec.environments.values() {
            for url in std::iter::once(&env.token_url).chain(env.authorize_url.as_ref()) {
                let host_end = host_end(&url.value);
                for var in variables(&url.value) {
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
            let location = locations
                .get(&name.value)
                .copied()
                .unwrap_or(InputLocation::Param);
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

    /// An input's pattern: it compiles, its example and default match it, and for a host
    /// variable it allows nothing but a DNS label's letters, digits and hyphens.
    fn pattern(
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
    fn declared<'i>(
        &self,
        inputs: &'i [model::InputSpec<'i>],
        name: &str,
    ) -> Option<&'i model::InputSpec<'i>> {
        self.input_index.get(name).and_then(|&i| inputs.get(i))
    }

    fn input_ref(
        &mut self,
        name: &Spanned<String>,
        inputs: &[model::InputSpec],
        used_for: &str,
    ) -> bool {
        self.input_ref_in(&name.value, name.referenced, None, inputs, used_for)
    }

    /// Whether input `name` is declared; an error at `at` (narrowed to `needle`) if not.
    fn input_ref_in(
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

    fn url_template(&mut self, url: &Spanned<String>, what: &str, inputs: &[model::InputSpec]) {
        let text = &url.value;
        if text.matches('{').count() != text.matches('}').count() {
            self.error(
                url.referenced,
                format!("{what} has unbalanced braces"),
                "variables are written {input_name}",
            );
            return;
        }
        let host_end = host_end(text);
        let mut filled = String::new();
        let mut last = 0;
        for var in variables(text) {
            filled.push_str(&text[last..var.start]);
            filled.push('x');
            last = var.end;
            let needle = &text[var.start..var.end];
            if !self.input_ref_in(&var.name, url.referenced, Some(needle), inputs, what) {
                continue;
            }
            if var.start >= host_end {
                let before = &text[..var.start];
                let after = &text[var.end..];
                if !before.ends_with('/') || !(after.is_empty() || after.starts_with('/')) {
                    self.error_in(
                        url.referenced,
                        needle,
                        format!(
                            "path variable `{}` in {what} is not a whole path segment",
                            var.name
                        ),
                        "write it as /{name}/ so a value can never add or change segments",
                    );
                }
            }
        }
        filled.push_str(&text[last..]);
        let parsed = Spanned::new(filled, url.referenced, url.defined);
        if self.https_url(&parsed, what)
            && let Ok(u) = url::Url::parse(&parsed.value)
        {
            if u.query().is_some() || u.fragment().is_some() {
                self.error(
                    url.referenced,
                    format!("{what} has a query or fragment"),
                    "put fixed parameters under the grant's params",
                );
            }
            if !u.username().is_empty() || u.password().is_some() {
                self.user_info(url, what);
            }
        }
        self.dot_segments(url, what);
    }

    /// A URL with user info (`https://user:password@host/`, RFC 3986 §3.2.1, deprecated there
    /// for passwords): the runtime would not send it as credentials, yet `describe` and
    /// `--dry-run` would print it. Refused without ever showing it: neither the message nor
    /// the source line (redacted) holds it.
    fn user_info(&mut self, url: &Spanned<String>, what: &str) {
        let text = &url.value;
        let authority_start = text.find("://").map_or(0, |i| i + 3);
        let authority = &text[authority_start..host_end(text)];
        let Some(at) = authority.rfind('@') else {
            return;
        };
        let user_info = &authority[..at];
        let mut d = Diagnostic::at(
            self.file,
            url.referenced,
            format!("{what} has user info (`…@`) before its host"),
            "credentials go under `credentials`, never in a URL (RFC 3986 §3.2.1): remove `user:password@`",
        );
        if let Some((line, column)) = self.locate(url.referenced, text, authority_start) {
            d = d
                .span(line, column, user_info.len() + 1)
                .redact(line, column, user_info.len());
        } else {
            // The value is not where its text is in the file (an escape in a quoted value):
            // show no source line at all rather than a password.
            d = Diagnostic::whole_file(self.file, d.message, d.hint).kind(d.kind);
        }
        self.diagnostics.push(d);
    }

    /// 1-based line and character column of byte `offset` of the file.
    fn line_column(&self, offset: usize) -> (u64, u64) {
        self.lines
            .get_or_init(|| crate::diagnostic::LineIndex::new(self.text))
            .line_column(offset)
    }

    /// Line and column of byte `offset` of `value` in the file, when the value appears there
    /// verbatim at the located place.
    fn locate(&self, at: Location, value: &str, offset: usize) -> Option<(u64, u64)> {
        let span = at.span();
        let start = usize::try_from(span.byte_offset()?).ok()?;
        let len = usize::try_from(span.byte_len()?).ok()?;
        let located = self.text.get(start..start.checked_add(len)?)?;
        let i = located.find(value)?;
        Some(self.line_column(start + i + offset))
    }

    /// Dot segments in a URL's path (`/..`, `/./`, also percent-encoded, `/%2e%2e`): the URL
    /// parser removes them (RFC 3986 §5.2.4), so `/{tenant}/..` silently drops the variable and
    /// the request goes elsewhere than the spec reads.
    fn dot_segments(&mut self, url: &Spanned<String>, what: &str) {
        let text = &url.value;
        let path_start = host_end(text);
        let path_end = text[path_start..]
            .find(['?', '#'])
            .map_or(text.len(), |i| path_start + i);
        let path = &text[path_start..path_end];
        let segments: Vec<&str> = path.split('/').collect();
        for (i, segment) in segments.iter().enumerate().skip(1) {
            let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
            if decoded != "." && decoded != ".." {
                continue;
            }
            let needle = if i + 1 < segments.len() {
                format!("/{segment}/")
            } else {
                format!("/{segment}")
            };
            self.error_in(
                url.referenced,
                &needle,
                format!("{what} has a dot segment `{segment}` in its path"),
                "the URL parser removes `.` and `..` segments with what they refer to (RFC 3986 §5.2.4): write the path as it is meant",
            );
        }
    }

    /// Example and default values of host variables that would make a URL's host an IP
    /// address: the URL parser reads a host whose last label is a number (`2852039166`,
    /// `0x7f000001`) as IPv4 (WHATWG URL Standard, IPv4 parser), and host variables are there
    /// to pick a DNS name. The runtime refuses such values too; this finds them in the spec.
    fn host_variable_values(&mut self, spec: &raw::Spec) {
        let mut reported: BTreeSet<(String, &str)> = BTreeSet::new();
        for (env_name, env) in &spec.environments {
            let urls = std::iter::once(("token_url", &env.token_url))
                .chain(env.authorize_url.as_ref().map(|a| ("authorize_url", a)));
            for (which, url) in urls {
                let text = &url.value;
                let host_end = host_end(text);
                let vars = variables(text);
                for var in vars.iter().filter(|v| v.start < host_end) {
                    let Some((_, input)) = spec.inputs.iter().find(|(k, _)| k.value == var.name)
                    else {
                        continue;
                    };
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
                            "host variables must make a DNS name, never an IP address: give a host name's label",
                        );
                    }
                }
            }
        }
    }

    /// A header credential's `prefix` goes in front of the secret in the header value: it may
    /// hold only what a field value can (RFC 9110 §5.5: visible ASCII, spaces and tabs; no CR
    /// or LF, which would end the header). Refused here rather than at run time, where it
    /// would seem the input's fault.
    fn header_prefix(&mut self, prefix: &raw::Str) {
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

    fn environments(
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
            self.url_template(
                &env.token_url,
                &format!("token_url of `{}`", name.value),
                inputs,
            );
            match (&env.authorize_url, has_code) {
                (Some(a), true) => {
                    self.url_template(a, &format!("authorize_url of `{}`", name.value), inputs)
                }
                (Some(a), false) => self.error(
                    a.referenced,
                    "authorize_url without an authorization_code grant",
                    "remove it, or add the grant",
                ),
                (None, true) => self.error(
                    name.referenced,
                    format!("environment `{}` has no authorize_url", name.value),
                    "the authorization_code grant sends users there; add it",
                ),
                (None, false) => {}
            }
            out.push(model::EnvironmentSpec {
                name: self.text(&name.value),
                token_url: self.text(&env.token_url.value),
                authorize_url: env.authorize_url.as_ref().map(|a| self.text(&a.value)),
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

    fn credentials(
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

    fn grants(
        &mut self,
        spec: &raw::Spec,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
        credentials: &model::CredentialsSpec,
    ) -> Vec<model::GrantSpec<'b>> {
        let mut out = Vec::new();
        if spec.grants.is_empty() {
            self.error(spec.name.referenced, "no grants", "declare at least one: none, client_credentials, authorization_code or refresh_token");
        }
        for (name, grant) in &spec.grants {
            let Some(kind) = GrantKind::from_name(&name.value) else {
                let hint = suggestion(
                    &name.value,
                    GrantKind::ALL.iter().map(|g| g.name()),
                    "use none, client_credentials, authorization_code or refresh_token".into(),
                );
                self.error(
                    name.referenced,
                    format!("unknown grant `{}`", name.value),
                    hint,
                );
                continue;
            };
            if kind == GrantKind::None && spec.grants.len() > 1 {
                self.error(
                    name.referenced,
                    "grant `none` (a key exchange) cannot be combined with OAuth grants",
                    "describe the key exchange alone",
                );
            }
            if kind != GrantKind::None
                && body == model::BodyFormat::None
                && let Some(b) = &spec.request.body
            {
                self.error(
                    b.referenced,
                    format!(
                        "grant `{}` sends grant_type in the body, but request.body is none",
                        name.value
                    ),
                    "OAuth grants send a body: set request.body to form (or json)",
                );
            }
            if kind != GrantKind::None && credentials.accepted.is_empty() {
                self.error(
                    name.referenced,
                    format!("grant `{}` but no credentials", name.value),
                    "declare how the client authenticates under credentials",
                );
            }
            let params = self.params(&grant.params, inputs, body, "parameter");
            let authorize_params = self.params(
                &grant.authorize_params,
                inputs,
                model::BodyFormat::None,
                "authorize parameter",
            );
            if kind != GrantKind::AuthorizationCode {
                if let Some((k, _)) = grant.authorize_params.first() {
                    self.error(
                        k.referenced,
                        "authorize_params outside the authorization_code grant",
                        "move them to authorization_code",
                    );
                }
                if let Some(p) = &grant.pkce {
                    self.error(
                        p.referenced,
                        "pkce outside the authorization_code grant",
                        "remove it",
                    );
                }
            }
            let pkce = match grant.pkce.as_ref().map(|p| p.value) {
                None | Some(raw::Pkce::None) => model::Pkce::None,
                Some(raw::Pkce::Optional) => model::Pkce::Optional,
                Some(raw::Pkce::Required) => model::Pkce::Required,
            };
            if pkce != model::Pkce::None
                && let Some(p) = &grant.pkce
            {
                if self.declared(inputs, "code_verifier").is_none() {
                    self.error(
                        p.referenced,
                        "PKCE needs a `code_verifier` input",
                        "declare code_verifier (per_request) and send it as a parameter",
                    );
                } else if !params.iter().any(|q| {
                    q.name == "code_verifier"
                        && q.source == model::ParamSource::Input("code_verifier")
                }) {
                    self.error(
                        p.referenced,
                        "PKCE, but the code exchange does not send `code_verifier`",
                        "add `code_verifier: {input: code_verifier}` under params (RFC 7636 section 4.5)",
                    );
                }
            }
            if kind == GrantKind::AuthorizationCode {
                for wanted in ["code", "redirect_uri"] {
                    let sent = params.iter().any(|p| p.name == wanted);
                    if !sent {
                        self.error(name.referenced, format!("the authorization_code grant does not send `{wanted}`"), format!("add `{wanted}: {{input: {wanted}}}` under params (RFC 6749 section 4.1.3)"));
                    }
                }
            }
            if kind == GrantKind::AuthorizationCode {
                for wanted in ["client_id", "redirect_uri"] {
                    if !authorize_params.iter().any(|p| p.name == wanted) {
                        self.error(
                            name.referenced,
                            format!("the authorize URL of the authorization_code grant does not send `{wanted}`"),
                            format!("add `{wanted}: {{input: {wanted}}}` under authorize_params (RFC 6749 section 4.1.1)"),
                        );
                    }
                }
            }
            if kind == GrantKind::RefreshToken
                && !spec
                    .response
                    .fields
                    .keys()
                    .any(|k| k.value == "refresh_token")
            {
                self.error(
                    name.referenced,
                    "a refresh_token grant, but the response has no `refresh_token` field",
                    "add `refresh_token: {type: secret}` under response.fields, or remove the grant",
                );
            }
            for (pname, _) in &grant.params {
                for placement in credentials.accepted {
                    if let model::Placement::Body(pairs) | model::Placement::Query(pairs) =
                        placement
                        && pairs.iter().any(|(wire, _)| *wire == pname.value)
                    {
                        self.error(
                            pname.referenced,
                            format!(
                                "parameter `{}` is also sent by the {} credentials",
                                pname.value,
                                placement.kind()
                            ),
                            "a parameter is sent once: remove it here or from credentials",
                        );
                    }
                }
            }
            if kind == GrantKind::RefreshToken && !params.iter().any(|p| p.name == "refresh_token")
            {
                self.error(
                    name.referenced,
                    "the refresh_token grant does not send `refresh_token`",
                    "add `refresh_token: {input: refresh_token}` under params",
                );
            }
            out.push(model::GrantSpec {
                kind,
                description: grant
                    .description
                    .as_ref()
                    .map_or("", |d| self.trimmed(&d.value)),
                params: self.list(&params),
                authorize_params: self.list(&authorize_params),
                pkce,
            });
        }
        out
    }

    fn params(
        &mut self,
        params: &raw::Map<raw::Param>,
        inputs: &[model::InputSpec],
        body: model::BodyFormat,
        what: &str,
    ) -> Vec<model::ParamSpec<'b>> {
        let mut out = Vec::new();
        for (name, param) in params {
            if [
                "grant_type",
                "response_type",
                "code_challenge",
                "code_challenge_method",
            ]
            .contains(&name.value.as_str())
            {
                self.error(
                    name.referenced,
                    format!("`{}` is sent by tokenspec itself", name.value),
                    "remove it; the grant decides its value",
                );
                continue;
            }
            let source = match (&param.value, &param.input) {
                (Some(v), None) => model::ParamSource::Fixed(self.text(&v.value)),
                (None, Some(i)) => {
                    self.input_ref(i, inputs, &format!("{what} `{}`", name.value));
                    model::ParamSource::Input(self.text(&i.value))
                }
                _ => {
                    self.error(
                        name.referenced,
                        format!(
                            "{what} `{}` needs exactly one of `value` and `input`",
                            name.value
                        ),
                        "`value: WebAPI` for a fixed value, `input: scope` for the caller's",
                    );
                    continue;
                }
            };
            let location = match param.location.as_ref().map(|l| l.value) {
                Some(raw::ParamLocation::Query) => model::ParamLocation::Query,
                Some(raw::ParamLocation::Body) | None => model::ParamLocation::Body,
            };
            if let (model::ParamSource::Input(i), Some(input_name)) = (&source, &param.input)
                && self.declared(inputs, i).is_some_and(|x| x.secret)
            {
                if what == "authorize parameter" {
                    self.error(
                        input_name.referenced,
                        format!(
                            "authorize parameter `{}` sends secret input `{i}` through the user's browser",
                            name.value
                        ),
                        "the authorize URL is public: send secrets only to the token endpoint",
                    );
                } else if location == model::ParamLocation::Query
                    && body != model::BodyFormat::None
                    && let Some(l) = &param.location
                {
                    self.error(
                        l.referenced,
                        format!(
                            "secret input `{i}` is sent in the query string, but the request has a body"
                        ),
                        "URLs end up in logs: remove `in: query` so it goes in the body",
                    );
                }
            }
            if location == model::ParamLocation::Body
                && body == model::BodyFormat::None
                && what == "parameter"
            {
                self.error(
                    name.referenced,
                    format!(
                        "parameter `{}` goes in the body, but request.body is none",
                        name.value
                    ),
                    "set request.body to form or json, or put the parameter `in: query`",
                );
            }
            out.push(model::ParamSpec {
                name: self.text(&name.value),
                source,
                location,
            });
        }
        out
    }

    fn default_json(
        &mut self,
        field: &str,
        ty: model::FieldType,
        default: &Spanned<raw::Scalar>,
    ) -> Option<String> {
        use model::FieldType as T;
        let json = match (&default.value, ty) {
            (raw::Scalar::Str(s), T::String | T::TokenType | T::Id) => {
                serde_json::Value::String(s.clone())
            }
            (raw::Scalar::Str(s), T::Scopes | T::Strings) => serde_json::Value::Array(
                s.split_whitespace()
                    .map(|s| serde_json::Value::String(s.into()))
                    .collect(),
            ),
            (raw::Scalar::Int(n), T::Seconds) if *n >= 0 => serde_json::Value::from(*n),
            (raw::Scalar::Int(n), T::Timestamp | T::Integer) => serde_json::Value::from(*n),
            (raw::Scalar::Int(n), T::Number) => serde_json::Value::from(*n as f64),
            (raw::Scalar::Float(f), T::Number) => serde_json::Value::from(*f),
            (raw::Scalar::Bool(b), T::Boolean) => serde_json::Value::Bool(*b),
            (v, T::Json) => match v {
                raw::Scalar::Bool(b) => serde_json::Value::Bool(*b),
                raw::Scalar::Int(n) => serde_json::Value::from(*n),
                raw::Scalar::Float(f) => serde_json::Value::from(*f),
                raw::Scalar::Str(s) => serde_json::Value::String(s.clone()),
            },
            (_, T::Secret) => {
                self.error(
                    default.referenced,
                    format!("secret field `{field}` has a default"),
                    "secrets come from the provider, never from the spec",
                );
                return None;
            }
            (v, ty) => {
                let shown = match v {
                    raw::Scalar::Bool(b) => b.to_string(),
                    raw::Scalar::Int(n) => n.to_string(),
                    raw::Scalar::Float(f) => f.to_string(),
                    raw::Scalar::Str(s) => s.clone(),
                };
                self.error(
                    default.referenced,
                    format!(
                        "default `{shown}` of `{field}` does not fit its type `{}`",
                        ty.name()
                    ),
                    "give a value of the field's type",
                );
                return None;
            }
        };
        Some(json.to_string())
    }

    fn fields(
        &mut self,
        fields: &raw::Map<raw::Field>,
        what: &str,
        access_lifetime: Option<u64>,
    ) -> Vec<model::FieldSpec<'b>> {
        self.identifiers(fields.keys(), what, false, Some("from"));
        let mut out = Vec::new();
        for (name, field) in fields {
            let wire: Vec<&str> = match &field.from {
                Some(from) => {
                    let parts: Vec<&str> = from.value.split('.').map(|p| self.text(p)).collect();
                    if parts.iter().any(|p| p.is_empty()) {
                        self.error(
                            from.referenced,
                            format!("`from` of `{}` has an empty segment", name.value),
                            "write the wire name, or a dotted path like data.token",
                        );
                    }
                    parts
                }
                None => vec![self.text(&name.value)],
            };
            let ty = field_type(field.ty.value);
            let mut default = field
                .default
                .as_ref()
                .and_then(|d| self.default_json(&name.value, ty, d));
            if default.is_none() && ty == model::FieldType::Seconds && name.value == "expires_in" {
                default = access_lifetime.map(|l| l.to_string());
            }
            out.push(model::FieldSpec {
                name: self.text(&name.value),
                wire: self.list(&wire),
                ty,
                required: field.required.as_ref().is_some_and(|r| r.value),
                default: default.map(|d| self.text(&d)),
                description: field
                    .description
                    .as_ref()
                    .map_or("", |d| self.trimmed(&d.value)),
            });
        }
        self.same_wire(fields.keys(), &out, what);
        out
    }

    /// Two fields read from the same place on the wire.
    fn same_wire<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k raw::Str>,
        fields: &[model::FieldSpec],
        what: &str,
    ) {
        let mut seen: BTreeMap<&[&str], &str> = BTreeMap::new();
        for (key, field) in keys.into_iter().zip(fields) {
            if let Some(other) = seen.insert(field.wire, field.name) {
                self.error(
                    key.referenced,
                    format!(
                        "{what} `{}` reads `{}`, as `{other}` does",
                        field.name,
                        field.wire.join(".")
                    ),
                    "each wire name belongs to one field: remove one",
                );
            }
        }
    }

    fn response(
        &mut self,
        spec: &raw::Spec,
        access_lifetime: Option<u64>,
    ) -> Vec<model::FieldSpec<'b>> {
        let fields = self.fields(&spec.response.fields, "response field", access_lifetime);
        match spec
            .response
            .fields
            .iter()
            .find(|(k, _)| k.value == "access_token")
        {
            None => {
                let at = spec
                    .response
                    .fields
                    .keys()
                    .next()
                    .map(|k| k.referenced)
                    .unwrap_or(spec.name.referenced);
                self.error(
                    at,
                    "the response has no `access_token` field",
                    "add access_token: {type: secret, required: true}",
                );
            }
            Some((k, f)) => {
                if f.ty.value != raw::FieldType::Secret {
                    self.error(
                        f.ty.referenced,
                        "`access_token` must be of type secret",
                        "tokens are never printed: use type: secret",
                    );
                }
                if !f.required.as_ref().is_some_and(|r| r.value) {
                    self.error(
                        k.referenced,
                        "`access_token` must be required",
                        "add required: true",
                    );
                }
            }
        }
        for (k, f) in &spec.response.fields {
            if ["refresh_token", "id_token"].contains(&k.value.as_str())
                && f.ty.value != raw::FieldType::Secret
            {
                self.error(
                    f.ty.referenced,
                    format!("`{}` must be of type secret", k.value),
                    "tokens are never printed: use type: secret",
                );
            }
        }
        fields
    }

    fn claims(&mut self, spec: &raw::Spec) -> Vec<model::FieldSpec<'b>> {
        self.identifiers(spec.token.claims.keys(), "claim", false, Some("claim"));
        let mut out = Vec::new();
        for (name, claim) in &spec.token.claims {
            if claim.ty.value == raw::FieldType::Secret
                || claim.ty.value == raw::FieldType::TokenType
            {
                self.error(
                    claim.ty.referenced,
                    format!(
                        "claim `{}` cannot be of type `{}`",
                        name.value,
                        field_type(claim.ty.value).name()
                    ),
                    "claims are strings, ids, numbers, timestamps or lists",
                );
            }
            let wire = claim.claim.as_ref().unwrap_or(name);
            out.push(model::FieldSpec {
                name: self.text(&name.value),
                wire: self.list(&[self.text(&wire.value)]),
                ty: field_type(claim.ty.value),
                required: claim.required.as_ref().is_some_and(|r| r.value),
                default: None,
                description: claim
                    .description
                    .as_ref()
                    .map_or("", |d| self.trimmed(&d.value)),
            });
        }
        self.same_wire(spec.token.claims.keys(), &out, "claim");
        out
    }

    fn unused_inputs(
        &mut self,
        spec: &raw::Spec,
        inputs: &[model::InputSpec],
        environments: &[model::EnvironmentSpec],
        credentials: &model::CredentialsSpec,
        grants: &[model::GrantSpec],
    ) {
        let mut used: BTreeSet<String> = BTreeSet::new();
        for env in environments {
            for url in std::iter::once(&env.token_url).chain(env.authorize_url.as_ref()) {
                used.extend(variables(url).into_iter().map(|v| v.name));
            }
        }
        for p in credentials.accepted {
            used.extend(p.inputs().into_iter().map(str::to_owned));
        }
        for g in grants {
            for p in g.params.iter().chain(g.authorize_params) {
                if let model::ParamSource::Input(i) = p.source {
                    used.insert(i.to_owned());
                }
            }
            if g.pkce != model::Pkce::None {
                used.insert("code_verifier".into());
            }
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

fn field_type(t: raw::FieldType) -> model::FieldType {
    use model::FieldType as M;
    match t {
        raw::FieldType::String => M::String,
        raw::FieldType::Secret => M::Secret,
        raw::FieldType::TokenType => M::TokenType,
        raw::FieldType::Seconds => M::Seconds,
        raw::FieldType::Timestamp => M::Timestamp,
        raw::FieldType::Scopes => M::Scopes,
        raw::FieldType::Strings => M::Strings,
        raw::FieldType::Id => M::Id,
        raw::FieldType::Integer => M::Integer,
        raw::FieldType::Number => M::Number,
        raw::FieldType::Boolean => M::Boolean,
        raw::FieldType::Json => M::Json,
    }
}

/// Byte offset where a URL's host ends (the first `/` after `://`).
fn host_end(url: &str) -> usize {
    let start = url.find("://").map_or(0, |i| i + 3);
    url[start..].find('/').map_or(url.len(), |i| start + i)
}

fn variables(url: &str) -> Vec<Variable> {
    let mut out = Vec::new();
    let mut offset = 0;
    while let Some(open) = url[offset..].find('{') {
        let start = offset + open;
        let Some(close) = url[start..].find('}') else {
            break;
        };
        let end = start + close + 1;
        out.push(Variable {
            name: url[start + 1..end - 1].to_owned(),
            start,
            end,
        });
        offset = end;
    }
    out
}
