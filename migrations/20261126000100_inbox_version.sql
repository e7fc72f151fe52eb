-- What a person's inbox is made from (src/inbox/kept.rs): the teams whose changes can
-- alter it (their own teams, and the teams of the nominations of them still unanswered)
-- and the latest audit entry of those teams, one index lookup per team. Every change is
-- recorded in the audit log under the team it concerns, in the change's transaction, so
-- `inbox_items` gives the same rows while this gives the same answer (and the clock's
-- minute stands). Read with the signed-in person on every page, in the same statement.
create function inbox_version(p_user bigint)
returns table (teams bigint[], audit bigint)
language sql stable as $$
    with teams as (
        select team_id from memberships where user_id = p_user and left_at is null
        union
        select c.team_id from nominations n join calls c on c.id = n.call_id
        where n.nominee_id = p_user and n.ended_at is null and n.last_event_at is null
    )
    select coalesce(array_agg(t.team_id order by t.team_id), '{}'), coalesce(max(a.id), 0)
    from teams t
    cross join lateral (select max(id) as id from audit_entries where team_id = t.team_id) a
$$;
