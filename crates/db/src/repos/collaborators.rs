//! Collaborator rows.

use std::collections::HashMap;

use backline_application::ports::{CollaboratorRepository, Event, RepoError, RepoResult};
use backline_domain::ids::UserId;
use backline_domain::page::{Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::workspace::{Collaborator, FormerCollaborator, ResourcePath};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement,
    TransactionTrait,
};
use uuid::Uuid;

use crate::Database;
use crate::convert;
use crate::entities::{artist_spaces, collaborator_history, collaborators, projects, tracks};
use crate::error::repo_error;
use crate::paging::{Listing, Params, children_counts, children_pages};

/// Collaborators on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlCollaboratorRepository {
    db: Database,
}

impl SqlCollaboratorRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

/// A role held on a resource (a collaborator row, or ADMIN through a label's roster).
#[derive(Debug, FromQueryResult)]
struct HeldRole {
    user_id: Uuid,
    resource_id: Uuid,
    role: String,
}

/// A resource id, as the key of a map of pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ResourceKey(Uuid);

impl From<Uuid> for ResourceKey {
    fn from(value: Uuid) -> Self {
        Self(value)
    }
}

#[async_trait::async_trait]
impl CollaboratorRepository for SqlCollaboratorRepository {
    async fn roles_of(&self, user: UserId, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, Role>> {
        Ok(self
            .roles_of_users(&[user], resource_ids)
            .await?
            .remove(&user)
            .unwrap_or_default())
    }

    async fn roles_of_users(
        &self,
        users: &[UserId],
        resource_ids: &[Uuid],
    ) -> RepoResult<HashMap<UserId, HashMap<Uuid, Role>>> {
        if users.is_empty() || resource_ids.is_empty() {
            return Ok(HashMap::new());
        }
        // One statement: the users' own rows, and ADMIN on every space on the roster of an
        // organization a user owns or administers.
        let backend = self.db.conn().get_database_backend();
        let mut params = Params {
            backend,
            values: Vec::new(),
        };
        let own_users: Vec<String> = users.iter().map(|user| params.push(user.0)).collect();
        let own: Vec<String> = resource_ids.iter().map(|id| params.push(*id)).collect();
        let org_users: Vec<String> = users.iter().map(|user| params.push(user.0)).collect();
        let rostered: Vec<String> = resource_ids.iter().map(|id| params.push(*id)).collect();
        let sql = format!(
            "SELECT user_id, resource_id, role FROM collaborators WHERE user_id IN ({}) AND resource_id IN ({}) \
             UNION ALL \
             SELECT m.user_id AS user_id, r.artist_space_id AS resource_id, 'ADMIN' AS role FROM rosters r \
             JOIN organization_members m ON m.organization_id = r.organization_id \
             WHERE m.user_id IN ({}) AND m.role IN ('OWNER', 'ADMIN') AND r.status = 'ACTIVE' \
             AND r.artist_space_id IN ({})",
            own_users.join(", "),
            own.join(", "),
            org_users.join(", "),
            rostered.join(", ")
        );
        let rows = HeldRole::find_by_statement(Statement::from_sql_and_values(backend, sql, params.values))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        let mut out: HashMap<UserId, HashMap<Uuid, Role>> = HashMap::new();
        for row in rows {
            let role = Role::parse(&row.role)
                .ok_or_else(|| RepoError::Unknown(anyhow::anyhow!("stored role '{}' is not known", row.role)))?;
            let held = out
                .entry(UserId(row.user_id))
                .or_default()
                .entry(row.resource_id)
                .or_insert(role);
            *held = (*held).max(role);
        }
        Ok(out)
    }

    async fn find(&self, resource_id: Uuid, user: UserId) -> RepoResult<Option<Collaborator>> {
        collaborators::Entity::find()
            .filter(collaborators::Column::ResourceId.eq(resource_id))
            .filter(collaborators::Column::UserId.eq(user.0))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::collaborator)
            .transpose()
    }

    async fn insert(&self, collaborator: &Collaborator) -> RepoResult<()> {
        convert::collaborator_row(collaborator)
            .insert(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }

    async fn set_role(&self, resource_id: Uuid, user: UserId, role: Role) -> RepoResult<()> {
        let result = collaborators::Entity::update_many()
            .col_expr(collaborators::Column::Role, Expr::value(role.as_str()))
            .filter(collaborators::Column::ResourceId.eq(resource_id))
            .filter(collaborators::Column::UserId.eq(user.0))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        if result.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        Ok(())
    }

    async fn remove(
        &self,
        resource_id: Uuid,
        user: UserId,
        by: Option<UserId>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> RepoResult<bool> {
        let txn = self.db.conn().begin().await.map_err(repo_error)?;
        // Delete first (it takes the write lock), returning nothing; the row is read before.
        let Some(row) = collaborators::Entity::find()
            .filter(collaborators::Column::ResourceId.eq(resource_id))
            .filter(collaborators::Column::UserId.eq(user.0))
            .one(&txn)
            .await
            .map_err(repo_error)?
        else {
            return Ok(false);
        };
        let result = collaborators::Entity::delete_by_id(row.id)
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if result.rows_affected == 0 {
            return Ok(false);
        }
        collaborator_history::ActiveModel {
            id: Set(Uuid::now_v7()),
            resource_id: Set(row.resource_id),
            resource_kind: Set(row.resource_kind),
            user_id: Set(row.user_id),
            role: Set(row.role),
            status: Set("REMOVED".to_owned()),
            joined_at: Set(row.added_at),
            removed_at: Set(now),
            removed_by: Set(by.map(|user| user.0)),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        crate::events::commit(&self.db, txn, &[Event::AccessChanged { user }]).await?;
        Ok(true)
    }

    async fn former(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<FormerCollaborator>> {
        let rows = collaborator_history::Entity::find()
            .filter(collaborator_history::Column::ResourceId.eq(resource_id))
            .order_by_desc(collaborator_history::Column::RemovedAt)
            .limit(limit)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        rows.into_iter()
            .map(|row| {
                Ok(FormerCollaborator {
                    id: row.id,
                    resource_id: row.resource_id,
                    user_id: row.user_id.into(),
                    role: Role::parse(&row.role).ok_or_else(|| {
                        RepoError::Unknown(anyhow::anyhow!("stored role '{}' is not known", row.role))
                    })?,
                    joined_at: row.joined_at,
                    removed_at: row.removed_at,
                    removed_by: row.removed_by.map(UserId),
                })
            })
            .collect()
    }

    async fn transfer_ownership(&self, resource: ResourcePath, from: UserId, to: &Collaborator) -> RepoResult<()> {
        let txn = self.db.conn().begin().await.map_err(repo_error)?;
        let id = resource.id();
        collaborators::Entity::update_many()
            .col_expr(collaborators::Column::Role, Expr::value(Role::Admin.as_str()))
            .filter(collaborators::Column::ResourceId.eq(id))
            .filter(collaborators::Column::UserId.eq(from.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let promoted = collaborators::Entity::update_many()
            .col_expr(collaborators::Column::Role, Expr::value(Role::Owner.as_str()))
            .filter(collaborators::Column::ResourceId.eq(id))
            .filter(collaborators::Column::UserId.eq(to.user_id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if promoted.rows_affected == 0 {
            convert::collaborator_row(to).insert(&txn).await.map_err(repo_error)?;
        }
        let owner = Expr::value(to.user_id.0);
        match resource {
            ResourcePath::Space(space) => {
                artist_spaces::Entity::update_many()
                    .col_expr(artist_spaces::Column::OwnerId, owner)
                    .filter(artist_spaces::Column::Id.eq(space.0))
                    .exec(&txn)
                    .await
            }
            ResourcePath::Project(_, project) => {
                projects::Entity::update_many()
                    .col_expr(projects::Column::OwnerId, owner)
                    .filter(projects::Column::Id.eq(project.0))
                    .exec(&txn)
                    .await
            }
            ResourcePath::Track(_, _, track) => {
                tracks::Entity::update_many()
                    .col_expr(tracks::Column::OwnerId, owner)
                    .filter(tracks::Column::Id.eq(track.0))
                    .exec(&txn)
                    .await
            }
        }
        .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn page_for(
        &self,
        resource_ids: &[Uuid],
        page: PageRequest,
    ) -> RepoResult<HashMap<Uuid, Page<Collaborator>>> {
        let pages = children_pages::<collaborators::Entity, ResourceKey>(
            self.db.conn(),
            &Listing {
                table: "collaborators",
                parent_column: "resource_id",
                order: &["id"],
                ascending: false,
                extra: None,
            },
            resource_ids,
            page,
            |row| ResourceKey(row.resource_id),
        )
        .await?;
        pages
            .into_iter()
            .map(|(key, page)| Ok((key.0, page.try_map(convert::collaborator)?)))
            .collect()
    }

    async fn count_for(&self, resource_ids: &[Uuid]) -> RepoResult<HashMap<Uuid, u64>> {
        let counts =
            children_counts::<ResourceKey>(self.db.conn(), "collaborators", "resource_id", resource_ids).await?;
        Ok(counts.into_iter().map(|(key, count)| (key.0, count)).collect())
    }

    async fn all_for(&self, resource_ids: &[Uuid]) -> RepoResult<Vec<Collaborator>> {
        if resource_ids.is_empty() {
            return Ok(Vec::new());
        }
        collaborators::Entity::find()
            .filter(collaborators::Column::ResourceId.is_in(resource_ids.iter().copied()))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(convert::collaborator)
            .collect()
    }
}
