//! Creators: who makes the music and who represents them. An artist space's public profile
//! (bio, socials, press kit, visuals), its aliases (other performer or project names, each with
//! a slug), and labels (organizations of owners, admins and members, whose rosters of spaces
//! give them ADMIN on each space the space's owner accepted).

mod aliases;
mod organizations;
mod profiles;
mod service;

pub use service::Creators;

pub use aliases::{AddArtistAlias, add_artist_alias, aliases_of, find_alias, update_artist_alias};
pub use organizations::{
    OrgLookup, accept_roster_request, create_organization, decline_roster_request, find_organization,
    find_roster_entry, my_organizations, organization_members, organization_roster, remove_from_roster,
    remove_organization_member, request_roster, roster_names, rosters_of_space, set_organization_member,
};
pub use profiles::{
    PressKitInput, ProfileUpload, SocialInput, UpdateArtistProfile, VisualInput, delete_profile_upload, profiles_of,
    space_documents, space_visual_images, update_artist_profile,
};
