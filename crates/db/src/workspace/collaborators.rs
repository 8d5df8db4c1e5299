//! Collaborator rows.

use std::collections::HashMap;

use backline_application::ports::{CollaboratorRepository, Event, RepoError, RepoResult};
use backline_domain::ids::UserId;
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};
use backline_domain::roles::Role;
use backline_domain::workspace::{Collaborator, FormerCollaborator, Joining, MembershipStatus, ResourcePath};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
    Statement,
};
use uuid::Uuid;

use crate::Database;
use crate::convert;
use crate::entities::{artist_spaces, collaborators, projects, tracks};
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

/// Rows that grant their role: ACTIVE ones.
fn active() -> sea_orm::sea_query::SimpleExpr {
    collaborators::Column::Status.eq(MembershipStatus::Active.as_str())
}

/// The rows of `user` on `resource`.
fn pair(resource: Uuid, user: UserId) -> sea_orm::Select<collaborators::Entity> {
    collaborators::Entity::find()
        .filter(collaborators::Column::ResourceId.eq(resource))
        .filter(collaborators::Column::UserId.eq(user.0))
}

/// The ACTIVE row of `user` on `resource`, read through `db` (a transaction when the caller
/// decides on it).
pub(crate) async fn active_row(
    db: &impl ConnectionTrait,
    resource: Uuid,
    user: UserId,
) -> RepoResult<Option<Collaborator>> {
    pair(resource, user)
        .filter(active())
        .one(db)
        .await
        .map_err(repo_error)?
        .map(convert::collaborator)
        .transpose()
}

/// Stores what joining decided through `db`: inserts a new row, rewrites a changed one.
pub(crate) async fn store_joining(db: &impl ConnectionTrait, joining: &Joining) -> RepoResult<()> {
    match joining {
        Joining::New(row) => {
            convert::collaborator_row(row).insert(db).await.map_err(repo_error)?;
        }
        Joining::Changed(row) => {
            let result = collaborators::Entity::update_many()
                .col_expr(collaborators::Column::Role, Expr::value(row.role.as_str()))
                .col_expr(collaborators::Column::Status, Expr::value(row.status.as_str()))
                .col_expr(collaborators::Column::JoinedAt, Expr::value(Some(row.joined_at)))
                .col_expr(collaborators::Column::RemovedAt, Expr::value(row.removed_at))
                .col_expr(
                    collaborators::Column::RemovedBy,
                    Expr::value(row.removed_by.map(|user| user.0)),
                )
                .filter(collaborators::Column::Id.eq(row.id.0))
                .exec(db)
                .await
                .map_err(repo_error)?;
            if result.rows_affected == 0 {
                return Err(RepoError::NotFound);
            }
        }
        Joining::Unchanged(_) => {}
    }
    Ok(())
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
             AND status = 'ACTIVE' \
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
        active_row(self.db.conn(), resource_id, user).await
    }

    async fn membership(&self, resource_id: Uuid, user: UserId) -> RepoResult<Option<Collaborator>> {
        match active_row(self.db.conn(), resource_id, user).await? {
            Some(row) => Ok(Some(row)),
            None => pair(resource_id, user)
                .order_by_desc(collaborators::Column::RemovedAt)
                .order_by_desc(collaborators::Column::Id)
                .one(self.db.conn())
                .await
                .map_err(repo_error)?
                .map(convert::collaborator)
                .transpose(),
        }
    }

    async fn join(&self, joining: &Joining) -> RepoResult<()> {
        store_joining(self.db.conn(), joining).await
    }

    async fn set_role(&self, resource_id: Uuid, user: UserId, role: Role) -> RepoResult<()> {
        let result = collaborators::Entity::update_many()
            .col_expr(collaborators::Column::Role, Expr::value(role.as_str()))
            .filter(collaborators::Column::ResourceId.eq(resource_id))
            .filter(collaborators::Column::UserId.eq(user.0))
            .filter(active())
            // Not an owner's: ownership moves only by transfer (which may have just happened).
            .filter(collaborators::Column::Role.ne(Role::Owner.as_str()))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        if result.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        Ok(())
    }

    async fn remove(&self, removed: &Collaborator, notifications: &[Notification]) -> RepoResult<bool> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Only a row still ACTIVE is removed: a concurrent removal leaves this one nothing to do.
        let result = collaborators::Entity::update_many()
            .col_expr(collaborators::Column::Status, Expr::value(removed.status.as_str()))
            .col_expr(collaborators::Column::RemovedAt, Expr::value(removed.removed_at))
            .col_expr(
                collaborators::Column::RemovedBy,
                Expr::value(removed.removed_by.map(|user| user.0)),
            )
            .filter(collaborators::Column::Id.eq(removed.id.0))
            .filter(active())
            // An owner is never removed, even one who became owner since the row was read.
            .filter(collaborators::Column::Role.ne(Role::Owner.as_str()))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if result.rows_affected == 0 {
            return Ok(false);
        }
        let (_, mut events) = crate::notifications::inbox::insert_within(&txn, notifications).await?;
        events.insert(0, Event::AccessChanged { user: removed.user_id });
        crate::events::commit(&self.db, txn, &events).await?;
        Ok(true)
    }

    async fn former(&self, resource_id: Uuid, limit: u64) -> RepoResult<Vec<FormerCollaborator>> {
        let rows = collaborators::Entity::find()
            .filter(collaborators::Column::ResourceId.eq(resource_id))
            .filter(collaborators::Column::Status.eq(MembershipStatus::Removed.as_str()))
            .order_by_desc(collaborators::Column::RemovedAt)
            .order_by_desc(collaborators::Column::Id)
            .limit(limit)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        rows.into_iter()
            .map(|row| {
                let id = row.id;
                convert::collaborator(row)?
                    .former()
                    .ok_or_else(|| RepoError::Unknown(anyhow::anyhow!("removed collaborator {id} has no removal date")))
            })
            .collect()
    }

    async fn transfer_ownership(&self, resource: ResourcePath, from: UserId, to: &Joining) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let id = resource.id();
        collaborators::Entity::update_many()
            .col_expr(collaborators::Column::Role, Expr::value(Role::Admin.as_str()))
            .filter(collaborators::Column::ResourceId.eq(id))
            .filter(collaborators::Column::UserId.eq(from.0))
            .filter(active())
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        store_joining(&txn, to).await?;
        let owner = Expr::value(to.row().user_id.0);
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
                extra: Some("status = 'ACTIVE'"),
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
        let counts = children_counts::<ResourceKey>(
            self.db.conn(),
            "collaborators",
            "resource_id",
            Some("status = 'ACTIVE'"),
            resource_ids,
        )
        .await?;
        Ok(counts.into_iter().map(|(key, count)| (key.0, count)).collect())
    }

    async fn all_for(&self, resource_ids: &[Uuid]) -> RepoResult<Vec<Collaborator>> {
        if resource_ids.is_empty() {
            return Ok(Vec::new());
        }
        collaborators::Entity::find()
            .filter(collaborators::Column::ResourceId.is_in(resource_ids.iter().copied()))
            .filter(active())
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(convert::collaborator)
            .collect()
    }
}
