//! Times as pages show them: always UTC, always labelled.

use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `2026-11-21 14:03 UTC`.
pub fn format_utc(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// `2026-11-21`, the day in UTC.
pub fn format_day(at: OffsetDateTime) -> String {
    format_date(at.to_offset(UtcOffset::UTC).date())
}

/// `2026-11-21`.
pub fn format_date(day: Date) -> String {
    let format = format_description!("[year]-[month]-[day]");
    day.format(&format).unwrap_or_default()
}

/// Reads `YYYY-MM-DD` as typed into a date field; `None` if it is not a real day.
pub fn parse_date(text: &str) -> Option<Date> {
    let format = format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// Reads a `datetime-local` field (`2026-12-01T18:00`, seconds optional, a space instead
/// of the `T` accepted) as a time in UTC; `None` if it is not a real time.
pub fn parse_datetime_local(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim().replacen(' ', "T", 1);
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let seconds = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    PrimitiveDateTime::parse(&text, &minutes)
        .or_else(|_| PrimitiveDateTime::parse(&text, &seconds))
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// Whether `text` is what a `datetime-local` field holds (or empty), so a form may show it
/// in one; anything else is shown in a text box, so that what was typed is kept.
pub fn fits_datetime_local(text: &str) -> bool {
    text.is_empty()
        || parse_datetime_local(text).is_some_and(|at| format_datetime_local(at) == text)
}

/// The one message for a time that cannot be read, `what` being e.g. "the closing time".
pub fn time_problem(what: &str) -> String {
    format!("Enter {what} as a date and time in UTC, such as 2026-12-01 18:00.")
}

/// The value of a `datetime-local` field for `at`, in UTC: `2026-12-01T18:00`.
pub fn format_datetime_local(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

/// RFC 3339 in UTC, as the JSON API writes times.
pub fn rfc3339(at: OffsetDateTime) -> String {
    at.to_offset(UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn shows_utc() {
        let at = datetime!(2026-11-21 15:03:09 +01:00);
        assert_eq!(format_utc(at), "2026-11-21 14:03 UTC");
        assert_eq!(format_day(at), "2026-11-21");
        assert_eq!(rfc3339(at), "2026-11-21T14:03:09Z");
    }

    #[test]
    fn reads_datetime_local_as_utc() {
        let at = datetime!(2026-12-01 18:00 UTC);
        for ok in [
            "2026-12-01T18:00",
            " 2026-12-01 18:00 ",
            "2026-12-01T18:00:00",
        ] {
            assert_eq!(parse_datetime_local(ok), Some(at), "{ok}");
        }
        for bad in [
            "2026-02-30T10:00",
            "2026-12-01",
            "18:00",
            "tomorrow",
            "2026-12-01T25:00",
            "",
        ] {
            assert_eq!(parse_datetime_local(bad), None, "{bad}");
        }
        assert_eq!(
            format_datetime_local(datetime!(2026-12-01 19:30:12 +01:00)),
            "2026-12-01T18:30"
        );
    }

    #[test]
    fn parses_only_real_days() {
        assert_eq!(
            parse_date(" 2027-02-28 ").map(format_date).as_deref(),
            Some("2027-02-28")
        );
        for bad in [
            "2027-02-30",
            "27-02-01",
            "2027/02/01",
            "tomorrow",
            "",
            "2027-2-1",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
