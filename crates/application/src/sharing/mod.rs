//! Sharing: invite links that bring collaborators in with a set role.

mod invite_links;

pub use invite_links::{
    CreateInviteLink, InvitePreview, accept_invite_link, create_invite_link, invite_link_preview, invite_link_users,
    invite_links_of, revoke_invite_link,
};
