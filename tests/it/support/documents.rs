//! Records every HTML document a test server sends, byte for byte, so the browser tests
//! can validate exactly what the browser received (see `browser::Browser` for why).

use std::io::Read;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::Response;

/// One HTML response as it went over the wire (decompressed).
#[derive(Clone, Debug)]
pub struct Document {
    pub method: String,
    /// Path and query, as the request named them.
    pub target: String,
    pub status: u16,
    pub html: String,
}

/// The HTML documents a server has sent, in order.
#[derive(Clone, Default)]
pub struct Documents {
    inner: Arc<Mutex<Vec<Document>>>,
}

impl Documents {
    /// Wraps `router` (outermost, so after compression and every other layer) to record
    /// its HTML responses here.
    pub fn record(&self, router: Router) -> Router {
        router.layer(from_fn_with_state(self.clone(), record))
    }

    pub fn len(&self) -> usize {
        self.inner.lock().expect("documents").len()
    }

    /// Every document recorded so far.
    pub fn all(&self) -> Vec<Document> {
        self.inner.lock().expect("documents").clone()
    }

    /// The latest document for `target` recorded after the first `since` ones.
    pub fn latest_since(&self, since: usize, target: &str) -> Option<Document> {
        let documents = self.inner.lock().expect("documents");
        documents
            .get(since..)?
            .iter()
            .rev()
            .find(|d| d.target == target)
            .cloned()
    }
}

async fn record(State(documents): State<Documents>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !is_html {
        return response;
    }
    let gzip = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes() == b"gzip");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("read a response body");
    let mut html = String::new();
    if gzip {
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut html)
            .expect("gunzip a response");
    } else {
        html = String::from_utf8(bytes.to_vec()).expect("HTML in UTF-8");
    }
    documents.inner.lock().expect("documents").push(Document {
        method,
        target,
        status: parts.status.as_u16(),
        html,
    });
    Response::from_parts(parts, Body::from(bytes))
}
