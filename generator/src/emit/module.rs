//! One provider's typed module: its client, inputs, grants, response and error types, as the
//! crate `tokenspec-provider-<name>` (or a module of a standalone crate) holds it.

use super::{EmitError, camel, doc, format, ident, inner_doc, paragraphs, sentences, spec_static};
use crate::model::{
    AuthorizeSpec, ErrorFormat, FieldSpec, FieldType, GrantKind, GrantSpec, InputLocation,
    InputSpec, ParamSpec, Pkce, Placement, Provider,
};
use crate::names;
use crate::text::{self, literal};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

/// The generated module of one provider, as the crate `tokenspec-provider-<name>` holds it.
pub fn provider_module(p: &Provider) -> Result<String, EmitError> {
    provider_module_at(p, Some(&provider_crate_lib(p.name)))
}

/// The library name of the crate that holds provider `name` in `generated/providers/`.
pub fn provider_crate_lib(name: &str) -> String {
    format!("tokenspec_provider_{name}")
}

/// The generated module of one provider, its doc example naming it `example_path`
/// (`tokenspec_provider_brainysoft`, `acme_tokens::brainysoft`), or without an example.
pub fn provider_module_at(p: &Provider, example_path: Option<&str>) -> Result<String, EmitError> {
    let module_doc = inner_doc(&module_doc_text(p));
    let (inputs, has_optional) = inputs(p);
    let provider = provider_impl(p, has_optional);
    let environment = environment_enum(p);
    let placement = placement_enum(p);
    let (error_body, error_body_item) = error_body(p);
    let response = token_response(p);
    let claims = claims_struct(p);
    let client = client(p, example_path);
    // A provider's own error body can make `Error` larger than clippy likes in a `Result`;
    // boxing it would cost every caller an allocation to please a lint.
    let allow_large_error = matches!(p.errors, ErrorFormat::Custom(_))
        .then(|| quote!(#![allow(clippy::result_large_err)]));
    let tokens = quote! {
        #module_doc
        #allow_large_error

        use ::tokenspec_runtime as rt;

        // What a reader looks for first: the client, then what it takes and gives back; the
        // runtime's view of the provider (the marker and the spec static) comes last.
        #client
        #inputs
        #environment
        #placement
        #response
        #claims

        /// Errors of this provider: bad input, transport, the provider's error body, or an unexpected response.
        pub type Error = rt::Error<ErrorBody>;

        #error_body
        #error_body_item
        #provider
    };
    Ok(format(p.name, p.source, tokens)? + "\n" + &spec_static::spec_static(p))
}

fn module_doc_text(p: &Provider) -> String {
    let grants: Vec<String> = p.grants.iter().map(|g| format!("`{}`", g.name())).collect();
    let mut facts = format!("Grants: {}.", grants.join(", "));
    if let Some(l) = p.access_lifetime {
        facts.push_str(&format!(" Access tokens live {l} s"));
        if let Some(r) = p.refresh_lifetime {
            facts.push_str(&format!(", refresh tokens {r} s"));
        }
        facts.push('.');
    }
    paragraphs(&[
        text::inline(p.title),
        text::prose(p.description),
        // The header comment names the spec file the module comes from.
        format!("Provider documentation: {}. {facts}", text::link(p.docs)),
    ])
}

/// How a generated method names its grant to `call`: a built-in by its kind, an extension
/// grant (RFC 6749 section 4.5) by its name, which tells it from the provider's others.
fn grant_ref(g: &GrantSpec) -> TokenStream {
    match g.kind {
        GrantKind::None => quote!(rt::GrantKind::None),
        GrantKind::ClientCredentials => quote!(rt::GrantKind::ClientCredentials),
        GrantKind::AuthorizationCode => quote!(rt::GrantKind::AuthorizationCode),
        GrantKind::RefreshToken => quote!(rt::GrantKind::RefreshToken),
        GrantKind::JwtBearer => quote!(rt::GrantKind::JwtBearer),
        GrantKind::Extension => {
            let name = g.name();
            quote!(rt::GrantRef::Named(#name))
        }
    }
}

fn environment_enum(p: &Provider) -> TokenStream {
    let variants = p.environments.iter().map(|e| {
        let variant = camel(e.name);
        let text = match e.discovery {
            // Spec format 1.2: URLs read from the issuer's metadata.
            Some(d) if e.token_url.is_empty() => format!(
                "{}: discovered from {} ({} metadata)",
                text::code(e.name),
                text::code(d.issuer),
                d.kind.name()
            ),
            _ => format!("{}: {}", text::code(e.name), text::code(e.token_url)),
        };
        let doc = doc(&text);
        let default = (e.name == p.default_environment).then(|| quote!(#[default]));
        quote!(#doc #default #variant)
    });
    quote! {
        /// Environments of this provider; the default is the spec's `default_environment`. Non-exhaustive: a spec may add an environment in a minor version.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum Environment {
            #(#variants),*
        }

        impl rt::Environment for Environment {
            // Variants are in spec order without explicit discriminants: each one's
            // discriminant is its index in the spec's environments.
            fn index(self) -> usize {
                self as usize
            }
        }
    }
}

/// An enum of credential placements, when the provider accepts more than one.
fn placement_enum(p: &Provider) -> Option<TokenStream> {
    if p.credentials.accepted.len() < 2 {
        return None;
    }
    let variants = p.credentials.accepted.iter().enumerate().map(|(i, a)| {
        let variant = camel(a.kind());
        let mut text = match a {
            Placement::Header { name, .. } => format!("In the {} header.", text::code(name)),
            Placement::Basic { .. } => "HTTP Basic authentication.".to_owned(),
            Placement::Body(_) => "In the request body.".to_owned(),
            Placement::Query(_) => "In the query string (URLs end up in logs).".to_owned(),
            Placement::PrivateKeyJwt(c) => format!(
                "A client assertion signed with the private key ({}, RFC 7523 section 2.2).",
                c.assertion.algorithm.name()
            ),
            Placement::ClientSecretJwt(c) => format!(
                "A client assertion keyed with the client secret ({}, RFC 7523 section 2.2).",
                c.assertion.algorithm.name()
            ),
            Placement::TlsClientAuth(_) => {
                "A TLS client certificate issued by a CA the provider trusts (RFC 8705 section 2.1).".to_owned()
            }
            Placement::SelfSignedTlsClientAuth(_) => {
                "A self-signed TLS client certificate the provider registered (RFC 8705 section 2.2).".to_owned()
            }
            Placement::Headers(list) => {
                let names: Vec<String> = list.iter().map(|h| text::code(h.name)).collect();
                format!("In the {} headers.", names.join(", "))
            }
        };
        if i == p.credentials.preferred {
            text.push_str(" The default.");
        }
        let doc = doc(&text);
        let default = (i == p.credentials.preferred).then(|| quote!(#[default]));
        quote!(#doc #default #variant)
    });
    Some(quote! {
        /// Where the client sends its credentials; every variant is accepted by the provider. Non-exhaustive: a spec may accept another placement in a minor version.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum CredentialPlacement {
            #(#variants),*
        }

        impl rt::PlacementChoice for CredentialPlacement {
            // Variants are in spec order without explicit discriminants: each one's
            // discriminant is its index in the accepted placements.
            fn index(self) -> usize {
                self as usize
            }
        }
    })
}

fn rust_type(ty: FieldType) -> TokenStream {
    match ty {
        FieldType::String | FieldType::Id => quote!(String),
        FieldType::Secret => quote!(rt::Secret),
        FieldType::TokenType => quote!(rt::TokenType),
        // Durations and instants, never a raw number whose unit a caller must know.
        FieldType::Seconds | FieldType::Milliseconds => quote!(::std::time::Duration),
        FieldType::Timestamp
        | FieldType::EpochSeconds
        | FieldType::EpochMilliseconds
        | FieldType::Datetime => quote!(::std::time::SystemTime),
        FieldType::Integer => quote!(i64),
        FieldType::Scopes | FieldType::Strings => quote!(Vec<String>),
        FieldType::Number => quote!(f64),
        FieldType::Boolean => quote!(bool),
        FieldType::Json => quote!(rt::serde_json::Value),
    }
}

/// Struct fields for normalized data: keys are already the Rust names, so no renames.
fn struct_fields(fields: &[FieldSpec], serde: bool) -> Vec<TokenStream> {
    fields
        .iter()
        .map(|f| {
            let name = ident(f.name);
            let base = rust_type(f.ty);
            let always = f.required || f.default.is_some();
            // Spec format 1.1: a field may be read from a response header instead of the body.
            let wire = match f.header {
                Some(header) => format!("the {} response header", text::code(header)),
                None => text::code(&f.wire.join(".")),
            };
            let mut parts = vec![text::prose(f.description)];
            let described = !parts[0].is_empty();
            if !described {
                parts[0] = match f.header {
                    Some(_) => format!("From {wire}."),
                    None => format!("{wire}."),
                };
            }
            let elsewhere = match f.header {
                Some(_) => described,
                None => f.wire.len() > 1 || f.wire.first() != Some(&f.name),
            };
            if elsewhere {
                parts.push(format!("On the wire: {wire}."));
            }
            if let Some(d) = &f.default {
                parts.push(format!("When absent: {}.", text::code(d)));
            }
            let doc = doc(&sentences(&parts));
            if !serde {
                return if always {
                    quote!(#doc pub #name: #base)
                } else {
                    quote!(#doc pub #name: Option<#base>)
                };
            }
            match (f.ty, always) {
                (ty, true) if ty.is_duration() => quote! {
                    #doc
                    #[serde(with = "::tokenspec_runtime::wire::seconds")]
                    pub #name: #base
                },
                (ty, false) if ty.is_duration() => quote! {
                    #doc
                    #[serde(default, with = "::tokenspec_runtime::wire::option_seconds")]
                    pub #name: Option<#base>
                },
                (ty, true) if ty.is_instant() => quote! {
                    #doc
                    #[serde(with = "::tokenspec_runtime::wire::instant")]
                    pub #name: #base
                },
                (ty, false) if ty.is_instant() => quote! {
                    #doc
                    #[serde(default, with = "::tokenspec_runtime::wire::option_instant")]
                    pub #name: Option<#base>
                },
                (_, true) => quote!(#doc pub #name: #base),
                (_, false) => quote! {
                    #doc
                    #[serde(default)]
                    pub #name: Option<#base>
                },
            }
        })
        .collect()
}

fn error_body(p: &Provider) -> (TokenStream, Option<TokenStream>) {
    match &p.errors {
        ErrorFormat::OAuth2 => (
            quote! {
                /// The provider's error body: RFC 6749 `error`, `error_description`, `error_uri`.
                pub type ErrorBody = rt::OAuthErrorBody;
            },
            None,
        ),
        ErrorFormat::Custom(fields) => {
            // Error bodies keep serde: the runtime reads every provider's error body through
            // `Error<B>` with `B: Deserialize`, and shows it as JSON.
            let fields = struct_fields(fields, true);
            (
                quote! {
                    /// The provider's own error body. Non-exhaustive: a spec may add an optional field in a minor version.
                    #[derive(Debug, Clone, PartialEq, ::serde::Deserialize, ::serde::Serialize)]
                    #[non_exhaustive]
                    pub struct ErrorBody {
                        #(#fields),*
                    }
                },
                Some(quote! {
                    impl ::core::fmt::Display for ErrorBody {
                        fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                            match rt::serde_json::to_string(self) {
                                Ok(text) => f.write_str(&text),
                                Err(_) => f.write_str("(error body)"),
                            }
                        }
                    }
                }),
            )
        }
    }
}

/// `impl rt::FromFields`: one line per field, taking its normalized value out (the runtime has
/// applied defaults and units already), instead of a serde derive, whose visitor code was half
/// the compile time of a module.
fn from_fields(ty: &Ident, fields: &[FieldSpec]) -> TokenStream {
    let lines = fields.iter().map(|f| {
        let name = ident(f.name);
        let key = literal(f.name);
        if f.required || f.default.is_some() {
            quote!(#name: fields.required(#key)?)
        } else {
            quote!(#name: fields.optional(#key)?)
        }
    });
    quote! {
        impl rt::FromFields for #ty {
            fn from_fields(fields: &mut rt::Fields) -> Result<Self, rt::FieldError> {
                Ok(#ty { #(#lines),* })
            }
        }
    }
}

fn token_response(p: &Provider) -> TokenStream {
    let fields = struct_fields(p.response, false);
    let read = from_fields(&format_ident!("TokenResponse"), p.response);
    let claims = (!p.claims.is_empty()).then(|| {
        quote! {
            /// The access token's JWT claims, decoded **without verifying the signature**: they say what the provider put in the token and prove nothing.
            pub fn claims(&self) -> Result<Claims, rt::ClaimsError> {
                rt::jwt::claims(&PROVIDER, self.access_token.expose())
            }
        }
    });
    quote! {
        /// A successful token response, normalized: defaults applied, seconds as `Duration`, scope lists split. Non-exhaustive: a spec may add an optional field in a minor version. Build one from a response with [`parse_response`](rt::TypedClient::parse_response).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct TokenResponse {
            #(#fields),*
        }

        #read

        impl TokenResponse {
            /// `Authorization: Bearer <access_token>` for calling the provider's API, built from a fixed template whatever `token_type` said.
            pub fn bearer_header(&self) -> rt::http::HeaderValue {
                rt::bearer_header(&self.access_token)
            }

            #claims
        }
    }
}

fn claims_struct(p: &Provider) -> Option<TokenStream> {
    if p.claims.is_empty() {
        return None;
    }
    let fields = struct_fields(p.claims, false);
    let read = from_fields(&format_ident!("Claims"), p.claims);
    Some(quote! {
        /// Claims of the access token (a JWT). Read without verifying the signature: use them to learn about the token, never to authorize anything. Non-exhaustive: a spec may add an optional claim in a minor version.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct Claims {
            #(#fields),*
        }

        #read
    })
}

/// A per-call argument of a generated method.
struct Arg<'a> {
    input: &'a InputSpec<'a>,
    required: bool,
}

impl Arg<'_> {
    /// The parameter, borrowing for `lifetime` (`'a`, the call it goes into) or elided.
    fn param(&self, lifetime: &TokenStream) -> TokenStream {
        let name = ident(self.input.name);
        let ty = if self.input.secret {
            quote!(&#lifetime rt::Secret)
        } else {
            quote!(&#lifetime str)
        };
        if self.required {
            quote!(#name: #ty)
        } else {
            quote!(#name: Option<#ty>)
        }
    }

    /// `("name", Option<&str>)` for the runtime.
    fn pair(&self) -> TokenStream {
        let var = ident(self.input.name);
        let name = literal(self.input.name);
        let value = match (self.required, self.input.secret) {
            (true, true) => quote!(Some(#var.expose())),
            (true, false) => quote!(Some(#var)),
            (false, true) => quote!(#var.map(rt::Secret::expose)),
            (false, false) => quote!(#var),
        };
        quote!((#name, #value))
    }
}

/// `#[allow(clippy::too_many_arguments)]` for a method with `count` per-call inputs besides
/// `&self`: each input is a parameter, as the spec declares them, so a spec with many would
/// otherwise fail clippy's default limit of seven in the generated crate.
fn allow_many_args(count: usize) -> Option<TokenStream> {
    (count + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// Per-request inputs sent by `params`, in order, without repeats.
fn call_args<'a>(p: &'a Provider, params: &[ParamSpec], extra: &[&str]) -> Vec<Arg<'a>> {
    let mut names: Vec<&str> = params
        .iter()
        .flat_map(|param| param.source.inputs())
        .collect();
    names.extend_from_slice(extra);
    let mut out: Vec<Arg<'a>> = Vec::new();
    for name in names {
        if out.iter().any(|a| a.input.name == name) {
            continue;
        }
        if let Some(input) = p.input(name).filter(|i| i.per_request) {
            out.push(Arg {
                input,
                required: input.required,
            });
        }
    }
    out
}

/// The generated method of a grant: its name and what it does.
fn grant_method<'g>(g: &GrantSpec<'g>) -> (&'g str, &'static str) {
    let what = match g.kind {
        GrantKind::None | GrantKind::ClientCredentials => "Fetches a new token",
        GrantKind::AuthorizationCode => "Exchanges an authorization code for tokens",
        GrantKind::RefreshToken => "Exchanges a refresh token for new tokens",
        GrantKind::JwtBearer => {
            "Fetches a token with a JWT assertion signed for this request (RFC 7523 section 2.1)"
        }
        GrantKind::Extension => "Fetches a token",
    };
    (names::grant_method(g.kind, g.name()), what)
}

/// One method per grant. It builds nothing and sends nothing: the [`rt::Call`] it returns does,
/// when awaited, `.blocking()` or asked for its `.request()`.
fn grant_method_item(p: &Provider, g: &GrantSpec) -> TokenStream {
    let (method, what) = grant_method(g);
    let method_ident = ident(method);
    let args = call_args(p, g.params, &[]);
    let params: Vec<TokenStream> = args.iter().map(|a| a.param(&quote!('a))).collect();
    let pairs: Vec<TokenStream> = args.iter().map(Arg::pair).collect();
    let many = allow_many_args(args.len());
    let kind = grant_ref(g);
    let grant = match (g.kind, g.grant_type()) {
        (GrantKind::Extension, Some(grant_type)) => format!(
            "extension grant {}, `grant_type` {}, RFC 6749 section 4.5",
            text::code(g.name()),
            text::code(grant_type)
        ),
        _ => format!("grant `{}`", g.name()),
    };
    let method_doc = doc(&paragraphs(&[
        format!(
            "{what} ({grant}): `.await` the call, run it with `.blocking()` (runtime \
             feature `blocking`), or take the request it would send with `.request()`."
        ),
        text::prose(g.description),
    ]));
    let (generics, lifetime) = if args.is_empty() {
        (None, quote!('_))
    } else {
        (Some(quote!(<'a>)), quote!('a))
    };
    let receiver = if args.is_empty() {
        quote!(&self)
    } else {
        quote!(&'a self)
    };
    let list = if pairs.is_empty() {
        quote!([])
    } else {
        quote!([#(#pairs),*])
    };
    quote! {
        #method_doc
        #many
        pub fn #method_ident #generics(#receiver, #(#params),*) -> rt::Call<#lifetime, Provider> {
            self.0.call(#kind, #list)
        }
    }
}

fn authorize_method(p: &Provider) -> Option<TokenStream> {
    let g = p.grant(GrantKind::AuthorizationCode)?;
    let extra: &[&str] = if g.pkce == Pkce::None {
        &[]
    } else {
        &["code_verifier"]
    };
    let args = call_args(p, g.authorize_params, extra);
    let params: Vec<TokenStream> = args.iter().map(|a| a.param(&quote!())).collect();
    let pairs: Vec<TokenStream> = args.iter().map(Arg::pair).collect();
    let many = allow_many_args(args.len());
    // The names as sent: a provider may read standard ones under its own (spec format 1.2).
    let wire = |name: &str| text::code(g.authorize.wire_name(name));
    let pkce = match g.pkce {
        Pkce::None => String::new(),
        Pkce::Optional => format!(
            " With a `code_verifier`, adds its S256 {} (PKCE).",
            wire("code_challenge")
        ),
        Pkce::Required => format!(
            " Adds the S256 {} of `code_verifier` (PKCE).",
            wire("code_challenge")
        ),
    };
    let mut text = format!(
        "The URL to send the user to for authorization: {} and the grant's \
         authorize parameters.{pkce}",
        text::code(&format!("{}=code", g.authorize.wire_name("response_type")))
    );
    text.push_str(&authorize_notes(&g.authorize));
    let method_doc = doc(&text);
    Some(quote! {
        #method_doc
        #many
        pub fn authorize_url(&self, #(#params),*) -> Result<rt::url::Url, Error> {
            self.0.authorize(&[#(#pairs),*])
        }
    })
}

/// What the grant's `authorize` block (spec format 1.2) changes in the URL, as sentences, each
/// after a space; empty for the URL of spec format 1.
fn authorize_notes(a: &AuthorizeSpec) -> String {
    let mut notes = String::new();
    let renamed: Vec<String> = a
        .rename
        .iter()
        .filter(|(standard, _)| *standard != "response_type" && !standard.starts_with("code_"))
        .map(|(standard, wire)| format!("{} as {}", text::code(standard), text::code(wire)))
        .collect();
    if !renamed.is_empty() {
        notes.push_str(&format!(" Sends {}.", renamed.join(", ")));
    }
    if let Some(separator) = a.scope_separator {
        notes.push_str(&format!(
            " Joins the scopes with {}.",
            text::code(separator)
        ));
    }
    if a.omit_empty {
        notes.push_str(" Leaves out a parameter whose value is empty.");
    }
    notes
}

/// The client inputs the builder takes: required ones as fields of `Inputs` (a struct literal
/// that forgets one does not compile), optional ones as variants of `OptionalInput`.
fn inputs(p: &Provider) -> (TokenStream, bool) {
    let client_inputs: Vec<&InputSpec> = p.inputs.iter().filter(|i| !i.per_request).collect();
    let field_doc = |i: &InputSpec| {
        let mut parts = vec![text::prose(i.description)];
        if let Some(e) = p.example(i.name) {
            parts.push(format!("Example: {}.", text::code(e)));
        }
        if let Some(d) = &i.default {
            parts.push(format!("Default: {}.", text::code(d)));
        }
        // Every value is refused when empty or holding control characters (said once, on
        // `Inputs`); what a field adds to that is said on the field.
        let mut refused = Vec::new();
        match i.location {
            InputLocation::Host => refused.push("a value that is not a DNS label".to_owned()),
            InputLocation::Hostname {
                allow_ip,
                allow_port,
            } => {
                let mut what = "a value that is not a DNS host name".to_owned();
                what.push_str(if allow_ip {
                    " or an IP address"
                } else {
                    " (an IP address is refused)"
                });
                what.push_str(if allow_port {
                    ", with an optional `:port`"
                } else {
                    ", or that has a `:port`"
                });
                refused.push(what);
            }
            InputLocation::Path => {
                refused.push("a value with `/`, `?`, `#`, `\\` or `..`".to_owned())
            }
            InputLocation::Param => {}
        }
        if let Some(pat) = &i.pattern {
            refused.push(format!("one that does not match {}", text::code(pat)));
        }
        let check = match refused.len() {
            0 => String::new(),
            _ => format!("`build` also refuses {}.", refused.join(", or ")),
        };
        parts.push(check);
        doc(&sentences(&parts))
    };
    let required: Vec<&InputSpec> = client_inputs
        .iter()
        .copied()
        .filter(|i| i.required)
        .collect();
    let fields = required.iter().map(|i| {
        let name = ident(i.name);
        let ty = if i.secret {
            quote!(rt::Secret)
        } else {
            quote!(String)
        };
        let doc = field_doc(i);
        quote!(#doc pub #name: #ty)
    });
    let values = required.iter().map(|i| {
        let name = ident(i.name);
        let key = literal(i.name);
        if i.secret {
            quote!((#key, self.#name))
        } else {
            quote!((#key, rt::Secret::new(self.#name)))
        }
    });
    let values = if required.is_empty() {
        quote!(Vec::new())
    } else {
        quote!(Vec::from([#(#values),*]))
    };
    let optional: Vec<&InputSpec> = client_inputs
        .iter()
        .copied()
        .filter(|i| !i.required)
        .collect();
    let optional_enum = (!optional.is_empty()).then(|| {
        let variants = optional.iter().map(|i| {
            let variant = camel(i.name);
            let doc = field_doc(i);
            quote!(#doc #variant)
        });
        let arms = optional.iter().map(|i| {
            let variant = camel(i.name);
            let name = literal(i.name);
            quote!(OptionalInput::#variant => #name)
        });
        quote! {
            /// Optional client inputs, each set with [`ClientBuilder::input`](rt::Builder::input). Non-exhaustive: a spec may add an optional input in a minor version.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum OptionalInput {
                #(#variants),*
            }

            impl rt::InputName for OptionalInput {
                fn name(self) -> &'static str {
                    match self {
                        #(#arms),*
                    }
                }
            }
        }
    });
    let tokens = quote! {
        /// The inputs every client needs, as a struct literal: one that forgets an input does not compile. `build` checks every value (none may be empty or hold control characters) and names the first bad one; secret ones are [`rt::Secret`]s, which never print themselves.
        #[derive(Debug, Clone)]
        pub struct Inputs {
            #(#fields),*
        }

        impl rt::ClientInputs for Inputs {
            fn into_values(self) -> Vec<(&'static str, rt::Secret)> {
                #values
            }
        }

        #optional_enum
    };
    (tokens, !optional.is_empty())
}

/// The doctest on `Client`: the three lines from inputs to a token, under `path`.
fn client_example(p: &Provider, path: &str) -> String {
    let module = ident(p.name);
    let mut fields = String::new();
    for input in p.inputs.iter().filter(|i| i.required && !i.per_request) {
        // A Rust string literal inside the doctest: data, whatever the example holds.
        let value = literal(p.example(input.name).unwrap_or("example"));
        fields.push_str(&format!("\n    {}: {value}.into(),", ident(input.name)));
    }
    let call = match p.grants.first() {
        Some(g) => {
            let (method, _) = grant_method(g);
            let args: Vec<String> = call_args(p, g.params, &[])
                .iter()
                .map(|a| match (a.required, a.input.secret) {
                    (false, _) => "None".to_owned(),
                    (true, true) => "&\"example\".into()".to_owned(),
                    (true, false) => "\"example\"".to_owned(),
                })
                .collect();
            format!(
                "let authorization = client.{method}({}).await?.bearer_header();\n",
                args.join(", ")
            )
        }
        None => String::new(),
    };
    format!(
        "```no_run\n\
         use {path} as {module};\n\
         # async fn run() -> Result<(), {module}::Error> {{\n\
         let client = {module}::Client::builder({module}::Inputs {{{fields}\n}})\n.build()?;\n\
         {call}\
         # Ok(())\n\
         # }}\n\
         ```"
    )
}

fn client(p: &Provider, example_path: Option<&str>) -> TokenStream {
    let grants = p.grants.iter().map(|g| grant_method_item(p, g));
    let authorize = authorize_method(p);
    let title = text::inline(p.title);
    let mut text = format!(
        "A client for {title}'s token endpoint. Build one with [`Client::builder`]; the \
         provider-independent methods (`token_source`, `parse_response`, `runtime`) come from \
         [`rt::TypedClient`]."
    );
    if let Some(path) = example_path {
        text.push_str("\n\n");
        text.push_str(&client_example(p, path));
    }
    let client_doc = doc(&text);
    let mut source_text = String::from(
        "A cached, single-flight token source for this provider, from \
         [`token_source`](rt::TypedClient::token_source): the token is reused until shortly \
         before it expires, and one fetch serves every caller waiting for a new one.",
    );
    if p.grant(GrantKind::RefreshToken).is_some() {
        source_text.push_str(
            " Once the provider has issued a refresh token, renewals use it; a rotated \
             refresh token replaces the old one.",
        );
    }
    if p.grant(GrantKind::AuthorizationCode).is_some() {
        source_text.push_str(
            "\n\nThe authorization-code grant needs a user, so the source cannot start on its \
             own: put the answer of [`Client::exchange_code`] in it with \
             [`insert`](rt::CachedTokenSource::insert), or name the user with \
             [`with_user`](rt::CachedTokenSource::with_user) and give it the \
             [`TokenStore`](rt::TokenStore) that holds their token. If the provider refuses \
             the refresh token, the source returns \
             [`ReauthorizationRequired`](rt::Error::ReauthorizationRequired): the user must \
             authorize again; it never falls back to another grant.",
        );
    }
    let token_source_doc = doc(&source_text);
    quote! {
        #token_source_doc
        pub type TokenSource = rt::CachedTokenSource<ErrorBody>;

        /// Builds a [`Client`] from [`Inputs`]: environment, base URL, transport, timeouts, retries and credential placement have defaults; `build` checks every value.
        pub type ClientBuilder = rt::Builder<Provider>;

        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client(rt::TypedClient<Provider>);

        impl From<rt::TypedClient<Provider>> for Client {
            fn from(client: rt::TypedClient<Provider>) -> Self {
                Client(client)
            }
        }

        impl ::std::ops::Deref for Client {
            type Target = rt::TypedClient<Provider>;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        impl Client {
            /// A builder over the required inputs.
            pub fn builder(inputs: Inputs) -> ClientBuilder {
                rt::Builder::new(inputs)
            }

            #(#grants)*

            #authorize
        }
    }
}

/// The marker type through which the runtime's generic builder and client know this provider.
fn provider_impl(p: &Provider, has_optional: bool) -> TokenStream {
    let title = text::inline(p.title);
    let doc = doc(&format!(
        "{title}, as the runtime's generic [`rt::Builder`] and [`rt::TypedClient`] know it."
    ));
    let placement = if p.credentials.accepted.len() > 1 {
        quote!(CredentialPlacement)
    } else {
        quote!(rt::OnlyPlacement)
    };
    let optional = if has_optional {
        quote!(OptionalInput)
    } else {
        quote!(rt::NoOptionalInputs)
    };
    quote! {
        #doc
        pub struct Provider;

        impl rt::Provider for Provider {
            const SPEC: &'static rt::ProviderSpec = &PROVIDER;
            type Environment = Environment;
            type Placement = #placement;
            type Inputs = Inputs;
            type OptionalInput = #optional;
            type TokenResponse = TokenResponse;
            type ErrorBody = ErrorBody;
            type Client = Client;
        }
    }
}
