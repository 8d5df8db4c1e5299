//! Email invitations.

use backline_application::ports::{InvitationRepository, RepoResult};
use backline_domain::ids::InvitationId;
use backline_domain::notifications::Notification;
use backline_domain::roles::Role;
use backline_domain::sharing::{Invitation, InvitationStatus};
use backline_domain::workspace::Collaborator;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::Database;
use crate::convert::{self, parse, resource_kind, resource_kind_str};
use crate::entities::invitations;
use crate::error::repo_error;
use crate::events::commit;
use crate::notifications::inbox::insert_within;
use crate::sharing::invite_links::join;

/// Email invitations on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlInvitationRepository {
    db: Database,
}

impl SqlInvitationRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn invitation(model: invitations::Model) -> RepoResult<Invitation> {
    Ok(Invitation {
        id: model.id.into(),
        resource_id: model.resource_id,
        resource_kind: parse(&model.resource_kind, "resource kind", resource_kind)?,
        inviter_id: model.inviter_id.into(),
        email: model.email,
        role: parse(&model.role, "role", Role::parse)?,
        status: parse(&model.status, "invitation status", InvitationStatus::parse)?,
        token_hash: model.token_hash,
        message: model.message,
        expires_at: model.expires_at,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

fn pending(id: InvitationId) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(invitations::Column::Id.eq(id.0))
        .add(invitations::Column::Status.eq(InvitationStatus::Pending.as_str()))
}

#[async_trait::async_trait]
impl InvitationRepository for SqlInvitationRepository {
    async fn insert(&self, new: &Invitation, notifications: &[Notification]) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        invitations::ActiveModel {
            id: Set(new.id.0),
            resource_id: Set(new.resource_id),
            resource_kind: Set(resource_kind_str(new.resource_kind).to_owned()),
            inviter_id: Set(new.inviter_id.0),
            email: Set(new.email.clone()),
            role: Set(new.role.as_str().to_owned()),
            status: Set(new.status.as_str().to_owned()),
            token_hash: Set(new.token_hash.clone()),
            message: Set(new.message.clone()),
            expires_at: Set(new.expires_at),
            created_at: Set(new.created_at),
            updated_at: Set(new.updated_at),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        let (_, events) = insert_within(&txn, notifications).await?;
        commit(&self.db, txn, &events).await
    }

    async fn expire_stale(&self, resource_id: Uuid, email: &str, now: chrono::DateTime<chrono::Utc>) -> RepoResult<()> {
        invitations::Entity::update_many()
            .col_expr(
                invitations::Column::Status,
                Expr::value(InvitationStatus::Expired.as_str()),
            )
            .col_expr(invitations::Column::UpdatedAt, Expr::value(now))
            .filter(invitations::Column::ResourceId.eq(resource_id))
            .filter(invitations::Column::Email.eq(email))
            .filter(invitations::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .filter(invitations::Column::ExpiresAt.lte(now))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }

    async fn by_token_hash(&self, token_hash: &str) -> RepoResult<Option<Invitation>> {
        invitations::Entity::find()
            .filter(invitations::Column::TokenHash.eq(token_hash))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(invitation)
            .transpose()
    }

    async fn by_id(&self, id: InvitationId) -> RepoResult<Option<Invitation>> {
        invitations::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(invitation)
            .transpose()
    }

    async fn for_resource(&self, resource_id: uuid::Uuid, limit: u64) -> RepoResult<Vec<Invitation>> {
        let rows = invitations::Entity::find()
            .filter(invitations::Column::ResourceId.eq(resource_id))
            .order_by_desc(invitations::Column::CreatedAt)
            .order_by_desc(invitations::Column::Id)
            .limit(limit)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, invitation)
    }

    async fn pending_for_email(&self, email: &str, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Vec<Invitation>> {
        let rows = invitations::Entity::find()
            .filter(invitations::Column::Email.eq(email))
            .filter(invitations::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .filter(invitations::Column::ExpiresAt.gt(now))
            .order_by_desc(invitations::Column::Id)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, invitation)
    }

    async fn set_status(
        &self,
        id: InvitationId,
        status: InvitationStatus,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<bool> {
        let changed = invitations::Entity::update_many()
            .col_expr(invitations::Column::Status, Expr::value(status.as_str()))
            .col_expr(invitations::Column::UpdatedAt, Expr::value(now))
            .filter(pending(id))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(changed.rows_affected > 0)
    }

    async fn rotate(
        &self,
        id: InvitationId,
        token_hash: &str,
        expires_at: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<bool> {
        let changed = invitations::Entity::update_many()
            .col_expr(invitations::Column::TokenHash, Expr::value(token_hash))
            .col_expr(invitations::Column::ExpiresAt, Expr::value(expires_at))
            .col_expr(invitations::Column::UpdatedAt, Expr::value(now))
            .filter(pending(id))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(changed.rows_affected > 0)
    }

    async fn accept(
        &self,
        id: InvitationId,
        joining: &Collaborator,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Option<Collaborator>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // The conditional write comes first: it takes the write lock and decides the race.
        let accepted = invitations::Entity::update_many()
            .col_expr(
                invitations::Column::Status,
                Expr::value(InvitationStatus::Accepted.as_str()),
            )
            .col_expr(invitations::Column::UpdatedAt, Expr::value(now))
            .filter(pending(id))
            .filter(invitations::Column::ExpiresAt.gt(now))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if accepted.rows_affected == 0 {
            return Ok(None);
        }
        let member = join(&txn, joining).await?;
        let (_, events) = insert_within(&txn, notifications).await?;
        commit(&self.db, txn, &events).await?;
        Ok(Some(member))
    }
}
