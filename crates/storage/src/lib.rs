//! Backline's blob store adapter over `object_store`: local folders (`file://`), memory
//! (`memory://`), and S3 (and S3-compatible servers: MinIO, Ceph, R2, moto), Azure and GCS
//! (`s3://`, `az://`, `gs://`). Those are configured from the usual environment variables of
//! each cloud (`AWS_*`, `AZURE_*`, `GOOGLE_*`) and from the URL's query, which wins:
//! `s3://bucket?aws_endpoint=http://minio:9000&aws_region=us-east-1&aws_allow_http=true`.

#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::sync::Arc;

use std::ops::Range;

use backline_application::ports::{BlobInfo, BlobRead, BlobStore, BlobWriter, ByteStream};
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectMeta, ObjectStore, PutPayload, WriteMultipart};
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
        let mut url = Url::parse(raw).map_err(|error| anyhow::anyhow!("'{}' is not a URL: {error}", redact(raw)))?;
        let mut options: Vec<(String, String)> = std::env::vars()
            .filter(|(key, _)| key.starts_with("AWS_") || key.starts_with("AZURE_") || key.starts_with("GOOGLE_"))
            .map(|(key, value)| (key.to_ascii_lowercase(), value))
            .collect();
        let query: Vec<(String, String)> = url
            .query_pairs()
            .map(|(key, value)| (key.to_ascii_lowercase(), value.into_owned()))
            .collect();
        for (key, _) in &query {
            let known = match url.scheme() {
                "s3" | "s3a" => key.parse::<object_store::aws::AmazonS3ConfigKey>().is_ok(),
                "az" | "adl" | "azure" | "abfs" | "abfss" => key.parse::<object_store::azure::AzureConfigKey>().is_ok(),
                "gs" => key.parse::<object_store::gcp::GoogleConfigKey>().is_ok(),
                _ => true,
            };
            anyhow::ensure!(known, "unknown setting '{key}' in the query of '{}'", redact(raw));
        }
        url.set_query(None);
        // Later settings win: the URL's over the environment's.
        options.extend(query);
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

    /// The key of a listed object: its location without the store's prefix.
    fn key_of(&self, location: &Path) -> String {
        let skip = self.prefix.parts().count();
        location
            .parts()
            .skip(skip)
            .map(|part| part.as_ref().to_owned())
            .collect::<Vec<_>>()
            .join("/")
    }

    fn info(&self, meta: &ObjectMeta) -> BlobInfo {
        BlobInfo {
            key: self.key_of(&meta.location),
            size: meta.size,
            last_modified: meta.last_modified,
        }
    }
}

/// The URL without its query (which may carry credentials), for messages.
fn redact(raw: &str) -> &str {
    raw.split('?').next().unwrap_or(raw)
}

/// Parts of this size (the S3 minimum) are sent to the store as they fill; at most three are
/// held in memory.
const PART_BYTES: usize = 5 << 20;

/// A multipart upload in progress.
struct MultipartWriter {
    upload: WriteMultipart,
}

#[async_trait::async_trait]
impl BlobWriter for MultipartWriter {
    async fn write(&mut self, chunk: Bytes) -> anyhow::Result<()> {
        // Back-pressure: wait while more than two parts are in flight.
        self.upload.wait_for_capacity(2).await?;
        self.upload.put(chunk);
        Ok(())
    }

    async fn finish(self: Box<Self>) -> anyhow::Result<()> {
        self.upload.finish().await?;
        Ok(())
    }

    async fn abort(self: Box<Self>) -> anyhow::Result<()> {
        self.upload.abort().await?;
        Ok(())
    }
}

fn not_found<T>(result: object_store::Result<T>) -> anyhow::Result<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(object_store::Error::NotFound { .. }) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

#[async_trait::async_trait]
impl BlobStore for ObjectBlobStore {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store.put(&self.path(key), PutPayload::from(bytes)).await?;
        Ok(())
    }

    async fn writer(&self, key: &str) -> anyhow::Result<Box<dyn BlobWriter>> {
        let upload = self.store.put_multipart(&self.path(key)).await?;
        Ok(Box::new(MultipartWriter {
            upload: WriteMultipart::new_with_chunk_size(upload, PART_BYTES),
        }))
    }

    async fn read(&self, key: &str, range: Option<Range<u64>>) -> anyhow::Result<Option<BlobRead>> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let Some(result) = not_found(self.store.get_opts(&self.path(key), options).await)? else {
            return Ok(None);
        };
        let size = result.meta.size;
        let stream: ByteStream = Box::pin(result.into_stream().map_err(std::io::Error::other));
        Ok(Some(BlobRead { size, stream }))
    }

    async fn head(&self, key: &str) -> anyhow::Result<Option<BlobInfo>> {
        Ok(not_found(self.store.head(&self.path(key)).await)?.map(|meta| self.info(&meta)))
    }

    async fn list(&self, prefix: &str) -> anyhow::Result<Vec<BlobInfo>> {
        let folder = self.path(prefix);
        let mut listing = self.store.list(Some(&folder));
        let mut blobs = Vec::new();
        while let Some(meta) = listing.next().await {
            blobs.push(self.info(&meta?));
        }
        Ok(blobs)
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
        streams(store).await?;
        store.ping().await
    }

    async fn streams(store: &ObjectBlobStore) -> anyhow::Result<()> {
        let mut writer = store.writer("files/x").await?;
        for chunk in 0..20u8 {
            writer.write(Bytes::from(vec![chunk; 1 << 20])).await?;
        }
        assert!(
            store.head("files/x").await?.is_none(),
            "nothing is visible before finish"
        );
        writer.finish().await?;
        let info = store.head("files/x").await?.ok_or_else(|| anyhow::anyhow!("missing"))?;
        assert_eq!(info.size, 20 << 20);
        let read = store.read("files/x", Some((3 << 20) + 5..(3 << 20) + 9)).await?;
        let read = read.ok_or_else(|| anyhow::anyhow!("missing"))?;
        assert_eq!(read.size, 20 << 20);
        let bytes: Vec<Bytes> = read.stream.try_collect().await?;
        assert_eq!(bytes.concat(), vec![3u8; 4]);
        assert_eq!(store.list("files").await?, vec![info]);
        let aborted = store.writer("files/y").await?;
        aborted.abort().await?;
        assert!(store.head("files/y").await?.is_none());
        assert!(store.read("files/y", None).await?.is_none());
        store.delete("files/x").await?;
        Ok(())
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

    #[test]
    fn refuses_unknown_settings_without_showing_the_query() {
        let refused = ObjectBlobStore::from_url("s3://bucket?aws_secret_access_key=hunter2&aws_endpiont=x");
        let message = refused.err().map(|error| error.to_string()).unwrap_or_default();
        assert!(message.contains("aws_endpiont"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    /// The same contract on a real S3 protocol server (moto), with a 50 MiB multipart upload.
    #[tokio::test]
    async fn s3_store_round_trips_with_multipart_uploads_and_ranges() -> anyhow::Result<()> {
        let server = testing::S3TestServer::start()?;
        let store = ObjectBlobStore::from_url(&server.bucket("backline-test")?)?;
        round_trip(&store).await?;
        let mut writer = store.writer("files/big").await?;
        let chunk: Vec<u8> = (0..(1 << 20)).map(|n: u32| (n % 251) as u8).collect();
        for _ in 0..50 {
            writer.write(Bytes::from(chunk.clone())).await?;
        }
        writer.finish().await?;
        let info = store
            .head("files/big")
            .await?
            .ok_or_else(|| anyhow::anyhow!("missing"))?;
        assert_eq!(info.size, 50 << 20);
        let start = (37 << 20) + 1_000;
        let read = store.read("files/big", Some(start..start + 10)).await?;
        let read = read.ok_or_else(|| anyhow::anyhow!("missing"))?;
        let bytes: Vec<Bytes> = read.stream.try_collect().await?;
        let expected: Vec<u8> = (1_000..1_010).map(|n: u32| (n % 251) as u8).collect();
        assert_eq!(bytes.concat(), expected);
        store.delete("files/big").await?;
        assert!(store.head("files/big").await?.is_none());
        // A store that stops answering says so.
        drop(server);
        assert!(store.ping().await.is_err());
        Ok(())
    }
}
