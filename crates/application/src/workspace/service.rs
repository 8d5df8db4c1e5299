//! The workspace context's service.

use std::sync::Arc;

use crate::access::Access;
use crate::notifications::Notifier;
use crate::ports::{AliasRepository, BlobStore, Clock, IdGenerator};

/// Spaces, projects, tracks and their collaborators: the ports their use cases use.
#[derive(Clone)]
pub struct Workspace {
    /// Authorization, and the spaces, projects, tracks, collaborator rows and accounts behind it.
    pub(crate) access: Access,
    /// Aliases (their slugs share the space's namespace).
    pub(crate) aliases: Arc<dyn AliasRepository>,
    /// File bodies a deletion releases.
    pub(crate) blobs: Arc<dyn BlobStore>,
    /// Notifications about removals.
    pub(crate) notifier: Notifier,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// Ids and short ids.
    pub(crate) ids: Arc<dyn IdGenerator>,
}
