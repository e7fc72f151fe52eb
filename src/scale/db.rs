//! The bulk statements of the scale seeder. Each one generates its rows on the server
//! with `generate_series` for a range of ids (`lo..=hi`), so a chunk is one round trip
//! and every constraint, foreign key and trigger still checks every row. Ids are given
//! explicitly (`overriding system value`) so rows can name each other by arithmetic;
//! [`reset_sequences`] moves the identity sequences past them at the end.
//!
//! The people of team `t` are its slots `k = 0, 1, ...`: slot `k` is user
//! `1 + ((t - 1) * 50 + k) % people`. Slot 0 leads, the last current slot is on leave,
//! the slots after the current ones are alumni.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// Whether the database holds no people yet (the seeder only fills an empty one).
pub async fn is_empty(conn: &mut PgConnection) -> sqlx::Result<bool> {
    sqlx::query_scalar!("select not exists(select 1 from users) as \"empty!\"")
        .fetch_one(conn)
        .await
}

pub async fn insert_users(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into users (id, login, name, created_at, updated_at) overriding system value
         select i,
                lower(f.first) || '-' || lower(l.last) || '-' || i,
                f.first || ' ' || l.last,
                $3::timestamptz - interval '3 years', $3::timestamptz - interval '3 years'
         from generate_series($1::bigint, $2::bigint) i
         cross join lateral (select (array['Amber','Birch','Cedar','Dawn','Ember','Fern','Glen',
             'Hazel','Iris','Juniper','Kestrel','Linden','Maple','Nova','Olive','Pike','Quill',
             'Rowan','Sage','Tamsin','Umber','Vale','Wren','Yarrow'])[1 + i % 24] as first) f
         cross join lateral (select (array['Finch','Heron','Marten','Otter','Plover','Rook',
             'Sorrel','Teal','Vireo','Wagtail','Alder','Bracken','Clover','Dunlin','Egret',
             'Gannet','Hollis','Ingle','Jessop','Knoll','Lark','Moss','Nettle','Osier',
             'Pollard','Quarry','Reed','Sedge','Thorn','Upton','Vetch'])[1 + (i / 24) % 31] as last) l",
        lo,
        hi,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Teams 1..=10 are top-level; team `t` above 10 is delegated by team `t / 3`, so the
/// tree of delegations is a few levels deep. Each gets its charter record.
pub async fn insert_teams(
    conn: &mut PgConnection,
    teams: i64,
    people: i64,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into teams (id, slug, name, purpose, mandate, rule_kind, rule_n, review_on,
                            parent_id, created_at, updated_at) overriding system value
         select t, 'team-' || t,
                (array['Infrastructure','Release','Documentation','Security','Community',
                       'Compiler','Library','Packaging','Moderation','Testing'])[1 + t % 10]
                    || ' team ' || t,
                'Looks after area ' || t || ' of the project and answers questions about it.',
                'Decides everything about area ' || t || ': its roadmap, its reviews and its releases.',
                case when t % 2 = 0 then 'unanimous' else 'all_but' end,
                case when t % 2 = 0 then 0 else 1 end,
                ($2::timestamptz + interval '180 days')::date,
                case when t > 10 then t / 3 end,
                $2::timestamptz - interval '3 years' + t * interval '1 minute',
                $2::timestamptz - interval '3 years' + t * interval '1 minute'
         from generate_series(1, $1::bigint) t",
        teams,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into charter_events (team_id, parent_id, kind, mandate, rule_kind, rule_n,
                                     review_on, note, actor_id, at)
         select id, parent_id, case when parent_id is null then 'created' else 'delegated' end,
                mandate, rule_kind, rule_n, review_on, null, 1 + ((id - 1) * 50) % $1, created_at
         from teams order by id",
        people
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The ledger: current members (slot 0 leads after an earlier stint as a member, the
/// last slot is on leave), then alumni who joined early and left a year or more ago.
/// Team 1 is the extreme one with `big_team` current members.
pub async fn insert_memberships(
    conn: &mut PgConnection,
    teams: i64,
    people: i64,
    big_team: i64,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "with slots as (
             select t, k, case when t = 1 then $3::bigint else 30 end as current,
                    1 + ((t - 1) * 50 + k) % $2::bigint as user_id
             from generate_series(1, $1::bigint) t
             cross join lateral generate_series(0, case when t = 1 then $3::bigint else 30 end + 14) k
         ),
         earlier as (
             -- The lead's first stint, as a member, until the role changed.
             insert into memberships (team_id, user_id, role, joined_at, join_reason, added_by,
                                      left_at, end_kind, leave_reason, closed_by)
             select t, user_id, 'member', $4::timestamptz - interval '1000 days', 'Founding member.', null,
                    $4::timestamptz - interval '365 days', 'role_changed', 'Chosen as lead.', user_id
             from slots where k = 0
         )
         insert into memberships (team_id, user_id, role, joined_at, join_reason, added_by,
                                  left_at, end_kind, leave_reason, closed_by)
         select t, user_id,
                case when k = 0 then 'lead' when k = current - 1 then 'on_leave' else 'member' end,
                case when k = 0 then $4::timestamptz - interval '365 days'
                     when k < current then $4::timestamptz - interval '1000 days' + k * interval '1 minute'
                     else $4::timestamptz - interval '1050 days' + k * interval '1 minute' end,
                case when k = 0 then 'Chosen as lead.' else 'Joined after a call for nominations.' end,
                case when k = 0 then user_id else 1 + ((t - 1) * 50) % $2::bigint end,
                case when k < current then null
                     else $4::timestamptz - interval '400 days' + k * interval '1 hour' end,
                case when k < current then null else 'left' end,
                case when k < current then null else 'Stepped back to work on other things.' end,
                case when k < current then null else user_id end
         from slots",
        teams,
        people,
        big_team,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Decisions `lo..=hi` of `total`, with their deciders (the first 29 slots), positions,
/// a concern raised and resolved on every seventh, and the outcome of those that
/// passed. The last twentieth are still open, with positions from half the deciders.
#[allow(clippy::too_many_arguments)]
pub async fn insert_decisions(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    total: i64,
    teams: i64,
    people: i64,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into decisions (id, team_id, question, body, is_public, opened_by, opened_at,
                                closes_at, rule_kind, rule_n, effect) overriding system value
         select i, tm.id,
                'Should we adopt proposal ' || i || ' for our area?',
                'Proposal ' || i || E' changes how we work.\n\nIt was discussed at the last meeting; \
                 this decision records whether we go ahead.',
                i % 5 <> 0,
                1 + ((tm.id - 1) * 50) % $5::bigint,
                o.opened_at, o.opened_at + o.length,
                tm.rule_kind, tm.rule_n,
                jsonb_build_object('kind', 'text', 'text', 'We adopt proposal ' || i || '.')
         from generate_series($1::bigint, $2::bigint) i
         join teams tm on tm.id = 1 + (i - 1) % $4::bigint
         cross join lateral (select case when i > $3::bigint - greatest($3::bigint / 20, 1)
                                         then $6::timestamptz - interval '2 days'
                                         else $6::timestamptz - interval '8 days' - ($3::bigint - i + 1) * interval '4 hours'
                                    end as opened_at,
                                    -- Open ones stay open for a while, so a seeded database
                                    -- can be benchmarked again weeks later.
                                    case when i > $3::bigint - greatest($3::bigint / 20, 1)
                                         then interval '90 days' else interval '7 days'
                                    end as length) o",
        lo,
        hi,
        total,
        teams,
        people,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into decision_deciders (decision_id, user_id)
         select d.id, 1 + ((d.team_id - 1) * 50 + k) % $3::bigint
         from decisions d cross join generate_series(0, 28) k
         where d.id between $1 and $2",
        lo,
        hi,
        people
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into decision_positions (decision_id, user_id, stance, comment, at)
         select d.id, 1 + ((d.team_id - 1) * 50 + k) % $3::bigint,
                case when k = 2 and d.id % 7 = 0 and step = 1 then 'agree_with_concerns'
                     when k = 1 and d.id % 10 = 0 then 'object'
                     when k = 3 and d.id % 4 = 0 and d.rule_kind = 'all_but' then 'stand_aside'
                     else 'agree' end,
                case when k = 1 and d.id % 10 = 0 then 'This would break the release process.' end,
                d.opened_at + k * interval '1 hour' + step * interval '1 minute'
         from decisions d cross join generate_series(0, 28) k
         cross join generate_series(1, case when k = 2 and d.id % 7 = 0 then 2 else 1 end) step
         where d.id between $1 and $2 and (d.closes_at < $4 or k % 2 = 0)",
        lo,
        hi,
        people,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into decision_concerns (decision_id, raised_by, title, raised_at, resolved_at, resolution)
         select d.id, 1 + ((d.team_id - 1) * 50 + 2) % $3::bigint, 'The migration plan is unclear',
                d.opened_at + interval '2 hours', d.opened_at + interval '2 hours 1 minute',
                'The plan now lists every step.'
         from decisions d
         where d.id between $1 and $2 and d.id % 7 = 0 and d.closes_at < $4",
        lo,
        hi,
        people,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into decision_outcomes (decision_id, statement, recorded_by, recorded_at)
         select d.id, 'Adopted: proposal ' || d.id || ' goes ahead.', d.opened_by, d.closes_at
         from decisions d
         where d.id between $1 and $2 and d.id % 10 <> 0 and d.closes_at < $3",
        lo,
        hi,
        now
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Calls for nominations, one or more per team; the last twentieth are open.
pub async fn insert_calls(
    conn: &mut PgConnection,
    total: i64,
    teams: i64,
    people: i64,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into calls (id, team_id, title, looking_for, eligibility, seats, opens_at, closes_at,
                            stale_after_days, opened_by, created_at) overriding system value
         select c, 1 + (c - 1) % $2::bigint, 'New members, round ' || c,
                'People who have reviewed changes in our area for a few months.',
                'open', 2, w.opens_at, w.opens_at + interval '21 days', 30,
                1 + (((c - 1) % $2::bigint) * 50) % $3::bigint, w.opens_at
         from generate_series(1, $1::bigint) c
         cross join lateral (select case when c > $1::bigint - greatest($1::bigint / 20, 1)
                                         then $4::timestamptz - interval '3 days'
                                         else $4::timestamptz - interval '30 days' - ($1::bigint - c) * interval '1 day'
                                    end as opens_at) w",
        total,
        teams,
        people,
        now
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Nominations `lo..=hi`, spread over the calls, each with its consent: most accepted,
/// every tenth declined (and so ended), the rest still waiting for the nominee.
pub async fn insert_nominations(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    calls: i64,
    people: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into nominations (id, call_id, nominee_id, nominator_id, statement, created_at,
                                  ended_at) overriding system value
         select n, c.id, 1 + (c.id * 997 + ((n - 1) / $3::bigint) * 13 + 5000) % $4::bigint,
                case when n % 3 = 0 then 1 + (c.id * 997 + ((n - 1) / $3::bigint) * 13 + 5000) % $4::bigint
                     else 1 + (n * 31) % $4::bigint end,
                'Has reviewed many changes in this area and mentors newcomers.',
                c.opens_at + ((n - 1) / $3::bigint) * interval '1 hour',
                case when n % 10 = 7 then c.opens_at + ((n - 1) / $3::bigint) * interval '1 hour' + interval '1 day' end
         from generate_series($1::bigint, $2::bigint) n
         join calls c on c.id = 1 + (n - 1) % $3::bigint",
        lo,
        hi,
        calls,
        people
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into nomination_events (nomination_id, kind, actor_id, note, at)
         select id, case when id % 10 = 7 then 'declined' else 'accepted' end, nominee_id,
                case when id % 10 = 7 then 'Not this year, thank you.' end,
                created_at + interval '1 day'
         from nominations
         where id between $1 and $2 and id % 10 < 8",
        lo,
        hi
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// RFCs `lo..=hi` with two revisions each (ids `2r - 1` and `2r`) and their window; the
/// last twentieth are open for feedback (for 90 days), every fiftieth closed one has its disposition
/// published.
#[allow(clippy::too_many_arguments)]
pub async fn insert_rfcs(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    total: i64,
    teams: i64,
    people: i64,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into rfcs (id, team_id, created_by, created_at, opens_at, closes_at,
                           disposition_published_at, disposition_published_by, form_key)
             overriding system value
         select r, 1 + (r - 1) % $4::bigint, w.lead, w.created_at,
                w.created_at + interval '1 day',
                w.created_at + case when w.open then interval '90 days' else interval '15 days' end,
                case when r % 50 = 2 and not w.open then w.created_at + interval '16 days' end,
                case when r % 50 = 2 and not w.open then w.lead end,
                'seedrfc-' || r
         from generate_series($1::bigint, $2::bigint) r
         cross join lateral (
             select r > $3::bigint - greatest($3::bigint / 20, 1) as open,
                    1 + (((r - 1) % $4::bigint) * 50) % $5::bigint as lead,
                    case when r > $3::bigint - greatest($3::bigint / 20, 1) then $6::timestamptz - interval '8 days'
                         else $6::timestamptz - interval '30 days' - ($3::bigint - r + 1) * interval '4 hours'
                    end as created_at) w",
        lo,
        hi,
        total,
        teams,
        people,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into rfc_revisions (id, rfc_id, number, title, summary, body, pull_request_url,
                                    change_note, author_id, created_at) overriding system value
         select 2 * r.id - 2 + n, r.id, n, 'Policy proposal ' || r.id,
                'How area ' || r.team_id || ' handles automated contributions.',
                E'## Motivation\n\nAutomated contributions are growing. This RFC says how we \
                  review them.\n\n## Proposal\n\n- Label them.\n- Review them like any other \
                  change.\n\n## Alternatives\n\nDo nothing.' || case when n = 2 then E'\n\n\
                  ## Revision\n\nClarified the labels.' else '' end,
                'https://example.org/pulls/' || r.id,
                case when n = 1 then 'First draft.' else 'Clarified the labels.' end,
                r.created_by, r.created_at + (n - 1) * interval '12 hours'
         from rfcs r cross join generate_series(1, 2) n
         where r.id between $1 and $2",
        lo,
        hi
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into rfc_window_changes (rfc_id, opens_at, closes_at, actor_id, at)
         select id, opens_at, closes_at, created_by, created_at + interval '20 hours'
         from rfcs where id between $1 and $2",
        lo,
        hi
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Feedback ids `lo..=hi`: RFC 1 (the extreme one) holds the first `big` pieces, every
/// other RFC `per_rfc` pieces. Every tenth piece is private to the team. Written on the
/// second revision, a minute apart from the window's opening.
pub async fn insert_feedback(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    big: i64,
    per_rfc: i64,
    people: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into rfc_feedback (id, rfc_id, revision_id, author_id, visibility, body,
                                   created_at, form_key) overriding system value
         select i, r.id, 2 * r.id, 1 + (i * 7919) % $5::bigint,
                case when i % 10 = 0 then 'private' else 'public' end,
                (array['I support this; labelling will help reviewers a lot.',
                       'Could the RFC say who decides when a change counts as automated?',
                       E'The second point worries me.\n\nReviewing them like any other \
                         change ignores how many there are.',
                       'Please add an example of a label.',
                       'We tried this in another project and it worked well for a year.',
                       'What happens to contributions that are already open?'])[1 + i % 6]
                    || ' (' || i || ')',
                r.opens_at + p.j * interval '1 minute',
                'seedfb-' || i
         from generate_series($1::bigint, $2::bigint) i
         cross join lateral (select case when i <= $3::bigint then 1 else 2 + (i - $3::bigint - 1) / $4::bigint end as rfc,
                                    case when i <= $3::bigint then i - 1 else (i - $3::bigint - 1) % $4::bigint end as j) p
         join rfcs r on r.id = p.rfc",
        lo,
        hi,
        big,
        per_rfc,
        people
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// The disposition of every piece of feedback on the RFCs that published one.
pub async fn insert_dispositions(conn: &mut PgConnection) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into rfc_dispositions (feedback_id, rfc_id, verdict, reason, recorded_by, recorded_at)
         select f.id, f.rfc_id, (array['accepted','declined','noted'])[1 + f.id % 3],
                'Discussed at the team meeting.', r.disposition_published_by, r.disposition_published_at
         from rfcs r join rfc_feedback f on f.rfc_id = r.id
         where r.disposition_published_at is not null"
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Published posts `lo..=hi` (written by slot 1, approved by the lead), with their
/// approval and first revision. Posts above `published` wait for review.
#[allow(clippy::too_many_arguments)]
pub async fn insert_posts(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    published: i64,
    teams: i64,
    people: i64,
    now: OffsetDateTime,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into posts (id, team_id, author_id, slug, title, body, submitted_at, published_at,
                            approved_by, form_nonce, created_at, updated_at) overriding system value
         select p, w.team, 1 + ((w.team - 1) * 50 + case when p > $3::bigint then 2 else 1 end) % $5::bigint,
                'update-' || p, 'Team update ' || p,
                E'## What we did\n\nWe reviewed the open changes and released a new version.\n\n\
                  ## What is next\n\nA call for new members opens next week; the policy on \
                  automated contributions is open for feedback.',
                w.created_at + interval '1 hour',
                case when p <= $3::bigint then w.created_at + interval '2 hours' end,
                case when p <= $3::bigint then 1 + ((w.team - 1) * 50) % $5::bigint end,
                'seedpost-' || p, w.created_at, w.created_at + interval '2 hours'
         from generate_series($1::bigint, $2::bigint) p
         cross join lateral (
             select 1 + (p - 1) % $4::bigint as team,
                    case when p > $3::bigint then $6::timestamptz - interval '1 day'
                         else $6::timestamptz - interval '1 day' - ($3::bigint - p + 1) * interval '1 hour'
                    end as created_at) w",
        lo,
        hi,
        published,
        teams,
        people,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into post_reviews (post_id, author_id, reviewer_id, verdict, post_version, at)
         select id, author_id, approved_by, 'approved', 1, published_at
         from posts where id between $1 and $2 and published_at is not null",
        lo,
        hi
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into post_revisions (post_id, number, title, body, timeline, editor_id, at)
         select id, 1, title, body, '', author_id, published_at
         from posts where id between $1 and $2 and published_at is not null",
        lo,
        hi
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// Likes of posts `lo..=hi`: `per_post` each, `big` on post 1.
pub async fn insert_likes(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    per_post: i64,
    big: i64,
    people: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into post_likes (post_id, user_id, at)
         select p.id, 1 + (p.id * 101 + j) % $5::bigint, p.published_at + j * interval '1 second'
         from posts p
         cross join lateral generate_series(0, case when p.id = 1 then $4::bigint else $3::bigint end - 1) j
         where p.id between $1 and $2 and p.published_at is not null",
        lo,
        hi,
        per_post,
        big,
        people
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Comments of posts `lo..=hi`: `per_post` each, `big` on post 1; every fiftieth edited
/// once (with its earlier text kept).
pub async fn insert_comments(
    conn: &mut PgConnection,
    lo: i64,
    hi: i64,
    per_post: i64,
    big: i64,
    people: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into post_comments (post_id, author_id, body, form_nonce, created_at, edited_at)
         select p.id, a.author,
                (array['Congratulations to the new members!', 'Thanks for the clear summary.',
                       'Is there a recording of the meeting?', 'Great release, thank you all.',
                       'When does the call for nominations close?'])[1 + j % 5],
                'seedc-' || p.id || '-' || j,
                p.published_at + j * interval '1 minute',
                case when j % 50 = 49 then p.published_at + j * interval '1 minute' + interval '5 minutes' end
         from posts p
         cross join lateral generate_series(0, case when p.id = 1 then $4::bigint else $3::bigint end - 1) j
         cross join lateral (select 1 + (p.id * 7907 + j * 13) % $5::bigint as author) a
         where p.id between $1 and $2 and p.published_at is not null",
        lo,
        hi,
        per_post,
        big,
        people
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into post_comment_versions (comment_id, body, written_at, replaced_at)
         select c.id, 'First version of this comment.', c.created_at, c.edited_at
         from post_comments c
         where c.post_id between $1 and $2 and c.edited_at is not null",
        lo,
        hi
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected())
}

/// The audit trail of what the seed made: teams, decisions, calls, RFCs and posts (the
/// entries for individual positions, feedback, likes and comments are left out).
pub async fn insert_audit(conn: &mut PgConnection) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into audit_entries (at, actor_id, action, subject_kind, subject_id, subject_label,
                                    team_id, visibility, details)
         select at, actor, action, kind, sid, label, team, visibility, '{}'::jsonb from (
             select created_at as at, null::bigint as actor,
                    case when parent_id is null then 'team.created' else 'team.delegated' end as action,
                    'team' as kind, id as sid, slug as label, id as team, 'public' as visibility
             from teams
             union all
             select opened_at, opened_by, 'decision.opened', 'decision', id, question, team_id,
                    case when is_public then 'public' else 'team' end
             from decisions
             union all
             select created_at, opened_by, 'call.opened', 'call', id, title, team_id, 'public' from calls
             union all
             select r.created_at, r.created_by, 'rfc.drafted', 'rfc', r.id, v.title, r.team_id, 'team'
             from rfcs r join rfc_revisions v on v.rfc_id = r.id and v.number = 1
             union all
             select published_at, approved_by, 'post.published', 'post', id, title, team_id, 'public'
             from posts where published_at is not null
         ) e order by at"
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Moves every identity sequence the seed bypassed past the largest id.
pub async fn reset_sequences(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!(
        "select setval(pg_get_serial_sequence('users', 'id'), (select max(id) from users)) as users,
                setval(pg_get_serial_sequence('teams', 'id'), (select max(id) from teams)) as teams,
                setval(pg_get_serial_sequence('decisions', 'id'), (select max(id) from decisions)) as decisions,
                setval(pg_get_serial_sequence('calls', 'id'), (select max(id) from calls)) as calls,
                setval(pg_get_serial_sequence('nominations', 'id'), (select max(id) from nominations)) as nominations,
                setval(pg_get_serial_sequence('rfcs', 'id'), (select max(id) from rfcs)) as rfcs,
                setval(pg_get_serial_sequence('rfc_revisions', 'id'), (select max(id) from rfc_revisions)) as rfc_revisions,
                setval(pg_get_serial_sequence('rfc_feedback', 'id'), (select max(id) from rfc_feedback)) as rfc_feedback,
                setval(pg_get_serial_sequence('posts', 'id'), (select max(id) from posts)) as posts"
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(())
}

/// Fresh planner statistics after the bulk load.
pub async fn analyze(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::raw_sql("analyze").execute(conn).await?;
    Ok(())
}
