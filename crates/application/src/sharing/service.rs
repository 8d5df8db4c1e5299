//! The sharing context's service.

use std::sync::Arc;

use crate::AppSettings;
use crate::access::Access;
use crate::notifications::Notifier;
use crate::ports::{
    Clock, CommentRepository, FileRepository, IdGenerator, InvitationRepository, InviteLinkRepository, LoginThrottle,
    Mailer, PasswordHasher, ReviewLinkRepository,
};

/// Invitations, invite links and public review links: the ports their use cases use.
#[derive(Clone)]
pub struct Sharing {
    /// Authorization and resource look-ups.
    pub(crate) access: Access,
    /// Email invitations.
    pub(crate) invitations: Arc<dyn InvitationRepository>,
    /// Invite links.
    pub(crate) invite_links: Arc<dyn InviteLinkRepository>,
    /// Review links.
    pub(crate) review_links: Arc<dyn ReviewLinkRepository>,
    /// Guest comments through review links.
    pub(crate) comments: Arc<dyn CommentRepository>,
    /// The versions a review link shows.
    pub(crate) files: Arc<dyn FileRepository>,
    /// Invitation emails.
    pub(crate) mailer: Arc<dyn Mailer>,
    /// Review-link passwords.
    pub(crate) hasher: Arc<dyn PasswordHasher>,
    /// Failed review-link password counting.
    pub(crate) throttle: Arc<dyn LoginThrottle>,
    /// Notifications about invitations and guest comments.
    pub(crate) notifier: Notifier,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// Ids, codes and tokens.
    pub(crate) ids: Arc<dyn IdGenerator>,
    /// Links in invitations.
    pub(crate) settings: Arc<AppSettings>,
}
