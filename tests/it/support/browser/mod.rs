//! Real-browser tests: a headless Chromium, driven through chromedriver, uses Concord as a
//! person would, and every page it reaches is checked for valid HTML (the Nu Html
//! Checker) and accessibility (axe-core, WCAG 2.1 A and AA).
//!
//! ```ignore
//! let app = TestApp::spawn().await;
//! let Some(mut browser) = Browser::open(&app).await else { return }; // skipped, loudly
//! browser.sign_in_dev("wren").await;
//! browser.goto("/teams").await;
//! browser.click_link("Infrastructure").await;
//! browser.fill("Statement", "I run the build farm").await;
//! browser.click_button("Nominate").await;
//! browser.assert_text("Nomination sent");
//! browser.finish().await; // checks every page visited; fails listing all problems
//! ```
//!
//! Without Chromium, chromedriver, Java or `npm ci`'s checkers, [`Browser::open`] prints a
//! banner and returns `None`, so `cargo test` passes on a bare machine;
//! `CONCORD_REQUIRE_BROWSER=1` (CI) makes that a failure. A test that panics while its
//! browser is open leaves a screenshot and the page's HTML in
//! `target/browser-screenshots/`.

mod checks;
mod tools;

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::sync::{Semaphore, SemaphorePermit};

use super::TestApp;
use super::documents::{Document, Documents};
pub use tools::REQUIRE_VAR;
use tools::Tools;

/// Chromium sessions open at once: the machine has few cores, and the rest of the suite
/// runs alongside.
static SESSIONS: Semaphore = Semaphore::const_new(2);

/// How long a page may take to arrive after a click.
const NAVIGATION_LIMIT: Duration = Duration::from_secs(15);

/// One page the browser reached, with what the checks need.
struct Visit {
    /// Path and query.
    target: String,
    /// The document as Concord sent it.
    document: Document,
    /// axe-core's findings, taken while the page was shown.
    accessibility: Vec<String>,
}

/// A person at a headless Chromium, on one site.
///
/// Which HTML is validated: the bytes Concord sent for each page the browser reached,
/// recorded by the test server ([`Documents`]), not the browser's DOM. The DOM is what the
/// HTML parser made of the bytes after repairing them: an unclosed element, a stray end
/// tag or a duplicate attribute is silently fixed there, so validating
/// `document.documentElement.outerHTML` (which is what WebDriver's Get Page Source
/// returns) would hide exactly the errors the check exists for. Fetching the URL again
/// with the same cookies would get the bytes, but not the same ones: a flash message is
/// shown once, a form re-rendered with its errors answers a POST, and a sign-in callback
/// works only once. Recording at the server has none of these problems. axe-core, on the
/// other hand, runs in the live page, since accessibility is about what the browser
/// builds and shows (computed styles, contrast, the accessibility tree).
pub struct Browser {
    client: Client,
    session_id: String,
    tools: &'static Tools,
    address: String,
    documents: Documents,
    visits: Vec<Visit>,
    test: String,
    closed: bool,
    _profile: tempfile::TempDir,
    _permit: SemaphorePermit<'static>,
}

impl Browser {
    /// A new browser (fresh profile, no cookies) on `app`, or `None`, after a loud
    /// banner, when the browser tools are not installed.
    pub async fn open(app: &TestApp) -> Option<Browser> {
        Self::open_site(&app.address, app.documents.clone()).await
    }

    /// A new browser on any site whose HTML responses `documents` records.
    pub async fn open_site(address: &str, documents: Documents) -> Option<Browser> {
        let test = test_name();
        let tools = match tools::tools() {
            Ok(tools) => tools,
            Err(why) if tools::required() => {
                panic!("{REQUIRE_VAR}=1, but browser test {test} cannot run: {why}")
            }
            Err(why) => {
                tools::announce_skip(&test, why);
                return None;
            }
        };
        let permit = SESSIONS.acquire().await.expect("browser sessions");
        let profile = tempfile::Builder::new()
            .prefix("concord-chromium-")
            .tempdir()
            .expect("a Chromium profile directory");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": tools.chromium,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                    "--disable-quic",
                    "--window-size=1280,1024",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!("capabilities are an object")
        };
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&tools.webdriver_url)
            .await
            .unwrap_or_else(|e| panic!("start a Chromium session for {test}: {e}"));
        let session_id = client
            .session_id()
            .await
            .expect("session id")
            .expect("a WebDriver session");
        checks::preload_axe(tools, &session_id).await;
        Some(Browser {
            client,
            session_id,
            tools,
            address: address.trim_end_matches('/').to_string(),
            documents,
            visits: Vec::new(),
            test,
            closed: false,
            _profile: profile,
            _permit: permit,
        })
    }

    /// Opens `path` on the site, as if typed into the address bar.
    pub async fn goto(&mut self, path: &str) {
        let before = self.leaving().await;
        let url = format!("{}{}", self.address, path);
        self.client
            .goto(&url)
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        self.arrive(before).await;
    }

    /// Follows the link whose text is exactly `text`.
    pub async fn click_link(&mut self, text: &str) {
        let before = self.leaving().await;
        let link = self
            .client
            .find(Locator::LinkText(text))
            .await
            .unwrap_or_else(|e| panic!("no link {text:?} on {}: {e}", self.path()));
        link.click().await.expect("click the link");
        self.arrive(before).await;
    }

    /// Presses the (first) submit button whose text is `text`, and waits for the answer.
    pub async fn click_button(&mut self, text: &str) {
        let before = self.leaving().await;
        let literal = xpath_literal(text);
        let xpath = format!(
            "//button[normalize-space(.)={literal}] | //input[@type='submit' and @value={literal}]"
        );
        let button = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {text:?} on {}: {e}", self.path()));
        button.click().await.expect("click the button");
        self.arrive(before).await;
    }

    /// Types `value` into the field labelled `label` (its label's text), or else the
    /// field the CSS selector `label` names, replacing what was there.
    pub async fn fill(&mut self, label: &str, value: &str) {
        let field = match self.labelled(label).await {
            Some(field) => field,
            None => self
                .client
                .find(Locator::Css(label))
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "no field labelled {label:?} (nor matching it as a selector) on {}: {e}",
                        self.path()
                    )
                }),
        };
        // A date-time control takes typing in the order of the browser's locale, segment by
        // segment; the value a person picks in it is set as the control would set it.
        if field.attr("type").await.ok().flatten().as_deref() == Some("datetime-local") {
            let element = serde_json::to_value(&field).expect("the element as JSON");
            self.client
                .execute(
                    "arguments[0].value = arguments[1];
                     arguments[0].dispatchEvent(new Event('input', { bubbles: true }));
                     arguments[0].dispatchEvent(new Event('change', { bubbles: true }));
                     return arguments[0].value;",
                    vec![element, serde_json::json!(value)],
                )
                .await
                .expect("set the date-time control");
            return;
        }
        field.clear().await.expect("clear the field");
        field.send_keys(value).await.expect("type into the field");
    }

    /// Checks the radio button or checkbox labelled `label` (its label's text), or else the
    /// one the CSS selector `label` names.
    pub async fn choose(&mut self, label: &str) {
        let field = match self.labelled(label).await {
            Some(field) => field,
            None => self
                .client
                .find(Locator::Css(label))
                .await
                .unwrap_or_else(|e| {
                    panic!(
                        "no choice labelled {label:?} (nor matching it as a selector) on {}: {e}",
                        self.path()
                    )
                }),
        };
        field.click().await.expect("check the choice");
    }

    /// Chooses the option whose text is `option` in the list labelled `label`.
    pub async fn select(&mut self, label: &str, option: &str) {
        let list = self
            .labelled(label)
            .await
            .unwrap_or_else(|| panic!("no list labelled {label:?} on {}", self.path()));
        list.select_by_label(option)
            .await
            .unwrap_or_else(|e| panic!("no option {option:?} in {label:?}: {e}"));
    }

    async fn labelled(&self, label: &str) -> Option<fantoccini::elements::Element> {
        let xpath = format!("//label[normalize-space(.)={}]", xpath_literal(label));
        let label = self.client.find(Locator::XPath(&xpath)).await.ok()?;
        match label.attr("for").await.ok()? {
            Some(id) => self.client.find(Locator::Id(&id)).await.ok(),
            None => label
                .find(Locator::Css("input, textarea, select"))
                .await
                .ok(),
        }
    }

    /// The current value of the (first) field the CSS selector `css` names.
    pub async fn value_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no field {css:?} on {}: {e}", self.path()))
            .prop("value")
            .await
            .expect("the field's value")
            .unwrap_or_default()
    }

    /// The rendered text of the (first) element the CSS selector `css` names.
    pub async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing at {css:?} on {}: {e}", self.path()))
            .text()
            .await
            .expect("the element's text")
    }

    /// The text the page shows (the body's rendered text).
    pub async fn text(&self) -> String {
        self.client
            .find(Locator::Css("body"))
            .await
            .expect("a body")
            .text()
            .await
            .expect("the page's text")
    }

    /// Fails (with the page's text) unless the page shows `needle`.
    #[track_caller]
    pub fn assert_text(&self, needle: &str) -> impl Future<Output = ()> + '_ {
        let caller = std::panic::Location::caller();
        let needle = needle.to_string();
        async move {
            let text = self.text().await;
            assert!(
                text.contains(&needle),
                "{caller}: expected {needle:?} on {}; the page shows:\n{text}",
                self.path()
            );
        }
    }

    /// The HTTP status of the page shown.
    pub fn status(&self) -> u16 {
        self.visits.last().map_or(0, |v| v.document.status)
    }

    /// Path and query of the page shown.
    pub fn path(&self) -> &str {
        self.visits
            .last()
            .map_or("(nothing yet)", |v| v.target.as_str())
    }

    /// The page's title.
    pub async fn title(&self) -> String {
        self.client.title().await.expect("title")
    }

    /// Signs in through the development sign-in form, as `login`.
    pub async fn sign_in_dev(&mut self, login: &str) {
        self.goto("/login").await;
        self.fill("GitHub login", login).await;
        self.click_button("Sign in").await;
        self.assert_text(&format!("Signed in as {login}")).await;
    }

    /// Signs out with the header's button.
    pub async fn sign_out(&mut self) {
        self.click_button("Sign out").await;
        self.assert_text("Sign in").await;
    }

    /// Marks the page shown as left (a new document will not have the mark), and returns
    /// how many documents the site has sent so far: what [`Self::arrive`] waits past.
    async fn leaving(&self) -> usize {
        let _ = self
            .client
            .execute("window.concordLeft = true", vec![])
            .await;
        self.documents.len()
    }

    /// Waits until the browser shows a page the site sent after the first `before`
    /// documents, then records it and runs axe-core on it.
    async fn arrive(&mut self, before: usize) {
        let started = Instant::now();
        loop {
            let url = self.client.current_url().await.expect("current url");
            let target = match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_string(),
            };
            let on_site = url.as_str().starts_with(&self.address);
            let ready = self
                .client
                .execute(
                    "return document.readyState === 'complete' && !window.concordLeft",
                    vec![],
                )
                .await
                .is_ok_and(|ready| ready == true);
            if let (true, true, Some(document)) =
                (on_site, ready, self.documents.latest_since(before, &target))
            {
                let accessibility = checks::accessibility_violations(&self.client).await;
                self.visits.push(Visit {
                    target,
                    document,
                    accessibility,
                });
                return;
            }
            if started.elapsed() > NAVIGATION_LIMIT {
                panic!(
                    "the browser did not arrive at a page of {} within {NAVIGATION_LIMIT:?}; it is at {url}",
                    self.address
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Checks every page visited: the HTML Concord sent with the Nu Html Checker, and the
    /// accessibility findings axe-core made while each page was shown.
    pub async fn check_all(&self) -> Problems {
        let mut pages = Vec::new();
        for visit in &self.visits {
            let html = checks::html_errors(self.tools, &visit.document.html).await;
            pages.push(PageProblems {
                page: format!(
                    "{} {} ({})",
                    visit.document.method, visit.target, visit.document.status
                ),
                html,
                accessibility: visit.accessibility.clone(),
            });
        }
        Problems { pages }
    }

    /// From now on, shows pages as a phone does (360 CSS pixels wide, touch) in the dark
    /// colour scheme, through the DevTools protocol; the accessibility check of every page
    /// visited after this runs on what such a phone shows.
    pub async fn as_phone_in_the_dark(&mut self) {
        checks::devtools(
            self.tools,
            &self.session_id,
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": true }),
        )
        .await;
        checks::devtools(
            self.tools,
            &self.session_id,
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": "dark" }] }),
        )
        .await;
    }

    /// After [`Browser::as_phone_in_the_dark`]: fails unless the page is shown 360 pixels
    /// wide in the dark scheme and fits that width (nothing scrolls sideways).
    pub async fn assert_fits_the_phone(&self) {
        let widths = self
            .client
            .execute(
                "const wide = [...document.querySelectorAll('body *')]
                     .filter(e => e.getBoundingClientRect().right > 361)
                     .slice(0, 3)
                     .map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').trim().slice(0, 60));
                 return [document.documentElement.scrollWidth, window.innerWidth,
                         window.matchMedia('(prefers-color-scheme: dark)').matches, wide];",
                vec![],
            )
            .await
            .expect("measure the page");
        let (scroll, inner) = (widths[0].as_i64(), widths[1].as_i64());
        assert_eq!(
            (inner, widths[2].as_bool()),
            (Some(360), Some(true)),
            "{} is not shown as a phone in the dark; wider than the phone: {}",
            self.path(),
            widths[3]
        );
        assert!(
            scroll <= inner,
            "{} is {scroll:?} pixels wide in a window of {inner:?} (dark scheme: {})",
            self.path(),
            widths[2]
        );
    }

    /// Checks every page visited and closes the browser; fails listing every problem.
    pub async fn finish(mut self) {
        let problems = self.check_all().await;
        if !problems.is_empty() {
            let shot = self.save_failure().await;
            self.close().await;
            panic!("{problems}\n(the last page is in {})", shot.display());
        }
        self.close().await;
    }

    async fn close(&mut self) {
        self.closed = true;
        let _ = self.client.clone().close().await;
    }

    async fn save_failure(&self) -> PathBuf {
        let (png, html) = failure_paths(&self.test);
        if let Ok(bytes) = self.client.screenshot().await {
            let _ = std::fs::write(&png, bytes);
        }
        if let Some(visit) = self.visits.last() {
            let _ = std::fs::write(&html, &visit.document.html);
        }
        png
    }
}

impl Drop for Browser {
    /// A test that panicked with the browser open: save what it showed, then end the
    /// Chromium session. Talks to chromedriver directly from another thread, since the
    /// test's runtime is busy unwinding.
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        let session = format!("{}/session/{}", self.tools.webdriver_url, self.session_id);
        let failure = std::thread::panicking().then(|| failure_paths(&self.test));
        let html = self.visits.last().map(|v| v.document.html.clone());
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let http = reqwest::Client::new();
                if let Some((png, html_path)) = failure {
                    let shot = http.get(format!("{session}/screenshot")).send().await;
                    if let Ok(response) = shot {
                        let value: serde_json::Value = response.json().await.unwrap_or_default();
                        if let Some(Ok(bytes)) = value["value"].as_str().map(|b| {
                            use base64::Engine;
                            base64::engine::general_purpose::STANDARD.decode(b)
                        }) {
                            let _ = std::fs::write(&png, bytes);
                            eprintln!("browser test failed; its last page: {}", png.display());
                        }
                    }
                    if let Some(html) = html {
                        let _ = std::fs::write(html_path, html);
                    }
                }
                let _ = http.delete(session).send().await;
            });
        })
        .join();
    }
}

/// What the checks found, page by page.
pub struct Problems {
    pub pages: Vec<PageProblems>,
}

pub struct PageProblems {
    /// Method, path and status.
    pub page: String,
    pub html: Vec<String>,
    pub accessibility: Vec<String>,
}

impl Problems {
    pub fn is_empty(&self) -> bool {
        self.pages
            .iter()
            .all(|p| p.html.is_empty() && p.accessibility.is_empty())
    }

    pub fn html_errors(&self) -> impl Iterator<Item = &str> {
        self.pages
            .iter()
            .flat_map(|p| p.html.iter().map(String::as_str))
    }

    pub fn accessibility_violations(&self) -> impl Iterator<Item = &str> {
        self.pages
            .iter()
            .flat_map(|p| p.accessibility.iter().map(String::as_str))
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "pages failed their checks:")?;
        for page in &self.pages {
            if page.html.is_empty() && page.accessibility.is_empty() {
                continue;
            }
            writeln!(f, "\n== {}", page.page)?;
            for error in &page.html {
                writeln!(f, "  HTML: {error}")?;
            }
            for violation in &page.accessibility {
                writeln!(f, "  accessibility: {violation}")?;
            }
        }
        Ok(())
    }
}

/// The running test's name (libtest names the thread after it).
fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("unnamed-test")
        .to_string()
}

/// Where a failing test's screenshot and page go: `target/browser-screenshots/<test>.*`.
fn failure_paths(test: &str) -> (PathBuf, PathBuf) {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-screenshots");
    let _ = std::fs::create_dir_all(&dir);
    let name = test.replace("::", "-");
    (
        dir.join(format!("{name}.png")),
        dir.join(format!("{name}.html")),
    )
}

/// `text` as an XPath string literal, whatever quotes it holds.
fn xpath_literal(text: &str) -> String {
    if !text.contains('\'') {
        format!("'{text}'")
    } else if !text.contains('"') {
        format!("\"{text}\"")
    } else {
        let parts: Vec<String> = text.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
