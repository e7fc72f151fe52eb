-- Proxies: a decider names another member of the team to take positions on their behalf,
-- for one decision, or (a standing proxy) for every decision opened while they are on
-- leave. The rules are decisions::model::proxies; the database keeps what must never
-- break: nobody is their own proxy, one live proxy per principal, one held per person.

-- A standing proxy for the decisions a team opens while the principal is on leave.
create table leave_proxies (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    principal_id bigint not null references users (id),
    proxy_id bigint not null references users (id),
    named_at timestamptz not null,
    -- Taken back by the principal.
    revoked_at timestamptz,
    constraint leave_proxies_not_oneself check (principal_id <> proxy_id),
    constraint leave_proxies_revoked_after_named check (revoked_at is null or revoked_at >= named_at)
);

create unique index leave_proxies_one_live on leave_proxies (team_id, principal_id) where revoked_at is null;

-- A proxy for one decision: named on the decision's page, or made from a standing proxy
-- when the decision opened (leave_proxy_id; the principal is then a decider though on leave).
create table decision_proxies (
    id bigint generated always as identity primary key,
    decision_id bigint not null,
    principal_id bigint not null,
    proxy_id bigint not null references users (id),
    leave_proxy_id bigint references leave_proxies (id),
    named_at timestamptz not null,
    revoked_at timestamptz,
    foreign key (decision_id, principal_id) references decision_deciders (decision_id, user_id),
    constraint decision_proxies_not_oneself check (principal_id <> proxy_id),
    constraint decision_proxies_revoked_after_named check (revoked_at is null or revoked_at >= named_at)
);

create unique index decision_proxies_one_live on decision_proxies (decision_id, principal_id) where revoked_at is null;
-- One person holds at most one proxy per decision.
create unique index decision_proxies_one_held on decision_proxies (decision_id, proxy_id) where revoked_at is null;
create index decision_proxies_proxy_idx on decision_proxies (proxy_id, decision_id);

-- A position taken by a proxy is the principal's position (user_id), with the proxy that
-- took it; the principal's own later position replaces it like any later position.
alter table decision_positions add column by_proxy_id bigint references decision_proxies (id);
