-- Two more inbox sections (decisions::reviews, decisions::proxies): 7 decisions of the
-- person's teams due for review (`decision_review_due`) and not yet reviewed; 8 open
-- decisions in which the person holds a live proxy (`author` names the principal). The
-- rest of the function is as before (migration 20261208100100_inbox_github_drift.sql).
-- Both are changed only by audited writes under the team (outcomes, reviews opened,
-- proxies named and taken back) or by the clock's day, so `inbox_version` needs no change.
create or replace function inbox_items(p_user bigint, p_now timestamptz, p_soon timestamptz)
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
    union all
    select 6, t.id, t.name, t.name, g.seen, t.slug, null, g.n
    from memberships m
    join teams t on t.id = m.team_id
    cross join lateral (
        select count(*) as n, min(d.seen_at) as seen from github_drift d where d.team_id = t.id
    ) g
    where m.user_id = p_user and m.left_at is null and g.n > 0
    union all
    select 7, d.id, d.question, t.name, (o.review_on::timestamp at time zone 'UTC'), null, null, null
    from memberships m
    join decisions d on d.team_id = m.team_id
    join decision_outcomes o on o.decision_id = d.id
    join teams t on t.id = d.team_id
    where m.user_id = p_user and m.left_at is null and m.role <> 'on_leave'
      and o.review_on is not null and decision_review_due(o.review_on, p_now)
      and not exists (select 1 from decisions r where r.reviews_decision_id = d.id)
    union all
    select 8, d.id, d.question, t.name, d.closes_at, null, coalesce(u.name, u.login), null
    from decision_proxies dp
    join decisions d on d.id = dp.decision_id
    join teams t on t.id = d.team_id
    join users u on u.id = dp.principal_id
    where dp.proxy_id = p_user and dp.revoked_at is null
      and d.withdrawn_at is null and d.closes_at > p_now
      and exists (select 1 from memberships m where m.team_id = d.team_id and m.user_id = p_user and m.left_at is null)
$$;
