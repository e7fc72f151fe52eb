//! The person's page, every view field computed here.

use askama::Template;
use askama_web::WebTemplate;

use super::db::{Contribution, Person};
use crate::teams::model::{LedgerRow, stints};
use crate::web::dates::format_day;
use crate::web::layout::Layout;

/// Where GitHub serves avatars: the only image host the Content-Security-Policy allows.
const AVATAR_HOST: &str = "https://avatars.githubusercontent.com/";

/// One team the person belongs to now, or belonged to.
#[derive(Clone, Debug)]
pub struct TeamView {
    pub slug: String,
    pub name: String,
    /// "lead since 2026-03-02"; empty for a team they have left.
    pub now: String,
    /// "2026-03-02 to 2026-05-01; 2026-07-01 to now".
    pub stints: String,
}

#[derive(Clone, Debug)]
pub struct ContributionView {
    pub what: &'static str,
    pub title: String,
    pub href: String,
    pub team_slug: String,
    pub team_name: String,
    pub detail: Option<String>,
    pub at: String,
}

impl ContributionView {
    fn of(c: &Contribution) -> Self {
        let (what, href, detail) = match c.kind.as_str() {
            "rfc" => ("Drafted the RFC", format!("/rfcs/{}", c.id), None),
            "feedback" => (
                "Gave feedback on",
                format!(
                    "/rfcs/{}#feedback-{}",
                    c.parent_id.unwrap_or_default(),
                    c.id
                ),
                None,
            ),
            "position" => (
                "Took a position on",
                format!("/decisions/{}", c.id),
                c.detail.as_deref().map(stance_label),
            ),
            _ => (
                "Published",
                format!(
                    "/posts/{}/{}",
                    c.team_slug,
                    c.slug.as_deref().unwrap_or_default()
                ),
                None,
            ),
        };
        ContributionView {
            what,
            title: c.title.clone(),
            href,
            team_slug: c.team_slug.clone(),
            team_name: c.team_name.clone(),
            detail: detail.map(str::to_string),
            at: format_day(c.at),
        }
    }
}

fn stance_label(stance: &str) -> &'static str {
    crate::decisions::model::Stance::parse(stance).map_or("", |s| s.label())
}

#[derive(Template, WebTemplate)]
#[template(path = "people/show.html")]
pub struct PersonPage {
    pub layout: Layout,
    pub login: String,
    pub name: String,
    /// GitHub's avatar, only from GitHub's avatar host.
    pub avatar: Option<String>,
    /// Up to two letters, shown instead of an avatar.
    pub initials: String,
    pub current: Vec<TeamView>,
    pub former: Vec<TeamView>,
    pub contributions: Vec<ContributionView>,
    /// The person is looking at their own page.
    pub is_self: bool,
}

impl PersonPage {
    pub fn new(
        layout: Layout,
        person: &Person,
        ledger: &[(LedgerRow, String, String)],
        contributions: &[Contribution],
    ) -> Self {
        // The person's rows by team, in the order they first joined each.
        let mut teams: Vec<(&str, &str, Vec<&LedgerRow>)> = Vec::new();
        for (row, slug, name) in ledger {
            match teams.iter_mut().find(|(s, _, _)| *s == slug.as_str()) {
                Some((_, _, rows)) => rows.push(row),
                None => teams.push((slug, name, vec![row])),
            }
        }
        let (mut current, mut former) = (Vec::new(), Vec::new());
        for (slug, name, rows) in teams {
            let spans: Vec<String> = stints(rows.iter().copied())
                .iter()
                .map(|s| match s.to {
                    Some(to) => format!("{} to {}", format_day(s.from), format_day(to)),
                    None => format!("{} to now", format_day(s.from)),
                })
                .collect();
            let open = rows.iter().find(|row| row.left_at.is_none());
            let view = TeamView {
                slug: slug.to_string(),
                name: name.to_string(),
                now: open.map_or_else(String::new, |row| {
                    format!("{} since {}", row.role.label(), format_day(row.joined_at))
                }),
                stints: spans.join("; "),
            };
            if open.is_some() {
                current.push(view);
            } else {
                former.push(view);
            }
        }
        let shown = person.name.clone().unwrap_or_else(|| person.login.clone());
        PersonPage {
            is_self: layout.user.as_ref().is_some_and(|u| u.id == person.id),
            layout,
            login: person.login.clone(),
            initials: initials(&shown),
            name: shown,
            avatar: person
                .avatar_url
                .clone()
                .filter(|url| url.starts_with(AVATAR_HOST)),
            current,
            former,
            contributions: contributions.iter().map(ContributionView::of).collect(),
        }
    }
}

/// The first letters of up to two words of a name: "Amber Finch" → "AF", "basil" → "B".
pub fn initials(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::initials;

    #[test]
    fn initials_take_two_words_at_most() {
        assert_eq!(initials("Amber Finch"), "AF");
        assert_eq!(initials("basil"), "B");
        assert_eq!(initials("ivo-lead-two"), "IL");
        assert_eq!(initials("Ada Bo Cy"), "AB");
        assert_eq!(initials(""), "");
    }
}
