-- Review dates (decisions::model::reviews, decisions::reviews). A passed decision's
-- recorded outcome may carry a review date (an RFC's acceptance is a decision's outcome,
-- so it may too). From 14 days before it, the team page and the inbox list the review as
-- due, and reminders go out 14 days ahead and on the day; "review" opens a new decision
-- linked to the old one (`reviews_decision_id`), once per decision.

alter table decision_outcomes add column review_on date;
create index decision_outcomes_review_idx on decision_outcomes (review_on) where review_on is not null;

alter table decisions add column reviews_decision_id bigint references decisions (id);
create unique index decisions_reviews_once on decisions (reviews_decision_id)
    where reviews_decision_id is not null;

-- Whether a review on `review_on` is due at `p_now`: from 14 days before the day (UTC).
-- The one home of that rule, used by the team page's query and the inbox.
create function decision_review_due(review_on date, p_now timestamptz) returns boolean
language sql immutable as $$
    select review_on <= (p_now at time zone 'UTC')::date + 14
$$;
