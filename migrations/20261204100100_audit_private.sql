-- Private audit entries: kept in the record (and for administrators reading the
-- database), shown on no page. Personal token creation, revocation and regeneration are
-- recorded this way: who made a token and with which scopes is the person's own affair.
alter table audit_entries drop constraint audit_entries_visibility_check;
alter table audit_entries
    add constraint audit_entries_visibility_check
    check (visibility in ('public', 'team', 'private'));
alter table audit_entries drop constraint audit_entries_team_only_has_team;
alter table audit_entries
    add constraint audit_entries_team_only_has_team
    check (visibility <> 'team' or team_id is not null);
