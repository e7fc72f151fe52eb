-- Someone nominating a person who already has an open nomination in the call adds their
-- statement to that nomination instead of being told it exists: the answer is the same
-- whether or not a nomination existed, so a refusal never discloses one. The first
-- nominator stays on `nominations`; each further nominator has one row here.
create table nomination_seconds (
    nomination_id bigint not null references nominations (id),
    nominator_id bigint not null references users (id),
    statement text not null check (char_length(statement) between 1 and 4000),
    created_at timestamptz not null,
    primary key (nomination_id, nominator_id)
);
create index nomination_seconds_nominator_idx on nomination_seconds (nominator_id);
