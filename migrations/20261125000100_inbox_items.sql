-- What awaits a person, defined once (docs/BENCHMARKS.md, "the inbox"): the inbox page
-- lists it and every signed-in page's header counts it, from the same definition.

-- A nomination's latest event and its announcement, kept on the nomination by its events
-- (they are append-only), so that "stale" need not look at every open nomination's events.
alter table nominations
    add column last_event_at timestamptz,
    add column announced_at timestamptz;

update nominations n
set last_event_at = e.last_at, announced_at = e.announced_at
from (
    select nomination_id, max(at) as last_at, min(at) filter (where kind = 'announced') as announced_at
    from nomination_events
    group by nomination_id
) e
where e.nomination_id = n.id;

create function nomination_events_touch() returns trigger
language plpgsql as $$
begin
    update nominations
    set last_event_at = greatest(last_event_at, new.at),
        announced_at = case when new.kind = 'announced' then coalesce(announced_at, new.at) else announced_at end
    where id = new.nomination_id;
    return null;
end;
$$;

create trigger nomination_events_touch after insert on nomination_events
    for each row execute function nomination_events_touch();

-- When a nomination last moved (its creation or its latest event), and the nominations
-- still moving (not ended, not announced) by call and last activity: "stale" is a range of
-- this index, read without touching the table.
alter table nominations
    add column active_at timestamptz generated always as (greatest(created_at, last_event_at)) stored;
create index nominations_moving_idx on nominations (call_id, active_at)
    where ended_at is null and announced_at is null;

-- A team's RFCs whose disposition is not yet published, by closing time (the inbox's
-- fifth section).
create index rfcs_undisposed_idx on rfcs (team_id, closes_at) where disposition_published_at is null;

-- Everything awaiting `p_user` at `p_now`, one row per item, `section` naming the room:
-- 1 decisions waiting for the person's position, 2 posts waiting for their review,
-- 3 nominations of them to answer, 4 calls of their teams with stale nominations (`n`
-- counts them), 5 feedback windows of their teams closing before `p_soon` (or closed)
-- with feedback to dispose of. `at` is the time the section sorts by (then `id`).
-- A plain SQL function: PostgreSQL inlines it into the statement that calls it.
create function inbox_items(p_user bigint, p_now timestamptz, p_soon timestamptz)
returns table (section integer, id bigint, title text, team text, at timestamptz,
               post_path text, author text, n bigint)
language sql stable as $$
    select 1, d.id, d.question, t.name, d.closes_at, null::text, null::text, null::bigint
    from decision_deciders dd
    join decisions d on d.id = dd.decision_id
    join teams t on t.id = d.team_id
    where dd.user_id = p_user and d.withdrawn_at is null and d.closes_at > p_now
      and exists (select 1 from memberships m where m.team_id = d.team_id and m.user_id = p_user and m.left_at is null)
      and not exists (select 1 from decision_positions p where p.decision_id = d.id and p.user_id = p_user)
    union all
    select 2, p.id, p.title, t.name, p.submitted_at, t.slug || '/' || p.slug, coalesce(a.name, a.login), null
    from posts p
    join teams t on t.id = p.team_id
    join users a on a.id = p.author_id
    join memberships m on m.team_id = p.team_id and m.user_id = p_user and m.left_at is null
    where p.submitted_at is not null and p.published_at is null and p.author_id <> p_user
    union all
    select 3, n.id, c.title, t.name, null, null, null, null
    from nominations n
    join calls c on c.id = n.call_id
    join teams t on t.id = c.team_id
    where n.nominee_id = p_user and n.ended_at is null and n.last_event_at is null
    union all
    select 4, c.id, c.title, t.name, null, null, null, s.stale
    from memberships m
    join calls c on c.team_id = m.team_id
    join teams t on t.id = c.team_id
    cross join lateral (
        select count(*) as stale from nominations n
        where n.call_id = c.id and n.ended_at is null and n.announced_at is null
          and n.active_at < p_now - make_interval(hours => 24 * c.stale_after_days)
    ) s
    where m.user_id = p_user and m.left_at is null and s.stale > 0
    union all
    select 5, r.id, (select v.title from rfc_revisions v where v.rfc_id = r.id order by v.number desc limit 1),
           t.name, r.closes_at, null, null, null
    from rfcs r
    join teams t on t.id = r.team_id
    where r.team_id in (select team_id from memberships where user_id = p_user and left_at is null)
      and r.opens_at <= p_now and r.closes_at <= p_soon
      and r.disposition_published_at is null
      and not exists (select 1 from rfc_resolutions rs where rs.rfc_id = r.id)
      and exists (select 1 from rfc_feedback f where f.rfc_id = r.id and f.withdrawn_at is null
                  and not exists (select 1 from rfc_dispositions d where d.feedback_id = f.id))
$$;
