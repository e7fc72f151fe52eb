//! One-shot messages shown on the next page after a redirect ("Signed out.").

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::error::AppError;

const KEY: &str = "flash";

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

impl Flash {
    pub fn css_class(&self) -> &'static str {
        match self.kind {
            FlashKind::Success => "flash flash-success",
            FlashKind::Error => "flash flash-error",
        }
    }
}

pub async fn push(
    session: &Session,
    kind: FlashKind,
    message: impl Into<String>,
) -> Result<(), AppError> {
    let flash = Flash {
        kind,
        message: message.into(),
    };
    session.insert(KEY, flash).await.map_err(AppError::session)
}

pub async fn success(session: &Session, message: impl Into<String>) -> Result<(), AppError> {
    push(session, FlashKind::Success, message).await
}

/// The message, once. Removing only what is there: a removal marks the session changed,
/// and a changed session is written back to the store at the end of the request.
pub async fn take(session: &Session) -> Result<Option<Flash>, AppError> {
    let flash = session.get(KEY).await.map_err(AppError::session)?;
    if flash.is_some() {
        session.remove_value(KEY).await.map_err(AppError::session)?;
    }
    Ok(flash)
}
