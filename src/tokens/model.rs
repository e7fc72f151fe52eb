//! The rules of personal tokens: the secret's form, the scopes, how long a token lives.
//! Plain types and rules; the clock is a parameter.

use rand::Rng;
use time::{Duration, OffsetDateTime};

/// Every secret starts with this, so secret scanners can find a leaked one.
pub const PREFIX: &str = "concord_pat_";
/// Random base62 characters after the prefix.
const RANDOM_LEN: usize = 30;
/// Base62 characters of the CRC32 of the random part, at the end.
const CHECKSUM_LEN: usize = 6;
const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A token lives this many days unless its owner picks otherwise, and at most `MAX_DAYS`.
pub const DEFAULT_DAYS: i64 = 30;
pub const MAX_DAYS: i64 = 365;
/// A token unused this long is revoked (and refused) by itself.
pub const UNUSED_LIMIT: Duration = Duration::days(90);
/// Its owner is told this long before it expires or is revoked for disuse.
pub const NOTICE_BEFORE: Duration = Duration::days(7);
/// "Last used" is written at most this often.
pub const TOUCH_AFTER: Duration = Duration::minutes(1);
/// The longest name a token may have.
pub const NAME_MAX: usize = 100;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Read,
    FeedbackWrite,
    CommentsWrite,
    DraftsWrite,
    PositionsWrite,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::Read,
        Scope::FeedbackWrite,
        Scope::CommentsWrite,
        Scope::DraftsWrite,
        Scope::PositionsWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::FeedbackWrite => "feedback:write",
            Scope::CommentsWrite => "comments:write",
            Scope::DraftsWrite => "drafts:write",
            Scope::PositionsWrite => "positions:write",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Read => {
                "Read what you may read on the site, your teams' private material included"
            }
            Scope::FeedbackWrite => "Give and edit RFC feedback",
            Scope::CommentsWrite => "Comment on posts",
            Scope::DraftsWrite => "Create and edit RFC and post drafts (never publish or approve)",
            Scope::PositionsWrite => "Take positions in decisions you decide",
        }
    }
}

/// A new secret: the prefix, 30 random base62 characters and their checksum.
pub fn new_secret() -> String {
    let mut rng = rand::rng();
    let random: String = (0..RANDOM_LEN)
        .map(|_| char::from(BASE62[rng.random_range(0..BASE62.len())]))
        .collect();
    let checksum = checksum(&random);
    format!("{PREFIX}{random}{checksum}")
}

/// The CRC32 of `random` in six base62 characters, zero-padded.
fn checksum(random: &str) -> String {
    let mut n = u64::from(crc32fast::hash(random.as_bytes()));
    let mut digits = [b'0'; CHECKSUM_LEN];
    for digit in digits.iter_mut().rev() {
        *digit = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&digits).into_owned()
}

/// Whether `text` has a token's form with a checksum that holds: checked without the
/// database, so a mistyped or made-up token costs no lookup.
pub fn is_well_formed(text: &str) -> bool {
    let Some(rest) = text.strip_prefix(PREFIX) else {
        return false;
    };
    if rest.len() != RANDOM_LEN + CHECKSUM_LEN || !rest.bytes().all(|b| BASE62.contains(&b)) {
        return false;
    }
    let (random, sum) = rest.split_at(RANDOM_LEN);
    checksum(random) == sum
}

/// The lifetime typed in the form, in days, or why it cannot be one.
pub fn lifetime_days(typed: &str) -> Result<i64, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err("Choose how many days the token lives (every token expires).".into());
    }
    match typed.parse::<i64>() {
        Ok(days) if (1..=MAX_DAYS).contains(&days) => Ok(days),
        _ => Err(format!(
            "A token lives from 1 to {MAX_DAYS} days; {typed:?} is not that."
        )),
    }
}

/// Why a token that exists is not accepted at `now`, if it is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dead {
    Revoked,
    Expired,
    Unused,
}

pub fn dead(
    created_at: OffsetDateTime,
    expires_at: OffsetDateTime,
    last_used_at: Option<OffsetDateTime>,
    revoked: bool,
    now: OffsetDateTime,
) -> Option<Dead> {
    if revoked {
        Some(Dead::Revoked)
    } else if expires_at <= now {
        Some(Dead::Expired)
    } else if now - last_used_at.unwrap_or(created_at) >= UNUSED_LIMIT {
        Some(Dead::Unused)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn secrets_have_the_scannable_form_and_their_checksum_holds() {
        let a = new_secret();
        let b = new_secret();
        assert_ne!(a, b);
        assert!(a.starts_with("concord_pat_"));
        assert_eq!(a.len(), PREFIX.len() + 36);
        assert!(is_well_formed(&a), "{a}");
        // One character changed breaks the checksum.
        let mut changed = a.clone().into_bytes();
        let i = PREFIX.len() + 3;
        changed[i] = if changed[i] == b'a' { b'b' } else { b'a' };
        assert!(!is_well_formed(&String::from_utf8(changed).unwrap()));
        for bad in [
            "",
            "concord_pat_",
            "ghp_abc",
            &a[..a.len() - 1],
            &format!("{a}x"),
        ] {
            assert!(!is_well_formed(bad), "{bad}");
        }
        assert_eq!(crate::web::secret_hash(&a).len(), 32);
    }

    #[test]
    fn the_checksum_is_the_crc32_in_base62() {
        // CRC32("") is 0.
        assert_eq!(checksum(""), "000000");
        assert_eq!(checksum("a").len(), 6);
        let n = u64::from(crc32fast::hash(b"abc"));
        let decoded = checksum("abc").bytes().fold(0u64, |acc, c| {
            acc * 62 + BASE62.iter().position(|&d| d == c).unwrap() as u64
        });
        assert_eq!(decoded, n);
    }

    #[test]
    fn lifetimes_are_from_a_day_to_a_year() {
        assert_eq!(lifetime_days("30"), Ok(30));
        assert_eq!(lifetime_days(" 365 "), Ok(365));
        for bad in ["", "0", "366", "-1", "never", "1.5"] {
            assert!(lifetime_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_token_dies_when_revoked_expired_or_unused_for_ninety_days() {
        let made = datetime!(2026-03-02 09:00 UTC);
        let expires = made + Duration::days(365);
        assert_eq!(dead(made, expires, None, false, made), None);
        assert_eq!(dead(made, expires, None, true, made), Some(Dead::Revoked));
        assert_eq!(
            dead(
                made,
                made + Duration::days(1),
                None,
                false,
                made + Duration::days(1)
            ),
            Some(Dead::Expired)
        );
        let later = made + Duration::days(90);
        assert_eq!(dead(made, expires, None, false, later), Some(Dead::Unused));
        assert_eq!(
            dead(made, expires, Some(made + Duration::days(1)), false, later),
            None
        );
    }

    #[test]
    fn scopes_round_trip() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("admin"), None);
    }
}
