//! Generating providers from a crate's own build script, as `prost-build` does for protobuf.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), tokenspec::Error> {
//!     tokenspec::Builder::new().specs_dir("specs").generate()?;
//!     Ok(())
//! }
//! ```
//!
//! The build script writes one file, `$OUT_DIR/tokenspec_providers.rs`, which the crate
//! includes: `pub mod providers { include!(concat!(env!("OUT_DIR"), "/tokenspec_providers.rs")); }`.
//! It holds each provider as an inline `pub mod <name> { .. }` (the same module the committed
//! crate has in `src/<name>.rs`) and the registry: `PROVIDERS`, `providers()`, `by_name()`
//! and `client()`.
//!
//! A file brought in by `include!` cannot carry inner attributes (`//!` docs, `#![allow]`), so
//! a module's inner attributes become outer attributes of its `pub mod` item, which mean the
//! same. Its doctests are left out: they name the committed crate (`tokenspec_providers::..`),
//! a path that does not exist in the including crate. The `*_blocking` methods sit behind the
//! committed crate's own `blocking` feature; here they are either left out or, with
//! [`Builder::blocking`], always present (the including crate then enables
//! `tokenspec-runtime/blocking`).

use crate::emit::EmitError;
use crate::{Error, model};
use quote::quote;
use std::path::PathBuf;

/// The file [`Builder::generate`] writes unless told otherwise.
pub const DEFAULT_FILE_NAME: &str = "tokenspec_providers.rs";

/// Generates provider clients for a crate's own specs from its build script.
#[derive(Debug, Clone)]
pub struct Builder {
    specs: Vec<PathBuf>,
    out_dir: Option<PathBuf>,
    file_name: String,
    cargo_metadata: bool,
    blocking: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// No specs yet; writes `$OUT_DIR/tokenspec_providers.rs` and tells cargo to rerun the
    /// build script when a spec changes.
    pub fn new() -> Self {
        Builder {
            specs: Vec::new(),
            out_dir: None,
            file_name: DEFAULT_FILE_NAME.to_owned(),
            cargo_metadata: true,
            blocking: false,
        }
    }

    /// Every `*.yaml` spec in `dir` (may be given more than once).
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.specs.push(dir.into());
        self
    }

    /// One spec file.
    pub fn spec(mut self, file: impl Into<PathBuf>) -> Self {
        self.specs.push(file.into());
        self
    }

    /// Where the file is written; by default the `OUT_DIR` cargo gives build scripts.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// The name of the written file (default [`DEFAULT_FILE_NAME`]).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Whether to print `cargo:rerun-if-changed` for the specs (default: yes). Off for callers
    /// that are not build scripts.
    pub fn cargo_metadata(mut self, on: bool) -> Self {
        self.cargo_metadata = on;
        self
    }

    /// Emits the `*_blocking` twin of each async method (default: no). The including crate
    /// must then enable the `blocking` feature of `tokenspec-runtime`.
    pub fn blocking(mut self, on: bool) -> Self {
        self.blocking = on;
        self
    }

    /// Loads, checks and emits the specs, and writes the file (only when its bytes change, so
    /// an unchanged build compiles nothing again). Returns the path written.
    ///
    /// Spec errors come back as [`Error::Specs`], which displays them rustc-style
    /// (`specs/x.yaml:3:7`), each with the line it is about.
    pub fn generate(self) -> Result<PathBuf, Error> {
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| Error::Io {
                    path: "OUT_DIR".to_owned(),
                    source: std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "not set: call `out_dir` outside a build script",
                    ),
                })?,
        };
        let path = out_dir.join(&self.file_name);
        let text = self.generate_string()?;
        let io = |source| Error::Io {
            path: path.display().to_string(),
            source,
        };
        if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            std::fs::create_dir_all(&out_dir).map_err(io)?;
            std::fs::write(&path, text).map_err(io)?;
        }
        Ok(path)
    }

    /// The file [`generate`](Self::generate) writes, as text (for tests, and for callers that
    /// write it themselves). Prints the `cargo:rerun-if-changed` lines when asked to.
    pub fn generate_string(&self) -> Result<String, Error> {
        let read = crate::load::read_specs(&self.specs).map_err(|(path, source)| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        if self.cargo_metadata {
            // The folders too: cargo then reruns the script when a spec is added or removed.
            for path in &self.specs {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            for source in &read.sources {
                println!("cargo:rerun-if-changed={}", source.path);
            }
        }
        let providers = crate::validate_files(read)?;
        let from: Vec<String> = self.specs.iter().map(|p| p.display().to_string()).collect();
        Ok(include_file(&providers, &from.join(", "), self.blocking)?)
    }
}

/// The text of the include file for `providers`, generated from `from` (named in its header).
pub fn include_file(
    providers: &[model::Provider],
    from: &str,
    blocking: bool,
) -> Result<String, EmitError> {
    let mut modules = Vec::new();
    for p in providers {
        let file = parse(&p.name, &crate::emit::provider_module(p)?)?;
        let mut items = file.items;
        for item in &mut items {
            doctests(item_attrs(item), Doctests::Drop);
            blocking_items(item, blocking);
        }
        // Inner attributes of the file mean the same as outer ones on the module item.
        let attrs = file.attrs.into_iter().map(|mut a| {
            a.style = syn::AttrStyle::Outer;
            a
        });
        let name = crate::emit::module_ident(&p.name);
        modules.push(quote! {
            #(#attrs)*
            pub mod #name {
                #(#items)*
            }
        });
    }
    let registry = crate::emit::registry(providers, false);
    let tokens = quote! {
        #(#modules)*
        #registry
    };
    let file: syn::File =
        syn::parse2(tokens).map_err(|e| EmitError::new(DEFAULT_FILE_NAME, e.to_string()))?;
    Ok(format!(
        "// This file is @generated by tokenspec from {}.\n\
         // Do not edit it: change the specs; the build script regenerates it.\n\n{}",
        from.chars()
            .filter(|c| !c.is_control() && !crate::text::is_bidi_control(*c))
            .collect::<String>(),
        prettyplease::unparse(&file)
    ))
}

fn parse(what: &str, text: &str) -> Result<syn::File, EmitError> {
    syn::parse_file(text).map_err(|e| EmitError::new(what, e.to_string()))
}

/// What becomes of the doctests (fenced code blocks) in generated documentation. Every fence in
/// it is the generator's own: spec text cannot form one (see [`crate::text`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Doctests<'a> {
    /// Left out: the code names a crate the reader does not have.
    Drop,
    /// Kept, with the committed crate's name replaced by this crate name (`acme_tokens`).
    Rename(&'a str),
}

/// The doc-attribute text of `attr`, if it is `#[doc = ".."]`.
fn doc_text(attr: &syn::Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

/// Applies `what` to the fenced blocks in the doc lines of `attrs`.
pub(crate) fn doctests(attrs: Option<&mut Vec<syn::Attribute>>, what: Doctests) {
    let Some(attrs) = attrs else { return };
    let mut in_block = false;
    let mut kept: Vec<syn::Attribute> = Vec::with_capacity(attrs.len());
    for attr in attrs.drain(..) {
        let Some(text) = doc_text(&attr) else {
            kept.push(attr);
            continue;
        };
        let fence = text.trim_start().starts_with("```");
        match what {
            Doctests::Drop => {
                if fence {
                    in_block = !in_block;
                } else if !in_block {
                    kept.push(attr);
                }
            }
            Doctests::Rename(name) => {
                if fence {
                    in_block = !in_block;
                }
                if in_block && text.contains("tokenspec_providers::") {
                    let renamed = text.replace("tokenspec_providers::", &format!("{name}::"));
                    let span = proc_macro2::Span::call_site();
                    let lit = syn::LitStr::new(&renamed, span);
                    kept.push(syn::parse_quote!(#[doc = #lit]));
                } else {
                    kept.push(attr);
                }
            }
        }
    }
    // A dropped block leaves the blank line that separated it: no doc ends on a blank line.
    while let Some(last_doc) = kept.iter().rposition(|a| doc_text(a).is_some()) {
        if doc_text(&kept[last_doc]).is_some_and(|t| t.trim().is_empty()) {
            kept.remove(last_doc);
        } else {
            break;
        }
    }
    *attrs = kept;
}

/// The attributes of an item, if it is of a kind the generator emits.
pub(crate) fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item;
    match item {
        Item::Const(i) => Some(&mut i.attrs),
        Item::Enum(i) => Some(&mut i.attrs),
        Item::Fn(i) => Some(&mut i.attrs),
        Item::Impl(i) => Some(&mut i.attrs),
        Item::Mod(i) => Some(&mut i.attrs),
        Item::Static(i) => Some(&mut i.attrs),
        Item::Struct(i) => Some(&mut i.attrs),
        Item::Trait(i) => Some(&mut i.attrs),
        Item::Type(i) => Some(&mut i.attrs),
        Item::Use(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// Whether `attr` is `#[cfg(feature = "blocking")]`.
fn is_blocking_cfg(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg")
        && matches!(&attr.meta, syn::Meta::List(list)
            if list.tokens.to_string().replace(' ', "") == "feature=\"blocking\"")
}

/// In an `impl`: drops the methods behind the `blocking` feature, or keeps them without the
/// gate; and applies [`Doctests::Drop`] to each method's docs.
fn blocking_items(item: &mut syn::Item, keep: bool) {
    let syn::Item::Impl(imp) = item else { return };
    imp.items.retain_mut(|member| match member {
        syn::ImplItem::Fn(f) => {
            let gated = f.attrs.iter().any(is_blocking_cfg);
            if gated && !keep {
                return false;
            }
            f.attrs.retain(|a| !is_blocking_cfg(a));
            doctests(Some(&mut f.attrs), Doctests::Drop);
            true
        }
        _ => true,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn providers() -> Vec<model::Provider> {
        let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
        crate::load_and_validate(&specs).expect("the repository's specs validate")
    }

    #[test]
    fn the_include_file_is_rust_without_inner_attributes_doctests_or_feature_gates() {
        let providers = providers();
        let text = include_file(&providers, "specs", false).expect("emits");
        let file = syn::parse_file(&text).expect("parses");
        assert!(file.attrs.is_empty(), "no inner attribute at the top");
        assert!(!text.contains("//!") && !text.contains("#!["));
        assert!(!text.contains("```"), "no doctest");
        assert!(
            !text.contains("cfg(feature"),
            "no feature of the including crate"
        );
        assert!(!text.contains("_blocking("));
        let modules: Vec<String> = file
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Mod(m) if m.content.is_some() => Some(m.ident.to_string()),
                _ => None,
            })
            .collect();
        let names: Vec<String> = providers.iter().map(|p| p.name.clone()).collect();
        assert_eq!(modules, names);
        assert!(text.contains("pub fn by_name("));
        // The module docs survive as outer docs of the module item.
        let brainysoft = providers.iter().find(|p| p.name == "brainysoft");
        if brainysoft.is_some() {
            assert!(text.contains("/// Brainysoft\n"), "{text}");
        }
    }

    #[test]
    fn blocking_twins_are_kept_ungated_when_asked_for() {
        let text = include_file(&providers(), "specs", true).expect("emits");
        assert!(text.contains("_blocking("));
        assert!(!text.contains("cfg(feature"));
    }

    #[test]
    fn renamed_doctests_name_the_crate() {
        let mut item: syn::Item = syn::parse_quote! {
            /// Builds.
            ///
            /// ```no_run
            /// let c = tokenspec_providers::x::Client::builder();
            /// ```
            pub struct B;
        };
        doctests(item_attrs(&mut item), Doctests::Rename("acme_tokens"));
        let text = quote!(#item).to_string();
        assert!(text.contains("acme_tokens::x::Client"), "{text}");
        doctests(item_attrs(&mut item), Doctests::Drop);
        let text = quote!(#item).to_string();
        assert!(
            !text.contains("```") && !text.contains("acme_tokens"),
            "{text}"
        );
        assert!(text.contains("Builds."));
    }

    #[test]
    fn spec_errors_are_reported_with_their_position() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("bad.yaml"),
            "spec_version: 1\nname: bad\nwhat: 3\n",
        )
        .expect("write");
        let err = Builder::new()
            .specs_dir(dir.path())
            .cargo_metadata(false)
            .generate_string()
            .expect_err("an invalid spec");
        let shown = err.to_string();
        assert!(matches!(err, Error::Specs(_)));
        assert!(shown.contains("bad.yaml:"), "{shown}");
    }
}
