//! The domain's single error type: a value that does not satisfy an invariant.

/// A value was refused by a domain rule. `field` names the input it came from (camelCase, as
/// clients know it) so the API can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DomainError {
    /// The input field that holds the refused value, e.g. `email`.
    pub field: &'static str,
    /// A sentence that says what is wrong and what is accepted.
    pub message: String,
}

impl DomainError {
    /// Builds the error for `field` with a human-readable message.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
