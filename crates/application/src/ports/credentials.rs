//! Password hashing, access tokens and login throttling.

use backline_domain::ids::{SessionId, UserId};
use chrono::{DateTime, Utc};

use super::RepoResult;

/// Hashes and checks passwords.
///
/// # Errors
/// Fails only when hashing itself fails (out of memory, bad parameters); a wrong password is
/// `Ok(false)`, never an error.
pub trait PasswordHasher: Send + Sync + 'static {
    /// Hashes a password with the current parameters (a PHC string).
    fn hash(&self, password: &str) -> anyhow::Result<String>;
    /// Checks a password against a stored hash in time independent of where they differ.
    fn verify(&self, password: &str, hash: &str) -> anyhow::Result<bool>;
    /// Whether a stored hash was made with other parameters than today's and should be redone.
    fn needs_rehash(&self, hash: &str) -> bool;
    /// A hash of a random password, to verify against when the account does not exist, so
    /// unknown emails cost the same time as wrong passwords.
    fn dummy_hash(&self) -> &str;
}

/// What an access token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessClaims {
    /// The user.
    pub user_id: UserId,
    /// The session (refresh-token family) the token was issued for.
    pub session_id: SessionId,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

/// Issues and checks access tokens.
///
/// # Errors
/// `verify` returns `Err` with a short reason for any token that is malformed, tampered,
/// expired, for another audience or issuer, of another type, or signed with another algorithm.
pub trait TokenIssuer: Send + Sync + 'static {
    /// Issues an access token; returns it and its expiry.
    fn issue(
        &self,
        user_id: UserId,
        session_id: SessionId,
        now: DateTime<Utc>,
    ) -> anyhow::Result<(String, DateTime<Utc>)>;
    /// Checks a token and returns its claims.
    fn verify(&self, token: &str) -> Result<AccessClaims, String>;
}

/// An attempt let through by a [`LoginThrottle`]: it counts as a failure of each of its keys
/// until it is reported a success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The failure records it wrote.
    pub records: Vec<uuid::Uuid>,
}

/// Counts failed attempts (sign-ins per account and per client address, review-link passwords
/// per link and address) over a sliding window. Kept in the shared store, so every replica
/// counts the same failures. Each attempt is recorded *before* it is checked, so guesses sent
/// in parallel are counted as they arrive, not after their (slow) password checks.
///
/// # Errors
/// Fails only when the store fails.
#[async_trait::async_trait]
pub trait LoginThrottle: Send + Sync + 'static {
    /// Records an attempt against each key and lets it through, or, when a key has then failed
    /// too often recently, takes it back and answers `Ok(Err(seconds))`: the seconds until the
    /// oldest failure that counts leaves the window.
    async fn attempt(&self, keys: &[String], now: DateTime<Utc>) -> RepoResult<Result<Attempt, u64>>;
    /// The attempt succeeded: its records go, and so do the earlier failures of `key` (the
    /// account, the link).
    async fn succeeded(&self, attempt: Attempt, key: &str) -> RepoResult<()>;
}

/// Counts hits per key in fixed windows (mutations per user), kept in the shared store so that
/// every replica counts against the same limit.
///
/// # Errors
/// Fails only when the store fails.
#[async_trait::async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// Adds `hits` to `key`'s count in the window of length `window` that holds `now`.
    /// `Ok(Err(seconds))`, the seconds until that window ends, when the count is then above
    /// `limit`.
    async fn hit(
        &self,
        key: &str,
        hits: u32,
        limit: u32,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> RepoResult<Result<(), u64>>;
    /// Forgets counts and failures from before `before`.
    async fn prune(&self, before: DateTime<Utc>) -> RepoResult<()>;
}
