//! A person's page, `/people/<login>`: who they are, their teams and stints, and their
//! public contributions, the same for every reader; never anything private.

use crate::support::html::{attrs, texts};
use crate::support::scenario::{Scenario, markers_in};
use crate::teams::World;

#[tokio::test]
async fn a_persons_page_shows_their_teams_and_stints_and_links_from_the_team_page() {
    let world = World::new().await;
    let app = &world.app;
    world.add_member("infra", "carol", "lead").await;
    app.clock.advance(time::Duration::hours(2));
    let carol = app.signed_in("carol").await;
    carol
        .post("/teams/infra/leave", &[("reason", "")])
        .await
        .assert_redirect("/teams/infra");

    let page = app.visitor().get("/people/Carol").await;
    page.assert_status(200);
    assert_eq!(texts(&page.body, "h1"), ["carol"]);
    assert_eq!(
        texts(&page.body, "ul.person-teams li"),
        ["Core: member since 2026-03-02. Membership: 2026-03-02 to now."]
    );
    assert_eq!(
        texts(&page.body, "ul.person-former li"),
        ["Infrastructure: 2026-03-02 to 2026-03-02."]
    );
    assert_eq!(
        texts(&page.body, ".avatar-initials"),
        ["C"],
        "no avatar without GitHub's"
    );
    assert!(attrs(&page.body, "img.avatar", "src").is_empty());
    // Only the person sees their own links.
    assert!(texts(&page.body, "ul.actions").is_empty());
    let own = carol.get("/people/carol").await;
    own.assert_status(200);
    assert_eq!(
        attrs(&own.body, "ul.actions a", "href"),
        ["/me/nominations", "/inbox", "/settings"]
    );

    // The team page's names lead there.
    let team = app.visitor().get("/teams/core").await;
    team.assert_status(200);
    assert_eq!(
        attrs(&team.body, "#members ~ ul.people a.person", "href"),
        ["/people/carol"]
    );
    app.visitor()
        .get("/people/nobody-here")
        .await
        .assert_status(404);
}

#[tokio::test]
async fn an_avatar_is_shown_only_from_githubs_avatar_host() {
    let world = World::new().await;
    let app = &world.app;
    for (login, name, url) in [
        (
            "carol",
            None,
            "https://avatars.githubusercontent.com/u/1?v=4",
        ),
        (
            "ivan",
            Some("Ivan Ode"),
            "https://tracker.example.com/pixel.gif",
        ),
    ] {
        sqlx::query("update users set avatar_url = $2, name = $3 where login = $1")
            .bind(login)
            .bind(url)
            .bind(name)
            .execute(&app.pool)
            .await
            .expect("set the avatar");
    }
    let page = app.visitor().get("/people/carol").await;
    page.assert_status(200);
    assert_eq!(
        attrs(&page.body, "img.avatar", "src"),
        ["https://avatars.githubusercontent.com/u/1?v=4"]
    );
    let page = app.visitor().get("/people/ivan").await;
    page.assert_status(200);
    assert!(attrs(&page.body, "img", "src").is_empty());
    assert_eq!(texts(&page.body, ".avatar-initials"), ["IO"]);
    assert_eq!(texts(&page.body, "h1"), ["Ivan Ode"]);
}

#[tokio::test]
async fn a_persons_page_lists_public_contributions_and_nothing_private_for_anyone() {
    let (app, s) = Scenario::in_new_app().await;
    let readers = [
        app.visitor(),
        app.signed_in(&s.someone).await,
        app.signed_in(&s.member).await,
        app.signed_in("admin").await,
    ];
    for reader in &readers {
        for person in [&s.lead, &s.member, &s.critic, &s.nominee, &s.nominator] {
            let page = reader.get(&format!("/people/{person}")).await;
            page.assert_status(200);
            assert_eq!(
                markers_in(&page.body),
                [],
                "private text on the page of {person}"
            );
            assert!(!page.body.contains("Draft policy") && !page.body.contains("Unfinished"));
        }
        let lead = reader.get(&format!("/people/{}", s.lead)).await;
        lead.assert_status(200);
        let items = texts(&lead.body, "ul.contributions li");
        assert!(
            items
                .iter()
                .any(|i| i.starts_with(&format!("Published Published {}", s.n))),
            "{items:?}"
        );
        assert!(
            items
                .iter()
                .any(|i| i.starts_with("Drafted the RFC Open policy")),
            "{items:?}"
        );
        assert!(
            !items.iter().any(|i| i.starts_with("Took a position")),
            "the scenario's decisions are the team's only: {items:?}"
        );
        let critic = reader.get(&format!("/people/{}", s.critic)).await;
        critic.assert_status(200);
        assert_eq!(
            texts(&critic.body, "ul.contributions li a:first-child"),
            ["Open policy"],
            "the public feedback only"
        );
    }
}
