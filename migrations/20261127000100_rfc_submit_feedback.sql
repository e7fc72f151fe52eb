-- Takes a piece of feedback (rfcs::db::submit_feedback) in one statement: the write
-- people make most, so one round trip instead of six (BEGIN, lock, read, two inserts,
-- COMMIT). The RFC's row is locked for share first, so new pieces of feedback do not wait
-- for each other while every change of the RFC itself (its window, a revision, a
-- resolution) waits for them and they for it. PL/pgSQL because each statement after the
-- lock then reads with a snapshot of its own (the function is volatile, the transaction
-- READ COMMITTED): the revision and the window read are those current once a change that
-- held the lock has committed. A single SQL statement would read them from a snapshot
-- taken before the wait.
--
-- Returns the new piece's id, or null when the RFC takes no feedback at p_now; the caller
-- then reads the RFC to say why (rfcs::model::feedback_refusal, whose rule the query below
-- repeats: not resolved, and opens_at <= now < closes_at). The audit entry is the one
-- rfcs::db writes for every change of a piece of feedback (`feedback_subject`): subject
-- "feedback <id> on RFC <rfc>", team-only when the feedback is private.
create function rfc_submit_feedback(
    p_rfc bigint,
    p_author bigint,
    p_visibility text,
    p_body text,
    p_form_key text,
    p_now timestamptz
) returns bigint
language plpgsql volatile as $$
declare
    v_team bigint;
    v_revision bigint;
    v_number int;
    v_id bigint;
begin
    perform 1 from rfcs where id = p_rfc for share;
    select r.team_id, v.id, v.number into v_team, v_revision, v_number
    from rfcs r
    join lateral (
        select id, number from rfc_revisions where rfc_id = r.id order by number desc limit 1
    ) v on true
    where r.id = p_rfc
      and r.opens_at <= p_now and p_now < r.closes_at
      and not exists (select 1 from rfc_resolutions s where s.rfc_id = r.id);
    if not found then
        return null;
    end if;
    insert into rfc_feedback (rfc_id, revision_id, author_id, visibility, body, created_at, form_key)
    values (p_rfc, v_revision, p_author, p_visibility, p_body, p_now, p_form_key)
    returning id into v_id;
    insert into audit_entries
        (at, actor_id, action, subject_kind, subject_id, subject_label, team_id, visibility, details)
    values (
        p_now, p_author, 'rfc_feedback.submitted', 'rfc_feedback', v_id,
        format('feedback %s on RFC %s', v_id, p_rfc), v_team,
        case p_visibility when 'public' then 'public' else 'team' end,
        jsonb_build_object('revision', v_number, 'visibility', p_visibility)
    );
    return v_id;
end
$$;
