//! `/api`: tokens, scopes, pagination, caching, errors and limits, with curl examples
//! aimed at this Concord's own address (`Config::absolute`), so they work as shown
//! against `cargo run`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::app::AppState;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "api/index.html")]
pub struct ApiPage {
    pub layout: Layout,
    /// This Concord's origin, for the examples.
    pub base: String,
    pub per_minute: String,
}

pub async fn show(State(state): State<AppState>, layout: Layout) -> ApiPage {
    let limit = state.config.limits.rate_api_per_token;
    ApiPage {
        layout,
        base: state.config.absolute(""),
        per_minute: if limit == 0 {
            "any number of".into()
        } else {
            limit.to_string()
        },
    }
}
