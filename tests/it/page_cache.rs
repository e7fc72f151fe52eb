//! Visitors' pages are kept between changes: what a visitor sees is exactly what they
//! would see without it, to the change and to the second, and nobody with a cookie is
//! ever given a kept page.

use std::io::Read;

use time::Duration;

use crate::teams::World;

async fn visitor_get(world: &World, path: &str, gzip: bool) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{}", world.app.address, path));
    if gzip {
        request = request.header("accept-encoding", "gzip");
    }
    request.send().await.expect("request")
}

#[tokio::test]
async fn a_kept_page_lasts_until_a_change_or_the_next_second() {
    let world = World::new().await;
    let page = || async {
        visitor_get(&world, "/teams/core", false)
            .await
            .text()
            .await
            .expect("body")
    };
    assert!(page().await.contains("<h1>Core</h1>"));

    // A change made behind the app's back (no audit entry, same second): the kept page
    // is what visitors get, proof that pages are kept at all...
    sqlx::query("update teams set name = 'Renamed quietly' where slug = 'core'")
        .execute(&world.app.pool)
        .await
        .expect("rename");
    assert!(page().await.contains("<h1>Core</h1>"));
    // ...while anyone with a cookie is served afresh.
    world
        .admin
        .get("/teams/core")
        .await
        .assert_contains("<h1>Renamed quietly</h1>");

    // The next second of the app's clock: rendered again.
    world.app.clock.advance(Duration::seconds(1));
    assert!(page().await.contains("<h1>Renamed quietly</h1>"));

    // A recorded change shows at once, in the same second.
    world.add_member("core", "new-face", "member").await;
    assert!(page().await.contains("new-face"));
}

#[tokio::test]
async fn kept_pages_come_gzipped_to_clients_that_take_gzip() {
    let world = World::new().await;
    for _ in 0..2 {
        let plain = visitor_get(&world, "/teams", false).await;
        assert!(plain.headers().get("content-encoding").is_none());
        assert!(plain.headers().get("set-cookie").is_none());
        let plain = plain.bytes().await.expect("body");

        let zipped = visitor_get(&world, "/teams", true).await;
        assert_eq!(zipped.headers()["content-encoding"], "gzip");
        assert_eq!(zipped.headers()["vary"], "accept-encoding");
        assert!(
            zipped.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/html")
        );
        // The security headers are on kept pages too.
        assert!(zipped.headers().contains_key("content-security-policy"));
        let zipped = zipped.bytes().await.expect("body");
        let mut unzipped = Vec::new();
        flate2::read::GzDecoder::new(&zipped[..])
            .read_to_end(&mut unzipped)
            .expect("a gzip body");
        assert_eq!(unzipped, plain);
    }
}

#[tokio::test]
async fn a_page_that_sets_a_cookie_is_never_shared_between_visitors() {
    let world = World::new().await;
    // The sign-in page gives each visitor a session of their own for its form's token:
    // not kept, and in the same second (the app's clock stands still) every visitor still
    // gets their own.
    let mut cookies = Vec::new();
    for _ in 0..3 {
        let response = visitor_get(&world, "/login", false).await;
        assert_eq!(response.status(), 200);
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().to_string())
            .expect("a session cookie for the sign-in form");
        let body = response.text().await.expect("body");
        let token = crate::support::find_csrf_token(&body).expect("a form token");
        cookies.push((cookie, token));
    }
    cookies.sort();
    cookies.dedup();
    assert_eq!(cookies.len(), 3, "visitors shared a session or a token");
}
