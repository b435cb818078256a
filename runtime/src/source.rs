//! The seam for token caching: anything that hands out a valid access token.

use crate::client::{Client, DynResult};
use crate::spec::ParamSource;
use crate::transport::BoxFuture;
use crate::{Error, Secret};

/// Hands out an access token for calling an API.
///
/// [`Client`] implements it by fetching a new token with its default grant on every call; a
/// caching source (reuse until shortly before expiry, one fetch for many callers) implements
/// the same trait, so callers do not change when caching arrives.
pub trait TokenSource: Send + Sync {
    /// A token valid now.
    fn access_token(&self) -> BoxFuture<'_, DynResult<Secret>>;
}

impl TokenSource for Client {
    fn access_token(&self) -> BoxFuture<'_, DynResult<Secret>> {
        Box::pin(async move {
            let Some(grant) = self.provider().default_grant() else {
                return Err(Error::input("grant", "the provider has no grant"));
            };
            // Grants that need a per-call input (a code, a refresh token) cannot run unattended.
            if let Some(input) = grant.params.iter().find_map(|p| match p.source {
                ParamSource::Input(name) => self
                    .provider()
                    .input(name)
                    .filter(|i| i.per_request && i.required)
                    .map(|i| i.name),
                ParamSource::Fixed(_) => None,
            }) {
                return Err(Error::input(
                    input,
                    format!("the {} grant needs it on every call", grant.kind.name()),
                ));
            }
            let data = self.fetch(grant.kind, &[]).await?;
            match data.get("access_token").and_then(|v| v.as_str()) {
                Some(token) => Ok(Secret::new(token)),
                None => Err(Error::UnexpectedResponse {
                    status: 200,
                    content_type: String::new(),
                    reason: "no access_token in the normalized response".into(),
                    excerpt: String::new(),
                }),
            }
        })
    }
}
