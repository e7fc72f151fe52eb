-- Reaching people (src/notify, src/settings): a verified address per person, their
-- choices per kind of notification, and a durable outbox written in the transaction of
-- the change that causes a notification.

-- A person's address is used only once verified: both columns or neither.
alter table users
    add column email text check (char_length(email) between 3 and 254),
    add column email_verified_at timestamptz,
    -- The hour (UTC) of the daily digest.
    add column digest_hour smallint not null default 8 check (digest_hour between 0 and 23),
    add constraint users_email_verified check ((email is null) = (email_verified_at is null));

-- An address waiting for its owner to click the link we sent. The token is made when the
-- mail is sent and only its SHA-256 is kept; it works once, for 24 hours.
create table email_verifications (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id),
    email text not null check (char_length(email) between 3 and 254),
    token_hash bytea unique,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
);

create index email_verifications_user_idx on email_verifications (user_id, id desc);

-- A person's choice for one kind (notify::model::Kind); no row: the kind's default.
create table notification_choices (
    user_id bigint not null references users (id),
    kind text not null check (char_length(kind) between 1 and 60),
    delivery text not null check (delivery in ('immediate', 'digest', 'off')),
    primary key (user_id, kind)
);

-- A team's outgoing webhooks for its public events (notify::webhooks). The secret signs
-- each delivery (HMAC-SHA256); it is the team's, shared with its receiver, so it is kept
-- as given and never shown again.
create table webhooks (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    url text not null check (char_length(url) between 8 and 500),
    secret text not null check (char_length(secret) between 16 and 200),
    created_by bigint not null references users (id),
    created_at timestamptz not null,
    removed_at timestamptz
);

create index webhooks_team_idx on webhooks (team_id) where removed_at is null;

-- What is to be sent: a mail to a person, or a delivery to a webhook. `dedupe_key`
-- names the event and the recipient, so an event reaches each person (or webhook) once
-- however often (and by however many instances) it is found.
-- A worker claims due rows with `for update skip locked`; a failed attempt moves
-- `next_attempt_at` on (backoff), and after a day the row is marked failed.
create table outbox (
    id bigint generated always as identity primary key,
    kind text not null check (char_length(kind) between 1 and 60),
    dedupe_key text not null unique check (char_length(dedupe_key) between 1 and 200),
    user_id bigint references users (id),
    webhook_id bigint references webhooks (id),
    -- Waits for the person's daily digest instead of going at once.
    digest boolean not null,
    -- What the mail says (notify::model::Notice), written from what the recipient may see.
    payload jsonb not null,
    created_at timestamptz not null,
    next_attempt_at timestamptz not null,
    attempts integer not null default 0,
    sent_at timestamptz,
    failed_at timestamptz,
    last_error text check (char_length(last_error) <= 1000),
    -- A webhook's last HTTP status.
    last_status integer,
    constraint outbox_one_recipient check ((user_id is null) <> (webhook_id is null)),
    constraint outbox_digest_mail check (not digest or user_id is not null)
);

create index outbox_webhook_idx on outbox (webhook_id, id desc) where webhook_id is not null;

create index outbox_due_idx on outbox (next_attempt_at)
    where sent_at is null and failed_at is null and not digest;
create index outbox_digest_idx on outbox (user_id, id)
    where sent_at is null and failed_at is null and digest;

-- One digest per person and day, whichever instance sends it.
create table digests (
    user_id bigint not null references users (id),
    day date not null,
    sent_at timestamptz not null,
    primary key (user_id, day)
);

-- A mail's one-click unsubscribe link: the SHA-256 of a random token, for one kind (or,
-- with no kind, every kind the person gets in the digest). It expires.
create table unsubscribe_tokens (
    token_hash bytea primary key,
    user_id bigint not null references users (id),
    kind text check (char_length(kind) between 1 and 60),
    expires_at timestamptz not null
);

-- Development only: mails kept instead of sent, for /dev/mail.
create table dev_mail (
    id bigint generated always as identity primary key,
    to_address text not null,
    subject text not null,
    text_body text not null,
    html_body text not null,
    list_unsubscribe text,
    kept_at timestamptz not null
);
