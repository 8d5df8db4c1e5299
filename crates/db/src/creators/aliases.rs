//! Aliases of artist spaces.

use std::collections::HashMap;

use backline_application::ports::{AliasRepository, RepoResult};
use backline_domain::ids::{ArtistAliasId, ArtistSpaceId};
use backline_domain::workspace::{AliasStatus, ArtistAlias};
use sea_orm::ActiveValue::Set;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::Database;
use crate::convert::{self, parse};
use crate::entities::artist_aliases;
use crate::error::repo_error;
use crate::workspace::hierarchy::reserve_slug;

/// Aliases on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlAliasRepository {
    db: Database,
}

impl SqlAliasRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn alias(model: artist_aliases::Model) -> RepoResult<ArtistAlias> {
    Ok(ArtistAlias {
        id: model.id.into(),
        artist_space_id: model.artist_space_id.into(),
        name: model.name,
        slug: model.slug,
        status: parse(&model.status, "alias status", AliasStatus::parse)?,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

fn row(alias: &ArtistAlias) -> artist_aliases::ActiveModel {
    artist_aliases::ActiveModel {
        id: Set(alias.id.0),
        artist_space_id: Set(alias.artist_space_id.0),
        name: Set(alias.name.clone()),
        slug: Set(alias.slug.clone()),
        status: Set(alias.status.as_str().to_owned()),
        created_at: Set(alias.created_at),
        updated_at: Set(alias.updated_at),
    }
}

#[async_trait::async_trait]
impl AliasRepository for SqlAliasRepository {
    async fn insert(&self, new: &ArtistAlias) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        reserve_slug(&txn, new.id.0, &new.slug, new.artist_space_id).await?;
        row(new).insert(&txn).await.map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn update(&self, changed: &ArtistAlias) -> RepoResult<()> {
        let mut model = row(changed).reset_all();
        model.not_set(artist_aliases::Column::ArtistSpaceId);
        model.not_set(artist_aliases::Column::CreatedAt);
        model.update(self.db.conn()).await.map_err(repo_error)?;
        Ok(())
    }

    async fn by_id(&self, id: ArtistAliasId) -> RepoResult<Option<ArtistAlias>> {
        artist_aliases::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(alias)
            .transpose()
    }

    async fn by_slug(&self, slug: &str) -> RepoResult<Option<ArtistAlias>> {
        artist_aliases::Entity::find()
            .filter(artist_aliases::Column::Slug.eq(slug))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(alias)
            .transpose()
    }

    async fn for_spaces(&self, spaces: &[ArtistSpaceId]) -> RepoResult<HashMap<ArtistSpaceId, Vec<ArtistAlias>>> {
        if spaces.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = artist_aliases::Entity::find()
            .filter(artist_aliases::Column::ArtistSpaceId.is_in(spaces.iter().map(|id| id.0)))
            .order_by_asc(artist_aliases::Column::Id)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        let mut out: HashMap<ArtistSpaceId, Vec<ArtistAlias>> = HashMap::new();
        for item in convert::all(rows, alias)? {
            out.entry(item.artist_space_id).or_default().push(item);
        }
        Ok(out)
    }
}
