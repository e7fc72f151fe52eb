//! The ERROR lines Concord logs, with the path of the request they were logged under
//! (the `path` field of the request span `concord::router` opens), so a test can say
//! "none of my requests logged an ERROR" while other tests run in the same process.

use std::fmt::Debug;
use std::sync::{Mutex, Once};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

static ERRORS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());
/// Every log line or span, at any level, that mentions a personal token's prefix.
static TOKEN_LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
const TOKEN_PREFIX: &str = "concord_pat_";
/// Every log line or span, at any level, that looks as if it held a GitHub App secret:
/// an installation token (`ghs_`), a JWT (`eyJ`, a JSON header in base64) or a PEM key.
static SECRET_LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());
const SECRET_MARKERS: [&str; 4] = ["ghs_", "eyJ", "PRIVATE KEY", "MII"];

fn keep_secret_line(line: &str) {
    if SECRET_MARKERS.iter().any(|m| line.contains(m)) {
        SECRET_LINES.lock().expect("lines").push(line.to_string());
    }
}
/// The tests' own HTML parsing logs what it parses; that is not the application's log.
const TEST_SIDE: [&str; 2] = ["log.target=\"html5ever", "log.target=\"selectors"];

struct RequestPath(String);

#[derive(Default)]
struct Fields {
    path: Option<String>,
    message: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        let value = format!("{value:?}");
        match field.name() {
            "path" => self.path = Some(value),
            name => self.message.push_str(&format!("{name}={value} ")),
        }
    }
}

struct Capture;

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        let all = format!("{:?} {}", fields.path, fields.message);
        keep_secret_line(&all);
        if all.contains(TOKEN_PREFIX) {
            TOKEN_LINES.lock().expect("lines").push(all);
        }
        if let (Some(path), Some(span)) = (fields.path, ctx.span(id)) {
            span.extensions_mut().insert(RequestPath(path));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if !TEST_SIDE.iter().any(|t| fields.message.contains(t)) {
            keep_secret_line(&fields.message);
        }
        if fields.message.contains(TOKEN_PREFIX)
            && !TEST_SIDE.iter().any(|t| fields.message.contains(t))
        {
            TOKEN_LINES
                .lock()
                .expect("lines")
                .push(fields.message.clone());
        }
        if *event.metadata().level() != Level::ERROR {
            return;
        }
        let path = ctx
            .event_scope(event)
            .and_then(|scope| {
                scope
                    .from_root()
                    .find_map(|span| span.extensions().get::<RequestPath>().map(|p| p.0.clone()))
            })
            .unwrap_or_default();
        ERRORS.lock().expect("errors").push((path, fields.message));
    }
}

/// Starts recording (once per test process; `TestApp::spawn` calls it).
pub fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::registry().with(Capture).try_init();
    });
}

/// Every ERROR line logged under a request whose path contains `needle`.
pub fn errors_under(needle: &str) -> Vec<(String, String)> {
    ERRORS
        .lock()
        .expect("errors")
        .iter()
        .filter(|(path, _)| path.contains(needle))
        .cloned()
        .collect()
}

/// Every log line (any level) or span that contained `needle`, among those that mention
/// a personal token's prefix.
pub fn token_lines_with(needle: &str) -> Vec<String> {
    TOKEN_LINES
        .lock()
        .expect("lines")
        .iter()
        .filter(|line| line.contains(needle))
        .cloned()
        .collect()
}

/// Every log line (any level) or span that contained `needle`, among those that looked
/// as if they held a GitHub App secret.
pub fn secret_lines_with(needle: &str) -> Vec<String> {
    SECRET_LINES
        .lock()
        .expect("lines")
        .iter()
        .filter(|line| line.contains(needle))
        .cloned()
        .collect()
}
