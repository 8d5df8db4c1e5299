//! Stored files (track versions) and their analysis.

use std::collections::{HashMap, HashSet};

use backline_domain::ids::{FileId, TrackId};
use backline_domain::media::{Analysis, MediaFile};
use backline_domain::page::{Page, PageRequest};

use super::{Notices, RepoResult};

/// What inserting a new version did.
#[derive(Debug, Clone, PartialEq)]
pub enum NewVersion {
    /// Stored, with its version number.
    Created(Box<MediaFile>),
    /// The owner's storage would exceed the limit; nothing was written.
    QuotaExceeded {
        /// Bytes the owner already uses.
        used: i64,
    },
    /// The track no longer exists; nothing was written.
    TrackGone,
}

/// Files and their analysis results.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait FileRepository: Send + Sync + 'static {
    /// In one transaction: takes the track's next version number (never reused), reserves
    /// `file.size` bytes of the owner's storage if that stays within `storage_limit` (`None`:
    /// unlimited), inserts the file (its `version` field is ignored) and, for audio, queues its
    /// analysis job, with a `FileUploaded` event and the notifications `notices` words for the
    /// stored file (with their live events). Concurrent calls on one track get consecutive
    /// numbers.
    async fn insert_version(
        &self,
        file: &MediaFile,
        storage_limit: Option<i64>,
        notices: Notices<'_, MediaFile>,
    ) -> RepoResult<NewVersion>;
    /// Files by id (missing ids are skipped).
    async fn files(&self, ids: &[FileId]) -> RepoResult<Vec<MediaFile>>;
    /// One page of each track's files, newest version first.
    async fn page_for_tracks(
        &self,
        tracks: &[TrackId],
        page: PageRequest,
    ) -> RepoResult<HashMap<TrackId, Page<MediaFile>>>;
    /// How many files each track holds.
    async fn count_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, u64>>;
    /// Each track's highest version.
    async fn latest_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, MediaFile>>;
    /// Each track's version approved as final.
    async fn final_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, MediaFile>>;
    /// Marks one version final and clears the flag on its track's others, with a
    /// `VersionApproved` event and, when it was not final already, the notifications `notices`
    /// words for it, in one transaction.
    /// [`RepoError::NotFound`](super::RepoError::NotFound) when the file is gone.
    async fn approve(&self, id: FileId, notices: Notices<'_, MediaFile>) -> RepoResult<MediaFile>;
    /// Deletes the file and returns its bytes to the owner's storage, with a `FileDeleted` event,
    /// in one transaction; `None` when it was already gone.
    async fn delete(&self, id: FileId) -> RepoResult<Option<MediaFile>>;
    /// Records analysis progress or results; a READY or FAILED result also records an
    /// `AnalysisFinished` event with the file as it is now, in the same transaction.
    async fn set_analysis(&self, id: FileId, analysis: &Analysis) -> RepoResult<()>;
    /// Which of `ids` are files that exist (for orphan collection).
    async fn existing(&self, ids: &[uuid::Uuid]) -> RepoResult<HashSet<uuid::Uuid>>;
    /// Up to `limit` files with ids above `after`, in id order (for walking every file).
    async fn scan(&self, after: Option<FileId>, limit: u64) -> RepoResult<Vec<MediaFile>>;
}
