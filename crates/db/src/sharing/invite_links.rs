//! Invite links and who joined through them.

use std::collections::HashMap;

use backline_application::ports::{Acceptance, InviteLinkRepository, RepoResult};
use backline_domain::ids::{InviteLinkId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::roles::Role;
use backline_domain::sharing::InviteLink;
use backline_domain::workspace::Collaborator;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::Database;
use crate::convert::{self, parse, resource_kind, resource_kind_str};
use crate::entities::{invite_link_uses, invite_links};
use crate::error::repo_error;
use crate::workspace::collaborators::{active_row, store_joining};

/// Invite links on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlInviteLinkRepository {
    db: Database,
}

impl SqlInviteLinkRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

/// Makes `joining.user_id` a collaborator with `joining.role` inside `txn`: the domain meets the
/// new membership with the ACTIVE row they may have (read in the same transaction), keeping a
/// higher role they hold.
pub(crate) async fn join(txn: &DatabaseTransaction, joining: &Collaborator) -> RepoResult<Collaborator> {
    let existing = active_row(txn, joining.resource_id, joining.user_id).await?;
    let joined = joining.clone().join_onto(existing);
    store_joining(txn, &joined).await?;
    Ok(joined.into_row())
}

fn link(model: invite_links::Model) -> RepoResult<InviteLink> {
    Ok(InviteLink {
        id: model.id.into(),
        owner_id: model.owner_id.into(),
        resource_id: model.resource_id,
        resource_kind: parse(&model.resource_kind, "resource kind", resource_kind)?,
        role: parse(&model.role, "role", Role::parse)?,
        short_code: model.short_code,
        expires_at: model.expires_at,
        max_uses: model.max_uses,
        use_count: model.use_count,
        revoked_at: model.revoked_at,
        created_at: model.created_at,
    })
}

#[async_trait::async_trait]
impl InviteLinkRepository for SqlInviteLinkRepository {
    async fn insert(&self, new: &InviteLink) -> RepoResult<()> {
        invite_links::ActiveModel {
            id: Set(new.id.0),
            owner_id: Set(new.owner_id.0),
            resource_id: Set(new.resource_id),
            resource_kind: Set(resource_kind_str(new.resource_kind).to_owned()),
            role: Set(new.role.as_str().to_owned()),
            short_code: Set(new.short_code.clone()),
            expires_at: Set(new.expires_at),
            max_uses: Set(new.max_uses),
            use_count: Set(new.use_count),
            revoked_at: Set(new.revoked_at),
            created_at: Set(new.created_at),
        }
        .insert(self.db.conn())
        .await
        .map_err(repo_error)?;
        Ok(())
    }

    async fn by_code(&self, code: &str) -> RepoResult<Option<InviteLink>> {
        invite_links::Entity::find()
            .filter(invite_links::Column::ShortCode.eq(code))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(link)
            .transpose()
    }

    async fn by_id(&self, id: InviteLinkId) -> RepoResult<Option<InviteLink>> {
        invite_links::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(link)
            .transpose()
    }

    async fn for_resource(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<InviteLink>> {
        let rows = invite_links::Entity::find()
            .filter(invite_links::Column::ResourceId.eq(resource_id))
            .order_by_desc(invite_links::Column::Id)
            .limit(limit)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, link)
    }

    async fn used_by(&self, links: &[InviteLinkId]) -> RepoResult<HashMap<InviteLinkId, Vec<UserId>>> {
        if links.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = invite_link_uses::Entity::find()
            .filter(invite_link_uses::Column::LinkId.is_in(links.iter().map(|id| id.0)))
            .order_by_asc(invite_link_uses::Column::Id)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        let mut out: HashMap<InviteLinkId, Vec<UserId>> = HashMap::new();
        for row in rows {
            out.entry(row.link_id.into()).or_default().push(row.user_id.into());
        }
        Ok(out)
    }

    async fn revoke(&self, id: InviteLinkId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Option<InviteLink>> {
        invite_links::Entity::update_many()
            .col_expr(invite_links::Column::RevokedAt, Expr::value(Some(now)))
            .filter(invite_links::Column::Id.eq(id.0))
            .filter(invite_links::Column::RevokedAt.is_null())
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        self.by_id(id).await
    }

    async fn accept(
        &self,
        id: InviteLinkId,
        joining: &Collaborator,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<Acceptance> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Write first: takes SQLite's write lock at once and locks the row on PostgreSQL, so
        // concurrent accepts queue here.
        invite_links::Entity::update_many()
            .col_expr(
                invite_links::Column::UseCount,
                Expr::col(invite_links::Column::UseCount),
            )
            .filter(invite_links::Column::Id.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let used_before = invite_link_uses::Entity::find()
            .filter(invite_link_uses::Column::LinkId.eq(id.0))
            .filter(invite_link_uses::Column::UserId.eq(joining.user_id.0))
            .one(&txn)
            .await
            .map_err(repo_error)?
            .is_some();
        if used_before {
            let current = active_row(&txn, joining.resource_id, joining.user_id).await?;
            txn.commit().await.map_err(repo_error)?;
            return Ok(Acceptance::Repeated(current));
        }
        let counted = invite_links::Entity::update_many()
            .col_expr(
                invite_links::Column::UseCount,
                Expr::col(invite_links::Column::UseCount).add(1),
            )
            .filter(invite_links::Column::Id.eq(id.0))
            .filter(invite_links::Column::RevokedAt.is_null())
            .filter(
                Condition::any()
                    .add(invite_links::Column::ExpiresAt.is_null())
                    .add(invite_links::Column::ExpiresAt.gt(now)),
            )
            .filter(
                Condition::any()
                    .add(invite_links::Column::MaxUses.is_null())
                    .add(Expr::col(invite_links::Column::UseCount).lt(Expr::col(invite_links::Column::MaxUses))),
            )
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if counted.rows_affected == 0 {
            return Ok(Acceptance::Refused);
        }
        invite_link_uses::ActiveModel {
            id: Set(Uuid::now_v7()),
            link_id: Set(id.0),
            user_id: Set(joining.user_id.0),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        let member = join(&txn, joining).await?;
        let (_, events) = crate::notifications::inbox::insert_within(&txn, notifications).await?;
        crate::events::commit(&self.db, txn, &events).await?;
        Ok(Acceptance::Joined(member))
    }
}
