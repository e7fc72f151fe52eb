-- The search's way to a common word's newest matches (src/search/db.rs): each large
-- table's searchable rows in time order, read backwards until a branch has its candidates.
-- A rare word goes through the GIN index instead; the plan chooses per search.
create index rfc_revisions_created_idx on rfc_revisions (created_at desc, id desc);
create index rfc_feedback_public_created_idx on rfc_feedback (created_at desc, id desc)
    where visibility = 'public' and withdrawn_at is null;
create index post_comments_created_idx on post_comments (created_at desc, id desc)
    where deleted_at is null;
create index users_created_idx on users (created_at desc, id desc) where removed_at is null;
