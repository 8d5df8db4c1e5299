//! The one table of error codes: the `extensions.code` every GraphQL error, HTTP content
//! response and WebSocket error carries, and the HTTP status each stands for where a status is
//! given (content responses, GraphQL-over-HTTP request errors).

use crate::error::AppError;

/// A stable, machine-readable error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// No valid credentials, or wrong ones.
    Unauthenticated,
    /// Seen, but not allowed.
    Forbidden,
    /// Missing, or not yours to see (the two look the same).
    NotFound,
    /// A bad request or input value (`extensions.field` names the input).
    BadUserInput,
    /// Clashes with existing data.
    Conflict,
    /// The plan's storage is used up.
    QuotaExceeded,
    /// Needs a higher plan (`extensions.requiredPlan`).
    PlanRequired,
    /// Too many attempts (`extensions.retryAfter`).
    RateLimited,
    /// The body or file is larger than allowed.
    PayloadTooLarge,
    /// A persisted query's hash is unknown: send the document with it.
    PersistedQueryNotFound,
    /// The server is handling too many requests (with `Retry-After`).
    ServiceUnavailable,
    /// Anything unexpected (logged with the request id).
    InternalServerError,
}

impl Code {
    /// Every code.
    pub const ALL: [Self; 12] = [
        Self::Unauthenticated,
        Self::Forbidden,
        Self::NotFound,
        Self::BadUserInput,
        Self::Conflict,
        Self::QuotaExceeded,
        Self::PlanRequired,
        Self::RateLimited,
        Self::PayloadTooLarge,
        Self::PersistedQueryNotFound,
        Self::ServiceUnavailable,
        Self::InternalServerError,
    ];

    /// The code as clients read it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::QuotaExceeded => "QUOTA_EXCEEDED",
            Self::PlanRequired => "PLAN_REQUIRED",
            Self::RateLimited => "RATE_LIMITED",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The HTTP status it stands for.
    pub const fn http_status(self) -> u16 {
        match self {
            Self::Unauthenticated => 401,
            Self::Forbidden | Self::QuotaExceeded | Self::PlanRequired => 403,
            Self::NotFound => 404,
            Self::BadUserInput | Self::PersistedQueryNotFound => 400,
            Self::Conflict => 409,
            Self::RateLimited => 429,
            Self::PayloadTooLarge => 413,
            Self::ServiceUnavailable => 503,
            Self::InternalServerError => 500,
        }
    }

    /// The code named `text`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|code| code.as_str() == text)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl AppError {
    /// The error's code.
    pub fn code(&self) -> Code {
        match self {
            Self::Unauthenticated(_) => Code::Unauthenticated,
            Self::Forbidden(_) => Code::Forbidden,
            Self::NotFound(_) => Code::NotFound,
            Self::InvalidInput { .. } => Code::BadUserInput,
            Self::Conflict { .. } => Code::Conflict,
            Self::QuotaExceeded(_) => Code::QuotaExceeded,
            Self::PlanRequired { .. } => Code::PlanRequired,
            Self::RateLimited { .. } => Code::RateLimited,
            Self::PayloadTooLarge(_) => Code::PayloadTooLarge,
            Self::PersistedQueryNotFound => Code::PersistedQueryNotFound,
            Self::Internal(_) => Code::InternalServerError,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_and_has_a_status() {
        for code in Code::ALL {
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!((400..600).contains(&code.http_status()), "{code}");
        }
        assert_eq!(Code::parse("NOPE"), None);
    }

    #[test]
    fn every_error_has_its_code() {
        assert_eq!(AppError::Unauthenticated("x".into()).code(), Code::Unauthenticated);
        assert_eq!(AppError::NotFound("track").code(), Code::NotFound);
        assert_eq!(AppError::invalid("email", "bad").code(), Code::BadUserInput);
        assert_eq!(AppError::conflict("slug", "taken").code(), Code::Conflict);
        assert_eq!(
            AppError::Internal(anyhow::anyhow!("x")).code(),
            Code::InternalServerError
        );
    }
}
