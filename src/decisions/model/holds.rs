//! Holds, as plain types and pure rules: a decider's "I need time to read", a concern
//! without text.
//!
//! - A decider places at most one hold per decision, while it is open. It keeps the
//!   decision from passing early (`model::outcome`), never from passing at its closing
//!   time, and never blocks it.
//! - It stands until whoever placed it releases it, or until it lapses by itself: the
//!   charter's number of days (`teams.hold_days`, default 7, frozen on the decision when it
//!   opened) after it was placed. The lapse is computed from `lapses_at` and `now`, never
//!   written; the decision's page shows it in the history of holds.

use time::{Duration, OffsetDateTime};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    pub id: i64,
    pub placed_by: i64,
    pub placed_by_login: String,
    pub placed_at: OffsetDateTime,
    pub lapses_at: OffsetDateTime,
    pub released_at: Option<OffsetDateTime>,
}

/// Where a hold stands at a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HoldState {
    /// Keeps the decision from passing early until it lapses.
    Stands {
        until: OffsetDateTime,
    },
    Released {
        at: OffsetDateTime,
    },
    Lapsed {
        at: OffsetDateTime,
    },
}

impl Hold {
    pub fn state(&self, now: OffsetDateTime) -> HoldState {
        match self.released_at {
            Some(at) => HoldState::Released { at },
            None if now < self.lapses_at => HoldState::Stands {
                until: self.lapses_at,
            },
            None => HoldState::Lapsed { at: self.lapses_at },
        }
    }

    pub fn stands_at(&self, now: OffsetDateTime) -> bool {
        matches!(self.state(now), HoldState::Stands { .. })
    }
}

/// When a hold placed at `placed_at` lapses, under a charter's `hold_days`.
pub fn lapses_at(placed_at: OffsetDateTime, hold_days: i32) -> OffsetDateTime {
    placed_at + Duration::days(i64::from(hold_days.max(1)))
}

/// When the last unreleased hold lapses (what the tally carries; see `Tally::held_at`).
pub fn held_until(holds: &[Hold]) -> Option<OffsetDateTime> {
    holds
        .iter()
        .filter(|h| h.released_at.is_none())
        .map(|h| h.lapses_at)
        .max()
}

/// Why `decider_id` cannot place a hold on a decision with `holds`; `None` when they may.
pub fn placing_problem(holds: &[Hold], decider_id: i64) -> Option<&'static str> {
    holds.iter().any(|h| h.placed_by == decider_id).then_some(
        "You have already placed a hold on this decision; one each. Raise a concern in words if you need more.",
    )
}

/// The hold of `decider_id` that they may release at `now`: theirs, standing.
pub fn releasable(holds: &[Hold], decider_id: i64, now: OffsetDateTime) -> Option<&Hold> {
    holds
        .iter()
        .find(|h| h.placed_by == decider_id && h.stands_at(now))
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::super::{Outcome, Stance, Tally, outcome};
    use super::*;
    use crate::teams::model::{DecisionRule, RuleKind};

    const PLACED: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);
    const CLOSES: OffsetDateTime = datetime!(2026-05-20 12:00 UTC);
    const RULE: DecisionRule = DecisionRule {
        kind: RuleKind::Unanimous,
        n: 0,
    };

    fn hold(placed_by: i64, released: Option<OffsetDateTime>) -> Hold {
        Hold {
            id: placed_by,
            placed_by,
            placed_by_login: format!("p{placed_by}"),
            placed_at: PLACED,
            lapses_at: lapses_at(PLACED, 7),
            released_at: released,
        }
    }

    #[test]
    fn a_hold_lapses_by_itself_after_the_charters_days() {
        assert_eq!(lapses_at(PLACED, 7), datetime!(2026-05-08 12:00 UTC));
        assert_eq!(lapses_at(PLACED, 1), datetime!(2026-05-02 12:00 UTC));
        let h = hold(1, None);
        let lapse = datetime!(2026-05-08 12:00 UTC);
        assert_eq!(
            h.state(lapse - Duration::seconds(1)),
            HoldState::Stands { until: lapse }
        );
        assert_eq!(h.state(lapse), HoldState::Lapsed { at: lapse });
        let released = hold(1, Some(PLACED + Duration::days(2)));
        assert_eq!(
            released.state(PLACED + Duration::days(3)),
            HoldState::Released {
                at: PLACED + Duration::days(2)
            }
        );
        assert!(!released.stands_at(PLACED + Duration::days(3)));
    }

    #[test]
    fn a_standing_hold_keeps_a_decision_from_passing_early_only() {
        let agreed = Tally::count(2, [Stance::Agree, Stance::Agree], 0);
        let lapse = lapses_at(PLACED, 7);
        let held = agreed.with_holds(&[hold(1, None)]);
        let at = |now| outcome(&held, RULE, CLOSES, false, now);
        assert_eq!(at(PLACED + Duration::days(1)), Outcome::Open);
        assert_eq!(at(lapse - Duration::seconds(1)), Outcome::Open);
        assert_eq!(at(lapse), Outcome::Passed, "passes once the hold lapses");
        // A released hold holds nothing.
        let released = agreed.with_holds(&[hold(1, Some(PLACED + Duration::hours(1)))]);
        assert_eq!(
            outcome(&released, RULE, CLOSES, false, PLACED + Duration::hours(2)),
            Outcome::Passed
        );
        // At the closing time a hold does not stop the rule from being met.
        let late = Hold {
            lapses_at: CLOSES + Duration::days(3),
            ..hold(2, None)
        };
        let held_late = agreed.with_holds(&[late]);
        assert_eq!(
            outcome(&held_late, RULE, CLOSES, false, CLOSES - Duration::hours(1)),
            Outcome::Open
        );
        assert_eq!(
            outcome(&held_late, RULE, CLOSES, false, CLOSES),
            Outcome::Passed
        );
        // A hold never blocks: short of the rule at closing, it lapses as any other.
        let short = Tally::count(2, [Stance::Agree], 0).with_holds(&[hold(1, None)]);
        assert_eq!(
            outcome(&short, RULE, CLOSES, false, CLOSES),
            Outcome::Lapsed
        );
    }

    #[test]
    fn one_hold_each_released_only_while_it_stands() {
        let holds = [hold(1, None), hold(2, Some(PLACED + Duration::hours(1)))];
        assert!(placing_problem(&holds, 1).is_some());
        assert!(placing_problem(&holds, 2).is_some(), "even once released");
        assert!(placing_problem(&holds, 3).is_none());
        assert!(releasable(&holds, 1, PLACED + Duration::days(1)).is_some());
        assert!(
            releasable(&holds, 1, PLACED + Duration::days(7)).is_none(),
            "lapsed"
        );
        assert!(releasable(&holds, 2, PLACED + Duration::days(1)).is_none());
        assert!(releasable(&holds, 3, PLACED + Duration::days(1)).is_none());
        assert_eq!(held_until(&holds), Some(lapses_at(PLACED, 7)));
    }
}
