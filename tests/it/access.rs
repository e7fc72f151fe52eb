//! The access matrix: every route the router serves (from `concord::router::route_table`,
//! so a new route cannot be missed) × every role × GET and POST. Each request must get
//! the expected answer — let through (2xx, 3xx, or a 400/409/422 about the input or the
//! state), or refused (401, 403, 404, or a redirect to sign in) — never a 5xx, and 405
//! for a method the route does not serve. Every response is searched for the private
//! texts the scenario planted (`support::scenario::Marker`); any that the role may not
//! read fails the test, wherever it turns up.
//!
//! Each role works on its own scenario in one application, in parallel, so that the
//! writes one role may make (posting with empty forms) change nothing another role sees.
//! Within a role, GETs come first, then POSTs, with those that could end the role's own
//! access (leaving, revoking, signing out) last.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::Method;
use concord::web::routes::Route;

use crate::support::scenario::{Marker, Scenario, markers_in};
use crate::support::{Client, TestApp};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Visitor,
    SignedIn,
    Nominee,
    Nominator,
    Member,
    OtherTeam,
    Admin,
}

const ROLES: [Role; 7] = [
    Role::Visitor,
    Role::SignedIn,
    Role::Nominee,
    Role::Nominator,
    Role::Member,
    Role::OtherTeam,
    Role::Admin,
];

impl Role {
    /// Its letter in the expectation strings: `VSNOMXA`.
    fn letter(self) -> char {
        match self {
            Role::Visitor => 'V',
            Role::SignedIn => 'S',
            Role::Nominee => 'N',
            Role::Nominator => 'O',
            Role::Member => 'M',
            Role::OtherTeam => 'X',
            Role::Admin => 'A',
        }
    }

    fn may_read(self, marker: Marker) -> bool {
        match marker {
            Marker::Statement => matches!(self, Role::Nominee | Role::Nominator | Role::Member),
            Marker::Feedback | Marker::Second => matches!(self, Role::Nominee | Role::Member),
            Marker::Endorsement
            | Marker::Interview
            | Marker::Decision
            | Marker::RfcFeedback
            | Marker::RfcDraft
            | Marker::PostDraft => self == Role::Member,
        }
    }

    async fn client(self, app: &TestApp, s: &Scenario) -> Client {
        match self {
            Role::Visitor => app.visitor(),
            Role::SignedIn => app.signed_in(&s.someone).await,
            Role::Nominee => app.signed_in(&s.nominee).await,
            Role::Nominator => app.signed_in(&s.nominator).await,
            Role::Member => app.signed_in(&s.member).await,
            Role::OtherTeam => app.signed_in(&s.other).await,
            Role::Admin => app.signed_in("admin").await,
        }
    }
}

/// Who gets through, per method and route pattern, as `VSNOMXA` with `.` for a refusal.
/// Every route in the route table must be here, and nothing else.
#[rustfmt::skip]
const EXPECTED: &[(&str, &str, &str)] = &[
    ("GET", "/", "VSNOMXA"),
    ("GET", "/admin/people", "......A"),
    ("GET", "/admin/tokens", "......A"),
    // Without the App configured the page says so (tests/it/github.rs has it on).
    ("GET", "/admin/github", "......A"),
    // Only a token opens it; cookies never do (tests/it/tokens.rs has real ones).
    ("GET", "/api/v1/me", "......."),
    ("GET", "/api", "VSNOMXA"),
    ("GET", "/api/v1/openapi.json", "VSNOMXA"),
    ("GET", "/api/v1/teams", "VSNOMXA"),
    ("GET", "/api/v1/teams/{slug}", "VSNOMXA"),
    // Cookies never open the API: every role is a visitor there (tests/it/api_v1.rs has
    // the tokens × routes matrix). The scenario's decision is private.
    ("GET", "/api/v1/teams/{slug}/calls", "VSNOMXA"),
    ("GET", "/api/v1/teams/{slug}/decisions", "VSNOMXA"),
    ("GET", "/api/v1/rfcs", "VSNOMXA"),
    ("GET", "/api/v1/rfcs/{id}", "VSNOMXA"),
    ("GET", "/api/v1/decisions/{id}", "......."),
    ("GET", "/api/v1/calls/{id}", "VSNOMXA"),
    ("GET", "/api/v1/posts", "VSNOMXA"),
    ("GET", "/api/v1/posts/{team}/{slug}", "VSNOMXA"),
    ("GET", "/api/v1/audit", "VSNOMXA"),
    ("GET", "/audit", "VSNOMXA"),
    // Without a GitHub client (development sign-in) both answer 404.
    ("GET", "/auth/github", "......."),
    ("GET", "/auth/github/callback", "......."),
    ("GET", "/calendar.ics", "VSNOMXA"),
    ("GET", "/settings/calendar", ".SNOMXA"),
    // The scenario fills the secret with one that is not (tests/it/calendar.rs has real ones).
    ("GET", "/calendar/personal/{file}", "......."),
    ("GET", "/calls/{id}", "VSNOMXA"),
    ("GET", "/calls/{id}/nominate", ".SNOMXA"),
    ("GET", "/decisions/{id}", "....M.."),
    // The development mailbox shows one's own mail (nobody in the scenario has any).
    ("GET", "/dev/mail", ".SNOMXA"),
    ("GET", "/dev/mail/{id}", "......."),
    ("GET", "/dev/mail/{id}/html", "......."),
    ("GET", "/decisions/{id}/record.json", "....M.."),
    ("GET", "/eligibility", "......A"),
    ("GET", "/favicon.ico", "VSNOMXA"),
    ("GET", "/healthz", "VSNOMXA"),
    ("GET", "/inbox", ".SNOMXA"),
    ("GET", "/login", "VSNOMXA"),
    ("GET", "/me/nominations", ".SNOMXA"),
    ("GET", "/nominations/{id}", "..NOM.."),
    ("GET", "/posts", "VSNOMXA"),
    ("GET", "/posts/feed.xml", "VSNOMXA"),
    ("GET", "/posts/new", "....MX."),
    ("GET", "/posts/{team}/feed.xml", "VSNOMXA"),
    ("GET", "/posts/{team}/{slug}", "VSNOMXA"),
    ("GET", "/posts/{team}/{slug}/actions/{id}", "....M.."),
    ("GET", "/posts/{team}/{slug}/comments/{id}/edit", "......."),
    ("GET", "/posts/{team}/{slug}/edit", "....M.."),
    ("GET", "/posts/{team}/{slug}/history", "VSNOMXA"),
    ("GET", "/readyz", "VSNOMXA"),
    ("GET", "/people/{login}", "VSNOMXA"),
    ("GET", "/rfcs", "VSNOMXA"),
    ("GET", "/robots.txt", "VSNOMXA"),
    ("GET", "/rfcs/feed.xml", "VSNOMXA"),
    ("GET", "/rfcs/new", "....MX."),
    ("GET", "/rfcs/{id}", "VSNOMXA"),
    ("GET", "/rfcs/{id}/decision", "....M.."),
    ("GET", "/rfcs/{id}/diff", "VSNOMXA"),
    ("GET", "/rfcs/{id}/disposition", "....M.."),
    ("GET", "/rfcs/{id}/edit", "....M.."),
    ("GET", "/rfcs/{id}/record.json", "VSNOMXA"),
    ("GET", "/rfcs/{id}/feedback/{feedback_id}/edit", "......."),
    ("GET", "/rfcs/{id}/revisions", "VSNOMXA"),
    ("GET", "/rfcs/{id}/revisions/{number}", "VSNOMXA"),
    ("GET", "/rfcs/{id}/window", "....M.."),
    ("GET", "/settings", ".SNOMXA"),
    ("GET", "/settings/email/verify", ".SNOMXA"),
    ("GET", "/settings/notifications", ".SNOMXA"),
    ("GET", "/settings/tokens", ".SNOMXA"),
    ("GET", "/search", "VSNOMXA"),
    ("GET", "/sitemap.xml", "VSNOMXA"),
    ("GET", "/static/style.css", "VSNOMXA"),
    ("GET", "/teams", "VSNOMXA"),
    ("GET", "/teams/new", "......A"),
    ("GET", "/teams/{slug}", "VSNOMXA"),
    ("GET", "/teams/{slug}/actions", "VSNOMXA"),
    ("GET", "/teams/{slug}/calendar.ics", "VSNOMXA"),
    ("GET", "/teams/{slug}/calls", "VSNOMXA"),
    ("GET", "/teams/{slug}/calls/new", "....M.."),
    ("GET", "/teams/{slug}/charter", "....M.A"),
    ("GET", "/teams/{slug}/decisions", "VSNOMXA"),
    ("GET", "/teams/{slug}/decisions/new", "....M.."),
    ("GET", "/teams/{slug}/decisions/proxy", "....M.."),
    ("GET", "/teams/{slug}/delegate", "....M.A"),
    ("GET", "/teams/{slug}/ledger.csv", "VSNOMXA"),
    ("GET", "/teams/{slug}/ledger.json", "VSNOMXA"),
    ("GET", "/teams/{slug}/leave", "....M.."),
    ("GET", "/teams/{slug}/members", "....M.A"),
    ("GET", "/teams/{slug}/members/{login}", "....M.A"),
    // A top-level team cannot be revoked: 409 for everyone signed in, before the
    // permission check (tests/it/teams.rs covers who revokes a delegated team).
    ("GET", "/teams/{slug}/revoke", ".SNOMXA"),
    ("GET", "/teams/{slug}/webhooks", "....M.A"),
    // The team's members see it; its leads and administrators link (tests/it/github.rs).
    ("GET", "/teams/{slug}/github", "....M.A"),
    // Without a token: a clear 400 for everyone, signed in or not.
    ("GET", "/unsubscribe", "VSNOMXA"),
    ("POST", "/admin/people", "......A"),
    ("POST", "/settings/calendar", ".SNOMXA"),
    ("POST", "/settings/calendar/revoke", ".SNOMXA"),
    ("POST", "/calls/{id}/endorse", ".SNOMXA"),
    ("POST", "/calls/{id}/nominate", ".SNOMXA"),
    ("POST", "/calls/{id}/shortlist", "....M.."),
    ("POST", "/decisions/{id}/concerns", "....M.."),
    ("POST", "/decisions/{id}/concerns/{concern_id}/hand-over", "....M.."),
    // The member raised the scenario's concern: a 409, the raiser does not overrule it.
    ("POST", "/decisions/{id}/concerns/{concern_id}/overrule", "....M.."),
    ("POST", "/decisions/{id}/concerns/{concern_id}/resolve", "....M.."),
    // The member places a hold (or, the decision closed, is told so); has none to release.
    ("POST", "/decisions/{id}/holds", "....M.."),
    ("POST", "/decisions/{id}/holds/release", "....M.."),
    ("POST", "/decisions/{id}/outcome", "....M.."),
    // The scenario's decision has no outcome with a review date: a 409 for the member.
    ("POST", "/decisions/{id}/review", "....M.."),
    // Members answer for themselves and vouch for one another (the scenario's team sets
    // no inactivity period, but the answer is taken: it counts as activity).
    ("POST", "/teams/{slug}/still-active", "....M.."),
    ("POST", "/teams/{slug}/members/{login}/vouch", "....M.."),
    // About oneself: a 409.
    ("POST", "/teams/{slug}/members/{login}/alumni", "....M.."),
    ("POST", "/decisions/{id}/positions", "....M.."),
    ("POST", "/decisions/{id}/proxy", "....M.."),
    // Nobody in the scenario holds a proxy (tests/it/proxies.rs has proxies that do).
    ("POST", "/decisions/{id}/proxy/positions", "......."),
    // The member has no proxy to take back: a 409 about the state.
    ("POST", "/decisions/{id}/proxy/take-back", "....M.."),
    ("POST", "/decisions/{id}/withdraw", "......."),
    ("POST", "/eligibility", "......A"),
    ("POST", "/eligibility/{id}/remove", "......A"),
    ("POST", "/login/dev", "VSNOMXA"),
    // Signing out when not signed in just goes home.
    ("POST", "/logout", "VSNOMXA"),
    ("POST", "/nominations/{id}/accept", "..N...."),
    ("POST", "/nominations/{id}/admit", "....M.."),
    ("POST", "/nominations/{id}/announce", "....M.."),
    ("POST", "/nominations/{id}/decline", "..N...."),
    ("POST", "/nominations/{id}/feedback", "....M.."),
    ("POST", "/nominations/{id}/interview", "....M.."),
    ("POST", "/nominations/{id}/not-selected", "....M.."),
    ("POST", "/nominations/{id}/withdraw", "..N...."),
    ("POST", "/posts", "....M.."),
    ("POST", "/posts/{team}/{slug}/actions", "....M.."),
    ("POST", "/posts/{team}/{slug}/actions/{id}", "....M.."),
    ("POST", "/posts/{team}/{slug}/approve", "....M.."),
    ("POST", "/posts/{team}/{slug}/comments", ".SNOMXA"),
    ("POST", "/posts/{team}/{slug}/comments/{id}/delete", "....M.."),
    ("POST", "/posts/{team}/{slug}/comments/{id}/edit", "......."),
    ("POST", "/posts/{team}/{slug}/edit", "....M.."),
    ("POST", "/posts/{team}/{slug}/like", ".SNOMXA"),
    ("POST", "/posts/{team}/{slug}/pin", "....M.."),
    ("POST", "/posts/{team}/{slug}/request-changes", "....M.."),
    ("POST", "/posts/{team}/{slug}/submit", "......."),
    ("POST", "/rfcs", "....M.."),
    ("POST", "/rfcs/{id}/concerns", "....M.."),
    // The scenario's concern is the decision's, not the RFC's: a 409 for the member.
    ("POST", "/rfcs/{id}/concerns/{concern_id}/resolve", "....M.."),
    ("POST", "/rfcs/{id}/decision", "....M.."),
    ("POST", "/rfcs/{id}/disposition/publish", "....M.."),
    ("POST", "/rfcs/{id}/edit", "....M.."),
    ("POST", "/rfcs/{id}/feedback", ".SNOMXA"),
    ("POST", "/rfcs/{id}/feedback/{feedback_id}/disposition", "....M.."),
    ("POST", "/rfcs/{id}/feedback/{feedback_id}/edit", "......."),
    ("POST", "/rfcs/{id}/feedback/{feedback_id}/withdraw", "......."),
    ("POST", "/rfcs/{id}/window", "....M.."),
    // Anyone may report leaked tokens (a form is not JSON: 400 for everyone).
    ("POST", "/api/v1/token-leaks", "VSNOMXA"),
    // The API's writes need a token; a cookie is not one.
    ("POST", "/api/v1/rfcs", "......."),
    ("POST", "/api/v1/rfcs/{id}/revisions", "......."),
    ("POST", "/api/v1/rfcs/{id}/feedback", "......."),
    ("POST", "/api/v1/rfcs/{id}/feedback/{feedback_id}", "......."),
    ("POST", "/api/v1/rfcs/{id}/feedback/{feedback_id}/withdraw", "......."),
    ("POST", "/api/v1/decisions/{id}/positions", "......."),
    ("POST", "/api/v1/posts", "......."),
    ("POST", "/api/v1/posts/{team}/{slug}", "......."),
    ("POST", "/api/v1/posts/{team}/{slug}/comments", "......."),
    ("POST", "/settings/email", ".SNOMXA"),
    ("POST", "/settings/email/remove", ".SNOMXA"),
    ("POST", "/settings/email/verify", ".SNOMXA"),
    ("POST", "/settings/notifications", ".SNOMXA"),
    // Both sign-outs end the session, so this one comes after signing out and finds no
    // one (tests/it/tokens_admin.rs signs out everywhere).
    ("POST", "/settings/sign-out-everywhere", "......."),
    ("POST", "/settings/tokens", ".SNOMXA"),
    // The scenario has no token to revoke or regenerate.
    ("POST", "/settings/tokens/{id}/regenerate", "......."),
    ("POST", "/settings/tokens/{id}/revoke", "......."),
    // The scenario has no token: an administrator finds no token 1 either.
    ("POST", "/admin/tokens/{id}/revoke", "......."),
    ("POST", "/teams", "......A"),
    ("POST", "/teams/{slug}/calls", "....M.."),
    ("POST", "/teams/{slug}/charter", "....M.A"),
    ("POST", "/teams/{slug}/decisions", "....M.."),
    ("POST", "/teams/{slug}/decisions/proxy", "....M.."),
    ("POST", "/teams/{slug}/decisions/proxy/take-back", "....M.."),
    ("POST", "/teams/{slug}/delegate", "....M.A"),
    // A member's own leave, return and leaving (the member's last writes but signing out).
    ("POST", "/teams/{slug}/away", "....M.."),
    ("POST", "/teams/{slug}/back", "....M.."),
    ("POST", "/teams/{slug}/leave", "....M.."),
    ("POST", "/teams/{slug}/members", "....M.A"),
    ("POST", "/teams/{slug}/members/{login}/leave", "....M.A"),
    ("POST", "/teams/{slug}/members/{login}/role", "....M.A"),
    ("POST", "/teams/{slug}/revoke", ".SNOMXA"),
    ("POST", "/teams/{slug}/webhooks", "....M.A"),
    // Without the App: 409 for an administrator, refused for everyone else.
    ("POST", "/teams/{slug}/github", "......A"),
    ("POST", "/teams/{slug}/github/unlink", "......A"),
    ("POST", "/admin/github/apply", "......A"),
    // The scenario has no webhook to remove.
    ("POST", "/teams/{slug}/webhooks/{id}/remove", "......."),
    ("POST", "/unsubscribe", "VSNOMXA"),
];

/// Private pages that no route pattern is filled with: the drafts and the shortlisting
/// decision. Checked the same way.
fn extra_pages(s: &Scenario) -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("draft post", s.draft_post.clone(), "....M.."),
        // Only its author (not one of the roles) edits a draft.
        (
            "draft post edit",
            format!("{}/edit", s.draft_post),
            ".......",
        ),
        ("draft RFC", format!("/rfcs/{}", s.draft_rfc), "....M.."),
        (
            "draft RFC revisions",
            format!("/rfcs/{}/revisions", s.draft_rfc),
            "....M..",
        ),
        (
            "shortlist decision",
            format!("/decisions/{}", s.shortlist),
            "....M..",
        ),
        (
            "draft RFC record",
            format!("/rfcs/{}/record.json", s.draft_rfc),
            "....M..",
        ),
        // Searches for every private text: nothing private is ever a hit.
        ("search secrets", "/search?q=secret".to_string(), "VSNOMXA"),
        (
            "search the team's secrets, newest first",
            format!("/search?q=secret&team={}&order=newest", s.team),
            "VSNOMXA",
        ),
    ]
}

/// `letter` if let through, `.` if refused, `!` for an answer that is neither.
fn classify(letter: char, status: u16, location: Option<&str>) -> char {
    match status {
        401 | 403 | 404 => '.',
        300..=399 if location.is_some_and(|l| l.starts_with("/login")) => '.',
        200..=399 | 400 | 409 | 422 => letter,
        _ => '!',
    }
}

struct Outcome {
    method: Method,
    pattern: String,
    path: String,
    role: Role,
    answer: char,
    status: u16,
}

/// Every request one role makes, in order, with the private texts it saw.
async fn walk(
    app: &TestApp,
    s: &Scenario,
    role: Role,
    table: &[Route],
) -> (Vec<Outcome>, Vec<String>, BTreeSet<&'static str>) {
    let client = role.client(app, s).await;
    let mut outcomes = Vec::new();
    let mut leaks = Vec::new();
    let mut seen = BTreeSet::new();
    let patterns: BTreeSet<&'static str> = table.iter().map(|r| r.path).collect();
    let served =
        |method: &Method, path: &str| table.iter().any(|r| r.method == *method && r.path == path);
    // Writes that may end this role's access go last, and signing out last of all.
    let order = |path: &str| match path {
        "/logout" | "/settings/sign-out-everywhere" => 4,
        "/teams/{slug}/leave" => 3,
        // Away before back, so that the member comes back from the leave they went on.
        "/teams/{slug}/away" => 1,
        "/teams/{slug}/back" => 2,
        p if [
            "/leave",
            "/role",
            "/revoke",
            "/members",
            "/withdraw",
            "/decline",
        ]
        .iter()
        .any(|end| p.ends_with(end)) =>
        {
            1
        }
        _ => 0,
    };
    let mut requests: Vec<(Method, String, String)> = Vec::new();
    for method in [Method::GET, Method::POST] {
        let mut these: Vec<&str> = patterns.iter().copied().collect();
        these.sort_by_key(|p| order(p));
        for pattern in these {
            requests.push((method.clone(), pattern.to_string(), s.fill(pattern)));
        }
    }
    for (label, path, _) in extra_pages(s) {
        requests.insert(0, (Method::GET, format!("extra:{label}"), path));
    }
    for (method, pattern, path) in requests {
        let page = if method == Method::GET {
            client.get(&path).await
        } else {
            // An empty form, naming the scenario's team for forms that ask for one.
            client.post(&path, &[("team", &s.team)]).await
        };
        let status = page.status.as_u16();
        let answer = if pattern.starts_with("extra:") || served(&method, &pattern) {
            classify(role.letter(), status, page.location())
        } else if status == 405 {
            '-'
        } else {
            '!'
        };
        // A page's title is text: markup there means a template lost a block's end.
        if method == Method::GET && status == 200 {
            for title in crate::support::html::texts(&page.body, "title") {
                assert!(
                    !title.contains('<'),
                    "{path}: markup in the title {title:?}"
                );
            }
        }
        for (marker, n) in markers_in(&page.body) {
            if n == s.n && role.may_read(marker) {
                seen.insert(marker.name());
            } else {
                leaks.push(format!(
                    "{role:?} sees {} of scenario {n} in {method} {path} ({status})",
                    marker.name()
                ));
            }
        }
        outcomes.push(Outcome {
            method,
            pattern,
            path,
            role,
            answer,
            status,
        });
    }
    (outcomes, leaks, seen)
}

#[tokio::test]
async fn every_route_for_every_role() {
    let table = concord::router::route_table();
    let app = TestApp::spawn().await;
    app.make_admin("admin").await;
    let scenarios =
        futures::future::join_all((0..ROLES.len()).map(|n| Scenario::build(&app, n))).await;

    // Every route has an expectation, and every expectation a route.
    let routed: BTreeSet<(String, String)> = table
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    let expected: BTreeMap<(String, String), &str> = EXPECTED
        .iter()
        .map(|(m, p, who)| ((m.to_string(), p.to_string()), *who))
        .collect();
    let listed: BTreeSet<(String, String)> = expected.keys().cloned().collect();
    let print = std::env::var_os("CONCORD_PRINT_MATRIX").is_some();

    let results = futures::future::join_all(
        ROLES
            .iter()
            .zip(&scenarios)
            .map(|(role, s)| walk(&app, s, *role, &table)),
    )
    .await;

    let mut problems = Vec::new();
    let mut actual: BTreeMap<(String, String), Vec<char>> = BTreeMap::new();
    let mut requests = 0;
    let mut seen_any = BTreeSet::new();
    for (outcomes, leaks, seen) in results {
        problems.extend(leaks);
        seen_any.extend(seen);
        for o in outcomes {
            requests += 1;
            let index = ROLES.iter().position(|r| *r == o.role).expect("role");
            if o.answer == '!' {
                problems.push(format!(
                    "{:?}: {} {} answered {}",
                    o.role, o.method, o.path, o.status
                ));
            }
            if o.answer == '-' {
                continue;
            }
            let key = if let Some(label) = o.pattern.strip_prefix("extra:") {
                ("EXTRA".to_string(), label.to_string())
            } else {
                (o.method.to_string(), o.pattern.clone())
            };
            let row = actual.entry(key).or_insert_with(|| vec!['?'; ROLES.len()]);
            row[index] = o.answer;
        }
    }
    if print {
        for ((method, pattern), row) in &actual {
            let row: String = row.iter().collect();
            println!("    (\"{method}\", \"{pattern}\", \"{row}\"),");
        }
    }
    if routed != listed {
        problems.push(format!(
            "routes without an expectation: {:?}; expectations without a route: {:?}",
            routed.difference(&listed).collect::<Vec<_>>(),
            listed.difference(&routed).collect::<Vec<_>>()
        ));
    }
    for (key, row) in &actual {
        let row: String = row.iter().collect();
        let want = if key.0 == "EXTRA" {
            extra_pages(&scenarios[0])
                .into_iter()
                .find(|(label, _, _)| *label == key.1)
                .map(|(_, _, w)| w.to_string())
        } else {
            expected.get(key).map(|w| w.to_string())
        };
        if let Some(want) = want
            && want != row
        {
            problems.push(format!("{} {}: expected {want}, got {row}", key.0, key.1));
        }
    }
    for marker in Marker::ALL {
        if !seen_any.contains(marker.name()) {
            problems.push(format!(
                "{} was never shown to anyone allowed to read it: the scenario did not plant it",
                marker.name()
            ));
        }
    }
    println!(
        "access matrix: {} routes, {} roles, {requests} requests",
        table.len(),
        ROLES.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
