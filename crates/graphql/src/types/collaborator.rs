//! Collaborators: a user and their role on one space, project or track.

use async_graphql::{Context, ID, Object};
use backline_domain::workspace::Collaborator;
use chrono::{DateTime, Utc};

use super::{GqlRole, UserNode};
use crate::context::parts;
use crate::pagination::connection;

/// A user's role on a resource (not counting roles inherited from the space or project).
#[derive(Clone)]
pub(crate) struct CollaboratorNode(pub(crate) Collaborator);

impl CollaboratorNode {
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }
}

/// A user's role on a resource (not counting roles inherited from the space or project).
#[Object(name = "Collaborator")]
impl CollaboratorNode {
    /// Id of this collaborator row.
    async fn id(&self) -> ID {
        ID(self.0.id.0.simple().to_string())
    }

    /// The collaborator.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<UserNode> {
        let (_, request) = parts(ctx)?;
        request
            .loaders
            .0
            .load_one(self.0.user_id)
            .await?
            .map(UserNode::from)
            .ok_or_else(|| async_graphql::Error::new("collaborator's user is missing"))
    }

    /// Their role on this resource.
    async fn role(&self) -> GqlRole {
        self.0.role.into()
    }

    /// When they were added.
    async fn added_at(&self) -> DateTime<Utc> {
        self.0.added_at
    }
}

connection!(
    CollaboratorConnection,
    CollaboratorEdge,
    CollaboratorNode(Collaborator),
    "CollaboratorConnection",
    "CollaboratorEdge",
    "How many collaborators the resource has in all."
);
