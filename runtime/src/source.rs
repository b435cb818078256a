//! Token sources: "a valid bearer token, now, cheaply, from many tasks at once".
//!
//! [`CachedTokenSource`] keeps the last token and hands it out until it is within a margin of
//! its expiry. Then one caller fetches a new one (refresh grant when the provider issued a
//! refresh token, else the client's own grant) while everyone else keeps using the old token,
//! which is still valid. With no valid token, every caller waits for that one fetch and gets
//! its result or its error: N callers, one request. A failed fetch is not cached; the next
//! call tries again.
//!
//! Tokens also go to a [`TokenStore`] (in memory by default), so that a program can persist
//! rotated refresh tokens and pick them up after a restart.

use crate::client::{Client, DynResult};
use crate::error::{JsonErrorBody, StoreError, UnexpectedResponse};
use crate::expiry::Freshness;
use crate::response::TokenData;
use crate::spec::{GrantKind, GrantSpec, ParamSource, ProviderSpec};
use crate::transport::BoxFuture;
use crate::{Error, Secret};
use futures_util::FutureExt;
use futures_util::future::Shared;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};
use sync_wrapper::SyncWrapper;

/// Hands out an access token for calling an API.
///
/// [`Client`] implements it by fetching a new token with its default grant on every call;
/// [`CachedTokenSource`] reuses tokens until shortly before expiry.
pub trait TokenSource: Send + Sync {
    /// A token valid now.
    fn access_token(&self) -> BoxFuture<'_, DynResult<Secret>>;
}

impl TokenSource for Client {
    fn access_token(&self) -> BoxFuture<'_, DynResult<Secret>> {
        Box::pin(async move {
            let grant = unattended_grant(self.provider())?;
            let data = self.fetch(grant.kind, &[]).await?;
            access_token_of(&data)
        })
    }
}

/// Lifetime assumed when neither the response nor the spec gives one. Short, so that a token
/// of unknown lifetime is not trusted for long.
pub const UNKNOWN_LIFETIME: Duration = Duration::from_secs(60);

/// Longest lifetime believed: an absurd `expires_in` (years) is cut to this.
pub const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The default margin before expiry at which a token is renewed: 10% of its lifetime, at most
/// 60 s, at least 1 s.
pub fn default_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).clamp(Duration::from_secs(1), Duration::from_secs(60))
}

/// A token as a [`TokenStore`] keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredToken {
    /// The access token.
    pub access_token: Secret,
    /// When it stops being valid.
    pub expires_at: SystemTime,
    /// The refresh token, if the provider issued one (after rotation: the newest).
    pub refresh_token: Option<Secret>,
}

/// Where a [`CachedTokenSource`] keeps tokens beyond its memory: implement it to persist
/// rotated refresh tokens (a file, a database, a secret manager).
///
/// `key` names the token (`<provider>/<environment>` unless set with
/// [`CachedTokenSource::with_key`]). Errors become [`Error::Store`]; a token fetched before a
/// failed `save` is still served from memory.
pub trait TokenStore: Send + Sync {
    /// The token saved under `key`, if any.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>>;
    /// Saves `token` under `key`, replacing what was there.
    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// The default store: a map in memory, lost when the process ends.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<HashMap<String, StoredToken>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>> {
        let token = self
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned();
        Box::pin(async move { Ok(token) })
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        self.tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_owned(), token.clone());
        Box::pin(async { Ok(()) })
    }
}

/// A token in memory.
#[derive(Debug)]
struct Cached {
    access_token: Secret,
    refresh_token: Option<Secret>,
    expires_at: Instant,
    /// `expires_at` minus the margin: from here on, one caller renews it.
    renew_at: Instant,
    /// Wall-clock expiry, for the store.
    expires_at_wall: SystemTime,
    /// Set until `renew_at` (at the latest a second before `expires_at`) by the expiry timer,
    /// so that a hit needs no clock read.
    fresh: Arc<Freshness>,
}

impl Cached {
    /// Whether the token can be served without renewal: the timer's flag, or, once it is
    /// cleared (or was never set), the clock.
    #[inline]
    fn is_fresh(&self) -> bool {
        self.fresh.is_set() || Instant::now() < self.renew_at
    }
}

type FlightResult = Result<Arc<Cached>, Error<JsonErrorBody>>;
type Flight = Shared<BoxFuture<'static, FlightResult>>;

#[derive(Default)]
struct State {
    token: Option<Arc<Cached>>,
    /// The fetch under way, if any, with its number.
    flight: Option<(u64, Flight)>,
    flights: u64,
}

struct Inner {
    client: Client,
    store: Arc<dyn TokenStore>,
    key: String,
    margin: Option<Duration>,
    state: RwLock<State>,
}

/// A cached, single-flight token source for one client. Cheap to clone: clones share the
/// cache. `B` is the provider's typed error body (generated clients set it).
///
/// - A token is served until `margin` before its expiry ([`default_margin`] unless set), and
///   never after its expiry.
/// - When it needs renewing, exactly one fetch runs however many callers ask; callers with no
///   valid token wait for it and all get its result or its error; callers that still have a
///   valid token are served at once.
/// - A provider that issued a refresh token is asked with the `refresh_token` grant; if it
///   refuses (`invalid_grant`), the client's own grant runs instead. A response without a new
///   refresh token keeps the previous one; a rotated one replaces it.
pub struct CachedTokenSource<B = JsonErrorBody> {
    inner: Arc<Inner>,
    body: PhantomData<fn() -> B>,
}

impl<B> Clone for CachedTokenSource<B> {
    fn clone(&self) -> Self {
        CachedTokenSource {
            inner: self.inner.clone(),
            body: PhantomData,
        }
    }
}

impl<B> std::fmt::Debug for CachedTokenSource<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self
            .inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("CachedTokenSource")
            .field("provider", &self.inner.client.provider().name)
            .field("key", &self.inner.key)
            .field("cached", &state.token.is_some())
            .field("fetching", &state.flight.is_some())
            .finish_non_exhaustive()
    }
}

impl<B> CachedTokenSource<B> {
    /// A source for `client` with an in-memory store and the default margin.
    pub fn new(client: Client) -> Self {
        let key = format!("{}/{}", client.provider().name, client.environment().name);
        CachedTokenSource {
            inner: Arc::new(Inner {
                client,
                store: Arc::new(MemoryStore::new()),
                key,
                margin: None,
                state: RwLock::new(State::default()),
            }),
            body: PhantomData,
        }
    }

    fn rebuild(self, f: impl FnOnce(&mut Inner)) -> Self {
        let mut inner = Arc::try_unwrap(self.inner).unwrap_or_else(|shared| Inner {
            // Already shared: the new settings start from an empty cache.
            client: shared.client.clone(),
            store: shared.store.clone(),
            key: shared.key.clone(),
            margin: shared.margin,
            state: RwLock::new(State::default()),
        });
        f(&mut inner);
        CachedTokenSource {
            inner: Arc::new(inner),
            body: PhantomData,
        }
    }

    /// Renews tokens `margin` before expiry instead of the default.
    pub fn with_margin(self, margin: Duration) -> Self {
        self.rebuild(|inner| inner.margin = Some(margin))
    }

    /// Keeps tokens in `store` as well as in memory.
    pub fn with_store(self, store: Arc<dyn TokenStore>) -> Self {
        self.rebuild(|inner| inner.store = store)
    }

    /// Names the token `key` in the store (default `<provider>/<environment>`).
    pub fn with_key(self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.rebuild(|inner| inner.key = key)
    }

    /// The client underneath.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// Puts a token obtained elsewhere in the cache (and the store), e.g. the answer of an
    /// authorization-code exchange, whose grant cannot run unattended. `expires_in` counts from
    /// now.
    ///
    /// # Errors
    /// A store error; the token is in memory even then.
    pub async fn insert(
        &self,
        access_token: Secret,
        expires_in: Duration,
        refresh_token: Option<Secret>,
    ) -> Result<(), Error<B>> {
        let token = self.inner.cached(
            access_token,
            Some(expires_in),
            refresh_token,
            Instant::now(),
        );
        self.inner.keep(token).await.map(drop).map_err(Error::from)
    }

    /// Forgets the token in memory (not in the store), e.g. after the API refused it.
    pub fn clear(&self) {
        self.inner.write().token = None;
    }

    /// A token valid now: the cached one while it is valid for more than the margin, else a
    /// new one (one fetch for every caller waiting).
    ///
    /// A cache hit takes a read lock, reads a flag that a timer clears at renewal time and
    /// clones an `Arc`: no clock read, no allocation. The cache is checked when the future is
    /// first polled, not when it is created.
    ///
    /// # Errors
    /// The error of the fetch (every waiting caller gets it), or a store error.
    pub fn access_token(&self) -> AccessToken<'_, B>
    where
        B: serde::de::DeserializeOwned + Send,
    {
        AccessToken {
            source: self,
            renewal: None,
        }
    }

    /// The cached token if it is not yet due for renewal; never fetches.
    #[inline]
    pub fn cached(&self) -> Option<Secret> {
        let state = self
            .inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        state
            .token
            .as_ref()
            .filter(|token| token.is_fresh())
            .map(|token| token.access_token.clone())
    }

    /// [`access_token`](Self::access_token) for synchronous code (feature `blocking`).
    ///
    /// # Errors
    /// As `access_token`; a transport error when called inside an async runtime.
    #[cfg(feature = "blocking")]
    pub fn access_token_blocking(&self) -> Result<Secret, Error<B>>
    where
        B: serde::de::DeserializeOwned + Send,
    {
        crate::blocking::block_on(self.access_token())
    }

    async fn renew(&self) -> DynResult<Secret> {
        let flight = {
            let mut state = self.inner.write();
            let now = Instant::now();
            if let Some(token) = &state.token {
                let fetching = state.flight.is_some();
                if now < token.renew_at || (fetching && now < token.expires_at) {
                    return Ok(token.access_token.clone());
                }
            }
            match &state.flight {
                Some((_, flight)) => flight.clone(),
                None => {
                    state.flights += 1;
                    let id = state.flights;
                    let previous = state.token.clone();
                    let flight = Inner::flight(self.inner.clone(), id, previous)
                        .boxed()
                        .shared();
                    state.flight = Some((id, flight.clone()));
                    flight
                }
            }
        };
        Ok(flight.await?.access_token.clone())
    }
}

/// The future of [`CachedTokenSource::access_token`].
///
/// A named future of two words rather than an `async fn`: on a cache hit its first poll is a
/// few inlined instructions and the future itself travels in registers; a bigger state machine
/// costs more to move than the hit costs (see BENCHMARKS.md). A renewal is boxed twice over
/// (a thin box around the boxed fetch) to keep it at two words; it waits on the network, so
/// the allocation does not show.
#[must_use = "futures do nothing unless polled"]
pub struct AccessToken<'a, B> {
    source: &'a CachedTokenSource<B>,
    /// In a `SyncWrapper` (only reachable through `&mut`), so that the future is `Sync`, as
    /// an `async fn`'s would be.
    renewal: Option<Box<SyncWrapper<BoxFuture<'a, DynResult<Secret>>>>>,
}

impl<B> std::fmt::Debug for AccessToken<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessToken")
            .field("renewing", &self.renewal.is_some())
            .finish_non_exhaustive()
    }
}

impl<B: serde::de::DeserializeOwned + Send> Future for AccessToken<'_, B> {
    type Output = Result<Secret, Error<B>>;

    #[inline]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.renewal.is_none()
            && let Some(token) = self.source.cached()
        {
            return Poll::Ready(Ok(token));
        }
        self.poll_renewal(cx)
    }
}

impl<B: serde::de::DeserializeOwned + Send> AccessToken<'_, B> {
    /// Everything but a cache hit, out of line so that the hit inlines into the caller.
    #[cold]
    #[inline(never)]
    fn poll_renewal(&mut self, cx: &mut Context<'_>) -> Poll<Result<Secret, Error<B>>> {
        let source = self.source;
        let renewal = self
            .renewal
            .get_or_insert_with(|| Box::new(SyncWrapper::new(Box::pin(source.renew()))));
        let result = std::task::ready!(renewal.get_mut().as_mut().poll(cx));
        // Polled again after this (a caller's mistake), it would start over: no panic.
        self.renewal = None;
        Poll::Ready(result.map_err(Error::into_typed))
    }
}

impl<B: serde::de::DeserializeOwned> TokenSource for CachedTokenSource<B> {
    fn access_token(&self) -> BoxFuture<'_, DynResult<Secret>> {
        Box::pin(async move {
            match self.cached() {
                Some(token) => Ok(token),
                None => self.renew().await,
            }
        })
    }
}

impl Inner {
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// One fetch, shared by every caller that waits for it. It caches a new token before
    /// saving it, so a failing store loses nothing, and always clears itself.
    async fn flight(self: Arc<Self>, id: u64, previous: Option<Arc<Cached>>) -> FlightResult {
        let result = self.fetch(previous).await;
        let kept = match result {
            Ok(token) => self.keep(token).await.map_err(Error::from),
            Err(e) => Err(e),
        };
        let mut state = self.write();
        if state
            .flight
            .as_ref()
            .is_some_and(|(current, _)| *current == id)
        {
            state.flight = None;
        }
        kept
    }

    /// Caches `token` in memory, then saves it to the store.
    async fn keep(&self, token: Arc<Cached>) -> Result<Arc<Cached>, StoreError> {
        self.write().token = Some(token.clone());
        let stored = StoredToken {
            access_token: token.access_token.clone(),
            expires_at: token.expires_at_wall,
            refresh_token: token.refresh_token.clone(),
        };
        self.store.save(&self.key, &stored).await?;
        Ok(token)
    }

    async fn fetch(&self, previous: Option<Arc<Cached>>) -> FlightResult {
        let previous = match previous {
            Some(token) => Some(token),
            None => self.load().await?,
        };
        if let Some(token) = &previous
            && Instant::now() < token.renew_at
        {
            // Fresh from the store: no request needed.
            return Ok(token.clone());
        }
        let provider = self.client.provider();
        let previous_refresh = previous.as_ref().and_then(|t| t.refresh_token.clone());
        if let Some(refresh_token) = &previous_refresh
            && provider.grant(GrantKind::RefreshToken).is_some()
        {
            let sent = Instant::now();
            match self
                .client
                .fetch(
                    GrantKind::RefreshToken,
                    &[("refresh_token", refresh_token.expose())],
                )
                .await
            {
                Ok(data) => return self.entry_for(&data, previous_refresh.clone(), sent),
                Err(e) if refused_grant(&e) => {
                    tracing::info!(
                        provider = provider.name,
                        "refresh token refused; using the client's own grant"
                    );
                }
                Err(e) => return Err(e),
            }
        }
        let grant = unattended_grant(provider)?;
        let sent = Instant::now();
        let data = self.client.fetch(grant.kind, &[]).await?;
        self.entry_for(&data, None, sent)
    }

    /// The token kept in the store, if any, as a cache entry (expired ones still carry a
    /// refresh token worth using).
    async fn load(&self) -> Result<Option<Arc<Cached>>, Error<JsonErrorBody>> {
        let Some(stored) = self.store.load(&self.key).await? else {
            return Ok(None);
        };
        let now_wall = SystemTime::now();
        let left = stored
            .expires_at
            .duration_since(now_wall)
            .unwrap_or(Duration::ZERO);
        Ok(Some(self.cached_until(
            stored.access_token,
            left,
            stored.refresh_token,
            Instant::now(),
            stored.expires_at,
        )))
    }

    fn entry_for(
        &self,
        data: &TokenData,
        previous_refresh: Option<Secret>,
        sent: Instant,
    ) -> FlightResult {
        let access_token = access_token_of(data)?;
        let expires_in = data
            .get("expires_in")
            .and_then(serde_json::Value::as_u64)
            .map(Duration::from_secs);
        let refresh_token = data
            .get("refresh_token")
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .or(previous_refresh);
        Ok(self.cached(access_token, expires_in, refresh_token, sent))
    }

    /// A cache entry for a token issued at `issued` (the moment the request was sent, so that
    /// network time counts against the token, not for it).
    fn cached(
        &self,
        access_token: Secret,
        expires_in: Option<Duration>,
        refresh_token: Option<Secret>,
        issued: Instant,
    ) -> Arc<Cached> {
        let lifetime = expires_in
            .or(self
                .client
                .provider()
                .access_lifetime
                .map(Duration::from_secs))
            .unwrap_or(UNKNOWN_LIFETIME)
            .min(MAX_LIFETIME);
        let now = SystemTime::now();
        let wall = now.checked_add(lifetime).unwrap_or(now);
        self.cached_until(access_token, lifetime, refresh_token, issued, wall)
    }

    fn cached_until(
        &self,
        access_token: Secret,
        lifetime: Duration,
        refresh_token: Option<Secret>,
        from: Instant,
        expires_at_wall: SystemTime,
    ) -> Arc<Cached> {
        let lifetime = lifetime.min(MAX_LIFETIME);
        let margin = self.margin.unwrap_or_else(|| default_margin(lifetime));
        let expires_at = from.checked_add(lifetime).unwrap_or(from);
        let renew_at = expires_at.checked_sub(margin).unwrap_or(from).max(from);
        let fresh = Arc::new(Freshness::default());
        fresh.arm(renew_at, expires_at);
        Arc::new(Cached {
            access_token,
            refresh_token,
            expires_at,
            renew_at,
            expires_at_wall,
            fresh,
        })
    }
}

/// Whether the provider refused a refresh token (RFC 6749 `invalid_grant`).
fn refused_grant(error: &Error<JsonErrorBody>) -> bool {
    matches!(error, Error::Provider(e)
        if e.body.0.get("error").and_then(serde_json::Value::as_str) == Some("invalid_grant"))
}

/// The grant a source can run with no user present: the spec's first, unless it needs a value
/// on every call (an authorization code).
fn unattended_grant(provider: &'static ProviderSpec) -> DynResult<&'static GrantSpec> {
    let Some(grant) = provider.default_grant() else {
        return Err(Error::input("grant", "the provider has no grant"));
    };
    let per_call = grant.params.iter().find_map(|p| match p.source {
        ParamSource::Input(name) => provider
            .input(name)
            .filter(|i| i.per_request && i.required)
            .map(|i| i.name),
        ParamSource::Fixed(_) => None,
    });
    match per_call {
        None => Ok(grant),
        Some(input) if provider.grant(GrantKind::RefreshToken).is_some() => Err(Error::input(
            "refresh_token",
            format!(
                "there is no token to refresh and the {} grant needs `{input}` from a user; \
                 insert the token of the first exchange into the source",
                grant.kind.name()
            ),
        )),
        Some(input) => Err(Error::input(
            input,
            format!("the {} grant needs it on every call", grant.kind.name()),
        )),
    }
}

fn access_token_of(data: &TokenData) -> DynResult<Secret> {
    match data.get("access_token").and_then(|v| v.as_str()) {
        Some(token) => Ok(Secret::new(token)),
        None => Err(Error::from(UnexpectedResponse {
            status: 200,
            content_type: String::new(),
            reason: "no access_token in the normalized response".into(),
            excerpt: String::new(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two words travel in registers; a bigger future is copied through memory on every call
    /// (see the type's documentation).
    #[test]
    fn the_access_token_future_is_send_and_sync() {
        fn send_sync<T: Send + Sync>(_: &T) {}
        let source = CachedTokenSource::<JsonErrorBody>::new(Client::new(&EMPTY));
        send_sync(&source.access_token());
    }

    static EMPTY: ProviderSpec = ProviderSpec {
        name: "empty",
        title: "Empty",
        description: "",
        docs: "https://example.com",
        default_environment: "production",
        environments: &[],
        inputs: &[],
        credentials: crate::spec::CredentialsSpec {
            preferred: 0,
            accepted: &[],
        },
        body: crate::spec::BodyFormat::Form,
        grants: &[],
        scopes: crate::spec::ScopesSpec {
            delimiter: " ",
            known: &[],
        },
        response: &[],
        errors: crate::spec::ErrorFormat::OAuth2,
        access_lifetime: None,
        refresh_lifetime: None,
        claims: &[],
    };

    #[test]
    fn the_access_token_future_stays_two_words() {
        assert_eq!(
            std::mem::size_of::<AccessToken<'static, JsonErrorBody>>(),
            2 * std::mem::size_of::<usize>()
        );
    }

    #[test]
    fn margin_is_a_tenth_between_one_second_and_a_minute() {
        assert_eq!(
            default_margin(Duration::from_secs(3600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            default_margin(Duration::from_secs(299)),
            Duration::from_millis(29_900)
        );
        assert_eq!(
            default_margin(Duration::from_secs(5)),
            Duration::from_secs(1)
        );
        assert_eq!(default_margin(Duration::ZERO), Duration::from_secs(1));
    }
}
