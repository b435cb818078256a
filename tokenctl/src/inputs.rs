//! Input values from `--set NAME=VALUE` and `TOKENSPEC_<NAME>` environment variables.

use crate::Failure;
use crate::mask::Redactor;
use std::collections::BTreeMap;
use tokenspec_runtime::{Client, Error, JsonErrorBody, ProviderSpec};

/// The environment variable an input is read from when no `--set` names it.
pub fn env_var(input: &str) -> String {
    format!("TOKENSPEC_{}", input.to_ascii_uppercase())
}

/// Where a value came from, for error messages.
#[derive(Debug, Clone)]
enum Source {
    Flag,
    Env(String),
}

impl Source {
    fn describe(&self) -> String {
        match self {
            Source::Flag => "from --set".to_owned(),
            Source::Env(var) => format!("from {var}"),
        }
    }
}

/// Sets every input given with `--set` or found in the environment on `client`, remembering
/// secret values in `redactor` before anything can print them. `--set` wins over the
/// environment; an empty environment variable counts as unset.
pub fn apply(
    client: &mut Client,
    provider: &'static ProviderSpec,
    sets: &[String],
    redactor: &mut Redactor,
) -> Result<(), Failure> {
    let mut values: BTreeMap<&'static str, (String, Source)> = BTreeMap::new();
    for arg in sets {
        // The argument is never echoed: it may be a secret typed without its name.
        let Some((name, value)) = arg.split_once('=') else {
            return Err(Failure::Usage(
                "--set expects NAME=VALUE (an argument had no `=`)".to_owned(),
            ));
        };
        let Some(spec) = provider.input(name) else {
            return Err(Failure::Usage(format!(
                "{} has no input `{name}`; expected one of: {}",
                provider.name,
                input_names(provider)
            )));
        };
        values.insert(spec.name, (value.to_owned(), Source::Flag));
    }
    for spec in provider.inputs {
        if values.contains_key(spec.name) {
            continue;
        }
        let var = env_var(spec.name);
        let Some(raw) = std::env::var_os(&var) else {
            continue;
        };
        let Some(value) = raw.to_str() else {
            return Err(Failure::Usage(format!(
                "{var} is not valid UTF-8 (input `{}`)",
                spec.name
            )));
        };
        if !value.is_empty() {
            values.insert(spec.name, (value.to_owned(), Source::Env(var)));
        }
    }
    for (name, (value, _)) in &values {
        // Spec secrets, and values OAuth makes confidential whatever the spec says (a code, a
        // PKCE verifier): hidden wherever a server echoes them.
        if provider
            .input(name)
            .is_some_and(|s| provider.is_secret_input(s))
        {
            redactor.add(value);
        }
    }
    for (name, (value, source)) in values {
        client
            .set::<JsonErrorBody>(name, value)
            .map_err(|e| match e {
                Error::InvalidInput(e) => Failure::Usage(format!(
                    "invalid input `{}` ({}): {}",
                    e.input,
                    source.describe(),
                    e.reason
                )),
                other => Failure::Usage(other.to_string()),
            })?;
    }
    Ok(())
}

/// The provider's input names, comma-separated.
pub fn input_names(provider: &ProviderSpec) -> String {
    provider
        .inputs
        .iter()
        .map(|i| i.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// How to supply `input`, appended to "required but not set" errors.
pub fn how_to_set(provider: &ProviderSpec, input: &str) -> Option<String> {
    provider.input(input).map(|spec| {
        format!(
            "pass --set {0}=VALUE or set {1}",
            spec.name,
            env_var(spec.name)
        )
    })
}
