//! CSS selectors over a page's HTML (the `scraper` crate), for assertions about what a
//! page shows.

use scraper::{Html, Selector};

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css:?}: {e:?}"))
}

/// The text of every element matching `css`, whitespace collapsed.
pub fn texts(body: &str, css: &str) -> Vec<String> {
    let html = Html::parse_document(body);
    html.select(&selector(css))
        .map(|e| e.text().collect::<String>())
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The value of `attribute` on every element matching `css`.
pub fn attrs(body: &str, css: &str, attribute: &str) -> Vec<String> {
    let html = Html::parse_document(body);
    html.select(&selector(css))
        .filter_map(|e| e.value().attr(attribute).map(str::to_string))
        .collect()
}
