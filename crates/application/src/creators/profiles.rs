//! Artist profiles (seed 002): the long "about" text, social handles, press kits and visuals
//! of an artist space. Whoever reads the space reads its profile; ArtistSpace U (OWNER and
//! ADMIN) changes it.

use std::collections::HashMap;

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{ArtistSpaceId, DocumentId, FileId, ImageId};
use backline_domain::media::ImageTarget;
use backline_domain::profile::{
    ArtistProfile, VisualKind, about, bounded, distinct_platforms, press_kit, social, visual,
};
use backline_domain::workspace::ArtistSpace;

use super::Creators;
use crate::Actor;
use crate::access::{authorize, readable_or_not_found};
use crate::error::{AppError, AppResult, NotFoundAs};
use crate::workspace::resource::load_space;
use crate::workspace::{UpdateArtistSpace, update_artist_space};

/// A social handle as given.
#[derive(Debug, Clone)]
pub struct SocialInput {
    /// The platform (`instagram`, `tiktok`, ...).
    pub platform: String,
    /// The handle.
    pub handle: String,
    /// A link to the profile.
    pub url: Option<String>,
}

/// A press kit as given: a link or a file uploaded to the space.
#[derive(Debug, Clone)]
pub struct PressKitInput {
    /// What it is.
    pub title: String,
    /// Where it lives.
    pub url: Option<String>,
    /// A file uploaded to one of the space's tracks.
    pub file_id: Option<FileId>,
    /// A document uploaded to the space (`uploadDocument`).
    pub document_id: Option<DocumentId>,
}

/// A visual as given: a link or an image uploaded to the space.
#[derive(Debug, Clone)]
pub struct VisualInput {
    /// What kind.
    pub kind: VisualKind,
    /// Where it lives.
    pub url: Option<String>,
    /// An image uploaded with `uploadImage` (ARTIST_VISUAL) to this space.
    pub image_id: Option<ImageId>,
    /// A caption or credit.
    pub caption: Option<String>,
}

/// Changes to a profile: each given list replaces the saved one; what is left out stays.
#[derive(Debug, Clone, Default)]
pub struct UpdateArtistProfile {
    /// New "about" text (empty clears it).
    pub about: Option<String>,
    /// New social handles.
    pub socials: Option<Vec<SocialInput>>,
    /// New press kits.
    pub press_kits: Option<Vec<PressKitInput>>,
    /// New visuals.
    pub visuals: Option<Vec<VisualInput>>,
    /// New country (ISO 3166-1 alpha-2), or clear it.
    pub country_code: Option<Option<String>>,
}

/// The profiles of spaces the caller already read (an empty profile where none was saved).
pub async fn profiles_of(
    creators: &Creators,
    spaces: &[ArtistSpaceId],
) -> AppResult<HashMap<ArtistSpaceId, ArtistProfile>> {
    let now = creators.clock.now();
    let mut saved: HashMap<ArtistSpaceId, ArtistProfile> = creators
        .profiles
        .profiles(spaces)
        .await?
        .into_iter()
        .map(|profile| (profile.artist_space_id, profile))
        .collect();
    for space in spaces {
        saved.entry(*space).or_insert_with(|| ArtistProfile::empty(*space, now));
    }
    Ok(saved)
}

/// Changes a space's profile (ArtistSpace U). Every field is checked before anything is
/// written; press kits may point only at files of this space.
pub async fn update_artist_profile(
    creators: &Creators,
    actor: &Actor,
    id: ArtistSpaceId,
    input: UpdateArtistProfile,
) -> AppResult<(ArtistSpace, ArtistProfile)> {
    let space = load_space(&creators.access, id).await?;
    authorize(
        &creators.access,
        actor,
        space.path(),
        ResourceKind::ArtistSpace,
        Action::Update,
    )
    .await?;
    let mut profile = profiles_of(creators, &[id])
        .await?
        .remove(&id)
        .unwrap_or_else(|| ArtistProfile::empty(id, creators.clock.now()));
    if let Some(text) = input.about {
        profile.about = about(&text)?;
    }
    if let Some(socials) = input.socials {
        let socials = bounded("socials", socials)?
            .iter()
            .map(|given| social(&given.platform, &given.handle, given.url.as_deref()))
            .collect::<Result<Vec<_>, _>>()?;
        distinct_platforms(&socials)?;
        profile.socials = socials;
    }
    let mut dropped_documents: Vec<DocumentId> = Vec::new();
    if let Some(kits) = input.press_kits {
        let kits = bounded("pressKits", kits)?
            .iter()
            .map(|given| press_kit(&given.title, given.url.as_deref(), given.file_id, given.document_id))
            .collect::<Result<Vec<_>, _>>()?;
        let files: Vec<FileId> = kits.iter().filter_map(|kit| kit.file_id).collect();
        let found = creators.files.files(&files).await?;
        for file in &files {
            if !found
                .iter()
                .any(|stored| stored.id == *file && stored.artist_space_id == id)
            {
                return Err(AppError::invalid(
                    "pressKits",
                    format!("{file} is not a file of this artist space"),
                ));
            }
        }
        let documents: Vec<DocumentId> = kits.iter().filter_map(|kit| kit.document_id).collect();
        let stored = creators.documents.documents(&documents).await?;
        for document in &documents {
            if !stored
                .iter()
                .any(|kept| kept.id == *document && kept.artist_space_id == id)
            {
                return Err(AppError::invalid(
                    "pressKits",
                    format!("{document} is not a document of this artist space (uploadDocument)"),
                ));
            }
        }
        // Uploaded documents the profile listed and no longer lists are deleted after the save.
        dropped_documents = profile
            .press_kits
            .iter()
            .filter_map(|old| old.document_id)
            .filter(|old| !documents.contains(old))
            .collect();
        profile.press_kits = kits;
    }
    let mut dropped: Vec<ImageId> = Vec::new();
    if let Some(visuals) = input.visuals {
        let visuals = bounded("visuals", visuals)?
            .iter()
            .map(|given| {
                visual(
                    given.kind,
                    given.url.as_deref(),
                    given.image_id,
                    given.caption.as_deref(),
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let stored = creators.images.of_target(ImageTarget::ArtistVisual, id.0).await?;
        for image in visuals.iter().filter_map(|visual| visual.image_id) {
            if !stored.contains(&image) {
                return Err(AppError::invalid(
                    "visuals",
                    format!("{image} is not an image uploaded to this artist space (uploadImage with ARTIST_VISUAL)"),
                ));
            }
        }
        // Uploaded images the profile listed and no longer lists are deleted after the save.
        dropped = profile
            .visuals
            .iter()
            .filter_map(|old| old.image_id)
            .filter(|old| !visuals.iter().any(|new| new.image_id == Some(*old)))
            .collect();
        profile.visuals = visuals;
    }
    let space = match input.country_code {
        Some(country_code) => {
            let change = UpdateArtistSpace {
                name: None,
                slug: None,
                bio: None,
                country_code: Some(country_code),
                links: None,
            };
            update_artist_space(&creators.spaces, actor, id, change).await?
        }
        None => space,
    };
    profile.updated_at = creators.clock.now();
    creators.profiles.save(&profile).await?;
    if !dropped.is_empty() {
        let keys = creators
            .images
            .remove(ImageTarget::ArtistVisual, id.0, &dropped)
            .await?;
        crate::media::remove_blobs(&*creators.blobs, &keys).await;
    }
    if !dropped_documents.is_empty() {
        let keys = creators.documents.remove(id, &dropped_documents).await?;
        crate::media::remove_blobs(&*creators.blobs, &keys).await;
    }
    Ok((space, profile))
}

/// The press-kit documents stored in a space, newest first (whoever reads the space).
pub async fn space_documents(
    creators: &Creators,
    actor: &Actor,
    id: ArtistSpaceId,
) -> AppResult<Vec<backline_domain::media::Document>> {
    readable_or_not_found(&creators.access, actor, load_space(&creators.access, id).await?.path()).await?;
    Ok(creators.documents.of_space(id).await?)
}

/// The ARTIST_VISUAL images uploaded to a space, newest first (whoever reads the space).
pub async fn space_visual_images(
    creators: &Creators,
    actor: &Actor,
    id: ArtistSpaceId,
) -> AppResult<Vec<backline_domain::media::Image>> {
    readable_or_not_found(&creators.access, actor, load_space(&creators.access, id).await?.path()).await?;
    let ids = creators.images.of_target(ImageTarget::ArtistVisual, id.0).await?;
    let mut images = creators.images.images(&ids).await?;
    images.sort_by_key(|image| std::cmp::Reverse(image.created_at));
    Ok(images)
}

/// What a profile upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileUpload {
    /// A press-kit document.
    Document(DocumentId),
    /// An ARTIST_VISUAL image.
    Visual(ImageId),
}

/// Deletes a document or visual image of a space (ArtistSpace U), taking it out of the profile
/// first if the profile lists it; its bytes return to the uploader.
pub async fn delete_profile_upload(creators: &Creators, actor: &Actor, upload: ProfileUpload) -> AppResult<()> {
    let space = match upload {
        ProfileUpload::Document(document) => creators
            .documents
            .documents(&[document])
            .await?
            .pop()
            .map(|found| found.artist_space_id),
        ProfileUpload::Visual(image) => {
            // The image's space is found among the spaces the caller may change below; an id
            // that is no visual of that space is NOT_FOUND.
            creators.images.space_of_visual(image).await?.map(ArtistSpaceId)
        }
    }
    .ok_or(AppError::NotFound("upload"))?;
    let found = load_space(&creators.access, space).await.not_found_as("upload")?;
    authorize(
        &creators.access,
        actor,
        found.path(),
        ResourceKind::ArtistSpace,
        Action::Update,
    )
    .await
    .not_found_as("upload")?;
    if let Some(mut profile) = creators.profiles.profiles(&[space]).await?.pop() {
        let before = (profile.press_kits.len(), profile.visuals.len());
        match upload {
            ProfileUpload::Document(document) => profile.press_kits.retain(|kit| kit.document_id != Some(document)),
            ProfileUpload::Visual(image) => profile.visuals.retain(|visual| visual.image_id != Some(image)),
        }
        if before != (profile.press_kits.len(), profile.visuals.len()) {
            profile.updated_at = creators.clock.now();
            creators.profiles.save(&profile).await?;
        }
    }
    let keys = match upload {
        ProfileUpload::Document(document) => creators.documents.remove(space, &[document]).await?,
        ProfileUpload::Visual(image) => {
            creators
                .images
                .remove(ImageTarget::ArtistVisual, space.0, &[image])
                .await?
        }
    };
    crate::media::remove_blobs(&*creators.blobs, &keys).await;
    Ok(())
}
