//! Handing a concern over, as pure rules: the raiser hands an unresolved concern to
//! another decider of the decision who is still a member; from then on either of them
//! (and nobody else) resolves it. Handing over again replaces the one it was handed to.

use super::Concern;

/// Whether `user_id` may resolve `concern`: its raiser, or the decider it was handed to.
pub fn may_resolve(concern: &Concern, user_id: i64) -> bool {
    concern.raised_by == user_id || concern.handed_to == Some(user_id)
}

/// Someone the raiser wants to hand a concern to, as found among the decision's deciders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    pub user_id: i64,
    pub login: String,
    pub is_decider: bool,
    pub is_member: bool,
}

/// Why `actor_id` may not hand `concern` to `to` (`None`: nobody has that login).
pub fn handover_problem(
    concern: &Concern,
    actor_id: i64,
    to: Option<&Recipient>,
) -> Option<String> {
    if concern.raised_by != actor_id {
        return Some("Only whoever raised a concern hands it over.".into());
    }
    if concern.resolved_at.is_some() {
        return Some("This concern is already resolved.".into());
    }
    let Some(to) = to else {
        return Some("Nobody with that login is known to Concord.".into());
    };
    if to.user_id == actor_id {
        Some("You raised it; hand it to another decider.".into())
    } else if !to.is_decider || !to.is_member {
        Some(format!(
            "{} is not a decider of this decision who is still a member of the team.",
            to.login
        ))
    } else if concern.handed_to == Some(to.user_id) {
        Some(format!("The concern is already handed to {}.", to.login))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    fn concern(handed_to: Option<i64>) -> Concern {
        Concern {
            id: 1,
            raised_by: 1,
            raised_by_login: "p1".into(),
            title: "Who maintains it?".into(),
            raised_at: datetime!(2026-05-01 12:00 UTC),
            resolved_at: None,
            resolution: None,
            handed_to,
            handed_to_login: None,
            overruled_by: None,
        }
    }

    fn decider(id: i64) -> Recipient {
        Recipient {
            user_id: id,
            login: format!("p{id}"),
            is_decider: true,
            is_member: true,
        }
    }

    #[test]
    fn only_the_raiser_or_their_hand_over_resolves() {
        assert!(may_resolve(&concern(None), 1));
        assert!(!may_resolve(&concern(None), 2));
        assert!(may_resolve(&concern(Some(2)), 2));
        assert!(may_resolve(&concern(Some(2)), 1));
        assert!(!may_resolve(&concern(Some(2)), 3));
    }

    #[test]
    fn the_raiser_hands_over_to_another_decider() {
        let c = concern(None);
        assert!(handover_problem(&c, 1, Some(&decider(2))).is_none());
        assert!(
            handover_problem(&c, 2, Some(&decider(3))).is_some(),
            "not the raiser"
        );
        assert!(handover_problem(&c, 1, Some(&decider(1))).is_some());
        assert!(handover_problem(&c, 1, None).is_some());
        let outsider = Recipient {
            is_decider: false,
            ..decider(4)
        };
        assert!(handover_problem(&c, 1, Some(&outsider)).is_some());
        let left = Recipient {
            is_member: false,
            ..decider(5)
        };
        assert!(handover_problem(&c, 1, Some(&left)).is_some());
        assert!(handover_problem(&concern(Some(2)), 1, Some(&decider(2))).is_some());
        assert!(handover_problem(&concern(Some(2)), 1, Some(&decider(3))).is_none());
        let resolved = Concern {
            resolved_at: Some(datetime!(2026-05-02 12:00 UTC)),
            resolution: Some("Done.".into()),
            ..concern(None)
        };
        assert!(handover_problem(&resolved, 1, Some(&decider(2))).is_some());
    }
}
