//! The calendar as iCalendar (RFC 5545), written with the `icalendar` crate.

use icalendar::{Calendar, Component, Event, EventLike};
use time::OffsetDateTime;
use time::macros::format_description;

use super::db::Deadline;

/// How far back a feed reaches: a deadline past by more than this is left out.
pub const LOOKBACK: time::Duration = time::Duration::days(90);
/// The most deadlines one feed holds.
pub const MAX_EVENTS: i64 = 2000;

/// What a deadline is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    RfcOpens,
    RfcCloses,
    CallOpens,
    CallCloses,
    DecisionCloses,
    CharterReview,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "rfc_opens" => Kind::RfcOpens,
            "rfc_closes" => Kind::RfcCloses,
            "call_opens" => Kind::CallOpens,
            "call_closes" => Kind::CallCloses,
            "decision_closes" => Kind::DecisionCloses,
            "charter_review" => Kind::CharterReview,
            _ => return None,
        })
    }

    /// The part of the UID after the subject: what happens to it.
    fn uid_part(self) -> &'static str {
        match self {
            Kind::RfcOpens => "rfc-{}-opens",
            Kind::RfcCloses => "rfc-{}-closes",
            Kind::CallOpens => "call-{}-opens",
            Kind::CallCloses => "call-{}-closes",
            Kind::DecisionCloses => "decision-{}-closes",
            Kind::CharterReview => "team-{}-review",
        }
    }

    fn summary(self, title: &str, team: &str) -> String {
        match self {
            Kind::RfcOpens => format!("Feedback opens: {title} ({team})"),
            Kind::RfcCloses => format!("Feedback closes: {title} ({team})"),
            Kind::CallOpens => format!("Nominations open: {title} ({team})"),
            Kind::CallCloses => format!("Nominations close: {title} ({team})"),
            Kind::DecisionCloses => format!("Decision closes: {title} ({team})"),
            Kind::CharterReview => format!("Charter review: {team}"),
        }
    }

    fn path(self, id: i64, team_slug: &str) -> String {
        match self {
            Kind::RfcOpens | Kind::RfcCloses => format!("/rfcs/{id}"),
            Kind::CallOpens | Kind::CallCloses => format!("/calls/{id}"),
            Kind::DecisionCloses => format!("/decisions/{id}"),
            Kind::CharterReview => format!("/teams/{team_slug}"),
        }
    }
}

/// The stable UID of a deadline: what it is and the id of its subject, never its time,
/// so a moved deadline updates the event a calendar already holds.
pub fn uid(kind: Kind, id: i64, host: &str) -> String {
    format!("{}@{host}", kind.uid_part().replace("{}", &id.to_string()))
}

/// A UTC date-time as iCalendar writes it (`20260302T090000Z`).
pub fn utc_stamp(at: OffsetDateTime) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(format)
        .unwrap_or_default()
}

/// The whole feed: `absolute` makes a local path a full URL; `host` names Concord in the
/// UIDs; `now` is the DTSTAMP of every event (when the feed was made).
pub fn calendar(
    name: &str,
    deadlines: &[Deadline],
    absolute: impl Fn(&str) -> String,
    host: &str,
    now: OffsetDateTime,
) -> String {
    let mut calendar = Calendar::new();
    calendar.name(name);
    calendar.description("Public deadlines of Concord: feedback windows, calls for nominations, public decisions and charter reviews. Times are UTC.");
    let stamp = utc_stamp(now);
    for d in deadlines {
        let Some(kind) = Kind::parse(&d.kind) else {
            continue;
        };
        let url = absolute(&kind.path(d.id, &d.team_slug));
        let mut event = Event::new();
        event
            .uid(&uid(kind, d.id, host))
            .add_property("DTSTAMP", &stamp)
            .summary(&kind.summary(&d.title, &d.team_name))
            .description(&format!("{}\n{url}", kind.summary(&d.title, &d.team_name)))
            .url(&url);
        match (d.at, d.on) {
            (Some(at), _) => {
                event.starts(at);
            }
            // A day alone is a one-day event (RFC 5545, 3.6.1: no DTEND).
            (None, Some(on)) => {
                event.starts(on);
            }
            (None, None) => continue,
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_uid_names_the_subject_not_the_time() {
        assert_eq!(
            uid(Kind::RfcCloses, 7, "concord.example"),
            "rfc-7-closes@concord.example"
        );
        assert_eq!(uid(Kind::CharterReview, 2, "h"), "team-2-review@h");
    }

    #[test]
    fn stamps_are_utc() {
        assert_eq!(
            utc_stamp(datetime!(2026-03-02 10:00 +01:00)),
            "20260302T090000Z"
        );
    }
}

/// A new secret for a personal feed's address: 32 random bytes as hex.
pub fn new_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The path of a personal feed.
pub fn personal_path(secret: &str) -> String {
    format!("/calendar/personal/{secret}.ics")
}

/// The secret in a personal feed's file name (`<64 hex digits>.ics`), if it is one.
pub fn secret_in(file: &str) -> Option<&str> {
    let secret = file.strip_suffix(".ics")?;
    (secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit())).then_some(secret)
}

#[cfg(test)]
mod secret_tests {
    use super::*;

    #[test]
    fn secrets_are_new_each_time_and_read_back_from_their_path() {
        let (a, b) = (new_secret(), new_secret());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        let path = personal_path(&a);
        let file = path.rsplit('/').next().expect("file");
        assert_eq!(secret_in(file), Some(a.as_str()));
        assert_eq!(secret_in("nothing.ics"), None);
        assert_eq!(secret_in(&a), None, "the .ics is part of the address");
        assert_eq!(crate::web::secret_hash(&a).len(), 32);
        assert_ne!(crate::web::secret_hash(&a), crate::web::secret_hash(&b));
    }
}
