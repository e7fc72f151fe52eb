//! What an inbox holds: sections of items, each a link to something awaiting the person.

use time::OffsetDateTime;

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
}

/// How many items one section lists at most.
pub const SECTION_LIMIT: i64 = 50;
