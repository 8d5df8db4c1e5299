//! Authorization: the caller's effective role on a resource, checked against the access matrix.
//! Every use case that touches a space, project or track goes through here.

mod effective_role;
mod service;

pub use service::Access;

pub use effective_role::{
    authorize, authorize_create, effective_role, effective_roles, readable_or_not_found, readable_paths, readers_among,
    user_can_read,
};
