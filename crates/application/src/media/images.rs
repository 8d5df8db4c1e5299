//! Images: avatars, artist images and cover art, with thumbnail and medium variants.

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{ArtistSpaceId, ImageId, ProjectId, UserId};
use backline_domain::media::{FileType, Image, ImageTarget, ImageVariant};

use super::Media;
use super::receive::{collect, sniff_head};
use crate::Actor;
use crate::access::authorize;
use crate::error::{AppError, AppResult};
use crate::ports::{BlobRead, ByteStream, ImageRefusal, ImageSet};
use crate::workspace::resource::{load_project, load_space};

/// An image to set on a user, space or project.
pub struct UploadImage {
    /// What it is for.
    pub target: ImageTarget,
    /// The user, space or project.
    pub target_id: uuid::Uuid,
    /// The content type the client declared, if any; it must agree with the content.
    pub declared_type: Option<String>,
    /// The content.
    pub content: ByteStream,
}

async fn authorize_target(media: &Media, actor: &Actor, target: ImageTarget, id: uuid::Uuid) -> AppResult<()> {
    let user = actor.require()?;
    match target {
        ImageTarget::UserAvatar => {
            if UserId(id) != user {
                return Err(AppError::Forbidden("you may only set your own avatar".into()));
            }
        }
        ImageTarget::ArtistSpace | ImageTarget::ArtistVisual => {
            let space = load_space(&media.access, ArtistSpaceId(id)).await?;
            authorize(
                &media.access,
                actor,
                space.path(),
                ResourceKind::ArtistSpace,
                Action::Update,
            )
            .await?;
        }
        ImageTarget::ProjectCover => {
            let project = load_project(&media.access, ProjectId(id)).await?;
            authorize(
                &media.access,
                actor,
                project.path(),
                ResourceKind::Project,
                Action::Update,
            )
            .await?;
        }
    }
    Ok(())
}

/// Sets the image of a user (their own avatar), an artist space (Space U) or a project's cover
/// (Project U), or adds a visual to a space (Space U; list it in the profile's `visuals`). The image is decoded with a pixel limit, re-encoded without metadata into an
/// original, a 640 px and a 160 px variant, and counts against the uploader's storage; the
/// image it replaces is deleted.
pub async fn upload_image(media: &Media, actor: &Actor, input: UploadImage) -> AppResult<Image> {
    let user = actor.require()?;
    authorize_target(media, actor, input.target, input.target_id).await?;
    let mut content = input.content;
    let (format, head) = sniff_head(&mut content, input.declared_type.as_deref(), "file").await?;
    if format.file_type() != FileType::Image {
        return Err(AppError::invalid(
            "file",
            "the content is audio, not an image (PNG, JPEG, WebP or GIF)",
        ));
    }
    let bytes = collect(head, content, media.settings.media.max_image_bytes).await?;
    let processed = media
        .image_processor
        .process(bytes)
        .await
        .map_err(|error| match error {
            ImageRefusal::Invalid(reason) => AppError::invalid("file", reason),
            ImageRefusal::Internal(error) => AppError::Internal(error),
        })?;
    let size: usize = processed.variants.iter().map(|(_, bytes)| bytes.len()).sum();
    let image = Image {
        id: ImageId(media.ids.uuid()),
        owner_id: user,
        content_type: processed.content_type,
        width: processed.width,
        height: processed.height,
        size: i64::try_from(size).map_err(|error| AppError::Internal(error.into()))?,
        created_at: media.clock.now(),
    };
    let keys = image.blob_keys();
    for (variant, bytes) in processed.variants {
        if let Err(error) = media.blobs.put(&image.blob_key(variant), bytes).await {
            super::remove_blobs(&*media.blobs, &keys).await;
            return Err(error.into());
        }
    }
    let limit = super::receive::plan_storage(media, user).await?.limit;
    let outcome = media.images.set(input.target, input.target_id, &image, limit).await;
    let refusal = match outcome {
        Ok(ImageSet::Set { replaced }) => {
            if let Some(old) = replaced {
                super::remove_blobs(&*media.blobs, &old.blob_keys()).await;
            }
            return Ok(image);
        }
        Ok(ImageSet::QuotaExceeded) => AppError::QuotaExceeded("the image does not fit in your plan's storage".into()),
        Ok(ImageSet::TargetGone) => AppError::NotFound("image target"),
        Err(error) => error.into(),
    };
    super::remove_blobs(&*media.blobs, &keys).await;
    Err(refusal)
}

/// Images by id. Callers pass ids from records they were allowed to read.
pub async fn find_images(media: &Media, ids: &[ImageId]) -> AppResult<Vec<Image>> {
    Ok(media.images.images(ids).await?)
}

/// Opens one variant of an image for a caller holding a valid signature.
pub async fn image_blob(media: &Media, id: ImageId, variant: ImageVariant) -> AppResult<(Image, BlobRead)> {
    let image = media
        .images
        .images(&[id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("image"))?;
    let blob = media
        .blobs
        .read(&image.blob_key(variant), None)
        .await?
        .ok_or(AppError::NotFound("image content"))?;
    Ok((image, blob))
}

/// An image the caller uploaded; `NOT_FOUND` for anyone else's (others reach images through
/// what shows them: a user, a space, a project, a profile).
pub async fn find_own_image(media: &Media, actor: &Actor, id: ImageId) -> AppResult<Image> {
    let user = actor.require()?;
    match media.images.images(&[id]).await?.pop() {
        Some(image) if image.owner_id == user => Ok(image),
        _ => Err(AppError::NotFound("image")),
    }
}
