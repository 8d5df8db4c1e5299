//! Sharing: invite links, email invitations and review links.

pub(crate) mod invitations;
pub(crate) mod invite_links;
pub(crate) mod review_links;

pub use invitations::SqlInvitationRepository;
pub use invite_links::SqlInviteLinkRepository;
pub use review_links::SqlReviewLinkRepository;
