//! The API's documents, kept in memory between changes. `/api/v1/teams` is by contract a
//! document of the whole community (every team with every member and alumnus), so
//! building it costs in proportion to the community; it changes only when something is
//! recorded. Every change of state writes an audit entry in its own transaction, and a
//! person's name or login changes bump `users.updated_at`, so the pair (latest audit
//! entry, latest user change) is a version: a document built under one version is served
//! until the version moves. Reading the version is two index lookups.
//!
//! Audit ids are taken when a transaction writes, not when it commits: a change holding
//! id 100 can commit after one holding 101, unseen by a document built in between under
//! version 101. So a document is also never older than [`MAX_AGE`]: a change shows
//! within seconds even then, and at once otherwise.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// What the documents were built from.
pub type Version = (i64, Option<OffsetDateTime>, i64);

/// A rendered document: its body, the same gzip-compressed (so that serving it costs no
/// compression per request), and its ETag.
#[derive(Clone, Debug)]
pub struct Document {
    pub body: axum::body::Bytes,
    pub gzip: axum::body::Bytes,
    pub etag: Arc<str>,
}

/// Documents by path, all of one version. Per app (per database), never global.
#[derive(Clone, Debug, Default)]
pub struct DocumentCache {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    version: Option<Version>,
    documents: HashMap<String, (Document, Instant)>,
}

/// The longest a document is served, whatever the version says.
pub const MAX_AGE: Duration = Duration::from_secs(5);

/// At most this many documents are kept (one per team page asked for, and the list).
const MAX_DOCUMENTS: usize = 512;

impl DocumentCache {
    /// The document for `key` if it was built under `version`.
    pub fn get(&self, version: Version, key: &str) -> Option<Document> {
        self.get_at(version, key, Instant::now())
    }

    fn get_at(&self, version: Version, key: &str, now: Instant) -> Option<Document> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.version != Some(version) {
            inner.version = Some(version);
            inner.documents.clear();
            return None;
        }
        inner
            .documents
            .get(key)
            .filter(|(_, built)| now.duration_since(*built) < MAX_AGE)
            .map(|(document, _)| document.clone())
    }

    /// Keeps `document` for `key` if the version has not moved meanwhile.
    pub fn put(&self, version: Version, key: &str, document: Document) {
        self.put_at(version, key, document, Instant::now())
    }

    fn put_at(&self, version: Version, key: &str, document: Document, now: Instant) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.version != Some(version) {
            return;
        }
        if inner.documents.len() >= MAX_DOCUMENTS {
            inner
                .documents
                .retain(|_, (_, built)| now.duration_since(*built) < MAX_AGE);
        }
        if inner.documents.len() < MAX_DOCUMENTS || inner.documents.contains_key(key) {
            inner.documents.insert(key.to_string(), (document, now));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document {
            body: axum::body::Bytes::from(text.as_bytes().to_vec()),
            gzip: axum::body::Bytes::new(),
            etag: Arc::from("W/\"x\""),
        }
    }

    #[test]
    fn a_document_is_served_until_the_version_moves() {
        let cache = DocumentCache::default();
        let v1 = (1, None, 1);
        assert!(cache.get(v1, "/a").is_none());
        cache.put(v1, "/a", doc("one"));
        assert_eq!(cache.get(v1, "/a").map(|d| d.body.len()), Some(3));
        let v2 = (2, None, 1);
        assert!(
            cache.get(v2, "/a").is_none(),
            "a new audit entry invalidates"
        );
        // A document built under the old version is not kept after the move.
        cache.put(v1, "/a", doc("stale"));
        assert!(cache.get(v2, "/a").is_none());
    }

    #[test]
    fn a_document_is_never_served_past_its_age() {
        let cache = DocumentCache::default();
        let v = (1, None, 1);
        let built = Instant::now();
        assert!(cache.get_at(v, "/a", built).is_none());
        cache.put_at(v, "/a", doc("one"), built);
        assert!(cache.get_at(v, "/a", built + MAX_AGE / 2).is_some());
        assert!(
            cache.get_at(v, "/a", built + MAX_AGE).is_none(),
            "an old document is rebuilt even when the version did not move"
        );
    }
}
