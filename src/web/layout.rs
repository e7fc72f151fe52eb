//! What every page's frame shows: who is signed in, how many items wait in their inbox,
//! the sign-out form's CSRF token, a flash message and the development banner. Page structs carry a [`Layout`] and
//! extend `templates/layout.html`.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_sessions::Session;

use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::web::csrf;
use crate::web::extract::MaybeUser;
use crate::web::flash::{self, Flash};

#[derive(Clone, Debug, Default)]
pub struct Layout {
    pub user: Option<User>,
    /// Empty for visitors on pages without a form: their visit needs no session.
    pub csrf_token: String,
    pub flash: Option<Flash>,
    pub dev_mode: bool,
    /// How many items wait in the signed-in person's inbox: 0 for visitors, and not
    /// counted (0) for a form sent back with errors (a write's page).
    pub inbox_count: i64,
    /// Concord's origin (`https://concord.example`), for the absolute links of link
    /// previews (`templates/card.html`).
    pub origin: String,
}

impl FromRequestParts<AppState> for Layout {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Ok(MaybeUser(user)) = MaybeUser::from_request_parts(parts, state).await;
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, e)| AppError::internal(e))?;
        let csrf_token = match user {
            Some(_) => csrf::token(&session).await?,
            None => csrf::existing_token(&session).await?.unwrap_or_default(),
        };
        // The version is read with the person for pages (GET and HEAD) only.
        let version = parts.extensions.get::<crate::inbox::db::Version>();
        let inbox_count = match (&user, version) {
            (Some(user), Some(version)) => {
                crate::inbox::pending_count(state, user.id, version, state.clock.now()).await?
            }
            _ => 0,
        };
        Ok(Layout {
            inbox_count,
            user,
            csrf_token,
            flash: flash::take(parts),
            dev_mode: state.config.dev_sign_in(),
            origin: state.config.origin(),
        })
    }
}

/// Gives a page's form a CSRF token, creating the session's token if needed.
pub async fn with_form_token(mut layout: Layout, session: &Session) -> Result<Layout, AppError> {
    if layout.csrf_token.is_empty() {
        layout.csrf_token = csrf::token(session).await?;
    }
    Ok(layout)
}

/// The page every error is shown on; it needs no database and no session.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub status: u16,
    pub reason: &'static str,
    pub message: String,
    pub request_id: String,
    pub refused_form: Option<crate::error::RefusedForm>,
}
