-- Personal API tokens (src/tokens/): a person's tokens for bots and scripts. Only a
-- SHA-256 hash of the secret is stored, so the table never holds a usable token. Every
-- token expires; revoking keeps the row (and why) for the owner's list and the audit.
create table personal_tokens (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id),
    name text not null,
    scopes text[] not null,
    token_hash bytea not null check (octet_length(token_hash) = 32),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    last_used_at timestamptz,
    last_used_from text,
    revoked_at timestamptz,
    -- 'owner', 'regenerated', 'unused', 'leaked'
    revoked_why text
);

create unique index personal_tokens_hash_key on personal_tokens (token_hash);
create index personal_tokens_live on personal_tokens (user_id) where revoked_at is null;
