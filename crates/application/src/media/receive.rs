//! Receiving content: sniffing its format from the first bytes, hashing it, and streaming it
//! into the blob store within the size and storage limits.

use backline_domain::media::{MediaFormat, SNIFF_BYTES, sniff};
use bytes::{Bytes, BytesMut};
use futures::StreamExt;
use sha2::{Digest, Sha256};

use super::Media;
use crate::error::{AppError, AppResult};
use crate::ports::{BlobWriter, ByteStream};

/// The formats accepted, for error messages.
pub(crate) const ACCEPTED: &str = "WAV, AIFF, FLAC, MP3, Ogg Vorbis, Ogg Opus, MP4/M4A audio, PNG, JPEG, WebP or GIF";

/// What was received.
#[derive(Debug, Clone)]
pub(crate) struct Received {
    /// Bytes written.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// Limits on one upload.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caps {
    /// The upload size limit (`PAYLOAD_TOO_LARGE` past it).
    pub max_bytes: u64,
    /// Storage left on the uploader's plan (`QUOTA_EXCEEDED` past it); `None` is unlimited.
    pub storage_left: Option<u64>,
}

impl Caps {
    pub(crate) fn check(&self, size: u64) -> AppResult<()> {
        if size > self.max_bytes {
            return Err(AppError::PayloadTooLarge(format!(
                "the file is larger than the {} byte upload limit",
                self.max_bytes
            )));
        }
        if let Some(left) = self.storage_left
            && size > left
        {
            return Err(AppError::QuotaExceeded(format!(
                "the file does not fit in your plan's storage ({left} bytes left)"
            )));
        }
        Ok(())
    }
}

/// Reads the first bytes of `content` (up to [`SNIFF_BYTES`]), recognises the format and checks
/// it against the declared type. Returns the format and the bytes read so far.
pub(crate) async fn sniff_head(
    content: &mut ByteStream,
    declared: Option<&str>,
    field: &str,
) -> AppResult<(MediaFormat, Bytes)> {
    let mut head = BytesMut::new();
    while head.len() < SNIFF_BYTES {
        match content.next().await {
            Some(chunk) => head.extend_from_slice(&chunk.map_err(|error| AppError::Internal(error.into()))?),
            None => break,
        }
    }
    if head.is_empty() {
        return Err(AppError::invalid(field, "the file is empty"));
    }
    let format = sniff(&head).ok_or_else(|| {
        AppError::invalid(
            field,
            format!("the content is not a supported format; accepted: {ACCEPTED}"),
        )
    })?;
    if !format.agrees_with(declared) {
        return Err(AppError::invalid(
            field,
            format!(
                "the declared type '{}' does not match the content, which is {}",
                declared.unwrap_or(""),
                format.content_type()
            ),
        ));
    }
    Ok((format, head.freeze()))
}

/// Streams `head` and the rest of `content` into a new blob under `key`, hashing it, within
/// `caps`. On any failure the blob is not created.
pub(crate) async fn store(
    media: &Media,
    key: &str,
    head: Bytes,
    content: ByteStream,
    caps: Caps,
) -> AppResult<Received> {
    let mut writer = media.blobs.writer(key).await?;
    match pump(writer.as_mut(), head, content, caps).await {
        Ok((size, sha256)) => {
            writer.finish().await?;
            Ok(Received { size, sha256 })
        }
        Err(error) => {
            if let Err(abort) = writer.abort().await {
                tracing::warn!(%key, error = %abort, "could not abort a blob upload");
            }
            Err(error)
        }
    }
}

async fn pump(
    writer: &mut dyn BlobWriter,
    head: Bytes,
    mut content: ByteStream,
    caps: Caps,
) -> AppResult<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let mut chunk = Some(head);
    while let Some(bytes) = chunk {
        size += bytes.len() as u64;
        caps.check(size)?;
        hasher.update(&bytes);
        writer.write(bytes).await?;
        chunk = match content.next().await {
            Some(next) => Some(next.map_err(|error| AppError::Internal(error.into()))?),
            None => None,
        };
    }
    Ok((size, hex::encode(hasher.finalize())))
}

/// Reads all of `content` into memory, up to `max_bytes` (`PAYLOAD_TOO_LARGE` past it).
pub(crate) async fn collect(head: Bytes, mut content: ByteStream, max_bytes: u64) -> AppResult<Vec<u8>> {
    let mut bytes = head.to_vec();
    while let Some(chunk) = content.next().await {
        bytes.extend_from_slice(&chunk.map_err(|error| AppError::Internal(error.into()))?);
        if bytes.len() as u64 > max_bytes {
            return Err(AppError::PayloadTooLarge(format!(
                "the image is larger than the {max_bytes} byte limit"
            )));
        }
    }
    Ok(bytes)
}

/// A user's plan storage, read once per upload.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlanStorage {
    /// The plan's limit in bytes; `None` is unlimited.
    pub limit: Option<i64>,
    /// Bytes left under it; `None` is unlimited.
    pub left: Option<u64>,
}

/// The storage limit of `user`'s plan and what is left of it.
pub(crate) async fn plan_storage(media: &Media, user: backline_domain::ids::UserId) -> AppResult<PlanStorage> {
    let subscription = media
        .access
        .users
        .subscription(user)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let limit = crate::identity::storage_limit(&media.settings.plan_limits, &subscription);
    Ok(PlanStorage {
        limit,
        left: limit.map(|limit| u64::try_from(limit.saturating_sub(subscription.storage_used)).unwrap_or(0)),
    })
}
