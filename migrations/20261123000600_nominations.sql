-- Recruitment: calls for nominations, nominations with the nominee's consent, the private
-- pipeline. A nomination's stage is never stored: it follows from its events, in order.
-- Only what people did is stored.

-- Lists of logins an administrator keeps, for calls whose eligibility is "on a list".
create table eligibility_entries (
    id bigint generated always as identity primary key,
    list_name text not null check (list_name ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    login text not null check (char_length(login) between 1 and 39),
    added_by bigint not null references users (id),
    added_at timestamptz not null
);
create unique index eligibility_entries_once on eligibility_entries (list_name, lower(login));

create table calls (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    title text not null check (char_length(title) between 1 and 200),
    looking_for text not null check (char_length(looking_for) between 1 and 10000),
    eligibility text not null check (eligibility in ('open', 'team', 'list')),
    eligible_team_id bigint references teams (id),
    eligible_list text check (eligible_list ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    seats integer not null check (seats between 1 and 50),
    opens_at timestamptz not null,
    closes_at timestamptz not null,
    stale_after_days integer not null check (stale_after_days between 1 and 365),
    opened_by bigint not null references users (id),
    created_at timestamptz not null,
    constraint calls_window check (closes_at > opens_at),
    constraint calls_eligibility_complete check (
        (eligibility = 'team') = (eligible_team_id is not null)
        and (eligibility = 'list') = (eligible_list is not null)
    )
);
create index calls_team_idx on calls (team_id, opens_at desc, id desc);
create index calls_window_idx on calls (closes_at, opens_at);

create table nominations (
    id bigint generated always as identity primary key,
    call_id bigint not null references calls (id),
    nominee_id bigint not null references users (id),
    nominator_id bigint not null references users (id),
    statement text not null check (char_length(statement) between 1 and 4000),
    created_at timestamptz not null,
    -- When the nomination ended (declined, withdrawn, not selected), written in the
    -- transaction of that event. It exists for the partial unique index below, which
    -- cannot look into the events: one open nomination per nominee and call.
    ended_at timestamptz
);
create unique index nominations_open_once on nominations (call_id, nominee_id) where ended_at is null;
create index nominations_call_idx on nominations (call_id, id);
create index nominations_nominee_idx on nominations (nominee_id, id desc);
create index nominations_nominator_idx on nominations (nominator_id, id desc);

-- What happened to a nomination, in order; the latest stage-changing event gives its stage.
create table nomination_events (
    id bigint generated always as identity primary key,
    nomination_id bigint not null references nominations (id),
    kind text not null check (kind in (
        'accepted', 'declined', 'withdrawn', 'shortlisted', 'interviewed', 'admitted',
        'not_selected', 'announced', 'feedback')),
    actor_id bigint references users (id),
    -- Declined: the reason (team and nominee). Interviewed: interview notes (team only).
    -- Not selected, feedback: feedback to the candidate (team and nominee).
    note text check (char_length(note) between 1 and 4000),
    decision_id bigint references decisions (id),
    membership_id bigint references memberships (id),
    at timestamptz not null
);
create index nomination_events_nomination_idx on nomination_events (nomination_id, id);

create function nomination_events_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'nomination events are never changed or deleted';
end;
$$;
create trigger nomination_events_append_only
    before update or delete on nomination_events
    for each row execute function nomination_events_append_only();

-- Endorsements: short, private to the team, about a login in a call. Whether a nomination
-- of that login exists is not revealed to the endorser.
create table call_endorsements (
    id bigint generated always as identity primary key,
    call_id bigint not null references calls (id),
    login text not null check (char_length(login) between 1 and 39),
    author_id bigint not null references users (id),
    body text not null check (char_length(body) between 1 and 500),
    at timestamptz not null
);
create unique index call_endorsements_once on call_endorsements (call_id, lower(login), author_id);

-- The ledger links a row to the nomination that caused it.
alter table memberships
    add constraint memberships_nomination_fk foreign key (nomination_id) references nominations (id);

-- Decisions gain the nominations effects.
alter table decisions drop constraint decisions_effect_kind;
alter table decisions add constraint decisions_effect_kind check (
    jsonb_typeof(effect) = 'object'
    and effect ->> 'kind' in ('text', 'change_membership', 'delegate_team', 'resolve_rfc',
                              'shortlist_nominations', 'admit_nominee')
);
