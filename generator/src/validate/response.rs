//! The token response: its fields, error format and the claims of the token; field types
//! lowered to the model's.

use super::Checker;
use crate::load::raw;
use crate::model;
use std::collections::BTreeMap;

impl<'b> Checker<'_, 'b> {
    pub(super) fn fields(
        &mut self,
        fields: &raw::Map<raw::Field>,
        what: &str,
        access_lifetime: Option<u64>,
    ) -> Vec<model::FieldSpec<'b>> {
        self.identifiers(fields.keys(), what, false, Some("from"));
        let mut out = Vec::new();
        for (name, field) in fields {
            let wire: Vec<&str> = match &field.from {
                // Read from a response header (spec format 1.1): no body path; see
                // `field_sources` for its checks.
                _ if field.header.is_some() => Vec::new(),
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
                header: field.header.as_ref().map(|h| self.text(&h.value)),
            });
        }
        self.same_wire(fields.keys(), &out, what);
        out
    }

    /// Two fields read from the same place on the wire.
    pub(super) fn same_wire<'k>(
        &mut self,
        keys: impl IntoIterator<Item = &'k raw::Str>,
        fields: &[model::FieldSpec],
        what: &str,
    ) {
        let mut seen: BTreeMap<&[&str], &str> = BTreeMap::new();
        for (key, field) in keys.into_iter().zip(fields) {
            // Header fields have no body path; `field_sources` compares their names.
            if field.header.is_some() {
                continue;
            }
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

    pub(super) fn response(
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

    /// Where `fields` are read from, against the answers' format (spec format 1.1): a header
    /// field (response fields only) has a valid header name (an RFC 9110 section 5.6.2 token),
    /// no `from`, a type a header's text can hold, and a header no other field reads; in a
    /// form-encoded answer (`application/x-www-form-urlencoded`, flat pairs of text) no field
    /// is nested or of type `json`.
    pub(super) fn field_sources<'k>(
        &mut self,
        fields: &'k raw::Map<raw::Field>,
        what: &str,
        format: raw::ResponseFormat,
    ) {
        let mut headers: BTreeMap<String, &'k str> = BTreeMap::new();
        for (name, field) in fields {
            if let Some(header) = &field.header {
                self.header_field(name, field, header, what, &mut headers);
                continue;
            }
            if format == raw::ResponseFormat::Json {
                continue;
            }
            let answers = match format {
                raw::ResponseFormat::Form => "a form-encoded answer (`response.format: form`)",
                _ => "a form-encoded answer (which `response.format: json_or_form` allows)",
            };
            if let Some(from) = field.from.as_ref().filter(|f| f.value.contains('.')) {
                self.error(
                    from.referenced,
                    format!(
                        "{what} `{}` is nested (`{}`), but {answers} is flat",
                        name.value, from.value
                    ),
                    "a form-encoded body is one level of name=value pairs: write the pair's \
                     name in `from`, or use `response.format: json`",
                );
            }
            if field.ty.value == raw::FieldType::Json {
                self.error(
                    field.ty.referenced,
                    format!(
                        "{what} `{}` is of type `json`, but {answers} holds text values only",
                        name.value
                    ),
                    "declare the type the text holds (string, id, integer, number, boolean, \
                     seconds, scopes...), or use `response.format: json`",
                );
            }
        }
    }

    fn header_field<'k>(
        &mut self,
        name: &'k raw::Str,
        field: &raw::Field,
        header: &'k raw::Str,
        what: &str,
        seen: &mut BTreeMap<String, &'k str>,
    ) {
        if what != "response field" {
            self.error(
                header.referenced,
                format!("{what} `{}` is read from a header", name.value),
                "only token response fields can come from a response header: remove `header`",
            );
            return;
        }
        // RFC 9110 section 5.6.2: a field name is a token.
        let token = !header.value.is_empty()
            && header
                .value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+.^_`|~-".contains(&b));
        if !token {
            self.error(
                header.referenced,
                format!("`{}` is not an HTTP header name", header.value),
                "letters, digits and - only, e.g. X-Subject-Token",
            );
        }
        if let Some(from) = &field.from {
            self.error(
                from.referenced,
                format!("{what} `{}` has both `from` and `header`", name.value),
                "a field is read from the body (`from`) or from a header (`header`): remove one",
            );
        }
        if field.ty.value == raw::FieldType::Json {
            self.error(
                field.ty.referenced,
                format!(
                    "{what} `{}` is read from a header but is of type `json`",
                    name.value
                ),
                "a header value is text: declare the type it holds (secret, string, id, \
                 integer, seconds...)",
            );
        }
        // Header names are case-insensitive (RFC 9110 section 5.1).
        if let Some(other) = seen.insert(header.value.to_ascii_lowercase(), &name.value) {
            self.error(
                header.referenced,
                format!(
                    "{what} `{}` reads header `{}`, as `{other}` does",
                    name.value, header.value
                ),
                "each header belongs to one field: remove one",
            );
        }
    }

    /// What sets the access token's lifetime (spec format 1.1 `response.expiry`): `never`, or
    /// a response field of a time type. Without the key, spec format 1's rule: `expires_in`,
    /// else `token.access_lifetime`.
    pub(super) fn expiry(
        &mut self,
        spec: &raw::Spec,
        response: &[model::FieldSpec<'b>],
    ) -> model::Expiry<'b> {
        let Some(expiry) = &spec.response.expiry else {
            return model::Expiry::Default;
        };
        if expiry.value == "never" {
            if let Some(l) = &spec.token.access_lifetime {
                self.error(
                    l.referenced,
                    "`access_lifetime` is set, but `response.expiry: never` says tokens never \
                     expire",
                    "remove one of them",
                );
            }
            return model::Expiry::Never;
        }
        let Some(field) = response.iter().find(|f| f.name == expiry.value) else {
            let times = response.iter().filter(|f| f.ty.is_time()).map(|f| f.name);
            let fallback = if response.iter().any(|f| f.ty.is_time()) {
                format!(
                    "name one of the response's time fields ({}), or write `never`",
                    response
                        .iter()
                        .filter(|f| f.ty.is_time())
                        .map(|f| format!("`{}`", f.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                "declare the response field that holds the lifetime (type seconds, \
                 milliseconds, epoch_seconds, epoch_milliseconds or datetime), or write `never`"
                    .to_owned()
            };
            let hint = super::suggestion(&expiry.value, times, fallback);
            self.error(
                expiry.referenced,
                format!(
                    "`response.expiry` names `{}`, which is no response field",
                    expiry.value
                ),
                hint,
            );
            return model::Expiry::Default;
        };
        if !field.ty.is_time() {
            self.error(
                expiry.referenced,
                format!(
                    "`response.expiry` names `{}`, a field of type `{}`, which holds no time",
                    field.name,
                    field.ty.name()
                ),
                format!(
                    "declare `{}` with the type its value has: seconds or milliseconds (a \
                     lifetime), epoch_seconds, epoch_milliseconds or datetime (an instant)",
                    field.name
                ),
            );
            return model::Expiry::Default;
        }
        model::Expiry::Field(field.name)
    }

    pub(super) fn claims(&mut self, spec: &raw::Spec) -> Vec<model::FieldSpec<'b>> {
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
                header: None,
            });
        }
        self.same_wire(spec.token.claims.keys(), &out, "claim");
        out
    }
}

pub(super) fn field_type(t: raw::FieldType) -> model::FieldType {
    use model::FieldType as M;
    match t {
        raw::FieldType::String => M::String,
        raw::FieldType::Secret => M::Secret,
        raw::FieldType::TokenType => M::TokenType,
        raw::FieldType::Seconds => M::Seconds,
        raw::FieldType::Timestamp => M::Timestamp,
        raw::FieldType::Milliseconds => M::Milliseconds,
        raw::FieldType::EpochSeconds => M::EpochSeconds,
        raw::FieldType::EpochMilliseconds => M::EpochMilliseconds,
        raw::FieldType::Datetime => M::Datetime,
        raw::FieldType::Scopes => M::Scopes,
        raw::FieldType::Strings => M::Strings,
        raw::FieldType::Id => M::Id,
        raw::FieldType::Integer => M::Integer,
        raw::FieldType::Number => M::Number,
        raw::FieldType::Boolean => M::Boolean,
        raw::FieldType::Json => M::Json,
    }
}
