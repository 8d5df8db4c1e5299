//! Backline's domain: the entities of music collaboration (users, artist spaces, projects,
//! tracks, collaborators), the value objects that guard their invariants, the roles and the
//! access matrix. This crate is pure: no IO, no async, no database or GraphQL types.

pub mod access;
pub mod comments;
pub mod error;
pub mod identity;
pub mod ids;
pub mod media;
pub mod notifications;
pub mod organizations;
pub mod page;
pub mod profile;
pub mod review;
pub mod roles;
pub mod sharing;
pub mod values;
pub mod workspace;

pub use error::DomainError;
