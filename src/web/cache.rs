//! Rendered responses kept in memory between changes: the JSON API's documents and the
//! pages visitors see. Every change of state writes an audit entry in its own
//! transaction, and a person's name or login changes bump `users.updated_at`, so the
//! latest of those ([`crate::api::db::version`], three index lookups) is a version of
//! everything shown: a response built under one version is served until the version moves.
//!
//! Audit ids are taken when a transaction writes, not when it commits: a change holding
//! id 100 can commit after one holding 101, unseen by a response built in between under
//! version 101. So nothing kept is ever older than [`MAX_AGE`]: a change shows within
//! seconds even then, and at once otherwise.
//!
//! When the version moves, one request per key builds the entry again; the others that
//! arrive while it builds get the entry of the version before (no older than
//! [`MAX_AGE`]) instead of queueing behind it, and wait only when there is none.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// The longest anything is kept, whatever the version says.
pub const MAX_AGE: Duration = Duration::from_secs(5);

/// An entry this old is built again by the next request that finds it, while the others
/// are still given the current one: while the version stands, a document that takes long
/// to build (the list of every team) is never missing, so nobody waits for it.
const REFRESH_AFTER: Duration = Duration::from_secs(4);

/// At most this many responses are kept per cache.
const MAX_ENTRIES: usize = 512;

/// A rendered body, and the same gzip-compressed, so that serving it costs no
/// compression per request.
#[derive(Clone, Debug)]
pub struct Body {
    pub plain: Bytes,
    pub gzip: Bytes,
}

impl Body {
    pub fn new(plain: Bytes) -> std::io::Result<Self> {
        let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gzip.write_all(&plain)?;
        Ok(Body {
            gzip: Bytes::from(gzip.finish()?),
            plain,
        })
    }

    /// The body to send and its `Content-Encoding`, as the request's `Accept-Encoding`
    /// allows.
    pub fn for_request(&self, request: &HeaderMap) -> (Option<&'static str>, Bytes) {
        if accepts_gzip(request) {
            (Some("gzip"), self.gzip.clone())
        } else {
            (None, self.plain.clone())
        }
    }

    /// A response with these `headers` and the body encoded as the request allows (the
    /// compression layer leaves an encoded body alone).
    pub fn respond(&self, request: &HeaderMap, mut headers: HeaderMap) -> Response {
        let (encoding, body) = self.for_request(request);
        headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        (headers, axum::body::Body::from(body)).into_response()
    }
}

/// Whether the client takes gzip (`Accept-Encoding: gzip`, not with `q=0`).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            let gzip = parts
                .next()
                .is_some_and(|name| name.eq_ignore_ascii_case("gzip"));
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            gzip && !refused
        })
}

/// Entries by key (the request's path), all built under one version `V`. Per app (per
/// database), never global.
#[derive(Clone, Debug)]
pub struct Cache<V, T> {
    inner: Arc<Mutex<Inner<V, T>>>,
    /// One lock per key being built: see [`Cache::build_or_previous`].
    building: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
}

#[derive(Debug)]
struct Inner<V, T> {
    version: Option<V>,
    entries: HashMap<String, (T, Instant)>,
    /// The entries of the version before, served while their key is built again.
    previous: HashMap<String, (T, Instant)>,
}

/// What a request that found no entry does: builds it, or serves one ready to serve.
pub enum Build<T> {
    /// This request builds the entry; others wait or take the previous one meanwhile.
    Mine(BuildGuard),
    /// The entry another request built while this one waited, or, while another request
    /// is building it, the previous version's entry.
    Ready(T),
}

impl<V, T> Default for Cache<V, T> {
    fn default() -> Self {
        Cache {
            inner: Arc::new(Mutex::new(Inner {
                version: None,
                entries: HashMap::new(),
                previous: HashMap::new(),
            })),
            building: Arc::default(),
        }
    }
}

impl<V: PartialEq + Clone, T: Clone> Cache<V, T> {
    /// The entry for `key` if it was built under `version`.
    pub fn get(&self, version: &V, key: &str) -> Option<T> {
        self.get_at(version, key, Instant::now())
    }

    fn get_at(&self, version: &V, key: &str, now: Instant) -> Option<T> {
        self.lookup_at(version, key, now).map(|(entry, _)| entry)
    }

    /// The entry for `key` built under `version`, and when it was built.
    fn lookup_at(&self, version: &V, key: &str, now: Instant) -> Option<(T, Instant)> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.version.as_ref() != Some(version) {
            inner.version = Some(version.clone());
            inner.previous = std::mem::take(&mut inner.entries);
            return None;
        }
        fresh(&inner.entries, key, now)
    }

    /// The previous version's entry for `key`, if it is not too old.
    fn previous_at(&self, key: &str, now: Instant) -> Option<T> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        fresh(&inner.previous, key, now).map(|(entry, _)| entry)
    }

    /// For a request that found no entry for `key` under `version`: the right to build
    /// it when nobody else is; the previous version's entry while somebody is; else waits
    /// for the other build to end and takes what it kept, or builds if it kept nothing.
    pub async fn build_or_previous(&self, version: &V, key: &str) -> Build<T> {
        let lock = self.key_lock(key);
        let guard = match lock.clone().try_lock_owned() {
            Ok(guard) => guard,
            Err(_) => {
                if let Some(entry) = self.previous_at(key, Instant::now()) {
                    return Build::Ready(entry);
                }
                lock.lock_owned().await
            }
        };
        let building = self.guard(key, guard);
        // Another build may have ended just before this one took the lock (the guard, once
        // dropped, forgets the key's lock).
        match self.get(version, key) {
            Some(entry) => Build::Ready(entry),
            None => Build::Mine(building),
        }
    }

    /// The right to build `key` if nobody else is building it.
    fn try_build_lock(&self, key: &str) -> Option<BuildGuard> {
        let guard = self.key_lock(key).try_lock_owned().ok()?;
        Some(self.guard(key, guard))
    }

    fn guard(&self, key: &str, guard: tokio::sync::OwnedMutexGuard<()>) -> BuildGuard {
        BuildGuard {
            guard: Some(guard),
            building: self.building.clone(),
            key: key.to_string(),
        }
    }

    fn key_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        building.entry(key.to_string()).or_default().clone()
    }

    /// The entry for `key` under `version`, made by `build` when missing, one build at a
    /// time per key (see [`Cache::build_or_previous`]), and made again ahead of its
    /// expiry by one request while the others are served the current one.
    pub async fn get_or_build<E, F>(&self, version: &V, key: &str, build: F) -> Result<T, E>
    where
        F: Future<Output = Result<T, E>>,
    {
        let now = Instant::now();
        let _building = match self.lookup_at(version, key, now) {
            Some((entry, built)) if now.duration_since(built) < REFRESH_AFTER => return Ok(entry),
            Some((entry, _)) => match self.try_build_lock(key) {
                Some(guard) => guard,
                None => return Ok(entry),
            },
            None => match self.build_or_previous(version, key).await {
                Build::Ready(entry) => return Ok(entry),
                Build::Mine(guard) => guard,
            },
        };
        let entry = build.await?;
        self.put(version, key, entry.clone());
        Ok(entry)
    }

    /// Keeps `entry` for `key` if the version has not moved meanwhile.
    pub fn put(&self, version: &V, key: &str, entry: T) {
        self.put_at(version, key, entry, Instant::now())
    }

    fn put_at(&self, version: &V, key: &str, entry: T, now: Instant) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.version.as_ref() != Some(version) {
            return;
        }
        if inner.entries.len() >= MAX_ENTRIES {
            inner
                .entries
                .retain(|_, (_, built)| now.duration_since(*built) < MAX_AGE);
        }
        if inner.entries.len() < MAX_ENTRIES || inner.entries.contains_key(key) {
            inner.entries.insert(key.to_string(), (entry, now));
        }
    }
}

fn fresh<T: Clone>(
    entries: &HashMap<String, (T, Instant)>,
    key: &str,
    now: Instant,
) -> Option<(T, Instant)> {
    entries
        .get(key)
        .filter(|(_, built)| now.duration_since(*built) < MAX_AGE)
        .cloned()
}

/// Held while one entry is built; the key's lock is forgotten when nobody waits for it.
pub struct BuildGuard {
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    building: Arc<Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>>,
    key: String,
}

impl Drop for BuildGuard {
    fn drop(&mut self) {
        let mut building = self.building.lock().unwrap_or_else(|e| e.into_inner());
        drop(self.guard.take());
        // Nobody else holds or waits for this key's lock: only the map still has it.
        if building
            .get(&self.key)
            .is_some_and(|lock| Arc::strong_count(lock) == 1)
        {
            building.remove(&self.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_served_until_the_version_moves() {
        let cache: Cache<i64, &str> = Cache::default();
        assert!(cache.get(&1, "/a").is_none());
        cache.put(&1, "/a", "one");
        assert_eq!(cache.get(&1, "/a"), Some("one"));
        assert!(cache.get(&2, "/a").is_none(), "a new version invalidates");
        // An entry built under the old version is not kept after the move.
        cache.put(&1, "/a", "stale");
        assert!(cache.get(&2, "/a").is_none());
    }

    #[test]
    fn an_entry_is_never_served_past_its_age() {
        let cache: Cache<i64, &str> = Cache::default();
        let built = Instant::now();
        assert!(cache.get_at(&1, "/a", built).is_none());
        cache.put_at(&1, "/a", "one", built);
        assert!(cache.get_at(&1, "/a", built + MAX_AGE / 2).is_some());
        assert!(
            cache.get_at(&1, "/a", built + MAX_AGE).is_none(),
            "an old entry is rebuilt even when the version did not move"
        );
    }

    #[test]
    fn gzip_only_when_the_client_takes_it() {
        let body = Body::new(Bytes::from_static(b"{}")).expect("gzip");
        let with = |value: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, value.parse().expect("header"));
            body.for_request(&h).0
        };
        assert_eq!(with("gzip"), Some("gzip"));
        assert_eq!(with("br;q=1.0, GZIP;q=0.8"), Some("gzip"));
        assert_eq!(with("gzip;q=0"), None);
        assert_eq!(with("br"), None);
        assert_eq!(body.for_request(&HeaderMap::new()).0, None);
    }

    #[tokio::test]
    async fn while_an_entry_is_built_again_others_take_the_previous_one() {
        let cache: Cache<i64, &str> = Cache::default();
        assert!(cache.get(&1, "/a").is_none());
        cache.put(&1, "/a", "one");
        assert!(cache.get(&2, "/a").is_none(), "the version moved");
        let Build::Mine(building) = cache.build_or_previous(&2, "/a").await else {
            panic!("nobody was building: this request builds");
        };
        match cache.build_or_previous(&2, "/a").await {
            Build::Ready(entry) => assert_eq!(entry, "one"),
            Build::Mine(_) => panic!("a second build of the same key at once"),
        }
        cache.put(&2, "/a", "two");
        drop(building);
        assert_eq!(cache.get(&2, "/a"), Some("two"));
        // Never an entry older than MAX_AGE, previous or not.
        let later = Instant::now() + MAX_AGE;
        assert!(cache.previous_at("/a", later).is_none());
        assert!(cache.get(&3, "/b").is_none());
        assert!(matches!(
            cache.build_or_previous(&3, "/b").await,
            Build::Mine(_)
        ));
    }

    #[tokio::test]
    async fn an_entry_due_for_refresh_is_built_again_by_one_while_others_get_it() {
        let cache: Cache<i64, &str> = Cache::default();
        let built = Instant::now() - REFRESH_AFTER;
        assert!(cache.get(&1, "/a").is_none());
        cache.put_at(&1, "/a", "old", built);
        // Somebody is already refreshing it: the current entry, at once.
        let refreshing = cache.try_build_lock("/a").expect("nobody was building");
        let got = cache
            .get_or_build(&1, "/a", async { Ok::<_, ()>("built twice") })
            .await;
        assert_eq!(got, Ok("old"));
        drop(refreshing);
        // Nobody is: this request builds it again, and the next ones get the new one.
        let got = cache
            .get_or_build(&1, "/a", async { Ok::<_, ()>("new") })
            .await;
        assert_eq!(got, Ok("new"));
        assert_eq!(cache.get(&1, "/a"), Some("new"));
    }

    #[tokio::test]
    async fn requests_for_one_missing_entry_wait_for_one_build() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let cache: Cache<i64, usize> = Cache::default();
        let builds = AtomicUsize::new(0);
        let build = || async {
            builds.fetch_add(1, Ordering::SeqCst);
            tokio::task::yield_now().await;
            Ok::<_, ()>(7)
        };
        let results =
            futures::future::join_all((0..8).map(|_| cache.get_or_build(&1, "/a", build()))).await;
        assert!(results.iter().all(|r| *r == Ok(7)));
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        assert!(cache.building.lock().expect("locks").is_empty());
    }
}
