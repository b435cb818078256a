//! Token sources: "a valid bearer token, now, cheaply, from many tasks at once".
//!
//! [`CachedTokenSource`] keeps the last token and hands it out until it is within a margin of
//! its expiry. Then the caller that finds it due starts one renewal (refresh grant when the
//! provider issued a refresh token, else the client's own unattended grant) and waits for it;
//! callers that come while it runs keep getting the old token as long as it has more than a
//! minimum lifetime left, and wait for the renewal after that: N callers, one request. A
//! failed renewal is not cached; the next call tries again.
//!
//! The renewal runs as a task of its own on the caller's Tokio runtime, so it completes (or
//! fails) whether or not the callers that wait for it stay; it holds only a weak reference to
//! the source's state, so an abandoned source is freed, and it still saves what it fetched
//! (a rotated refresh token must not be lost). A renewal that panics is an error for its
//! callers, and the next call starts a new one.
//!
//! Expiry is judged on an injectable [`Clock`], by default the wall clock ([`SystemClock`]),
//! which keeps counting while the machine sleeps (`Instant` does not: a token could be served
//! after a suspend long past its expiry). A wall clock can be set back; a token that appears to
//! have been obtained in the future is treated as due, so a backwards jump costs a renewal,
//! never an expired token served.
//!
//! Tokens also go to a [`TokenStore`] (in memory by default), under a key that names
//! everything that makes a token differ (see [`CachedTokenSource::key`]), so that a program can
//! persist rotated refresh tokens and pick them up after a restart.

use crate::client::{Client, DynResult};
use crate::error::{JsonErrorBody, ProviderError, ReauthorizationRequired, StoreError};
use crate::error::{TransportError, TransportErrorKind, UnexpectedResponse};
use crate::expiry::{TokenExpiry, token_expiry};
use crate::response::TokenData;
use crate::spec::{GrantKind, GrantSpec, ProviderSpec};
use crate::transport::BoxFuture;
use crate::{Error, Secret};
use futures_util::FutureExt;
use futures_util::future::{Map, Shared};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};
use std::time::{Duration, SystemTime};
use tokio::task::{JoinError, JoinHandle};

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
            let data = self.fetch(grant.name(), &[]).await?;
            access_token_of(&data)
        })
    }
}

/// Lifetime assumed when neither the response nor the spec gives one. Short, so that a token
/// of unknown lifetime is not trusted for long. A spec that says its tokens never expire
/// (`expiry: never`) is believed instead: such a token is kept until it is refused.
pub const UNKNOWN_LIFETIME: Duration = Duration::from_secs(60);

/// Longest lifetime believed: an absurd `expires_in` (years) is cut to this.
pub const MAX_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// The default minimum lifetime: a token with less left is not handed out (see
/// [`CachedTokenSource::with_min_lifetime`]).
pub const DEFAULT_MIN_LIFETIME: Duration = Duration::from_secs(5);

/// The default margin before expiry at which a token is renewed: 10% of its lifetime, at most
/// 60 s, at least 1 s.
pub fn default_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).clamp(Duration::from_secs(1), Duration::from_secs(60))
}

/// The clock that judges expiry. [`SystemClock`] unless a test injects another with
/// [`CachedTokenSource::with_clock`].
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The wall clock: it keeps counting while the machine is suspended, unlike `Instant`.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that moves only when told to: for tests that simulate time passing (a suspend, a
/// clock set back) without sleeping. Share it with the source through an `Arc`.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<SystemTime>,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: SystemTime) -> Self {
        ManualClock {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock forward by `by` (saturating at the end of `SystemTime`'s range).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now = now.checked_add(by).unwrap_or(*now);
    }

    /// Sets the clock to `to`, earlier or later.
    pub fn set(&self, to: SystemTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = to;
    }
}

impl Default for ManualClock {
    /// A clock standing at the current wall-clock time.
    fn default() -> Self {
        ManualClock::new(SystemTime::now())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The clock of a source: the system clock is called directly, so a cache hit pays no
/// dynamic call for it.
#[derive(Debug, Clone)]
enum TimeSource {
    System,
    Custom(Arc<dyn Clock>),
}

impl TimeSource {
    #[inline]
    fn now(&self) -> SystemTime {
        match self {
            TimeSource::System => SystemTime::now(),
            TimeSource::Custom(clock) => clock.now(),
        }
    }
}

/// A token as a [`TokenStore`] keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredToken {
    /// The access token.
    pub access_token: Secret,
    /// When it stops being valid; `None` for a token that lives until it is revoked.
    pub expires_at: Option<SystemTime>,
    /// The refresh token, if the provider issued one (after rotation: the newest).
    pub refresh_token: Option<Secret>,
}

/// Where a [`CachedTokenSource`] keeps tokens beyond its memory: implement it to persist
/// rotated refresh tokens (a file, a database, a secret manager).
///
/// `key` names the token (see [`CachedTokenSource::key`]); it holds no secret. Errors become
/// [`Error::Store`]; a token fetched before a failed `save` is still served from memory.
pub trait TokenStore: Send + Sync {
    /// The token saved under `key`, if any.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>>;
    /// Saves `token` under `key`, replacing what was there.
    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Called when this process is about to fetch a new token for `key` because none was
    /// fresh; `due` is the access token it found due, if any. A store shared by several
    /// processes (the `RedisStore` of feature `redis`) lets one of them fetch while the others
    /// wait: it answers [`Renewal::Renewed`] once another process has saved a new token, or
    /// [`Renewal::Fetch`] with the lease this process holds until its token is saved.
    ///
    /// The default, right for a store of one process: fetch, no lease.
    fn renewal<'a>(
        &'a self,
        key: &'a str,
        due: Option<&'a Secret>,
    ) -> BoxFuture<'a, Result<Renewal, StoreError>> {
        let _ = (key, due);
        Box::pin(std::future::ready(Ok(Renewal::Fetch(None))))
    }
}

/// What a [`TokenStore`] answers when this process is about to fetch a token
/// ([`TokenStore::renewal`]).
pub enum Renewal {
    /// Fetch it. The lease, if any, is held until the new token is saved (or the fetch has
    /// failed), then released.
    Fetch(Option<Box<dyn Lease>>),
    /// Another process saved a new token meanwhile: load it, no request needed.
    Renewed,
}

impl std::fmt::Debug for Renewal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Renewal::Fetch(lease) => f
                .debug_tuple("Fetch")
                .field(&lease.as_ref().map(|_| "lease"))
                .finish(),
            Renewal::Renewed => f.write_str("Renewed"),
        }
    }
}

/// The right to fetch one key's token on behalf of every process sharing a store, from
/// [`TokenStore::renewal`]. A holder that dies never releases it: the store must let it expire.
pub trait Lease: Send + Sync {
    /// Gives the lease back. Errors are the store's to report (it is released by expiry then).
    fn release(self: Box<Self>) -> BoxFuture<'static, ()>;
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

    /// The keys saved so far (they hold no secret), sorted.
    pub fn keys(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .tokens
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
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

/// Whose token a source holds, which decides what a refused refresh token leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// A user's grant (an authorization-code exchange, a token inserted from elsewhere): only
    /// its refresh token may renew it, never another grant.
    User,
    /// The client's own grant, by name (two extension grants may share a kind), which the
    /// source may run again.
    Unattended(&'static str),
}

/// A token in memory. All times are on the source's clock.
#[derive(Debug)]
struct Cached {
    access_token: Secret,
    refresh_token: Option<Secret>,
    origin: Origin,
    /// When its request was sent (lifetimes count from there). A clock now earlier than this
    /// has been set back: the token is then treated as due.
    obtained: SystemTime,
    /// From here on, the next caller renews it. `None` (with the two below) for a token that
    /// never expires: it is kept until an API refuses it ([`CachedTokenSource::forget`]).
    renew_at: Option<SystemTime>,
    /// From here on, it is not handed out at all (the minimum lifetime is left).
    serve_until: Option<SystemTime>,
    expires_at: Option<SystemTime>,
}

impl Cached {
    /// Whether it can be served without a renewal.
    #[inline]
    fn is_fresh(&self, now: SystemTime) -> bool {
        self.obtained <= now && self.renew_at.is_none_or(|at| now < at)
    }

    /// Whether it may still be served while a renewal runs.
    fn is_servable(&self, now: SystemTime) -> bool {
        self.obtained <= now && self.serve_until.is_none_or(|at| now < at)
    }
}

type FlightResult = Result<Arc<Cached>, Error<JsonErrorBody>>;
/// A renewal's task, shared by every caller that waits for it. A panic or cancellation of the
/// task arrives as a `JoinError` and becomes an error.
type Flight =
    Shared<Map<JoinHandle<FlightResult>, fn(Result<FlightResult, JoinError>) -> FlightResult>>;

#[derive(Default)]
struct State {
    token: Option<Arc<Cached>>,
    /// The renewal under way, if any, with its number.
    flight: Option<(u64, Flight)>,
    flights: u64,
    /// The user part of the store key, once known (see `Settings::key`).
    user: Option<String>,
    /// Counts `insert`s: a renewal started before one must not replace the inserted token,
    /// which may be another identity's.
    inserts: u64,
}

/// What a source is configured with; fixed once built, shared with its renewal tasks.
struct Settings {
    client: Client,
    store: Arc<dyn TokenStore>,
    clock: TimeSource,
    margin: Option<Duration>,
    min_lifetime: Duration,
    /// A key set with `with_key`, used as is.
    key: Option<String>,
    /// `<provider>/<environment>/` and the digest of the client's identity.
    key_base: String,
}

struct Inner {
    settings: Arc<Settings>,
    state: RwLock<State>,
}

/// A cached, single-flight token source for one client. Cheap to clone: clones share the
/// cache. `B` is the provider's typed error body (generated clients set it).
///
/// - A token is renewed `margin` before its expiry ([`default_margin`] unless set) and never
///   handed out with less than the minimum lifetime left ([`DEFAULT_MIN_LIFETIME`] unless
///   set), judged on the wall clock (or the [`Clock`] injected).
/// - When it is due, exactly one renewal runs however many callers ask, as a task of its own:
///   it completes even if every caller leaves. Callers with no servable token wait for it and
///   all get its result or its error; callers that come while it runs get the old token if it
///   still has more than the minimum lifetime.
/// - A provider that issued a refresh token is asked with the `refresh_token` grant. A
///   rotated refresh token replaces the previous one; an answer without one keeps it. If the
///   provider refuses it (`invalid_grant`), a source that runs the client's own unattended
///   grant runs that grant again; a source that holds a user's token (inserted, or stored for
///   a user) returns [`Error::ReauthorizationRequired`]: it never switches identity.
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
        let state = self.inner.read();
        f.debug_struct("CachedTokenSource")
            .field("provider", &self.inner.settings.client.provider().name)
            .field("key", &self.inner.settings.key(state.user.as_deref()))
            .field("cached", &state.token.is_some())
            .field("renewing", &state.flight.is_some())
            .finish_non_exhaustive()
    }
}

impl<B> CachedTokenSource<B> {
    /// A source for `client` with an in-memory store, the wall clock, the default margin and
    /// minimum lifetime.
    pub fn new(client: Client) -> Self {
        let mut identity = Sha256::new();
        client.identity(&mut identity);
        let key_base = format!(
            "{}/{}/{}",
            client.provider().name,
            client.environment().name,
            hex(&identity.finalize()[..16])
        );
        Self::from_settings(
            Settings {
                client,
                store: Arc::new(MemoryStore::new()),
                clock: TimeSource::System,
                margin: None,
                min_lifetime: DEFAULT_MIN_LIFETIME,
                key: None,
                key_base,
            },
            None,
        )
    }

    fn from_settings(settings: Settings, user: Option<String>) -> Self {
        CachedTokenSource {
            inner: Arc::new(Inner {
                settings: Arc::new(settings),
                state: RwLock::new(State {
                    user,
                    ..State::default()
                }),
            }),
            body: PhantomData,
        }
    }

    /// A source with changed settings and an empty cache (the builders are meant to be called
    /// before first use; clones made before keep the old settings).
    fn rebuild(self, f: impl FnOnce(&mut Settings, &mut Option<String>)) -> Self {
        let old = &self.inner.settings;
        let mut settings = Settings {
            client: old.client.clone(),
            store: old.store.clone(),
            clock: old.clock.clone(),
            margin: old.margin,
            min_lifetime: old.min_lifetime,
            key: old.key.clone(),
            key_base: old.key_base.clone(),
        };
        let mut user = self.inner.read().user.clone();
        f(&mut settings, &mut user);
        Self::from_settings(settings, user)
    }

    /// Renews tokens `margin` before expiry instead of the default.
    pub fn with_margin(self, margin: Duration) -> Self {
        self.rebuild(|settings, _| settings.margin = Some(margin))
    }

    /// Never hands out a token with less than `min_lifetime` left (default
    /// [`DEFAULT_MIN_LIFETIME`]): callers wait for the renewal instead. For a token whose whole
    /// lifetime is shorter than twice this, half its lifetime is the minimum, so that short
    /// tokens stay usable.
    pub fn with_min_lifetime(self, min_lifetime: Duration) -> Self {
        self.rebuild(|settings, _| settings.min_lifetime = min_lifetime)
    }

    /// Judges expiry on `clock` instead of the wall clock (tests: [`ManualClock`]).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        self.rebuild(|settings, _| settings.clock = TimeSource::Custom(clock))
    }

    /// Keeps tokens in `store` as well as in memory.
    pub fn with_store(self, store: Arc<dyn TokenStore>) -> Self {
        self.rebuild(|settings, _| settings.store = store)
    }

    /// Names the user whose token this source holds (any stable id of yours: it goes into the
    /// store key only as a digest). The source then holds a user's grant: it loads that user's
    /// token from the store, renews it only with its refresh token, and never runs the
    /// client's own grant.
    pub fn with_user(self, user: impl AsRef<str>) -> Self {
        let digest = digest_of(b"user", user.as_ref().as_bytes());
        self.rebuild(|_, slot| *slot = Some(digest))
    }

    /// Names the token `key` in the store instead of the key derived from the client (see
    /// [`key`](Self::key)). The key must then tell apart everything the derived one does.
    pub fn with_key(self, key: impl Into<String>) -> Self {
        let key = key.into();
        self.rebuild(|settings, _| settings.key = Some(key))
    }

    /// The client underneath.
    pub fn client(&self) -> &Client {
        &self.inner.settings.client
    }

    /// The key the store keeps this source's token under, `None` before a user's source knows
    /// its user. Derived, it is `<provider>/<environment>/<identity>/<grant>`: `identity` is
    /// a SHA-256 digest of the environment's token URL, the base URL and every input set
    /// (client id, host and path values, scopes, and secrets, so that two tenants that differ
    /// only by an API key do not share a token; a secret only through PBKDF2 salted with the
    /// rest, so that a key does not let anyone test guesses of a weak secret cheaply); `grant` is the unattended grant's name, or
    /// `user-` and a digest of the user ([`with_user`](Self::with_user), else the first
    /// inserted refresh or access token). It never contains a secret's bytes.
    pub fn key(&self) -> Option<String> {
        self.inner.settings.key(self.inner.read().user.as_deref())
    }

    /// Puts a token obtained elsewhere in the cache (and the store): the answer of an
    /// authorization-code exchange, whose grant needs a user. `expires_in` counts from now;
    /// `None` means what the spec says without a response (`expiry: never`, or the documented
    /// lifetime), else [`UNKNOWN_LIFETIME`]. For an expiry of another form (an instant, a token
    /// that never expires) use [`insert_expiring`](Self::insert_expiring). Both accept the
    /// fields of a generated `TokenResponse` as they are:
    /// `source.insert(token.access_token.clone(), token.expires_in, token.refresh_token.clone())`.
    ///
    /// The token is a user's: when its refresh token is refused, the source returns
    /// [`Error::ReauthorizationRequired`] rather than run another grant.
    ///
    /// # Errors
    /// A store error; the token is in memory even then.
    pub async fn insert(
        &self,
        access_token: Secret,
        expires_in: impl Into<Option<Duration>>,
        refresh_token: impl Into<Option<Secret>>,
    ) -> Result<(), Error<B>> {
        let now = self.inner.settings.clock.now();
        let expiry = match expires_in.into() {
            // Capped like a lifetime a response gives: an absurd one is not "never".
            Some(lifetime) => now
                .checked_add(lifetime.min(MAX_LIFETIME))
                .map_or(TokenExpiry::Never, TokenExpiry::At),
            None => token_expiry(
                self.inner.settings.client.provider(),
                &serde_json::Map::new(),
                now,
            ),
        };
        self.insert_expiring(access_token, expiry, refresh_token)
            .await
    }

    /// [`insert`](Self::insert) with the expiry in any form: an instant (a `TokenResponse`'s
    /// `epoch_seconds` or `datetime` field), [`TokenExpiry::Never`], or
    /// [`TokenExpiry::Unknown`] (then [`UNKNOWN_LIFETIME`]).
    ///
    /// # Errors
    /// A store error; the token is in memory even then.
    pub async fn insert_expiring(
        &self,
        access_token: Secret,
        expiry: TokenExpiry,
        refresh_token: impl Into<Option<Secret>>,
    ) -> Result<(), Error<B>> {
        let settings = &self.inner.settings;
        let refresh_token = refresh_token.into();
        let token = settings.entry(
            access_token,
            expiry,
            refresh_token,
            Origin::User,
            settings.clock.now(),
        );
        let key = {
            let mut state = self.inner.write();
            if state.user.is_none() {
                // No user named: this token names it, so that two users' sources on one store
                // never share a key.
                let first = token.refresh_token.as_ref().unwrap_or(&token.access_token);
                state.user = Some(digest_of(b"user-token", first.expose().as_bytes()));
            }
            state.token = Some(token.clone());
            state.inserts += 1;
            settings.key(state.user.as_deref())
        };
        match key {
            Some(key) => settings.save(&key, &token).await.map_err(Error::from),
            None => Ok(()),
        }
    }

    /// Forgets the token in memory (not in the store), e.g. after the API refused it.
    pub fn clear(&self) {
        self.inner.write().token = None;
    }

    /// Stops handing out `refused`, the token an API has just answered 401 to (RFC 6750
    /// section 3.1, `invalid_token`), if it is still the current one: the next call renews it
    /// (with its refresh token when there is one, RFC 6749 section 6) and does not take the
    /// same token back from the store. A token another caller renewed meanwhile is kept, so
    /// that N requests refused at once cost one renewal, not N. The bearer middleware calls it.
    pub fn forget(&self, refused: &Secret) {
        let mut state = self.inner.write();
        let Some(token) = state
            .token
            .as_ref()
            .filter(|token| token.access_token == *refused)
        else {
            return;
        };
        // Due and unservable from the moment it was obtained; everything else is kept.
        let due = Cached {
            access_token: token.access_token.clone(),
            refresh_token: token.refresh_token.clone(),
            origin: token.origin,
            obtained: token.obtained,
            renew_at: Some(token.obtained),
            serve_until: Some(token.obtained),
            expires_at: token.expires_at,
        };
        state.token = Some(Arc::new(due));
    }

    /// A token with more than the minimum lifetime left: the cached one until the margin
    /// before its expiry, else a new one (one renewal for every caller waiting).
    ///
    /// A cache hit takes a read lock, reads the clock once and clones an `Arc`. The renewal
    /// runs on the current Tokio runtime: on a current-thread runtime it progresses while that
    /// runtime runs.
    ///
    /// # Errors
    /// The error of the renewal (every waiting caller gets it), a store error, or a transport
    /// error when called outside a Tokio runtime with no token to serve.
    pub async fn access_token(&self) -> Result<Secret, Error<B>>
    where
        B: serde::de::DeserializeOwned,
    {
        match self.cached() {
            Some(token) => Ok(token),
            None => self.renew().await.map_err(Error::into_typed),
        }
    }

    /// The cached token if it is not yet due for renewal; never fetches.
    #[inline]
    pub fn cached(&self) -> Option<Secret> {
        let state = self.inner.read();
        let token = state.token.as_ref()?;
        token
            .is_fresh(self.inner.settings.clock.now())
            .then(|| token.access_token.clone())
    }

    /// [`access_token`](Self::access_token) for synchronous code (feature `blocking`).
    ///
    /// # Errors
    /// As `access_token`; a transport error when called inside an async runtime.
    #[cfg(feature = "blocking")]
    pub fn access_token_blocking(&self) -> Result<Secret, Error<B>>
    where
        B: serde::de::DeserializeOwned,
    {
        crate::blocking::block_on(self.access_token())
    }

    /// Everything but a cache hit: serve, join the renewal under way, or start one.
    async fn renew(&self) -> DynResult<Secret> {
        // A renewal's token is checked again when its waiters wake: if it has dropped under
        // the minimum meanwhile (a suspend), or a token was inserted while it ran, the state
        // decides again (one more renewal, or the inserted token).
        for _ in 0..3 {
            let (id, flight) = match self.inner.next_step()? {
                Step::Serve(token) => return Ok(token),
                Step::Wait(id, flight) => (id, flight),
            };
            let token = match flight.await {
                Ok(token) => token,
                // A renewal that ran has cleared its flight by now (see `FlightGuard`). One
                // still registered never ran: its task was dropped unpolled with its runtime
                // (a caller gave up before that runtime ran it, then the runtime shut down).
                // Left there, it would answer every later caller with that error; so it goes,
                // and this caller, on a live runtime, starts a renewal of its own.
                Err(e) => {
                    if self.inner.clear_flight(id) {
                        continue;
                    }
                    return Err(e);
                }
            };
            let current = self.inner.read().token.clone();
            if current.is_some_and(|current| Arc::ptr_eq(&current, &token))
                && token.is_servable(self.inner.settings.clock.now())
            {
                return Ok(token.access_token.clone());
            }
        }
        Err(too_short_lived())
    }
}

/// What a caller without a fresh token does.
enum Step {
    Serve(Secret),
    /// Wait for the renewal with this number.
    Wait(u64, Flight),
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
    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Decides under the write lock, so that exactly one caller starts a renewal.
    fn next_step(self: &Arc<Self>) -> DynResult<Step> {
        let now = self.settings.clock.now();
        let mut state = self.write();
        if let Some(token) = &state.token
            && (token.is_fresh(now) || (state.flight.is_some() && token.is_servable(now)))
        {
            return Ok(Step::Serve(token.access_token.clone()));
        }
        if let Some((id, flight)) = &state.flight {
            return Ok(Step::Wait(*id, flight.clone()));
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(Error::from(TransportError::new(
                TransportErrorKind::Other,
                "no Tokio runtime to renew the token on: call access_token inside one, or use \
                 access_token_blocking",
            )));
        };
        state.flights += 1;
        let id = state.flights;
        let task = renewal(
            self.settings.clone(),
            Arc::downgrade(self),
            id,
            state.token.clone(),
            state.user.clone(),
            state.inserts,
        );
        let flight = runtime
            .spawn(task)
            .map(joined as fn(Result<FlightResult, JoinError>) -> FlightResult)
            .shared();
        state.flight = Some((id, flight.clone()));
        Ok(Step::Wait(id, flight))
    }

    /// Clears the flight numbered `id` if it is still the one under way; whether it was.
    fn clear_flight(&self, id: u64) -> bool {
        let mut state = self.write();
        let current = state
            .flight
            .as_ref()
            .is_some_and(|(current, _)| *current == id);
        if current {
            state.flight = None;
        }
        current
    }
}

/// One renewal, run as a task: fetch, cache, save. It holds the source's state only weakly:
/// an abandoned source is freed, and what was fetched is still saved.
async fn renewal(
    settings: Arc<Settings>,
    source: Weak<Inner>,
    id: u64,
    previous: Option<Arc<Cached>>,
    user: Option<String>,
    inserts: u64,
) -> FlightResult {
    // Clears the flight however the task ends: returned, panicked or dropped with its runtime.
    let _guard = FlightGuard {
        source: source.clone(),
        id,
    };
    let key = settings.key(user.as_deref());
    let Fetched {
        token,
        lease,
        from_store,
    } = settings
        .fetch(previous, key.as_deref(), user.is_some())
        .await?;
    if let Some(inner) = source.upgrade() {
        // Cached before it is saved, so a failing store loses nothing; unless a token was
        // inserted meanwhile, which stays.
        let mut state = inner.write();
        if state.inserts == inserts {
            state.token = Some(token.clone());
        }
        if state
            .flight
            .as_ref()
            .is_some_and(|(current, _)| *current == id)
        {
            state.flight = None;
        }
    }
    // A token read from the store is not written back: by now another process may have
    // saved a newer one (with a rotated refresh token) that this would overwrite.
    let saved = match &key {
        Some(key) if !from_store => settings.save(key, &token).await,
        _ => Ok(()),
    };
    // Released once the token is in the store, so that the processes waiting on the lease
    // find it there.
    if let Some(lease) = lease {
        lease.release().await;
    }
    saved?;
    Ok(token)
}

/// The result of a renewal's task; a panic in it (a panicking transport, say) is an error for
/// its callers.
fn joined(result: Result<FlightResult, JoinError>) -> FlightResult {
    result.unwrap_or_else(|e| {
        let what = if e.is_panic() {
            "the token renewal panicked"
        } else {
            "the token renewal was cancelled (its runtime shut down)"
        };
        Err(Error::from(TransportError::new(
            TransportErrorKind::Other,
            what,
        )))
    })
}

struct FlightGuard {
    source: Weak<Inner>,
    id: u64,
}

impl Drop for FlightGuard {
    fn drop(&mut self) {
        if let Some(inner) = self.source.upgrade() {
            inner.clear_flight(self.id);
        }
    }
}

/// What [`Settings::fetch`] got: a token, whether it came from the store as it is (so it is not
/// saved back), and the store's lease held until it is saved.
struct Fetched {
    token: Arc<Cached>,
    lease: Option<Box<dyn Lease>>,
    from_store: bool,
}

impl Fetched {
    fn stored(token: Arc<Cached>, from_store: bool) -> Self {
        Fetched {
            token,
            lease: None,
            from_store,
        }
    }
}

impl Settings {
    /// The store key; `None` for a user's source that does not know its user yet.
    fn key(&self, user: Option<&str>) -> Option<String> {
        if let Some(key) = &self.key {
            return Some(key.clone());
        }
        match user {
            Some(user) => Some(format!("{}/user-{user}", self.key_base)),
            None => unattended_grant(self.client.provider())
                .ok()
                .map(|grant| format!("{}/{}", self.key_base, grant.name())),
        }
    }

    async fn save(&self, key: &str, token: &Cached) -> Result<(), StoreError> {
        let stored = StoredToken {
            access_token: token.access_token.clone(),
            expires_at: token.expires_at,
            refresh_token: token.refresh_token.clone(),
        };
        self.store.save(key, &stored).await
    }

    /// A new token: from the store if it holds a fresh one, else by the refresh token, else by
    /// the client's own grant unless the token is a user's.
    ///
    /// With a store shared by several processes, only the one holding the store's lease
    /// fetches; the others take its token from the store ([`TokenStore::renewal`]).
    async fn fetch(
        &self,
        previous: Option<Arc<Cached>>,
        key: Option<&str>,
        for_user: bool,
    ) -> Result<Fetched, Error<JsonErrorBody>> {
        let (mut previous, loaded) = match previous {
            Some(token) => (Some(token), false),
            None => match key {
                Some(key) => (self.load(key, for_user).await?, true),
                None => (None, false),
            },
        };
        if let Some(token) = &previous
            && token.is_fresh(self.clock.now())
        {
            // Fresh from the store: no request needed.
            return Ok(Fetched::stored(token.clone(), loaded));
        }
        let mut lease = None;
        if let Some(key) = key {
            let due = previous.as_ref().map(|token| &token.access_token);
            match self.store.renewal(key, due).await? {
                Renewal::Fetch(granted) => lease = granted,
                Renewal::Renewed => match self.load(key, for_user).await? {
                    Some(token) if token.is_fresh(self.clock.now()) => {
                        return Ok(Fetched::stored(token, true));
                    }
                    // Renewed but already due here (clocks apart, a long margin): renew from
                    // what the other process saved, whose refresh token is the live one
                    // (the one this process holds may have been rotated away).
                    Some(token) => previous = Some(token),
                    None => {}
                },
            }
        }
        match self.fetch_new(previous, for_user).await {
            Ok(token) => Ok(Fetched {
                token,
                lease,
                from_store: false,
            }),
            Err(error) => {
                if let Some(lease) = lease {
                    lease.release().await;
                }
                Err(error)
            }
        }
    }

    /// A new token from the provider: by the refresh token, else by the client's own grant
    /// unless the token is a user's.
    async fn fetch_new(&self, previous: Option<Arc<Cached>>, for_user: bool) -> FlightResult {
        let provider = self.client.provider();
        let origin = match &previous {
            Some(token) => token.origin,
            None if for_user => Origin::User,
            None => Origin::Unattended(unattended_grant(provider)?.name()),
        };
        let previous_refresh = previous.as_ref().and_then(|t| t.refresh_token.clone());
        if let Some(refresh_token) = &previous_refresh
            && provider.grant(GrantKind::RefreshToken).is_some()
        {
            let sent = self.clock.now();
            match self
                .client
                .fetch(
                    GrantKind::RefreshToken,
                    &[("refresh_token", refresh_token.expose())],
                )
                .await
            {
                Ok(data) => return self.entry_for(&data, previous_refresh.clone(), origin, sent),
                // RFC 6749 §5.2: the refresh token is invalid, expired or revoked.
                Err(Error::Provider(e)) if is_invalid_grant(&e) && origin == Origin::User => {
                    return Err(reauthorize(
                        "the provider refused the refresh token",
                        Some(*e),
                    ));
                }
                Err(e) if refused_grant(&e) => {
                    tracing::info!(
                        provider = provider.name,
                        "refresh token refused; running the client's own grant again"
                    );
                }
                Err(e) => return Err(e),
            }
        }
        match origin {
            Origin::User if previous.is_some() => Err(reauthorize(
                "the user's token expired and there is no refresh token to renew it",
                None,
            )),
            // Nothing stored for this user: the unattended grant would be someone else's.
            Origin::User => match unattended_grant(provider) {
                Err(e) => Err(e),
                Ok(_) => Err(Error::input(
                    "refresh_token",
                    "no token stored for this user; insert the token of the user's \
                     authorization into the source",
                )),
            },
            Origin::Unattended(grant) => {
                let sent = self.clock.now();
                let data = self.client.fetch(grant, &[]).await?;
                self.entry_for(&data, None, origin, sent)
            }
        }
    }

    /// The token kept in the store, if any (expired ones still carry a refresh token worth
    /// using).
    async fn load(&self, key: &str, for_user: bool) -> DynResult<Option<Arc<Cached>>> {
        let Some(stored) = self.store.load(key).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let expiry = stored
            .expires_at
            .map_or(TokenExpiry::Never, TokenExpiry::At);
        let origin = if for_user {
            Origin::User
        } else {
            Origin::Unattended(unattended_grant(self.client.provider())?.name())
        };
        Ok(Some(self.entry(
            stored.access_token,
            expiry,
            stored.refresh_token,
            origin,
            now,
        )))
    }

    fn entry_for(
        &self,
        data: &TokenData,
        previous_refresh: Option<Secret>,
        origin: Origin,
        sent: SystemTime,
    ) -> FlightResult {
        let access_token = access_token_of(data)?;
        // Counted from when the request was sent, not when the answer came: network time
        // counts against the token. An instant the response gives is taken as it is.
        let expiry = token_expiry(self.client.provider(), data.fields(), sent);
        let refresh_token = data
            .get("refresh_token")
            .and_then(serde_json::Value::as_str)
            .filter(|s| !s.is_empty())
            .map(Secret::new)
            .or(previous_refresh);
        let token = self.entry(access_token, expiry, refresh_token, origin, sent);
        if token.is_servable(self.clock.now()) {
            Ok(token)
        } else {
            Err(too_short_lived())
        }
    }

    /// A cache entry for a token whose request was sent at `sent` (so that network time counts
    /// against the token, not for it).
    fn entry(
        &self,
        access_token: Secret,
        expiry: TokenExpiry,
        refresh_token: Option<Secret>,
        origin: Origin,
        sent: SystemTime,
    ) -> Arc<Cached> {
        let lifetime = match expiry {
            // Kept until it is cleared or refused: renewing it every minute would only
            // fetch the same kind of token again.
            TokenExpiry::Never => {
                return Arc::new(Cached {
                    access_token,
                    refresh_token,
                    origin,
                    obtained: sent,
                    renew_at: None,
                    serve_until: None,
                    expires_at: None,
                });
            }
            // An instant already past leaves no lifetime: the token is refused as too short.
            TokenExpiry::At(at) => at.duration_since(sent).unwrap_or(Duration::ZERO),
            TokenExpiry::Unknown => UNKNOWN_LIFETIME,
        }
        .min(MAX_LIFETIME);
        let min_lifetime = self.min_lifetime.min(lifetime / 2);
        // Renewal starts no later than the token stops being served.
        let margin = self
            .margin
            .unwrap_or_else(|| default_margin(lifetime))
            .max(min_lifetime);
        let expires_at = sent.checked_add(lifetime).unwrap_or(sent);
        let before = |d: Duration| expires_at.checked_sub(d).unwrap_or(sent).max(sent);
        Arc::new(Cached {
            access_token,
            refresh_token,
            origin,
            obtained: sent,
            renew_at: Some(before(margin)),
            serve_until: Some(before(min_lifetime)),
            expires_at: Some(expires_at),
        })
    }
}

/// Whether the provider refused a refresh token (RFC 6749 §5.2 `invalid_grant`).
fn refused_grant(error: &Error<JsonErrorBody>) -> bool {
    matches!(error, Error::Provider(e) if is_invalid_grant(e))
}

fn is_invalid_grant(error: &ProviderError<JsonErrorBody>) -> bool {
    error
        .body
        .0
        .get("error")
        .and_then(serde_json::Value::as_str)
        == Some("invalid_grant")
}

fn reauthorize(reason: &str, cause: Option<ProviderError<JsonErrorBody>>) -> Error<JsonErrorBody> {
    Error::ReauthorizationRequired(Box::new(ReauthorizationRequired {
        reason: reason.to_owned(),
        cause,
    }))
}

fn too_short_lived() -> Error<JsonErrorBody> {
    Error::from(UnexpectedResponse {
        status: 200,
        content_type: String::new(),
        reason: "the new token already has less than the minimum lifetime left (the answer \
                 took longer than half the token's lifetime, or the clock jumped)"
            .into(),
        excerpt: String::new(),
    })
}

/// The grant a source can run with no user present: the spec's first, unless it needs a value
/// on every call (an authorization code).
fn unattended_grant(provider: &'static ProviderSpec) -> DynResult<&'static GrantSpec> {
    let Some(grant) = provider.default_grant() else {
        return Err(Error::input("grant", "the provider has no grant"));
    };
    let per_call = grant
        .params
        .iter()
        .flat_map(|p| p.source.inputs())
        .find_map(|name| {
            provider
                .input(name)
                .filter(|i| i.per_request && i.required)
                .map(|i| i.name)
        });
    match per_call {
        None => Ok(grant),
        Some(input) if provider.grant(GrantKind::RefreshToken).is_some() => Err(Error::input(
            "refresh_token",
            format!(
                "there is no token to refresh and the {} grant needs `{input}` from a user; \
                 insert the token of the first exchange into the source",
                grant.name()
            ),
        )),
        Some(input) => Err(Error::input(
            input,
            format!("the {} grant needs it on every call", grant.name()),
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

/// A SHA-256 digest of `value` under `label`, as 32 hex digits: names a value in a key without
/// showing it.
fn digest_of(label: &[u8], value: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update((label.len() as u64).to_be_bytes());
    hasher.update(label);
    hasher.update(value);
    hex(&hasher.finalize()[..16])
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        method: crate::spec::HttpMethod::Post,
        params_in: crate::spec::ParamLocation::Body,
        grants: &[],
        scopes: crate::spec::ScopesSpec {
            delimiter: " ",
            known: &[],
        },
        response: &[],
        response_format: crate::spec::ResponseFormat::Json,
        errors: crate::spec::ErrorFormat::OAuth2,
        expiry: crate::spec::Expiry::Default,
        access_lifetime: None,
        refresh_lifetime: None,
        claims: &[],
        headers: &[],
    };

    /// Client credentials with nothing to fill in, sent to a transport that never answers.
    static HANGING: ProviderSpec = ProviderSpec {
        environments: &[crate::spec::EnvironmentSpec {
            name: "production",
            token_url: "https://auth.example.com/token",
            authorize_url: None,
            discovery: None,
        }],
        grants: &[GrantSpec {
            kind: GrantKind::ClientCredentials,
            ..GrantSpec::DEFAULT
        }],
        name: "hanging",
        title: "Hanging",
        description: "",
        docs: "https://example.com",
        default_environment: "production",
        inputs: &[],
        credentials: crate::spec::CredentialsSpec {
            preferred: 0,
            accepted: &[],
        },
        body: crate::spec::BodyFormat::Form,
        method: crate::spec::HttpMethod::Post,
        params_in: crate::spec::ParamLocation::Body,
        scopes: crate::spec::ScopesSpec {
            delimiter: " ",
            known: &[],
        },
        response: &[],
        response_format: crate::spec::ResponseFormat::Json,
        errors: crate::spec::ErrorFormat::OAuth2,
        expiry: crate::spec::Expiry::Default,
        access_lifetime: None,
        refresh_lifetime: None,
        claims: &[],
        headers: &[],
    };

    struct Hang;

    impl crate::Transport for Hang {
        fn send(
            &self,
            _: http::Request<Vec<u8>>,
        ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
            Box::pin(std::future::pending())
        }
    }

    #[tokio::test]
    async fn a_renewal_in_flight_does_not_keep_its_source_alive() {
        let mut client = Client::new(&HANGING);
        client.set_transport(Arc::new(Hang));
        let source = CachedTokenSource::<JsonErrorBody>::new(client);
        let waited = tokio::time::timeout(Duration::from_millis(20), source.access_token()).await;
        assert!(waited.is_err(), "the transport never answers");
        assert!(
            source.inner.read().flight.is_some(),
            "the renewal still runs"
        );
        let state = Arc::downgrade(&source.inner);
        drop(source);
        assert!(
            state.upgrade().is_none(),
            "no reference cycle through the task"
        );
    }

    /// Polled by an executor that is not Tokio's, a fetch and a renewal are errors at once,
    /// not panics (Tokio's timers and `spawn` panic outside a runtime).
    #[test]
    fn outside_a_tokio_runtime_calls_are_errors_not_panics() {
        let mut client = Client::new(&HANGING);
        client.set_transport(Arc::new(Hang));
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let fetch = client.fetch(GrantKind::ClientCredentials, &[]);
        let polled = std::pin::pin!(fetch).as_mut().poll(&mut context);
        assert!(
            matches!(&polled, std::task::Poll::Ready(Err(Error::Transport(e))) if e.message.contains("Tokio")),
            "{polled:?}"
        );
        let source = CachedTokenSource::<JsonErrorBody>::new(client);
        let renewal = source.access_token();
        let polled = std::pin::pin!(renewal).as_mut().poll(&mut context);
        assert!(
            matches!(&polled, std::task::Poll::Ready(Err(Error::Transport(e))) if e.message.contains("Tokio")),
            "{polled:?}"
        );
        assert!(source.inner.read().flight.is_none(), "nothing left running");
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

    fn settings(margin: Option<Duration>, min_lifetime: Duration) -> Settings {
        Settings {
            client: Client::new(&EMPTY),
            store: Arc::new(MemoryStore::new()),
            clock: TimeSource::System,
            margin,
            min_lifetime,
            key: None,
            key_base: String::new(),
        }
    }

    #[test]
    fn renewal_starts_no_later_than_serving_stops_and_short_tokens_stay_usable() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let entry = |s: &Settings, life: u64| {
            s.entry(
                Secret::new("t"),
                TokenExpiry::At(at + Duration::from_secs(life)),
                None,
                Origin::User,
                at,
            )
        };
        // A margin shorter than the minimum lifetime is raised to it.
        let token = entry(
            &settings(Some(Duration::from_secs(1)), Duration::from_secs(5)),
            3600,
        );
        assert_eq!(token.serve_until, Some(at + Duration::from_secs(3595)));
        assert_eq!(token.renew_at, token.serve_until);
        // The default margin (60 s for an hour) renews well before serving stops.
        let token = entry(&settings(None, Duration::from_secs(5)), 3600);
        assert_eq!(token.renew_at, Some(at + Duration::from_secs(3540)));
        // A 4 s token with a 5 s minimum: half its lifetime is the minimum.
        let token = entry(&settings(None, Duration::from_secs(5)), 4);
        assert_eq!(token.serve_until, Some(at + Duration::from_secs(2)));
        assert!(token.is_servable(at + Duration::from_millis(1999)));
        assert!(!token.is_servable(at + Duration::from_secs(2)));
        // A clock set back before the token was obtained: not fresh, not servable.
        assert!(!token.is_fresh(at - Duration::from_secs(1)));
        assert!(!token.is_servable(at - Duration::from_secs(1)));
    }

    #[test]
    fn absurd_lifetimes_do_not_overflow() {
        let late = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::MAX / 4);
        let s = settings(Some(Duration::MAX), Duration::MAX);
        let token = s.entry(
            Secret::new("t"),
            TokenExpiry::At(late + Duration::from_secs(u64::MAX / 8)),
            None,
            Origin::User,
            late,
        );
        // Capped at a year, however far the instant.
        assert_eq!(token.expires_at, Some(late + MAX_LIFETIME));
    }

    #[test]
    fn a_token_that_never_expires_is_always_fresh_and_one_of_unknown_expiry_lives_a_minute() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let s = settings(None, DEFAULT_MIN_LIFETIME);
        let never = s.entry(Secret::new("t"), TokenExpiry::Never, None, Origin::User, at);
        assert_eq!(never.expires_at, None);
        let decade = at + Duration::from_secs(10 * 365 * 24 * 3600);
        assert!(never.is_fresh(decade) && never.is_servable(decade));
        // A clock set back still makes it due.
        assert!(!never.is_fresh(at - Duration::from_secs(1)));
        let unknown = s.entry(
            Secret::new("t"),
            TokenExpiry::Unknown,
            None,
            Origin::User,
            at,
        );
        assert_eq!(unknown.expires_at, Some(at + UNKNOWN_LIFETIME));
        assert!(!unknown.is_fresh(at + UNKNOWN_LIFETIME));
        // An instant already past leaves no lifetime.
        let past = s.entry(
            Secret::new("t"),
            TokenExpiry::At(at - Duration::from_secs(1)),
            None,
            Origin::User,
            at,
        );
        assert!(!past.is_servable(at));
    }

    #[test]
    fn digests_name_values_without_showing_them() {
        let d = digest_of(b"user", b"alice@example.com");
        assert_eq!(d.len(), 32);
        assert!(d.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(d, digest_of(b"user", b"bob@example.com"));
        assert_ne!(d, digest_of(b"user-token", b"alice@example.com"));
    }
}
