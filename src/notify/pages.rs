//! The pages of `templates/notify/`.

use askama::Template;
use askama_web::WebTemplate;

use super::db::KeptMail;
use crate::web::dates::format_utc;
use crate::web::form::{Field, FormErrors, render_errors};
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

pub struct WebhookRow {
    pub id: i64,
    pub url: String,
    pub created: String,
}

pub struct DeliveryRow {
    pub event: String,
    pub created: String,
    pub state: String,
    pub status: String,
    pub attempts: i32,
    pub error: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "notify/webhooks.html")]
pub struct WebhooksPage {
    pub layout: Layout,
    pub team_slug: String,
    pub team_name: String,
    pub webhooks: Vec<WebhookRow>,
    pub deliveries: Vec<DeliveryRow>,
    pub url: Field,
    pub secret_error: Option<String>,
    pub problems: Vec<String>,
    /// The add form's key, so sending it twice adds one webhook.
    pub idempotency_key: String,
}

impl WebhooksPage {
    pub fn new(
        layout: Layout,
        team: &crate::teams::model::Team,
        webhooks: Vec<super::db::Webhook>,
        deliveries: Vec<super::db::WebhookDelivery>,
        typed_url: &str,
        errors: &FormErrors,
    ) -> Self {
        WebhooksPage {
            layout,
            team_slug: team.slug.clone(),
            team_name: team.name.clone(),
            webhooks: webhooks
                .into_iter()
                .map(|w| WebhookRow {
                    id: w.id,
                    url: super::webhooks::shown(&w.url),
                    created: format!("{} by {}", format_utc(w.created_at), w.created_by),
                })
                .collect(),
            deliveries: deliveries
                .into_iter()
                .map(|d| DeliveryRow {
                    event: format!("{} (to webhook #{})", d.event, d.webhook_id),
                    created: format_utc(d.created_at),
                    state: match (d.sent_at, d.failed_at) {
                        (Some(at), _) => format!("delivered {}", format_utc(at)),
                        (None, Some(at)) => format!("failed {}", format_utc(at)),
                        (None, None) => format!("retrying at {}", format_utc(d.next_attempt_at)),
                    },
                    status: d
                        .last_status
                        .map(|s| s.to_string())
                        .unwrap_or_else(|| "none".into()),
                    attempts: d.attempts,
                    error: d.last_error.unwrap_or_default(),
                })
                .collect(),
            url: Field::new("url", "URL", typed_url, 500, errors)
                .hint("Where Concord posts each public event of the team (http or https)."),
            secret_error: errors.get("secret").map(str::to_string),
            idempotency_key: crate::web::idempotency::new_key(),
            problems: render_errors(errors),
        }
    }
}
