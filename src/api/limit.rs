//! The API's layer: finds the caller once per request (`tokens::bearer::authenticate`),
//! counts the request against its token's allowance (`web::rate_limit`, the same keyed
//! limiters as the per-address ones) and says where the token stands in `RateLimit-Limit`,
//! `RateLimit-Remaining` and `RateLimit-Reset`, and marks every answer to a token
//! `private, no-store`. Over the allowance: a JSON 429 with
//! `Retry-After`. Requests without a token are limited per address, as before.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::tokens::bearer::{self, ApiRefusal, Found};
use crate::web::rate_limit::Allowance;

pub async fn per_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let caller = match bearer::authenticate(&parts, &state).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let allowance = caller
        .as_ref()
        .and_then(|c| state.rate_limits.check_token(c.token_id));
    if let Some(
        allowance @ Allowance {
            retry_after: Some(wait),
            ..
        },
    ) = allowance
    {
        tracing::info!(
            token = caller.as_ref().map(|c| c.token_id),
            wait,
            "rate limited: a token"
        );
        let mut response = ApiRefusal {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "rate_limited",
            message: format!(
                "This token has made {} requests in the last minute, its allowance. Wait {wait} second{} and try again.",
                allowance.limit,
                if wait == 1 { "" } else { "s" }
            ),
            request_id: bearer::request_id_of(&parts.headers),
        }
        .into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        tell(response.headers_mut(), allowance);
        return response;
    }
    let private = caller.is_some();
    parts.extensions.insert(Found(caller));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(allowance) = allowance {
        tell(response.headers_mut(), allowance);
    }
    // Whatever a token was answered, refusals included, is the token's: no shared cache
    // keeps it.
    if private {
        crate::api::respond::cache_headers(response.headers_mut(), true);
    }
    response
}

fn tell(headers: &mut HeaderMap, allowance: Allowance) {
    headers.insert("ratelimit-limit", HeaderValue::from(allowance.limit));
    headers.insert(
        "ratelimit-remaining",
        HeaderValue::from(allowance.remaining),
    );
    headers.insert(
        "ratelimit-reset",
        HeaderValue::from(allowance.reset_seconds),
    );
}
