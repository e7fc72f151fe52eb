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

/// The longest text that can name anything Concord looks up by name (a team's slug, a
/// login, a post's slug, an id); past it, or with a control character in it (a NUL,
/// which PostgreSQL cannot even compare), a path segment or form field names nothing.
pub const KEY_MAX: usize = 200;

/// Whether `text` cannot be the slug, login or id of anything: the one rule behind
/// "not found" for an odd path segment and "no such team/person" for an odd form field.
pub fn names_nothing(text: &str) -> bool {
    text.len() > KEY_MAX || text.chars().any(char::is_control)
}

/// Percent-decodes `text` (`+` is left alone: that is the form parser's business).
/// `None` when an escape is malformed.
pub fn percent_decode(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.iter();
    while let Some(&b) = bytes.next() {
        if b == b'%' {
            let hex = [*bytes.next()?, *bytes.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    Some(out)
}

/// Answers "not found" for a path with a segment that names nothing: not UTF-8 once
/// decoded, a control character, or longer than [`KEY_MAX`]. Runs before routing, so no
/// handler (and no query) ever sees such a path parameter.
pub async fn refuse_unnamed_paths(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let readable = request.uri().path().split('/').all(|segment| {
        percent_decode(segment.as_bytes())
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .is_some_and(|text| !names_nothing(&text))
    });
    if readable {
        next.run(request).await
    } else {
        AppError::NotFound.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_overlong_texts_name_nothing() {
        assert!(!names_nothing("core-team"));
        assert!(!names_nothing("équipe"));
        assert!(names_nothing("a\0b"));
        assert!(names_nothing("a\u{1b}b"));
        assert!(names_nothing(&"a".repeat(KEY_MAX + 1)));
    }

    #[test]
    fn percent_decoding_refuses_malformed_escapes() {
        assert_eq!(percent_decode(b"a%00b%2Fc+d"), Some(b"a\0b/c+d".to_vec()));
        assert_eq!(percent_decode(b"%C3%A9"), Some("é".as_bytes().to_vec()));
        assert_eq!(percent_decode(b"%zz"), None);
        assert_eq!(percent_decode(b"ab%4"), None);
    }
}
