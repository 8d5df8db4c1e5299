//! Uploading a new version of a track.

use backline_domain::access::ResourceKind;
use backline_domain::ids::{FileId, TrackId};
use backline_domain::media::{Analysis, AnalysisStatus, FileType, MediaFile, display_name};
use backline_domain::notifications::NotificationType;

use super::Media;
use super::receive::{Caps, plan_storage, sniff_head, store};
use crate::Actor;
use crate::access::authorize_create;
use crate::error::{AppError, AppResult};
use crate::notifications::VersionNotices;
use crate::ports::{ByteStream, NewVersion};
use crate::workspace::resource::load_track;

/// A file to add to a track as its next version.
pub struct UploadFile {
    /// The track.
    pub track_id: TrackId,
    /// The name to show (the client's file name when not given); sanitised.
    pub name: String,
    /// The content type the client declared, if any; it must agree with the content.
    pub declared_type: Option<String>,
    /// The size the client announced, if known (checked again while streaming).
    pub size_hint: Option<u64>,
    /// The content.
    pub content: ByteStream,
}

/// Adds a file to a track as its next version (File C on the track: owner, admin, editor).
/// The content is sniffed, hashed and streamed to the blob store before the row commits; it
/// counts against the uploader's storage. Audio versions are queued for analysis.
pub async fn upload_file(media: &Media, actor: &Actor, input: UploadFile) -> AppResult<MediaFile> {
    let user = actor.require()?;
    let track = load_track(&media.access, input.track_id).await?;
    authorize_create(&media.access, actor, track.path(), ResourceKind::File).await?;
    let storage = plan_storage(media, user).await?;
    let caps = Caps {
        max_bytes: media.settings.media.max_upload_bytes,
        storage_left: storage.left,
    };
    if let Some(size) = input.size_hint {
        caps.check(size)?;
    }
    let mut content = input.content;
    let (format, head) = sniff_head(&mut content, input.declared_type.as_deref(), "file").await?;
    let id = FileId(media.ids.uuid());
    let blob_key = format!("files/{id}");
    let received = store(media, &blob_key, head, content, caps).await?;
    let file_type = format.file_type();
    let mut analysis = Analysis::pending();
    if file_type != FileType::Audio {
        analysis.status = AnalysisStatus::Ready;
        analysis.analyzed_at = Some(media.clock.now());
    }
    let file = MediaFile {
        id,
        name: display_name(&input.name),
        file_type,
        content_type: format.content_type().to_owned(),
        size: i64::try_from(received.size).map_err(|error| AppError::Internal(error.into()))?,
        sha256: received.sha256,
        version: 0,
        is_final_version: false,
        owner_id: user,
        artist_space_id: track.artist_space_id,
        project_id: track.project_id,
        track_id: track.id,
        blob_key: blob_key.clone(),
        analysis,
        created_at: media.clock.now(),
    };
    let limit = storage.limit;
    let outcome = match VersionNotices::decide(&media.notifier, &file, user, NotificationType::FileUploaded).await {
        Ok(notices) => {
            media
                .files
                .insert_version(&file, limit, &|stored| notices.for_file(stored))
                .await
        }
        Err(error) => {
            super::remove_blobs(&*media.blobs, &[blob_key]).await;
            return Err(error);
        }
    };
    let refusal = match outcome {
        Ok(NewVersion::Created(file)) => {
            crate::failpoints::hit(crate::failpoints::VERSION_COMMITTED);
            return Ok(*file);
        }
        Ok(NewVersion::QuotaExceeded { used }) => AppError::QuotaExceeded(format!(
            "the file does not fit in your plan's storage ({used} bytes used of {})",
            limit.unwrap_or(i64::MAX)
        )),
        Ok(NewVersion::TrackGone) => AppError::NotFound("track"),
        Err(error) => error.into(),
    };
    super::remove_blobs(&*media.blobs, &[blob_key]).await;
    Err(refusal)
}

#[cfg(test)]
mod tests {
    use backline_domain::roles::Role;
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::ports::BlobStore;
    use crate::testing::media_world::MediaWorld;

    fn wav_upload(world: &MediaWorld, len: usize) -> UploadFile {
        UploadFile {
            track_id: world.track.id,
            name: "mix/take 3.wav".to_owned(),
            declared_type: Some("audio/wav".to_owned()),
            size_hint: None,
            content: MediaWorld::stream(MediaWorld::wav(len)),
        }
    }

    #[tokio::test]
    async fn an_audio_upload_becomes_the_next_version_pending_analysis() -> AppResult<()> {
        let world = MediaWorld::new();
        world.files.add_version(&world.track, world.owner, None);
        let editor = world.person("editor", Some(Role::Editor), world.track_path());
        let file = upload_file(&world.media, &MediaWorld::actor(editor), wav_upload(&world, 3_000)).await?;
        assert_eq!((file.version, file.name.as_str()), (2, "take 3.wav"));
        assert_eq!(
            (file.file_type, file.analysis.status),
            (FileType::Audio, AnalysisStatus::Pending)
        );
        assert_eq!(file.owner_id, editor);
        let bytes = MediaWorld::wav(3_000);
        assert_eq!(file.sha256, hex::encode(Sha256::digest(&bytes)));
        assert_eq!(world.blobs.get(&file.blob_key).await?, Some(bytes));
        assert_eq!(
            world.files.analysis_jobs(),
            vec![file.id],
            "its analysis is queued with it"
        );
        assert_eq!(world.files.storage_used(editor), 3_000);
        Ok(())
    }

    #[tokio::test]
    async fn an_image_upload_needs_no_analysis() -> AppResult<()> {
        let world = MediaWorld::new();
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.resize(100, 0);
        let input = UploadFile {
            declared_type: Some("image/png".to_owned()),
            content: MediaWorld::stream(png),
            ..wav_upload(&world, 0)
        };
        let file = upload_file(&world.media, &world.owner_actor(), input).await?;
        assert_eq!(
            (file.file_type, file.analysis.status),
            (FileType::Image, AnalysisStatus::Ready)
        );
        assert!(world.files.analysis_jobs().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn uploads_too_large_mistyped_or_by_a_viewer_write_nothing() -> AppResult<()> {
        let world = MediaWorld::new();
        let owner = world.owner_actor();
        let max = world.settings.media.max_upload_bytes;
        let announced = UploadFile {
            size_hint: Some(max + 1),
            ..wav_upload(&world, 100)
        };
        let refused = upload_file(&world.media, &owner, announced).await;
        assert!(matches!(refused, Err(AppError::PayloadTooLarge(_))), "{refused:?}");
        let mistyped = UploadFile {
            declared_type: Some("audio/flac".to_owned()),
            ..wav_upload(&world, 100)
        };
        let refused = upload_file(&world.media, &owner, mistyped).await;
        assert!(matches!(refused, Err(AppError::InvalidInput { .. })), "{refused:?}");
        let viewer = world.person("viewer", Some(Role::Viewer), world.track_path());
        let refused = upload_file(&world.media, &MediaWorld::actor(viewer), wav_upload(&world, 100)).await;
        assert!(matches!(refused, Err(AppError::Forbidden(_))), "{refused:?}");
        assert!(world.blobs.keys().is_empty());
        assert!(world.files.analysis_jobs().is_empty());
        assert!(world.files.events().is_empty(), "no version was stored");
        Ok(())
    }

    #[tokio::test]
    async fn an_upload_beyond_the_storage_left_is_quota_exceeded_and_its_blob_removed() -> AppResult<()> {
        let world = MediaWorld::new();
        let Some(limit) = world.settings.plan_limits.free else {
            return Err(AppError::NotFound("a FREE storage limit"));
        };
        world.files.set_storage_used(world.owner, limit - 1_000);
        let refused = upload_file(&world.media, &world.owner_actor(), wav_upload(&world, 1_001)).await;
        assert!(matches!(refused, Err(AppError::QuotaExceeded(_))), "{refused:?}");
        assert!(world.blobs.keys().is_empty(), "the streamed blob was removed");
        assert!(world.files.events().is_empty());
        assert_eq!(world.files.storage_used(world.owner), limit - 1_000);
        Ok(())
    }
}
