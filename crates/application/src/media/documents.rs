//! Documents of artist spaces: press kits uploaded as PDF or ZIP (Space U), stored as sent,
//! counted against the uploader's storage, downloaded through signed URLs as attachments.

use backline_domain::access::{Action, ResourceKind};
use backline_domain::ids::{ArtistSpaceId, DocumentId};
use backline_domain::media::{Document, MAX_DOCUMENT_BYTES, display_name, document_type};
use futures::StreamExt;
use sha2::{Digest, Sha256};

use super::Media;
use crate::Actor;
use crate::access::authorize;
use crate::error::{AppError, AppResult, NotFoundAs};
use crate::ports::{BlobRead, ByteStream, DocumentStored};
use crate::workspace::resource::load_space;

/// Bytes read before the type is judged.
const HEAD_BYTES: usize = 8;

/// A document to store in a space.
pub struct UploadDocument {
    /// The space.
    pub space: ArtistSpaceId,
    /// The file name the client sent.
    pub name: Option<String>,
    /// The content.
    pub content: ByteStream,
}

/// Stores a PDF or ZIP document in a space (ArtistSpace U: OWNER and ADMIN), to be listed as a
/// press kit. The type is recognised from the first bytes; anything else is `BAD_USER_INPUT`.
/// At most 50 MiB; it counts against the uploader's storage (`QUOTA_EXCEEDED`, nothing kept).
pub async fn upload_document(media: &Media, actor: &Actor, input: UploadDocument) -> AppResult<Document> {
    let user = actor.require()?;
    let space = load_space(&media.access, input.space).await?;
    authorize(
        &media.access,
        actor,
        space.path(),
        ResourceKind::ArtistSpace,
        Action::Update,
    )
    .await?;
    let mut content = input.content;
    let not_a_document = || AppError::invalid("file", "a press kit document must be a PDF or a ZIP archive");
    let mut bytes: Vec<u8> = Vec::new();
    let mut content_type = None;
    while let Some(chunk) = content.next().await {
        bytes.extend_from_slice(&chunk.map_err(|error| AppError::Internal(error.into()))?);
        if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
            return Err(AppError::PayloadTooLarge(format!(
                "the document is larger than the {MAX_DOCUMENT_BYTES} byte limit"
            )));
        }
        if content_type.is_none() && bytes.len() >= HEAD_BYTES {
            content_type = Some(document_type(&bytes).ok_or_else(not_a_document)?);
        }
    }
    let content_type = match content_type {
        Some(found) => found,
        None => document_type(&bytes).ok_or_else(not_a_document)?,
    };
    let document = Document {
        id: DocumentId(media.ids.uuid()),
        artist_space_id: space.id,
        owner_id: user,
        name: display_name(input.name.as_deref().unwrap_or("press-kit")),
        content_type: content_type.to_owned(),
        size: i64::try_from(bytes.len()).map_err(|error| AppError::Internal(error.into()))?,
        sha256: hex::encode(Sha256::digest(&bytes)),
        created_at: media.clock.now(),
    };
    let key = document.blob_key();
    media.blobs.put(&key, bytes).await?;
    let limit = super::receive::plan_storage(media, user).await?.limit;
    let refusal = match media.documents.insert(&document, limit).await {
        Ok(DocumentStored::Stored) => return Ok(document),
        Ok(DocumentStored::QuotaExceeded) => {
            AppError::QuotaExceeded("the document does not fit in your plan's storage".into())
        }
        Ok(DocumentStored::SpaceGone) => AppError::NotFound("artist space"),
        Err(error) => error.into(),
    };
    super::remove_blobs(&*media.blobs, &[key]).await;
    Err(refusal)
}

/// Documents by id. Callers pass ids from records they were allowed to read.
pub async fn find_documents(media: &Media, ids: &[DocumentId]) -> AppResult<Vec<Document>> {
    Ok(media.documents.documents(ids).await?)
}

/// Opens a document for a caller holding a valid signature.
pub async fn document_blob(media: &Media, id: DocumentId) -> AppResult<(Document, BlobRead)> {
    let document = media
        .documents
        .documents(&[id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("document"))?;
    let blob = media
        .blobs
        .read(&document.blob_key(), None)
        .await?
        .ok_or(AppError::NotFound("document"))?;
    Ok((document, blob))
}

/// A document of a space the caller can read; `NOT_FOUND` otherwise.
pub async fn find_document(media: &Media, actor: &Actor, id: DocumentId) -> AppResult<Document> {
    let document = media
        .documents
        .documents(&[id])
        .await?
        .pop()
        .ok_or(AppError::NotFound("document"))?;
    let space = crate::workspace::resource::load_space(&media.access, document.artist_space_id)
        .await
        .not_found_as("document")?;
    crate::access::readable_or_not_found(&media.access, actor, space.path())
        .await
        .not_found_as("document")?;
    Ok(document)
}

#[cfg(test)]
mod tests {
    use backline_domain::roles::Role;

    use super::*;
    use crate::ports::BlobStore;
    use crate::testing::media_world::MediaWorld;

    fn pdf(len: usize) -> Vec<u8> {
        let mut bytes = b"%PDF-1.7\n".to_vec();
        bytes.resize(len, b' ');
        bytes
    }

    fn upload(world: &MediaWorld, name: &str, bytes: Vec<u8>) -> UploadDocument {
        UploadDocument {
            space: world.space.id,
            name: Some(name.to_owned()),
            content: MediaWorld::stream(bytes),
        }
    }

    #[tokio::test]
    async fn a_pdf_is_stored_as_sent_hashed_and_counted_against_storage() -> AppResult<()> {
        let world = MediaWorld::new();
        let bytes = pdf(2_000);
        let document = upload_document(
            &world.media,
            &world.owner_actor(),
            upload(&world, "../kits/press.pdf", bytes.clone()),
        )
        .await?;
        assert_eq!(
            (document.name.as_str(), document.content_type.as_str(), document.size),
            ("press.pdf", "application/pdf", 2_000)
        );
        assert_eq!(document.sha256, hex::encode(Sha256::digest(&bytes)));
        assert_eq!(world.documents.stored(), vec![document.clone()]);
        assert_eq!(world.blobs.get(&document.blob_key()).await?, Some(bytes));
        assert_eq!(world.files.storage_used(world.owner), 2_000);
        let found = find_document(&world.media, &world.owner_actor(), document.id).await?;
        assert_eq!(found, document);
        let stranger = world.person("stranger", None, world.space_path());
        let hidden = find_document(&world.media, &MediaWorld::actor(stranger), document.id).await;
        assert!(matches!(hidden, Err(AppError::NotFound("document"))), "{hidden:?}");
        Ok(())
    }

    #[tokio::test]
    async fn anything_but_a_pdf_or_zip_is_bad_input_and_nothing_is_kept() -> AppResult<()> {
        let world = MediaWorld::new();
        let refused = upload_document(
            &world.media,
            &world.owner_actor(),
            upload(&world, "kit.pdf", MediaWorld::wav(2_000)),
        )
        .await;
        assert!(matches!(refused, Err(AppError::InvalidInput { .. })), "{refused:?}");
        assert!(world.documents.stored().is_empty());
        assert!(world.blobs.keys().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_document_beyond_the_storage_left_is_quota_exceeded_and_its_blob_removed() -> AppResult<()> {
        let world = MediaWorld::new();
        let Some(limit) = world.settings.plan_limits.free else {
            return Err(AppError::NotFound("a FREE storage limit"));
        };
        world.files.set_storage_used(world.owner, limit - 1_000);
        let refused = upload_document(
            &world.media,
            &world.owner_actor(),
            upload(&world, "kit.pdf", pdf(1_001)),
        )
        .await;
        assert!(matches!(refused, Err(AppError::QuotaExceeded(_))), "{refused:?}");
        assert!(world.documents.stored().is_empty());
        assert!(world.blobs.keys().is_empty(), "the blob written first was removed");
        assert_eq!(world.files.storage_used(world.owner), limit - 1_000);
        Ok(())
    }

    #[tokio::test]
    async fn a_viewer_may_not_add_documents_and_a_stranger_is_told_the_space_does_not_exist() -> AppResult<()> {
        let world = MediaWorld::new();
        let viewer = world.person("viewer", Some(Role::Viewer), world.space_path());
        let stranger = world.person("stranger", None, world.space_path());
        let by_viewer = upload_document(
            &world.media,
            &MediaWorld::actor(viewer),
            upload(&world, "a.pdf", pdf(100)),
        )
        .await;
        assert!(matches!(by_viewer, Err(AppError::Forbidden(_))), "{by_viewer:?}");
        let by_stranger = upload_document(
            &world.media,
            &MediaWorld::actor(stranger),
            upload(&world, "a.pdf", pdf(100)),
        )
        .await;
        assert!(matches!(by_stranger, Err(AppError::NotFound(_))), "{by_stranger:?}");
        assert!(world.documents.stored().is_empty());
        assert!(world.blobs.keys().is_empty());
        Ok(())
    }
}
