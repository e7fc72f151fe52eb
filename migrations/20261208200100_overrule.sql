-- Overruling a concern (decisions::model::overrule). When a concern's raiser is on leave,
-- has left the team, or has not answered for the charter's `concern_answer_days`, another
-- decider may open a decision "overrule concern X" under the same rule, without the
-- raiser. Recording that decision's outcome marks the concern overruled: it is resolved
-- (so it no longer holds the decision) with `overruled_by` naming the decision; nothing is
-- deleted. The overrule decision names the concern it would overrule, so the links go
-- both ways.

alter table teams add column concern_answer_days integer not null default 14
    check (concern_answer_days between 1 and 90);
alter table charter_events add column concern_answer_days integer not null default 14
    check (concern_answer_days between 1 and 90);

alter table decisions add column overrules_concern_id bigint references decision_concerns (id);
create index decisions_overrules_concern_idx on decisions (overrules_concern_id)
    where overrules_concern_id is not null;

alter table decision_concerns
    add column overruled_by bigint references decisions (id),
    add constraint decision_concerns_overruled_resolved check (overruled_by is null or resolved_at is not null);

alter table decisions drop constraint decisions_effect_kind;
alter table decisions add constraint decisions_effect_kind check (
    jsonb_typeof(effect) = 'object'
    and effect ->> 'kind' in ('text', 'change_membership', 'delegate_team', 'resolve_rfc',
                              'shortlist_nominations', 'admit_nominee', 'overrule_concern')
);
-- An overrule decision always names its concern, and only it does.
alter table decisions add constraint decisions_overrule_names_concern check (
    (effect ->> 'kind' = 'overrule_concern') = (overrules_concern_id is not null)
);
