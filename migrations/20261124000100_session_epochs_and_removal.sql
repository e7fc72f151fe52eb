-- Ending all of a person's sessions at once: every session records the epoch it signed
-- in under, and counts only while it is still the person's epoch. Sign-out and removal
-- move the epoch on.
alter table users add column session_epoch bigint not null default 0;

-- An administrator removed this person: their sessions ended and they cannot sign in
-- until an administrator restores them. Their past contributions stay.
alter table users add column removed_at timestamptz;
