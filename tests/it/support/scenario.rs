//! One scenario with something of everything, for the access matrix and the form
//! property tests: a team with a lead and a member, a member of another team, an
//! administrator, a call with a nomination (nominee, nominator, statement, endorsement,
//! interview note, feedback), a private decision with a concern, an RFC open for feedback
//! with public and private feedback, a draft RFC, a draft post, a published post with a
//! comment and an action item, and an eligibility list entry.
//!
//! Every private text carries a marker `SECRET-<KIND>-<n>` (see [`Marker`]), so a test
//! can find any private text in any response and say whose it is. Several scenarios can
//! live in one application: each gets its own number, people and teams.

use sqlx::PgPool;

use super::{Page, TestApp};

/// The kinds of private text, and who may read each (besides the authors who wrote them,
/// who are not among the matrix's roles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    /// A nomination statement: the nominee, the nominator, the team.
    Statement,
    /// A second nominator's statement on the same nomination: the nominee, the team (and
    /// its author, not a role), never the first nominator.
    Second,
    /// An endorsement sent to the team: the team only.
    Endorsement,
    /// An interview note: the team only.
    Interview,
    /// Feedback to the candidate: the team and the nominee.
    Feedback,
    /// A private decision's text and its concern: the team only.
    Decision,
    /// Private feedback on an RFC: the team (and its author).
    RfcFeedback,
    /// An RFC still a draft: the team only.
    RfcDraft,
    /// A draft post: the team (and its author).
    PostDraft,
}

impl Marker {
    pub const ALL: [Marker; 9] = [
        Marker::Statement,
        Marker::Second,
        Marker::Endorsement,
        Marker::Interview,
        Marker::Feedback,
        Marker::Decision,
        Marker::RfcFeedback,
        Marker::RfcDraft,
        Marker::PostDraft,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Marker::Statement => "STATEMENT",
            Marker::Second => "SECOND",
            Marker::Endorsement => "ENDORSEMENT",
            Marker::Interview => "INTERVIEW",
            Marker::Feedback => "FEEDBACK",
            Marker::Decision => "DECISION",
            Marker::RfcFeedback => "RFCFEEDBACK",
            Marker::RfcDraft => "RFCDRAFT",
            Marker::PostDraft => "POSTDRAFT",
        }
    }

    pub fn parse(name: &str) -> Option<Marker> {
        Marker::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The text planted in scenario `n`.
    pub fn text(self, n: usize) -> String {
        format!("SECRET-{}-{n}", self.name())
    }
}

/// Every marker in `body`, with the scenario it came from.
pub fn markers_in(body: &str) -> Vec<(Marker, usize)> {
    let mut found = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("SECRET-") {
        rest = &rest[at + "SECRET-".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let after = &rest[name.len()..];
        let number: String = after
            .strip_prefix('-')
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        match (Marker::parse(&name), number.parse()) {
            (Some(marker), Ok(n)) => found.push((marker, n)),
            // Private text whose marker was mangled still counts as a leak of everything.
            _ => found.push((Marker::Statement, usize::MAX)),
        }
    }
    found
}

pub const NOW: &str = "2026-03-02T09:00";
pub const IN_A_WEEK: &str = "2026-03-09T09:00";
pub const IN_TWO_WEEKS: &str = "2026-03-16T09:00";

/// The ids and names a scenario made, to fill route patterns with.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub n: usize,
    pub team: String,
    pub other_team: String,
    pub lead: String,
    pub member: String,
    pub nominee: String,
    pub nominator: String,
    pub other: String,
    pub someone: String,
    pub critic: String,
    pub call: i64,
    pub nomination: i64,
    pub shortlist: i64,
    pub decision: i64,
    pub concern: i64,
    pub rfc: i64,
    pub draft_rfc: i64,
    pub feedback: i64,
    pub post: String,
    pub draft_post: String,
    pub comment: i64,
    pub action: i64,
    pub eligibility_entry: i64,
}

#[track_caller]
fn redirected(page: &Page, what: &str) -> String {
    assert!(
        page.status.is_redirection(),
        "{what}: {} {}",
        page.status,
        page.body
    );
    page.location().expect("location").to_string()
}

fn as_fields<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn id_in(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split(['/', '#', '?']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("an id after {prefix} in {location}"))
}

async fn scalar(pool: &PgPool, sql: &str, bind: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(bind)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

impl Scenario {
    /// A fresh application with an administrator (`admin`) and scenario 0 in it.
    pub async fn in_new_app() -> (TestApp, Scenario) {
        let app = TestApp::spawn().await;
        app.make_admin("admin").await;
        let s = Scenario::build(&app, 0).await;
        (app, s)
    }

    /// Builds scenario `n` in `app`, where `admin` is a site administrator.
    pub async fn build(app: &TestApp, n: usize) -> Scenario {
        // A browser of its own: scenarios are built in parallel.
        let admin = &app.signed_in("admin").await;
        let team = format!("core-{n}");
        let other_team = format!("infra-{n}");
        let login = |who: &str| format!("{who}-{n}");
        let (lead, member, nominee, nominator, other, someone, critic) = (
            login("lead"),
            login("member"),
            login("nominee"),
            login("nominator"),
            login("other"),
            login("someone"),
            login("critic"),
        );
        for (slug, name) in [(&team, "Core"), (&other_team, "Infra")] {
            let page = admin
                .post(
                    "/teams",
                    &super::with(
                        crate::teams::team_fields(slug, name, "Things."),
                        &[("rule_n", "0"), ("review_on", "")],
                    ),
                )
                .await;
            redirected(&page, "create a team");
        }
        for (slug, who, role) in [
            (&team, &lead, "lead"),
            (&team, &member, "member"),
            (&other_team, &other, "member"),
        ] {
            let page = admin
                .post(
                    &format!("/teams/{slug}/members"),
                    &[("login", who), ("role", role), ("reason", "Founding")],
                )
                .await;
            redirected(&page, "add a member");
        }
        let (lead_c, member_c, nominee_c, nominator_c, critic_c) = (
            app.signed_in(&lead).await,
            app.signed_in(&member).await,
            app.signed_in(&nominee).await,
            app.signed_in(&nominator).await,
            app.signed_in(&critic).await,
        );

        // A call, a nomination with its private texts, shortlisted by decision.
        let page = lead_c
            .post(
                &format!("/teams/{team}/calls"),
                &[
                    ("title", "New reviewers"),
                    ("looking_for", "People who review kindly."),
                    ("eligibility", "open"),
                    ("eligible_team", ""),
                    ("eligible_list", ""),
                    ("seats", "2"),
                    ("opens_at", NOW),
                    ("closes_at", IN_TWO_WEEKS),
                    ("stale_after_days", "7"),
                ],
            )
            .await;
        let call = id_in(&redirected(&page, "open a call"), "/calls/");
        let statement = Marker::Statement.text(n);
        let page = nominator_c
            .post(
                &format!("/calls/{call}/nominate"),
                &[("nominee", &nominee), ("statement", &statement)],
            )
            .await;
        let nomination = id_in(&redirected(&page, "nominate"), "/nominations/");
        // A second nominator of the same person: their statement joins the nomination.
        let seconder = app.signed_in(&login("seconder")).await;
        let second = Marker::Second.text(n);
        let page = seconder
            .post(
                &format!("/calls/{call}/nominate"),
                &[("nominee", &nominee), ("statement", &second)],
            )
            .await;
        assert_eq!(
            id_in(&redirected(&page, "second nomination"), "/nominations/"),
            nomination
        );
        let endorsement = Marker::Endorsement.text(n);
        lead_c
            .post(
                &format!("/calls/{call}/endorse"),
                &[("login", &nominee), ("endorsement", &endorsement)],
            )
            .await;
        nominee_c
            .post(&format!("/nominations/{nomination}/accept"), &[])
            .await;
        let page = lead_c
            .post(
                &format!("/calls/{call}/shortlist"),
                &[
                    ("nomination", &nomination.to_string()),
                    ("closes_at", IN_A_WEEK),
                ],
            )
            .await;
        let shortlist = id_in(&redirected(&page, "shortlist"), "/decisions/");
        for who in [&lead_c, &member_c] {
            who.post(
                &format!("/decisions/{shortlist}/positions"),
                &[("stance", "agree"), ("comment", "")],
            )
            .await;
        }
        lead_c
            .post(
                &format!("/decisions/{shortlist}/outcome"),
                &[("statement", "Agreed.")],
            )
            .await;
        let interview = Marker::Interview.text(n);
        let page = lead_c
            .post(
                &format!("/nominations/{nomination}/interview"),
                &[("note", &interview)],
            )
            .await;
        redirected(&page, "interview note");
        let feedback = Marker::Feedback.text(n);
        let page = lead_c
            .post(
                &format!("/nominations/{nomination}/feedback"),
                &[("note", &feedback)],
            )
            .await;
        redirected(&page, "feedback");

        // A private decision with a concern.
        let private = Marker::Decision.text(n);
        let page = lead_c
            .post(
                &format!("/teams/{team}/decisions"),
                &[
                    ("question", &format!("Should we? {private}")),
                    ("body", &private),
                    ("closes_at", IN_A_WEEK),
                    ("visibility", "team"),
                    ("effect_kind", "text"),
                    ("effect_text", "We do it."),
                ],
            )
            .await;
        let decision = id_in(&redirected(&page, "open a decision"), "/decisions/");
        member_c
            .post(
                &format!("/decisions/{decision}/concerns"),
                &[("concern", &format!("Worried {private}"))],
            )
            .await;
        let concern = scalar(
            &app.pool,
            "select id from decision_concerns where decision_id = $1",
            decision,
        )
        .await;

        // An RFC open for feedback, with public and private feedback; a draft RFC.
        let rfc_fields = |title: &'static str, body: String| {
            vec![
                ("team", team.clone()),
                ("title", title.to_string()),
                ("summary", "How we work.".to_string()),
                ("body", body),
                ("pull_request_url", String::new()),
                ("change_note", String::new()),
                (
                    "form_key",
                    format!("scenario-{n}-{}", title.split(' ').next().unwrap_or("")),
                ),
            ]
        };
        let fields = rfc_fields("Open policy", "Bots may open pull requests.".into());
        let page = lead_c.post("/rfcs", &as_fields(&fields)).await;
        let rfc = id_in(&redirected(&page, "draft an RFC"), "/rfcs/");
        let page = lead_c
            .post(
                &format!("/rfcs/{rfc}/window"),
                &[("opens_at", ""), ("closes_at", IN_A_WEEK), ("reason", "")],
            )
            .await;
        redirected(&page, "open the window");
        let rfc_feedback = Marker::RfcFeedback.text(n);
        for (body, visibility) in [
            ("Public thoughts.", "public"),
            (rfc_feedback.as_str(), "private"),
        ] {
            let key = format!("scenario-{n}-{visibility}");
            let page = critic_c
                .post(
                    &format!("/rfcs/{rfc}/feedback"),
                    &[
                        ("body", body),
                        ("visibility", visibility),
                        ("form_key", &key),
                    ],
                )
                .await;
            redirected(&page, "feedback");
        }
        let feedback_id = scalar(
            &app.pool,
            "select id from rfc_feedback where rfc_id = $1 and visibility = 'public'",
            rfc,
        )
        .await;
        let fields = rfc_fields("Draft policy", Marker::RfcDraft.text(n));
        let page = lead_c.post("/rfcs", &as_fields(&fields)).await;
        let draft_rfc = id_in(&redirected(&page, "draft an RFC"), "/rfcs/");

        // A draft post; a published post with a comment and an action item.
        let draft_body = Marker::PostDraft.text(n);
        let draft = |title: String, body: String, nonce: String| {
            let team = team.clone();
            let lead_c = &lead_c;
            async move {
                let page = lead_c
                    .post(
                        "/posts",
                        &[
                            ("team", team.as_str()),
                            ("title", title.as_str()),
                            ("body", body.as_str()),
                            ("idempotency_key", nonce.as_str()),
                            ("action", "save"),
                        ],
                    )
                    .await;
                redirected(&page, "draft a post")
            }
        };
        let draft_post = draft(
            format!("Unfinished {n}"),
            draft_body,
            format!("{:032x}", n * 2 + 1),
        )
        .await;
        let post = draft(
            format!("Published {n}"),
            "Hello everyone.".into(),
            format!("{:032x}", n * 2 + 2),
        )
        .await;
        lead_c.post(&format!("{post}/submit"), &[]).await;
        let version: i32 = sqlx::query_scalar(
            "select p.version from posts p join teams t on t.id = p.team_id
             where t.slug = $1 and '/posts/' || t.slug || '/' || p.slug = $2",
        )
        .bind(&team)
        .bind(&post)
        .fetch_one(&app.pool)
        .await
        .expect("version");
        let page = member_c
            .post(
                &format!("{post}/approve"),
                &[("version", &version.to_string())],
            )
            .await;
        redirected(&page, "approve");
        let page = critic_c
            .post(
                &format!("{post}/comments"),
                &[
                    ("body", "Nice."),
                    ("idempotency_key", &format!("{:032x}", n + 100)),
                ],
            )
            .await;
        redirected(&page, "comment");
        let page = lead_c
            .post(
                &format!("{post}/actions"),
                &[
                    ("text", "Follow up"),
                    ("owner", &member),
                    ("due_on", "2026-03-20"),
                    ("idempotency_key", &format!("{:032x}", n + 200)),
                ],
            )
            .await;
        redirected(&page, "action item");
        let post_id: i64 = sqlx::query_scalar(
            "select p.id from posts p join teams t on t.id = p.team_id
             where '/posts/' || t.slug || '/' || p.slug = $1",
        )
        .bind(&post)
        .fetch_one(&app.pool)
        .await
        .expect("post id");
        let comment = scalar(
            &app.pool,
            "select id from post_comments where post_id = $1",
            post_id,
        )
        .await;
        let action = scalar(
            &app.pool,
            "select id from post_action_items where post_id = $1",
            post_id,
        )
        .await;

        let page = admin
            .post(
                "/eligibility",
                &[("list_name", &format!("list-{n}")), ("login", &someone)],
            )
            .await;
        redirected(&page, "eligibility entry");
        let eligibility_entry: i64 =
            sqlx::query_scalar("select id from eligibility_entries where list_name = $1")
                .bind(format!("list-{n}"))
                .fetch_one(&app.pool)
                .await
                .expect("entry");

        Scenario {
            n,
            team,
            other_team,
            lead,
            member,
            nominee,
            nominator,
            other,
            someone,
            critic,
            call,
            nomination,
            shortlist,
            decision,
            concern,
            rfc,
            draft_rfc,
            feedback: feedback_id,
            post,
            draft_post,
            comment,
            action,
            eligibility_entry,
        }
    }

    /// Opens a public decision in the team (by its lead), closing in a week. With an
    /// `outcome`, both members agree ("Fine by me") and the lead records it. Its id.
    pub async fn public_decision(
        &self,
        app: &TestApp,
        question: &str,
        outcome: Option<&str>,
    ) -> i64 {
        let lead = app.signed_in(&self.lead).await;
        let page = lead
            .post(
                &format!("/teams/{}/decisions", self.team),
                &[
                    ("question", question),
                    ("body", "We talked it over."),
                    ("closes_at", IN_A_WEEK),
                    ("visibility", "public"),
                    ("effect_kind", "text"),
                    ("effect_text", "We do it."),
                ],
            )
            .await;
        let id = id_in(&redirected(&page, "open a public decision"), "/decisions/");
        if let Some(statement) = outcome {
            let member = app.signed_in(&self.member).await;
            for who in [&lead, &member] {
                who.post(
                    &format!("/decisions/{id}/positions"),
                    &[("stance", "agree"), ("comment", "Fine by me")],
                )
                .await;
            }
            let page = lead
                .post(
                    &format!("/decisions/{id}/outcome"),
                    &[("statement", statement)],
                )
                .await;
            redirected(&page, "record the outcome");
        }
        id
    }

    /// A concrete path for a route pattern, with this scenario's ids.
    pub fn fill(&self, pattern: &str) -> String {
        let id_for = |prefix: &str| -> i64 {
            match prefix {
                "decisions" => self.decision,
                "calls" => self.call,
                "nominations" => self.nomination,
                "eligibility" => self.eligibility_entry,
                "rfcs" => self.rfc,
                "comments" => self.comment,
                "actions" => self.action,
                // Nobody in a scenario has mail kept: any id is somebody else's.
                "mail" => 1,
                "webhooks" => 1,
                // Nobody in a scenario has a token: any id is somebody else's or none.
                "tokens" => 1,
                other => panic!("no id for /{other}/{{id}} in {pattern}"),
            }
        };
        if let Some(rest) = pattern.strip_prefix("/api/v1/posts/{team}/{slug}") {
            return format!("/api/v1{}{rest}", self.post);
        }
        if let Some(rest) = pattern.strip_prefix("/posts/{team}/{slug}") {
            let rest = match rest.contains("{id}") {
                true => rest.replace(
                    "{id}",
                    &id_for(rest.split('/').nth(1).unwrap_or("")).to_string(),
                ),
                false => rest.to_string(),
            };
            return format!("{}{rest}", self.post);
        }
        let mut out = Vec::new();
        let mut previous = "";
        for segment in pattern.split('/') {
            let filled = match segment {
                "{slug}" | "{team}" => self.team.clone(),
                "{login}" => self.member.clone(),
                "{id}" => id_for(previous).to_string(),
                "{concern_id}" => self.concern.to_string(),
                "{feedback_id}" => self.feedback.to_string(),
                "{number}" => "1".to_string(),
                "{file}" => format!("{}.ics", "0".repeat(64)),
                s if s.starts_with('{') => panic!("no value for {s} in {pattern}"),
                s => s.to_string(),
            };
            out.push(filled);
            previous = segment;
        }
        out.join("/")
    }
}
