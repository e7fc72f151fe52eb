use askama::Template;
use askama_web::WebTemplate;

use super::model::User;
use crate::web::form::FormErrors;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "auth/sign_in.html")]
pub struct SignInPage {
    pub layout: Layout,
    pub next: String,
    pub github_enabled: bool,
    pub dev_sign_in: bool,
    /// What was typed into the development sign-in form.
    pub login: String,
    pub errors: FormErrors,
    /// Why the last GitHub sign-in failed.
    pub failure: Option<String>,
    pub people: Vec<User>,
}
