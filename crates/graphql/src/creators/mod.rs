//! Creators: artist profiles (press kit, visuals, socials), aliases, and labels
//! (organizations and their rosters).

mod aliases;
pub(crate) mod loaders;
mod mutation;
mod query;
pub(crate) mod types;

pub(crate) use aliases::AliasMutation;
pub(crate) use mutation::CreatorMutation;
pub(crate) use query::CreatorQuery;
