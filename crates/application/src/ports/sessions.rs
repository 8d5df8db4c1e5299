//! Sign-in sessions and their rotating refresh tokens.

use backline_domain::identity::Session;
use backline_domain::ids::{SessionId, UserId};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::RepoResult;

/// One refresh token of a session, stored as a hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    /// Primary key.
    pub id: Uuid,
    /// The family it belongs to.
    pub session_id: SessionId,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
    /// When it was exchanged for a new one; a used token presented again means theft.
    pub used_at: Option<DateTime<Utc>>,
}

/// What rotating a refresh token came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RotateOutcome {
    /// The old token was unused and is now used; the new one is stored.
    Rotated,
    /// The old token had already been used (by a concurrent or replayed request).
    AlreadyUsed,
}

/// Stores sessions and refresh tokens.
///
/// # Errors
/// Fails only when the store fails.
#[async_trait::async_trait]
pub trait SessionRepository: Send + Sync + 'static {
    /// Stores a new session with its first token.
    async fn create(&self, session: &Session, token: &RefreshTokenRecord) -> RepoResult<()>;
    /// Finds a token by hash, with its session.
    async fn find_token(&self, token_hash: &str) -> RepoResult<Option<(RefreshTokenRecord, Session)>>;
    /// Marks `old` used and stores `new` in one transaction, and bumps the session's activity and
    /// expiry. Reports `AlreadyUsed` (and stores nothing) when `old` was used meanwhile.
    async fn rotate(&self, old: Uuid, new: &RefreshTokenRecord, now: DateTime<Utc>) -> RepoResult<RotateOutcome>;
    /// Revokes a session and records `Event::SessionsEnded` for it in the same transaction;
    /// `false` (and no event) when it was not found or already revoked.
    async fn revoke(&self, session_id: SessionId, now: DateTime<Utc>) -> RepoResult<bool>;
    /// Revokes every unrevoked session of a user and records `Event::SessionsEnded` for them in
    /// the same transaction; returns them.
    async fn revoke_all(&self, user_id: UserId, now: DateTime<Utc>) -> RepoResult<Vec<SessionId>>;
    /// The user's unrevoked, unexpired sessions, most recently active first.
    async fn list_active(&self, user_id: UserId, now: DateTime<Utc>) -> RepoResult<Vec<Session>>;
    /// One session.
    async fn find(&self, session_id: SessionId) -> RepoResult<Option<Session>>;
}
