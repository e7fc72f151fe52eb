-- One kind of idempotency key for the forms that create something (web::idempotency): a
-- random key in the form, claimed per person in the transaction that makes the thing,
-- with the address of what it made. A repeat (a double click, a resent form, twenty at
-- once) waits on the primary key for the first, then finds what it made.
create table idempotency_keys (
    user_id bigint not null references users (id),
    key text not null check (char_length(key) between 16 and 64),
    made text,
    created_at timestamptz not null,
    primary key (user_id, key)
);
