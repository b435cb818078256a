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
    for (name, (value, source)) in values.iter_mut() {
        if let Some(path) = pem_file(provider, name, value) {
            *value = std::fs::read_to_string(path).map_err(|e| {
                Failure::Usage(format!(
                    "input `{name}` ({}): cannot read PEM file {path}: {e}",
                    source.describe()
                ))
            })?;
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

/// The file a PEM input's value names: `@PATH` for an input read as PEM (a TLS client
/// certificate or key, RFC 8705 section 2; a key assertions are signed with, RFC 7523), which
/// spans lines and is kept in files. PEM never starts with `@`, so the value is unambiguous;
/// any other input takes `@` literally.
fn pem_file<'v>(provider: &ProviderSpec, input: &str, value: &'v str) -> Option<&'v str> {
    let pem = provider.presents_in_tls(input) || provider.signs_with(input);
    value
        .strip_prefix('@')
        .filter(|path| pem && !path.is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;
    use tokenspec_runtime::{CredentialsSpec, InputSpec, MutualTls, Placement, ProviderSpec};

    static TLS: ProviderSpec = ProviderSpec {
        name: "mtls",
        inputs: &[
            InputSpec {
                name: "client_id",
                ..InputSpec::REQUIRED
            },
            InputSpec {
                name: "client_certificate",
                secret: true,
                ..InputSpec::REQUIRED
            },
            InputSpec {
                name: "client_key",
                secret: true,
                ..InputSpec::REQUIRED
            },
        ],
        credentials: CredentialsSpec {
            preferred: 0,
            accepted: &[Placement::TlsClientAuth(MutualTls {
                client_id: "client_id",
                certificate: "client_certificate",
                key: "client_key",
            })],
        },
        ..ProviderSpec::DEFAULT
    };

    const KEY_PEM: &str =
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAA\n-----END PRIVATE KEY-----\n";

    #[test]
    fn a_pem_input_is_read_from_the_file_an_at_sign_names() {
        let dir = std::env::temp_dir().join(format!("tokenctl-pem-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("client.key");
        std::fs::write(&path, KEY_PEM).expect("write the key");
        let mut client = Client::new(&TLS);
        let mut redactor = Redactor::new(false);
        let sets = [
            format!("client_key=@{}", path.display()),
            "client_certificate=-----BEGIN CERTIFICATE-----".to_owned(),
            // Not a PEM input: `@` is part of the value.
            "client_id=@svc".to_owned(),
        ];
        apply(&mut client, &TLS, &sets, &mut redactor).expect("applied");
        let value = |name: &str| {
            TLS.input(name)
                .and_then(|spec| client.inputs().get(spec))
                .map(str::to_owned)
        };
        assert_eq!(value("client_key").as_deref(), Some(KEY_PEM));
        assert_eq!(value("client_id").as_deref(), Some("@svc"));
        // The file's content is a secret like any PEM input.
        assert!(!redactor.text(KEY_PEM).contains("MC4CAQAwBQYDK2VwBCIEIAAA"));

        let missing = format!("client_key=@{}", dir.join("absent.key").display());
        let Err(Failure::Usage(message)) = apply(&mut client, &TLS, &[missing], &mut redactor)
        else {
            panic!("an unreadable file is a usage error");
        };
        assert!(message.contains("input `client_key`"), "{message}");
        assert!(message.contains("absent.key"), "{message}");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
