-- Consensus decisions. The outcome (open, passed, blocked, lapsed, withdrawn) is never
-- stored: it is computed from the positions, the concerns, the rule frozen here when the
-- decision opened, and the clock. Only what people did is stored.
create table decisions (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    question text not null check (char_length(question) between 1 and 200),
    body text not null check (char_length(body) between 1 and 20000),
    -- Public decisions show their positions and outcome to everyone; the others only to
    -- the team's current members.
    is_public boolean not null,
    opened_by bigint not null references users (id),
    opened_at timestamptz not null,
    closes_at timestamptz not null,
    -- The team's rule when the decision opened; a later charter change does not move it.
    rule_kind text not null check (rule_kind in ('unanimous', 'all_but')),
    rule_n integer not null check (rule_n between 0 and 20),
    -- What passing it does: a JSON object tagged by "kind" (decisions::model::Effect).
    -- A room that adds a kind of effect adds its name here in its own migration.
    effect jsonb not null,
    withdrawn_at timestamptz,
    withdrawn_by bigint references users (id),
    withdrawal_reason text check (char_length(withdrawal_reason) between 1 and 1000),
    constraint decisions_closes_after_opening check (closes_at > opened_at),
    constraint decisions_withdrawn_completely check (
        (withdrawn_at is null) = (withdrawn_by is null)
        and (withdrawn_at is null) = (withdrawal_reason is null)
    ),
    constraint decisions_withdrawn_while_open check (
        withdrawn_at is null or (withdrawn_at >= opened_at and withdrawn_at < closes_at)
    ),
    constraint decisions_effect_kind check (
        jsonb_typeof(effect) = 'object'
        and effect ->> 'kind' in ('text', 'change_membership', 'delegate_team')
    )
);

create index decisions_team_idx on decisions (team_id, opened_at desc, id desc);

-- The deciders, frozen from the roster when the decision opened (members on leave left out).
create table decision_deciders (
    decision_id bigint not null references decisions (id),
    user_id bigint not null references users (id),
    primary key (decision_id, user_id)
);

-- The inbox and the header count start from a person's decider rows.
create index decision_deciders_user_idx on decision_deciders (user_id, decision_id);

-- Every position ever taken, never changed; the latest per decider is the current one.
create table decision_positions (
    id bigint generated always as identity primary key,
    decision_id bigint not null,
    user_id bigint not null,
    stance text not null check (stance in ('agree', 'agree_with_concerns', 'stand_aside', 'object')),
    comment text check (char_length(comment) between 1 and 2000),
    at timestamptz not null,
    foreign key (decision_id, user_id) references decision_deciders (decision_id, user_id)
);

create index decision_positions_decision_idx on decision_positions (decision_id, user_id, id desc);

create function decision_positions_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'positions are never changed or deleted: a change is a new position';
end;
$$;

create trigger decision_positions_append_only
    before update or delete on decision_positions
    for each row execute function decision_positions_append_only();

-- Named concerns: raised by a decider, resolved only by the one who raised them.
create table decision_concerns (
    id bigint generated always as identity primary key,
    decision_id bigint not null,
    raised_by bigint not null,
    title text not null check (char_length(title) between 1 and 500),
    raised_at timestamptz not null,
    resolved_at timestamptz,
    resolution text check (char_length(resolution) between 1 and 1000),
    foreign key (decision_id, raised_by) references decision_deciders (decision_id, user_id),
    constraint decision_concerns_resolved_completely check ((resolved_at is null) = (resolution is null)),
    constraint decision_concerns_resolved_after_raised check (resolved_at is null or resolved_at >= raised_at)
);

create index decision_concerns_decision_idx on decision_concerns (decision_id, id);
-- Raising the same concern twice (a repeated submission) is refused while it is open.
create unique index decision_concerns_once on decision_concerns (decision_id, raised_by, lower(title))
    where resolved_at is null;

create function decision_concerns_resolve_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'concerns are never deleted';
    end if;
    if old.resolved_at is not null then
        raise exception 'a resolved concern is never changed';
    end if;
    if (new.id, new.decision_id, new.raised_by, new.title, new.raised_at)
       is distinct from (old.id, old.decision_id, old.raised_by, old.title, old.raised_at) then
        raise exception 'a concern can only be resolved, never rewritten';
    end if;
    return new;
end;
$$;

create trigger decision_concerns_resolve_only
    before update or delete on decision_concerns
    for each row execute function decision_concerns_resolve_only();

-- The recorded outcome of a passed decision: its statement, and what its effect made. One
-- per decision (the primary key), written in the transaction that applies the effect, so
-- the effect happens exactly once however many requests race.
create table decision_outcomes (
    decision_id bigint primary key references decisions (id),
    statement text not null check (char_length(statement) between 1 and 4000),
    recorded_by bigint not null references users (id),
    recorded_at timestamptz not null,
    -- The ledger row a membership effect opened or closed.
    membership_id bigint references memberships (id),
    -- The team a delegation effect created.
    delegated_team_id bigint references teams (id)
);

create function decision_outcomes_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'a recorded outcome is never changed or deleted';
end;
$$;

create trigger decision_outcomes_append_only
    before update or delete on decision_outcomes
    for each row execute function decision_outcomes_append_only();

-- The ledger links back to the decision that caused a row: decision_id for the row a
-- decision opened, closed_by_decision_id for the row a decision closed. The ledger's
-- trigger already refuses any change to a closed row.
alter table memberships
    add constraint memberships_decision_fk foreign key (decision_id) references decisions (id);
alter table memberships
    add column closed_by_decision_id bigint references decisions (id),
    add constraint memberships_closed_by_decision_when_closed check (closed_by_decision_id is null or left_at is not null);

-- A delegation (or other charter record) made by a decision names it.
alter table charter_events
    add column decision_id bigint references decisions (id);
