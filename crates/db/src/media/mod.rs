//! Media: files (track versions) and their analysis jobs, images, documents.

pub(crate) mod documents;
pub(crate) mod files;
pub(crate) mod images;
pub(crate) mod jobs;

pub use documents::SqlDocumentRepository;
pub use files::SqlFileRepository;
pub use images::SqlImageRepository;
pub use jobs::SqlJobQueue;
