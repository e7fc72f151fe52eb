use askama::Template;
use askama_web::WebTemplate;

use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct HomePage {
    pub layout: Layout,
}
