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
use crate::error::{AppError, AppResult};
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
        .map_err(|_| AppError::NotFound("document"))?;
    crate::access::readable_or_not_found(&media.access, actor, space.path())
        .await
        .map_err(|_| AppError::NotFound("document"))?;
    Ok(document)
}
