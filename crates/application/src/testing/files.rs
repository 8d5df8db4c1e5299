//! Stored files (track versions) in memory.

use std::collections::{HashMap, HashSet};

use backline_domain::ids::{FileId, TrackId, UserId};
use backline_domain::media::{Analysis, AnalysisStatus, AudioMetadata, FileType, MediaFile};
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};
use backline_domain::workspace::Track;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::notifications::{inbox_admit, inbox_events, keyed_page};
use super::{Locked, keep_first};
use crate::ports::{Event, FileRepository, NewVersion, Notices, RepoError, RepoResult, TrackEventKind, Unique};

/// The size of a version [`MemoryFiles::add_version`] stores, in bytes.
const SET_UP_SIZE: i64 = 1_048_576;

/// What the fake holds.
#[derive(Default)]
struct State {
    /// Every stored file, in the order it was stored.
    files: Vec<MediaFile>,
    /// The last version number handed out on each track (the SQL `tracks.file_versions`).
    versions: HashMap<TrackId, i32>,
    /// Tracks that were removed: uploads to them find them gone.
    gone: HashSet<TrackId>,
    /// Bytes each user's files take (the SQL `subscriptions.storage_used`).
    storage: HashMap<UserId, i64>,
    /// Files whose analysis job was queued with their upload, in order.
    analysis_jobs: Vec<FileId>,
    /// Notifications written with uploads and approvals, in order.
    notifications: Vec<Notification>,
    /// The outbox: events recorded with the changes, in order.
    events: Vec<Event>,
}

/// The event of a change to a version.
fn event(kind: TrackEventKind, file: &MediaFile) -> Event {
    Event::Track {
        kind,
        track: file.track_id,
        file: Some(Box::new(file.clone())),
    }
}

/// Files in memory, with the same rules as the SQL store: each track numbers its versions 1, 2,
/// 3, ... and never reuses a number (not even a deleted one), an upload reserves its bytes of
/// the owner's storage within the limit or writes nothing, audio uploads queue their analysis,
/// one version per track is final, and each change records its event and notifications (a
/// notification whose dedupe key was used is skipped). Every user counts as subscribed, with
/// no bytes used until told otherwise.
#[derive(Default)]
pub struct MemoryFiles {
    state: Locked<State>,
}

impl MemoryFiles {
    /// Stores the next version of `track`, uploaded by `uploader` now, already analysed
    /// (`READY`, with `duration_seconds` in its metadata when given, a waveform and no
    /// loudness): test set-up, recording no event, notification or analysis job. It counts its
    /// bytes (1 MiB) against the uploader's storage without a limit, and a track that was
    /// removed exists again.
    pub fn add_version(&self, track: &Track, uploader: UserId, duration_seconds: Option<f64>) -> MediaFile {
        let id = FileId(Uuid::now_v7());
        let now = chrono::Utc::now();
        let metadata = duration_seconds.map(|duration| AudioMetadata {
            duration_seconds: duration,
            frames: (duration.max(0.0) * 48_000.0).round() as u64,
            sample_rate: 48_000,
            channels: 2,
            bits_per_sample: Some(24),
            codec: "pcm_s24le".to_owned(),
            container: "wav".to_owned(),
            bitrate: (duration > 0.0).then(|| (SET_UP_SIZE as f64 * 8.0 / duration).round() as i64),
        });
        let mut file = MediaFile {
            id,
            name: format!("{}.wav", track.title),
            file_type: FileType::Audio,
            content_type: "audio/wav".to_owned(),
            size: SET_UP_SIZE,
            sha256: hex::encode(Sha256::digest(id.0.as_bytes())),
            version: 0,
            is_final_version: false,
            owner_id: uploader,
            artist_space_id: track.artist_space_id,
            project_id: track.project_id,
            track_id: track.id,
            blob_key: format!("files/{id}"),
            analysis: Analysis {
                status: AnalysisStatus::Ready,
                error: None,
                analyzed_at: Some(now),
                metadata,
                loudness: None,
                waveform_key: Some(format!("waveforms/{id}.dat")),
            },
            created_at: now,
        };
        if let Ok(mut state) = self.state.lock() {
            state.gone.remove(&track.id);
            let version = state.versions.entry(track.id).or_default();
            *version += 1;
            file.version = *version;
            *state.storage.entry(uploader).or_default() += file.size;
            state.files.push(file.clone());
        }
        file
    }

    /// Removes `track` as deleting it does in the SQL store: its files go with it (their bytes
    /// back to their owners' storage) and later uploads to it find it gone.
    pub fn remove_track(&self, track: TrackId) {
        if let Ok(mut state) = self.state.lock() {
            state.gone.insert(track);
            let (doomed, kept): (Vec<MediaFile>, Vec<MediaFile>) =
                state.files.drain(..).partition(|file| file.track_id == track);
            state.files = kept;
            for file in doomed {
                *state.storage.entry(file.owner_id).or_default() -= file.size;
            }
        }
    }

    /// Sets how many bytes `user`'s files take (test set-up for storage limits).
    pub fn set_storage_used(&self, user: UserId, bytes: i64) {
        if let Ok(mut state) = self.state.lock() {
            state.storage.insert(user, bytes);
        }
    }

    /// How many bytes `user`'s files take.
    pub fn storage_used(&self, user: UserId) -> i64 {
        self.state
            .lock()
            .ok()
            .and_then(|state| state.storage.get(&user).copied())
            .unwrap_or(0)
    }

    /// The files whose analysis job was queued with their upload (audio only), in order.
    pub fn analysis_jobs(&self) -> Vec<FileId> {
        self.state
            .lock()
            .map(|state| state.analysis_jobs.clone())
            .unwrap_or_default()
    }

    /// The notifications stored with uploads and approvals.
    pub fn notifications(&self) -> Vec<Notification> {
        self.state
            .lock()
            .map(|state| state.notifications.clone())
            .unwrap_or_default()
    }

    /// The events recorded with the changes (the outbox), in order.
    pub fn events(&self) -> Vec<Event> {
        self.state.lock().map(|state| state.events.clone()).unwrap_or_default()
    }
}

/// Each of `tracks` with one file picked from its files, when it has one.
fn per_track(
    files: &[MediaFile],
    tracks: &[TrackId],
    pick: impl Fn(&MediaFile, &MediaFile) -> bool,
) -> HashMap<TrackId, MediaFile> {
    let mut out: HashMap<TrackId, MediaFile> = HashMap::new();
    for file in files.iter().filter(|file| tracks.contains(&file.track_id)) {
        match out.get(&file.track_id) {
            Some(held) if !pick(file, held) => {}
            _ => {
                out.insert(file.track_id, file.clone());
            }
        }
    }
    out
}

#[async_trait::async_trait]
impl FileRepository for MemoryFiles {
    async fn insert_version(
        &self,
        file: &MediaFile,
        storage_limit: Option<i64>,
        notices: Notices<'_, MediaFile>,
    ) -> RepoResult<NewVersion> {
        self.state.with(|state| {
            if state.gone.contains(&file.track_id) {
                return Ok(NewVersion::TrackGone);
            }
            let used = state.storage.get(&file.owner_id).copied().unwrap_or(0);
            if storage_limit.is_some_and(|limit| used.saturating_add(file.size) > limit) {
                return Ok(NewVersion::QuotaExceeded { used });
            }
            if state.files.iter().any(|held| held.id == file.id) {
                return Err(RepoError::Duplicate(Unique::Other));
            }
            let version = state.versions.get(&file.track_id).copied().unwrap_or(0) + 1;
            let created = MediaFile {
                version,
                is_final_version: false,
                ..file.clone()
            };
            let notified = inbox_admit(&state.notifications, &notices(&created))?;
            // Everything checked: the transaction commits.
            state.versions.insert(file.track_id, version);
            *state.storage.entry(file.owner_id).or_default() += file.size;
            state.files.push(created.clone());
            if created.file_type == FileType::Audio {
                state.analysis_jobs.push(created.id);
            }
            state.events.push(event(TrackEventKind::FileUploaded, &created));
            state.events.extend(inbox_events(&notified));
            state.notifications.extend(notified);
            Ok(NewVersion::Created(Box::new(created)))
        })
    }

    async fn files(&self, ids: &[FileId]) -> RepoResult<Vec<MediaFile>> {
        self.state.with(|state| {
            Ok(state
                .files
                .iter()
                .filter(|file| ids.contains(&file.id))
                .cloned()
                .collect())
        })
    }

    async fn page_for_tracks(
        &self,
        tracks: &[TrackId],
        page: PageRequest,
    ) -> RepoResult<HashMap<TrackId, Page<MediaFile>>> {
        self.state.with(|state| {
            let mut out = HashMap::new();
            for track in tracks {
                let rows: Vec<MediaFile> = state
                    .files
                    .iter()
                    .filter(|file| file.track_id == *track)
                    .cloned()
                    .collect();
                // Newest version first; a cursor stands for its file's version.
                let cursor = |id: Uuid| state.files.iter().find(|file| file.id.0 == id).map(|file| file.version);
                out.insert(
                    *track,
                    keyed_page(rows, &page, false, |file| file.version, cursor, i32::cmp),
                );
            }
            Ok(out)
        })
    }

    async fn count_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, u64>> {
        self.state.with(|state| {
            let mut out: HashMap<TrackId, u64> = tracks.iter().map(|track| (*track, 0)).collect();
            for file in state.files.iter().filter(|file| tracks.contains(&file.track_id)) {
                *out.entry(file.track_id).or_default() += 1;
            }
            Ok(out)
        })
    }

    async fn latest_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, MediaFile>> {
        self.state.with(|state| {
            Ok(per_track(&state.files, tracks, |file, held| {
                file.version > held.version
            }))
        })
    }

    async fn final_for_tracks(&self, tracks: &[TrackId]) -> RepoResult<HashMap<TrackId, MediaFile>> {
        self.state.with(|state| {
            let finals: Vec<MediaFile> = state
                .files
                .iter()
                .filter(|file| file.is_final_version)
                .cloned()
                .collect();
            Ok(per_track(&finals, tracks, |_, _| true))
        })
    }

    async fn approve(&self, id: FileId, notices: Notices<'_, MediaFile>) -> RepoResult<MediaFile> {
        self.state.with(|state| {
            let held = state
                .files
                .iter()
                .find(|file| file.id == id)
                .ok_or(RepoError::NotFound)?;
            let newly_final = !held.is_final_version;
            let approved = MediaFile {
                is_final_version: true,
                ..held.clone()
            };
            let notified = if newly_final {
                inbox_admit(&state.notifications, &notices(&approved))?
            } else {
                Vec::new()
            };
            for file in state.files.iter_mut().filter(|file| file.track_id == approved.track_id) {
                file.is_final_version = file.id == id;
            }
            state.events.push(event(TrackEventKind::VersionApproved, &approved));
            state.events.extend(inbox_events(&notified));
            state.notifications.extend(notified);
            Ok(approved)
        })
    }

    async fn delete(&self, id: FileId) -> RepoResult<Option<MediaFile>> {
        self.state.with(|state| {
            let Some(index) = state.files.iter().position(|file| file.id == id) else {
                return Ok(None);
            };
            let deleted = state.files.remove(index);
            *state.storage.entry(deleted.owner_id).or_default() -= deleted.size;
            state.events.push(event(TrackEventKind::FileDeleted, &deleted));
            Ok(Some(deleted))
        })
    }

    async fn set_analysis(&self, id: FileId, analysis: &Analysis) -> RepoResult<()> {
        self.state.with(|state| {
            let Some(file) = state.files.iter_mut().find(|file| file.id == id) else {
                return Ok(());
            };
            file.analysis = analysis.clone();
            if matches!(analysis.status, AnalysisStatus::Ready | AnalysisStatus::Failed) {
                let finished = event(TrackEventKind::AnalysisFinished, file);
                state.events.push(finished);
            }
            Ok(())
        })
    }

    async fn existing(&self, ids: &[Uuid]) -> RepoResult<HashSet<Uuid>> {
        self.state.with(|state| {
            Ok(state
                .files
                .iter()
                .map(|file| file.id.0)
                .filter(|id| ids.contains(id))
                .collect())
        })
    }

    async fn scan(&self, after: Option<FileId>, limit: u64) -> RepoResult<Vec<MediaFile>> {
        self.state.with(|state| {
            let mut rows: Vec<MediaFile> = state
                .files
                .iter()
                .filter(|file| after.is_none_or(|after| file.id > after))
                .cloned()
                .collect();
            rows.sort_by_key(|file| file.id);
            keep_first(&mut rows, limit);
            Ok(rows)
        })
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::ids::{ArtistSpaceId, NotificationId, ProjectId};
    use backline_domain::notifications::NotificationType;
    use backline_domain::values::SlugType;
    use backline_domain::workspace::TrackStatus;

    use super::*;

    fn track() -> Track {
        let now = chrono::Utc::now();
        Track {
            id: TrackId(Uuid::now_v7()),
            short_id: "abc123".to_owned(),
            slug: "song".to_owned(),
            slug_type: SlugType::Auto,
            title: "Song".to_owned(),
            project_id: ProjectId(Uuid::now_v7()),
            artist_space_id: ArtistSpaceId(Uuid::now_v7()),
            owner_id: UserId(Uuid::now_v7()),
            status: TrackStatus::Draft,
            is_public: false,
            created_at: now,
            updated_at: now,
        }
    }

    fn upload(track: &Track, owner: UserId, size: i64) -> MediaFile {
        let id = FileId(Uuid::now_v7());
        MediaFile {
            id,
            name: "take.wav".to_owned(),
            file_type: FileType::Audio,
            content_type: "audio/wav".to_owned(),
            size,
            sha256: String::new(),
            version: 0,
            is_final_version: false,
            owner_id: owner,
            artist_space_id: track.artist_space_id,
            project_id: track.project_id,
            track_id: track.id,
            blob_key: format!("files/{id}"),
            analysis: Analysis::pending(),
            created_at: chrono::Utc::now(),
        }
    }

    fn uploaded(file: &MediaFile, dedupe_key: &str) -> Vec<Notification> {
        vec![Notification {
            id: NotificationId(Uuid::now_v7()),
            kind: NotificationType::FileUploaded,
            sender_id: Some(file.owner_id),
            recipient_id: UserId(Uuid::nil()),
            title: format!("Version {} uploaded", file.version),
            slug: format!("/t/{}?v={}", file.track_id, file.version),
            pointer_id: Some(file.id.0),
            img: None,
            is_read: false,
            read_at: None,
            created_at: file.created_at,
            dedupe_key: Some(dedupe_key.to_owned()),
            in_app: true,
            email_pending: false,
        }]
    }

    async fn version(files: &MemoryFiles, file: &MediaFile, limit: Option<i64>) -> RepoResult<NewVersion> {
        files.insert_version(file, limit, &|_| Vec::new()).await
    }

    fn number(outcome: &NewVersion) -> Option<i32> {
        match outcome {
            NewVersion::Created(file) => Some(file.version),
            NewVersion::QuotaExceeded { .. } | NewVersion::TrackGone => None,
        }
    }

    #[tokio::test]
    async fn version_numbers_count_up_per_track_and_are_never_reused() -> RepoResult<()> {
        let files = MemoryFiles::default();
        let (one, two) = (track(), track());
        let owner = UserId(Uuid::now_v7());
        let first = files.add_version(&one, owner, Some(12.5));
        assert_eq!(first.version, 1);
        assert_eq!(first.analysis.status, AnalysisStatus::Ready);
        assert_eq!(
            first.analysis.metadata.as_ref().map(|meta| meta.duration_seconds),
            Some(12.5)
        );
        assert!(files.add_version(&one, owner, None).analysis.metadata.is_none());
        let third = version(&files, &upload(&one, owner, 10), None).await?;
        assert_eq!(number(&third), Some(3));
        assert_eq!(number(&version(&files, &upload(&two, owner, 10), None).await?), Some(1));
        let latest = files.latest_for_tracks(&[one.id, two.id]).await?;
        assert_eq!(latest.get(&one.id).map(|file| file.version), Some(3));
        if let NewVersion::Created(file) = third {
            assert!(files.delete(file.id).await?.is_some());
            assert!(files.delete(file.id).await?.is_none(), "already gone");
        }
        let fourth = version(&files, &upload(&one, owner, 10), None).await?;
        assert_eq!(number(&fourth), Some(4), "a deleted number is not handed out again");
        let counts = files.count_for_tracks(&[one.id, two.id, TrackId(Uuid::nil())]).await?;
        assert_eq!(
            (
                counts.get(&one.id),
                counts.get(&two.id),
                counts.get(&TrackId(Uuid::nil()))
            ),
            (Some(&3), Some(&1), Some(&0))
        );
        let page = files.page_for_tracks(&[one.id], PageRequest::first(2)).await?;
        let numbers: Vec<i32> = page
            .get(&one.id)
            .map(|page| page.items.iter().map(|file| file.version).collect())
            .unwrap_or_default();
        assert_eq!(numbers, vec![4, 2], "newest version first");
        assert_eq!(
            files.analysis_jobs().len(),
            3,
            "uploaded audio is queued, set-up is not"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_upload_over_the_limit_or_to_a_gone_track_writes_nothing() -> RepoResult<()> {
        let files = MemoryFiles::default();
        let song = track();
        let owner = UserId(Uuid::now_v7());
        files.set_storage_used(owner, 90);
        let refused = version(&files, &upload(&song, owner, 20), Some(100)).await?;
        assert_eq!(refused, NewVersion::QuotaExceeded { used: 90 });
        let fits = version(&files, &upload(&song, owner, 10), Some(100)).await?;
        assert_eq!(number(&fits), Some(1), "a refused upload takes no number");
        assert_eq!(files.storage_used(owner), 100);
        files.remove_track(song.id);
        assert_eq!(files.storage_used(owner), 90);
        assert_eq!(
            version(&files, &upload(&song, owner, 1), None).await?,
            NewVersion::TrackGone
        );
        assert_eq!(files.events().len(), 1, "only the accepted upload recorded an event");
        Ok(())
    }

    #[tokio::test]
    async fn approving_moves_the_final_flag_and_notifies_once() -> RepoResult<()> {
        let files = MemoryFiles::default();
        let song = track();
        let owner = UserId(Uuid::now_v7());
        let first = files.add_version(&song, owner, None);
        let second = files.add_version(&song, owner, None);
        let notices = |file: &MediaFile| uploaded(file, &format!("final:{}", file.id));
        assert!(files.approve(first.id, &notices).await?.is_final_version);
        files.approve(second.id, &notices).await?;
        files.approve(second.id, &notices).await?;
        let finals = files.final_for_tracks(&[song.id]).await?;
        assert_eq!(finals.get(&song.id).map(|file| file.id), Some(second.id));
        let flagged = files.files(&[first.id, second.id]).await?;
        assert_eq!(flagged.iter().filter(|file| file.is_final_version).count(), 1);
        assert_eq!(
            files.notifications().len(),
            2,
            "approving what is final notifies nothing"
        );
        assert!(matches!(
            files.approve(FileId(Uuid::nil()), &notices).await,
            Err(RepoError::NotFound)
        ));
        Ok(())
    }

    #[tokio::test]
    async fn a_repeated_dedupe_key_stores_one_notification() -> RepoResult<()> {
        let files = MemoryFiles::default();
        let song = track();
        let owner = UserId(Uuid::now_v7());
        let notices = |file: &MediaFile| uploaded(file, "uploaded:song");
        files.insert_version(&upload(&song, owner, 1), None, &notices).await?;
        files.insert_version(&upload(&song, owner, 1), None, &notices).await?;
        assert_eq!(files.notifications().len(), 1);
        Ok(())
    }
}
