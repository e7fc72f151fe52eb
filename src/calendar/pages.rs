use askama::Template;
use askama_web::WebTemplate;

use crate::web::layout::Layout;

/// `/settings/calendar`: whether the person has a feed, and its address right after it
/// is made (the only time it can be shown: only its hash is kept).
#[derive(Template, WebTemplate)]
#[template(path = "calendar/personal.html")]
pub struct PersonalPage {
    pub layout: Layout,
    pub live_since: Option<String>,
    pub address: Option<String>,
    pub public_address: String,
}
