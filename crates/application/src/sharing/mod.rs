//! Sharing: invite links and email invitations that bring collaborators in with a set role,
//! and public review links that show a track to people without an account.

mod invitations;
mod invite_links;
mod review_links;
mod service;

pub use service::Sharing;

pub use invitations::{
    InvitationView, InviteByEmail, accept_invitation, decline_invitation, find_invitation, invitations_of,
    invite_by_email, my_invitations, resend_invitation, revoke_invitation,
};
pub use invite_links::{
    CreateInviteLink, InvitePreview, accept_invite_link, create_invite_link, find_invite_link, invite_link_preview,
    invite_link_users, invite_links_of, revoke_invite_link,
};
pub use review_links::{
    CreateReviewLink, GuestComment, ReviewSession, add_guest_comment, create_review_link, find_review_link,
    open_review_link, record_review_play, review_links_of, revoke_review_link,
};
