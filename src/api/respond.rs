//! What every API answer shares: who is asking (a [`Viewer`]), cursor pagination
//! ([`PageQuery`], [`Listing`]), JSON bodies read without a 500 for anything a bot can
//! send ([`json_body`]), JSON refusals ([`ApiError`]) and the caching rules ([`answer`]):
//! an answer to a request without a token may be kept by any cache; an answer to a
//! token is `private, no-store`, and every answer says `Vary: Authorization`.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

use super::model;
use crate::app::AppState;
use crate::auth::model::User;
use crate::error::AppError;
use crate::teams::db::WriteError;
use crate::tokens::bearer::{self, ApiCaller, ApiRefusal, Caller};
use crate::tokens::model::Scope;
use crate::web::form::FormErrors;

/// Who an answer is for. Without a token, or with one that lacks `read`, a visitor:
/// every rule of the rooms is then asked about nobody, exactly as for a page seen
/// without signing in. With `read`, the token's owner and their current teams.
pub struct Viewer {
    pub user: Option<User>,
    pub teams: Vec<i64>,
    /// A token was sent: the answer is the token's and no shared cache may keep it.
    pub private: bool,
}

impl Viewer {
    pub async fn of(state: &AppState, caller: &ApiCaller) -> Result<Viewer, AppError> {
        let private = caller.0.is_some();
        let user = caller
            .0
            .as_ref()
            .filter(|c| c.may(Scope::Read))
            .map(|c| c.user.clone());
        let teams = match &user {
            Some(user) => crate::teams::db::current_team_ids(&state.pool, user.id).await?,
            None => Vec::new(),
        };
        Ok(Viewer {
            user,
            teams,
            private,
        })
    }

    pub fn user_id(&self) -> Option<i64> {
        self.user.as_ref().map(|u| u.id)
    }

    pub fn is_member_of(&self, team_id: i64) -> bool {
        self.teams.contains(&team_id)
    }
}

/// An API refusal or failure, always JSON with `code`, `message` and `request_id`.
/// Room errors (`AppError`) get their JSON from `error::render_error_pages`.
/// (Boxed: a response is large, and every `Result` of the API carries one.)
pub struct ApiError(Box<Response>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        *self.0
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(Box::new(e.into_response()))
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        AppError::from(e).into()
    }
}

impl From<WriteError> for ApiError {
    fn from(e: WriteError) -> Self {
        AppError::from(e).into()
    }
}

impl From<ApiRefusal> for ApiError {
    fn from(r: ApiRefusal) -> Self {
        ApiError(Box::new(r.into_response()))
    }
}

impl From<Response> for ApiError {
    fn from(r: Response) -> Self {
        ApiError(Box::new(r))
    }
}

/// The refusals every write may answer with, for the OpenAPI document.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum WriteRefusals {
    /// No token, or one that is not live.
    #[response(status = 401)]
    Unauthorized(model::ApiErrorJson),
    /// The token lacks the scope, or the room's rule refuses its owner.
    #[response(status = 403)]
    Forbidden(model::ApiErrorJson),
    /// Nothing there for the token's owner.
    #[response(status = 404)]
    NotFound(model::ApiErrorJson),
    /// The room's rule refuses it now (a closed window, a closed decision...).
    #[response(status = 409)]
    Conflict(model::ApiErrorJson),
    /// Fields the room's form rules refuse, or of the wrong type.
    #[response(status = 422)]
    Invalid(model::ApiErrorJson),
    /// The token's allowance is used up.
    #[response(status = 429)]
    TooMany(model::ApiErrorJson),
}

/// A refusal with its own code.
pub fn refuse(
    headers: &HeaderMap,
    status: StatusCode,
    code: &'static str,
    message: impl Into<String>,
) -> ApiError {
    ApiRefusal {
        status,
        code,
        message: message.into(),
        request_id: bearer::request_id_of(headers),
    }
    .into()
}

/// A 422 for input the room's form rules refused, with a message per field.
pub fn invalid(headers: &HeaderMap, errors: &FormErrors) -> ApiError {
    let fields: serde_json::Map<String, serde_json::Value> = errors
        .iter()
        .map(|(field, message)| (field.to_string(), message.clone().into()))
        .collect();
    let message = errors
        .iter()
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let body = serde_json::json!({
        "code": "invalid_fields",
        "message": message,
        "fields": fields,
        "request_id": bearer::request_id_of(headers),
    });
    ApiError(Box::new(no_store(
        (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response(),
    )))
}

/// The token a write needs: one with `scope`. Without a token, a 401; without the scope,
/// a 403.
pub fn writer<'a>(
    headers: &HeaderMap,
    caller: &'a ApiCaller,
    scope: Scope,
) -> Result<&'a Caller, ApiError> {
    let Some(caller) = caller.0.as_ref() else {
        return Err(refuse(
            headers,
            StatusCode::UNAUTHORIZED,
            "token_required",
            format!(
                "Writing needs a token with the \u{201c}{}\u{201d} scope, sent as \u{201c}Authorization: Bearer concord_pat_...\u{201d}.",
                scope.as_str()
            ),
        ));
    };
    if !caller.may(scope) {
        return Err(bearer::lacks(bearer::request_id_of(headers), scope).into());
    }
    Ok(caller)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// How many items a page of a list holds unless `limit` says otherwise, and at most.
pub const PAGE_DEFAULT: usize = 50;
pub const PAGE_MAX: usize = 100;

/// `?after=<cursor>&limit=<n>`: the cursor is the `next` of the page before.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageQuery {
    pub after: Option<i64>,
    pub limit: usize,
}

impl PageQuery {
    /// Reads the query string; a cursor or limit that is not one is a JSON 400.
    pub fn parse(headers: &HeaderMap, raw: Option<&str>) -> Result<PageQuery, ApiError> {
        let mut page = PageQuery {
            after: None,
            limit: PAGE_DEFAULT,
        };
        for (name, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            match name.as_ref() {
                "after" => {
                    page.after = Some(value.trim().parse::<i64>().ok().filter(|n| *n >= 0).ok_or_else(|| {
                        refuse(
                            headers,
                            StatusCode::BAD_REQUEST,
                            "invalid_cursor",
                            "\u{201c}after\u{201d} takes the \u{201c}next\u{201d} cursor of the page before, as it was given.",
                        )
                    })?);
                }
                "limit" => {
                    page.limit = value
                        .trim()
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=PAGE_MAX).contains(n))
                        .ok_or_else(|| {
                            refuse(
                                headers,
                                StatusCode::BAD_REQUEST,
                                "invalid_limit",
                                format!("\u{201c}limit\u{201d} is a number from 1 to {PAGE_MAX}."),
                            )
                        })?;
                }
                _ => {}
            }
        }
        Ok(page)
    }
}

/// One page of a list: its items and the cursor of the next page (`null` on the last).
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// The page after `query.after` of `items`, a whole list in its room's order, each
/// item's cursor given by `key` (its id). A cursor that names nothing in the list is a
/// 400.
pub fn page_of<T>(
    headers: &HeaderMap,
    items: Vec<T>,
    key: impl Fn(&T) -> i64,
    query: PageQuery,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let start = match query.after {
        None => 0,
        Some(after) => {
            items
                .iter()
                .position(|item| key(item) == after)
                .ok_or_else(|| {
                    refuse(
                        headers,
                        StatusCode::BAD_REQUEST,
                        "invalid_cursor",
                        "This cursor names nothing in this list; start again without \u{201c}after\u{201d}.",
                    )
                })?
                + 1
        }
    };
    let mut rest: Vec<T> = items.into_iter().skip(start).collect();
    let next = if rest.len() > query.limit {
        rest.truncate(query.limit);
        rest.last().map(|item| key(item).to_string())
    } else {
        None
    };
    Ok((rest, next))
}

/// The JSON answer to a read, with a weak ETag (`304` when the client has it already)
/// and the caching rules for whom it is for.
pub fn answer(
    headers: &HeaderMap,
    viewer: &Viewer,
    value: &impl Serialize,
) -> Result<Response, ApiError> {
    let body = serde_json::to_vec(value).map_err(AppError::internal)?;
    let etag = model::etag(&body);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| model::etag_matches(sent, &etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response()
    };
    let out = response.headers_mut();
    out.insert(
        header::ETAG,
        HeaderValue::from_str(&etag).map_err(AppError::internal)?,
    );
    cache_headers(out, viewer.private);
    Ok(response)
}

/// `Cache-Control` and `Vary` for an answer: public, or the token's own.
pub fn cache_headers(out: &mut HeaderMap, private: bool) {
    if private {
        out.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(model::PRIVATE_CACHE_CONTROL),
        );
    } else {
        out.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(model::CACHE_CONTROL),
        );
        out.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    out.insert(
        header::VARY,
        HeaderValue::from_static("authorization, accept-encoding"),
    );
}

/// A JSON body as one of the rooms' forms, read once the token is known (so a request
/// without one is told that first). Anything that is not one is a JSON 415 (not
/// `application/json`), 400 (not JSON) or 422 (a field of the wrong type), never a 500;
/// a body over the size limit is refused before (413).
pub fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("application/json")
                || (v.starts_with("application/") && v.ends_with("+json"))
        });
    if !is_json {
        return Err(refuse(
            headers,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Send the body as JSON, with \u{201c}Content-Type: application/json\u{201d}.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Data => refuse(
                headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_fields",
                format!("A field has the wrong type: {e}."),
            ),
            _ => refuse(
                headers,
                StatusCode::BAD_REQUEST,
                "invalid_json",
                format!("The body is not JSON: {e}."),
            ),
        }
    })
}
