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

#[cfg(test)]
mod tests {
    use backline_domain::roles::Role;

    use super::*;
    use crate::testing::ScriptedImageProcessor;
    use crate::testing::media_world::MediaWorld;

    /// `len` bytes of PNG (its signature, then zeros).
    fn png(len: usize) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.resize(len, 0);
        bytes
    }

    fn space_image(world: &MediaWorld, len: usize) -> UploadImage {
        UploadImage {
            target: ImageTarget::ArtistSpace,
            target_id: world.space.id.0,
            declared_type: Some("image/png".to_owned()),
            content: MediaWorld::stream(png(len)),
        }
    }

    #[tokio::test]
    async fn the_owner_sets_a_space_image_its_variants_are_stored_and_count_against_storage() -> AppResult<()> {
        let world = MediaWorld::new();
        let image = upload_image(&world.media, &world.owner_actor(), space_image(&world, 1_000)).await?;
        let size = ScriptedImageProcessor::rendered_size(1_000);
        assert_eq!(
            (image.width, image.height, image.size, image.owner_id),
            (
                ScriptedImageProcessor::WIDTH,
                ScriptedImageProcessor::HEIGHT,
                size as i64,
                world.owner
            )
        );
        assert_eq!(world.images.stored(), vec![image.clone()]);
        assert_eq!(
            world.images.shown(ImageTarget::ArtistSpace, world.space.id.0),
            Some(image.id)
        );
        let mut keys = image.blob_keys();
        keys.sort();
        assert_eq!(world.blobs.keys(), keys, "one blob per variant");
        assert_eq!(world.files.storage_used(world.owner), size as i64);
        Ok(())
    }

    #[tokio::test]
    async fn a_project_admin_sets_its_cover_but_an_editor_may_not() -> AppResult<()> {
        let world = MediaWorld::new();
        let cover = |len| UploadImage {
            target: ImageTarget::ProjectCover,
            target_id: world.project.id.0,
            declared_type: None,
            content: MediaWorld::stream(png(len)),
        };
        let editor = world.person("editor", Some(Role::Editor), world.project.path());
        let refused = upload_image(&world.media, &MediaWorld::actor(editor), cover(300)).await;
        assert!(matches!(refused, Err(AppError::Forbidden(_))), "{refused:?}");
        let admin = world.person("admin", Some(Role::Admin), world.project.path());
        let image = upload_image(&world.media, &MediaWorld::actor(admin), cover(300)).await?;
        assert_eq!(
            world.images.shown(ImageTarget::ProjectCover, world.project.id.0),
            Some(image.id)
        );
        assert_eq!(
            world.files.storage_used(admin),
            image.size,
            "the uploader pays, not the owner"
        );
        assert_eq!(world.files.storage_used(world.owner), 0);
        Ok(())
    }

    #[tokio::test]
    async fn replacing_an_image_releases_the_old_ones_blobs_and_bytes() -> AppResult<()> {
        let world = MediaWorld::new();
        let owner = world.owner_actor();
        let old = upload_image(&world.media, &owner, space_image(&world, 800)).await?;
        let new = upload_image(&world.media, &owner, space_image(&world, 400)).await?;
        assert_eq!(world.images.stored(), vec![new.clone()]);
        let mut keys = new.blob_keys();
        keys.sort();
        assert_eq!(world.blobs.keys(), keys, "the replaced image's blobs are gone");
        assert!(old.blob_keys().iter().all(|key| !world.blobs.keys().contains(key)));
        assert_eq!(world.files.storage_used(world.owner), new.size);
        Ok(())
    }

    #[tokio::test]
    async fn an_image_beyond_the_storage_left_is_quota_exceeded_and_writes_nothing() -> AppResult<()> {
        let world = MediaWorld::new();
        let Some(limit) = world.settings.plan_limits.free else {
            return Err(AppError::NotFound("a FREE storage limit"));
        };
        world.files.set_storage_used(world.owner, limit - 100);
        let refused = upload_image(&world.media, &world.owner_actor(), space_image(&world, 1_000)).await;
        assert!(matches!(refused, Err(AppError::QuotaExceeded(_))), "{refused:?}");
        assert!(world.images.stored().is_empty());
        assert!(world.blobs.keys().is_empty(), "the variants written first were removed");
        assert_eq!(world.images.shown(ImageTarget::ArtistSpace, world.space.id.0), None);
        assert_eq!(world.files.storage_used(world.owner), limit - 100);
        Ok(())
    }

    #[tokio::test]
    async fn an_image_the_processor_refuses_is_bad_input_and_writes_nothing() -> AppResult<()> {
        let world = MediaWorld::new();
        world.processor.refuse_next("the image is larger than 40 megapixels");
        let refused = upload_image(&world.media, &world.owner_actor(), space_image(&world, 500)).await;
        assert!(
            matches!(&refused, Err(AppError::InvalidInput { field, message })
                if field == "file" && message.contains("megapixels")),
            "{refused:?}"
        );
        assert!(world.images.stored().is_empty());
        assert!(world.blobs.keys().is_empty());
        assert_eq!(world.files.storage_used(world.owner), 0);
        Ok(())
    }

    #[tokio::test]
    async fn audio_sent_as_an_image_is_refused_before_processing() -> AppResult<()> {
        let world = MediaWorld::new();
        let input = UploadImage {
            declared_type: None,
            content: MediaWorld::stream(MediaWorld::wav(500)),
            ..space_image(&world, 0)
        };
        let refused = upload_image(&world.media, &world.owner_actor(), input).await;
        assert!(matches!(refused, Err(AppError::InvalidInput { .. })), "{refused:?}");
        assert!(world.processor.seen().is_empty());
        assert!(world.images.stored().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_viewer_may_not_set_a_spaces_image_and_a_stranger_is_told_it_does_not_exist() -> AppResult<()> {
        let world = MediaWorld::new();
        let viewer = world.person("viewer", Some(Role::Viewer), world.space_path());
        let stranger = world.person("stranger", None, world.space_path());
        let by_viewer = upload_image(&world.media, &MediaWorld::actor(viewer), space_image(&world, 500)).await;
        assert!(matches!(by_viewer, Err(AppError::Forbidden(_))), "{by_viewer:?}");
        let by_stranger = upload_image(&world.media, &MediaWorld::actor(stranger), space_image(&world, 500)).await;
        assert!(matches!(by_stranger, Err(AppError::NotFound(_))), "{by_stranger:?}");
        let avatar = UploadImage {
            target: ImageTarget::UserAvatar,
            target_id: world.owner.0,
            ..space_image(&world, 500)
        };
        let someone_elses = upload_image(&world.media, &MediaWorld::actor(viewer), avatar).await;
        assert!(
            matches!(someone_elses, Err(AppError::Forbidden(_))),
            "{someone_elses:?}"
        );
        assert!(world.processor.seen().is_empty(), "nothing was even decoded");
        assert!(world.images.stored().is_empty());
        assert!(world.blobs.keys().is_empty());
        Ok(())
    }
}
