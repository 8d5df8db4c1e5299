//! Creators: artist profiles and labels (organizations and rosters), aliases.

pub(crate) mod aliases;
pub(crate) mod organizations;

pub use aliases::SqlAliasRepository;
pub use organizations::SqlCreatorRepository;
