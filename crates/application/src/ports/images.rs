//! Uploaded images and the processing that makes their variants.

use std::collections::HashSet;

use backline_domain::ids::ImageId;
use backline_domain::media::{Image, ImageTarget, ImageVariant};

use super::RepoResult;

/// What setting an image did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSet {
    /// Stored and set on the target; the image it replaced (if any) was deleted and its bytes
    /// returned to its owner. Its blobs are the caller's to remove.
    Set {
        /// The replaced image.
        replaced: Option<Image>,
    },
    /// The owner's storage would exceed the limit; nothing was written.
    QuotaExceeded,
    /// The target no longer exists; nothing was written.
    TargetGone,
}

/// Images and which user, space or project shows them.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait ImageRepository: Send + Sync + 'static {
    /// In one transaction: reserves `image.size` bytes of the owner's storage if that stays
    /// within `storage_limit`, stores the image, points the target at it, and deletes the image
    /// the target showed before (returning its bytes to its owner). An ARTIST_VISUAL joins the
    /// space's visuals and replaces nothing.
    async fn set(
        &self,
        target: ImageTarget,
        target_id: uuid::Uuid,
        image: &Image,
        storage_limit: Option<i64>,
    ) -> RepoResult<ImageSet>;
    /// Images by id (missing ids are skipped).
    async fn images(&self, ids: &[ImageId]) -> RepoResult<Vec<Image>>;
    /// The space an ARTIST_VISUAL image belongs to; `None` for other images and unknown ids.
    async fn space_of_visual(&self, id: ImageId) -> RepoResult<Option<uuid::Uuid>>;
    /// The ids of the images stored for a target (a space's ARTIST_VISUAL images).
    async fn of_target(&self, target: ImageTarget, target_id: uuid::Uuid) -> RepoResult<Vec<ImageId>>;
    /// Deletes the images of a target with these ids, returning their bytes to their owners, in
    /// one transaction; the blob keys they held.
    async fn remove(&self, target: ImageTarget, target_id: uuid::Uuid, ids: &[ImageId]) -> RepoResult<Vec<String>>;
    /// Which of `ids` are images that exist (for orphan collection).
    async fn existing(&self, ids: &[uuid::Uuid]) -> RepoResult<HashSet<uuid::Uuid>>;
}

/// An image decoded and re-encoded into its variants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    /// Width of the original, in pixels.
    pub width: u32,
    /// Height of the original, in pixels.
    pub height: u32,
    /// Content type of every variant.
    pub content_type: String,
    /// The encoded variants.
    pub variants: Vec<(ImageVariant, Vec<u8>)>,
}

/// Why an image was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageRefusal {
    /// The bytes are not an image that can be decoded, or it is too large to decode safely.
    #[error("{0}")]
    Invalid(String),
    /// Processing failed for another reason.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// Decodes an image with limits (refusing decompression bombs) and renders its variants
/// without metadata.
#[async_trait::async_trait]
pub trait ImageProcessor: Send + Sync + 'static {
    /// Processes `bytes`.
    async fn process(&self, bytes: Vec<u8>) -> Result<ProcessedImage, ImageRefusal>;
}
