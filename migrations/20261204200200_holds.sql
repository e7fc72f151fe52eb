-- Holds: a decider's "I need time to read", a concern without text. A hold keeps the
-- decision from passing early until it is released by whoever placed it or lapses by
-- itself (`lapses_at`, set when it is placed from the decision's frozen `hold_days`).
-- Whether a hold still stands is computed from these times and the clock
-- (decisions::model::holds), never stored.

-- The charter sets how many days a hold lasts; a decision freezes it with its rule.
alter table teams add column hold_days integer not null default 7 check (hold_days between 1 and 60);
alter table charter_events add column hold_days integer not null default 7 check (hold_days between 1 and 60);
alter table decisions add column hold_days integer not null default 7 check (hold_days between 1 and 60);

create table decision_holds (
    id bigint generated always as identity primary key,
    decision_id bigint not null,
    placed_by bigint not null,
    placed_at timestamptz not null,
    lapses_at timestamptz not null,
    -- Released early by whoever placed it.
    released_at timestamptz,
    foreign key (decision_id, placed_by) references decision_deciders (decision_id, user_id),
    constraint decision_holds_lapse_after_placing check (lapses_at > placed_at),
    constraint decision_holds_released_in_time check (
        released_at is null or (released_at >= placed_at and released_at < lapses_at)
    )
);

-- One hold per decider per decision: after it, a concern with words.
create unique index decision_holds_once on decision_holds (decision_id, placed_by);
