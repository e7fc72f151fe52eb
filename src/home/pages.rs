use askama::Template;
use askama_web::WebTemplate;

use crate::posts::pages::PostItem;
use crate::rfcs::RfcItem;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomePage {
    pub layout: Layout,
    /// RFCs open for feedback, closing soonest first.
    pub windows: Vec<RfcItem>,
    pub teams: Vec<TeamItem>,
    /// Calls for nominations open now.
    pub calls: Vec<CallItem>,
    /// There are more teams than listed.
    pub more_teams: bool,
    /// The database did not answer.
    pub teams_unavailable: bool,
    /// The latest published team updates.
    pub updates: Vec<PostItem>,
}

pub struct TeamItem {
    pub slug: String,
    pub name: String,
    pub purpose: String,
}

pub struct CallItem {
    pub id: i64,
    pub title: String,
    pub team_name: String,
    pub closes: String,
}
