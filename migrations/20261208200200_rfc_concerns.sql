-- Concerns raised on an RFC before any decision settles it (rfcs::concerns). A member of
-- the RFC's team raises one with a title; its raiser may resolve it while it is on the
-- RFC. When a decision to settle the RFC opens, the open concerns whose raisers are among
-- its deciders are carried into it as decision concerns, named as before (same raiser,
-- title and time raised), and `carried_to` links each to its decision concern.

create table rfc_concerns (
    id bigint generated always as identity primary key,
    rfc_id bigint not null references rfcs (id),
    raised_by bigint not null references users (id),
    title text not null check (char_length(title) between 1 and 500),
    raised_at timestamptz not null,
    resolved_at timestamptz,
    resolution text check (char_length(resolution) between 1 and 1000),
    carried_to bigint unique references decision_concerns (id),
    carried_at timestamptz,
    constraint rfc_concerns_resolved_completely check ((resolved_at is null) = (resolution is null)),
    constraint rfc_concerns_carried_completely check ((carried_to is null) = (carried_at is null)),
    constraint rfc_concerns_settled_once check (resolved_at is null or carried_to is null)
);

create index rfc_concerns_rfc_idx on rfc_concerns (rfc_id, id);
-- Raising the same concern twice (a repeated submission) is refused while it is open.
create unique index rfc_concerns_once on rfc_concerns (rfc_id, raised_by, lower(title))
    where resolved_at is null and carried_to is null;

create function rfc_concerns_settle_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        raise exception 'concerns are never deleted';
    end if;
    if old.resolved_at is not null or old.carried_to is not null then
        raise exception 'a settled concern is never changed';
    end if;
    if (new.id, new.rfc_id, new.raised_by, new.title, new.raised_at)
       is distinct from (old.id, old.rfc_id, old.raised_by, old.title, old.raised_at) then
        raise exception 'a concern can only be resolved or carried, never rewritten';
    end if;
    return new;
end;
$$;

create trigger rfc_concerns_settle_only
    before update or delete on rfc_concerns
    for each row execute function rfc_concerns_settle_only();
