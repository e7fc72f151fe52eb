//! The page of `templates/tokens/`.

use askama::Template;
use askama_web::WebTemplate;
use time::OffsetDateTime;

use super::db::Token;
use super::model::Scope;
use crate::web::dates::format_utc;
use crate::web::form::{Field, FormErrors, render_errors};
use crate::web::layout::Layout;

/// One token in the list.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub scopes: String,
    pub created: String,
    pub expires: String,
    pub expired: bool,
    pub last_used: String,
}

impl Row {
    fn new(token: &Token, now: OffsetDateTime) -> Self {
        Row {
            id: token.id,
            name: token.name.clone(),
            scopes: token.scopes.join(", "),
            created: format_utc(token.created_at),
            expires: format_utc(token.expires_at),
            expired: token.expires_at <= now,
            last_used: match (token.last_used_at, &token.last_used_from) {
                (Some(at), Some(from)) if !from.is_empty() => {
                    format!("{} from {from}", format_utc(at))
                }
                (Some(at), _) => format_utc(at),
                (None, _) => "Never".into(),
            },
        }
    }
}

/// What the creation form holds: as typed, or the defaults.
pub struct Typed {
    pub name: String,
    pub days: String,
    pub scopes: Vec<Scope>,
    pub idempotency_key: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "tokens/index.html")]
pub struct TokensPage {
    pub layout: Layout,
    pub tokens: Vec<Row>,
    /// A secret just made: shown this once.
    pub secret: Option<(String, String)>,
    pub name: Field,
    pub days: Field,
    /// Each scope: its value, label and whether it is ticked.
    pub scopes: Vec<(&'static str, &'static str, bool)>,
    pub scopes_error: Option<String>,
    pub idempotency_key: String,
    pub problems: Vec<String>,
}

impl TokensPage {
    pub fn new(
        layout: Layout,
        tokens: &[Token],
        typed: &Typed,
        errors: &FormErrors,
        now: OffsetDateTime,
    ) -> Self {
        TokensPage {
            layout,
            tokens: tokens.iter().map(|t| Row::new(t, now)).collect(),
            secret: None,
            name: Field::new("name", "Name", &typed.name, super::model::NAME_MAX, errors).hint(
                "What it is for, such as \u{201c}rfcbot\u{201d} or \u{201c}team dashboard\u{201d}.",
            ),
            days: Field::new(
                "expires_in_days",
                "Expires in (days)",
                &typed.days,
                3,
                errors,
            )
            .hint("Every token expires: from 1 to 365 days. Shorter is safer."),
            scopes: Scope::ALL
                .into_iter()
                .map(|s| (s.as_str(), s.label(), typed.scopes.contains(&s)))
                .collect(),
            scopes_error: errors.get("scopes").map(str::to_string),
            idempotency_key: typed.idempotency_key.clone(),
            problems: render_errors(errors),
        }
    }
}
