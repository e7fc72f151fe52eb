//! What an inbox holds: sections of items, each a link to something awaiting the person.

use time::OffsetDateTime;

use super::db::Row;
use crate::web::dates::format_utc;

/// One thing awaiting the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub title: String,
    /// Where to act on it.
    pub url: String,
    /// What it belongs to, e.g. the team's name.
    pub context: String,
    /// When it stops waiting (a closing time), if it does.
    pub due_at: Option<OffsetDateTime>,
}

/// One room's contribution.
#[derive(Clone, Debug)]
pub struct Section {
    pub heading: &'static str,
    /// Shown when the section is empty.
    pub empty: &'static str,
    pub items: Vec<Item>,
    /// How many more the section holds than it lists.
    pub more: i64,
}

/// How many items one section lists at most.
pub const SECTION_LIMIT: i64 = 50;

/// The sections in the order `inbox_items` numbers them, with their headings.
const SECTIONS: [(&str, &str); 8] = [
    (
        "Decisions waiting for your position",
        "No decision is waiting for your position.",
    ),
    (
        "Posts waiting for your review",
        "No post is waiting for your review.",
    ),
    (
        "Nominations of you to answer",
        "No nomination is waiting for your answer.",
    ),
    (
        "Calls of your teams with stale nominations",
        "No call of your teams has a stale nomination.",
    ),
    (
        "Feedback windows closing soon with feedback to dispose of",
        "No feedback window of your teams closes within two days with feedback to dispose of.",
    ),
    (
        "GitHub teams that differ from your teams' ledgers",
        "Every linked GitHub team of your teams matches its ledger.",
    ),
    (
        "Decisions of your teams due for review",
        "No decision of your teams is due for review.",
    ),
    (
        "Decisions where you hold a proxy",
        "You hold no proxy in an open decision.",
    ),
];

/// Every section, empty ones included, from the rows of `db::items`.
pub fn sections(rows: &[Row], now: OffsetDateTime) -> Vec<Section> {
    let mut sections: Vec<Section> = SECTIONS
        .iter()
        .map(|&(heading, empty)| Section {
            heading,
            empty,
            items: Vec::new(),
            more: 0,
        })
        .collect();
    for row in rows {
        let Some(section) = usize::try_from(row.section - 1)
            .ok()
            .and_then(|i| sections.get_mut(i))
        else {
            continue;
        };
        section.more = row.total - i64::try_from(section.items.len()).unwrap_or(0) - 1;
        section.items.push(item(row, now));
    }
    sections
}

/// The total the header shows, every item of every section, listed or not, from the rows
/// of `db::items` (each row carries its section's total).
pub fn count(rows: &[Row]) -> i64 {
    let mut last = None;
    rows.iter()
        .filter(|row| last.replace(row.section) != Some(row.section))
        .map(|row| row.total)
        .sum()
}

fn item(row: &Row, now: OffsetDateTime) -> Item {
    let (title, url, context, due_at) = match row.section {
        1 => (
            row.title.clone(),
            format!("/decisions/{}", row.id),
            row.team.clone(),
            row.at,
        ),
        2 => {
            let context = format!(
                "{}, by {}, in review since {}",
                row.team,
                row.author.as_deref().unwrap_or_default(),
                row.at.map(format_utc).unwrap_or_default()
            );
            let url = format!("/posts/{}", row.post_path.as_deref().unwrap_or_default());
            (row.title.clone(), url, context, None)
        }
        3 => (
            format!("You are nominated: {}", row.title),
            format!("/nominations/{}", row.id),
            row.team.clone(),
            None,
        ),
        4 => {
            let stale = row.n.unwrap_or(0);
            let title = format!(
                "{}: {stale} stale nomination{}",
                row.title,
                if stale == 1 { "" } else { "s" }
            );
            (title, format!("/calls/{}", row.id), row.team.clone(), None)
        }
        6 => {
            let n = row.n.unwrap_or(0);
            let title = format!(
                "{}: {n} difference{} with its GitHub team",
                row.title,
                if n == 1 { "" } else { "s" }
            );
            let slug = row.post_path.as_deref().unwrap_or_default();
            let context = format!("found on {}", row.at.map(format_utc).unwrap_or_default());
            (title, format!("/teams/{slug}/github"), context, None)
        }
        7 => (
            format!("Review: {}", row.title),
            format!("/decisions/{}", row.id),
            format!(
                "{}, to be reviewed on {}",
                row.team,
                row.at
                    .map(|at| crate::web::dates::format_date(at.date()))
                    .unwrap_or_default()
            ),
            None,
        ),
        8 => (
            format!(
                "For {}: {}",
                row.author.as_deref().unwrap_or_default(),
                row.title
            ),
            format!("/decisions/{}", row.id),
            format!(
                "{}, you may take a position as {}'s proxy",
                row.team,
                row.author.as_deref().unwrap_or_default()
            ),
            row.at,
        ),
        _ => {
            // A window still open links to the RFC; a closed one to its disposition.
            let url = if row.at.is_some_and(|at| at <= now) {
                format!("/rfcs/{}/disposition", row.id)
            } else {
                format!("/rfcs/{}", row.id)
            };
            (row.title.clone(), url, row.team.clone(), row.at)
        }
    };
    Item {
        title,
        url,
        context,
        due_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-03-01 12:00 UTC);

    fn row(section: i32, id: i64, total: i64) -> Row {
        Row {
            section,
            id,
            title: format!("Item {id}"),
            team: "Infra".into(),
            at: Some(NOW),
            post_path: Some("infra/hello".into()),
            author: Some("Ada".into()),
            n: Some(1),
            total,
        }
    }

    #[test]
    fn rows_fall_into_their_sections_with_what_is_left_unlisted() {
        let rows = [row(1, 7, 3), row(1, 8, 3), row(4, 2, 1)];
        let sections = sections(&rows, NOW);
        assert_eq!(sections.len(), 8);
        assert_eq!(sections[0].items.len(), 2);
        assert_eq!(sections[0].more, 1);
        assert!(sections[1].items.is_empty());
        assert_eq!(sections[3].items[0].title, "Item 2: 1 stale nomination");
        assert_eq!(sections[3].more, 0);
        assert_eq!(count(&rows), 4);
        assert_eq!(count(&[]), 0);
    }

    #[test]
    fn each_section_links_where_the_person_acts() {
        let urls: Vec<String> = (1..=8)
            .map(|s| {
                sections(&[row(s, 9, 1)], NOW)[(s - 1) as usize].items[0]
                    .url
                    .clone()
            })
            .collect();
        assert_eq!(
            urls,
            [
                "/decisions/9",
                "/posts/infra/hello",
                "/nominations/9",
                "/calls/9",
                "/rfcs/9/disposition",
                "/teams/infra/hello/github",
                "/decisions/9",
                "/decisions/9"
            ]
        );
        let open = Row {
            at: Some(NOW + time::Duration::hours(1)),
            ..row(5, 9, 1)
        };
        assert_eq!(sections(&[open], NOW)[4].items[0].url, "/rfcs/9");
        let held = &sections(&[row(8, 9, 1)], NOW)[7].items[0];
        assert_eq!(held.title, "For Ada: Item 9");
        let review = &sections(&[row(7, 9, 1)], NOW)[6].items[0];
        assert_eq!(review.context, "Infra, to be reviewed on 2026-03-01");
    }
}
