//! Reading the claims of a JWT access token, **without verifying its signature**.
//!
//! Claims read this way tell a client what the provider put in the token (tenant, expiry,
//! scopes); they prove nothing. Never base an authorization decision on them: the API that
//! receives the token verifies it.

use crate::response::{TokenData, normalize};
use crate::spec::ProviderSpec;
use base64::Engine as _;
use serde_json::Value;

/// Why a token's claims could not be read. Never contains the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot read the access token's claims: {reason}")]
pub struct ClaimsError {
    /// What was wrong.
    pub reason: String,
}

/// The claims of `token` as the generated `Claims` struct `T`, decoded and normalized by the
/// provider's claim specs. Nothing is verified: see [`decode_claims`].
///
/// # Errors
/// When the token is not a JWT with a JSON payload, or a claim does not fit its spec.
pub fn claims<T: crate::FromFields>(
    provider: &'static ProviderSpec,
    token: &str,
) -> Result<T, ClaimsError> {
    decode_claims(provider, token)?
        .read()
        .map_err(|e| ClaimsError {
            reason: e.to_string(),
        })
}

/// Decodes the payload of `token` and normalizes it by the provider's claim specs.
pub fn decode_claims(
    provider: &'static ProviderSpec,
    token: &str,
) -> Result<TokenData, ClaimsError> {
    let fail = |reason: &str| ClaimsError {
        reason: reason.to_owned(),
    };
    let mut parts = token.split('.');
    let (Some(_header), Some(payload), Some(_signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(fail("it is not a JWT (three dot-separated parts)"));
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| fail("the payload is not base64url"))?;
    let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&bytes) else {
        return Err(fail("the payload is not a JSON object"));
    };
    normalize(provider, provider.claims, &object).map_err(|reason| ClaimsError { reason })
}
