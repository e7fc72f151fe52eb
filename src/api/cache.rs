//! The API's documents, kept in memory between changes. `/api/v1/teams` is by contract a
//! document of the whole community (every team with every member and alumnus), so
//! building it costs in proportion to the community; it changes only when something is
//! recorded. Every change of state writes an audit entry in its own transaction, and a
//! person's name or login changes bump `users.updated_at`, so the pair (latest audit
//! entry, latest user change) is a version: a document built under one version is served
//! until the version moves. Reading the version is two index lookups.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use time::OffsetDateTime;

/// What the documents were built from.
pub type Version = (i64, Option<OffsetDateTime>, i64);

/// A rendered document: its body and ETag.
#[derive(Clone, Debug)]
pub struct Document {
    pub body: axum::body::Bytes,
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
    documents: HashMap<String, Document>,
}

/// At most this many documents are kept (one per team page asked for, and the list).
const MAX_DOCUMENTS: usize = 512;

impl DocumentCache {
    /// The document for `key` if it was built under `version`.
    pub fn get(&self, version: Version, key: &str) -> Option<Document> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.version != Some(version) {
            inner.version = Some(version);
            inner.documents.clear();
            return None;
        }
        inner.documents.get(key).cloned()
    }

    /// Keeps `document` for `key` if the version has not moved meanwhile.
    pub fn put(&self, version: Version, key: &str, document: Document) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.version == Some(version) && inner.documents.len() < MAX_DOCUMENTS {
            inner.documents.insert(key.to_string(), document);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document {
            body: axum::body::Bytes::from(text.as_bytes().to_vec()),
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
}
