//! Public review links.

use backline_domain::ids::{ArtistSpaceId, ReviewLinkId, TrackId};
use backline_domain::review::ReviewLink;

use super::RepoResult;

/// A counter a guest moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewCounter {
    /// The link was opened.
    View,
    /// A version was played through it.
    Play,
}

/// Review links on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails; `insert` with `Duplicate` when the code is taken.
#[async_trait::async_trait]
pub trait ReviewLinkRepository: Send + Sync + 'static {
    /// Stores a new link.
    async fn insert(&self, link: &ReviewLink) -> RepoResult<()>;
    /// The link with this code.
    async fn by_code(&self, code: &str) -> RepoResult<Option<ReviewLink>>;
    /// The link with this id.
    async fn by_id(&self, id: ReviewLinkId) -> RepoResult<Option<ReviewLink>>;
    /// A track's links, newest first, at most `limit`.
    async fn for_track(&self, track: TrackId, limit: u64) -> RepoResult<Vec<ReviewLink>>;
    /// How many links in the space are neither revoked nor expired at `now`.
    async fn count_active(&self, space: ArtistSpaceId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<u64>;
    /// Marks a link revoked (keeping the first revocation time); the link as it is now.
    async fn revoke(&self, id: ReviewLinkId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Option<ReviewLink>>;
    /// Adds one to a counter (a single atomic UPDATE, so concurrent guests are all counted).
    async fn count(&self, id: ReviewLinkId, counter: ReviewCounter) -> RepoResult<()>;
}
