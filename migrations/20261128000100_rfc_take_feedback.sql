-- Takes pieces of feedback in batches (rfcs::intake): under load, the pieces that arrive
-- while one batch is written go in the next, in one statement, so PostgreSQL's cost per
-- statement and per commit is paid once per batch instead of once per piece. A batch of
-- one is the plain case. Replaces rfc_submit_feedback (20261127000100), with the same
-- rules for each piece:
--
-- The RFCs' rows are locked for share first (in id order), so pieces of feedback do not
-- wait for each other while every change of an RFC itself (its window, a revision, a
-- resolution) waits for them and they for it. PL/pgSQL because the statement after the
-- lock then reads with a snapshot of its own (the function is volatile, the transaction
-- READ COMMITTED): the revision and the window read are those current once a change that
-- held the lock has committed. A single SQL statement would read them from a snapshot
-- taken before the wait.
--
-- One row per piece, in the order given: `taken` is false when the RFC takes no feedback
-- at that piece's time (rfcs::model::feedback_refusal, whose rule the query repeats: not
-- resolved, and opens_at <= now < closes_at); the caller then reads the RFC to say why.
-- `feedback_id` is the new piece's, or null for a form sent before (form_key taken: the
-- first of the same key in a batch wins). The audit entry is the one rfcs::db writes for
-- every change of a piece of feedback (`feedback_subject`): subject
-- "feedback <id> on RFC <rfc>", team-only when the feedback is private.
drop function rfc_submit_feedback(bigint, bigint, text, text, text, timestamptz);

create function rfc_take_feedback(
    p_rfcs bigint[],
    p_authors bigint[],
    p_visibilities text[],
    p_bodies text[],
    p_form_keys text[],
    p_nows timestamptz[]
) returns table (ord int, taken boolean, feedback_id bigint)
language plpgsql volatile as $$
#variable_conflict use_column
begin
    perform 1 from rfcs where id = any(p_rfcs) order by id for share;
    return query
    with item as (
        select u.rfc_id, u.author_id, u.visibility, u.body, u.form_key, u.at, u.ord::int as ord
        from unnest(p_rfcs, p_authors, p_visibilities, p_bodies, p_form_keys, p_nows)
            with ordinality as u (rfc_id, author_id, visibility, body, form_key, at, ord)
    ), open as (
        select i.*, r.team_id, v.id as revision_id, v.number
        from item i
        join rfcs r on r.id = i.rfc_id
        join lateral (
            select id, number from rfc_revisions where rfc_id = r.id order by number desc limit 1
        ) v on true
        where r.opens_at <= i.at and i.at < r.closes_at
          and not exists (select 1 from rfc_resolutions s where s.rfc_id = r.id)
    ), added as (
        insert into rfc_feedback
            (rfc_id, revision_id, author_id, visibility, body, created_at, form_key)
        select rfc_id, revision_id, author_id, visibility, body, at, form_key
        from open order by ord
        on conflict (form_key) do nothing
        returning id, form_key
    ), first as (
        -- The piece each new row was made from: the first of its key.
        select distinct on (o.form_key) o.*, a.id
        from open o join added a on a.form_key = o.form_key
        order by o.form_key, o.ord
    ), audited as (
        insert into audit_entries
            (at, actor_id, action, subject_kind, subject_id, subject_label, team_id, visibility, details)
        select f.at, f.author_id, 'rfc_feedback.submitted', 'rfc_feedback', f.id,
            format('feedback %s on RFC %s', f.id, f.rfc_id), f.team_id,
            case f.visibility when 'public' then 'public' else 'team' end,
            jsonb_build_object('revision', f.number, 'visibility', f.visibility)
        from first f
        order by f.id
    )
    select i.ord, o.ord is not null, f.id
    from item i
    left join open o on o.ord = i.ord
    left join first f on f.ord = i.ord
    order by i.ord;
end
$$;
