-- Full-text search (src/search/): one generated tsvector per searchable table, kept by
-- PostgreSQL itself on every insert and update, each with a GIN index. Text is read with
-- the 'english' configuration (stems, stop words); people's logins and names with
-- 'simple' (no stemming: a login is a name, not a word). Weights: A for titles and
-- names, B for summaries and outcome statements, C for bodies (ts_rank weighs them).

alter table teams add column search tsvector generated always as (
    setweight(to_tsvector('english', name), 'A')
    || setweight(to_tsvector('english', purpose), 'B')
    || setweight(to_tsvector('english', mandate), 'C')
) stored;
create index teams_search_idx on teams using gin (search);

-- Every revision is searchable text; the search reads only an RFC's current one.
alter table rfc_revisions add column search tsvector generated always as (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', summary), 'B')
    || setweight(to_tsvector('english', body), 'C')
) stored;
create index rfc_revisions_search_idx on rfc_revisions using gin (search);

alter table rfc_feedback add column search tsvector generated always as (
    to_tsvector('english', body)
) stored;
-- Only public feedback is ever searched.
create index rfc_feedback_search_idx on rfc_feedback using gin (search)
    where visibility = 'public' and withdrawn_at is null;

alter table decisions add column search tsvector generated always as (
    setweight(to_tsvector('english', question), 'A')
    || setweight(to_tsvector('english', body), 'C')
) stored;
create index decisions_search_idx on decisions using gin (search) where is_public;

alter table decision_outcomes add column search tsvector generated always as (
    setweight(to_tsvector('english', statement), 'B')
) stored;
create index decision_outcomes_search_idx on decision_outcomes using gin (search);

alter table calls add column search tsvector generated always as (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', looking_for), 'C')
) stored;
create index calls_search_idx on calls using gin (search);

alter table posts add column search tsvector generated always as (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', body), 'C')
) stored;
create index posts_search_idx on posts using gin (search) where published_at is not null;

alter table post_comments add column search tsvector generated always as (
    to_tsvector('english', body)
) stored;
create index post_comments_search_idx on post_comments using gin (search) where deleted_at is null;

alter table users add column search tsvector generated always as (
    setweight(to_tsvector('simple', login), 'A')
    || setweight(to_tsvector('simple', coalesce(name, '')), 'A')
) stored;
create index users_search_idx on users using gin (search);

-- Whether an RFC is public at `now`: its window has opened, and it was not settled before
-- it did (the rule of rfcs::model::Rfc::is_public). One home for the statements of the
-- search, the calendar feeds and the export; a plain SQL function, inlined by the planner.
create function rfc_is_public(opens_at timestamptz, resolved_at timestamptz, now timestamptz)
returns boolean language sql immutable parallel safe
return opens_at <= now and (resolved_at is null or resolved_at >= opens_at);
