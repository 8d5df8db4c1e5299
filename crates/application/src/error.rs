//! The application layer's one error type; `code.rs` gives each variant its stable
//! `extensions.code`.

use backline_domain::DomainError;

use crate::ports::{RepoError, Unique};

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid credentials were presented, or they were wrong.
    #[error("{0}")]
    Unauthenticated(String),
    /// The caller can see the resource but may not do this to it.
    #[error("{0}")]
    Forbidden(String),
    /// The resource does not exist, or the caller may not see it (the two look the same).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An input value was refused; `field` names it.
    #[error("{field}: {message}")]
    InvalidInput {
        /// The input field, as the client named it.
        field: String,
        /// What is wrong and what is accepted.
        message: String,
    },
    /// The change clashes with existing data (a taken email, a duplicate collaborator).
    #[error("{message}")]
    Conflict {
        /// The input field that clashes, when one does.
        field: Option<String>,
        /// What clashes.
        message: String,
    },
    /// The caller's plan does not allow this much.
    #[error("{0}")]
    QuotaExceeded(String),
    /// The feature needs a higher plan than the one paying for the space; `plan` names the
    /// lowest plan that allows it.
    #[error("{message}")]
    PlanRequired {
        /// The lowest plan that allows it.
        plan: backline_domain::roles::Plan,
        /// What needs it, and the plan in force.
        message: String,
    },
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited {
        /// Seconds until another attempt is accepted.
        retry_after_secs: u64,
    },
    /// The request body or file is larger than allowed.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// A persisted query's hash is not registered: send the document with its hash.
    #[error("PersistedQueryNotFound")]
    PersistedQueryNotFound,
    /// Anything unexpected. Logged with the request id; clients see a generic message.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// Shorthand for a refused input.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for a conflict on a field.
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

impl From<DomainError> for AppError {
    fn from(error: DomainError) -> Self {
        Self::InvalidInput {
            field: error.field.to_owned(),
            message: error.message,
        }
    }
}

impl From<crate::ports::EventError> for AppError {
    /// A subscriber that fell behind must resubscribe and refetch.
    fn from(error: crate::ports::EventError) -> Self {
        Self::Conflict {
            field: None,
            message: format!("you {error}"),
        }
    }
}

impl From<RepoError> for AppError {
    fn from(error: RepoError) -> Self {
        match error {
            RepoError::Duplicate(unique) => {
                let field = match unique {
                    Unique::ShortId => "shortId",
                    Unique::Slug => "slug",
                    Unique::Email => "email",
                    Unique::Username => "username",
                    Unique::Membership => "userId",
                    Unique::Code => "code",
                    Unique::Other => "value",
                };
                Self::conflict(field, format!("{field} is already taken"))
            }
            RepoError::NotFound => Self::NotFound("resource"),
            RepoError::Unknown(inner) => Self::Internal(inner),
        }
    }
}

/// Results of use cases.
pub type AppResult<T> = Result<T, AppError>;

/// Turns a `NOT_FOUND` about what holds a resource (its track, project or space) into one
/// about the resource the caller addressed. An id the caller may not read then answers exactly
/// as an invented one: the same code and the same message.
pub(crate) trait NotFoundAs<T> {
    /// Names `what` in any `NOT_FOUND`.
    fn not_found_as(self, what: &'static str) -> AppResult<T>;
}

impl<T> NotFoundAs<T> for AppResult<T> {
    fn not_found_as(self, what: &'static str) -> AppResult<T> {
        self.map_err(|error| match error {
            AppError::NotFound(_) => AppError::NotFound(what),
            other => other,
        })
    }
}
