//! Finding, listing, approving and deleting files.

use std::collections::HashMap;

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{FileId, TrackId};
use backline_domain::media::MediaFile;
use backline_domain::notifications::NotificationType;
use backline_domain::page::{Page, PageRequest};
use backline_domain::workspace::ResourcePath;

use super::Media;
use crate::Actor;
use crate::access::Access;
use crate::access::{authorize, readable_or_not_found, readable_paths};
use crate::error::{AppError, AppResult, NotFoundAs};
use crate::notifications::VersionNotices;
use crate::ports::{BlobRead, FileRepository, RepoError};

/// Loads a file without any access check; `NOT_FOUND` when it does not exist.
pub(crate) async fn load_file(media: &Media, id: FileId) -> AppResult<MediaFile> {
    stored_file(&*media.files, id).await
}

/// [`load_file`] through the file port alone.
async fn stored_file(files: &dyn FileRepository, id: FileId) -> AppResult<MediaFile> {
    files.files(&[id]).await?.pop().ok_or(AppError::NotFound("file"))
}

/// Finds a file the caller can read (File R on its track); `NOT_FOUND` otherwise.
pub async fn find_file(media: &Media, actor: &Actor, id: FileId) -> AppResult<MediaFile> {
    readable_file(&media.access, &*media.files, actor, id).await
}

/// [`find_file`] for use cases of other contexts, with the ports they hold.
pub(crate) async fn readable_file(
    access: &Access,
    files: &dyn FileRepository,
    actor: &Actor,
    id: FileId,
) -> AppResult<MediaFile> {
    let file = stored_file(files, id).await?;
    readable_or_not_found(access, actor, file.path())
        .await
        .not_found_as("file")?;
    Ok(file)
}

/// Files by id that the caller can read (missing and unreadable ones are skipped).
pub async fn files_by_ids(media: &Media, actor: &Actor, ids: &[FileId]) -> AppResult<Vec<MediaFile>> {
    let files = media.files.files(ids).await?;
    let paths: Vec<ResourcePath> = files.iter().map(MediaFile::path).collect();
    let readable = readable_paths(&media.access, actor, &paths).await?;
    Ok(files
        .into_iter()
        .filter(|file| readable.contains(&file.path()))
        .collect())
}

fn track_ids(paths: &[ResourcePath]) -> Vec<TrackId> {
    paths
        .iter()
        .filter_map(|path| match path {
            ResourcePath::Track(_, _, track) => Some(*track),
            _ => None,
        })
        .collect()
}

/// A page of files of each readable track in `tracks`, newest version first.
pub async fn files_in(
    media: &Media,
    actor: &Actor,
    tracks: &[ResourcePath],
    page: PageRequest,
) -> AppResult<HashMap<TrackId, Page<MediaFile>>> {
    let allowed = track_ids(&readable_paths(&media.access, actor, tracks).await?);
    Ok(media.files.page_for_tracks(&allowed, page).await?)
}

/// How many files each readable track holds.
pub async fn count_files_in(media: &Media, actor: &Actor, tracks: &[ResourcePath]) -> AppResult<HashMap<TrackId, u64>> {
    let allowed = track_ids(&readable_paths(&media.access, actor, tracks).await?);
    Ok(media.files.count_for_tracks(&allowed).await?)
}

/// Which single version of a track.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrackVersion {
    /// The highest version.
    Latest,
    /// The version approved as final.
    Final,
}

/// The latest or final version of each track in `tracks` the caller can read, or that is
/// public.
pub async fn track_files(
    media: &Media,
    actor: &Actor,
    tracks: &[ResourcePath],
    which: TrackVersion,
) -> AppResult<HashMap<TrackId, MediaFile>> {
    let readable = readable_paths(&media.access, actor, tracks).await?;
    let mut allowed = track_ids(&readable);
    // Public tracks show their latest and final versions to anyone.
    let unreadable: Vec<TrackId> = track_ids(
        &tracks
            .iter()
            .filter(|path| !readable.contains(path))
            .copied()
            .collect::<Vec<_>>(),
    );
    if !unreadable.is_empty() {
        allowed.extend(
            media
                .access
                .workspace
                .tracks(&unreadable)
                .await?
                .into_iter()
                .filter(|track| track.is_public)
                .map(|track| track.id),
        );
    }
    Ok(match which {
        TrackVersion::Latest => media.files.latest_for_tracks(&allowed).await?,
        TrackVersion::Final => media.files.final_for_tracks(&allowed).await?,
    })
}

/// Approves one version as the track's final one, clearing the flag on the others (Track U:
/// owner, admin, editor).
pub async fn approve_file_version(media: &Media, actor: &Actor, id: FileId) -> AppResult<MediaFile> {
    let file = load_file(media, id).await?;
    authorize(&media.access, actor, file.path(), ResourceKind::Track, Action::Update)
        .await
        .not_found_as("file")?;
    // Approving the final version again notifies nobody (the store checks it once more in
    // its transaction): no need to decide who would hear.
    let notices = match actor.user_id() {
        Some(user) if !file.is_final_version => {
            Some(VersionNotices::decide(&media.notifier, &file, user, NotificationType::VersionApproved).await?)
        }
        _ => None,
    };
    let words = |approved: &MediaFile| {
        notices
            .as_ref()
            .map(|notices| notices.for_file(approved))
            .unwrap_or_default()
    };
    match media.files.approve(id, &words).await {
        Ok(file) => Ok(file),
        Err(RepoError::NotFound) => Err(AppError::NotFound("file")),
        Err(error) => Err(error.into()),
    }
}

/// Deletes a version (File D: owner, admin): its blob and derivatives are removed and its bytes
/// return to the uploader's storage. Its version number is not reused.
pub async fn delete_file(media: &Media, actor: &Actor, id: FileId) -> AppResult<FileId> {
    let file = load_file(media, id).await?;
    authorize(&media.access, actor, file.path(), ResourceKind::File, Action::Delete)
        .await
        .not_found_as("file")?;
    let deleted = media.files.delete(id).await?.ok_or(AppError::NotFound("file"))?;
    super::remove_blobs(&*media.blobs, &deleted.blob_keys()).await;
    Ok(id)
}

/// Opens a file's content (or `range` of it) for a caller already authorized (by a signed URL
/// or [`find_file`]).
pub async fn file_blob(media: &Media, file: &MediaFile, range: Option<std::ops::Range<u64>>) -> AppResult<BlobRead> {
    media
        .blobs
        .read(&file.blob_key, range)
        .await?
        .ok_or(AppError::NotFound("file content"))
}

/// How a content request proves it may read a file.
#[derive(Debug, Clone, Copy)]
pub enum ContentAccess<'a> {
    /// A signed URL's `exp` and `sig`.
    Signed {
        /// Expiry, Unix seconds.
        expires: i64,
        /// The hex HMAC.
        signature: &'a str,
        /// Whether the request asks for the file as a download (`?download=1`).
        download: bool,
    },
    /// A signed-in caller (the `Authorization` header), checked for File R.
    Caller(&'a Actor),
}

/// Loads a file for its content endpoints: a valid, unexpired signature for this very file, or
/// a caller who may read it. A bad signature is `FORBIDDEN`; an unreadable file `NOT_FOUND`.
pub async fn file_for_content(media: &Media, access: ContentAccess<'_>, id: FileId) -> AppResult<MediaFile> {
    match access {
        ContentAccess::Signed {
            expires,
            signature,
            download,
        } => {
            let now = media.clock.now();
            let full = super::verify_signature(media, super::SignedScope::File(id.0), expires, signature, now);
            if !full {
                // A stream-only URL (a review link without downloads) plays and draws the
                // waveform, but is not offered as an attachment.
                let stream =
                    super::verify_signature(media, super::SignedScope::FileStream(id.0), expires, signature, now);
                if !stream {
                    return Err(AppError::Forbidden(
                        "the link has expired or was altered; ask the API for a fresh `url`".into(),
                    ));
                }
                if download {
                    return Err(AppError::Forbidden(
                        "this link streams the audio but does not allow downloading it".into(),
                    ));
                }
            }
            load_file(media, id).await
        }
        ContentAccess::Caller(actor) => find_file(media, actor, id).await,
    }
}

#[cfg(test)]
mod tests {
    use backline_domain::roles::Role;

    use super::*;
    use crate::ports::BlobStore;
    use crate::testing::media_world::MediaWorld;

    #[tokio::test]
    async fn an_editor_approves_a_version_and_the_final_flag_moves_to_it() -> AppResult<()> {
        let world = MediaWorld::new();
        let first = world.files.add_version(&world.track, world.owner, Some(60.0));
        let second = world.files.add_version(&world.track, world.owner, Some(61.0));
        let editor = MediaWorld::actor(world.person("editor", Some(Role::Editor), world.track_path()));
        assert!(
            approve_file_version(&world.media, &editor, first.id)
                .await?
                .is_final_version
        );
        let approved = approve_file_version(&world.media, &editor, second.id).await?;
        assert!(approved.is_final_version);
        assert!(
            !world.stored_file(first.id).await?.is_final_version,
            "one final version per track"
        );
        let finals = track_files(&world.media, &editor, &[world.track_path()], TrackVersion::Final).await?;
        assert_eq!(finals.get(&world.track.id).map(|file| file.id), Some(second.id));
        Ok(())
    }

    #[tokio::test]
    async fn a_viewer_may_not_approve_and_a_stranger_is_told_the_file_does_not_exist() -> AppResult<()> {
        let world = MediaWorld::new();
        let version = world.files.add_version(&world.track, world.owner, Some(60.0));
        let viewer = MediaWorld::actor(world.person("viewer", Some(Role::Viewer), world.track_path()));
        let stranger = MediaWorld::actor(world.person("stranger", None, world.track_path()));
        let by_viewer = approve_file_version(&world.media, &viewer, version.id).await;
        assert!(matches!(by_viewer, Err(AppError::Forbidden(_))), "{by_viewer:?}");
        let by_stranger = approve_file_version(&world.media, &stranger, version.id).await;
        assert!(
            matches!(by_stranger, Err(AppError::NotFound("file"))),
            "{by_stranger:?}"
        );
        assert!(!world.stored_file(version.id).await?.is_final_version);
        assert!(world.files.notifications().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn deleting_a_version_removes_its_blobs_and_returns_its_bytes_but_an_editor_may_not() -> AppResult<()> {
        let world = MediaWorld::new();
        let version = world.files.add_version(&world.track, world.owner, Some(60.0));
        for key in version.blob_keys() {
            world.blobs.put(&key, b"bytes".to_vec()).await?;
        }
        let editor = MediaWorld::actor(world.person("editor", Some(Role::Editor), world.track_path()));
        let refused = delete_file(&world.media, &editor, version.id).await;
        assert!(matches!(refused, Err(AppError::Forbidden(_))), "{refused:?}");
        assert_eq!(world.blobs.keys().len(), 2, "content and waveform stay");
        assert_eq!(
            delete_file(&world.media, &world.owner_actor(), version.id).await?,
            version.id
        );
        assert!(world.blobs.keys().is_empty(), "content and waveform are removed");
        assert_eq!(world.files.storage_used(world.owner), 0);
        let again = delete_file(&world.media, &world.owner_actor(), version.id).await;
        assert!(matches!(again, Err(AppError::NotFound("file"))), "{again:?}");
        let next = world.files.add_version(&world.track, world.owner, None);
        assert_eq!(next.version, 2, "a deleted version's number is not reused");
        Ok(())
    }
}
