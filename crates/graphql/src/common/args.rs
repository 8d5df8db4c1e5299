//! Reading arguments several contexts take: a resource id, an optional-or-null field.

use async_graphql::{ID, MaybeUndefined};
use backline_application::workspace::ResourceRef;
use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId};

use crate::common::error::bad_input;
use crate::common::ids::{Kind, decode_any};

/// The space, project or track a `resourceId` argument names.
pub(crate) fn resource(id: &ID) -> async_graphql::Result<ResourceRef> {
    match decode_any(id) {
        Some((Kind::ArtistSpace, uuid)) => Ok(ResourceRef::Space(ArtistSpaceId(uuid))),
        Some((Kind::Project, uuid)) => Ok(ResourceRef::Project(ProjectId(uuid))),
        Some((Kind::Track, uuid)) => Ok(ResourceRef::Track(TrackId(uuid))),
        _ => Err(bad_input(
            "resourceId",
            format!("'{}' is not the id of an artist space, project or track", id.as_str()),
        )),
    }
}

/// An optional argument: `None` when left out, `Some(None)` when set to null.
pub(crate) fn maybe<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => Some(Some(value)),
    }
}
