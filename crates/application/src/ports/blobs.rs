//! Object storage for file bodies.

/// Stores and fetches blobs by server-generated key.
///
/// # Errors
/// Every method fails with the store's error when it cannot be reached; `get` returns `None`
/// for a missing key rather than an error.
#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Writes `bytes` under `key`, replacing any previous value.
    async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()>;
    /// Reads the whole blob, or `None` when absent.
    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>>;
    /// Removes the blob; removing a missing key succeeds.
    async fn delete(&self, key: &str) -> anyhow::Result<()>;
    /// Checks that the store answers (for readiness).
    async fn ping(&self) -> anyhow::Result<()>;
}
