//! PKCE verifiers (RFC 7636) and `state` values for the authorization-code grant, and the
//! check every `code_verifier` passes before anything is built with it.
//!
//! A verifier that breaks RFC 7636 section 4.1 would be accepted by the authorize step (only
//! its challenge is sent there) and refused by the token endpoint after the user has
//! authorized; so it is refused at once, by `authorize_url` and by the code exchange alike.

use crate::Secret;
use base64::Engine as _;
use std::fmt;

/// Shortest `code_verifier` RFC 7636 section 4.1 allows.
pub const MIN_VERIFIER_LEN: usize = 43;
/// Longest `code_verifier` RFC 7636 section 4.1 allows.
pub const MAX_VERIFIER_LEN: usize = 128;

/// Bytes of randomness in generated verifiers and states: 256 bits, as RFC 7636 section 4.1
/// recommends ("a 32-octet sequence"); base64url makes them 43 characters.
const RANDOM_BYTES: usize = 32;

/// Why `verifier` is no RFC 7636 section 4.1 `code_verifier` (43 to 128 characters of
/// `[A-Za-z0-9-._~]`), if it is not. The reason never quotes the value.
pub fn verifier_problem(verifier: &str) -> Option<String> {
    let len = verifier.len();
    if !(MIN_VERIFIER_LEN..=MAX_VERIFIER_LEN).contains(&len) && verifier.bytes().all(is_unreserved)
    {
        return Some(format!(
            "must be {MIN_VERIFIER_LEN} to {MAX_VERIFIER_LEN} characters (RFC 7636 section \
             4.1), not {len}; PkceVerifier::random() makes one"
        ));
    }
    if let Some(position) = verifier
        .chars()
        .position(|c| !c.is_ascii() || !is_unreserved(c as u8))
    {
        return Some(format!(
            "may contain only A-Z a-z 0-9 - . _ ~ (RFC 7636 section 4.1); character {} is not \
             one of them",
            position + 1
        ));
    }
    None
}

/// RFC 3986 section 2.3 unreserved characters: what a verifier is made of.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// `RANDOM_BYTES` from the operating system's CSPRNG, base64url without padding.
fn random_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; RANDOM_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// A PKCE `code_verifier` (RFC 7636 section 4.1): kept secret until the code exchange, so it
/// never prints itself.
///
/// ```
/// use tokenspec_runtime::pkce::PkceVerifier;
/// let verifier = PkceVerifier::random().expect("the OS has randomness");
/// assert_eq!(verifier.as_str().len(), 43);
/// // Send `verifier.as_str()` to `authorize_url` and, later, to the code exchange.
/// ```
#[derive(Clone)]
pub struct PkceVerifier(Secret);

impl PkceVerifier {
    /// A new verifier: 32 bytes from the operating system's CSPRNG, base64url-encoded
    /// (43 characters), as RFC 7636 section 4.1 recommends.
    ///
    /// # Errors
    /// When the operating system has no randomness to give (nothing is made up instead).
    pub fn random() -> Result<Self, getrandom::Error> {
        random_token().map(|token| PkceVerifier(Secret::new(token)))
    }

    /// A verifier the caller made, checked against RFC 7636 section 4.1.
    ///
    /// # Errors
    /// Why it is not one (see [`verifier_problem`]).
    pub fn new(verifier: impl Into<String>) -> Result<Self, String> {
        let verifier = verifier.into();
        match verifier_problem(&verifier) {
            Some(problem) => Err(problem),
            None => Ok(PkceVerifier(Secret::new(verifier))),
        }
    }

    /// The verifier, to pass as the `code_verifier` input.
    pub fn as_str(&self) -> &str {
        self.0.expose()
    }

    /// Its S256 `code_challenge`: BASE64URL(SHA256(verifier)) (RFC 7636 section 4.2).
    pub fn challenge(&self) -> String {
        crate::request::pkce_challenge(self.as_str())
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier(***)")
    }
}

/// An unguessable `state` for the authorize URL (RFC 6749 section 10.12: it binds the redirect
/// to the user's session against CSRF): 32 bytes from the operating system's CSPRNG,
/// base64url-encoded (43 characters). Compare the `state` the redirect brings back with
/// [`State::matches`].
#[derive(Clone, PartialEq, Eq)]
pub struct State(String);

impl State {
    /// A new random state.
    ///
    /// # Errors
    /// When the operating system has no randomness to give.
    pub fn random() -> Result<Self, getrandom::Error> {
        random_token().map(State)
    }

    /// The state, to pass as the `state` input and to keep in the user's session.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `returned` (the redirect's `state` parameter) is this state, compared in time
    /// that does not depend on where they differ.
    pub fn matches(&self, returned: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), returned.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Not a credential, but whoever holds it can complete a forged redirect.
        f.write_str("State(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_verifiers_are_43_unreserved_characters_and_differ() {
        let a = PkceVerifier::random().expect("randomness");
        let b = PkceVerifier::random().expect("randomness");
        assert_eq!(a.as_str().len(), 43);
        assert_eq!(verifier_problem(a.as_str()), None);
        assert_ne!(a.as_str(), b.as_str());
        assert_eq!(format!("{a:?}"), "PkceVerifier(***)");
        assert!(!format!("{a:?}").contains(a.as_str()));
        let state = State::random().expect("randomness");
        assert_eq!(state.as_str().len(), 43);
        assert_ne!(state, State::random().expect("randomness"));
        assert!(state.matches(state.as_str()));
        assert!(!state.matches(&state.as_str()[1..]));
        assert!(!state.matches(""));
    }

    #[test]
    fn verifiers_outside_rfc7636_are_refused_without_quoting_them() {
        let ok = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(verifier_problem(ok), None);
        assert_eq!(verifier_problem(&"a".repeat(43)), None);
        assert_eq!(verifier_problem(&"~._-".repeat(32)), None);
        for bad in [
            "a".repeat(42),
            "a".repeat(129),
            String::new(),
            format!("{}+", "a".repeat(42)),
            format!("{}=", "a".repeat(42)),
            format!("{} ", "a".repeat(42)),
            format!("{}é", "a".repeat(42)),
            format!("{}%41", "a".repeat(40)),
        ] {
            let problem = verifier_problem(&bad).expect("refused");
            assert!(!problem.contains(&bad) || bad.is_empty(), "{problem}");
            assert!(PkceVerifier::new(bad).is_err());
        }
        assert!(
            verifier_problem(&"a".repeat(42))
                .is_some_and(|p| p.contains("43 to 128") && p.contains("not 42"))
        );
        assert_eq!(
            PkceVerifier::new(ok).expect("valid").challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
