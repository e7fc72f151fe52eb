-- The one comment Concord keeps on an RFC's pull request (src/github/pulls.rs): written
-- when the feedback window opens, edited in place when the disposition is published.
create table github_pr_comments (
    rfc_id bigint primary key references rfcs (id),
    -- `owner/name` and the pull request's number, from the RFC's link when written.
    repo text not null check (char_length(repo) between 3 and 200),
    number integer not null check (number > 0),
    comment_id bigint,
    -- What the comment says now: 'window' (open for feedback) or 'disposition'.
    stage text check (stage in ('window', 'disposition')),
    written_at timestamptz,
    -- A failed write is tried again from this time (backoff), for a day.
    next_attempt_at timestamptz not null,
    attempts integer not null default 0,
    first_failed_at timestamptz,
    last_error text check (char_length(last_error) <= 1000)
);
