-- A person's page (/people/<login>) reads their rows of every table by person: the ledger,
-- the RFCs they drafted, their public feedback and their positions, newest first.
create index memberships_user_idx on memberships (user_id, joined_at);
create index rfcs_created_by_idx on rfcs (created_by, created_at desc);
create index rfc_feedback_author_public_idx on rfc_feedback (author_id, created_at desc)
    where visibility = 'public' and withdrawn_at is null;
create index decision_positions_user_idx on decision_positions (user_id, at desc);
