-- Feedback is taken in the ordinary transaction of its request (rfcs::db::add_feedback),
-- with the window rule in one home (rfcs::model::feedback_refusal) and its audit entry
-- written by audit::record like every other change; the batching function that repeated
-- both in SQL goes.
drop function rfc_take_feedback(bigint[], bigint[], text[], text[], text[], timestamptz[]);
