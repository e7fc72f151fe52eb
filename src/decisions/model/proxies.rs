//! Proxies, as plain types and pure rules (the one home of the rule).
//!
//! - A decider (the principal) names another current member of the team, not on leave, as
//!   proxy for one decision; or names a standing proxy for every decision the team opens
//!   while the principal is on leave, which makes the principal a decider of those
//!   decisions with that proxy ([`leave_seats`]).
//! - The proxy takes positions on the principal's behalf. Such a position is stored as the
//!   principal's (its `user_id`), marked with the proxy that took it, so the tally, the
//!   early-pass rule and the absences count it exactly as the principal's own: there is no
//!   second count. The principal's own later position replaces it like any later position.
//! - The principal may take the proxy back while the decision is open; from that moment the
//!   proxy can no longer act ([`Proxy::holds_at`]). What they did before stays in the
//!   history and counts until the principal speaks.
//! - No passing on: only the principal names their proxy, so a proxy cannot hand the
//!   principal's seat to someone else. One person holds at most one proxy per decision,
//!   and a principal has at most one live proxy (also unique indexes).

use time::OffsetDateTime;

use crate::web::form::FormErrors;

/// A proxy for one decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proxy {
    pub id: i64,
    pub principal_id: i64,
    pub principal_login: String,
    pub proxy_id: i64,
    pub proxy_login: String,
    pub named_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    /// Made from a standing proxy for the principal's leave.
    pub from_leave: bool,
}

impl Proxy {
    /// Whether the proxy may act at `now`: named, and not taken back.
    pub fn holds_at(&self, now: OffsetDateTime) -> bool {
        self.named_at <= now && self.revoked_at.is_none_or(|at| now < at)
    }
}

/// Someone a principal wants to name, as found in the team's roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: i64,
    pub login: String,
    /// Holds an open ledger row in the team.
    pub is_member: bool,
    pub on_leave: bool,
}

/// Why `principal_id` may not name `candidate` (`None`: nobody has that login) as their
/// proxy in one decision whose proxies are `proxies`; `None` when they may.
pub fn naming_problem(
    principal_id: i64,
    candidate: Option<&Candidate>,
    proxies: &[Proxy],
    now: OffsetDateTime,
) -> Option<String> {
    let Some(candidate) = candidate else {
        return Some("Nobody with that login is known to Concord.".into());
    };
    if let Some(problem) = candidate_problem(principal_id, candidate) {
        return Some(problem);
    }
    let live: Vec<&Proxy> = proxies.iter().filter(|p| p.holds_at(now)).collect();
    if let Some(mine) = live.iter().find(|p| p.principal_id == principal_id) {
        return Some(format!(
            "Your proxy in this decision is already {}; take it back first.",
            mine.proxy_login
        ));
    }
    if let Some(held) = live.iter().find(|p| p.proxy_id == candidate.user_id) {
        return Some(format!(
            "{} already holds the proxy of {} in this decision; one person holds at most one.",
            candidate.login, held.principal_login
        ));
    }
    None
}

/// Why `candidate` cannot be anyone's proxy in the team (a standing proxy too).
pub fn candidate_problem(principal_id: i64, candidate: &Candidate) -> Option<String> {
    if candidate.user_id == principal_id {
        Some("You cannot be your own proxy.".into())
    } else if !candidate.is_member {
        Some(format!(
            "{} is not a member of the team; only its members can be named.",
            candidate.login
        ))
    } else if candidate.on_leave {
        Some(format!(
            "{} is on leave; name a member who can take positions.",
            candidate.login
        ))
    } else {
        None
    }
}

/// The proxy that `actor_id` holds for `principal_id` at `now`, if they may act for them.
/// Nobody else acts for a principal: not the proxy's own proxy, not someone whose proxy
/// was taken back.
pub fn acting_for(
    proxies: &[Proxy],
    actor_id: i64,
    principal_id: i64,
    now: OffsetDateTime,
) -> Result<&Proxy, &'static str> {
    proxies
        .iter()
        .find(|p| p.proxy_id == actor_id && p.principal_id == principal_id && p.holds_at(now))
        .ok_or("you do not hold this person's proxy in this decision (or it was taken back)")
}

/// The proxy `actor_id` holds in the decision at `now`, if any (at most one).
pub fn held_by(proxies: &[Proxy], actor_id: i64, now: OffsetDateTime) -> Option<&Proxy> {
    proxies
        .iter()
        .find(|p| p.proxy_id == actor_id && p.holds_at(now))
}

/// The live proxy of `principal_id` at `now`, if any.
pub fn proxy_of(proxies: &[Proxy], principal_id: i64, now: OffsetDateTime) -> Option<&Proxy> {
    proxies
        .iter()
        .find(|p| p.principal_id == principal_id && p.holds_at(now))
}

/// A standing proxy of a member on leave, as found when a decision opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StandingProxy {
    pub leave_proxy_id: i64,
    pub principal_id: i64,
    pub proxy_id: i64,
    /// Whether the proxy is, at the opening, a member of the team who is not on leave.
    pub proxy_can_act: bool,
}

/// Which members on leave become deciders of a decision opening now, through their
/// standing proxies (given in the order they were named): those whose proxy can act,
/// each proxy holding at most one seat (the earliest named wins; the others stay out as
/// any member on leave does). `deciders` are the members frozen from the roster.
pub fn leave_seats(deciders: &[i64], standing: &[StandingProxy]) -> Vec<StandingProxy> {
    let mut seats: Vec<StandingProxy> = Vec::new();
    for s in standing {
        let taken = seats.iter().any(|seat| seat.proxy_id == s.proxy_id);
        let already = deciders.contains(&s.principal_id);
        if s.proxy_can_act && !taken && !already && s.principal_id != s.proxy_id {
            seats.push(*s);
        }
    }
    seats
}

// ----- forms -----

/// Naming a proxy: for one decision, or for the decisions opened during one's leave.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProxyForm {
    pub proxy_login: String,
}

impl ProxyForm {
    /// The login, without a leading `@`.
    pub fn validate(&self) -> Result<String, FormErrors> {
        let login = self.proxy_login.trim().trim_start_matches('@').to_string();
        let mut errors = FormErrors::default();
        if let Some(problem) = crate::auth::model::login_problem(&login) {
            errors.add("proxy_login", problem);
            return Err(errors);
        }
        Ok(login)
    }
}

/// A position a proxy takes: the principal it is for (their login, as the page showed
/// it), the stance and comment.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ProxyPositionForm {
    pub principal: String,
    pub stance: String,
    pub comment: String,
}

impl ProxyPositionForm {
    /// The stance and comment; the errors are keyed `proxy_stance` and `proxy_comment`,
    /// since the page shows the proxy's form beside the decider's own.
    pub fn validate(&self) -> Result<(super::Stance, Option<String>), FormErrors> {
        let own = super::PositionForm {
            stance: self.stance.clone(),
            comment: self.comment.clone(),
        };
        own.validate().map_err(|errors| {
            let mut renamed = FormErrors::default();
            for (field, message) in errors.iter() {
                renamed.add(
                    if *field == "stance" {
                        "proxy_stance"
                    } else {
                        "proxy_comment"
                    },
                    message.clone(),
                );
            }
            renamed
        })
    }
}

#[cfg(test)]
mod tests {
    use time::Duration;
    use time::macros::datetime;

    use super::super::{Concern, Decider, Outcome, Position, Stance, tally_of};
    use super::*;
    use crate::teams::model::{DecisionRule, RuleKind};

    const NOW: OffsetDateTime = datetime!(2026-05-01 12:00 UTC);
    const CLOSES: OffsetDateTime = datetime!(2026-05-08 12:00 UTC);

    fn proxy(id: i64, principal: i64, holder: i64, revoked: Option<OffsetDateTime>) -> Proxy {
        Proxy {
            id,
            principal_id: principal,
            principal_login: format!("p{principal}"),
            proxy_id: holder,
            proxy_login: format!("p{holder}"),
            named_at: NOW - Duration::hours(1),
            revoked_at: revoked,
            from_leave: false,
        }
    }

    fn member(id: i64) -> Candidate {
        Candidate {
            user_id: id,
            login: format!("p{id}"),
            is_member: true,
            on_leave: false,
        }
    }

    #[test]
    fn a_proxy_holds_until_taken_back() {
        let p = proxy(1, 1, 2, Some(NOW));
        assert!(p.holds_at(NOW - Duration::seconds(1)));
        assert!(!p.holds_at(NOW), "taken back at this moment");
        assert!(!p.holds_at(NOW + Duration::days(1)));
        assert!(
            !p.holds_at(NOW - Duration::hours(2)),
            "not before it was named"
        );
        assert!(proxy(1, 1, 2, None).holds_at(NOW + Duration::days(30)));
        let proxies = [p];
        assert!(acting_for(&proxies, 2, 1, NOW - Duration::seconds(1)).is_ok());
        assert!(acting_for(&proxies, 2, 1, NOW).is_err());
        assert!(held_by(&proxies, 2, NOW).is_none());
    }

    #[test]
    fn who_may_be_named() {
        let none: [Proxy; 0] = [];
        assert!(naming_problem(1, Some(&member(2)), &none, NOW).is_none());
        assert!(naming_problem(1, None, &none, NOW).is_some());
        assert!(
            naming_problem(1, Some(&member(1)), &none, NOW)
                .expect("refused")
                .contains("own proxy")
        );
        let outsider = Candidate {
            is_member: false,
            ..member(9)
        };
        assert!(
            naming_problem(1, Some(&outsider), &none, NOW)
                .expect("refused")
                .contains("not a member")
        );
        let away = Candidate {
            on_leave: true,
            ..member(3)
        };
        assert!(naming_problem(1, Some(&away), &none, NOW).is_some());
        // One live proxy per principal; one held per person.
        let live = [proxy(1, 1, 2, None)];
        assert!(
            naming_problem(1, Some(&member(3)), &live, NOW)
                .expect("refused")
                .contains("take it back")
        );
        assert!(
            naming_problem(4, Some(&member(2)), &live, NOW)
                .expect("refused")
                .contains("at most one")
        );
        // A taken-back proxy frees both.
        let gone = [proxy(1, 1, 2, Some(NOW))];
        assert!(naming_problem(1, Some(&member(3)), &gone, NOW).is_none());
        assert!(naming_problem(4, Some(&member(2)), &gone, NOW).is_none());
    }

    #[test]
    fn no_passing_on() {
        // 1 names 2; 2 names 3 for 2's own seat. 3 acts for 2, never for 1.
        let proxies = [proxy(1, 1, 2, None), proxy(2, 2, 3, None)];
        assert!(acting_for(&proxies, 2, 1, NOW).is_ok());
        assert!(acting_for(&proxies, 3, 2, NOW).is_ok());
        assert!(acting_for(&proxies, 3, 1, NOW).is_err());
        assert!(acting_for(&proxies, 1, 2, NOW).is_err(), "not both ways");
    }

    fn position(id: i64, user_id: i64, stance: Stance) -> Position {
        Position {
            id,
            user_id,
            login: format!("p{user_id}"),
            stance,
            comment: None,
            at: NOW,
            by_proxy: None,
        }
    }

    fn decider(id: i64) -> Decider {
        Decider {
            user_id: id,
            login: format!("p{id}"),
            name: None,
        }
    }

    const UNANIMOUS: DecisionRule = DecisionRule {
        kind: RuleKind::Unanimous,
        n: 0,
    };

    #[test]
    fn a_proxys_position_counts_as_the_principals_own() {
        let deciders = [decider(1), decider(2)];
        let concerns: [Concern; 0] = [];
        let own = [position(1, 1, Stance::Agree), position(2, 2, Stance::Agree)];
        let by_proxy = [
            position(1, 2, Stance::Agree),
            Position {
                by_proxy: Some("p2".into()),
                ..position(2, 1, Stance::Agree)
            },
        ];
        let tally = tally_of(&deciders, &own, &concerns);
        assert_eq!(tally_of(&deciders, &by_proxy, &concerns), tally);
        assert_eq!(tally.absent, 0, "the principal is not absent");
        let outcome = |history: &[Position]| {
            super::super::outcome(
                &tally_of(&deciders, history, &concerns),
                UNANIMOUS,
                CLOSES,
                false,
                NOW,
            )
        };
        assert_eq!(outcome(&by_proxy), Outcome::Passed, "passes early");
        // Without the proxy's position the principal is absent and it stays open.
        assert_eq!(outcome(&by_proxy[..1]), Outcome::Open);
        // The principal's own later position replaces the proxy's.
        let mut replaced = by_proxy.to_vec();
        replaced.push(position(3, 1, Stance::Object));
        assert_eq!(tally_of(&deciders, &replaced, &concerns).object, 1);
        assert_eq!(outcome(&replaced), Outcome::Open);
    }

    #[test]
    fn standing_proxies_seat_members_on_leave() {
        let s = |id, principal, holder, can| StandingProxy {
            leave_proxy_id: id,
            principal_id: principal,
            proxy_id: holder,
            proxy_can_act: can,
        };
        let deciders = [2, 3];
        let seats = leave_seats(
            &deciders,
            &[
                s(1, 1, 2, true),
                // 2 already holds 1's seat.
                s(2, 4, 2, true),
                // 6 cannot act (on leave, or gone).
                s(3, 5, 6, false),
                s(4, 7, 3, true),
            ],
        );
        let principals: Vec<i64> = seats.iter().map(|s| s.principal_id).collect();
        assert_eq!(principals, vec![1, 7]);
    }
}
