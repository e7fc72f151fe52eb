use askama::Template;
use askama_web::WebTemplate;

use super::model::User;
use crate::web::form::{Field, FormErrors};
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

/// A removed person, as the people page lists them.
pub struct RemovedPerson {
    pub login: String,
    pub since: String,
}

/// `/admin/people`: remove a person, or restore one.
#[derive(Template, WebTemplate)]
#[template(path = "auth/people.html")]
pub struct PeoplePage {
    pub layout: Layout,
    pub removed: Vec<RemovedPerson>,
    pub problems: Vec<String>,
    pub login: Field,
}

impl PeoplePage {
    pub fn new(
        layout: Layout,
        removed: &[(String, time::OffsetDateTime)],
        login: &str,
        errors: &FormErrors,
    ) -> Self {
        PeoplePage {
            layout,
            removed: removed
                .iter()
                .map(|(login, at)| RemovedPerson {
                    login: login.clone(),
                    since: crate::web::dates::format_utc(*at),
                })
                .collect(),
            problems: errors.iter().map(|(_, m)| m.clone()).collect(),
            login: Field::new("login", "GitHub login", login, 40, errors)
                .hint("Their sessions end at once and they cannot sign in until restored."),
        }
    }
}
