//! One-time tokens sent by email, stored only as hashes.

use backline_domain::ids::UserId;
use chrono::{DateTime, Utc};

use super::RepoResult;

/// What an email token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailTokenPurpose {
    /// Confirms the account's address.
    VerifyEmail,
}

impl EmailTokenPurpose {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailTokenPurpose::VerifyEmail => "VERIFY_EMAIL",
        }
    }
}

/// Stores email tokens.
///
/// # Errors
/// Fails only when the store fails.
#[async_trait::async_trait]
pub trait EmailTokenRepository: Send + Sync + 'static {
    /// Stores a new token hash, first invalidating the user's earlier tokens of that purpose.
    async fn replace(
        &self,
        id: uuid::Uuid,
        user_id: UserId,
        purpose: EmailTokenPurpose,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepoResult<()>;
    /// Marks an unused, unexpired token as used and returns its user; `None` when there is no
    /// such token. Two concurrent calls never both succeed.
    async fn consume(
        &self,
        purpose: EmailTokenPurpose,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<UserId>>;
}
