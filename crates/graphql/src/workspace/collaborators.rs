//! Collaborators: a user and their role on one space, project or track.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::enums::{GqlMembershipStatus, GqlRole};
use crate::common::nodes::{CollaboratorNode, UserNode};

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
            .load_one(self.0.user_id)
            .await?
            .map(UserNode::from)
            .ok_or_else(|| async_graphql::Error::new("collaborator's user is missing"))
    }

    /// Their role on this resource.
    async fn role(&self) -> GqlRole {
        self.0.role.into()
    }

    /// When they were first added to this resource.
    async fn added_at(&self) -> DateTime<Utc> {
        self.0.added_at
    }

    /// When their current membership began (added by someone, or through an invite link or
    /// invitation); later than `addedAt` when they were removed and joined again.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.joined_at
    }

    /// Their stored membership status: ACTIVE for a current collaborator (removed ones keep
    /// their row as REMOVED and are listed by `formerCollaborators`).
    async fn status(&self) -> GqlMembershipStatus {
        self.0.status.into()
    }
}

/// Someone who no longer collaborates on a resource.
pub(crate) struct FormerCollaboratorNode(pub(crate) backline_domain::workspace::FormerCollaborator);

/// Someone who was removed from (or left) a space, project or track, kept for the history of
/// who worked on what.
#[Object(name = "FormerCollaborator")]
impl FormerCollaboratorNode {
    /// The former collaborator.
    async fn user(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(self.0.user_id).await?.map(UserNode::from))
    }

    /// The role they held when they left.
    async fn role(&self) -> GqlRole {
        self.0.role.into()
    }

    /// Always REMOVED.
    async fn status(&self) -> GqlMembershipStatus {
        GqlMembershipStatus::Removed
    }

    /// When they joined.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.joined_at
    }

    /// When they were removed or left.
    async fn removed_at(&self) -> DateTime<Utc> {
        self.0.removed_at
    }

    /// Who removed them; null when they left on their own.
    async fn removed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<UserNode>> {
        let Some(by) = self.0.removed_by else {
            return Ok(None);
        };
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(by).await?.map(UserNode::from))
    }
}
