//! Documents of artist spaces.

use std::collections::HashSet;

use backline_domain::ids::{ArtistSpaceId, DocumentId};
use backline_domain::media::Document;

use super::RepoResult;

/// What storing a document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentStored {
    /// Stored; the bytes count against the uploader's storage.
    Stored,
    /// It would not fit the uploader's plan; nothing was written.
    QuotaExceeded,
    /// The space no longer exists; nothing was written.
    SpaceGone,
}

/// Documents on SQLite or PostgreSQL.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait DocumentRepository: Send + Sync + 'static {
    /// In one transaction: reserves the document's bytes of the uploader's storage if that stays
    /// within `storage_limit`, and stores it in its space.
    async fn insert(&self, document: &Document, storage_limit: Option<i64>) -> RepoResult<DocumentStored>;
    /// A space's documents, newest first.
    async fn of_space(&self, space: ArtistSpaceId) -> RepoResult<Vec<Document>>;
    /// Documents by id (missing ids are skipped).
    async fn documents(&self, ids: &[DocumentId]) -> RepoResult<Vec<Document>>;
    /// Deletes these documents of a space, returning their bytes to their uploaders, in one
    /// transaction; the blob keys they held.
    async fn remove(&self, space: ArtistSpaceId, ids: &[DocumentId]) -> RepoResult<Vec<String>>;
    /// Which of `ids` are documents that exist (for orphan collection).
    async fn existing(&self, ids: &[uuid::Uuid]) -> RepoResult<HashSet<uuid::Uuid>>;
}
