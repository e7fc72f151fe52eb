-- People. Keyed by our own id; github_id is GitHub's numeric id, which survives
-- renames. Placeholder rows (named by an administrator before a first sign-in, or made by
-- development sign-in) have no github_id yet.
create table users (
    id bigint generated always as identity primary key,
    github_id bigint unique,
    login text not null check (char_length(login) between 1 and 80),
    name text check (char_length(name) <= 255),
    avatar_url text check (char_length(avatar_url) <= 500),
    is_admin boolean not null default false,
    -- Sessions that signed in before this moment are no longer valid.
    sessions_valid_after timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create unique index users_login_key on users (lower(login));

-- The session store (tower-sessions-sqlx-store expects exactly this shape).
create schema tower_sessions;

create table tower_sessions.session (
    id text primary key not null,
    data bytea not null,
    expiry_date timestamptz not null
);

create index session_expiry_date_idx on tower_sessions.session (expiry_date);
