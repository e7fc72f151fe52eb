//! Search at `/search`: each kind found by its words, the filters, the orders and pages,
//! bad parameters answered on the page, and the private texts of the scenario never in
//! a result, for every role.

use time::Duration;

use crate::support::html::{attrs, texts};
use crate::support::scenario::{Marker, Scenario, markers_in};
use crate::support::{Browser, Client, Page};

const HITS: &str = ".search-hit h3 a";

async fn search(client: &Client, query: &str) -> Page {
    let page = client.get(&format!("/search?{query}")).await;
    page.assert_status(200);
    page
}

fn hrefs(page: &Page) -> Vec<String> {
    attrs(&page.body, HITS, "href")
}

#[tokio::test]
async fn every_kind_is_found_by_its_words() {
    let (app, s) = Scenario::in_new_app().await;
    let decision = s
        .public_decision(
            &app,
            "Adopt the harbour rota?",
            Some("We keep quokka hours."),
        )
        .await;
    let visitor = app.visitor();

    // An RFC by its current text, with the matched words marked in the snippet.
    let page = search(&visitor, "q=pull+requests").await;
    assert!(
        hrefs(&page).contains(&format!("/rfcs/{}", s.rfc)),
        "{:?}",
        hrefs(&page)
    );
    let marked = texts(&page.body, ".search-snippet mark");
    assert!(marked.iter().any(|m| m == "pull"), "{marked:?}");
    assert!(marked.iter().any(|m| m == "requests"), "{marked:?}");

    let cases = [
        (
            "q=thoughts&kind=feedback",
            format!("/rfcs/{}#feedback-{}", s.rfc, s.feedback),
        ),
        ("q=hello&kind=post", s.post.clone()),
        ("q=nice&kind=comment", s.post.clone()),
        ("q=reviewers&kind=call", format!("/calls/{}", s.call)),
        ("q=core&kind=team", format!("/teams/{}", s.team)),
        // The decision's question, and its recorded outcome statement.
        ("q=harbour&kind=decision", format!("/decisions/{decision}")),
        ("q=quokka", format!("/decisions/{decision}")),
        (
            &format!("q={}&kind=person", s.critic),
            format!("/people/{}", s.critic),
        ),
    ];
    for (query, want) in &cases {
        let page = search(&visitor, query).await;
        let found = hrefs(&page);
        assert!(found.contains(want), "{query}: {want} not in {found:?}");
        let kinds = texts(&page.body, ".search-hit-kind");
        assert!(!kinds.is_empty(), "{query}");
    }
    let page = search(&visitor, "q=nice&kind=comment").await;
    assert_eq!(
        texts(&page.body, HITS),
        vec!["Comment on Published 0".to_string()]
    );
    // A person's hit names their teams.
    let page = search(&visitor, &format!("q={}&kind=person", s.member)).await;
    assert!(
        attrs(&page.body, ".search-hit a", "href").contains(&format!("/teams/{}", s.team)),
        "{}",
        page.body
    );

    // Web search syntax: a quoted phrase, and a word left out.
    let page = search(&visitor, "q=%22open+pull+requests%22").await;
    assert!(hrefs(&page).contains(&format!("/rfcs/{}", s.rfc)));
    let page = search(&visitor, "q=%22requests+pull%22&kind=rfc").await;
    assert!(hrefs(&page).is_empty(), "{:?}", hrefs(&page));
    let page = search(&visitor, "q=pull+-bots&kind=rfc").await;
    assert!(hrefs(&page).is_empty(), "{:?}", hrefs(&page));
    texts(&page.body, ".no-results")
        .first()
        .expect("says nothing was found");
}

#[tokio::test]
async fn private_texts_never_come_back_to_anyone() {
    let (app, s) = Scenario::in_new_app().await;
    let clients = [
        ("visitor", app.visitor()),
        ("signed in", app.signed_in(&s.someone).await),
        ("nominee", app.signed_in(&s.nominee).await),
        ("nominator", app.signed_in(&s.nominator).await),
        ("member", app.signed_in(&s.member).await),
        ("other team", app.signed_in(&s.other).await),
        ("admin", app.signed_in("admin").await),
    ];
    // The private texts are there to be found: the team sees them on their pages.
    let member = &clients[4].1;
    member
        .get(&format!("/decisions/{}", s.decision))
        .await
        .assert_status(200)
        .assert_contains(&Marker::Decision.text(0));

    let mut queries: Vec<String> = vec!["q=secret".into(), "q=secret&order=newest".into()];
    for marker in Marker::ALL {
        queries.push(format!("q={}", marker.text(0)));
    }
    for kind in [
        "team", "rfc", "feedback", "decision", "call", "post", "comment", "person",
    ] {
        queries.push(format!("q=secret&kind={kind}"));
        queries.push(format!("q=secret&kind={kind}&team={}", s.team));
    }
    // Words that are only in private texts, next to public ones.
    queries.push("q=worried".into());
    queries.push("q=unfinished".into());
    queries.push("q=draft+policy".into());
    for (role, client) in &clients {
        for query in &queries {
            let page = search(client, query).await;
            // The query itself is shown back in the form; the results never hold one.
            let results =
                texts(&page.body, "#results-heading, .search-results, .no-results").join("\n");
            assert!(!results.is_empty(), "{role}, {query}: no results section");
            assert!(
                markers_in(&results).is_empty(),
                "{role} found {:?} with {query}",
                markers_in(&results)
            );
            assert!(
                hrefs(&page).is_empty(),
                "{role}, {query}: {:?}",
                hrefs(&page)
            );
        }
        // The draft RFC and draft post are not found by their titles either.
        let page = search(client, "q=policy&kind=rfc").await;
        assert_eq!(hrefs(&page), vec![format!("/rfcs/{}", s.rfc)], "{role}");
        let page = search(client, "q=unfinished+OR+published&kind=post").await;
        assert_eq!(hrefs(&page), vec![s.post.clone()], "{role}");
    }
}

#[tokio::test]
async fn filters_by_kind_and_team() {
    let (app, s) = Scenario::in_new_app().await;
    let visitor = app.visitor();
    let page = search(&visitor, &format!("q=pull&team={}", s.team)).await;
    assert_eq!(hrefs(&page), vec![format!("/rfcs/{}", s.rfc)]);
    let page = search(&visitor, &format!("q=pull&team={}", s.other_team)).await;
    assert!(hrefs(&page).is_empty());
    let page = search(&visitor, "q=pull&kind=post").await;
    assert!(hrefs(&page).is_empty());
    // People filtered by team are its current members.
    let page = search(
        &visitor,
        &format!("q={}&kind=person&team={}", s.other, s.team),
    )
    .await;
    assert!(hrefs(&page).is_empty(), "{:?}", hrefs(&page));
    let page = search(
        &visitor,
        &format!("q={}&kind=person&team={}", s.member, s.team),
    )
    .await;
    assert_eq!(hrefs(&page), vec![format!("/people/{}", s.member)]);
    // The filters show what was chosen.
    let page = search(&visitor, &format!("q=pull&kind=rfc&team={}", s.team)).await;
    assert_eq!(
        attrs(&page.body, "#search-kind option[selected]", "value"),
        vec!["rfc"]
    );
    assert_eq!(
        attrs(&page.body, "#search-team option[selected]", "value"),
        vec![s.team.clone()]
    );
}

#[tokio::test]
async fn bad_parameters_are_answered_on_the_page_with_what_was_typed() {
    let (app, _) = Scenario::in_new_app().await;
    let visitor = app.visitor();
    for (query, message) in [
        ("q=pull&team=nowhere", "There is no team “nowhere”."),
        ("q=pull&kind=secrets", "Choose one of the kinds listed."),
        (
            "q=pull&order=loudest",
            "Order by best match or newest first.",
        ),
        ("q=pull&page=0", "Pages go from 1 to 50."),
        ("q=pull&page=lots", "Pages go from 1 to 50."),
    ] {
        let page = visitor.get(&format!("/search?{query}")).await;
        page.assert_status(422);
        assert_eq!(
            texts(&page.body, ".flash-error li"),
            vec![message.to_string()],
            "{query}"
        );
        assert_eq!(
            attrs(&page.body, "#search-q", "value"),
            vec!["pull"],
            "{query}"
        );
    }
    let long = "x".repeat(201);
    let page = visitor.get(&format!("/search?q={long}")).await;
    page.assert_status(422);
    assert_eq!(attrs(&page.body, "#search-q", "value"), vec![long]);
    // Whatever else is typed is searched for, never an error.
    for query in [
        "q=%21%21%21+%26+%7C+%28",
        "q=%22",
        "q=the",
        "q=-",
        "q=a%3Ab",
        "kind=",
        "q=",
    ] {
        visitor
            .get(&format!("/search?{query}"))
            .await
            .assert_status(200);
    }
    // No query: the form alone.
    let page = search(&visitor, "").await;
    assert!(texts(&page.body, "#results-heading").is_empty());
}

#[tokio::test]
async fn best_or_newest_first_a_page_at_a_time() {
    let (app, s) = Scenario::in_new_app().await;
    // Five people write five comments each (each person's writes are rate limited).
    let mut people = Vec::new();
    for who in [&s.critic, &s.someone, &s.nominee, &s.nominator, &s.other] {
        people.push(app.signed_in(who).await);
    }
    let path = format!("{}/comments", s.post);
    // The oldest says "zebra" most often; then 24 that say it once, a minute apart.
    for n in 0..25 {
        let body = match n {
            0 => "zebra zebra zebra, the zebra crossing".to_string(),
            n => format!("zebra number {n}"),
        };
        if n > 0 {
            app.clock.advance(Duration::minutes(1));
        }
        let page = people[n % 5]
            .post(
                &path,
                &[("body", &body), ("nonce", &format!("{:032x}", 5000 + n))],
            )
            .await;
        assert!(page.status.is_redirection(), "comment {n}: {}", page.status);
    }
    let visitor = app.visitor();
    let page = search(&visitor, "q=zebra").await;
    let snippets = texts(&page.body, ".search-snippet");
    assert_eq!(snippets.len(), 20);
    assert!(snippets[0].starts_with("zebra zebra zebra"), "{snippets:?}");
    let next = attrs(&page.body, "a[rel=next]", "href");
    assert_eq!(next, vec!["/search?q=zebra&page=2".to_string()]);
    let page = search(&visitor, "q=zebra&page=2").await;
    assert_eq!(texts(&page.body, ".search-snippet").len(), 5);
    assert!(attrs(&page.body, "a[rel=next]", "href").is_empty());
    assert_eq!(
        attrs(&page.body, "a[rel=prev]", "href"),
        vec!["/search?q=zebra"]
    );

    let page = search(&visitor, "q=zebra&order=newest").await;
    let snippets = texts(&page.body, ".search-snippet");
    assert_eq!(snippets[0], "zebra number 24");
    assert_eq!(snippets[1], "zebra number 23");
    let page = search(&visitor, "q=zebra&order=newest&page=2").await;
    let snippets = texts(&page.body, ".search-snippet");
    assert_eq!(
        snippets.last().map(String::as_str),
        Some("zebra zebra zebra, the zebra crossing")
    );
}

#[tokio::test]
async fn the_header_box_searches_from_any_page() {
    let (app, s) = Scenario::in_new_app().await;
    let Some(mut browser) = Browser::open(&app).await else {
        return;
    };
    browser.goto(&format!("/teams/{}", s.team)).await;
    browser.fill("Search the record", "pull requests").await;
    browser.click_button("Search").await;
    assert_eq!(browser.status(), 200);
    assert!(browser.path().starts_with("/search"), "{}", browser.path());
    browser.assert_text("Open policy").await;
    browser.click_link("Open policy").await;
    assert_eq!(browser.path(), format!("/rfcs/{}", s.rfc));
    browser.finish().await;
}

#[tokio::test]
async fn a_team_filter_narrows_the_matches_before_the_newest_are_taken() {
    // A common word: more people say it than a branch ranks (search::model::CANDIDATES),
    // all of them newer than the one team member who does.
    let (app, s) = Scenario::in_new_app().await;
    sqlx::query("update users set name = 'Walrus Keeper' where login = $1")
        .bind(&s.member)
        .execute(&app.pool)
        .await
        .unwrap();
    sqlx::query(
        "insert into users (login, name, created_at, updated_at)
         select 'keeper-' || n, 'Walrus ' || n, now() + n * interval '1 minute', now()
           from generate_series(1, 250) n",
    )
    .execute(&app.pool)
    .await
    .unwrap();
    let visitor = app.visitor();
    let page = search(&visitor, &format!("q=walrus&kind=person&team={}", s.team)).await;
    assert_eq!(hrefs(&page), vec![format!("/people/{}", s.member)]);
    // Without the filter the newest come first, a page at a time.
    let page = search(&visitor, "q=walrus&kind=person&order=newest").await;
    assert_eq!(
        hrefs(&page).first(),
        Some(&"/people/keeper-250".to_string())
    );
    assert_eq!(hrefs(&page).len(), 20);
}
