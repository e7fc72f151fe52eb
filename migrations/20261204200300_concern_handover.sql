-- A concern's raiser may hand it over to another decider, who may then resolve it too
-- (decisions::model::handover). Handing over again replaces the one it was handed to.
alter table decision_concerns
    add column handed_to bigint,
    add column handed_at timestamptz,
    add constraint decision_concerns_handed_to_decider
        foreign key (decision_id, handed_to) references decision_deciders (decision_id, user_id),
    add constraint decision_concerns_handed_completely check ((handed_to is null) = (handed_at is null)),
    add constraint decision_concerns_not_handed_to_raiser check (handed_to is null or handed_to <> raised_by);
