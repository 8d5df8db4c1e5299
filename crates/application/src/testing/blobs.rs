//! File bodies in memory.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};

use super::Locked;
use crate::ports::{BlobInfo, BlobRead, BlobStore, BlobWriter};

/// A stored body and when it was written.
#[derive(Debug, Clone)]
struct Body {
    bytes: Vec<u8>,
    written_at: DateTime<Utc>,
}

/// Object storage in memory, with the same rules as the real stores: a streamed body appears
/// only when its writer finishes (an aborted one leaves nothing), a read reports the whole
/// body's size, a range must start within the body and one ending past it is cut at the end,
/// deleting a missing key is no error, and listing is by key prefix in key order.
#[derive(Debug, Default, Clone)]
pub struct MemoryBlobs {
    bodies: Arc<Locked<BTreeMap<String, Body>>>,
}

impl MemoryBlobs {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every stored key, in key order.
    pub fn keys(&self) -> Vec<String> {
        self.bodies
            .lock()
            .map(|bodies| bodies.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn store(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.bodies.with(|bodies| {
            bodies.insert(
                key.to_owned(),
                Body {
                    bytes,
                    written_at: Utc::now(),
                },
            );
            Ok(())
        })?;
        Ok(())
    }

    fn body(&self, key: &str) -> anyhow::Result<Option<Body>> {
        Ok(self.bodies.with(|bodies| Ok(bodies.get(key).cloned()))?)
    }
}

/// A streamed upload, kept until it finishes.
struct MemoryWriter {
    store: MemoryBlobs,
    key: String,
    buffer: Vec<u8>,
}

#[async_trait::async_trait]
impl BlobWriter for MemoryWriter {
    async fn write(&mut self, chunk: Bytes) -> anyhow::Result<()> {
        self.buffer.extend_from_slice(&chunk);
        Ok(())
    }

    async fn finish(self: Box<Self>) -> anyhow::Result<()> {
        let Self { store, key, buffer } = *self;
        store.store(&key, buffer)
    }

    async fn abort(self: Box<Self>) -> anyhow::Result<()> {
        Ok(())
    }
}

fn info(key: &str, body: &Body) -> BlobInfo {
    BlobInfo {
        key: key.to_owned(),
        size: u64::try_from(body.bytes.len()).unwrap_or(u64::MAX),
        last_modified: body.written_at,
    }
}

#[async_trait::async_trait]
impl BlobStore for MemoryBlobs {
    async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store(key, bytes)
    }

    async fn writer(&self, key: &str) -> anyhow::Result<Box<dyn BlobWriter>> {
        Ok(Box::new(MemoryWriter {
            store: self.clone(),
            key: key.to_owned(),
            buffer: Vec::new(),
        }))
    }

    async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(self.body(key)?.map(|body| body.bytes))
    }

    async fn read(&self, key: &str, range: Option<Range<u64>>) -> anyhow::Result<Option<BlobRead>> {
        let Some(body) = self.body(key)? else {
            return Ok(None);
        };
        let size = u64::try_from(body.bytes.len()).unwrap_or(u64::MAX);
        let bytes = match range {
            Some(range) => {
                // As object_store reads a bounded range: it must start inside the body and not
                // end before it starts; an end past the body is cut at the end.
                if range.start >= size || range.end < range.start {
                    anyhow::bail!("the range {range:?} does not start within the {size} bytes of {key}");
                }
                let start = usize::try_from(range.start)?;
                let end = usize::try_from(range.end.min(size))?;
                body.bytes.get(start..end).unwrap_or_default().to_vec()
            }
            None => body.bytes,
        };
        let chunk: std::io::Result<Bytes> = Ok(Bytes::from(bytes));
        Ok(Some(BlobRead {
            size,
            stream: Box::pin(futures::stream::iter([chunk])),
        }))
    }

    async fn head(&self, key: &str) -> anyhow::Result<Option<BlobInfo>> {
        Ok(self.body(key)?.map(|body| info(key, &body)))
    }

    async fn list(&self, prefix: &str) -> anyhow::Result<Vec<BlobInfo>> {
        Ok(self.bodies.with(|bodies| {
            Ok(bodies
                .iter()
                .filter(|(key, _)| key.starts_with(prefix))
                .map(|(key, body)| info(key, body))
                .collect())
        })?)
    }

    async fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.bodies.with(|bodies| {
            bodies.remove(key);
            Ok(())
        })?;
        Ok(())
    }

    async fn ping(&self) -> anyhow::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    #[tokio::test]
    async fn a_streamed_body_appears_when_it_finishes_and_reads_by_range() -> anyhow::Result<()> {
        let blobs = MemoryBlobs::new();
        let mut writer = blobs.writer("audio/a").await?;
        writer.write(Bytes::from_static(b"hello ")).await?;
        writer.write(Bytes::from_static(b"world")).await?;
        assert!(
            blobs.head("audio/a").await?.is_none(),
            "unfinished bodies are not stored"
        );
        writer.finish().await?;
        let aborted = blobs.writer("audio/b").await?;
        aborted.abort().await?;
        assert_eq!(blobs.keys(), vec!["audio/a".to_owned()]);
        assert!(
            blobs.read("audio/a", Some(11..20)).await.is_err(),
            "a range past the end"
        );
        let Some(read) = blobs.read("audio/a", Some(6..100)).await? else {
            anyhow::bail!("the body was not found");
        };
        assert_eq!(read.size, 11, "the whole body's size");
        let chunks: Vec<std::io::Result<Bytes>> = read.stream.collect().await;
        let mut bytes = Vec::new();
        for chunk in chunks {
            bytes.extend_from_slice(&chunk?);
        }
        assert_eq!(bytes, b"world");
        assert_eq!(blobs.list("audio/").await?.len(), 1);
        blobs.delete("audio/a").await?;
        blobs.delete("audio/a").await?;
        assert!(blobs.get("audio/a").await?.is_none());
        Ok(())
    }
}
