//! The two checks every page a browser test reaches goes through: the Nu Html Checker on
//! the HTML Concord sent, and axe-core inside the rendered page.

use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

use super::tools::{Tools, wait_for_checker};

/// The WCAG levels Concord meets: 2.0 and 2.1, A and AA.
const AXE_TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

#[derive(Deserialize)]
struct VnuReport {
    messages: Vec<VnuMessage>,
}

#[derive(Deserialize)]
struct VnuMessage {
    #[serde(rename = "type")]
    kind: String,
    message: String,
    #[serde(rename = "lastLine")]
    line: Option<u64>,
    extract: Option<String>,
}

/// The Nu Html Checker's errors for one document, each as a readable line.
pub async fn html_errors(tools: &Tools, html: &str) -> Vec<String> {
    if let Err(why) = wait_for_checker(tools).await {
        return vec![format!("cannot check HTML: {why}")];
    }
    let response = super::tools::checker_client()
        .post(format!("{}?out=json", tools.vnu_url))
        .header("content-type", "text/html; charset=utf-8")
        .body(html.to_string())
        .send()
        .await;
    let report: VnuReport = match response {
        Ok(r) => match r.json().await {
            Ok(report) => report,
            Err(e) => return vec![format!("the HTML checker gave no report: {e}")],
        },
        Err(e) => return vec![format!("the HTML checker did not answer: {e}")],
    };
    report
        .messages
        .into_iter()
        // "info" messages (warnings) are advice; errors and non-document errors fail.
        .filter(|m| m.kind != "info")
        .map(|m| {
            let line = html
                .lines()
                .nth(m.line.unwrap_or(1).saturating_sub(1) as usize)
                .unwrap_or("")
                .trim();
            format!(
                "line {}: {} [{}]\n      {}",
                m.line.unwrap_or(0),
                m.message,
                m.kind,
                m.extract
                    .as_deref()
                    .map(|e| e.replace('\n', "⏎"))
                    .unwrap_or_else(|| line.to_string())
            )
        })
        .collect()
}

#[derive(Deserialize)]
struct AxeViolation {
    id: String,
    impact: Option<String>,
    help: String,
    #[serde(rename = "helpUrl")]
    help_url: String,
    nodes: Vec<AxeNode>,
}

#[derive(Deserialize)]
struct AxeNode {
    html: String,
    target: serde_json::Value,
    #[serde(rename = "failureSummary")]
    failure_summary: Option<String>,
}

/// Has Chromium evaluate axe-core in every new document of this session, before the
/// page's own scripts, through the DevTools protocol (chromedriver's `goog/cdp` endpoint):
/// that spares sending its 650 kB through WebDriver for each page.
pub async fn preload_axe(tools: &Tools, session_id: &str) {
    devtools(
        tools,
        session_id,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": tools.axe_source }),
    )
    .await;
}

/// Sends one DevTools protocol command to the session's browser, through chromedriver.
pub async fn devtools(tools: &Tools, session_id: &str, cmd: &str, params: serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/session/{session_id}/goog/cdp/execute",
            tools.webdriver_url
        ))
        .json(&json!({ "cmd": cmd, "params": params }))
        .send()
        .await
        .expect("chromedriver answers");
    assert!(
        response.status().is_success(),
        "{cmd} failed: {}",
        response.text().await.unwrap_or_default()
    );
}

/// axe-core's WCAG 2.1 A/AA violations on the page the browser shows, each as a readable
/// paragraph.
///
/// axe is already in the page ([`preload_axe`]) and is run with WebDriver's Execute Async
/// Script. Both go through the DevTools protocol, to which the page's
/// Content-Security-Policy (no inline script, no eval) does not apply, so the check runs
/// on the pages exactly as Concord serves them, CSP and all: every browser test shows it
/// working under Concord's CSP, and fails if axe is missing from a page.
pub async fn accessibility_violations(client: &Client) -> Vec<String> {
    let injected = client.execute("return typeof window.axe;", vec![]).await;
    match injected {
        Ok(kind) if kind == json!("object") => {}
        other => return vec![format!("axe-core could not be injected: {other:?}")],
    }
    let run = client
        .execute_async(
            r#"
const [tags, done] = arguments;
axe.run(document, { runOnly: { type: 'tag', values: tags } })
  .then(results => done(JSON.stringify(results.violations)))
  .catch(error => done(JSON.stringify({ error: String(error) })));
"#,
            vec![json!(AXE_TAGS)],
        )
        .await;
    let text = match run {
        Ok(serde_json::Value::String(text)) => text,
        other => return vec![format!("axe-core did not run: {other:?}")],
    };
    let violations: Vec<AxeViolation> = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => return vec![format!("axe-core failed: {text}")],
    };
    violations
        .into_iter()
        .map(|v| {
            let mut out = format!(
                "{} ({}): {}\n      {}",
                v.id,
                v.impact.as_deref().unwrap_or("unknown impact"),
                v.help,
                v.help_url
            );
            for node in v.nodes {
                out.push_str(&format!(
                    "\n      at {}: {}\n        {}",
                    node.target,
                    shorten(&node.html),
                    node.failure_summary
                        .unwrap_or_default()
                        .replace('\n', "\n        ")
                ));
            }
            out
        })
        .collect()
}

/// An element's markup, cut short: axe quotes `<html>` with the whole document.
fn shorten(html: &str) -> String {
    let one_line = html.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(160) {
        Some((end, _)) => format!("{}…", &one_line[..end]),
        None => one_line,
    }
}
