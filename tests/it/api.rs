//! The JSON API: field names, teams with members and alumni, and HTTP caching.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_NONE_MATCH};
use serde_json::Value;
use time::Duration;

use crate::teams::World;

async fn get(world: &World, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(format!("{}{}", world.app.address, path));
    if let Some(etag) = etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    request.send().await.expect("request")
}

#[tokio::test]
async fn teams_with_members_alumni_parent_and_mandate() {
    let world = World::new().await;
    let carol = world.delegate_packages().await;
    drop(carol);
    world.app.clock.advance(Duration::days(400));
    let carol = world.app.signed_in("carol").await;
    carol
        .post(
            "/teams/core/members/carol/leave",
            &[("leave_reason", "Done")],
        )
        .await
        .assert_redirect("/teams/core");

    let response = get(&world, "/api/v1/teams", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
    assert!(response.headers().get("set-cookie").is_none());
    let list: Value = response.json().await.expect("json");
    let teams = list["teams"].as_array().expect("teams");
    let slugs: Vec<&str> = teams.iter().filter_map(|t| t["slug"].as_str()).collect();
    assert_eq!(slugs, vec!["core", "infra", "packages"]);

    let core = &teams[0];
    assert_eq!(core["name"], "Core");
    assert_eq!(core["url"], format!("{}/teams/core", world.app.address));
    assert_eq!(core["parent"], Value::Null);
    assert_eq!(core["subteams"], serde_json::json!(["packages"]));
    assert_eq!(core["mandate"], "The direction of the project.");
    assert_eq!(
        core["decision_rule"],
        serde_json::json!({"kind": "unanimous", "n": 1, "description": "Unanimous, with at most 1 decider absent."})
    );
    assert_eq!(core["review_date"], "2026-12-31");
    assert_eq!(core["created_at"], "2026-03-02T09:00:00Z");
    assert_eq!(core["revoked_at"], Value::Null);
    assert_eq!(core["members"], serde_json::json!([]));
    assert_eq!(
        core["alumni"],
        serde_json::json!([{
            "login": "carol",
            "name": null,
            "years": "2026–2027",
            "stints": [{"joined_at": "2026-03-02T09:00:00Z", "left_at": "2027-04-06T09:00:00Z"}],
        }])
    );
    let packages = &teams[2];
    assert_eq!(packages["parent"], "core");
    assert_eq!(
        packages["members"],
        serde_json::json!([{
            "login": "pat",
            "name": null,
            "role": "member",
            "since": "2026-03-02T09:00:00Z",
            "role_since": "2026-03-02T09:00:00Z",
        }])
    );

    let one: Value = get(&world, "/api/v1/teams/packages", None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(&one, packages);
}

#[tokio::test]
async fn answers_are_cacheable_and_revalidate() {
    let world = World::new().await;
    for path in ["/api/v1/teams", "/api/v1/teams/core"] {
        let first = get(&world, path, None).await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()[CACHE_CONTROL], "public, max-age=60");
        let etag = first.headers()[ETAG].to_str().expect("etag").to_string();
        assert!(etag.starts_with("W/\""), "{etag}");

        let again = get(&world, path, Some(&etag)).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(again.headers()[ETAG].to_str().expect("etag"), etag);
        assert!(again.text().await.expect("body").is_empty());
        assert_eq!(
            get(&world, path, Some("*")).await.status(),
            StatusCode::NOT_MODIFIED
        );
        assert_eq!(
            get(&world, path, Some("\"stale\"")).await.status(),
            StatusCode::OK
        );

        // A change makes a new document with a new ETag.
        world
            .add_member("core", &format!("new-{}", path.len()), "member")
            .await;
        let changed = get(&world, path, Some(&etag)).await;
        assert_eq!(changed.status(), StatusCode::OK);
        assert_ne!(changed.headers()[ETAG].to_str().expect("etag"), etag);
    }
}

#[tokio::test]
async fn an_unknown_team_is_a_json_404() {
    let world = World::new().await;
    let response = get(&world, "/api/v1/teams/nope", None).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["error"], "There is nothing at this address.");
}

/// The API keeps rendered documents in memory; any recorded change (here a new member, in
/// the same instant of the app's clock) must show at once, in the list and the team.
#[tokio::test]
async fn a_recorded_change_shows_at_once_despite_the_kept_documents() {
    let world = World::new().await;
    let logins = |doc: &Value| -> Vec<String> {
        doc["members"]
            .as_array()
            .expect("members")
            .iter()
            .filter_map(|m| m["login"].as_str().map(String::from))
            .collect()
    };
    let team: Value = get(&world, "/api/v1/teams/core", None)
        .await
        .json()
        .await
        .expect("json");
    assert!(!logins(&team).contains(&"zelda".to_string()));
    let list: Value = get(&world, "/api/v1/teams", None)
        .await
        .json()
        .await
        .expect("json");
    assert!(list["teams"].is_array());

    world.add_member("core", "zelda", "member").await;
    let team: Value = get(&world, "/api/v1/teams/core", None)
        .await
        .json()
        .await
        .expect("json");
    assert!(logins(&team).contains(&"zelda".to_string()));
    let list: Value = get(&world, "/api/v1/teams", None)
        .await
        .json()
        .await
        .expect("json");
    let core = list["teams"]
        .as_array()
        .expect("teams")
        .iter()
        .find(|t| t["slug"] == "core")
        .expect("core");
    assert!(logins(core).contains(&"zelda".to_string()));
}

#[tokio::test]
async fn documents_come_gzipped_to_clients_that_take_gzip() {
    use std::io::Read;
    let world = World::new().await;
    for path in ["/api/v1/teams", "/api/v1/teams/core"] {
        let plain = get(&world, path, None).await;
        assert!(plain.headers().get("content-encoding").is_none());
        let plain = plain.bytes().await.expect("body");

        for accept in ["gzip", "br;q=1.0, gzip;q=0.8", "deflate, GZIP"] {
            let response = reqwest::Client::new()
                .get(format!("{}{}", world.app.address, path))
                .header("accept-encoding", accept)
                .send()
                .await
                .expect("request");
            assert_eq!(response.headers()["content-encoding"], "gzip", "{accept}");
            // The answer differs by encoding, and (for a token) by who asks.
            assert_eq!(response.headers()["vary"], "authorization, accept-encoding");
            let zipped = response.bytes().await.expect("body");
            let mut unzipped = Vec::new();
            flate2::read::GzDecoder::new(&zipped[..])
                .read_to_end(&mut unzipped)
                .expect("a gzip body");
            assert_eq!(unzipped, plain, "{accept}");
        }
        // Refused with q=0: plain JSON.
        let refused = reqwest::Client::new()
            .get(format!("{}{}", world.app.address, path))
            .header("accept-encoding", "gzip;q=0")
            .send()
            .await
            .expect("request");
        assert!(refused.headers().get("content-encoding").is_none());
        assert_eq!(refused.bytes().await.expect("body"), plain);
    }
}
