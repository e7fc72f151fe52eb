-- The GitHub App (src/github): Concord teams linked to teams of the organization, the
-- GitHub changes decisions queue (an outbox of their own, claimed like `outbox`), the
-- drift the daily check has seen, and which day's check ran.

-- One Concord team to one GitHub team of the configured organization.
create table github_links (
    team_id bigint primary key references teams (id),
    github_slug text not null unique check (char_length(github_slug) between 1 and 100),
    linked_by bigint not null references users (id),
    linked_at timestamptz not null
);

-- A change a passed decision asks of GitHub, written in the transaction that records the
-- outcome; the worker applies it with retries (1, 2, 4 ... minutes, for a day).
create table github_changes (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    decision_id bigint references decisions (id),
    user_id bigint not null references users (id),
    -- What the team on GitHub should do with the person.
    action text not null check (action in ('add', 'remove')),
    dedupe_key text not null unique check (char_length(dedupe_key) between 1 and 200),
    created_at timestamptz not null,
    next_attempt_at timestamptz not null,
    attempts integer not null default 0,
    applied_at timestamptz,
    failed_at timestamptz,
    last_error text check (char_length(last_error) <= 1000)
);

create index github_changes_due_idx on github_changes (next_attempt_at)
    where applied_at is null and failed_at is null;
create index github_changes_decision_idx on github_changes (decision_id)
    where decision_id is not null;

-- Drift the daily check has reported: a person GitHub has and Concord does not
-- ('extra') or the reverse ('missing'), told to the team once while it lasts.
create table github_drift (
    team_id bigint not null references teams (id),
    login text not null check (char_length(login) between 1 and 100),
    direction text not null check (direction in ('extra', 'missing')),
    seen_at timestamptz not null,
    primary key (team_id, login, direction)
);

-- One drift check per day, whichever instance runs it.
create table github_checks (
    day date primary key,
    checked_at timestamptz not null
);
