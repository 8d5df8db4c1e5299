//! The one place where errors get their `extensions.code`.

use async_graphql::{ErrorExtensions, Response};
use backline_application::{AppError, Code};

/// Converts an application error into a GraphQL error with a stable code. Internal errors are
/// logged (the request id is on the surrounding span) and answered with a generic message.
pub(crate) fn gql(error: AppError) -> async_graphql::Error {
    let code = error.code();
    let message = match &error {
        AppError::Unauthenticated(message)
        | AppError::Forbidden(message)
        | AppError::Conflict { message, .. }
        | AppError::QuotaExceeded(message)
        | AppError::PlanRequired { message, .. }
        | AppError::PayloadTooLarge(message) => message.clone(),
        AppError::Internal(inner) => {
            tracing::error!(error = ?inner, "internal error");
            "internal server error".to_owned()
        }
        other => other.to_string(),
    };
    async_graphql::Error::new(message).extend_with(|_, extensions| {
        extensions.set("code", code.as_str());
        match &error {
            AppError::InvalidInput { field, .. } => extensions.set("field", field.as_str()),
            AppError::Conflict { field: Some(field), .. } => extensions.set("field", field.as_str()),
            AppError::RateLimited { retry_after_secs } => extensions.set("retryAfter", *retry_after_secs),
            AppError::PlanRequired { plan, .. } => extensions.set("requiredPlan", plan.as_str()),
            _ => {}
        }
    })
}

/// A response that carries only `error`, coded as every other (for refusals before execution,
/// such as rate limits), with the request id.
pub fn refusal_response(error: AppError, request_id: &str) -> Response {
    let mut response = Response::from_errors(vec![gql(error).into_server_error(async_graphql::Pos::default())]);
    ensure_error_codes(&mut response, request_id);
    response
}

/// Shorthand: `.gql()?` on use-case results.
pub(crate) trait GqlResult<T> {
    /// Converts the error with [`gql`].
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> GqlResult<T> for Result<T, AppError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(gql)
    }
}

/// A bad value in an argument that never reached a use case (a malformed id, a cursor).
pub(crate) fn bad_input(field: &str, message: impl Into<String>) -> async_graphql::Error {
    gql(AppError::invalid(field, message))
}

/// Gives every error of a response a code (errors raised by the GraphQL engine itself, such as
/// syntax, validation and limit errors, are the client's: `BAD_USER_INPUT`) and the request id.
pub fn ensure_error_codes(response: &mut Response, request_id: &str) {
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", Code::BadUserInput.as_str());
        }
        extensions.set("requestId", request_id);
    }
}

/// Checks that exactly one of the arguments `names` (comma-separated) was given.
pub(crate) fn exactly_one(names: &str, given: usize) -> async_graphql::Result<()> {
    if given == 1 {
        Ok(())
    } else {
        Err(bad_input(
            names.split(',').next().unwrap_or(names),
            format!("give exactly one of {names}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(error: AppError) -> String {
        let error = gql(error);
        error
            .extensions
            .and_then(|extensions| extensions.get("code").map(|value| value.to_string()))
            .unwrap_or_default()
    }

    #[test]
    fn every_variant_has_its_code() {
        assert_eq!(code(AppError::Unauthenticated("x".into())), "\"UNAUTHENTICATED\"");
        assert_eq!(code(AppError::Forbidden("x".into())), "\"FORBIDDEN\"");
        assert_eq!(code(AppError::NotFound("track")), "\"NOT_FOUND\"");
        assert_eq!(code(AppError::invalid("email", "bad")), "\"BAD_USER_INPUT\"");
        assert_eq!(code(AppError::conflict("slug", "taken")), "\"CONFLICT\"");
        assert_eq!(code(AppError::QuotaExceeded("full".into())), "\"QUOTA_EXCEEDED\"");
        assert_eq!(code(AppError::RateLimited { retry_after_secs: 3 }), "\"RATE_LIMITED\"");
        assert_eq!(code(AppError::PayloadTooLarge("big".into())), "\"PAYLOAD_TOO_LARGE\"");
        assert_eq!(code(AppError::PersistedQueryNotFound), "\"PERSISTED_QUERY_NOT_FOUND\"");
        assert_eq!(
            code(AppError::PlanRequired {
                plan: backline_domain::roles::Plan::Pro,
                message: "x".into()
            }),
            "\"PLAN_REQUIRED\""
        );
        assert_eq!(
            code(AppError::Internal(anyhow::anyhow!("db down"))),
            "\"INTERNAL_SERVER_ERROR\""
        );
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let error = gql(AppError::Internal(anyhow::anyhow!(
            "SELECT * FROM users failed at /src/x.rs"
        )));
        assert_eq!(error.message, "internal server error");
    }
}
