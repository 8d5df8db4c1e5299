//! The media context's service.

use std::sync::Arc;

use crate::AppSettings;
use crate::access::Access;
use crate::notifications::Notifier;
use crate::ports::{
    AudioAnalyzer, BlobStore, Clock, DocumentRepository, FileRepository, IdGenerator, ImageProcessor, ImageRepository,
    JobQueue,
};

/// Uploads, versions, analysis, images, documents and stored blobs: the ports their use cases use.
#[derive(Clone)]
pub struct Media {
    /// Authorization and resource look-ups.
    pub(crate) access: Access,
    /// Stored files (track versions).
    pub(crate) files: Arc<dyn FileRepository>,
    /// File bodies.
    pub(crate) blobs: Arc<dyn BlobStore>,
    /// Analysis jobs.
    pub(crate) jobs: Arc<dyn JobQueue>,
    /// Uploaded images.
    pub(crate) images: Arc<dyn ImageRepository>,
    /// Documents of spaces.
    pub(crate) documents: Arc<dyn DocumentRepository>,
    /// Audio decoding and measurement.
    pub(crate) analyzer: Arc<dyn AudioAnalyzer>,
    /// Image decoding and resizing.
    pub(crate) image_processor: Arc<dyn ImageProcessor>,
    /// Notifications about new and approved versions.
    pub(crate) notifier: Notifier,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// Ids.
    pub(crate) ids: Arc<dyn IdGenerator>,
    /// Upload caps, URL signing, analysis attempts, plan limits.
    pub(crate) settings: Arc<AppSettings>,
}
