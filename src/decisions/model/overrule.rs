//! Overruling a concern, as pure rules. A concern holds its decision until whoever raised
//! it (or the decider it was handed to) resolves it. When the raiser cannot be reached the
//! team must not be stuck, so another decider may open a linked decision "overrule concern
//! X", decided under the same rule by the same deciders without the raiser. The grounds:
//!
//! - the raiser is on leave from the team now;
//! - the raiser has left the team;
//! - the raiser has not answered for the charter's `concern_answer_days`: nothing of theirs
//!   on the decision (raising the concern, a position of their own, a hold) is newer.
//!
//! Only a decider of the decision who is still a member, and not the raiser, opens it;
//! while one overrule of the concern is open, no second one is. When the overrule passes
//! and its outcome is recorded, the concern is marked overruled (resolved, with the
//! decision's link), never deleted.

use time::{Duration, OffsetDateTime};

use super::Concern;
use crate::teams::model::Role;

/// How long the raiser may stay silent unless the charter says otherwise, and the most it
/// may say.
pub const ANSWER_DAYS_DEFAULT: i32 = 14;
pub const ANSWER_DAYS_MAX: i32 = 90;

/// Why a concern may be overruled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ground {
    OnLeave,
    LeftTeam,
    /// Silent since this moment, for longer than the charter allows.
    Unanswered {
        since: OffsetDateTime,
    },
}

impl Ground {
    /// The ground in words, naming the raiser.
    pub fn describe(self, raiser: &str, answer_days: i32) -> String {
        match self {
            Ground::OnLeave => format!("{raiser} is on leave"),
            Ground::LeftTeam => format!("{raiser} has left the team"),
            Ground::Unanswered { since } => format!(
                "{raiser} has not answered on this decision since {} (the charter allows {answer_days} days)",
                crate::web::dates::format_utc(since)
            ),
        }
    }
}

/// Where the raiser stands, as the rule needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Raiser {
    /// Their current role in the team; `None` once they have left it.
    pub role: Option<Role>,
    /// Their latest act on the decision: the concern itself, a position, a hold.
    pub last_answer_at: OffsetDateTime,
}

/// When a raiser silent since `last_answer_at` counts as not answering.
pub fn silent_from(last_answer_at: OffsetDateTime, answer_days: i32) -> OffsetDateTime {
    last_answer_at + Duration::days(i64::from(answer_days))
}

/// The ground on which the concern may be overruled at `now`, if any.
pub fn ground(raiser: Raiser, answer_days: i32, now: OffsetDateTime) -> Option<Ground> {
    match raiser.role {
        None => Some(Ground::LeftTeam),
        Some(Role::OnLeave) => Some(Ground::OnLeave),
        Some(_) if now >= silent_from(raiser.last_answer_at, answer_days) => {
            Some(Ground::Unanswered {
                since: raiser.last_answer_at,
            })
        }
        Some(_) => None,
    }
}

/// Why `actor_id` may not open an overrule of `concern` at `now`; `None` when they may.
/// `pending`: an overrule of this concern that is still open. The caller has checked that
/// the actor is a decider who is still a member, and that the decision is open.
pub fn opening_problem(
    concern: &Concern,
    actor_id: i64,
    raiser: Raiser,
    answer_days: i32,
    pending: Option<i64>,
    now: OffsetDateTime,
) -> Option<String> {
    if concern.resolved_at.is_some() {
        return Some("This concern is already resolved.".into());
    }
    if concern.raised_by == actor_id {
        return Some("You raised this concern: resolve it or hand it over instead.".into());
    }
    if let Some(id) = pending {
        return Some(format!(
            "Decision #{id} to overrule this concern is already open."
        ));
    }
    if ground(raiser, answer_days, now).is_none() {
        return Some(format!(
            "{} can still answer: a concern may be overruled only when its raiser is on leave, has left the team, or has not answered for {answer_days} days (from {}).",
            concern.raised_by_login,
            crate::web::dates::format_utc(silent_from(raiser.last_answer_at, answer_days))
        ));
    }
    None
}

/// The question of the decision that overrules `concern` of decision `decision_id`,
/// within `QUESTION_MAX` characters (a long title is cut).
pub fn question(concern: &Concern, decision_id: i64) -> String {
    let rest = format!(
        "” raised by {} on decision #{decision_id}",
        concern.raised_by_login
    );
    let prefix = "Overrule the concern “";
    let room = super::QUESTION_MAX - prefix.chars().count() - rest.chars().count();
    let mut title: String = concern.title.chars().take(room).collect();
    if title.chars().count() < concern.title.chars().count() {
        title = title.chars().take(room.saturating_sub(1)).collect();
        title.push('…');
    }
    format!("{prefix}{title}{rest}")
}

/// What the concern's resolution says once it is overruled.
pub fn resolution(overrule_id: i64) -> String {
    format!("Overruled by decision #{overrule_id}.")
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const RAISED: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);

    fn concern() -> Concern {
        Concern {
            id: 1,
            raised_by: 1,
            raised_by_login: "p1".into(),
            title: "Who maintains it?".into(),
            raised_at: RAISED,
            resolved_at: None,
            resolution: None,
            handed_to: None,
            handed_to_login: None,
            overruled_by: None,
        }
    }

    fn raiser(role: Option<Role>) -> Raiser {
        Raiser {
            role,
            last_answer_at: RAISED,
        }
    }

    #[test]
    fn a_raiser_on_leave_or_gone_may_be_overruled_at_once() {
        let now = RAISED + Duration::minutes(1);
        assert_eq!(
            ground(raiser(Some(Role::OnLeave)), 14, now),
            Some(Ground::OnLeave)
        );
        assert_eq!(ground(raiser(None), 14, now), Some(Ground::LeftTeam));
        assert_eq!(ground(raiser(Some(Role::Member)), 14, now), None);
        assert_eq!(ground(raiser(Some(Role::Lead)), 14, now), None);
    }

    #[test]
    fn a_silent_raiser_may_be_overruled_after_the_charters_days_exactly() {
        let r = raiser(Some(Role::Member));
        let day_14 = RAISED + Duration::days(14);
        assert_eq!(ground(r, 14, day_14 - Duration::seconds(1)), None);
        assert_eq!(
            ground(r, 14, day_14),
            Some(Ground::Unanswered { since: RAISED })
        );
        assert!(ground(r, 3, RAISED + Duration::days(3)).is_some());
    }

    #[test]
    fn answering_again_starts_the_silence_over() {
        let answered = RAISED + Duration::days(10);
        let r = Raiser {
            role: Some(Role::Member),
            last_answer_at: answered,
        };
        assert_eq!(ground(r, 14, RAISED + Duration::days(15)), None);
        assert_eq!(
            ground(r, 14, answered + Duration::days(14)),
            Some(Ground::Unanswered { since: answered })
        );
    }

    #[test]
    fn only_another_decider_opens_one_at_a_time_while_the_concern_stands() {
        let now = RAISED + Duration::days(1);
        let away = raiser(Some(Role::OnLeave));
        assert_eq!(opening_problem(&concern(), 2, away, 14, None, now), None);
        let own = opening_problem(&concern(), 1, away, 14, None, now).unwrap();
        assert!(own.contains("You raised"), "{own}");
        let twice = opening_problem(&concern(), 2, away, 14, Some(9), now).unwrap();
        assert!(twice.contains("#9"), "{twice}");
        let resolved = Concern {
            resolved_at: Some(now),
            resolution: Some("Done.".into()),
            ..concern()
        };
        assert!(opening_problem(&resolved, 2, away, 14, None, now).is_some());
        let here = raiser(Some(Role::Member));
        let early = opening_problem(&concern(), 2, here, 14, None, now).unwrap();
        assert!(early.contains("2026-05-15"), "{early}");
    }

    #[test]
    fn the_question_names_the_concern_its_raiser_and_decision() {
        assert_eq!(
            question(&concern(), 7),
            "Overrule the concern “Who maintains it?” raised by p1 on decision #7"
        );
        let long = Concern {
            title: "x".repeat(500),
            ..concern()
        };
        assert_eq!(
            question(&long, 7).chars().count(),
            super::super::QUESTION_MAX
        );
    }
}
