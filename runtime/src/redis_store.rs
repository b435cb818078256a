//! A [`TokenStore`] in Redis, shared by a fleet of processes (feature `redis`).
//!
//! - **One fetch per renewal across the fleet.** A process that finds a token due takes a
//!   lock with an expiry (`SET <key>#lock <random> NX PX <lock_ttl>`); the one that gets it
//!   fetches, saves the token, and releases the lock with a compare-and-delete (a Lua script:
//!   only the value it set). The others poll the token's key (every `poll`, for at most
//!   `wait`) until a token other than the one they found due is there, and take it. Within a
//!   process, the [`CachedTokenSource`](crate::CachedTokenSource)'s single flight keeps
//!   working on top: one task per process waits, not every caller.
//! - **A holder that dies never blocks the fleet**: its lock expires after `lock_ttl`, and a
//!   waiting process takes it and fetches.
//! - **Redis unavailable** (down, slow, refusing): every operation is bounded by `timeout`;
//!   a failure is logged (at most one warning per 10 s) and the process goes on alone: a load
//!   finds nothing, a save is skipped, a renewal fetches for itself. With `strict: true` the
//!   failure is an [`Error::Store`](crate::Error::Store) instead.
//! - **Nothing readable in Redis**: values are sealed with AES-256-GCM under the key the user
//!   supplies, with its key id in the value so that keys can rotate (older keys still open
//!   what they sealed); the Redis key name is the associated data, so a value copied under
//!   another key does not open. Key names are the source's store keys, which hold no secret
//!   (inputs that could be sensitive are digested, see
//!   [`CachedTokenSource::key`](crate::CachedTokenSource::key)). A value lives no longer than
//!   its token (`PX` to its expiry; with a refresh token, at most `refresh_ttl`).
//! - **Rotating refresh tokens**: only the lock holder uses the refresh token, and it saves the
//!   rotated one before it releases the lock, so two processes never both spend the same one
//!   (as long as a fetch takes less than `lock_ttl`: keep it above the client's total timeout).

use crate::source::{Lease, Renewal, StoredToken, TokenStore};
use crate::transport::BoxFuture;
use crate::{Secret, StoreError};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use redis::AsyncCommands as _;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use zeroize::Zeroizing;

/// The prefix of sealed values: format version 1.
const SEALED: &str = "tsv1";
/// At most one warning about an unavailable Redis per this long.
const WARN_EVERY: Duration = Duration::from_secs(10);

/// Compare-and-delete: releases the lock only if it still holds this process's value.
const RELEASE: &str = r"if redis.call('GET', KEYS[1]) == ARGV[1] then
    return redis.call('DEL', KEYS[1])
end
return 0";

/// A 256-bit AES-GCM key with its id. The id is written in each value it seals, so it must
/// not be secret; it names the key (`2026-11`, `k2`).
#[derive(Clone)]
pub struct EncryptionKey {
    id: String,
    cipher: Aes256Gcm,
}

impl EncryptionKey {
    /// A key from 32 bytes (e.g. from a secret manager) and its id (1 to 64 characters out of
    /// `A-Z a-z 0-9 - _ .`).
    ///
    /// # Errors
    /// A [`StoreError`] if the id is not of that form.
    pub fn new(id: &str, bytes: &[u8; 32]) -> Result<Self, StoreError> {
        let valid = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid {
            return Err(StoreError::new(
                "the encryption key id must be 1 to 64 characters of A-Z a-z 0-9 - _ .",
            ));
        }
        Ok(EncryptionKey {
            id: id.to_string(),
            cipher: Aes256Gcm::new(bytes.into()),
        })
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncryptionKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// How a [`RedisStore`] waits and gives up.
#[derive(Debug, Clone)]
pub struct RedisOptions {
    /// Prefix of every key it writes. Default `tokenspec:`.
    pub prefix: String,
    /// How long a renewal lock lives if its holder never releases it (it died). Default 30 s;
    /// keep it above the client's total timeout, so a slow fetch keeps its lock.
    pub lock_ttl: Duration,
    /// How long a process waits for another's renewal before it fetches for itself; never
    /// less than `lock_ttl`. Default: the lock's expiry plus 5 s.
    pub wait: Duration,
    /// How often a waiting process looks for the new token. Default 20 ms.
    pub poll: Duration,
    /// Bound on each Redis operation, connecting included. Default 500 ms.
    pub timeout: Duration,
    /// Longest life of a value holding a refresh token (the access token's own expiry bounds
    /// values without one). Default 30 days.
    pub refresh_ttl: Duration,
    /// Fail with [`Error::Store`](crate::Error::Store) when Redis is unavailable, instead of
    /// fetching tokens alone. Default `false`.
    pub strict: bool,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            prefix: "tokenspec:".into(),
            lock_ttl: Duration::from_secs(30),
            wait: Duration::from_secs(35),
            poll: Duration::from_millis(20),
            timeout: Duration::from_millis(500),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            strict: false,
        }
    }
}

/// Tokens in Redis, shared by every process that uses the same Redis, prefix and keys. See
/// the [module documentation](self).
///
/// ```no_run
/// # async fn run(client: tokenspec_runtime::Client) -> Result<(), tokenspec_runtime::StoreError> {
/// use std::sync::Arc;
/// use tokenspec_runtime::{CachedTokenSource, EncryptionKey, RedisOptions, RedisStore};
/// let key = EncryptionKey::new("k1", &[7; 32])?; // from your secret manager
/// let store = RedisStore::new("redis://127.0.0.1:6379", key, RedisOptions::default())?;
/// let source: CachedTokenSource = CachedTokenSource::new(client).with_store(Arc::new(store));
/// # Ok(()) }
/// ```
pub struct RedisStore {
    inner: Arc<Shared>,
}

struct Shared {
    client: redis::Client,
    connection: tokio::sync::Mutex<Option<ConnectionManager>>,
    key: EncryptionKey,
    old_keys: Vec<EncryptionKey>,
    options: RedisOptions,
    last_warning: Mutex<Option<Instant>>,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may carry a password: not shown.
        f.debug_struct("RedisStore")
            .field("key", &self.inner.key)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// A store on the Redis at `url` (`redis://host:port/db`, `rediss://` for TLS), sealing
    /// values with `key`. It connects on first use, and again after Redis comes back.
    ///
    /// # Errors
    /// A [`StoreError`] if `url` is not a Redis URL (the URL is not repeated: it may hold a
    /// password).
    pub fn new(url: &str, key: EncryptionKey, options: RedisOptions) -> Result<Self, StoreError> {
        let client =
            redis::Client::open(url).map_err(|_| StoreError::new("not a valid Redis URL"))?;
        Ok(RedisStore {
            inner: Arc::new(Shared {
                client,
                connection: tokio::sync::Mutex::new(None),
                key,
                old_keys: Vec::new(),
                options,
                last_warning: Mutex::new(None),
            }),
        })
    }

    /// Also opens values sealed with `key` (a key being rotated out); new values are sealed
    /// with the key given to [`new`](Self::new).
    #[must_use]
    pub fn with_old_key(mut self, key: EncryptionKey) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.old_keys.push(key);
        }
        self
    }

    /// The Redis key a store key is kept under.
    pub fn redis_key(&self, key: &str) -> String {
        format!("{}{key}", self.inner.options.prefix)
    }
}

impl Shared {
    async fn connection(&self) -> redis::RedisResult<ConnectionManager> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.options.timeout))
            .set_response_timeout(Some(self.options.timeout))
            .set_number_of_retries(1);
        let connection = ConnectionManager::new_with_config(self.client.clone(), config).await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// Runs `op` on a connection within the timeout.
    async fn run<T, F, Fut>(&self, op: F) -> Result<T, String>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let attempt = async {
            let connection = self.connection().await.map_err(describe)?;
            op(connection).await.map_err(describe)
        };
        match tokio::time::timeout(self.options.timeout, attempt).await {
            Ok(result) => result,
            Err(_) => Err(format!("no answer within {:?}", self.options.timeout)),
        }
    }

    /// An unavailable Redis: an error when strict, else `fallback` and a warning (at most one
    /// per [`WARN_EVERY`]).
    fn unavailable<T>(&self, what: &str, why: &str, fallback: T) -> Result<T, StoreError> {
        if self.options.strict {
            return Err(StoreError::new(format!("Redis {what}: {why}")));
        }
        let now = Instant::now();
        let mut last = self
            .last_warning
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if last.is_none_or(|at| now.duration_since(at) >= WARN_EVERY) {
            *last = Some(now);
            tracing::warn!(
                operation = what,
                error = why,
                "Redis unavailable: this process fetches its tokens alone until it is back"
            );
        }
        Ok(fallback)
    }

    fn redis_key(&self, key: &str) -> String {
        format!("{}{key}", self.options.prefix)
    }

    fn lock_key(&self, key: &str) -> String {
        format!("{}{key}#lock", self.options.prefix)
    }

    /// `tsv1.<key id>.<base64url(nonce || ciphertext)>`, sealed for `redis_key`.
    fn seal(&self, redis_key: &str, token: &StoredToken) -> Result<String, StoreError> {
        let plain = Zeroizing::new(
            serde_json::to_vec(&serde_json::json!({
                "a": token.access_token.expose(),
                "r": token.refresh_token.as_ref().map(Secret::expose),
                "e": token.expires_at.map(unix_millis),
            }))
            .map_err(|_| StoreError::new("the token could not be encoded"))?,
        );
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|_| StoreError::new("no random bytes for a nonce"))?;
        let sealed = self
            .key
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: redis_key.as_bytes(),
                },
            )
            .map_err(|_| StoreError::new("the token could not be sealed"))?;
        let mut bytes = nonce.to_vec();
        bytes.extend_from_slice(&sealed);
        Ok(format!(
            "{SEALED}.{}.{}",
            self.key.id,
            URL_SAFE_NO_PAD.encode(bytes)
        ))
    }

    /// The token in a sealed value; `None` for a value no key of ours opens (another key, a
    /// value moved from another Redis key, tampering), which is then treated as absent.
    fn open(&self, redis_key: &str, value: &str) -> Option<StoredToken> {
        let mut parts = value.splitn(3, '.');
        let (Some(SEALED), Some(id), Some(data)) = (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let key = std::iter::once(&self.key)
            .chain(&self.old_keys)
            .find(|key| key.id == id)?;
        let bytes = URL_SAFE_NO_PAD.decode(data).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, sealed) = bytes.split_at(12);
        let plain = Zeroizing::new(
            key.cipher
                .decrypt(
                    Nonce::from_slice(nonce),
                    Payload {
                        msg: sealed,
                        aad: redis_key.as_bytes(),
                    },
                )
                .ok()?,
        );
        let value: serde_json::Value = serde_json::from_slice(&plain).ok()?;
        let access_token = value.get("a")?.as_str()?;
        let refresh_token = value.get("r").and_then(serde_json::Value::as_str);
        let expires_at = value
            .get("e")
            .and_then(serde_json::Value::as_u64)
            .and_then(|ms| UNIX_EPOCH.checked_add(Duration::from_millis(ms)));
        Some(StoredToken {
            access_token: Secret::new(access_token),
            expires_at,
            refresh_token: refresh_token.map(Secret::new),
        })
    }

    /// The life of a saved value: to the token's expiry, or `refresh_ttl` when a refresh token
    /// outlives it; `None` when the token has already expired and has no refresh token.
    fn ttl(&self, token: &StoredToken) -> Option<Duration> {
        let access = token.expires_at.map(|at| {
            at.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        });
        let ttl = match (&token.refresh_token, access) {
            (Some(_), _) | (None, None) => self.options.refresh_ttl,
            (None, Some(left)) => left.min(self.options.refresh_ttl),
        };
        (ttl >= Duration::from_millis(1)).then_some(ttl)
    }

    async fn read(&self, key: &str) -> Result<Option<StoredToken>, String> {
        let redis_key = self.redis_key(key);
        let value = self.read_sealed(&redis_key).await?;
        Ok(value.and_then(|value| self.open(&redis_key, &value)))
    }

    /// The sealed value as it is. Every save seals with a fresh nonce, so a changed value
    /// means a new save, even of a token equal to the last one (a provider that hands out the
    /// same token again).
    async fn read_sealed(&self, redis_key: &str) -> Result<Option<String>, String> {
        let redis_key = redis_key.to_string();
        self.run(|mut c| async move { c.get(redis_key).await })
            .await
    }

    async fn release(&self, key: &str, holder: &str) -> Result<(), String> {
        let lock = self.lock_key(key);
        let holder = holder.to_string();
        self.run(|mut c| async move {
            redis::Script::new(RELEASE)
                .key(lock)
                .arg(holder)
                .invoke_async::<i64>(&mut c)
                .await
        })
        .await
        .map(drop)
    }

    /// `SET <lock> <holder> NX PX <lock_ttl>`: whether this process now holds the lock.
    async fn acquire(&self, key: &str, holder: &str) -> Result<bool, String> {
        let lock = self.lock_key(key);
        let holder = holder.to_string();
        let ttl = millis(self.options.lock_ttl).max(1);
        self.run(|mut c| async move {
            redis::cmd("SET")
                .arg(lock)
                .arg(holder)
                .arg("NX")
                .arg("PX")
                .arg(ttl)
                .query_async::<Option<String>>(&mut c)
                .await
        })
        .await
        .map(|set| set.is_some())
    }

    async fn lock_exists(&self, key: &str) -> Result<bool, String> {
        let lock = self.lock_key(key);
        self.run(|mut c| async move { c.exists(lock).await }).await
    }

    /// Waits for the right to fetch, or for another process's new token.
    async fn renewal(self: &Arc<Self>, key: &str, due: Option<&Secret>) -> Result<Renewal, String> {
        let holder = random_id()?;
        let started = Instant::now();
        // Not bounded by less than the lock's own life: a waiter that gave up on a live holder
        // would fetch beside it (and could spend a rotating refresh token twice).
        let wait = self.options.wait.max(self.options.lock_ttl);
        let redis_key = self.redis_key(key);
        // What is there now: a token other than the one found due is a renewal already made;
        // any later save (a new value) is one made while this process waited.
        let seen = self.read_sealed(&redis_key).await?;
        if seen
            .as_deref()
            .and_then(|value| self.open(&redis_key, value))
            .is_some_and(|stored| Some(&stored.access_token) != due)
        {
            return Ok(Renewal::Renewed);
        }
        loop {
            if self.acquire(key, &holder).await? {
                // Another process may have saved a token between the look above and getting
                // the lock.
                let changed = match self.read_sealed(&redis_key).await {
                    Ok(now) => now.is_some() && now != seen,
                    Err(why) => {
                        // Give the lock back rather than hold the fleet up to its expiry.
                        let _ = self.release(key, &holder).await;
                        return Err(why);
                    }
                };
                if changed {
                    // Best effort: an unreleased lock expires by itself.
                    let _ = self.release(key, &holder).await;
                    return Ok(Renewal::Renewed);
                }
                return Ok(Renewal::Fetch(Some(Box::new(RedisLease {
                    shared: self.clone(),
                    key: key.to_string(),
                    holder,
                }))));
            }
            // Someone else is fetching: wait for their token, or for their lock to go (they
            // failed, or died and it expired), then try again.
            loop {
                let now = self.read_sealed(&redis_key).await?;
                if now.is_some() && now != seen {
                    return Ok(Renewal::Renewed);
                }
                let Some(left) = wait.checked_sub(started.elapsed()).filter(|d| !d.is_zero())
                else {
                    return Err(format!(
                        "no token from the process holding the lock within {wait:?}"
                    ));
                };
                tokio::time::sleep(self.options.poll.min(left)).await;
                if !self.lock_exists(key).await? {
                    break;
                }
            }
        }
    }
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>> {
        Box::pin(async move {
            match self.inner.read(key).await {
                Ok(token) => Ok(token),
                Err(why) => self.inner.unavailable("load", &why, None),
            }
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let shared = &self.inner;
            let Some(ttl) = shared.ttl(token) else {
                return Ok(());
            };
            let redis_key = shared.redis_key(key);
            let value = shared.seal(&redis_key, token)?;
            let ttl = millis(ttl).max(1);
            let written = shared
                .run(|mut c| async move {
                    redis::cmd("SET")
                        .arg(redis_key)
                        .arg(value)
                        .arg("PX")
                        .arg(ttl)
                        .query_async::<()>(&mut c)
                        .await
                })
                .await;
            match written {
                Ok(()) => Ok(()),
                Err(why) => shared.unavailable("save", &why, ()),
            }
        })
    }

    fn renewal<'a>(
        &'a self,
        key: &'a str,
        due: Option<&'a Secret>,
    ) -> BoxFuture<'a, Result<Renewal, StoreError>> {
        Box::pin(async move {
            match self.inner.renewal(key, due).await {
                Ok(renewal) => Ok(renewal),
                Err(why) => self
                    .inner
                    .unavailable("renewal", &why, Renewal::Fetch(None)),
            }
        })
    }
}

/// The lock a process holds while it fetches for the fleet.
struct RedisLease {
    shared: Arc<Shared>,
    key: String,
    holder: String,
}

impl Lease for RedisLease {
    fn release(self: Box<Self>) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            if let Err(why) = self.shared.release(&self.key, &self.holder).await {
                // Not an error for the caller: the lock expires by itself.
                let _ = self.shared.unavailable("release", &why, ());
            }
        })
    }
}

/// A random lock value (not a secret: it only tells holders apart).
fn random_id() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| format!("no random bytes: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A Redis error without its details that could name the server's address or credentials:
/// only its kind and category.
fn describe(error: redis::RedisError) -> String {
    format!("{:?} ({})", error.kind(), error.category())
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

fn unix_millis(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> RedisStore {
        let key = EncryptionKey::new("k1", &[1; 32]).expect("key");
        RedisStore::new("redis://127.0.0.1:1/", key, RedisOptions::default()).expect("store")
    }

    fn token() -> StoredToken {
        StoredToken {
            access_token: Secret::new("at-sealed-value"),
            expires_at: Some(UNIX_EPOCH + Duration::from_millis(4_102_444_800_123)),
            refresh_token: Some(Secret::new("rt-sealed-value")),
        }
    }

    #[test]
    fn sealed_values_open_only_under_their_key_name_and_key() {
        let store = store();
        let shared = &store.inner;
        let sealed = shared.seal("tokenspec:a", &token()).expect("sealed");
        assert!(sealed.starts_with("tsv1.k1."), "{sealed}");
        assert!(!sealed.contains("at-sealed-value") && !sealed.contains("rt-sealed-value"));
        assert_eq!(shared.open("tokenspec:a", &sealed), Some(token()));
        // Moved under another key name: the associated data differs.
        assert_eq!(shared.open("tokenspec:b", &sealed), None);
        // Tampered with.
        let mut bytes = sealed.into_bytes();
        let last = bytes.len() - 2;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).expect("ascii");
        assert_eq!(shared.open("tokenspec:a", &tampered), None);
        assert_eq!(shared.open("tokenspec:a", "plain text"), None);
        assert_eq!(shared.open("tokenspec:a", "tsv1.k1.!!"), None);
    }

    #[test]
    fn keys_rotate_old_values_still_open() {
        let old = EncryptionKey::new("k1", &[1; 32]).expect("key");
        let new = EncryptionKey::new("k2", &[2; 32]).expect("key");
        let sealed_old = store().inner.seal("tokenspec:a", &token()).expect("sealed");
        let rotated = RedisStore::new("redis://127.0.0.1:1/", new.clone(), RedisOptions::default())
            .expect("store")
            .with_old_key(old);
        assert_eq!(
            rotated.inner.open("tokenspec:a", &sealed_old),
            Some(token())
        );
        let sealed_new = rotated.inner.seal("tokenspec:a", &token()).expect("sealed");
        assert!(sealed_new.starts_with("tsv1.k2."));
        // Without the old key, an old value is unreadable (treated as absent).
        let only_new =
            RedisStore::new("redis://127.0.0.1:1/", new, RedisOptions::default()).expect("store");
        assert_eq!(only_new.inner.open("tokenspec:a", &sealed_old), None);
    }

    #[test]
    fn key_ids_are_checked_and_keys_never_print() {
        assert!(EncryptionKey::new("", &[0; 32]).is_err());
        assert!(EncryptionKey::new("a:b", &[0; 32]).is_err());
        assert!(EncryptionKey::new(&"k".repeat(65), &[0; 32]).is_err());
        let key = EncryptionKey::new("2026-11.a_b", &[0xAB; 32]).expect("key");
        let shown = format!("{key:?} {:?}", store());
        assert!(
            !shown.contains("171") && !shown.to_lowercase().contains("abab"),
            "{shown}"
        );
        assert!(
            !shown.contains("127.0.0.1"),
            "the URL is not shown: {shown}"
        );
    }

    #[test]
    fn values_live_no_longer_than_their_token() {
        let store = store();
        let shared = &store.inner;
        let soon = StoredToken {
            access_token: Secret::new("a"),
            expires_at: Some(SystemTime::now() + Duration::from_secs(100)),
            refresh_token: None,
        };
        let ttl = shared.ttl(&soon).expect("ttl");
        assert!(
            ttl <= Duration::from_secs(100) && ttl > Duration::from_secs(90),
            "{ttl:?}"
        );
        let expired = StoredToken {
            expires_at: Some(SystemTime::now() - Duration::from_secs(1)),
            ..soon.clone()
        };
        assert_eq!(shared.ttl(&expired), None, "an expired token is not saved");
        let refreshable = StoredToken {
            refresh_token: Some(Secret::new("r")),
            ..expired
        };
        assert_eq!(
            shared.ttl(&refreshable),
            Some(Duration::from_secs(30 * 24 * 3600))
        );
    }
}
