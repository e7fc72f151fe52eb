//! Input no browser of ours sends, on every route from the route table: path parameters
//! with a NUL, another control character, an over-long value, bytes that are not UTF-8
//! and non-ASCII text; form fields that are looked up (a team, a login) with a NUL; and
//! forms that repeat a field or are not UTF-8. Never a 5xx, never an ERROR log line;
//! a path that names nothing is "not found", a form field a message beside the field.

use axum::http::Method;

use crate::support::logs::errors_under;
use crate::support::scenario::{IN_TWO_WEEKS, NOW, Scenario};
use crate::support::{Client, TestApp};

/// Odd values for one path parameter, percent-encoded as they travel, each with the
/// answer it must get (`None`: anything below 500 will do). Every one starts with
/// `odd` so that the log can be searched for the requests of this test.
fn odd_segments() -> Vec<(&'static str, String, Option<u16>)> {
    vec![
        ("a NUL", "odd%00nul".into(), Some(404)),
        ("an escape character", "odd%1Besc".into(), Some(404)),
        ("a line break", "odd%0Aline".into(), Some(404)),
        (
            "an over-long value",
            format!("odd{}", "x".repeat(300)),
            Some(404),
        ),
        ("bytes that are not UTF-8", "odd%FF%FE".into(), Some(404)),
        (
            "an over-long encoding of NUL",
            "odd%C0%80".into(),
            Some(404),
        ),
        ("a malformed escape", "odd%zz".into(), Some(404)),
        ("non-ASCII text", "odd-%C3%A9quipe-%E2%9C%93".into(), None),
        ("a huge number", "99999999999999999999999odd".into(), None),
    ]
}

/// `path` (a filled `pattern`) with its `index`-th segment replaced.
fn replace_segment(path: &str, index: usize, value: &str) -> String {
    let mut segments: Vec<&str> = path.split('/').collect();
    segments[index] = value;
    segments.join("/")
}

#[tokio::test]
async fn every_path_parameter_refuses_odd_values() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let visitor = app.visitor();
    let member = app.signed_in(&s.member).await;
    let token = member.csrf_token().await;
    let mut problems = Vec::new();
    let mut requests = 0;
    for route in concord::router::route_table() {
        let filled = s.fill(route.path);
        let params: Vec<usize> = route
            .path
            .split('/')
            .enumerate()
            .filter(|(_, segment)| segment.starts_with('{'))
            .map(|(i, _)| i)
            .collect();
        for index in params {
            for (what, value, want) in odd_segments() {
                let path = replace_segment(&filled, index, &value);
                for (who, client) in [("visitor", &visitor), ("member", &member)] {
                    let status = send(client, &route.method, &path, &token).await;
                    requests += 1;
                    let wrong = match want {
                        Some(want) => status != want,
                        None => status >= 500 || status == 429,
                    };
                    if wrong {
                        problems.push(format!(
                            "{who}: {} {} with {what} in {{{index}}}: {status}",
                            route.method, route.path
                        ));
                    }
                }
            }
        }
    }
    let logged = errors_under("odd");
    println!("odd path parameters: {requests} requests");
    assert!(
        requests > 500,
        "only {requests} requests: the route table went missing"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(logged.is_empty(), "ERROR lines: {logged:#?}");
}

async fn send(client: &Client, method: &Method, path: &str, token: &str) -> u16 {
    let request = if *method == Method::GET {
        client.http.get(client.url(path))
    } else {
        client
            .http
            .post(client.url(path))
            .header("origin", &client.address)
            .form(&[("csrf_token", token)])
    };
    request.send().await.expect("request").status().as_u16()
}

#[tokio::test]
async fn a_looked_up_form_field_with_a_nul_is_a_message_beside_the_field() {
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let s = Scenario::build(&app, 0).await;
    let lead = app.signed_in(&s.lead).await;
    let nul_team = "odd\0team";

    let page = lead
        .post(
            "/posts",
            &[
                ("team", nul_team),
                ("title", "Hello"),
                ("body", "Text."),
                ("idempotency_key", &format!("{:032x}", 77)),
                ("action", "save"),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("Choose one of your teams.");

    let page = lead
        .post(
            &format!("/teams/{}/calls", s.team),
            &[
                ("title", "Reviewers"),
                ("looking_for", "Kind reviewers."),
                ("eligibility", "team"),
                ("eligible_team", nul_team),
                ("eligible_list", ""),
                ("seats", "1"),
                ("opens_at", NOW),
                ("closes_at", IN_TWO_WEEKS),
                ("stale_after_days", "7"),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("There is no team with this slug.")
        .assert_contains("Kind reviewers.");

    let page = lead
        .post(
            &format!("/teams/{}/members", s.team),
            &[
                ("login", "odd\0person"),
                ("role", "member"),
                ("reason", "Hi"),
            ],
        )
        .await;
    page.assert_status(422);

    // Every field of every form, one at a time, holding a NUL: never a 5xx.
    let mut problems = Vec::new();
    for (pattern, fields) in crate::forms::FORMS {
        let path = s.fill(pattern);
        let client = if crate::forms::ADMIN_FORMS.contains(pattern) {
            &app.signed_in("admin").await
        } else {
            &lead
        };
        for field in *fields {
            let page = client.post(&path, &[(field, "odd\0nul")]).await;
            if page.status.is_server_error() {
                problems.push(format!(
                    "POST {pattern} with a NUL in {field}: {}",
                    page.status
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let logged = errors_under("");
    let ours: Vec<_> = logged
        .iter()
        .filter(|(_, message)| message.contains("invalid byte sequence"))
        .collect();
    assert!(ours.is_empty(), "ERROR lines: {ours:#?}");
}

#[tokio::test]
async fn a_form_no_browser_sends_gets_one_clear_400_page() {
    let app = TestApp::spawn().await;
    let person = app.signed_in("amber-finch").await;
    let token = person.csrf_token().await;
    for (what, body, says) in [
        (
            "a repeated field",
            format!("csrf_token={token}&login=a&login=b"),
            "the field “login” appears more than once",
        ),
        (
            "an array",
            format!("csrf_token={token}&login[]=a&login[]=b"),
            "the field “login[]” appears more than once",
        ),
        (
            "bytes that are not UTF-8",
            format!("csrf_token={token}&login=%FF%FE"),
            "it is not UTF-8 text",
        ),
    ] {
        let response = person
            .http
            .post(person.url("/login/dev"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("origin", &person.address)
            .body(body)
            .send()
            .await
            .expect("POST");
        let status = response.status().as_u16();
        let page = response.text().await.expect("body");
        assert_eq!(status, 400, "{what}: {page}");
        let html = scraper::Html::parse_document(&page);
        let message = html
            .select(&scraper::Selector::parse("h1 + p").expect("selector"))
            .map(|p| p.text().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(message.contains(says), "{what}: {message}");
        assert!(!message.contains("could not be read"), "{what}: {message}");
    }
}
