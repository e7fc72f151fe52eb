//! Link previews and search engines: a meta description on every page, Open Graph and
//! Twitter card tags on public posts, RFCs, decisions and calls, `noindex` on everything
//! that is not public, `robots.txt` and `sitemap.xml`.

use crate::support::html::{attrs, texts};
use crate::support::scenario::Scenario;
use crate::support::{Client, Page, TestApp};

fn meta(page: &Page, key: &str) -> Vec<String> {
    let mut found = attrs(&page.body, &format!("meta[property=\"{key}\"]"), "content");
    found.extend(attrs(
        &page.body,
        &format!("meta[name=\"{key}\"]"),
        "content",
    ));
    found
}

async fn get(client: &Client, path: &str) -> Page {
    let page = client.get(path).await;
    page.assert_status(200);
    page
}

fn indexable(page: &Page) -> bool {
    meta(page, "robots").is_empty()
}

async fn setup() -> (TestApp, Scenario, i64) {
    let (app, s) = Scenario::in_new_app().await;
    let public = s.public_decision(&app, "Move the meeting?", None).await;
    (app, s, public)
}

#[tokio::test]
async fn public_pages_describe_themselves_and_carry_cards() {
    let (app, s, public) = setup().await;
    let visitor = app.visitor();
    let origin = app.config.origin();
    for path in [
        "/".to_string(),
        "/teams".into(),
        format!("/teams/{}", s.team),
        "/rfcs".into(),
        "/posts".into(),
        "/audit".into(),
        format!("/teams/{}/decisions", s.team),
        format!("/teams/{}/calls", s.team),
    ] {
        let page = get(&visitor, &path).await;
        let description = meta(&page, "description");
        assert_eq!(description.len(), 1, "{path}");
        assert!(!description[0].is_empty(), "{path}");
        assert!(indexable(&page), "{path} says noindex");
    }
    let cards = [
        (
            format!("/rfcs/{}", s.rfc),
            "Open policy",
            "How we work.".to_string(),
        ),
        (
            s.post.clone(),
            "Published 0",
            "An update from Core: Published 0".to_string(),
        ),
        (
            format!("/decisions/{public}"),
            "Move the meeting?",
            "A decision of Core: Move the meeting? (Open)".to_string(),
        ),
        (
            format!("/calls/{}", s.call),
            "New reviewers",
            "A call for nominations by Core: New reviewers.".to_string(),
        ),
    ];
    for (path, title, description) in &cards {
        let page = get(&visitor, path).await;
        assert!(indexable(&page), "{path} says noindex");
        assert_eq!(meta(&page, "og:title"), vec![title.to_string()], "{path}");
        assert_eq!(
            meta(&page, "twitter:title"),
            vec![title.to_string()],
            "{path}"
        );
        let og = meta(&page, "og:description");
        assert!(
            og.len() == 1 && og[0].starts_with(description.as_str()),
            "{path}: {og:?}"
        );
        assert_eq!(meta(&page, "description"), og, "{path}");
        assert_eq!(meta(&page, "twitter:card"), vec!["summary"], "{path}");
        assert_eq!(meta(&page, "article:section"), vec!["Core"], "{path}");
        assert_eq!(meta(&page, "twitter:data1"), vec!["Core"], "{path}");
        assert_eq!(
            meta(&page, "og:url"),
            vec![format!("{origin}{path}")],
            "{path}"
        );
        assert_eq!(
            attrs(&page.body, "link[rel=canonical]", "href"),
            vec![format!("{origin}{path}")]
        );
    }
}

#[tokio::test]
async fn private_and_draft_pages_say_noindex() {
    let (app, s, _) = setup().await;
    let member = app.signed_in(&s.member).await;
    for path in [
        s.draft_post.clone(),
        format!("/rfcs/{}", s.draft_rfc),
        format!("/decisions/{}", s.decision),
        format!("/decisions/{}", s.shortlist),
        format!("/nominations/{}", s.nomination),
        "/inbox".to_string(),
        format!("/teams/{}/members", s.team),
        "/search?q=policy".into(),
    ] {
        let page = get(&member, &path).await;
        assert_eq!(meta(&page, "robots"), vec!["noindex"], "{path}");
        assert!(meta(&page, "og:title").is_empty(), "{path} has a card");
        assert_eq!(meta(&page, "description").len(), 1, "{path}");
    }
    // Sign-in and error pages too.
    let visitor = app.visitor();
    assert_eq!(
        meta(&get(&visitor, "/login").await, "robots"),
        vec!["noindex"]
    );
    let page = visitor.get("/nowhere").await;
    page.assert_status(404);
    assert_eq!(meta(&page, "robots"), vec!["noindex"]);
}

#[tokio::test]
async fn robots_and_the_sitemap_list_the_public_pages_only() {
    let (app, s, public) = setup().await;
    let visitor = app.visitor();
    let origin = app.config.origin();
    let page = get(&visitor, "/robots.txt").await;
    assert!(page.body.contains("User-agent: *"));
    assert!(page.body.contains("Disallow: /search\n"));
    assert!(
        page.body
            .contains(&format!("Sitemap: {origin}/sitemap.xml"))
    );
    assert!(page.set_cookies().is_empty());

    let page = get(&visitor, "/sitemap.xml").await;
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/xml; charset=utf-8")
    );
    assert!(page.body.starts_with("<?xml"));
    let locs = texts(&page.body, "url > loc");
    let has = |path: &str| locs.contains(&format!("{origin}{path}"));
    for path in [
        "/".to_string(),
        "/teams".into(),
        format!("/teams/{}", s.team),
        format!("/teams/{}", s.other_team),
        format!("/rfcs/{}", s.rfc),
        s.post.clone(),
        format!("/decisions/{public}"),
        format!("/calls/{}", s.call),
    ] {
        assert!(has(&path), "{path} not in {locs:?}");
    }
    for path in [
        format!("/rfcs/{}", s.draft_rfc),
        s.draft_post.clone(),
        format!("/decisions/{}", s.decision),
        format!("/decisions/{}", s.shortlist),
        format!("/nominations/{}", s.nomination),
    ] {
        assert!(!has(&path), "{path} in the sitemap");
    }
    let lastmods = texts(&page.body, "url > lastmod");
    assert!(lastmods.iter().all(|l| l.ends_with('Z')), "{lastmods:?}");
    assert_eq!(
        lastmods.len(),
        locs.len() - 5,
        "every row's page has a lastmod"
    );
}
