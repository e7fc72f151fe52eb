//! The kinds of notification, what each person chose for them, and what a notice says.
//! Plain types and rules; the clock is a parameter.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// How a person gets one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delivery {
    Immediate,
    Digest,
    Off,
}

impl Delivery {
    pub const ALL: [Delivery; 3] = [Delivery::Immediate, Delivery::Digest, Delivery::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Immediate => "immediate",
            Delivery::Digest => "digest",
            Delivery::Off => "off",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::Immediate => "At once",
            Delivery::Digest => "In the daily digest",
            Delivery::Off => "Off",
        }
    }
}

/// Every kind of notification. Things waiting for the person go at once by default, team
/// activity in the digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Nominated,
    NominationMoved,
    DecisionOpened,
    DecisionClosingSoon,
    ConcernOpen,
    DecisionClosed,
    PostAwaitsReview,
    PostReviewed,
    WindowClosing,
    NominationStale,
    ActionItemDue,
    CharterReview,
    TokenExpiring,
    TokenLeaked,
    DecisionReview,
    InactivityNotice,
    GithubDrift,
}

impl Kind {
    pub const ALL: [Kind; 17] = [
        Kind::Nominated,
        Kind::NominationMoved,
        Kind::DecisionOpened,
        Kind::DecisionClosingSoon,
        Kind::ConcernOpen,
        Kind::DecisionClosed,
        Kind::PostAwaitsReview,
        Kind::PostReviewed,
        Kind::WindowClosing,
        Kind::NominationStale,
        Kind::ActionItemDue,
        Kind::CharterReview,
        Kind::TokenExpiring,
        Kind::TokenLeaked,
        Kind::DecisionReview,
        Kind::InactivityNotice,
        Kind::GithubDrift,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Nominated => "nominated",
            Kind::NominationMoved => "nomination_moved",
            Kind::DecisionOpened => "decision_opened",
            Kind::DecisionClosingSoon => "decision_closing_soon",
            Kind::ConcernOpen => "concern_open",
            Kind::DecisionClosed => "decision_closed",
            Kind::PostAwaitsReview => "post_awaits_review",
            Kind::PostReviewed => "post_reviewed",
            Kind::WindowClosing => "window_closing",
            Kind::NominationStale => "nomination_stale",
            Kind::ActionItemDue => "action_item_due",
            Kind::CharterReview => "charter_review",
            Kind::TokenExpiring => "token_expiring",
            Kind::TokenLeaked => "token_leaked",
            Kind::DecisionReview => "decision_review",
            Kind::InactivityNotice => "inactivity_notice",
            Kind::GithubDrift => "github_drift",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// What the settings page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Nominated => "You were nominated",
            Kind::NominationMoved => "A nomination you made was answered or moved on",
            Kind::DecisionOpened => "A decision opened in which you decide",
            Kind::DecisionClosingSoon => "A decision closes within a day and you have no position",
            Kind::ConcernOpen => "A concern you raised is open and its decision closes soon",
            Kind::DecisionClosed => "A decision you decide passed, was blocked or lapsed",
            Kind::PostAwaitsReview => "A post of your team waits for review",
            Kind::PostReviewed => "Your post was approved or changes were asked",
            Kind::WindowClosing => {
                "A feedback window of your team closes soon or has feedback to dispose of"
            }
            Kind::NominationStale => "A nomination in your team's call went stale",
            Kind::ActionItemDue => "An action item you own is due tomorrow or overdue",
            Kind::CharterReview => "Your team's charter review is within 14 days",
            Kind::TokenExpiring => {
                "An API token of yours expires, or is revoked for disuse, within 7 days"
            }
            Kind::TokenLeaked => "An API token of yours was reported leaked and revoked",
            Kind::DecisionReview => {
                "A decision of your team is to be reviewed within 14 days, or today"
            }
            Kind::InactivityNotice => "You are flagged as inactive in a team",
            Kind::GithubDrift => "Your team's GitHub team no longer matches its ledger",
        }
    }

    /// Why the person gets it, said in every mail.
    pub fn why(self) -> &'static str {
        match self {
            Kind::Nominated => "You get this because somebody nominated you.",
            Kind::NominationMoved => "You get this because you made this nomination.",
            Kind::DecisionOpened | Kind::DecisionClosingSoon | Kind::DecisionClosed => {
                "You get this because you are one of this decision's deciders."
            }
            Kind::ConcernOpen => "You get this because you raised this concern.",
            Kind::PostAwaitsReview
            | Kind::WindowClosing
            | Kind::NominationStale
            | Kind::CharterReview
            | Kind::DecisionReview
            | Kind::InactivityNotice
            | Kind::GithubDrift => "You get this because you are a member of this team.",
            Kind::PostReviewed => "You get this because you wrote this post.",
            Kind::ActionItemDue => "You get this because you own this action item.",
            Kind::TokenExpiring | Kind::TokenLeaked => {
                "You get this because you made this API token."
            }
        }
    }

    pub fn default_delivery(self) -> Delivery {
        match self {
            Kind::DecisionClosed
            | Kind::WindowClosing
            | Kind::NominationStale
            | Kind::CharterReview
            | Kind::DecisionReview
            | Kind::GithubDrift => Delivery::Digest,
            _ => Delivery::Immediate,
        }
    }
}

/// What one notification says: written when the event happens, from what its
/// recipients may see, and kept in the outbox until it is sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub subject: String,
    /// A paragraph or two of plain text.
    pub text: String,
    /// The local path of the page it is about.
    pub path: String,
}

/// A person's choice for each kind, the default where they made none.
pub fn choices(stored: &[(String, String)]) -> Vec<(Kind, Delivery)> {
    Kind::ALL
        .into_iter()
        .map(|kind| {
            let chosen = stored
                .iter()
                .find(|(k, _)| k == kind.as_str())
                .and_then(|(_, d)| Delivery::parse(d));
            (kind, chosen.unwrap_or(kind.default_delivery()))
        })
        .collect()
}

/// How long a failed delivery waits before the next attempt: a minute, doubling, at most
/// an hour.
pub fn backoff(attempts: i32) -> Duration {
    Duration::minutes(1i64 << attempts.clamp(0, 6)).min(Duration::hours(1))
}

/// Deliveries are tried for a day, then marked failed.
pub fn gives_up(created_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    now - created_at >= Duration::days(1)
}

/// Whether the person's daily digest is due at `now`: from their hour on, once a day.
pub fn digest_due(hour: i16, now: OffsetDateTime) -> bool {
    i16::from(now.hour()) >= hour
}

/// A verification or unsubscribe link lives this long.
pub const VERIFICATION_LIFETIME: Duration = Duration::hours(24);
pub const UNSUBSCRIBE_LIFETIME: Duration = Duration::days(60);

/// A random token for a link, and the SHA-256 that is stored instead of it.
pub fn new_token() -> (String, Vec<u8>) {
    use rand::Rng;
    let token: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(43)
        .map(char::from)
        .collect();
    let hash = crate::web::secret_hash(&token);
    (token, hash)
}

/// A plausible mail address, or why not. The real check is the link we send to it.
pub fn address_problem(address: &str) -> Option<&'static str> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Some("An address needs an @, like name@example.org.");
    };
    if address.chars().count() > 254 {
        return Some("An address has at most 254 characters.");
    }
    if local.is_empty() || domain.is_empty() || !domain.contains('.') {
        return Some("An address looks like name@example.org.");
    }
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Some("The part after the @ is not a domain name.");
    }
    if address
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]\\".contains(c))
    {
        return Some("An address has no spaces, commas, brackets or quotes.");
    }
    if local.contains('@') {
        return Some("An address has one @.");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn kinds_and_deliveries_round_trip_and_default_sensibly() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        for delivery in Delivery::ALL {
            assert_eq!(Delivery::parse(delivery.as_str()), Some(delivery));
        }
        assert_eq!(Kind::Nominated.default_delivery(), Delivery::Immediate);
        assert_eq!(Kind::CharterReview.default_delivery(), Delivery::Digest);
        let stored = vec![("nominated".to_string(), "off".to_string())];
        let chosen = choices(&stored);
        assert_eq!(chosen[0], (Kind::Nominated, Delivery::Off));
        assert_eq!(chosen[2], (Kind::DecisionOpened, Delivery::Immediate));
    }

    #[test]
    fn backoff_doubles_up_to_an_hour_and_gives_up_after_a_day() {
        assert_eq!(backoff(0), Duration::minutes(1));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(20), Duration::hours(1));
        let at = datetime!(2026-03-02 09:00 UTC);
        assert!(!gives_up(at, at + Duration::hours(23)));
        assert!(gives_up(at, at + Duration::days(1)));
    }

    #[test]
    fn digest_is_due_from_the_chosen_hour() {
        assert!(!digest_due(8, datetime!(2026-03-02 07:59 UTC)));
        assert!(digest_due(8, datetime!(2026-03-02 08:00 UTC)));
        assert!(digest_due(0, datetime!(2026-03-02 00:00 UTC)));
    }

    #[test]
    fn addresses_are_checked_for_their_shape() {
        assert_eq!(address_problem("ada@example.org"), None);
        for bad in [
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "a@b@example.org",
            "ada@example..org",
        ] {
            assert!(address_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn tokens_are_random_and_only_their_hash_is_kept() {
        let (a, hash) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(crate::web::secret_hash(&a), hash);
    }
}
