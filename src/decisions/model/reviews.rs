//! Review dates, as pure rules. A passed decision's recorded outcome may carry a day on
//! which the team looks at it again. The team is reminded twice, through the
//! notifications outbox: 14 days ahead and on the day. Whether a review is due (listed on
//! the team page and in the inbox from 14 days ahead until someone opens the review) is
//! the SQL function `decision_review_due`, the one home of that window.

use time::{Date, Duration};

/// How many days ahead the first reminder goes out.
pub const AHEAD_DAYS: i64 = 14;
/// How many days a scan that was not running catches up on.
pub const CATCH_UP_DAYS: i64 = 3;

/// Which reminder of a review is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reminder {
    /// 14 days ahead (or later, until the day).
    Ahead,
    /// On the day (or up to `CATCH_UP_DAYS` after, if no scan ran on it).
    OnTheDay,
}

impl Reminder {
    /// The part of the reminder's unique key.
    pub fn key(self) -> &'static str {
        match self {
            Reminder::Ahead => "ahead",
            Reminder::OnTheDay => "day",
        }
    }
}

/// The reminder due on `today` for a review on `review_on`, if any. Each is sent once
/// (its key is unique), so a scan that finds it again each day queues nothing new.
pub fn reminder(review_on: Date, today: Date) -> Option<Reminder> {
    if today >= review_on {
        (today - review_on <= Duration::days(CATCH_UP_DAYS)).then_some(Reminder::OnTheDay)
    } else if review_on - today <= Duration::days(AHEAD_DAYS) {
        Some(Reminder::Ahead)
    } else {
        None
    }
}

/// The question of the decision that reviews decision `id`, within `QUESTION_MAX`.
pub fn question(id: i64, question: &str) -> String {
    let prefix = format!("Review decision #{id}: ");
    let room = super::QUESTION_MAX - prefix.chars().count();
    let mut text: String = question.chars().take(room).collect();
    if text.chars().count() < question.chars().count() {
        text = text.chars().take(room - 1).collect();
        text.push('…');
    }
    format!("{prefix}{text}")
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const DAY: Date = date!(2026 - 06 - 30);

    #[test]
    fn reminded_fourteen_days_ahead_and_on_the_day() {
        assert_eq!(reminder(DAY, DAY - Duration::days(15)), None);
        assert_eq!(
            reminder(DAY, DAY - Duration::days(14)),
            Some(Reminder::Ahead)
        );
        assert_eq!(
            reminder(DAY, DAY - Duration::days(1)),
            Some(Reminder::Ahead)
        );
        assert_eq!(reminder(DAY, DAY), Some(Reminder::OnTheDay));
    }

    #[test]
    fn a_missed_day_is_caught_up_for_three_days_only() {
        assert_eq!(
            reminder(DAY, DAY + Duration::days(3)),
            Some(Reminder::OnTheDay)
        );
        assert_eq!(reminder(DAY, DAY + Duration::days(4)), None);
    }

    #[test]
    fn the_review_question_names_the_decision_and_fits() {
        assert_eq!(
            question(7, "Adopt the guideline?"),
            "Review decision #7: Adopt the guideline?"
        );
        let long = "q".repeat(200);
        assert_eq!(
            question(7, &long).chars().count(),
            super::super::QUESTION_MAX
        );
    }
}
