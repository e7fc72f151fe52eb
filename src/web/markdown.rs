//! Markdown to safe HTML: pulldown-cmark renders, ammonia keeps a conservative allowlist
//! (no svg, math, style or raw-text tags; only http, https and mailto links).

use std::collections::HashSet;
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&str> = [
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
        "input",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow noopener noreferrer"))
        .tag_attributes(
            [
                ("a", ["href", "title"].into_iter().collect()),
                (
                    "input",
                    ["type", "checked", "disabled"].into_iter().collect(),
                ),
                ("th", ["align"].into_iter().collect()),
                ("td", ["align"].into_iter().collect()),
                ("ol", ["start"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .generic_attributes(HashSet::new());
    builder
});

/// Renders Markdown written by a person into HTML that is safe to embed in a page.
pub fn render(markdown: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    SANITIZER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn renders_markdown() {
        assert_eq!(
            render("**hi** [a](https://example.org)"),
            "<p><strong>hi</strong> <a href=\"https://example.org\" rel=\"nofollow noopener noreferrer\">a</a></p>\n"
        );
    }

    #[test]
    fn strips_everything_executable() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "<svg><script>alert(1)</script></svg>",
            "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
            "<style>body{display:none}</style>",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "<iframe src=\"https://example.org\"></iframe>",
            "\"><script>alert(1)</script>",
        ] {
            let html = render(attack);
            for needle in [
                "<script",
                "onerror",
                "javascript:",
                "<svg",
                "<math",
                "<style",
                "data:",
                "<iframe",
                "<img",
            ] {
                assert!(!html.contains(needle), "{attack:?} rendered as {html:?}");
            }
        }
    }
}
