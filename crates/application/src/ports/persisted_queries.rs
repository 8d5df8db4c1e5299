//! Persisted GraphQL documents (Apollo's automatic persisted queries): documents registered by
//! their SHA-256, kept in the shared store so a hash registered through one replica runs on all.

use super::RepoResult;

/// Stores documents by the SHA-256 (hex) of their text.
///
/// # Errors
/// Fails only when the store fails.
#[async_trait::async_trait]
pub trait PersistedQueryStore: Send + Sync + 'static {
    /// The document registered under `hash`, if any.
    async fn get(&self, hash: &str) -> RepoResult<Option<String>>;
    /// Registers `document` under `hash` (the caller checked the hash). Registering a hash again
    /// changes nothing.
    async fn put(&self, hash: &str, document: &str) -> RepoResult<()>;
    /// Keeps at most `keep` documents, dropping the oldest.
    async fn prune(&self, keep: u64) -> RepoResult<()>;
}
