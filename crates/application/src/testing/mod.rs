//! Hand-written in-memory fakes of the ports, for unit tests of the use cases' rules here and
//! in outer crates (feature `testing`). Each fake keeps what was written so a test can assert
//! on it, and counts look-ups where batching is the point.

mod collaborators;

pub use collaborators::MemoryCollaborators;

/// The error a fake returns when its lock was poisoned by a panicking test thread.
pub(crate) fn poisoned() -> crate::ports::RepoError {
    crate::ports::RepoError::Unknown(anyhow::anyhow!("an in-memory store's lock was poisoned"))
}
