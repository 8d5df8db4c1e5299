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
