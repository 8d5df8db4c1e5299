//! The creators context's service.

use std::sync::Arc;

use crate::access::Access;
use crate::notifications::Notifier;
use crate::ports::{
    AliasRepository, BlobStore, Clock, DocumentRepository, FileRepository, IdGenerator, ImageRepository,
    OrganizationRepository, ProfileRepository,
};
use crate::workspace::Workspace;

/// Artist profiles, aliases and labels (organizations, members, rosters): the ports their use
/// cases use.
#[derive(Clone)]
pub struct Creators {
    /// Authorization and resource look-ups.
    pub(crate) access: Access,
    /// The space use cases a profile edit goes through.
    pub(crate) spaces: Workspace,
    /// Organizations, members and rosters.
    pub(crate) organizations: Arc<dyn OrganizationRepository>,
    /// Aliases.
    pub(crate) aliases: Arc<dyn AliasRepository>,
    /// Profiles.
    pub(crate) profiles: Arc<dyn ProfileRepository>,
    /// Profile images.
    pub(crate) images: Arc<dyn ImageRepository>,
    /// Press-kit documents.
    pub(crate) documents: Arc<dyn DocumentRepository>,
    /// Featured tracks' versions.
    pub(crate) files: Arc<dyn FileRepository>,
    /// Image and document bodies a replacement releases.
    pub(crate) blobs: Arc<dyn BlobStore>,
    /// Notifications about roster requests.
    pub(crate) notifier: Notifier,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// Ids.
    pub(crate) ids: Arc<dyn IdGenerator>,
}
