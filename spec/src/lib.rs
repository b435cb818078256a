//! The one description of a provider's token endpoint.
//!
//! The generator (`tokenspec`) checks a YAML spec and lowers it into these types; the runtime
//! (`tokenspec-runtime`) is driven by them. Both sides use the same definitions, so a spec
//! concept is described once and the generator's view of a provider cannot drift from what
//! the runtime will see.
//!
//! This crate has no dependencies and no behaviour beyond small, pure lookups.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

/// Where an input appears in the token URL, if anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputLocation {
    /// Inside the host name: must be a DNS label.
    Host,
    /// A path segment: percent-encoded, may not add segments.
    Path,
    /// A header, credential or parameter.
    Param,
}

/// How HTTP Basic credentials are encoded before `user:password` is base64ed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum BasicEncoding {
    /// RFC 6749 section 2.3.1: client ID and secret are each
    /// `application/x-www-form-urlencoded` first, so a `:` in the client ID becomes `%3A` and
    /// a server that decodes them (as RFC 6749 servers do) gets the exact bytes. The default.
    #[default]
    Form,
    /// RFC 7617 as `curl -u` sends it: the values as they are. A `:` in the user name cannot
    /// be sent (RFC 7617 section 2) and is refused.
    Raw,
}

/// Encoding of the request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyFormat {
    /// No body at all.
    None,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `application/json`.
    Json,
}

/// OAuth 2.0 grant, or none for a plain key exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum GrantKind {
    /// A key exchange with no `grant_type`.
    None,
    /// RFC 6749 section 4.4.
    ClientCredentials,
    /// RFC 6749 section 4.1.
    AuthorizationCode,
    /// RFC 6749 section 6.
    RefreshToken,
}

impl GrantKind {
    /// Every grant kind, in the order specs and generated code list them.
    pub const ALL: [GrantKind; 4] = [
        GrantKind::None,
        GrantKind::ClientCredentials,
        GrantKind::AuthorizationCode,
        GrantKind::RefreshToken,
    ];

    /// Name as written in specs and on the command line; also the `grant_type` value sent
    /// (RFC 6749 sections 4.1.3, 4.4.2 and 6).
    pub const fn name(self) -> &'static str {
        match self {
            GrantKind::None => "none",
            GrantKind::ClientCredentials => "client_credentials",
            GrantKind::AuthorizationCode => "authorization_code",
            GrantKind::RefreshToken => "refresh_token",
        }
    }

    /// The grant kind called `name`, the inverse of [`GrantKind::name`].
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }

    /// The `grant_type` value sent, if any: a plain key exchange sends none.
    pub const fn grant_type(self) -> Option<&'static str> {
        match self {
            GrantKind::None => None,
            other => Some(other.name()),
        }
    }
}

/// Whether the authorization-code grant uses PKCE (RFC 7636).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pkce {
    /// Not supported.
    None,
    /// Used when the caller supplies a `code_verifier`.
    Optional,
    /// A `code_verifier` must be supplied.
    Required,
}

/// Body or query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// The request body.
    Body,
    /// The query string.
    Query,
}

/// Type of a response field or claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Text.
    String,
    /// Text that is never printed (tokens).
    Secret,
    /// `token_type`, compared case-insensitively.
    TokenType,
    /// Whole seconds, as a number or a numeric string.
    Seconds,
    /// Seconds since the Unix epoch.
    Timestamp,
    /// A scope list: a delimited string or an array of strings.
    Scopes,
    /// An array of strings.
    Strings,
    /// An identifier sent as a string or a number, kept as text.
    Id,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Json,
}

impl FieldType {
    /// The type as a spec spells it (`token_type`, `seconds`, ...).
    pub const fn name(self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Secret => "secret",
            FieldType::TokenType => "token_type",
            FieldType::Seconds => "seconds",
            FieldType::Timestamp => "timestamp",
            FieldType::Scopes => "scopes",
            FieldType::Strings => "strings",
            FieldType::Id => "id",
            FieldType::Integer => "integer",
            FieldType::Number => "number",
            FieldType::Boolean => "boolean",
            FieldType::Json => "json",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grant_kind_names_round_trip() {
        for kind in GrantKind::ALL {
            assert_eq!(GrantKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(GrantKind::from_name("password"), None);
        assert_eq!(GrantKind::from_name("Client_Credentials"), None);
        assert_eq!(GrantKind::from_name(""), None);
    }

    #[test]
    fn grant_kind_all_lists_each_kind_once_in_order() {
        let mut sorted = GrantKind::ALL;
        sorted.sort();
        assert_eq!(sorted, GrantKind::ALL);
        assert!(GrantKind::ALL.windows(2).all(|w| w[0] != w[1]));
    }

    #[test]
    fn only_a_plain_key_exchange_sends_no_grant_type() {
        // RFC 6749 sections 4.1.3, 4.4.2 and 6: grant_type is the grant's own name.
        assert_eq!(GrantKind::None.grant_type(), None);
        assert_eq!(
            GrantKind::ClientCredentials.grant_type(),
            Some("client_credentials")
        );
        assert_eq!(
            GrantKind::AuthorizationCode.grant_type(),
            Some("authorization_code")
        );
        assert_eq!(GrantKind::RefreshToken.grant_type(), Some("refresh_token"));
    }

    #[test]
    fn field_type_names_are_the_spec_spellings() {
        use FieldType::*;
        let all = [
            String, Secret, TokenType, Seconds, Timestamp, Scopes, Strings, Id, Integer, Number,
            Boolean, Json,
        ];
        let names: Vec<&str> = all.iter().map(|t| t.name()).collect();
        assert_eq!(
            names,
            [
                "string",
                "secret",
                "token_type",
                "seconds",
                "timestamp",
                "scopes",
                "strings",
                "id",
                "integer",
                "number",
                "boolean",
                "json"
            ]
        );
    }
}
