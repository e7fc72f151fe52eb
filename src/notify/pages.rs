//! The pages of `templates/notify/`.

use askama::Template;
use askama_web::WebTemplate;

use super::db::KeptMail;
use crate::web::dates::format_utc;
use crate::web::layout::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "notify/unsubscribe.html")]
pub struct UnsubscribePage {
    pub layout: Layout,
    pub login: String,
    /// What the link stops: a kind's label, or the daily digest.
    pub what: String,
    pub token: String,
    pub done: bool,
}

pub struct KeptMailRow {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub kept_at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "notify/dev_mailbox.html")]
pub struct DevMailboxPage {
    pub layout: Layout,
    /// The signed-in person's verified address, whose mail this is.
    pub address: Option<String>,
    pub mails: Vec<KeptMailRow>,
}

impl DevMailboxPage {
    pub fn new(layout: Layout, address: Option<String>, mails: Vec<KeptMail>) -> Self {
        DevMailboxPage {
            layout,
            address,
            mails: mails
                .into_iter()
                .map(|m| KeptMailRow {
                    id: m.id,
                    to: m.to_address,
                    subject: m.subject,
                    kept_at: format_utc(m.kept_at),
                })
                .collect(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "notify/dev_mail.html")]
pub struct DevMailPage {
    pub layout: Layout,
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub unsubscribe: String,
    pub kept_at: String,
    /// The links in the mail, to follow them as the recipient would.
    pub links: Vec<String>,
}

impl DevMailPage {
    pub fn new(layout: Layout, mail: KeptMail) -> Self {
        let links = mail
            .text_body
            .split_whitespace()
            .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
            .map(str::to_string)
            .collect();
        DevMailPage {
            layout,
            id: mail.id,
            to: mail.to_address,
            subject: mail.subject,
            text: mail.text_body,
            unsubscribe: mail.list_unsubscribe.unwrap_or_default(),
            kept_at: format_utc(mail.kept_at),
            links,
        }
    }
}
