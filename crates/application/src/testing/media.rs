//! In-memory fakes of the media ports: analysis jobs, images, documents, and scripted audio and image processing.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use backline_domain::ids::{ArtistSpaceId, DocumentId, FileId, ImageId, JobId, ProjectId, UserId};
use backline_domain::media::{
    AudioMetadata, Document, Image, ImageTarget, ImageVariant, Loudness, MediaFormat, Waveform,
};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use uuid::Uuid;

use super::{Locked, MemoryFiles, MemoryUsers, MemoryWorkspace};
use crate::ports::{
    AnalysisFailure, AudioAnalyzer, AudioReport, ByteStream, DocumentRepository, DocumentStored, ImageProcessor,
    ImageRefusal, ImageRepository, ImageSet, Job, JobKind, JobQueue, ProcessedImage, RepoError, RepoResult, Unique,
    UserRepository, WorkspaceRepository,
};

/// Where a stored job stands (the SQL `jobs.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    /// Waiting to run (or to be retried) at its `run_at`.
    Pending,
    /// Claimed by a worker until its `locked_until`.
    Running,
    /// Given up, kept with its reason.
    Failed,
}

/// One stored job: a row of the SQL `jobs` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredJob {
    /// Its id.
    pub id: JobId,
    /// What it does.
    pub kind: JobKind,
    /// What it does it to.
    pub subject: Uuid,
    /// Where it stands.
    pub status: JobStatus,
    /// Claims so far.
    pub attempts: i32,
    /// When it is due.
    pub run_at: DateTime<Utc>,
    /// Until when its worker holds it (while RUNNING).
    pub locked_until: Option<DateTime<Utc>>,
    /// Why its last try failed.
    pub last_error: Option<String>,
}

/// What the job fake holds.
#[derive(Default)]
struct JobState {
    /// The `jobs` table, in the order the jobs were queued.
    jobs: Vec<StoredJob>,
    /// Jobs completed (and so deleted), in order.
    completed: Vec<JobId>,
}

/// The durable job queue in memory, with the same rules as the SQL store: a job is queued
/// PENDING with no attempts; a claim takes the due job with the earliest `run_at` (PENDING
/// with `run_at <= now`, or RUNNING with `locked_until < now`: its worker died), makes it
/// RUNNING until `now + lease` and counts the attempt; completing deletes it; retrying makes it
/// PENDING again at a new `run_at`; failing keeps it FAILED with its reason; the next due time
/// is the earliest `run_at` of a PENDING job or lease end of a RUNNING one; and changes to an
/// unknown id change nothing and are no error.
///
/// Like the SQL store, a claim counts attempts but never caps them: the cap on attempts
/// (`MediaSettings::max_attempts`, `BACKLINE_ANALYSIS_ATTEMPTS`) is applied at claim time by
/// the use case (`run_next_job`), which ends a job claimed more often than that FAILED ("worker
/// died during analysis").
#[derive(Default)]
pub struct MemoryJobs {
    state: Locked<JobState>,
}

impl MemoryJobs {
    /// An empty queue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored job (waiting, running or failed; completed ones are deleted), in the order
    /// they were queued.
    pub fn jobs(&self) -> Vec<StoredJob> {
        self.state.lock().map(|state| state.jobs.clone()).unwrap_or_default()
    }

    /// The stored job with this id.
    pub fn job(&self, id: JobId) -> Option<StoredJob> {
        self.jobs().into_iter().find(|job| job.id == id)
    }

    /// The stored jobs about `subject`, in the order they were queued.
    pub fn jobs_for(&self, subject: Uuid) -> Vec<StoredJob> {
        self.jobs().into_iter().filter(|job| job.subject == subject).collect()
    }

    /// The jobs completed so far (deleted from the queue), in order.
    pub fn completed(&self) -> Vec<JobId> {
        self.state
            .lock()
            .map(|state| state.completed.clone())
            .unwrap_or_default()
    }

    /// Gives a claimed job back, as the SQL `release` does.
    fn release(&self, id: JobId, status: JobStatus, run_at: Option<DateTime<Utc>>, error: &str) -> RepoResult<()> {
        self.state.with(|state| {
            if let Some(job) = state.jobs.iter_mut().find(|job| job.id == id) {
                job.status = status;
                job.locked_until = None;
                job.last_error = Some(error.to_owned());
                if let Some(run_at) = run_at {
                    job.run_at = run_at;
                }
            }
            Ok(())
        })
    }
}

#[async_trait::async_trait]
impl JobQueue for MemoryJobs {
    async fn enqueue(&self, kind: JobKind, subject: Uuid, run_at: DateTime<Utc>) -> RepoResult<JobId> {
        let id = JobId(Uuid::now_v7());
        self.state.with(|state| {
            state.jobs.push(StoredJob {
                id,
                kind,
                subject,
                status: JobStatus::Pending,
                attempts: 0,
                run_at,
                locked_until: None,
                last_error: None,
            });
            Ok(id)
        })
    }

    async fn claim(&self, now: DateTime<Utc>, lease: chrono::Duration) -> RepoResult<Option<Job>> {
        self.state.with(|state| {
            let due = |job: &StoredJob| match job.status {
                JobStatus::Pending => job.run_at <= now,
                JobStatus::Running => job.locked_until.is_some_and(|until| until < now),
                JobStatus::Failed => false,
            };
            // ORDER BY run_at LIMIT 1; among equal times the first queued.
            let Some(job) = state
                .jobs
                .iter_mut()
                .filter(|job| due(job))
                .min_by_key(|job| job.run_at)
            else {
                return Ok(None);
            };
            job.status = JobStatus::Running;
            job.attempts += 1;
            job.locked_until = Some(now + lease);
            Ok(Some(Job {
                id: job.id,
                kind: job.kind,
                subject: job.subject,
                attempts: job.attempts,
            }))
        })
    }

    async fn complete(&self, id: JobId) -> RepoResult<()> {
        self.state.with(|state| {
            let before = state.jobs.len();
            state.jobs.retain(|job| job.id != id);
            if state.jobs.len() < before {
                state.completed.push(id);
            }
            Ok(())
        })
    }

    async fn retry(&self, id: JobId, run_at: DateTime<Utc>, error: &str) -> RepoResult<()> {
        self.release(id, JobStatus::Pending, Some(run_at), error)
    }

    async fn fail(&self, id: JobId, error: &str) -> RepoResult<()> {
        self.release(id, JobStatus::Failed, None, error)
    }

    async fn pending(&self) -> RepoResult<u64> {
        self.state.with(|state| {
            let open = state
                .jobs
                .iter()
                .filter(|job| matches!(job.status, JobStatus::Pending | JobStatus::Running))
                .count();
            Ok(u64::try_from(open).unwrap_or(u64::MAX))
        })
    }

    async fn next_due(&self) -> RepoResult<Option<DateTime<Utc>>> {
        self.state.with(|state| {
            Ok(state
                .jobs
                .iter()
                .filter_map(|job| match job.status {
                    JobStatus::Pending => Some(job.run_at),
                    JobStatus::Running => job.locked_until,
                    JobStatus::Failed => None,
                })
                .min())
        })
    }
}

/// Reserves `size` bytes of `owner`'s storage in `files` if that stays within `limit` (the SQL
/// `add_storage`: `storage_used + delta <= limit`); whether it did.
fn reserve(files: &MemoryFiles, owner: UserId, size: i64, limit: Option<i64>) -> bool {
    let used = files.storage_used(owner);
    let after = used.saturating_add(size);
    if limit.is_some_and(|limit| after > limit) {
        return false;
    }
    files.set_storage_used(owner, after);
    true
}

/// Returns `size` bytes to `owner`'s storage in `files`.
fn release(files: &MemoryFiles, owner: UserId, size: i64) {
    files.set_storage_used(owner, files.storage_used(owner).saturating_sub(size));
}

/// One `images` row.
#[derive(Debug, Clone)]
struct ImageRow {
    image: Image,
    target: ImageTarget,
    target_id: Uuid,
}

/// What the image fake holds.
#[derive(Default)]
struct ImageState {
    /// The `images` table, in the order the images were stored.
    rows: Vec<ImageRow>,
    /// The `image` column of users, spaces and projects: which image each target shows.
    shown: HashMap<(ImageTarget, Uuid), ImageId>,
}

impl ImageState {
    /// Deletes `doomed` (owners in id order, as the SQL store locks them), returning their bytes
    /// to their owners; the blob keys they held.
    fn remove(&mut self, files: &MemoryFiles, mut doomed: Vec<ImageRow>) -> Vec<String> {
        doomed.sort_by_key(|row| row.image.owner_id);
        let mut keys = Vec::new();
        for row in doomed {
            let before = self.rows.len();
            self.rows.retain(|held| held.image.id != row.image.id);
            if self.rows.len() < before {
                release(files, row.image.owner_id, row.image.size);
                keys.extend(row.image.blob_keys());
            }
        }
        keys
    }
}

/// Images in memory, with the same rules as the SQL store. Setting an image first finds its
/// target (the user in `users`, the space or project in `workspace`; `TargetGone` when it is
/// not there), then reserves the image's bytes of the owner's storage within the limit
/// (`QuotaExceeded`, nothing written, when it would not fit), stores it, points the target at
/// it ([`MemoryImages::shown`]) and deletes the image the target showed before, returning that
/// one's bytes and the replaced image (its blobs are the caller's to remove). An ARTIST_VISUAL
/// joins the space's visuals and replaces nothing. Removing images returns their bytes and
/// their blob keys, and leaves what a target shows alone, as the SQL store leaves the column.
///
/// Storage is the per-user count [`MemoryFiles`] keeps (the SQL `subscriptions.storage_used`
/// that files, images and documents share); reading and writing it are two steps of that
/// fake, so an image set races with a file upload running at the very same time. Deleting a
/// space or project in `workspace` does not delete its images here.
pub struct MemoryImages {
    users: Arc<MemoryUsers>,
    workspace: Arc<MemoryWorkspace>,
    files: Arc<MemoryFiles>,
    state: Locked<ImageState>,
}

impl MemoryImages {
    /// Images whose targets are the accounts in `users` and the spaces and projects in
    /// `workspace`, counting their bytes in the storage `files` keeps.
    pub fn new(users: Arc<MemoryUsers>, workspace: Arc<MemoryWorkspace>, files: Arc<MemoryFiles>) -> Self {
        Self {
            users,
            workspace,
            files,
            state: Locked::default(),
        }
    }

    /// Every stored image, in the order they were stored.
    pub fn stored(&self) -> Vec<Image> {
        self.state
            .lock()
            .map(|state| state.rows.iter().map(|row| row.image.clone()).collect())
            .unwrap_or_default()
    }

    /// What a stored image is for: its target and the target's id.
    pub fn target_of(&self, id: ImageId) -> Option<(ImageTarget, Uuid)> {
        self.state.lock().ok().and_then(|state| {
            state
                .rows
                .iter()
                .find(|row| row.image.id == id)
                .map(|row| (row.target, row.target_id))
        })
    }

    /// The image a user, space or project shows (its `image` column); `None` for visuals.
    pub fn shown(&self, target: ImageTarget, target_id: Uuid) -> Option<ImageId> {
        self.state
            .lock()
            .ok()
            .and_then(|state| state.shown.get(&(target, target_id)).copied())
    }

    /// Whether the target exists (the SQL store's `UPDATE … WHERE id = …` touching one row).
    async fn target_exists(&self, target: ImageTarget, id: Uuid) -> RepoResult<bool> {
        Ok(match target {
            ImageTarget::UserAvatar => self.users.find(UserId(id)).await?.is_some(),
            ImageTarget::ArtistSpace | ImageTarget::ArtistVisual => {
                !self.workspace.spaces(&[ArtistSpaceId(id)]).await?.is_empty()
            }
            ImageTarget::ProjectCover => !self.workspace.projects(&[ProjectId(id)]).await?.is_empty(),
        })
    }
}

#[async_trait::async_trait]
impl ImageRepository for MemoryImages {
    async fn set(
        &self,
        target: ImageTarget,
        target_id: Uuid,
        image: &Image,
        storage_limit: Option<i64>,
    ) -> RepoResult<ImageSet> {
        if !self.target_exists(target, target_id).await? {
            return Ok(ImageSet::TargetGone);
        }
        self.state.with(|state| {
            if state.rows.iter().any(|row| row.image.id == image.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            if !reserve(&self.files, image.owner_id, image.size, storage_limit) {
                return Ok(ImageSet::QuotaExceeded);
            }
            state.rows.push(ImageRow {
                image: image.clone(),
                target,
                target_id,
            });
            if target == ImageTarget::ArtistVisual {
                return Ok(ImageSet::Set { replaced: None });
            }
            state.shown.insert((target, target_id), image.id);
            let previous: Vec<ImageRow> = state
                .rows
                .iter()
                .filter(|row| row.target == target && row.target_id == target_id && row.image.id != image.id)
                .cloned()
                .collect();
            let replaced = previous.first().map(|row| row.image.clone());
            state.remove(&self.files, previous);
            Ok(ImageSet::Set { replaced })
        })
    }

    async fn images(&self, ids: &[ImageId]) -> RepoResult<Vec<Image>> {
        self.state.with(|state| {
            Ok(state
                .rows
                .iter()
                .filter(|row| ids.contains(&row.image.id))
                .map(|row| row.image.clone())
                .collect())
        })
    }

    async fn space_of_visual(&self, id: ImageId) -> RepoResult<Option<Uuid>> {
        self.state.with(|state| {
            Ok(state
                .rows
                .iter()
                .find(|row| row.image.id == id && row.target == ImageTarget::ArtistVisual)
                .map(|row| row.target_id))
        })
    }

    async fn of_target(&self, target: ImageTarget, target_id: Uuid) -> RepoResult<Vec<ImageId>> {
        self.state.with(|state| {
            Ok(state
                .rows
                .iter()
                .filter(|row| row.target == target && row.target_id == target_id)
                .map(|row| row.image.id)
                .collect())
        })
    }

    async fn remove(&self, target: ImageTarget, target_id: Uuid, ids: &[ImageId]) -> RepoResult<Vec<String>> {
        self.state.with(|state| {
            let doomed: Vec<ImageRow> = state
                .rows
                .iter()
                .filter(|row| row.target == target && row.target_id == target_id && ids.contains(&row.image.id))
                .cloned()
                .collect();
            Ok(state.remove(&self.files, doomed))
        })
    }

    async fn existing(&self, ids: &[Uuid]) -> RepoResult<HashSet<Uuid>> {
        self.state.with(|state| {
            Ok(state
                .rows
                .iter()
                .map(|row| row.image.id.0)
                .filter(|id| ids.contains(id))
                .collect())
        })
    }
}

/// What the image processor is told to do with the next image.
#[derive(Debug, Clone)]
enum ImageScript {
    /// Accept it, as an image of this many pixels.
    Accept { width: u32, height: u32 },
    /// Refuse it as invalid (`ImageRefusal::Invalid`).
    Refuse(String),
    /// Fail for another reason (`ImageRefusal::Internal`).
    Fail(String),
}

/// An image processor that does what a test tells it, one image at a time. An accepted image
/// is rendered as WebP variants cut from the upload itself: the original is all of its bytes,
/// the medium variant the first half and the thumbnail the first quarter, so their total size
/// is predictable. With nothing scripted it accepts, as a 1200 x 800 image.
#[derive(Default)]
pub struct ScriptedImageProcessor {
    script: Locked<VecDeque<ImageScript>>,
    seen: Locked<Vec<usize>>,
}

impl ScriptedImageProcessor {
    /// The width of an image accepted without a script.
    pub const WIDTH: u32 = 1200;
    /// The height of an image accepted without a script.
    pub const HEIGHT: u32 = 800;
    /// The content type of every variant it renders.
    pub const CONTENT_TYPE: &'static str = "image/webp";

    /// A processor that accepts every image until told otherwise.
    pub fn new() -> Self {
        Self::default()
    }

    /// The total bytes of the variants rendered from an upload of `len` bytes.
    pub fn rendered_size(len: usize) -> usize {
        len + len / 2 + len / 4
    }

    fn push(&self, next: ImageScript) {
        if let Ok(mut script) = self.script.lock() {
            script.push_back(next);
        }
    }

    /// The next image is accepted as `width` x `height` pixels.
    pub fn accept_next(&self, width: u32, height: u32) {
        self.push(ImageScript::Accept { width, height });
    }

    /// The next image is refused as invalid with `reason` (a decompression bomb, bad bytes).
    pub fn refuse_next(&self, reason: &str) {
        self.push(ImageScript::Refuse(reason.to_owned()));
    }

    /// Processing the next image fails for a reason other than its content.
    pub fn fail_next(&self, reason: &str) {
        self.push(ImageScript::Fail(reason.to_owned()));
    }

    /// The sizes of the uploads it was given, in order.
    pub fn seen(&self) -> Vec<usize> {
        self.seen.lock().map(|seen| seen.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl ImageProcessor for ScriptedImageProcessor {
    async fn process(&self, bytes: Vec<u8>) -> Result<ProcessedImage, ImageRefusal> {
        let internal = |error: RepoError| ImageRefusal::Internal(error.into());
        self.seen
            .with(|seen| {
                seen.push(bytes.len());
                Ok(())
            })
            .map_err(internal)?;
        let next = self.script.with(|script| Ok(script.pop_front())).map_err(internal)?;
        let (width, height) = match next {
            None => (Self::WIDTH, Self::HEIGHT),
            Some(ImageScript::Accept { width, height }) => (width, height),
            Some(ImageScript::Refuse(reason)) => return Err(ImageRefusal::Invalid(reason)),
            Some(ImageScript::Fail(reason)) => return Err(ImageRefusal::Internal(anyhow::anyhow!(reason))),
        };
        let cut = |len: usize| bytes.get(..len).unwrap_or_default().to_vec();
        Ok(ProcessedImage {
            width,
            height,
            content_type: Self::CONTENT_TYPE.to_owned(),
            variants: vec![
                (ImageVariant::Medium, cut(bytes.len() / 2)),
                (ImageVariant::Thumbnail, cut(bytes.len() / 4)),
                (ImageVariant::Original, bytes),
            ],
        })
    }
}

/// Documents in memory, with the same rules as the SQL store: storing one first finds its
/// space in `workspace` (`SpaceGone`, nothing written, when it is not there), then reserves
/// its bytes of the uploader's storage within the limit (`QuotaExceeded`, nothing written);
/// a space lists its documents newest first; removing documents of a space returns their bytes
/// to their uploaders and their blob keys (ids of other spaces' documents are ignored).
///
/// Storage is the per-user count [`MemoryFiles`] keeps, as for [`MemoryImages`]. Deleting a
/// space in `workspace` does not delete its documents here.
pub struct MemoryDocuments {
    workspace: Arc<MemoryWorkspace>,
    files: Arc<MemoryFiles>,
    state: Locked<Vec<Document>>,
}

impl MemoryDocuments {
    /// Documents of the spaces in `workspace`, counting their bytes in the storage `files`
    /// keeps.
    pub fn new(workspace: Arc<MemoryWorkspace>, files: Arc<MemoryFiles>) -> Self {
        Self {
            workspace,
            files,
            state: Locked::default(),
        }
    }

    /// Every stored document, in the order they were stored.
    pub fn stored(&self) -> Vec<Document> {
        self.state.lock().map(|rows| rows.clone()).unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl DocumentRepository for MemoryDocuments {
    async fn insert(&self, document: &Document, storage_limit: Option<i64>) -> RepoResult<DocumentStored> {
        if self.workspace.spaces(&[document.artist_space_id]).await?.is_empty() {
            return Ok(DocumentStored::SpaceGone);
        }
        self.state.with(|rows| {
            if rows.iter().any(|held| held.id == document.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            if !reserve(&self.files, document.owner_id, document.size, storage_limit) {
                return Ok(DocumentStored::QuotaExceeded);
            }
            rows.push(document.clone());
            Ok(DocumentStored::Stored)
        })
    }

    async fn of_space(&self, space: ArtistSpaceId) -> RepoResult<Vec<Document>> {
        self.state.with(|rows| {
            let mut found: Vec<Document> = rows
                .iter()
                .filter(|held| held.artist_space_id == space)
                .cloned()
                .collect();
            found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
            Ok(found)
        })
    }

    async fn documents(&self, ids: &[DocumentId]) -> RepoResult<Vec<Document>> {
        self.state
            .with(|rows| Ok(rows.iter().filter(|held| ids.contains(&held.id)).cloned().collect()))
    }

    async fn remove(&self, space: ArtistSpaceId, ids: &[DocumentId]) -> RepoResult<Vec<String>> {
        self.state.with(|rows| {
            let mut doomed: Vec<Document> = rows
                .iter()
                .filter(|held| held.artist_space_id == space && ids.contains(&held.id))
                .cloned()
                .collect();
            doomed.sort_by_key(|held| held.owner_id);
            rows.retain(|held| !doomed.iter().any(|gone| gone.id == held.id));
            let mut keys = Vec::new();
            for gone in doomed {
                release(&self.files, gone.owner_id, gone.size);
                keys.push(gone.blob_key());
            }
            Ok(keys)
        })
    }

    async fn existing(&self, ids: &[Uuid]) -> RepoResult<HashSet<Uuid>> {
        self.state.with(|rows| {
            Ok(rows
                .iter()
                .map(|held| held.id.0)
                .filter(|id| ids.contains(id))
                .collect())
        })
    }
}

/// What the analyzer is told the next analysis gives.
#[derive(Debug, Clone)]
enum AnalysisScript {
    /// This report.
    Report(Box<AudioReport>),
    /// `AnalysisFailure::Media` with this reason.
    Media(String),
    /// `AnalysisFailure::Transient` with this reason.
    Transient(String),
}

/// One analysis the analyzer was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzerCall {
    /// The file.
    pub file: FileId,
    /// Its sniffed format.
    pub format: MediaFormat,
    /// How many bytes its stream held.
    pub bytes: usize,
}

/// An audio analyzer that gives what a test tells it, one analysis at a time: a report, a
/// media failure (the content cannot be decoded) or a transient one. It reads the whole stream
/// it is given first (a stream error is a transient failure). With nothing scripted, the
/// analysis fails transiently ("nothing scripted"), so a test never passes on a report it did
/// not ask for.
#[derive(Default)]
pub struct ScriptedAnalyzer {
    script: Locked<VecDeque<AnalysisScript>>,
    calls: Locked<Vec<AnalyzerCall>>,
}

impl ScriptedAnalyzer {
    /// An analyzer with nothing scripted.
    pub fn new() -> Self {
        Self::default()
    }

    /// A report of a stereo 48 kHz 24-bit WAV of `duration_seconds`, at -14 LUFS, with a
    /// two-pixel mono waveform.
    pub fn report(duration_seconds: f64) -> AudioReport {
        AudioReport {
            metadata: AudioMetadata {
                duration_seconds,
                frames: (duration_seconds.max(0.0) * 48_000.0).round() as u64,
                sample_rate: 48_000,
                channels: 2,
                bits_per_sample: Some(24),
                codec: "pcm_s24le".to_owned(),
                container: "wav".to_owned(),
                bitrate: None,
            },
            loudness: Loudness {
                integrated_lufs: Some(-14.0),
                loudness_range: Some(6.5),
                sample_peak_dbfs: Some(-1.2),
                true_peak_dbtp: Some(-0.9),
            },
            waveform: Waveform {
                sample_rate: 48_000,
                samples_per_pixel: 256,
                channels: 1,
                bits: 16,
                length: 2,
                data: vec![-1200, 1500, -800, 900],
            },
        }
    }

    fn push(&self, next: AnalysisScript) {
        if let Ok(mut script) = self.script.lock() {
            script.push_back(next);
        }
    }

    /// The next analysis gives `report`.
    pub fn succeed_next(&self, report: AudioReport) {
        self.push(AnalysisScript::Report(Box::new(report)));
    }

    /// The next analysis finds the content cannot be decoded, for `reason`.
    pub fn fail_media_next(&self, reason: &str) {
        self.push(AnalysisScript::Media(reason.to_owned()));
    }

    /// The next analysis fails for a reason outside the content, which a later try may not
    /// meet.
    pub fn fail_transient_next(&self, reason: &str) {
        self.push(AnalysisScript::Transient(reason.to_owned()));
    }

    /// The analyses it was asked for, in order.
    pub fn calls(&self) -> Vec<AnalyzerCall> {
        self.calls.lock().map(|calls| calls.clone()).unwrap_or_default()
    }

    /// How many scripted outcomes are still unused.
    pub fn unused(&self) -> usize {
        self.script.lock().map(|script| script.len()).unwrap_or(0)
    }
}

#[async_trait::async_trait]
impl AudioAnalyzer for ScriptedAnalyzer {
    async fn analyze(
        &self,
        id: FileId,
        mut stream: ByteStream,
        format: MediaFormat,
    ) -> Result<AudioReport, AnalysisFailure> {
        let mut bytes = 0;
        while let Some(chunk) = stream.next().await {
            bytes += chunk.map_err(anyhow::Error::from)?.len();
        }
        self.calls
            .with(|calls| {
                calls.push(AnalyzerCall {
                    file: id,
                    format,
                    bytes,
                });
                Ok(())
            })
            .map_err(anyhow::Error::from)?;
        let next = self
            .script
            .with(|script| Ok(script.pop_front()))
            .map_err(anyhow::Error::from)?;
        match next {
            Some(AnalysisScript::Report(report)) => Ok(*report),
            Some(AnalysisScript::Media(reason)) => Err(AnalysisFailure::Media(reason)),
            Some(AnalysisScript::Transient(reason)) => Err(AnalysisFailure::Transient(anyhow::anyhow!(reason))),
            None => Err(AnalysisFailure::Transient(anyhow::anyhow!("nothing scripted"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn image(owner: UserId, size: i64) -> Image {
        Image {
            id: ImageId(Uuid::now_v7()),
            owner_id: owner,
            content_type: "image/webp".to_owned(),
            width: 10,
            height: 10,
            size,
            created_at: Utc::now(),
        }
    }

    fn document(space: ArtistSpaceId, owner: UserId, size: i64, created_at: DateTime<Utc>) -> Document {
        Document {
            id: DocumentId(Uuid::now_v7()),
            artist_space_id: space,
            owner_id: owner,
            name: "press-kit.pdf".to_owned(),
            content_type: "application/pdf".to_owned(),
            size,
            sha256: String::new(),
            created_at,
        }
    }

    #[tokio::test]
    async fn claims_take_the_earliest_due_job_and_a_dead_workers_job_after_its_lease() -> RepoResult<()> {
        let jobs = MemoryJobs::new();
        let now = Utc::now();
        let lease = Duration::minutes(10);
        let later = jobs
            .enqueue(JobKind::AnalyzeFile, Uuid::now_v7(), now + Duration::seconds(30))
            .await?;
        let first = jobs.enqueue(JobKind::AnalyzeFile, Uuid::now_v7(), now).await?;
        let claimed = jobs.claim(now, lease).await?;
        assert_eq!(claimed.as_ref().map(|job| (job.id, job.attempts)), Some((first, 1)));
        assert!(jobs.claim(now, lease).await?.is_none(), "the later one is not due yet");
        assert_eq!(jobs.pending().await?, 2);
        let at_lease_end = now + lease;
        let taken = jobs.claim(at_lease_end, lease).await?;
        assert_eq!(
            taken.map(|job| job.id),
            Some(later),
            "the later job is due; the lease is not over until after its end"
        );
        let retaken = jobs.claim(at_lease_end + Duration::seconds(1), lease).await?;
        assert_eq!(
            retaken.map(|job| (job.id, job.attempts)),
            Some((first, 2)),
            "a worker that died loses its job when the lease ends, and the try counts"
        );
        Ok(())
    }

    #[tokio::test]
    async fn retry_moves_the_run_time_fail_keeps_the_job_and_complete_deletes_it() -> RepoResult<()> {
        let jobs = MemoryJobs::new();
        let now = Utc::now();
        let lease = Duration::minutes(10);
        let id = jobs.enqueue(JobKind::AnalyzeFile, Uuid::now_v7(), now).await?;
        jobs.claim(now, lease).await?;
        jobs.retry(id, now + Duration::seconds(5), "blob store down").await?;
        let Some(waiting) = jobs.job(id) else {
            return Err(RepoError::NotFound);
        };
        assert_eq!(
            (waiting.status, waiting.locked_until, waiting.last_error.as_deref()),
            (JobStatus::Pending, None, Some("blob store down"))
        );
        assert!(jobs.claim(now + Duration::seconds(4), lease).await?.is_none());
        assert!(jobs.claim(now + Duration::seconds(5), lease).await?.is_some());
        jobs.fail(id, "corrupt").await?;
        assert_eq!(jobs.job(id).map(|job| job.status), Some(JobStatus::Failed));
        assert_eq!(jobs.pending().await?, 0, "a failed job is not pending");
        assert!(
            jobs.claim(now + Duration::days(1), lease).await?.is_none(),
            "a failed job is never claimed again"
        );
        jobs.complete(id).await?;
        jobs.complete(JobId(Uuid::nil())).await?;
        assert!(jobs.jobs().is_empty());
        assert_eq!(jobs.completed(), vec![id]);
        Ok(())
    }

    #[tokio::test]
    async fn setting_an_image_needs_its_target_and_room_and_replaces_the_previous_one() -> RepoResult<()> {
        let users = Arc::new(MemoryUsers::default());
        let workspace = Arc::new(MemoryWorkspace::default());
        let files = Arc::new(MemoryFiles::default());
        let images = MemoryImages::new(Arc::clone(&users), Arc::clone(&workspace), Arc::clone(&files));
        let owner = users.add("owner", "owner@example.com").id;
        let space = workspace.add_space(owner, "The Band");
        files.set_storage_used(owner, 50);
        let gone = images
            .set(ImageTarget::ProjectCover, Uuid::now_v7(), &image(owner, 10), None)
            .await?;
        assert_eq!(gone, ImageSet::TargetGone);
        let big = images
            .set(ImageTarget::ArtistSpace, space.id.0, &image(owner, 51), Some(100))
            .await?;
        assert_eq!(big, ImageSet::QuotaExceeded);
        assert!(images.stored().is_empty());
        assert_eq!(files.storage_used(owner), 50, "a refused image reserves nothing");
        let first = image(owner, 20);
        let set = images
            .set(ImageTarget::ArtistSpace, space.id.0, &first, Some(100))
            .await?;
        assert_eq!(set, ImageSet::Set { replaced: None });
        let second = image(owner, 30);
        let set = images
            .set(ImageTarget::ArtistSpace, space.id.0, &second, Some(100))
            .await?;
        assert_eq!(set, ImageSet::Set { replaced: Some(first) });
        assert_eq!(images.stored(), vec![second.clone()]);
        assert_eq!(images.shown(ImageTarget::ArtistSpace, space.id.0), Some(second.id));
        assert_eq!(files.storage_used(owner), 80, "the replaced image's bytes came back");
        Ok(())
    }

    #[tokio::test]
    async fn visuals_accumulate_and_removing_returns_their_keys_and_bytes() -> RepoResult<()> {
        let users = Arc::new(MemoryUsers::default());
        let workspace = Arc::new(MemoryWorkspace::default());
        let files = Arc::new(MemoryFiles::default());
        let images = MemoryImages::new(users, Arc::clone(&workspace), Arc::clone(&files));
        let owner = UserId(Uuid::now_v7());
        let space = workspace.add_space(owner, "The Band");
        let (one, two) = (image(owner, 5), image(owner, 7));
        for visual in [&one, &two] {
            let set = images.set(ImageTarget::ArtistVisual, space.id.0, visual, None).await?;
            assert_eq!(set, ImageSet::Set { replaced: None });
        }
        assert_eq!(
            images.of_target(ImageTarget::ArtistVisual, space.id.0).await?,
            vec![one.id, two.id]
        );
        assert_eq!(images.space_of_visual(one.id).await?, Some(space.id.0));
        let other_target = images.remove(ImageTarget::ArtistSpace, space.id.0, &[one.id]).await?;
        assert!(other_target.is_empty(), "only images of the named target are removed");
        let keys = images.remove(ImageTarget::ArtistVisual, space.id.0, &[one.id]).await?;
        assert_eq!(keys, one.blob_keys());
        assert_eq!(files.storage_used(owner), 7);
        assert_eq!(images.existing(&[one.id.0, two.id.0]).await?, HashSet::from([two.id.0]));
        Ok(())
    }

    #[tokio::test]
    async fn documents_need_their_space_and_room_and_list_newest_first() -> RepoResult<()> {
        let workspace = Arc::new(MemoryWorkspace::default());
        let files = Arc::new(MemoryFiles::default());
        let documents = MemoryDocuments::new(Arc::clone(&workspace), Arc::clone(&files));
        let owner = UserId(Uuid::now_v7());
        let space = workspace.add_space(owner, "The Band");
        let now = Utc::now();
        let gone = document(ArtistSpaceId(Uuid::now_v7()), owner, 1, now);
        assert_eq!(documents.insert(&gone, None).await?, DocumentStored::SpaceGone);
        let old = document(space.id, owner, 40, now - Duration::hours(1));
        let new = document(space.id, owner, 50, now);
        assert_eq!(documents.insert(&old, Some(100)).await?, DocumentStored::Stored);
        assert_eq!(documents.insert(&new, Some(80)).await?, DocumentStored::QuotaExceeded);
        assert_eq!(documents.insert(&new, Some(90)).await?, DocumentStored::Stored);
        assert_eq!(documents.of_space(space.id).await?, vec![new.clone(), old.clone()]);
        assert_eq!(files.storage_used(owner), 90);
        let elsewhere = documents.remove(ArtistSpaceId(Uuid::now_v7()), &[old.id]).await?;
        assert!(elsewhere.is_empty());
        assert_eq!(documents.remove(space.id, &[old.id]).await?, vec![old.blob_key()]);
        assert_eq!(documents.stored(), vec![new]);
        assert_eq!(files.storage_used(owner), 50);
        Ok(())
    }

    #[tokio::test]
    async fn the_scripted_analyzer_gives_what_it_was_told_in_order() -> anyhow::Result<()> {
        let analyzer = ScriptedAnalyzer::new();
        let stream = || -> ByteStream {
            let chunk: std::io::Result<bytes::Bytes> = Ok(bytes::Bytes::from_static(b"RIFF....WAVE"));
            Box::pin(futures::stream::iter([chunk]))
        };
        let file = FileId(Uuid::now_v7());
        analyzer.succeed_next(ScriptedAnalyzer::report(3.0));
        analyzer.fail_media_next("corrupt header");
        analyzer.fail_transient_next("disk full");
        let report = analyzer.analyze(file, stream(), MediaFormat::Wav).await;
        assert!(
            matches!(&report, Ok(report) if report.metadata.duration_seconds == 3.0),
            "{report:?}"
        );
        let media = analyzer.analyze(file, stream(), MediaFormat::Wav).await;
        assert!(
            matches!(&media, Err(AnalysisFailure::Media(reason)) if reason == "corrupt header"),
            "{media:?}"
        );
        let transient = analyzer.analyze(file, stream(), MediaFormat::Wav).await;
        assert!(matches!(transient, Err(AnalysisFailure::Transient(_))), "{transient:?}");
        let unscripted = analyzer.analyze(file, stream(), MediaFormat::Wav).await;
        assert!(
            matches!(unscripted, Err(AnalysisFailure::Transient(_))),
            "{unscripted:?}"
        );
        assert_eq!(analyzer.calls().len(), 4);
        assert_eq!(analyzer.calls().first().map(|call| call.bytes), Some(12));
        Ok(())
    }
}
