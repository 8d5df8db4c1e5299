//! Aliases of artist spaces.

use std::collections::HashMap;

use backline_domain::ids::{ArtistAliasId, ArtistSpaceId};
use backline_domain::workspace::ArtistAlias;

use super::RepoResult;

/// Aliases on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails; `insert` and `update` with `Duplicate(Unique::Slug)` when another alias has the slug.
#[async_trait::async_trait]
pub trait AliasRepository: Send + Sync + 'static {
    /// Stores a new alias.
    async fn insert(&self, alias: &ArtistAlias) -> RepoResult<()>;
    /// Saves an alias's name and status.
    async fn update(&self, alias: &ArtistAlias) -> RepoResult<()>;
    /// The alias with this id.
    async fn by_id(&self, id: ArtistAliasId) -> RepoResult<Option<ArtistAlias>>;
    /// The alias with this slug (any status).
    async fn by_slug(&self, slug: &str) -> RepoResult<Option<ArtistAlias>>;
    /// Each space's aliases, oldest first.
    async fn for_spaces(&self, spaces: &[ArtistSpaceId]) -> RepoResult<HashMap<ArtistSpaceId, Vec<ArtistAlias>>>;
}
