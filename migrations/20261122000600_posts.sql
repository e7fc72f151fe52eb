-- Team update posts: drafts, four-eyes review and publication, edit history, links to
-- announced members (decisions and RFCs later), likes, comments with their history, and
-- incident reports (a timeline and action items).
--
-- A post's state follows from two times, never from a flag: a draft has neither, a post in
-- review has submitted_at, a published post has published_at (and an approver).

create table posts (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    author_id bigint not null references users (id),
    -- The permalink within the team: fixed at creation.
    slug text not null,
    title text not null check (char_length(title) between 1 and 200),
    body text not null check (char_length(body) between 1 and 20000),
    -- Bumped by every edit, so an approval names exactly the text the reviewer read.
    version integer not null default 1 check (version >= 1),
    submitted_at timestamptz,
    published_at timestamptz,
    approved_by bigint references users (id),
    pinned_at timestamptz,
    pinned_by bigint references users (id),
    -- A repeated submission of the form that made the post finds it instead of a twin.
    form_nonce text not null check (char_length(form_nonce) between 1 and 64),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint posts_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 80),
    -- Four eyes: the author never approves their own post.
    constraint posts_four_eyes check (approved_by is null or approved_by <> author_id),
    constraint posts_published_was_approved check (
        published_at is null or (approved_by is not null and submitted_at is not null)
    ),
    constraint posts_pinned_completely check ((pinned_at is null) = (pinned_by is null)),
    constraint posts_pinned_only_published check (pinned_at is null or published_at is not null),
    -- For the reviews' foreign key, which carries the author to check four eyes.
    constraint posts_id_author_key unique (id, author_id)
);

create unique index posts_team_slug_key on posts (team_id, slug);
create unique index posts_author_nonce_key on posts (author_id, form_nonce);
create index posts_published_idx on posts (published_at desc, id desc) where published_at is not null;
create index posts_team_published_idx on posts (team_id, published_at desc, id desc) where published_at is not null;
create index posts_in_review_idx on posts (team_id, submitted_at) where submitted_at is not null and published_at is null;
create index posts_author_idx on posts (author_id, updated_at desc);

-- Every review: an approval (which publishes) or a request for changes (with a comment).
create table post_reviews (
    id bigint generated always as identity primary key,
    post_id bigint not null,
    author_id bigint not null,
    reviewer_id bigint not null references users (id),
    verdict text not null check (verdict in ('approved', 'changes_requested')),
    comment text check (char_length(comment) between 1 and 4000),
    post_version integer not null,
    at timestamptz not null,
    foreign key (post_id, author_id) references posts (id, author_id),
    constraint post_reviews_four_eyes check (reviewer_id <> author_id),
    constraint post_reviews_changes_explained check (verdict = 'approved' or comment is not null)
);

create index post_reviews_post_idx on post_reviews (post_id, at, id);
-- A post is approved once.
create unique index post_reviews_one_approval on post_reviews (post_id) where verdict = 'approved';

-- The published versions of a post: number 1 as approved, then one per later edit.
create table post_revisions (
    id bigint generated always as identity primary key,
    post_id bigint not null references posts (id),
    number integer not null check (number >= 1),
    title text not null check (char_length(title) between 1 and 200),
    body text not null check (char_length(body) between 1 and 20000),
    -- The incident timeline as text (one "YYYY-MM-DD HH:MM event" line each), so the
    -- history shows its changes too.
    timeline text not null check (char_length(timeline) <= 60000),
    editor_id bigint not null references users (id),
    at timestamptz not null,
    constraint post_revisions_number_key unique (post_id, number)
);

-- What a post links to: members it announces, decisions it reports. One column per kind
-- of target, so each keeps a real foreign key: RFCs add their column, widen the kind check
-- and the two constraints below in their own migration.
create table post_links (
    id bigint generated always as identity primary key,
    post_id bigint not null references posts (id),
    kind text not null check (kind in ('member', 'decision')),
    member_id bigint references users (id),
    decision_id bigint references decisions (id),
    position integer not null check (position >= 0),
    constraint post_links_one_target check (num_nonnulls(member_id, decision_id) = 1),
    constraint post_links_kind_matches check (
        (kind = 'member') = (member_id is not null) and (kind = 'decision') = (decision_id is not null)
    )
);

create index post_links_post_idx on post_links (post_id, kind, position);
create unique index post_links_member_key on post_links (post_id, member_id) where member_id is not null;
create unique index post_links_decision_key on post_links (post_id, decision_id) where decision_id is not null;
create index post_links_decision_idx on post_links (decision_id) where decision_id is not null;

create table post_likes (
    post_id bigint not null references posts (id),
    user_id bigint not null references users (id),
    at timestamptz not null,
    -- One like per person and post.
    primary key (post_id, user_id)
);

create index post_likes_user_idx on post_likes (user_id);

create table post_comments (
    id bigint generated always as identity primary key,
    post_id bigint not null references posts (id),
    author_id bigint not null references users (id),
    body text not null check (char_length(body) between 1 and 5000),
    form_nonce text not null check (char_length(form_nonce) between 1 and 64),
    created_at timestamptz not null,
    edited_at timestamptz,
    deleted_at timestamptz,
    deleted_by bigint references users (id),
    constraint post_comments_deleted_completely check ((deleted_at is null) = (deleted_by is null))
);

create unique index post_comments_author_nonce_key on post_comments (author_id, form_nonce);
create index post_comments_post_idx on post_comments (post_id, created_at, id);
-- For the per-person limit on writing comments.
create index post_comments_author_idx on post_comments (author_id, created_at);

-- Earlier versions of edited comments: the text as it was until `replaced_at`.
create table post_comment_versions (
    id bigint generated always as identity primary key,
    comment_id bigint not null references post_comments (id),
    body text not null check (char_length(body) between 1 and 5000),
    written_at timestamptz not null,
    replaced_at timestamptz not null
);

create index post_comment_versions_comment_idx on post_comment_versions (comment_id, id);

-- An incident report's timeline, in the order written.
create table post_timeline_events (
    id bigint generated always as identity primary key,
    post_id bigint not null references posts (id),
    position integer not null check (position >= 0),
    at timestamptz not null,
    event text not null check (char_length(event) between 1 and 500),
    constraint post_timeline_events_position_key unique (post_id, position)
);

-- An incident report's action items: they stay editable after publication.
create table post_action_items (
    id bigint generated always as identity primary key,
    post_id bigint not null references posts (id),
    text text not null check (char_length(text) between 1 and 500),
    owner_id bigint not null references users (id),
    due_on date not null,
    -- Open while null.
    done_at timestamptz,
    done_by bigint references users (id),
    form_nonce text not null check (char_length(form_nonce) between 1 and 64),
    created_at timestamptz not null,
    updated_at timestamptz not null,
    constraint post_action_items_done_completely check ((done_at is null) = (done_by is null))
);

create unique index post_action_items_nonce_key on post_action_items (post_id, form_nonce);
create index post_action_items_post_idx on post_action_items (post_id, due_on, id);
create index post_action_items_open_idx on post_action_items (post_id, due_on) where done_at is null;

-- History is append-only: revisions and earlier comment versions never change.
create function posts_history_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'post history is never changed or deleted';
end;
$$;

create trigger post_revisions_append_only
    before update or delete on post_revisions
    for each row execute function posts_history_append_only();

create trigger post_comment_versions_append_only
    before update or delete on post_comment_versions
    for each row execute function posts_history_append_only();

create trigger post_reviews_append_only
    before update or delete on post_reviews
    for each row execute function posts_history_append_only();
