//! What authorizing reads: resources, collaborator rows and accounts.

use std::sync::Arc;

use crate::ports::{CollaboratorRepository, UserRepository, WorkspaceRepository};

/// The ports behind every authorization check (the caller's effective role, who may read a
/// resource, plan checks) and the resource look-ups that go with them. Every context that
/// touches a space, project or track holds one.
#[derive(Clone)]
pub struct Access {
    /// Spaces, projects, tracks.
    pub(crate) workspace: Arc<dyn WorkspaceRepository>,
    /// Collaborator rows (roles).
    pub(crate) collaborators: Arc<dyn CollaboratorRepository>,
    /// Accounts (platform roles, plans).
    pub(crate) users: Arc<dyn UserRepository>,
}
