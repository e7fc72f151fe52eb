//! `concord export --out DIR`: the whole public record as JSON Lines files, for archiving.
//! Each file is read in batches of [`BATCH`] rows by id (a keyset walk), so memory stays
//! flat however large the record; every line is one JSON object built by PostgreSQL.
//! The format is documented in the README ("Exports").

use std::io::Write;
use std::path::{Path, PathBuf};

use sqlx::PgPool;
use time::OffsetDateTime;

/// Rows read per statement.
pub const BATCH: i64 = 1000;

/// The files written, in order, with what each holds.
pub const FILES: [(&str, &str); 7] = [
    ("teams.jsonl", "every team with its charter"),
    ("ledger.jsonl", "every membership ledger row"),
    (
        "decisions.jsonl",
        "public decisions with positions, concerns and outcome",
    ),
    ("rfcs.jsonl", "public RFCs with every revision"),
    (
        "feedback.jsonl",
        "public feedback on public RFCs, with published dispositions",
    ),
    ("posts.jsonl", "published posts"),
    ("comments.jsonl", "comments on published posts, not deleted"),
];

/// How many lines each file got.
pub type Counts = Vec<(&'static str, u64)>;

/// Writes the public record as it stands at `now` into `dir` (created if missing), and
/// `manifest.json` last, naming the files and their line counts.
pub async fn export(pool: &PgPool, dir: &Path, now: OffsetDateTime) -> Result<Counts, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("could not create {}: {e}", dir.display()))?;
    let mut counts = Vec::new();
    for (name, _) in FILES {
        let path = dir.join(name);
        let n = write_file(pool, &path, name, now)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        counts.push((name, n));
    }
    let manifest = serde_json::json!({
        "format": "concord-public-record",
        "version": 1,
        "exported_at": super::model::ts(now),
        "files": counts.iter().zip(FILES).map(|((name, n), (_, what))| serde_json::json!({
            "name": name, "lines": n, "holds": what,
        })).collect::<Vec<_>>(),
    });
    let body = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("manifest.json"), body).map_err(|e| e.to_string())?;
    Ok(counts)
}

async fn write_file(
    pool: &PgPool,
    path: &PathBuf,
    name: &str,
    now: OffsetDateTime,
) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
    let file = std::fs::File::create(path)?;
    let mut out = std::io::BufWriter::new(file);
    let mut after = 0_i64;
    let mut lines = 0_u64;
    loop {
        let batch = batch(pool, name, after, now).await?;
        let Some((last, _)) = batch.last() else {
            break;
        };
        after = *last;
        for (_, line) in &batch {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            lines += 1;
        }
    }
    out.flush()?;
    Ok(lines)
}

/// The next rows of one file after id `after`, as (id, JSON line).
async fn batch(
    pool: &PgPool,
    name: &str,
    after: i64,
    now: OffsetDateTime,
) -> sqlx::Result<Vec<(i64, String)>> {
    macro_rules! rows {
        ($query:expr) => {
            $query
                .fetch_all(pool)
                .await?
                .into_iter()
                .map(|r| (r.id, r.line.unwrap_or_default()))
                .collect()
        };
    }
    Ok(match name {
        "teams.jsonl" => rows!(sqlx::query!(
            "select t.id, json_build_object(
                    'slug', t.slug, 'name', t.name, 'purpose', t.purpose, 'mandate', t.mandate,
                    'rule', json_build_object('kind', t.rule_kind, 'n', t.rule_n),
                    'review_on', t.review_on, 'parent', p.slug,
                    'created_at', t.created_at, 'revoked_at', t.revoked_at)::text as line
               from teams t left join teams p on p.id = t.parent_id
              where t.id > $1 order by t.id limit $2",
            after,
            BATCH
        )),
        "ledger.jsonl" => rows!(sqlx::query!(
            "select m.id, json_build_object(
                    'team', t.slug, 'login', u.login, 'role', m.role,
                    'joined_at', m.joined_at, 'join_reason', m.join_reason,
                    'left_at', m.left_at, 'end_kind', m.end_kind, 'leave_reason', m.leave_reason,
                    'decision_id', m.decision_id, 'closed_by_decision_id', m.closed_by_decision_id)::text as line
               from memberships m join teams t on t.id = m.team_id join users u on u.id = m.user_id
              where m.id > $1 order by m.id limit $2",
            after,
            BATCH
        )),
        "decisions.jsonl" => rows!(sqlx::query!(
            "select d.id, json_build_object(
                    'id', d.id, 'team', t.slug, 'question', d.question, 'body', d.body,
                    'opened_by', u.login, 'opened_at', d.opened_at, 'closes_at', d.closes_at,
                    'rule', json_build_object('kind', d.rule_kind, 'n', d.rule_n),
                    'effect', d.effect,
                    'withdrawn_at', d.withdrawn_at, 'withdrawal_reason', d.withdrawal_reason,
                    'deciders', (select coalesce(json_agg(du.login order by du.login), '[]')
                                   from decision_deciders dd join users du on du.id = dd.user_id
                                  where dd.decision_id = d.id),
                    'positions', (select coalesce(json_agg(json_build_object(
                                      'login', pu.login, 'stance', p.stance, 'comment', p.comment, 'at', p.at,
                                      'by_proxy', (select xu.login from decision_proxies x join users xu on xu.id = x.proxy_id
                                                    where x.id = p.by_proxy_id))
                                      order by p.id), '[]')
                                    from decision_positions p join users pu on pu.id = p.user_id
                                   where p.decision_id = d.id),
                    'concerns', (select coalesce(json_agg(json_build_object(
                                     'raised_by', cu.login, 'title', c.title, 'raised_at', c.raised_at,
                                     'resolved_at', c.resolved_at, 'resolution', c.resolution)
                                     order by c.id), '[]')
                                   from decision_concerns c join users cu on cu.id = c.raised_by
                                  where c.decision_id = d.id),
                    'recorded_outcome', (select json_build_object(
                                             'statement', o.statement, 'recorded_at', o.recorded_at)
                                           from decision_outcomes o where o.decision_id = d.id)
                    )::text as line
               from decisions d join teams t on t.id = d.team_id join users u on u.id = d.opened_by
              where d.id > $1 and d.is_public order by d.id limit $2",
            after,
            BATCH
        )),
        "rfcs.jsonl" => rows!(sqlx::query!(
            "select r.id, json_build_object(
                    'id', r.id, 'team', t.slug, 'created_at', r.created_at,
                    'opens_at', r.opens_at, 'closes_at', r.closes_at,
                    'disposition_published_at', r.disposition_published_at,
                    'resolution', rs.resolution, 'decision_id', rs.decision_id,
                    'revisions', (select json_agg(json_build_object(
                                      'number', v.number, 'title', v.title, 'summary', v.summary,
                                      'body', v.body, 'pull_request_url', v.pull_request_url,
                                      'change_note', v.change_note, 'author', vu.login,
                                      'created_at', v.created_at) order by v.number)
                                    from rfc_revisions v join users vu on vu.id = v.author_id
                                   where v.rfc_id = r.id)
                    )::text as line
               from rfcs r join teams t on t.id = r.team_id
               left join rfc_resolutions rs on rs.rfc_id = r.id
              where r.id > $1 and rfc_is_public(r.opens_at, rs.resolved_at, $3)
              order by r.id limit $2",
            after,
            BATCH,
            now
        )),
        "feedback.jsonl" => rows!(sqlx::query!(
            "select f.id, json_build_object(
                    'id', f.id, 'rfc_id', f.rfc_id, 'author', u.login, 'revision', v.number,
                    'body', case when f.withdrawn_at is null then f.body end,
                    'created_at', f.created_at, 'edited_at', f.edited_at, 'withdrawn_at', f.withdrawn_at,
                    'disposition', case when r.disposition_published_at is not null and d.feedback_id is not null
                                        then json_build_object('verdict', d.verdict, 'reason', d.reason) end
                    )::text as line
               from rfc_feedback f
               join rfcs r on r.id = f.rfc_id
               join users u on u.id = f.author_id
               join rfc_revisions v on v.id = f.revision_id
               left join rfc_resolutions rs on rs.rfc_id = r.id
               left join rfc_dispositions d on d.feedback_id = f.id
              where f.id > $1 and f.visibility = 'public'
                and rfc_is_public(r.opens_at, rs.resolved_at, $3)
              order by f.id limit $2",
            after,
            BATCH,
            now
        )),
        "posts.jsonl" => rows!(sqlx::query!(
            "select p.id, json_build_object(
                    'id', p.id, 'team', t.slug, 'slug', p.slug, 'title', p.title, 'body', p.body,
                    'author', u.login, 'published_at', p.published_at, 'updated_at', p.updated_at)::text as line
               from posts p join teams t on t.id = p.team_id join users u on u.id = p.author_id
              where p.id > $1 and p.published_at is not null
              order by p.id limit $2",
            after,
            BATCH
        )),
        "comments.jsonl" => rows!(sqlx::query!(
            "select c.id, json_build_object(
                    'id', c.id, 'post_id', c.post_id, 'author', u.login, 'body', c.body,
                    'created_at', c.created_at, 'edited_at', c.edited_at)::text as line
               from post_comments c join posts p on p.id = c.post_id join users u on u.id = c.author_id
              where c.id > $1 and c.deleted_at is null and p.published_at is not null
              order by c.id limit $2",
            after,
            BATCH
        )),
        _ => Vec::new(),
    })
}
