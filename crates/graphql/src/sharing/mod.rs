//! Sharing: invite links, email invitations and public review links.

mod invitations;
mod mutation;
mod query;
mod review_links;
mod review_mutation;

pub(crate) use mutation::SharingMutation;
pub(crate) use query::SharingQuery;
pub(crate) use review_mutation::ReviewMutation;
