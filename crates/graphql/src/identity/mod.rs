//! Identity: users, sign-up and log-in, sessions, plans.

mod auth;
pub(crate) mod loaders;
mod mutation;
mod query;
pub(crate) mod users;

pub(crate) use mutation::IdentityMutation;
pub(crate) use query::IdentityQuery;
