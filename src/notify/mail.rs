//! Mail as it leaves Concord: rendered from `templates/mail/` as plain text and HTML, and
//! sent over SMTP (lettre), or kept in the database for `/dev/mail` in development.

use askama::Template;
use lettre::message::{Mailbox, MultiPart, header};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use time::OffsetDateTime;

use crate::config::{MailConfig, MailTransport};

/// One mail, ready to go.
#[derive(Clone, Debug)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe URL (RFC 8058), if the mail has one.
    pub unsubscribe: Option<String>,
}

/// Where mail goes.
pub enum Mailer {
    /// Kept in `dev_mail` for `/dev/mail` (development without an SMTP server).
    Keep,
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    /// No mail server in production: notices wait in the outbox until one is set.
    Off,
}

/// Connections to the mail server an instance keeps at most: a worker's batch is sent over
/// them at once (`super::worker`).
pub const POOL: u32 = 8;

impl Mailer {
    pub fn from_config(config: &MailConfig) -> Result<Self, String> {
        match &config.transport {
            MailTransport::Keep => Ok(Mailer::Keep),
            MailTransport::Off => Ok(Mailer::Off),
            MailTransport::Smtp { url, password } => {
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("the SMTP URL cannot be used: {e}"))?;
                if let Some(password) = password {
                    let user = url::Url::parse(url)
                        .map(|u| u.username().to_string())
                        .unwrap_or_default();
                    builder = builder.credentials(Credentials::new(user, password.0.clone()));
                }
                let from = config.from.parse().map_err(|e| {
                    format!("the sender address {:?} cannot be used: {e}", config.from)
                })?;
                Ok(Mailer::Smtp {
                    transport: builder
                        .timeout(Some(std::time::Duration::from_secs(10)))
                        .pool_config(PoolConfig::new().max_size(POOL))
                        .build(),
                    from,
                })
            }
        }
    }

    pub fn sends(&self) -> bool {
        !matches!(self, Mailer::Off)
    }

    /// Sends one mail; the error says why not, for the outbox's record (never a secret).
    pub async fn send(
        &self,
        pool: &PgPool,
        mail: &Mail,
        now: OffsetDateTime,
    ) -> Result<(), String> {
        match self {
            Mailer::Off => Err("no mail server is configured".into()),
            Mailer::Keep => super::db::keep_mail(pool, mail, now)
                .await
                .map_err(|e| e.to_string()),
            Mailer::Smtp { transport, from } => {
                let message = message(from, mail)?;
                transport
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| format!("the mail server did not take it: {e}"))
            }
        }
    }
}

fn message(from: &Mailbox, mail: &Mail) -> Result<Message, String> {
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("the address {:?} cannot be used: {e}", mail.to))?;
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone());
    if let Some(url) = &mail.unsubscribe {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost);
    }
    builder
        .multipart(MultiPart::alternative_plain_html(
            mail.text.clone(),
            mail.html.clone(),
        ))
        .map_err(|e| format!("the mail could not be built: {e}"))
}

/// `List-Unsubscribe: <url>` (RFC 2369).
#[derive(Clone)]
struct ListUnsubscribe(String);

impl header::Header for ListUnsubscribe {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Clone)]
struct ListUnsubscribePost;

impl header::Header for ListUnsubscribePost {
    fn name() -> header::HeaderName {
        header::HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> header::HeaderValue {
        header::HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// One notice, as mail.
#[derive(Template)]
#[template(path = "mail/notice.txt")]
pub struct NoticeText<'a> {
    pub text: &'a str,
    pub url: &'a str,
    pub why: &'a str,
    pub unsubscribe: &'a str,
    pub settings: &'a str,
}

#[derive(Template)]
#[template(path = "mail/notice.html")]
pub struct NoticeHtml<'a> {
    pub subject: &'a str,
    pub text: &'a str,
    pub url: &'a str,
    pub why: &'a str,
    pub unsubscribe: &'a str,
    pub settings: &'a str,
}

/// One item of a digest.
pub struct DigestItem {
    pub subject: String,
    pub text: String,
    pub url: String,
}

#[derive(Template)]
#[template(path = "mail/digest.txt")]
pub struct DigestText<'a> {
    pub items: &'a [DigestItem],
    pub unsubscribe: &'a str,
    pub settings: &'a str,
}

#[derive(Template)]
#[template(path = "mail/digest.html")]
pub struct DigestHtml<'a> {
    pub items: &'a [DigestItem],
    pub unsubscribe: &'a str,
    pub settings: &'a str,
}

#[derive(Template)]
#[template(path = "mail/verify.txt")]
pub struct VerifyText<'a> {
    pub url: &'a str,
}

#[derive(Template)]
#[template(path = "mail/verify.html")]
pub struct VerifyHtml<'a> {
    pub url: &'a str,
}
