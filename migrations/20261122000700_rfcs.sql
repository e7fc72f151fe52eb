-- Policy RFCs: numbered revisions, a feedback window, feedback (public or private to the
-- team) tied to the revision it was written on, and a disposition of every piece of
-- feedback. Whether the window is open is never stored: it follows from opens_at,
-- closes_at and the clock. The text of an RFC lives only in its revisions; the current
-- text is the revision with the highest number.
create table rfcs (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    created_by bigint not null references users (id),
    created_at timestamptz not null,
    -- The feedback window, set by the team; both null while none is set.
    opens_at timestamptz,
    closes_at timestamptz,
    -- Set when the team publishes the disposition of the feedback.
    disposition_published_at timestamptz,
    disposition_published_by bigint references users (id),
    -- A random key from the drafting form, so a repeated submission finds the RFC it made.
    form_key text not null check (char_length(form_key) between 8 and 64),
    constraint rfcs_window_complete check ((opens_at is null) = (closes_at is null)),
    constraint rfcs_window_order check (closes_at > opens_at),
    constraint rfcs_published_completely check (
        (disposition_published_at is null) = (disposition_published_by is null)
    ),
    constraint rfcs_published_after_closing check (
        disposition_published_at is null or disposition_published_at >= closes_at
    )
);

create unique index rfcs_form_key on rfcs (form_key);
create index rfcs_team_idx on rfcs (team_id, created_at desc, id desc);
create index rfcs_window_idx on rfcs (closes_at, opens_at) where opens_at is not null;

-- Every edit makes a numbered revision: the whole text as it stood after the edit.
create table rfc_revisions (
    id bigint generated always as identity primary key,
    rfc_id bigint not null references rfcs (id),
    number integer not null check (number >= 1),
    title text not null check (char_length(title) between 1 and 200),
    summary text not null check (char_length(summary) between 1 and 1000),
    body text not null check (char_length(body) between 1 and 50000),
    pull_request_url text check (
        char_length(pull_request_url) <= 500 and pull_request_url ~ '^https?://[^\s]+$'
    ),
    change_note text not null check (char_length(change_note) between 1 and 500),
    author_id bigint not null references users (id),
    created_at timestamptz not null,
    unique (rfc_id, number),
    unique (id, rfc_id)
);

-- Changes of the window after it was first set, each with its reason.
create table rfc_window_changes (
    id bigint generated always as identity primary key,
    rfc_id bigint not null references rfcs (id),
    old_opens_at timestamptz,
    old_closes_at timestamptz,
    opens_at timestamptz not null,
    closes_at timestamptz not null,
    -- Null when the window was first set.
    reason text check (char_length(reason) between 1 and 500),
    actor_id bigint not null references users (id),
    at timestamptz not null,
    constraint rfc_window_changes_order check (closes_at > opens_at),
    constraint rfc_window_changes_reason check ((old_opens_at is null) = (reason is null))
);

create index rfc_window_changes_rfc_idx on rfc_window_changes (rfc_id, at, id);

-- Feedback, public or private to the team, tied to the revision current when its text
-- was written (an edit ties it to the revision current then).
create table rfc_feedback (
    id bigint generated always as identity primary key,
    rfc_id bigint not null references rfcs (id),
    revision_id bigint not null,
    author_id bigint not null references users (id),
    visibility text not null check (visibility in ('public', 'private')),
    body text not null check (char_length(body) between 1 and 10000),
    created_at timestamptz not null,
    edited_at timestamptz,
    withdrawn_at timestamptz,
    form_key text not null check (char_length(form_key) between 8 and 64),
    foreign key (revision_id, rfc_id) references rfc_revisions (id, rfc_id),
    unique (id, rfc_id)
);

create unique index rfc_feedback_form_key on rfc_feedback (form_key);
create index rfc_feedback_rfc_idx on rfc_feedback (rfc_id, created_at, id);

-- Earlier texts of edited feedback: the text as it was, and until when.
create table rfc_feedback_edits (
    id bigint generated always as identity primary key,
    feedback_id bigint not null references rfc_feedback (id),
    revision_id bigint not null references rfc_revisions (id),
    body text not null check (char_length(body) between 1 and 10000),
    replaced_at timestamptz not null
);

create index rfc_feedback_edits_feedback_idx on rfc_feedback_edits (feedback_id, id);

-- The disposition of one piece of feedback, recorded by a member after the window closed.
create table rfc_dispositions (
    feedback_id bigint primary key,
    rfc_id bigint not null,
    verdict text not null check (verdict in ('accepted', 'declined', 'noted')),
    reason text not null check (char_length(reason) between 1 and 2000),
    recorded_by bigint not null references users (id),
    recorded_at timestamptz not null,
    foreign key (feedback_id, rfc_id) references rfc_feedback (id, rfc_id)
);

create index rfc_dispositions_rfc_idx on rfc_dispositions (rfc_id);

-- How a decision settled an RFC: accepted, rejected or withdrawn. Written by the decision's
-- typed effect in the transaction that records the decision's outcome; one per RFC and
-- one per decision, so it happens exactly once.
create table rfc_resolutions (
    rfc_id bigint primary key references rfcs (id),
    decision_id bigint not null unique references decisions (id),
    resolution text not null check (resolution in ('accepted', 'rejected', 'withdrawn')),
    resolved_at timestamptz not null
);

-- Decisions may settle an RFC.
alter table decisions drop constraint decisions_effect_kind;
alter table decisions add constraint decisions_effect_kind check (
    jsonb_typeof(effect) = 'object'
    and effect ->> 'kind' in ('text', 'change_membership', 'delegate_team', 'resolve_rfc')
);
