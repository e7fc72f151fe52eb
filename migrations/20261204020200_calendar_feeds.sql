-- Personal calendar feeds (src/calendar/): a secret address per person, of which only a
-- SHA-256 hash is stored, so the table never holds a usable address. A new address
-- revokes the one before; at most one is live per person.
create table calendar_feeds (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id),
    token_hash bytea not null check (octet_length(token_hash) = 32),
    created_at timestamptz not null,
    revoked_at timestamptz,
    constraint calendar_feeds_revoked_after_created check (revoked_at is null or revoked_at >= created_at)
);

create unique index calendar_feeds_token_key on calendar_feeds (token_hash);
create unique index calendar_feeds_one_live on calendar_feeds (user_id) where revoked_at is null;
