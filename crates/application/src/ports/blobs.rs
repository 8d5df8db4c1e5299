//! Object storage for file bodies, streamed both ways.

use std::ops::Range;
use std::pin::Pin;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures::Stream;

/// A stream of byte chunks (an upload being received, or a blob being read).
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// A blob being read: its total size and the requested bytes.
pub struct BlobRead {
    /// The whole blob's size in bytes (not only the requested range).
    pub size: u64,
    /// The requested bytes.
    pub stream: ByteStream,
}

/// One stored blob, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    /// Its key.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was last written.
    pub last_modified: DateTime<Utc>,
}

/// Writes one blob chunk by chunk. Nothing is visible under the key until [`finish`]
/// succeeds; [`abort`] (or dropping the writer) leaves nothing behind but what the store's own
/// clean-up of incomplete uploads removes.
///
/// [`finish`]: BlobWriter::finish
/// [`abort`]: BlobWriter::abort
#[async_trait::async_trait]
pub trait BlobWriter: Send {
    /// Appends a chunk.
    async fn write(&mut self, chunk: Bytes) -> anyhow::Result<()>;
    /// Completes the blob.
    async fn finish(self: Box<Self>) -> anyhow::Result<()>;
    /// Gives up; the blob is not created.
    async fn abort(self: Box<Self>) -> anyhow::Result<()>;
}

/// Stores and fetches blobs by server-generated key.
///
/// # Errors
/// Every method fails with the store's error when it cannot be reached; reads return `None`
/// for a missing key rather than an error.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Writes `bytes` under `key`, replacing any previous value.
    async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()>;
    /// Starts writing a blob under `key` chunk by chunk; memory use does not grow with its size.
    async fn writer(&self, key: &str) -> anyhow::Result<Box<dyn BlobWriter>>;
    /// Reads the whole blob, or `None` when absent.
    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>>;
    /// Streams the blob, or the bytes in `range` of it; `None` when absent. The range must lie
    /// within the blob.
    async fn read(&self, key: &str, range: Option<Range<u64>>) -> anyhow::Result<Option<BlobRead>>;
    /// The blob's size and age, or `None` when absent.
    async fn head(&self, key: &str) -> anyhow::Result<Option<BlobInfo>>;
    /// Every blob whose key starts with `prefix` (a folder such as `files`).
    async fn list(&self, prefix: &str) -> anyhow::Result<Vec<BlobInfo>>;
    /// Removes the blob; removing a missing key succeeds.
    async fn delete(&self, key: &str) -> anyhow::Result<()>;
    /// Checks that the store answers (for readiness).
    async fn ping(&self) -> anyhow::Result<()>;
}
