use askama::Template;
use askama_web::WebTemplate;

use super::db::EntryRow;
use super::model::{Visibility, describe, detail_lines};
use crate::web::dates::format_utc;
use crate::web::layout::Layout;

#[derive(Clone, Debug)]
pub struct EntryView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub what: String,
    pub subject: String,
    /// Where the subject lives, if it has a page.
    pub link: Option<String>,
    pub team_only: bool,
    pub details: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/index.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub entries: Vec<EntryView>,
    /// This is not the first page.
    pub paged: bool,
    /// The link to the next, older page.
    pub older: Option<String>,
}

impl AuditPage {
    pub fn new(layout: Layout, rows: &[EntryRow], paged: bool, older: Option<i64>) -> Self {
        let entries = rows
            .iter()
            .map(|row| EntryView {
                at: format_utc(row.at),
                actor: row.actor_login.clone().unwrap_or_else(|| "Concord".into()),
                action: row.action.clone(),
                what: describe(&row.action).to_string(),
                subject: match &row.team_name {
                    Some(team) if row.subject_kind != "team" => {
                        format!("{} ({})", row.subject_label, team)
                    }
                    Some(team) => team.clone(),
                    None => row.subject_label.clone(),
                },
                link: match row.subject_kind.as_str() {
                    // A post's label is its permalink, `team/slug`, fixed at creation.
                    "post" => Some(format!("/posts/{}", row.subject_label)),
                    _ => row.team_slug.as_ref().map(|slug| format!("/teams/{slug}")),
                },
                team_only: row.visibility == Visibility::Team,
                details: detail_lines(&row.details),
            })
            .collect();
        AuditPage {
            layout,
            entries,
            paged,
            older: older.map(|id| format!("/audit?before={id}")),
        }
    }
}
