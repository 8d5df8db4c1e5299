//! Hand-written in-memory fakes of the ports, for unit tests of the use cases' rules here and
//! in outer crates (feature `testing`). Each fake keeps what was written so a test can assert
//! on it, and counts look-ups where batching is the point.

mod aliases;
mod blobs;
mod collaborators;
mod comments;
mod creators;
mod files;
mod identity;
#[cfg(test)]
pub(crate) mod identity_world;
mod media;
#[cfg(test)]
pub(crate) mod media_world;
mod notifications;
mod persisted;
mod review_links;
mod sharing;
mod system;
mod users;
mod workspace;
#[cfg(test)]
pub(crate) mod world;

pub use aliases::MemoryAliases;
pub use blobs::MemoryBlobs;
pub use collaborators::MemoryCollaborators;
pub use comments::*;
pub use creators::*;
pub use files::*;
pub use identity::*;
pub use media::*;
pub use notifications::*;
pub use persisted::*;
pub use review_links::*;
pub use sharing::*;
pub use system::*;
pub use users::*;
pub use workspace::*;

/// The error a fake returns when its lock was poisoned by a panicking test thread.
pub(crate) fn poisoned() -> crate::ports::RepoError {
    crate::ports::RepoError::Unknown(anyhow::anyhow!("an in-memory store's lock was poisoned"))
}

/// A fake's state behind a lock: `with` runs one repository call on it, as one transaction.
#[derive(Debug, Default)]
pub(crate) struct Locked<S>(std::sync::Mutex<S>);

impl<S> Locked<S> {
    /// Runs `f` on the state; a poisoned lock is a repository error.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut S) -> crate::ports::RepoResult<T>) -> crate::ports::RepoResult<T> {
        let mut state = self.0.lock().map_err(|_| poisoned())?;
        f(&mut state)
    }

    /// The lock itself, for set-up helpers and accessors.
    pub(crate) fn lock(&self) -> std::sync::LockResult<std::sync::MutexGuard<'_, S>> {
        self.0.lock()
    }
}

/// Keeps the first `limit` rows, as a query's `LIMIT` does.
pub(crate) fn keep_first<T>(rows: &mut Vec<T>, limit: u64) {
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
}
