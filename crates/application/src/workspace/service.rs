//! The workspace context's service.

use std::sync::Arc;

use crate::access::Access;
use crate::notifications::Notifier;
use crate::ports::{
    AliasRepository, BlobStore, Clock, CollaboratorRepository, IdGenerator, UserRepository, WorkspaceRepository,
};

/// Spaces, projects, tracks and their collaborators: the ports their use cases use.
#[derive(Clone)]
pub struct Workspace {
    /// Authorization.
    pub(crate) access: Access,
    /// Spaces, projects, tracks.
    pub(crate) workspace: Arc<dyn WorkspaceRepository>,
    /// Collaborator rows.
    pub(crate) collaborators: Arc<dyn CollaboratorRepository>,
    /// Accounts (new collaborators by username).
    pub(crate) users: Arc<dyn UserRepository>,
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
