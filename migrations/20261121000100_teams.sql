-- Teams, their charters and delegations, and the membership ledger.

-- Lets the ledger refuse overlapping stints of one person in one team (an exclusion
-- constraint over (team, person, time range)). A trusted extension since PostgreSQL 13.
create extension if not exists btree_gist;

create table teams (
    id bigint generated always as identity primary key,
    slug text not null,
    name text not null check (char_length(name) between 1 and 100),
    purpose text not null check (char_length(purpose) between 1 and 2000),
    -- The charter: what the team may decide, how it decides, when it is reviewed.
    mandate text not null check (char_length(mandate) between 1 and 4000),
    -- 'unanimous': every decider agrees, at most rule_n of them absent.
    -- 'all_but': all but rule_n deciders agree, and no concern is left unresolved.
    rule_kind text not null check (rule_kind in ('unanimous', 'all_but')),
    rule_n integer not null check (rule_n between 0 and 20),
    -- A calendar day, not an instant.
    review_on date,
    -- The team that delegated this one; null for top-level teams.
    parent_id bigint references teams (id),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    -- Set when the delegating team revokes the delegation.
    revoked_at timestamptz,
    constraint teams_slug_format check (
        slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) between 2 and 40 and slug <> 'new'
    ),
    -- A parent is always created before its child, so following parents always ends:
    -- the tree of delegations can never contain a cycle.
    constraint teams_parent_is_older check (parent_id < id),
    constraint teams_revoked_after_created check (revoked_at is null or revoked_at >= created_at),
    constraint teams_only_delegated_revoked check (revoked_at is null or parent_id is not null)
);

create unique index teams_slug_key on teams (slug);
create index teams_parent_id_idx on teams (parent_id);
create index teams_active_name_idx on teams (name) where revoked_at is null;

-- Dated, attributed records of a charter: its creation or delegation, every change, and
-- a revocation. Each holds the charter as it stood after the event.
create table charter_events (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    -- The delegating team at the time (null for top-level teams), so the record shows
    -- on its page too.
    parent_id bigint references teams (id),
    kind text not null check (kind in ('created', 'delegated', 'charter_changed', 'revoked')),
    mandate text not null check (char_length(mandate) between 1 and 4000),
    rule_kind text not null check (rule_kind in ('unanimous', 'all_but')),
    rule_n integer not null check (rule_n between 0 and 20),
    review_on date,
    note text check (char_length(note) between 1 and 1000),
    actor_id bigint references users (id),
    at timestamptz not null
);

create index charter_events_team_idx on charter_events (team_id, at, id);
create index charter_events_parent_idx on charter_events (parent_id, at, id) where parent_id is not null;

-- The membership ledger. A row is one person holding one role in one team for a span of
-- time. Rows are never overwritten: the only change allowed is closing an open row.
-- A role change closes the current row and opens the next at the same instant.
create table memberships (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    user_id bigint not null references users (id),
    role text not null check (role in ('member', 'lead', 'on_leave')),
    joined_at timestamptz not null,
    join_reason text not null check (char_length(join_reason) between 1 and 500),
    added_by bigint references users (id),
    left_at timestamptz,
    -- 'left' ends a stint; 'role_changed' continues it in the next row.
    end_kind text check (end_kind in ('left', 'role_changed')),
    leave_reason text check (char_length(leave_reason) between 1 and 500),
    closed_by bigint references users (id),
    -- What caused the row. Later capabilities add the foreign keys.
    decision_id bigint,
    nomination_id bigint,
    constraint memberships_left_after_joined check (left_at is null or left_at >= joined_at),
    constraint memberships_closed_completely check (
        (left_at is null) = (end_kind is null) and (left_at is null) = (leave_reason is null)
    ),
    -- No two rows of one person in one team overlap in time.
    constraint memberships_no_overlap exclude using gist (
        team_id with =, user_id with =, tstzrange(joined_at, left_at, '[)') with &&
    )
);

-- One open row per person and team.
create unique index memberships_one_open on memberships (team_id, user_id) where left_at is null;
create index memberships_team_idx on memberships (team_id, joined_at, id);
create index memberships_open_user_idx on memberships (user_id, team_id) where left_at is null;

create function memberships_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'membership rows are never deleted';
    end if;
    if old.left_at is not null then
        raise exception 'a closed membership row is never changed';
    end if;
    if (new.id, new.team_id, new.user_id, new.role, new.joined_at, new.join_reason, new.added_by,
        new.decision_id, new.nomination_id)
       is distinct from
       (old.id, old.team_id, old.user_id, old.role, old.joined_at, old.join_reason, old.added_by,
        old.decision_id, old.nomination_id) then
        raise exception 'a membership row can only be closed, never rewritten';
    end if;
    return new;
end;
$$;

create trigger memberships_append_only
    before update or delete on memberships
    for each row execute function memberships_append_only();
