//! Stage 3 output: one normalized, ordered description of a provider. The only input of
//! emission; tests of `validate` assert on it and tests of `emit` start from it.
//!
//! The description is the runtime's own: [`ProviderSpec`] and the types it holds come from
//! `tokenspec-spec`, so what the generator checks and emits is, type for type, what the
//! generated code hands to the runtime. Validation lowers a spec into borrowed values whose
//! text and lists live in a [`bumpalo::Bump`] arena the caller owns (see
//! [`crate::validate::validate`]); every type is `Copy`, so the arena needs no destructors.

use std::ops::Deref;

pub use tokenspec_spec::*;

/// A provider, ready to emit: the spec the runtime will see, plus what only the generator
/// needs (where it came from, example values for documentation).
///
/// Derefs to its [`ProviderSpec`], so `provider.name` and `provider.input("x")` read the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider<'a> {
    /// What the generated module's static holds.
    pub spec: ProviderSpec<'a>,
    /// Spec file the provider came from, as shown in the generated header
    /// (`specs/<name>.yaml`).
    pub source: &'a str,
    /// The documented example value of each input, index for index with `spec.inputs`: used
    /// in generated documentation only, never sent (the runtime does not see it).
    pub examples: &'a [Option<&'a str>],
}

impl<'a> Provider<'a> {
    /// The documented example value of the input called `input`, if it has one.
    pub fn example(&self, input: &str) -> Option<&'a str> {
        let index = self.spec.inputs.iter().position(|i| i.name == input)?;
        self.examples.get(index).copied().flatten()
    }
}

impl<'a> Deref for Provider<'a> {
    type Target = ProviderSpec<'a>;

    fn deref(&self) -> &ProviderSpec<'a> {
        &self.spec
    }
}
