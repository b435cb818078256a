//! Names shared by checking and emitting: Rust keywords, the identifiers a provider name must
//! not take, and the command every generated header names. A leaf: both `validate` (which
//! refuses a name) and `emit` (which spells it) use these, so neither depends on the other.

/// The command that regenerates `generated/`, named in every header.
pub const REGENERATE: &str = "cargo run -p tokenspec -- generate";

/// Names that cannot be a module or field identifier even as raw identifiers.
pub(crate) const NOT_RAW: &[&str] = &["self", "super", "crate", "Self", "_"];

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try",
];

/// Whether `name` is a Rust keyword (emitted as a raw identifier).
pub fn is_keyword(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// Why `name` cannot be a provider name (a module, a cargo feature, a file name), if it
/// cannot. Keywords can: the module is a raw identifier (`pub mod r#box;` in `box.rs`). Used by
/// `validate` and `tokenspec new`, so both give the same reason.
pub fn check_provider_name(name: &str) -> Result<(), String> {
    if !snake_case(name) {
        Err(
            "use lower-case ASCII letters, digits and single underscores, starting with a letter"
                .into(),
        )
    } else if NOT_RAW.contains(&name) {
        Err(format!("it {NOT_RAW_REASON}"))
    } else if let Some(reason) = provider_name_clash(name) {
        Err(format!("it {reason}"))
    } else {
        Ok(())
    }
}

/// Device names Windows reserves whatever the extension (`aux.rs` is the device `AUX`): a
/// provider of such a name gets a file `src/<name>.rs` that cannot be created or checked out
/// there. Provider names are lower-case, so only the lower-case spellings matter.
const WINDOWS_DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7",
    "com8", "com9", "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
];

/// Why a snake_case name that can be an identifier still cannot name a provider (its module,
/// feature or file would clash with something), as a predicate: "would clash with ...".
pub(crate) fn provider_name_clash(name: &str) -> Option<String> {
    if let Some(what) = crate_name_clash(name) {
        Some(format!("would clash with {what}"))
    } else if WINDOWS_DEVICES.contains(&name) {
        Some(format!(
            "would clash with the Windows device `{}`: `src/{name}.rs` cannot exist there",
            name.to_uppercase()
        ))
    } else {
        None
    }
}

/// Why a name of [`NOT_RAW`] cannot be a module or field: rustc refuses `r#self` too.
pub(crate) const NOT_RAW_REASON: &str = "cannot be a Rust identifier, not even a raw one";

/// Names the generated crate already gives to something at its root, each with what it is.
/// A provider is a module and a file `src/<name>.rs` of the same name, so a provider named like
/// one of these would clash with it: validation and `tokenspec new` refuse them, naming the
/// clash. Kept here, where both validation and emission can read it, rather than beside
/// `lib_rs`; a test (`tests/names.rs`) parses the emitted `lib.rs` and checks that no emitted
/// name is a valid provider name, so a new crate-level item cannot go unreserved.
pub const CRATE_NAMES: &[(&str, &str)] = &[
    (
        "runtime",
        "the generated crate's `runtime` (its re-export of tokenspec-runtime)",
    ),
    (
        "providers",
        "the generated crate's registry function `providers`",
    ),
    (
        "by_name",
        "the generated crate's registry function `by_name`",
    ),
    ("client", "the generated crate's registry function `client`"),
    ("lib", "the generated crate's `src/lib.rs`"),
    (
        "main",
        "`src/main.rs`, which Cargo would build as a program",
    ),
];

/// What the generated crate already calls `name`, if it is one of [`CRATE_NAMES`].
pub fn crate_name_clash(name: &str) -> Option<&'static str> {
    CRATE_NAMES
        .iter()
        .find(|(reserved, _)| *reserved == name)
        .map(|(_, what)| *what)
}

/// Whether `name` is snake_case as provider, input and field names must be.
pub(crate) fn snake_case(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.contains("__")
        && !name.ends_with('_')
}

/// The generated client's method for a grant: fixed for the built-in kinds, the grant's own
/// name for an extension grant (`client.account_credentials()`), which validation has checked
/// with [`check_grant_name`].
pub fn grant_method(kind: crate::model::GrantKind, name: &str) -> &str {
    use crate::model::GrantKind;
    match kind {
        GrantKind::None | GrantKind::ClientCredentials => "fetch_token",
        GrantKind::AuthorizationCode => "exchange_code",
        GrantKind::RefreshToken => "refresh",
        GrantKind::JwtBearer => "jwt_bearer",
        GrantKind::Extension => name,
    }
}

/// Methods a generated client already has, besides its grant methods: its own (`builder`,
/// `authorize_url`), those of `rt::TypedClient` it dereferences to, and those of the traits it
/// implements or gets blanket implementations of. An inherent method of one of these names
/// would shadow the other (`client.clone()` would fetch a token), so no extension grant may be
/// called so.
const CLIENT_METHODS: &[&str] = &[
    "builder",
    "authorize_url",
    "runtime",
    "token_source",
    "parse_response",
    "call",
    "authorize",
    "clone",
    "clone_from",
    "to_owned",
    "clone_into",
    "fmt",
    "from",
    "into",
    "try_from",
    "try_into",
    "deref",
    "borrow",
    "borrow_mut",
    "type_id",
    "to_string",
];

/// Why `name` cannot name an extension grant (its generated method), if it cannot: it must be
/// snake_case, a Rust identifier, and no method the client already has.
pub fn check_grant_name(name: &str) -> Result<(), String> {
    use crate::model::GrantKind;
    if !snake_case(name) {
        return Err(
            "use lower-case ASCII letters, digits and single underscores, starting with a letter"
                .into(),
        );
    }
    if NOT_RAW.contains(&name) {
        return Err(format!("it {NOT_RAW_REASON}"));
    }
    let built_in = GrantKind::BUILT_IN
        .iter()
        .map(|&kind| grant_method(kind, ""))
        .find(|method| *method == name);
    if let Some(method) = built_in {
        return Err(format!(
            "`{method}` is the method of a built-in grant; name the grant after what it does"
        ));
    }
    if CLIENT_METHODS.contains(&name) {
        return Err(format!(
            "the generated client already has a method `{name}`; name the grant after what it does"
        ));
    }
    Ok(())
}
