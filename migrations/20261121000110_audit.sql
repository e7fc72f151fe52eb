-- The audit log: one entry for every change of state, written in the same transaction
-- as the change. Entries are public, or visible to one team's members only.
create table audit_entries (
    id bigint generated always as identity primary key,
    at timestamptz not null,
    -- Who did it; null for the system (demo data, scheduled work).
    actor_id bigint references users (id),
    action text not null check (action ~ '^[a-z_]+\.[a-z_]+$' and char_length(action) <= 60),
    subject_kind text not null check (subject_kind ~ '^[a-z_]+$' and char_length(subject_kind) <= 40),
    subject_id bigint,
    subject_label text not null check (char_length(subject_label) between 1 and 200),
    -- The team the entry is about, if any; required for team-only entries.
    team_id bigint references teams (id),
    visibility text not null check (visibility in ('public', 'team')),
    details jsonb not null default '{}'::jsonb check (jsonb_typeof(details) = 'object'),
    constraint audit_entries_team_only_has_team check (visibility = 'public' or team_id is not null)
);

create index audit_entries_public_idx on audit_entries (id desc) where visibility = 'public';
create index audit_entries_team_idx on audit_entries (team_id, id desc);

create function audit_entries_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'audit entries are never changed or deleted';
end;
$$;

create trigger audit_entries_append_only
    before update or delete on audit_entries
    for each row execute function audit_entries_append_only();
