//! An in-memory persisted-query store.

use super::Locked;
use crate::ports::{PersistedQueryStore, RepoResult};

/// Documents registered by hash, in memory, with the same rules as the SQL store: the first
/// document registered under a hash stays (registering again changes nothing), and pruning
/// keeps the `keep` newest registrations.
#[derive(Debug, Default)]
pub struct MemoryPersistedQueries {
    /// (hash, document), oldest first.
    documents: Locked<Vec<(String, String)>>,
}

impl MemoryPersistedQueries {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The registered hashes, oldest first.
    pub fn hashes(&self) -> Vec<String> {
        self.documents
            .lock()
            .map(|documents| documents.iter().map(|(hash, _)| hash.clone()).collect())
            .unwrap_or_default()
    }
}

#[async_trait::async_trait]
impl PersistedQueryStore for MemoryPersistedQueries {
    async fn get(&self, hash: &str) -> RepoResult<Option<String>> {
        self.documents.with(|documents| {
            Ok(documents
                .iter()
                .find(|(held, _)| held == hash)
                .map(|(_, document)| document.clone()))
        })
    }

    async fn put(&self, hash: &str, document: &str) -> RepoResult<()> {
        self.documents.with(|documents| {
            if !documents.iter().any(|(held, _)| held == hash) {
                documents.push((hash.to_owned(), document.to_owned()));
            }
            Ok(())
        })
    }

    async fn prune(&self, keep: u64) -> RepoResult<()> {
        self.documents.with(|documents| {
            let keep = usize::try_from(keep).unwrap_or(usize::MAX);
            let drop = documents.len().saturating_sub(keep);
            documents.drain(..drop);
            Ok(())
        })
    }
}
