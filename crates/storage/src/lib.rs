//! Backline's blob store adapter over `object_store`: local folders (`file://`), memory
//! (`memory://`), and S3, Azure and GCS (`s3://`, `az://`, `gs://`, configured from the usual
//! environment variables of each cloud).

use std::sync::Arc;

use backline_application::ports::BlobStore;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use url::Url;

/// A blob store behind an `object_store` backend.
pub struct ObjectBlobStore {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

impl ObjectBlobStore {
    /// Opens the store a URL names. A `file://` folder is created if missing; relative paths
    /// (`file://./data/blobs`) are resolved against the working directory.
    ///
    /// # Errors
    /// Fails on an unknown scheme, a malformed URL or missing cloud credentials.
    pub fn from_url(raw: &str) -> anyhow::Result<Self> {
        if raw == "memory://" || raw == "memory:" {
            return Ok(Self::in_memory());
        }
        if let Some(path) = raw.strip_prefix("file://") {
            let folder = std::path::absolute(path)?;
            std::fs::create_dir_all(&folder)?;
            let store = object_store::local::LocalFileSystem::new_with_prefix(&folder)?;
            return Ok(Self {
                store: Arc::new(store),
                prefix: Path::default(),
            });
        }
        let url =
            Url::parse(raw).map_err(|error| anyhow::anyhow!("BACKLINE_BLOB_URL '{raw}' is not a URL: {error}"))?;
        let options: Vec<(String, String)> = std::env::vars()
            .filter(|(key, _)| key.starts_with("AWS_") || key.starts_with("AZURE_") || key.starts_with("GOOGLE_"))
            .map(|(key, value)| (key.to_ascii_lowercase(), value))
            .collect();
        let (store, prefix) = object_store::parse_url_opts(&url, options)?;
        Ok(Self {
            store: Arc::from(store),
            prefix,
        })
    }

    /// A store that keeps blobs in memory (tests and demos).
    pub fn in_memory() -> Self {
        Self {
            store: Arc::new(object_store::memory::InMemory::new()),
            prefix: Path::default(),
        }
    }

    fn path(&self, key: &str) -> Path {
        Path::from_iter(self.prefix.parts().chain(Path::from(key).parts()))
    }
}

#[async_trait::async_trait]
impl BlobStore for ObjectBlobStore {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store.put(&self.path(key), PutPayload::from(bytes)).await?;
        Ok(())
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match self.store.get(&self.path(key)).await {
            Ok(result) => Ok(Some(result.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(error) => Err(error.into()),
        }
    }

    async fn ping(&self) -> anyhow::Result<()> {
        use futures::StreamExt;
        let mut listing = self.store.list(Some(&self.prefix));
        match listing.next().await {
            Some(Err(error)) => Err(error.into()),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn round_trip(store: &ObjectBlobStore) -> anyhow::Result<()> {
        store.put("tracks/a/v1", b"RIFF....WAVE".to_vec()).await?;
        assert_eq!(store.get("tracks/a/v1").await?.as_deref(), Some(&b"RIFF....WAVE"[..]));
        store.delete("tracks/a/v1").await?;
        assert_eq!(store.get("tracks/a/v1").await?, None);
        store.delete("tracks/a/v1").await?;
        store.ping().await
    }

    #[tokio::test]
    async fn memory_store_round_trips() -> anyhow::Result<()> {
        round_trip(&ObjectBlobStore::from_url("memory://")?).await
    }

    #[tokio::test]
    async fn file_store_round_trips_in_a_fresh_folder() -> anyhow::Result<()> {
        let folder = std::env::temp_dir().join(format!("backline-blobs-{}", uuid::Uuid::now_v7()));
        let store = ObjectBlobStore::from_url(&format!("file://{}", folder.display()))?;
        round_trip(&store).await?;
        std::fs::remove_dir_all(folder)?;
        Ok(())
    }

    #[test]
    fn refuses_unknown_schemes() {
        assert!(ObjectBlobStore::from_url("ftp://example.com/x").is_err());
        assert!(ObjectBlobStore::from_url("not a url").is_err());
    }
}
