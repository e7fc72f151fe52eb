//! The pages of `templates/settings/`.

use askama::Template;
use askama_web::WebTemplate;

use crate::notify::model::{Delivery, Kind};
use crate::web::form::{Field, FormErrors, render_errors};
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "settings/index.html")]
pub struct SettingsPage {
    pub layout: Layout,
    /// The verified address in use.
    pub email: Option<String>,
    /// An address waiting for its link to be opened, and until when.
    pub pending: Option<(String, String)>,
    /// The public address GitHub showed at sign-in, offered with its own button.
    pub suggestion: Option<String>,
    pub address: Field,
    pub problems: Vec<String>,
    pub sends_mail: bool,
}

impl SettingsPage {
    pub fn new(
        layout: Layout,
        email: Option<String>,
        pending: Option<(String, String)>,
        suggestion: Option<String>,
        typed: &str,
        errors: &FormErrors,
        sends_mail: bool,
    ) -> Self {
        SettingsPage {
            layout,
            email,
            pending,
            suggestion,
            address: Field::new("email", "Address", typed, 254, errors)
                .hint("We mail a link to it; it is used once you open the link."),
            problems: render_errors(errors),
            sends_mail,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/verify.html")]
pub struct VerifyPage {
    pub layout: Layout,
    pub email: String,
    pub token: String,
}

pub struct KindRow {
    pub name: &'static str,
    pub label: &'static str,
    pub options: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/notifications.html")]
pub struct NotificationsPage {
    pub layout: Layout,
    pub email: Option<String>,
    pub kinds: Vec<KindRow>,
    pub hours: Vec<(i16, bool)>,
    pub problems: Vec<String>,
}

impl NotificationsPage {
    pub fn new(
        layout: Layout,
        email: Option<String>,
        chosen: &[(Kind, Delivery)],
        digest_hour: i16,
        errors: &FormErrors,
    ) -> Self {
        NotificationsPage {
            layout,
            email,
            kinds: chosen
                .iter()
                .map(|(kind, delivery)| KindRow {
                    name: kind.as_str(),
                    label: kind.label(),
                    options: Delivery::ALL
                        .into_iter()
                        .map(|d| (d.as_str(), d.label(), d == *delivery))
                        .collect(),
                })
                .collect(),
            hours: (0..24).map(|h| (h, h == digest_hour)).collect(),
            problems: render_errors(errors),
        }
    }
}
