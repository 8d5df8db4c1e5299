//! Media: uploading track versions, images and press-kit documents, approving and deleting versions, signed content
//! URLs, waveforms, the analysis worker, and blob maintenance (orphan collection, integrity
//! checks).

mod analysis;
mod documents;
mod files;
mod images;
mod maintenance;
mod receive;
mod service;
mod signing;
mod upload;
mod waveform;

pub use service::Media;

pub use analysis::{idle_wait, run_next_job, wakes_workers};
pub use documents::{UploadDocument, document_blob, find_document, find_documents, upload_document};
pub(crate) use files::readable_file;
pub use files::{
    ContentAccess, TrackVersion, approve_file_version, count_files_in, delete_file, file_blob, file_for_content,
    files_by_ids, files_in, find_file, track_files,
};
pub use images::{UploadImage, find_images, find_own_image, image_blob, upload_image};
pub use maintenance::{OrphanReport, VerifyReport, blob_store_reachable, collect_orphans, verify_blobs};
pub use signing::{SignedScope, sign_url, verify_signature};
pub use upload::{UploadFile, upload_file};
pub use waveform::{WaveformRequest, waveform_of};

/// Removes blobs whose rows are gone. Failures are logged, not returned: the rows are already
/// deleted, and `backline gc` removes whatever is left.
pub(crate) async fn remove_blobs(blobs: &dyn crate::ports::BlobStore, keys: &[String]) {
    for key in keys {
        if let Err(error) = blobs.delete(key).await {
            tracing::warn!(%key, %error, "could not remove a blob; `backline gc` will");
        }
    }
}
