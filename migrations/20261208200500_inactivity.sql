-- Inactivity to alumni (teams::inactivity). A charter may set an inactivity period: a
-- member with nothing of theirs in the team (a position, feedback, a post, a review, a
-- comment, a note on a nomination) for that long is flagged, computed from those rows and
-- the clock, never stored. The member answers "I am still active", or another member
-- vouches for them: either is a row here, and counts as activity. After the notice
-- period the team may decide to move them to alumni.

alter table teams
    add column inactivity_days integer check (inactivity_days between 30 and 3650),
    add column inactivity_notice_days integer not null default 30 check (inactivity_notice_days between 7 and 180);
alter table charter_events
    add column inactivity_days integer check (inactivity_days between 30 and 3650),
    add column inactivity_notice_days integer not null default 30 check (inactivity_notice_days between 7 and 180);

create table activity_answers (
    id bigint generated always as identity primary key,
    team_id bigint not null references teams (id),
    user_id bigint not null references users (id),
    -- The member themself ("I am still active"), or another member who vouches.
    by_id bigint not null references users (id),
    at timestamptz not null
);
create index activity_answers_member_idx on activity_answers (team_id, user_id, at);

-- The decision that moves an inactive member to alumni (`Effect::MoveToAlumni`); its
-- deciders are the roster without them.
alter table decisions drop constraint decisions_effect_kind;
alter table decisions add constraint decisions_effect_kind check (
    jsonb_typeof(effect) = 'object'
    and effect ->> 'kind' in ('text', 'change_membership', 'delegate_team', 'resolve_rfc',
                              'shortlist_nominations', 'admit_nominee', 'overrule_concern',
                              'move_to_alumni')
);
