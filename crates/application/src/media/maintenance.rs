//! Blob maintenance, safe to run while the server serves: removing orphan blobs (written, but
//! their row never committed) and re-hashing stored files.

use std::collections::HashSet;

use backline_domain::ids::FileId;
use futures::StreamExt;
use sha2::{Digest, Sha256};

use super::Media;
use crate::error::AppResult;
use crate::ports::BlobInfo;

/// What orphan collection found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrphanReport {
    /// Blobs looked at.
    pub examined: usize,
    /// Keys of the orphans removed.
    pub removed: Vec<String>,
    /// Bytes freed.
    pub bytes: u64,
}

/// Which row owns a blob, by its key.
enum Owner {
    File(uuid::Uuid),
    Image(uuid::Uuid),
    Document(uuid::Uuid),
}

fn owner_of(key: &str) -> Option<Owner> {
    let mut parts = key.split('/');
    let (Some(folder), Some(name)) = (parts.next(), parts.next()) else {
        return None;
    };
    match folder {
        "files" => name.parse().ok().map(Owner::File),
        "waveforms" => name.strip_suffix(".dat")?.parse().ok().map(Owner::File),
        "images" => name.parse().ok().map(Owner::Image),
        "documents" => name.parse().ok().map(Owner::Document),
        _ => None,
    }
}

/// Removes blobs under `files/`, `waveforms/`, `images/` and `documents/` that are older than `min_age` and
/// belong to no file or image. Younger blobs are left alone: their upload may still be about
/// to commit.
pub async fn collect_orphans(media: &Media, min_age: chrono::Duration) -> AppResult<OrphanReport> {
    let cutoff = media.clock.now() - min_age;
    let mut blobs: Vec<BlobInfo> = Vec::new();
    for folder in ["files", "waveforms", "images", "documents"] {
        blobs.extend(media.blobs.list(folder).await?);
    }
    let mut report = OrphanReport {
        examined: blobs.len(),
        ..OrphanReport::default()
    };
    let old: Vec<(BlobInfo, Owner)> = blobs
        .into_iter()
        .filter(|blob| blob.last_modified < cutoff)
        .filter_map(|blob| owner_of(&blob.key).map(|owner| (blob, owner)))
        .collect();
    let mut file_ids = Vec::new();
    let mut image_ids = Vec::new();
    let mut document_ids = Vec::new();
    for (_, owner) in &old {
        match owner {
            Owner::File(id) => file_ids.push(*id),
            Owner::Image(id) => image_ids.push(*id),
            Owner::Document(id) => document_ids.push(*id),
        }
    }
    let mut files = HashSet::new();
    for chunk in file_ids.chunks(500) {
        files.extend(media.files.existing(chunk).await?);
    }
    let mut images = HashSet::new();
    for chunk in image_ids.chunks(500) {
        images.extend(media.images.existing(chunk).await?);
    }
    let mut documents = HashSet::new();
    for chunk in document_ids.chunks(500) {
        documents.extend(media.documents.existing(chunk).await?);
    }
    for (blob, owner) in old {
        let owned = match owner {
            Owner::File(id) => files.contains(&id),
            Owner::Image(id) => images.contains(&id),
            Owner::Document(id) => documents.contains(&id),
        };
        if !owned {
            media.blobs.delete(&blob.key).await?;
            tracing::info!(key = %blob.key, size = blob.size, "removed an orphan blob");
            report.bytes += blob.size;
            report.removed.push(blob.key);
        }
    }
    Ok(report)
}

/// What re-hashing found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Files checked.
    pub checked: usize,
    /// Files whose content no longer matches their recorded SHA-256: (file, key, expected, actual).
    pub mismatched: Vec<(FileId, String, String, String)>,
    /// Files whose content is missing: (file, key).
    pub missing: Vec<(FileId, String)>,
}

impl VerifyReport {
    /// Whether every file matched.
    pub fn is_clean(&self) -> bool {
        self.mismatched.is_empty() && self.missing.is_empty()
    }
}

/// Re-reads every stored file and compares its SHA-256 with the one recorded at upload.
pub async fn verify_blobs(media: &Media) -> AppResult<VerifyReport> {
    let mut report = VerifyReport::default();
    let mut after = None;
    loop {
        let batch = media.files.scan(after, 200).await?;
        let Some(last) = batch.last() else { break };
        after = Some(last.id);
        for file in batch {
            report.checked += 1;
            let Some(blob) = media.blobs.read(&file.blob_key, None).await? else {
                report.missing.push((file.id, file.blob_key));
                continue;
            };
            let mut hasher = Sha256::new();
            let mut stream = blob.stream;
            while let Some(chunk) = stream.next().await {
                hasher.update(chunk.map_err(anyhow::Error::from)?);
            }
            let actual = hex::encode(hasher.finalize());
            if actual != file.sha256 {
                report.mismatched.push((file.id, file.blob_key, file.sha256, actual));
            }
        }
    }
    Ok(report)
}

/// Whether the blob store answers (the readiness check).
///
/// # Errors
/// The store's error when it does not.
pub async fn blob_store_reachable(media: &Media) -> anyhow::Result<()> {
    media.blobs.ping().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_owner() {
        let id = uuid::Uuid::nil();
        assert!(matches!(owner_of(&format!("files/{id}")), Some(Owner::File(found)) if found == id));
        assert!(matches!(owner_of(&format!("waveforms/{id}.dat")), Some(Owner::File(_))));
        assert!(matches!(
            owner_of(&format!("images/{id}/thumbnail")),
            Some(Owner::Image(_))
        ));
        assert!(owner_of("files/not-a-uuid").is_none());
        assert!(owner_of("other/thing").is_none());
        assert!(owner_of("files").is_none());
    }
}
