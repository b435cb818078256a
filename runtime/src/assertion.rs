//! Signed JWT assertions (RFC 7523), made anew for every token request: the client assertion
//! of `private_key_jwt` and `client_secret_jwt` (RFC 7523 section 2.2, OpenID Connect Core
//! section 9) and the assertion of the JWT-bearer grant (RFC 7523 section 2.1).
//!
//! Signing is `jsonwebtoken`'s (with the aws-lc-rs backend rustls already builds); this module
//! only decides the claims. Every assertion gets the current `iat`, `exp` a short lifetime
//! later and a random `jti` (RFC 7523 section 3, items 4 to 7), so a server that remembers
//! `jti`s (section 3, item 7; OpenID Connect Core section 9) never sees one twice, and a token
//! source that renews signs a new one each time.
//!
//! An assertion is a bearer credential until it expires: it is returned as a [`Secret`],
//! never logged, and an error names the input at fault, never a key or the assertion.

use crate::input::Inputs;
use crate::spec::{AssertionSpec, JwsAlgorithm, ParamSource, ProviderSpec};
use crate::{Error, Secret};
use base64::Engine as _;
use jsonwebtoken::crypto::CryptoProvider;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// Bytes of randomness in a `jti`: 128 bits, so that two assertions never share one
/// (RFC 7519 section 4.1.7: "a negligible probability that the same value will be
/// accidentally assigned").
const JTI_BYTES: usize = 16;

/// The `jsonwebtoken` algorithm of a spec's algorithm.
fn algorithm(alg: JwsAlgorithm) -> Algorithm {
    match alg {
        JwsAlgorithm::HS256 => Algorithm::HS256,
        JwsAlgorithm::HS384 => Algorithm::HS384,
        JwsAlgorithm::HS512 => Algorithm::HS512,
        JwsAlgorithm::RS256 => Algorithm::RS256,
        JwsAlgorithm::RS384 => Algorithm::RS384,
        JwsAlgorithm::RS512 => Algorithm::RS512,
        JwsAlgorithm::PS256 => Algorithm::PS256,
        JwsAlgorithm::PS384 => Algorithm::PS384,
        JwsAlgorithm::PS512 => Algorithm::PS512,
        JwsAlgorithm::ES256 => Algorithm::ES256,
        JwsAlgorithm::ES384 => Algorithm::ES384,
        JwsAlgorithm::EdDSA => Algorithm::EdDSA,
    }
}

/// The signing key held by `value` for `alg`. The error says what was expected and never
/// quotes the value, nor what the PEM parser said about its bytes.
fn signing_key(alg: JwsAlgorithm, value: &str) -> Result<EncodingKey, String> {
    let pem = value.trim().as_bytes();
    let (key, expected) = match alg {
        JwsAlgorithm::HS256 | JwsAlgorithm::HS384 | JwsAlgorithm::HS512 => (
            EncodingKey::from_secret(value.as_bytes()),
            "a non-empty shared secret",
        ),
        JwsAlgorithm::RS256
        | JwsAlgorithm::RS384
        | JwsAlgorithm::RS512
        | JwsAlgorithm::PS256
        | JwsAlgorithm::PS384
        | JwsAlgorithm::PS512 => (
            EncodingKey::from_rsa_pem(pem),
            "a PEM-encoded RSA private key (`BEGIN RSA PRIVATE KEY` or `BEGIN PRIVATE KEY`)",
        ),
        JwsAlgorithm::ES256 | JwsAlgorithm::ES384 => (
            EncodingKey::from_ec_pem(pem),
            "a PEM-encoded EC private key (`BEGIN PRIVATE KEY`, PKCS#8)",
        ),
        JwsAlgorithm::EdDSA => (
            EncodingKey::from_ed_pem(pem),
            "a PEM-encoded Ed25519 private key (`BEGIN PRIVATE KEY`, PKCS#8)",
        ),
    };
    key.map_err(|_| format!("is not {expected} for {}", alg.name()))
}

/// jsonwebtoken signs through a process-wide crypto provider, found from its crate features
/// when exactly one backend is enabled. Should another crate in the build enable a second
/// backend, the one this crate depends on is installed instead of letting `encode` panic.
fn crypto_provider_ready() -> bool {
    if CryptoProvider::try_get_default().is_some() {
        return true;
    }
    // Another thread may install one first: either way one is installed afterwards.
    let _ = jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER.install_default();
    CryptoProvider::try_get_default().is_some()
}

/// A fresh `jti`: random bytes from the operating system's CSPRNG, base64url.
fn random_jti() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; JTI_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The value of a claim read from `source`: `Ok(None)` for an unset optional input.
fn claim_value<'a, B>(
    provider: &ProviderSpec,
    inputs: &'a Inputs,
    source: ParamSource,
) -> Result<Option<&'a str>, Error<B>> {
    match source {
        ParamSource::Fixed(value) => Ok(Some(value)),
        ParamSource::Input(input) => inputs.require(provider, input),
        // Validation lowers a claim to a fixed value or an input only (spec format 1.2's
        // templates and JSON values are for parameters and headers).
        ParamSource::Template(_) | ParamSource::Json(_) => Err(Error::input(
            "assertion",
            "a claim is a fixed value or an input, not a template or a JSON value",
        )),
    }
}

/// A registered claim the assertion cannot go without (RFC 7523 section 3, items 1 to 3).
fn required_claim<'a, B>(
    provider: &ProviderSpec,
    inputs: &'a Inputs,
    source: ParamSource,
    claim: &str,
) -> Result<&'a str, Error<B>> {
    match claim_value(provider, inputs, source)? {
        Some(value) if !value.is_empty() => Ok(value),
        _ => {
            let input = match source {
                ParamSource::Input(input) => input,
                _ => claim,
            };
            Err(Error::input(
                input,
                format!("required for the assertion's `{claim}` claim (RFC 7523 section 3)"),
            ))
        }
    }
}

/// The claims of a new assertion issued at `now` (seconds since the epoch): `iss`, `sub`,
/// `aud`, `iat`, `exp`, `jti` and the spec's further claims.
pub(crate) fn claims<B>(
    provider: &ProviderSpec,
    spec: &AssertionSpec,
    inputs: &Inputs,
    token_url: &str,
    now: u64,
    jti: String,
) -> Result<Map<String, Value>, Error<B>> {
    let mut claims = Map::new();
    let issuer = required_claim(provider, inputs, spec.issuer, "iss")?;
    claims.insert("iss".into(), issuer.into());
    let subject = required_claim(provider, inputs, spec.subject, "sub")?;
    claims.insert("sub".into(), subject.into());
    // RFC 7523 section 3, item 3: "the token endpoint URL of the authorization server MAY be
    // used as a value for an aud element" (OpenID Connect Core section 9: it SHOULD be).
    let audience = match spec.audience {
        Some(source) => required_claim(provider, inputs, source, "aud")?,
        None => token_url,
    };
    claims.insert("aud".into(), audience.into());
    let expiry = now
        .checked_add(spec.lifetime)
        .ok_or_else(|| Error::input(spec.key, "the assertion's lifetime overflows `exp`"))?;
    claims.insert("iat".into(), now.into());
    claims.insert("exp".into(), expiry.into());
    claims.insert("jti".into(), jti.into());
    for (name, source) in spec.claims {
        if let Some(value) = claim_value(provider, inputs, *source)? {
            claims.insert((*name).into(), value.into());
        }
    }
    Ok(claims)
}

/// A new signed assertion for a request to `token_url`, by `spec`, with the caller's inputs.
///
/// # Errors
/// [`Error::InvalidInput`] naming the input at fault: a key that is not one for the
/// algorithm, an unset issuer or subject; or naming the key input when the system clock is
/// before 1970 or the operating system has no randomness for the `jti`.
pub fn sign<B>(
    provider: &ProviderSpec,
    spec: &AssertionSpec,
    inputs: &Inputs,
    token_url: &str,
) -> Result<Secret, Error<B>> {
    let key_value = inputs
        .require(provider, spec.key)?
        .ok_or_else(|| Error::input(spec.key, "required to sign the assertion"))?;
    let key = signing_key(spec.algorithm, key_value).map_err(|r| Error::input(spec.key, r))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| Error::input(spec.key, "the system clock is before 1970: no `iat`"))?
        .as_secs();
    let jti = random_jti().map_err(|e| {
        Error::input(
            spec.key,
            format!("no randomness for the assertion's `jti`: {e}"),
        )
    })?;
    let claims = claims(provider, spec, inputs, token_url, now, jti)?;
    let mut header = Header::new(algorithm(spec.algorithm));
    if let Some(input) = spec.key_id
        && let Some(kid) = inputs.require(provider, input)?
    {
        header.kid = Some(kid.to_owned());
    }
    if !crypto_provider_ready() {
        return Err(Error::input(
            spec.key,
            "no jsonwebtoken crypto provider is available to sign the assertion",
        ));
    }
    // The error of a key that parsed but cannot sign (an EC key of the wrong curve, an RSA key
    // too short) names the input; jsonwebtoken's message is left out, as it may describe the
    // key.
    jsonwebtoken::encode(&header, &claims, &key)
        .map(Secret::new)
        .map_err(|_| {
            Error::input(
                spec.key,
                format!(
                    "cannot sign an {} assertion with this key (wrong key type, curve or size)",
                    spec.algorithm.name()
                ),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{ClientAssertion, CredentialsSpec, InputSpec, Placement, ProviderSpec};

    static INPUTS: [InputSpec; 3] = [
        InputSpec {
            name: "client_id",
            ..InputSpec::REQUIRED
        },
        InputSpec {
            name: "signing_key",
            secret: true,
            ..InputSpec::REQUIRED
        },
        InputSpec {
            name: "tenant",
            ..InputSpec::DEFAULT
        },
    ];
    static PROVIDER: ProviderSpec = ProviderSpec {
        name: "example",
        inputs: &INPUTS,
        credentials: CredentialsSpec {
            preferred: 0,
            accepted: &[Placement::ClientSecretJwt(ClientAssertion {
                client_id: "client_id",
                send_client_id: false,
                assertion: SPEC,
            })],
        },
        ..ProviderSpec::DEFAULT
    };
    const SPEC: AssertionSpec = AssertionSpec {
        algorithm: JwsAlgorithm::HS256,
        key: "signing_key",
        key_id: None,
        issuer: ParamSource::Input("client_id"),
        subject: ParamSource::Input("client_id"),
        audience: None,
        lifetime: 90,
        claims: &[
            ("tenant", ParamSource::Input("tenant")),
            ("scope", ParamSource::Fixed("read")),
        ],
    };

    fn inputs(pairs: &[(&str, &str)]) -> Inputs {
        let mut inputs = Inputs::new();
        for (name, value) in pairs {
            inputs
                .set::<crate::OAuthErrorBody>(&PROVIDER, name, *value)
                .expect("a declared input");
        }
        inputs
    }

    #[test]
    fn claims_follow_rfc7523_section_3() {
        let inputs = inputs(&[("client_id", "app"), ("signing_key", "k"), ("tenant", "t1")]);
        let claims = claims::<crate::OAuthErrorBody>(
            &PROVIDER,
            &SPEC,
            &inputs,
            "https://as.example/token",
            1_000,
            "j".into(),
        )
        .expect("claims");
        let mut keys: Vec<&str> = claims.keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["aud", "exp", "iat", "iss", "jti", "scope", "sub", "tenant"]
        );
        assert_eq!(claims["iss"], "app");
        assert_eq!(claims["sub"], "app");
        assert_eq!(claims["aud"], "https://as.example/token");
        assert_eq!(claims["iat"], 1_000);
        assert_eq!(claims["exp"], 1_090);
        assert_eq!(claims["tenant"], "t1");
        assert_eq!(claims["scope"], "read");
    }

    #[test]
    fn an_unset_optional_claim_input_is_left_out_and_an_unset_issuer_is_refused() {
        let set = inputs(&[("client_id", "app"), ("signing_key", "k")]);
        let claims = claims::<crate::OAuthErrorBody>(&PROVIDER, &SPEC, &set, "u", 0, "j".into())
            .expect("claims");
        assert!(!claims.contains_key("tenant"));
        let unset = inputs(&[("signing_key", "k")]);
        let error =
            sign::<crate::OAuthErrorBody>(&PROVIDER, &SPEC, &unset, "u").expect_err("no client_id");
        assert!(
            matches!(&error, Error::InvalidInput(e) if e.input == "client_id"),
            "{error}"
        );
    }

    #[test]
    fn a_bad_pem_names_the_key_input_and_never_shows_the_key() {
        let pem = "-----BEGIN PRIVATE KEY-----\nTk9UQUtFWS1zZWNyZXQtYnl0ZXM=\n-----END PRIVATE KEY-----\n";
        for alg in [
            JwsAlgorithm::RS256,
            JwsAlgorithm::PS256,
            JwsAlgorithm::ES256,
            JwsAlgorithm::EdDSA,
        ] {
            let spec = AssertionSpec {
                algorithm: alg,
                ..SPEC
            };
            let set = inputs(&[("client_id", "app"), ("signing_key", pem)]);
            let error =
                sign::<crate::OAuthErrorBody>(&PROVIDER, &spec, &set, "u").expect_err("not a key");
            let text = format!("{error} {error:?}");
            assert!(
                matches!(&error, Error::InvalidInput(e) if e.input == "signing_key"),
                "{text}"
            );
            assert!(text.contains(alg.name()), "{text}");
            assert!(!text.contains("Tk9UQUtFWS1zZWNyZXQtYnl0ZXM"), "{text}");
        }
    }

    #[test]
    fn two_assertions_differ_in_jti_and_are_hs256_jwts() {
        let set = inputs(&[("client_id", "app"), ("signing_key", "shared-secret")]);
        let first = sign::<crate::OAuthErrorBody>(&PROVIDER, &SPEC, &set, "https://as.example/t")
            .expect("signed");
        let second = sign::<crate::OAuthErrorBody>(&PROVIDER, &SPEC, &set, "https://as.example/t")
            .expect("signed");
        assert_ne!(first.expose(), second.expose());
        assert_eq!(format!("{first:?}"), "Secret(***)");
        let header = first.expose().split('.').next().expect("a header");
        let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(header)
            .expect("base64url");
        let header: Value = serde_json::from_slice(&header).expect("JSON");
        assert_eq!(header["alg"], "HS256");
        assert_eq!(header["typ"], "JWT");
    }
}
