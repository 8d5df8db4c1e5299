//! Artist spaces, projects and tracks.

use std::collections::HashMap;

use backline_application::ports::{Event, RepoResult, SiblingScope, TrackEventKind, WorkspaceRepository};
use backline_domain::ids::{ArtistSpaceId, ProjectId, TrackId, UserId};
use backline_domain::page::{Direction, Page, PageRequest};
use backline_domain::workspace::{ArtistSpace, Collaborator, MembershipStatus, Project, Track};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Condition, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::Database;
use crate::convert::{self, resource_kind_str};
use crate::entities::{
    artist_aliases, artist_spaces, collaborators, files, invitations, invite_links, projects, space_slugs, tracks,
};
use crate::error::repo_error;
use crate::media::documents::release_documents;
use crate::media::files::release_files;
use crate::media::images::release_images;
use crate::paging::{Listing, children_counts, children_pages};

/// The workspace hierarchy on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlWorkspaceRepository {
    db: Database,
}

impl SqlWorkspaceRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

/// Runs a no-op write as a transaction's first statement: it takes SQLite's write lock at once
/// (a transaction that read first cannot take it once another writer has committed) and locks
/// the row on PostgreSQL.
async fn lock_first<E: EntityTrait>(txn: &DatabaseTransaction, update: sea_orm::UpdateMany<E>) -> RepoResult<()> {
    update.exec(txn).await.map_err(repo_error)?;
    Ok(())
}

/// Takes `slug` in the shared space-and-alias namespace for the space or alias `id` (of space
/// `space`), inside `txn`; `Duplicate(Unique::Slug)` when anything holds it.
pub(crate) async fn reserve_slug(
    txn: &sea_orm::DatabaseTransaction,
    id: Uuid,
    slug: &str,
    space: ArtistSpaceId,
) -> RepoResult<()> {
    space_slugs::ActiveModel {
        id: Set(id),
        slug: Set(slug.to_owned()),
        artist_space_id: Set(space.0),
    }
    .insert(txn)
    .await
    .map_err(repo_error)?;
    Ok(())
}

fn space_row(space: &ArtistSpace) -> artist_spaces::ActiveModel {
    artist_spaces::ActiveModel {
        id: Set(space.id.0),
        short_id: Set(space.short_id.clone()),
        slug: Set(space.slug.clone()),
        slug_type: Set(space.slug_type.as_str().to_owned()),
        name: Set(space.name.clone()),
        image: Set(space.image.clone()),
        bio: Set(space.bio.clone()),
        country_code: Set(space.country_code.clone()),
        links: Set(space.links.to_string()),
        owner_id: Set(space.owner_id.0),
        created_at: Set(space.created_at),
        updated_at: Set(space.updated_at),
    }
}

fn project_row(project: &Project) -> projects::ActiveModel {
    projects::ActiveModel {
        id: Set(project.id.0),
        short_id: Set(project.short_id.clone()),
        slug: Set(project.slug.clone()),
        slug_type: Set(project.slug_type.as_str().to_owned()),
        name: Set(project.name.clone()),
        image: Set(project.image.clone()),
        description: Set(project.description.clone()),
        artist_space_id: Set(project.artist_space_id.0),
        owner_id: Set(project.owner_id.0),
        status: Set(project.status.as_str().to_owned()),
        created_at: Set(project.created_at),
        updated_at: Set(project.updated_at),
    }
}

fn track_row(track: &Track) -> tracks::ActiveModel {
    tracks::ActiveModel {
        id: Set(track.id.0),
        short_id: Set(track.short_id.clone()),
        slug: Set(track.slug.clone()),
        slug_type: Set(track.slug_type.as_str().to_owned()),
        title: Set(track.title.clone()),
        project_id: Set(track.project_id.0),
        artist_space_id: Set(track.artist_space_id.0),
        owner_id: Set(track.owner_id.0),
        status: Set(track.status.as_str().to_owned()),
        is_public: Set(track.is_public),
        file_versions: sea_orm::ActiveValue::NotSet,
        created_at: Set(track.created_at),
        updated_at: Set(track.updated_at),
    }
}

/// Deletes the collaborator rows (current and former), invite links and email invitations of
/// the given resources.
async fn delete_collaborators(txn: &DatabaseTransaction, resource_ids: Vec<Uuid>) -> RepoResult<()> {
    if resource_ids.is_empty() {
        return Ok(());
    }
    invite_links::Entity::delete_many()
        .filter(invite_links::Column::ResourceId.is_in(resource_ids.iter().copied()))
        .exec(txn)
        .await
        .map_err(repo_error)?;
    invitations::Entity::delete_many()
        .filter(invitations::Column::ResourceId.is_in(resource_ids.iter().copied()))
        .exec(txn)
        .await
        .map_err(repo_error)?;
    collaborators::Entity::delete_many()
        .filter(collaborators::Column::ResourceId.is_in(resource_ids))
        .exec(txn)
        .await
        .map_err(repo_error)?;
    Ok(())
}

async fn track_ids_where(txn: &DatabaseTransaction, condition: Condition) -> RepoResult<Vec<Uuid>> {
    tracks::Entity::find()
        .select_only()
        .column(tracks::Column::Id)
        .filter(condition)
        .into_tuple::<Uuid>()
        .all(txn)
        .await
        .map_err(repo_error)
}

#[async_trait::async_trait]
impl WorkspaceRepository for SqlWorkspaceRepository {
    async fn insert_space(&self, space: &ArtistSpace, owner: &Collaborator) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        space_row(space).insert(&txn).await.map_err(repo_error)?;
        reserve_slug(&txn, space.id.0, &space.slug, space.id).await?;
        convert::collaborator_row(owner)
            .insert(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn insert_project(&self, project: &Project, owner: &Collaborator) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        project_row(project).insert(&txn).await.map_err(repo_error)?;
        convert::collaborator_row(owner)
            .insert(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn insert_track(&self, track: &Track, owner: &Collaborator) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        track_row(track).insert(&txn).await.map_err(repo_error)?;
        convert::collaborator_row(owner)
            .insert(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn update_space(&self, space: &ArtistSpace) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // The slug's reservation first: a slug taken by another space or an alias, also by a
        // concurrent request, is refused by the unique index before anything changes.
        space_slugs::Entity::update_many()
            .col_expr(space_slugs::Column::Slug, Expr::value(space.slug.clone()))
            .filter(space_slugs::Column::Id.eq(space.id.0))
            .filter(space_slugs::Column::Slug.ne(space.slug.clone()))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let mut row = space_row(space).reset_all();
        // The image is set only by uploadImage, in its own transaction.
        row.image = sea_orm::ActiveValue::NotSet;
        row.update(&txn).await.map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn update_project(&self, project: &Project) -> RepoResult<()> {
        let mut row = project_row(project).reset_all();
        // The image is set only by uploadImage, in its own transaction.
        row.image = sea_orm::ActiveValue::NotSet;
        row.update(self.db.conn()).await.map_err(repo_error)?;
        Ok(())
    }

    async fn update_track(&self, track: &Track) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        track_row(track).reset_all().update(&txn).await.map_err(repo_error)?;
        let updated = Event::Track {
            kind: TrackEventKind::TrackUpdated,
            track: track.id,
            file: None,
        };
        crate::events::commit(&self.db, txn, &[updated]).await
    }

    async fn delete_space(&self, id: ArtistSpaceId) -> RepoResult<Vec<String>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        lock_first(
            &txn,
            artist_spaces::Entity::update_many()
                .col_expr(
                    artist_spaces::Column::UpdatedAt,
                    Expr::col(artist_spaces::Column::UpdatedAt),
                )
                .filter(artist_spaces::Column::Id.eq(id.0)),
        )
        .await?;
        let project_ids: Vec<Uuid> = projects::Entity::find()
            .select_only()
            .column(projects::Column::Id)
            .filter(projects::Column::ArtistSpaceId.eq(id.0))
            .into_tuple::<Uuid>()
            .all(&txn)
            .await
            .map_err(repo_error)?;
        let track_ids = track_ids_where(&txn, Condition::all().add(tracks::Column::ArtistSpaceId.eq(id.0))).await?;
        let mut released = release_files(&txn, Condition::all().add(files::Column::ArtistSpaceId.eq(id.0))).await?;
        let mut shown = vec![id.0];
        shown.extend(&project_ids);
        released.extend(release_images(&txn, &shown).await?);
        released.extend(release_documents(&txn, id.0).await?);
        let mut resources = vec![id.0];
        resources.extend(&project_ids);
        resources.extend(&track_ids);
        delete_collaborators(&txn, resources).await?;
        tracks::Entity::delete_many()
            .filter(tracks::Column::ArtistSpaceId.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        projects::Entity::delete_many()
            .filter(projects::Column::ArtistSpaceId.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        artist_spaces::Entity::delete_by_id(id.0)
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)?;
        Ok(released)
    }

    async fn delete_project(&self, id: ProjectId) -> RepoResult<Vec<String>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        lock_first(
            &txn,
            projects::Entity::update_many()
                .col_expr(projects::Column::UpdatedAt, Expr::col(projects::Column::UpdatedAt))
                .filter(projects::Column::Id.eq(id.0)),
        )
        .await?;
        let mut released = release_files(&txn, Condition::all().add(files::Column::ProjectId.eq(id.0))).await?;
        released.extend(release_images(&txn, &[id.0]).await?);
        let mut resources = track_ids_where(&txn, Condition::all().add(tracks::Column::ProjectId.eq(id.0))).await?;
        resources.push(id.0);
        delete_collaborators(&txn, resources).await?;
        tracks::Entity::delete_many()
            .filter(tracks::Column::ProjectId.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        projects::Entity::delete_by_id(id.0)
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)?;
        Ok(released)
    }

    async fn delete_track(&self, id: TrackId) -> RepoResult<Vec<String>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        lock_first(
            &txn,
            tracks::Entity::update_many()
                .col_expr(tracks::Column::UpdatedAt, Expr::col(tracks::Column::UpdatedAt))
                .filter(tracks::Column::Id.eq(id.0)),
        )
        .await?;
        let released = release_files(&txn, Condition::all().add(files::Column::TrackId.eq(id.0))).await?;
        delete_collaborators(&txn, vec![id.0]).await?;
        tracks::Entity::delete_by_id(id.0)
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)?;
        Ok(released)
    }

    async fn spaces(&self, ids: &[ArtistSpaceId]) -> RepoResult<Vec<ArtistSpace>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = artist_spaces::Entity::find()
            .filter(artist_spaces::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, convert::space)
    }

    async fn projects(&self, ids: &[ProjectId]) -> RepoResult<Vec<Project>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = projects::Entity::find()
            .filter(projects::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, convert::project)
    }

    async fn tracks(&self, ids: &[TrackId]) -> RepoResult<Vec<Track>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = tracks::Entity::find()
            .filter(tracks::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        convert::all(rows, convert::track)
    }

    async fn space_by_short_id(&self, short_id: &str) -> RepoResult<Option<ArtistSpace>> {
        artist_spaces::Entity::find()
            .filter(artist_spaces::Column::ShortId.eq(short_id))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::space)
            .transpose()
    }

    async fn space_by_slug(&self, slug: &str) -> RepoResult<Option<ArtistSpace>> {
        artist_spaces::Entity::find()
            .filter(artist_spaces::Column::Slug.eq(slug))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::space)
            .transpose()
    }

    async fn project_by_short_id(&self, short_id: &str) -> RepoResult<Option<Project>> {
        projects::Entity::find()
            .filter(projects::Column::ShortId.eq(short_id))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::project)
            .transpose()
    }

    async fn track_by_short_id(&self, short_id: &str) -> RepoResult<Option<Track>> {
        tracks::Entity::find()
            .filter(tracks::Column::ShortId.eq(short_id))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::track)
            .transpose()
    }

    async fn slugs_like(&self, scope: SiblingScope, stem: &str) -> RepoResult<Vec<String>> {
        let pattern = format!("{stem}-%");
        let db = self.db.conn();
        match scope {
            SiblingScope::Spaces => {
                // Space and alias slugs share one namespace.
                async {
                    let mut slugs: Vec<String> = artist_spaces::Entity::find()
                        .select_only()
                        .column(artist_spaces::Column::Slug)
                        .filter(
                            Condition::any()
                                .add(artist_spaces::Column::Slug.eq(stem))
                                .add(artist_spaces::Column::Slug.like(&pattern)),
                        )
                        .into_tuple::<String>()
                        .all(db)
                        .await?;
                    let aliases: Vec<String> = artist_aliases::Entity::find()
                        .select_only()
                        .column(artist_aliases::Column::Slug)
                        .filter(
                            Condition::any()
                                .add(artist_aliases::Column::Slug.eq(stem))
                                .add(artist_aliases::Column::Slug.like(&pattern)),
                        )
                        .into_tuple::<String>()
                        .all(db)
                        .await?;
                    slugs.extend(aliases);
                    Ok::<_, sea_orm::DbErr>(slugs)
                }
                .await
            }
            SiblingScope::ProjectsOf(space) => {
                projects::Entity::find()
                    .select_only()
                    .column(projects::Column::Slug)
                    .filter(projects::Column::ArtistSpaceId.eq(space.0))
                    .filter(
                        Condition::any()
                            .add(projects::Column::Slug.eq(stem))
                            .add(projects::Column::Slug.like(&pattern)),
                    )
                    .into_tuple::<String>()
                    .all(db)
                    .await
            }
            SiblingScope::TracksOf(project) => {
                tracks::Entity::find()
                    .select_only()
                    .column(tracks::Column::Slug)
                    .filter(tracks::Column::ProjectId.eq(project.0))
                    .filter(
                        Condition::any()
                            .add(tracks::Column::Slug.eq(stem))
                            .add(tracks::Column::Slug.like(&pattern)),
                    )
                    .into_tuple::<String>()
                    .all(db)
                    .await
            }
        }
        .map_err(repo_error)
    }

    async fn spaces_of_user(&self, user: UserId, page: PageRequest) -> RepoResult<Page<ArtistSpace>> {
        let mut query = artist_spaces::Entity::find().filter(
            artist_spaces::Column::Id.in_subquery(
                Query::select()
                    .column(collaborators::Column::ResourceId)
                    .from(collaborators::Entity)
                    .and_where(collaborators::Column::UserId.eq(user.0))
                    .and_where(collaborators::Column::Status.eq(MembershipStatus::Active.as_str()))
                    .and_where(
                        collaborators::Column::ResourceKind
                            .eq(resource_kind_str(backline_domain::access::ResourceKind::ArtistSpace)),
                    )
                    .to_owned(),
            ),
        );
        if let Some(after) = page.after {
            query = query.filter(artist_spaces::Column::Id.lt(after));
        }
        if let Some(before) = page.before {
            query = query.filter(artist_spaces::Column::Id.gt(before));
        }
        query = match page.direction {
            Direction::Forward => query.order_by_desc(artist_spaces::Column::Id),
            Direction::Backward => query.order_by_asc(artist_spaces::Column::Id),
        };
        let rows = query
            .limit(page.limit.saturating_add(1))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        Page::from_overfetch(rows, &page).try_map(convert::space)
    }

    async fn count_spaces_of_user(&self, user: UserId) -> RepoResult<u64> {
        collaborators::Entity::find()
            .filter(collaborators::Column::UserId.eq(user.0))
            .filter(collaborators::Column::Status.eq(MembershipStatus::Active.as_str()))
            .filter(
                collaborators::Column::ResourceKind
                    .eq(resource_kind_str(backline_domain::access::ResourceKind::ArtistSpace)),
            )
            .count(self.db.conn())
            .await
            .map_err(repo_error)
    }

    async fn projects_of(
        &self,
        spaces: &[ArtistSpaceId],
        page: PageRequest,
    ) -> RepoResult<HashMap<ArtistSpaceId, Page<Project>>> {
        let ids: Vec<Uuid> = spaces.iter().map(|id| id.0).collect();
        let pages = children_pages::<projects::Entity, ArtistSpaceId>(
            self.db.conn(),
            &Listing {
                table: "projects",
                parent_column: "artist_space_id",
                order: &["id"],
                ascending: false,
                extra: None,
            },
            &ids,
            page,
            |row| row.artist_space_id.into(),
        )
        .await?;
        pages
            .into_iter()
            .map(|(key, page)| Ok((key, page.try_map(convert::project)?)))
            .collect()
    }

    async fn count_projects_of(&self, spaces: &[ArtistSpaceId]) -> RepoResult<HashMap<ArtistSpaceId, u64>> {
        let ids: Vec<Uuid> = spaces.iter().map(|id| id.0).collect();
        children_counts(self.db.conn(), "projects", "artist_space_id", None, &ids).await
    }

    async fn tracks_of(
        &self,
        projects: &[ProjectId],
        page: PageRequest,
    ) -> RepoResult<HashMap<ProjectId, Page<Track>>> {
        let ids: Vec<Uuid> = projects.iter().map(|id| id.0).collect();
        let pages = children_pages::<tracks::Entity, ProjectId>(
            self.db.conn(),
            &Listing {
                table: "tracks",
                parent_column: "project_id",
                order: &["id"],
                ascending: false,
                extra: None,
            },
            &ids,
            page,
            |row| row.project_id.into(),
        )
        .await?;
        pages
            .into_iter()
            .map(|(key, page)| Ok((key, page.try_map(convert::track)?)))
            .collect()
    }

    async fn count_tracks_of(&self, projects: &[ProjectId]) -> RepoResult<HashMap<ProjectId, u64>> {
        let ids: Vec<Uuid> = projects.iter().map(|id| id.0).collect();
        children_counts(self.db.conn(), "tracks", "project_id", None, &ids).await
    }
}
