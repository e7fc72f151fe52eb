//! Exports: a team's ledger as CSV and JSON, a decision's full record, an RFC with its
//! revisions and public feedback, and `concord export --out DIR`; none with a private
//! text for someone not allowed to read it.

use serde_json::Value;

use crate::support::Client;
use crate::support::scenario::{Marker, Scenario, markers_in};

async fn json(client: &Client, path: &str) -> Value {
    let page = client.get(path).await;
    page.assert_status(200);
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/json")
    );
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{path}: {e}\n{}", page.body))
}

#[tokio::test]
async fn a_teams_ledger_as_csv_and_json() {
    let (app, s) = Scenario::in_new_app().await;
    let visitor = app.visitor();
    let page = visitor.get(&format!("/teams/{}/ledger.csv", s.team)).await;
    page.assert_status(200);
    assert_eq!(
        page.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    let mut reader = csv::Reader::from_reader(page.body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header[..6],
        [
            "login",
            "name",
            "role",
            "joined_at",
            "join_reason",
            "left_at"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let people: Vec<(&str, &str, &str)> = rows.iter().map(|r| (&r[0], &r[2], &r[4])).collect();
    assert_eq!(
        people,
        vec![
            (s.lead.as_str(), "lead", "Founding"),
            (s.member.as_str(), "member", "Founding")
        ]
    );
    assert_eq!(&rows[0][3], "2026-03-02T09:00:00Z");
    assert_eq!(&rows[0][5], "", "still a member");

    let value = json(&visitor, &format!("/teams/{}/ledger.json", s.team)).await;
    let ledger = value["ledger"].as_array().expect("ledger");
    assert_eq!(ledger.len(), rows.len());
    assert_eq!(ledger[1]["login"], s.member.as_str());
    assert_eq!(ledger[1]["role"], "member");
    assert_eq!(ledger[1]["left_at"], Value::Null);
    assert_eq!(value["team"]["slug"], s.team.as_str());

    // After leaving, the row says when and why.
    let admin = app.signed_in("admin").await;
    let page = admin
        .post(
            &format!("/teams/{}/members/{}/leave", s.team, s.member),
            &[("leave_reason", "Moved on")],
        )
        .await;
    assert!(
        page.status.is_redirection(),
        "leave: {} {}",
        page.status,
        page.body
    );
    let value = json(&visitor, &format!("/teams/{}/ledger.json", s.team)).await;
    let row = &value["ledger"][1];
    assert_eq!(row["leave_reason"], "Moved on");
    assert_eq!(row["left_at"], "2026-03-02T09:00:00Z");
    assert_eq!(row["end_kind"], "left");

    visitor
        .get("/teams/nowhere/ledger.csv")
        .await
        .assert_status(404);
    visitor
        .get("/teams/nowhere/ledger.json")
        .await
        .assert_status(404);
}

#[tokio::test]
async fn a_decisions_full_record_for_those_who_may_see_it() {
    let (app, s) = Scenario::in_new_app().await;
    let public = s
        .public_decision(&app, "Adopt the rota?", Some("We rotate weekly."))
        .await;
    let visitor = app.visitor();
    let value = json(&visitor, &format!("/decisions/{public}/record.json")).await;
    assert_eq!(value["question"], "Adopt the rota?");
    assert_eq!(value["outcome"], "passed");
    assert_eq!(value["visibility"], "public");
    assert_eq!(value["recorded_outcome"]["statement"], "We rotate weekly.");
    assert_eq!(value["positions"].as_array().map(Vec::len), Some(2));
    assert_eq!(value["positions"][0]["comment"], "Fine by me");
    assert_eq!(value["deciders"].as_array().map(Vec::len), Some(2));
    assert_eq!(value["effect"]["kind"], "text");
    assert_eq!(
        value["url"],
        format!("{}/decisions/{public}", app.config.origin())
    );

    // The team-only decision: its members only; everyone else is told there is none.
    let path = format!("/decisions/{}/record.json", s.decision);
    let member = app.signed_in(&s.member).await;
    let value = json(&member, &path).await;
    assert!(
        value["body"]
            .as_str()
            .is_some_and(|b| b.contains(&Marker::Decision.text(0)))
    );
    assert_eq!(value["concerns"].as_array().map(Vec::len), Some(1));
    for who in [
        app.visitor(),
        app.signed_in(&s.other).await,
        app.signed_in("admin").await,
    ] {
        let page = who.get(&path).await;
        page.assert_status(404);
        assert!(markers_in(&page.body).is_empty());
    }
    visitor
        .get("/decisions/nothing/record.json")
        .await
        .assert_status(404);
    visitor
        .get("/decisions/999999/record.json")
        .await
        .assert_status(404);
}

#[tokio::test]
async fn an_rfc_with_its_revisions_and_public_feedback() {
    let (app, s) = Scenario::in_new_app().await;
    for who in [app.visitor(), app.signed_in(&s.member).await] {
        let value = json(&who, &format!("/rfcs/{}/record.json", s.rfc)).await;
        assert_eq!(value["title"], "Open policy");
        assert_eq!(
            value["revisions"][0]["body"],
            "Bots may open pull requests."
        );
        assert_eq!(value["window"]["closes_at"], "2026-03-09T09:00:00Z");
        let feedback = value["feedback"].as_array().expect("feedback");
        // Private feedback is never exported, even to the team.
        assert_eq!(feedback.len(), 1, "{feedback:?}");
        assert_eq!(feedback[0]["body"], "Public thoughts.");
        assert_eq!(feedback[0]["author"], s.critic.as_str());
        assert!(markers_in(&value.to_string()).is_empty());
    }
    // A draft: the team only.
    let path = format!("/rfcs/{}/record.json", s.draft_rfc);
    app.visitor().get(&path).await.assert_status(404);
    app.signed_in(&s.other)
        .await
        .get(&path)
        .await
        .assert_status(404);
    let member = app.signed_in(&s.member).await;
    let value = json(&member, &path).await;
    assert_eq!(value["revisions"][0]["body"], Marker::RfcDraft.text(0));
}

#[tokio::test]
async fn the_whole_public_record_to_a_directory() {
    let (app, s) = Scenario::in_new_app().await;
    let public = s
        .public_decision(&app, "Adopt the rota?", Some("We rotate weekly."))
        .await;
    let dir = tempfile::tempdir().expect("dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_concord"))
        .env(
            "DATABASE_URL",
            crate::support::database::url(&app.db_options),
        )
        .env_remove("GITHUB_CLIENT_ID")
        .env_remove("CONCORD_ENV")
        .args(["export", "--out"])
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect(name);
    let lines = |name: &str| -> Vec<Value> {
        read(name)
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect()
    };
    for name in [
        "teams.jsonl",
        "ledger.jsonl",
        "decisions.jsonl",
        "rfcs.jsonl",
        "feedback.jsonl",
        "posts.jsonl",
        "comments.jsonl",
        "manifest.json",
    ] {
        assert!(markers_in(&read(name)).is_empty(), "private text in {name}");
    }
    let teams: Vec<String> = lines("teams.jsonl")
        .iter()
        .map(|t| t["slug"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(teams, vec![s.team.clone(), s.other_team.clone()]);
    assert_eq!(lines("ledger.jsonl").len(), 3);
    let decisions = lines("decisions.jsonl");
    assert_eq!(decisions.len(), 1, "public decisions only");
    assert_eq!(decisions[0]["id"], public);
    assert_eq!(
        decisions[0]["recorded_outcome"]["statement"],
        "We rotate weekly."
    );
    let rfcs = lines("rfcs.jsonl");
    assert_eq!(rfcs.len(), 1, "the draft is not public");
    assert_eq!(rfcs[0]["revisions"][0]["title"], "Open policy");
    let feedback = lines("feedback.jsonl");
    assert_eq!(feedback.len(), 1);
    assert_eq!(feedback[0]["body"], "Public thoughts.");
    assert_eq!(lines("posts.jsonl").len(), 1);
    assert_eq!(lines("comments.jsonl").len(), 1);
    let manifest: Value = serde_json::from_str(&read("manifest.json")).expect("manifest");
    assert_eq!(manifest["format"], "concord-public-record");
    assert_eq!(manifest["files"][2]["name"], "decisions.jsonl");
    assert_eq!(manifest["files"][2]["lines"], 1);
}
