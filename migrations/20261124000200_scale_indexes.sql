-- Indexes for the pages measured at community scale (docs/BENCHMARKS.md): each list a
-- page shows reads a bounded slice of one of these, however long the list grows.

-- The team page's current members: leads first, then members, then those on leave, each
-- longest in their role first.
create index memberships_current_idx on memberships
    (team_id, (case role when 'lead' then 0 when 'member' then 1 else 2 end), joined_at, id)
    where left_at is null;

-- The team page's alumni: who left most recently.
create index memberships_left_idx on memberships (team_id, left_at desc, id desc)
    where end_kind = 'left';

-- The version the API's cached documents are built under reads the latest change of a
-- person (api::db::version).
create index users_updated_at_idx on users (updated_at);

-- The team page reads every row of the people it shows (a page of members, the latest
-- alumni and history), not the team's whole ledger.
create index memberships_team_user_idx on memberships (team_id, user_id);
