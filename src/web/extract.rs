//! Who is asking. The session middleware in `auth::session` resolves the signed-in
//! person once per request; these extractors read that answer.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::auth::model::User;
use crate::error::AppError;

/// The person behind the request, if anyone is signed in.
#[derive(Clone, Debug, Default)]
pub struct SignedIn(pub Option<User>);

/// Anyone, signed in or not.
pub struct MaybeUser(pub Option<User>);

/// A signed-in person; visitors are sent to sign in.
pub struct CurrentUser(pub User);

/// A signed-in site administrator.
pub struct Admin(pub User);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(
            parts.extensions.get::<SignedIn>().and_then(|s| s.0.clone()),
        ))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ok(MaybeUser(user)) = MaybeUser::from_request_parts(parts, state).await;
        user.map(CurrentUser).ok_or(AppError::SignInRequired)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        if user.is_admin {
            Ok(Admin(user))
        } else {
            Err(AppError::Forbidden("only site administrators may do this"))
        }
    }
}
