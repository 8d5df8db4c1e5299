//! The response rules of the GraphQL-over-HTTP specification. A client that accepts
//! `application/graphql-response+json` gets that media type, and a request that fails before
//! execution (it does not parse or validate, is over a limit, is not authenticated, is rate
//! limited) gets a 4xx status with no `data` entry; one that executed gets 200 whatever its
//! errors. A client that accepts only `application/json` keeps the classic behaviour: 200 and
//! the error in the body.

use async_graphql::{BatchResponse, Response};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use backline_application::Code;

/// The media type of `application/graphql-response+json` answers.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json; charset=utf-8";

/// What the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaType {
    /// `application/json`, the classic: 200 and the errors in the body.
    Json,
    /// `application/graphql-response+json`: status codes tell request errors apart.
    GraphqlResponse,
}

impl MediaType {
    /// The media type a request's `Accept` header asks for.
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        let accepts = headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next().unwrap_or_default();
                let refused = parts.any(|parameter| parameter.replace(' ', "") == "q=0");
                name.eq_ignore_ascii_case("application/graphql-response+json") && !refused
            });
        if accepts { Self::GraphqlResponse } else { Self::Json }
    }
}

/// The status of a request error with `code` (the table's; an unknown code is the client's).
fn status_for(code: &str) -> StatusCode {
    Code::parse(code).map_or(StatusCode::BAD_REQUEST, crate::http::status_of)
}

/// Whether a response is a request error: nothing executed (no data, no error with a path).
fn is_request_error(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|error| error.path.is_empty())
}

fn first_code(response: &Response) -> String {
    response
        .errors
        .first()
        .and_then(|error| error.extensions.as_ref())
        .and_then(|extensions| extensions.get("code"))
        .map(|code| code.to_string().trim_matches('"').to_owned())
        .unwrap_or_default()
}

/// The HTTP answer carrying `response`, as `media` asks.
pub(crate) fn respond(media: MediaType, response: &BatchResponse) -> axum::response::Response {
    let (status, content_type, body) = match (media, response) {
        (MediaType::GraphqlResponse, BatchResponse::Single(single)) if is_request_error(single) => {
            let body = serde_json::json!({ "errors": single.errors });
            (status_for(&first_code(single)), GRAPHQL_RESPONSE, body.to_string())
        }
        (MediaType::GraphqlResponse, response) => (
            StatusCode::OK,
            GRAPHQL_RESPONSE,
            serde_json::to_string(response).unwrap_or_default(),
        ),
        (MediaType::Json, response) => (
            StatusCode::OK,
            "application/json",
            serde_json::to_string(response).unwrap_or_default(),
        ),
    };
    (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// A refusal before execution, with `code`, as `media` asks: 200 for `application/json`, the
/// code's 4xx for `application/graphql-response+json`.
pub(crate) fn refuse(media: MediaType, code: Code, message: &str, request_id: &str) -> axum::response::Response {
    let status = match media {
        MediaType::Json => StatusCode::OK,
        MediaType::GraphqlResponse => crate::http::status_of(code),
    };
    let mut response = crate::http::refusal(status, code, message, request_id);
    if media == MediaType::GraphqlResponse {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(GRAPHQL_RESPONSE));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> MediaType {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(header::ACCEPT, value);
        }
        MediaType::of(&headers)
    }

    #[test]
    fn reads_what_the_client_accepts() {
        assert_eq!(accept(""), MediaType::Json);
        assert_eq!(accept("application/json"), MediaType::Json);
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            MediaType::GraphqlResponse
        );
        assert_eq!(accept("application/graphql-response+json;q=0"), MediaType::Json);
    }

    #[test]
    fn request_errors_get_their_status_and_no_data() {
        let refused = Response::from_errors(vec![async_graphql::ServerError::new("syntax", None)]);
        let answer = respond(MediaType::GraphqlResponse, &BatchResponse::Single(refused));
        assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
        let ran = Response::new(async_graphql::Value::Null);
        let answer = respond(MediaType::GraphqlResponse, &BatchResponse::Single(ran));
        assert_eq!(answer.status(), StatusCode::OK);
    }
}
