//! Sharing: invite links and email invitations that bring collaborators in with a set role.

mod invitations;
mod invite_links;

pub use invitations::{
    InvitationView, InviteByEmail, accept_invitation, decline_invitation, invite_by_email, my_invitations,
    resend_invitation, revoke_invitation,
};
pub use invite_links::{
    CreateInviteLink, InvitePreview, accept_invite_link, create_invite_link, invite_link_preview, invite_link_users,
    invite_links_of, revoke_invite_link,
};
