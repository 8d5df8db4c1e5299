//! Documents of artist spaces (press kits as PDF or ZIP).

use std::collections::HashSet;

use backline_application::ports::{DocumentRepository, DocumentStored, RepoResult};
use backline_domain::ids::{ArtistSpaceId, DocumentId, UserId};
use backline_domain::media::Document;
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::Database;
use crate::entities::{artist_spaces, documents};
use crate::error::repo_error;
use crate::media::files::{add_storage, existing_ids};

/// Documents on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlDocumentRepository {
    db: Database,
}

impl SqlDocumentRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn document(model: documents::Model) -> Document {
    Document {
        id: DocumentId(model.id),
        artist_space_id: model.artist_space_id.into(),
        owner_id: UserId(model.owner_id),
        name: model.name,
        content_type: model.content_type,
        size: model.size,
        sha256: model.sha256,
        created_at: model.created_at,
    }
}

/// Deletes `doomed` inside `txn`, returning their bytes to their uploaders; their blob keys.
async fn remove_rows(txn: &DatabaseTransaction, doomed: Vec<documents::Model>) -> RepoResult<Vec<String>> {
    let mut doomed = doomed;
    // A fixed order of storage updates, so concurrent deletions cannot deadlock.
    doomed.sort_by_key(|model| model.owner_id);
    let mut keys = Vec::new();
    for model in doomed {
        let removed = documents::Entity::delete_by_id(model.id)
            .exec(txn)
            .await
            .map_err(repo_error)?;
        if removed.rows_affected == 1 {
            add_storage(txn, UserId(model.owner_id), -model.size, None).await?;
            keys.push(document(model).blob_key());
        }
    }
    Ok(keys)
}

/// Deletes every document of a space inside `txn` (the space is being deleted); their blob keys.
pub(crate) async fn release_documents(txn: &DatabaseTransaction, space: Uuid) -> RepoResult<Vec<String>> {
    let doomed = documents::Entity::find()
        .filter(documents::Column::ArtistSpaceId.eq(space))
        .all(txn)
        .await
        .map_err(repo_error)?;
    remove_rows(txn, doomed).await
}

#[async_trait::async_trait]
impl DocumentRepository for SqlDocumentRepository {
    async fn insert(&self, new: &Document, storage_limit: Option<i64>) -> RepoResult<DocumentStored> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Writing the space first locks it (and tells whether it still exists).
        let space = artist_spaces::Entity::update_many()
            .col_expr(
                artist_spaces::Column::UpdatedAt,
                Expr::col(artist_spaces::Column::UpdatedAt),
            )
            .filter(artist_spaces::Column::Id.eq(new.artist_space_id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if space.rows_affected != 1 {
            return Ok(DocumentStored::SpaceGone);
        }
        if !add_storage(&txn, new.owner_id, new.size, storage_limit).await? {
            return Ok(DocumentStored::QuotaExceeded);
        }
        documents::ActiveModel {
            id: Set(new.id.0),
            artist_space_id: Set(new.artist_space_id.0),
            owner_id: Set(new.owner_id.0),
            name: Set(new.name.clone()),
            content_type: Set(new.content_type.clone()),
            size: Set(new.size),
            sha256: Set(new.sha256.clone()),
            created_at: Set(new.created_at),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)?;
        Ok(DocumentStored::Stored)
    }

    async fn of_space(&self, space: ArtistSpaceId) -> RepoResult<Vec<Document>> {
        Ok(documents::Entity::find()
            .filter(documents::Column::ArtistSpaceId.eq(space.0))
            .order_by_desc(documents::Column::CreatedAt)
            .order_by_desc(documents::Column::Id)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(document)
            .collect())
    }

    async fn documents(&self, ids: &[DocumentId]) -> RepoResult<Vec<Document>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(documents::Entity::find()
            .filter(documents::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(document)
            .collect())
    }

    async fn remove(&self, space: ArtistSpaceId, ids: &[DocumentId]) -> RepoResult<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let txn = self.db.begin().await.map_err(repo_error)?;
        let doomed = documents::Entity::find()
            .filter(documents::Column::ArtistSpaceId.eq(space.0))
            .filter(documents::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&txn)
            .await
            .map_err(repo_error)?;
        let keys = remove_rows(&txn, doomed).await?;
        txn.commit().await.map_err(repo_error)?;
        Ok(keys)
    }

    async fn existing(&self, ids: &[Uuid]) -> RepoResult<HashSet<Uuid>> {
        existing_ids::<documents::Entity>(self.db.conn(), documents::Column::Id, ids).await
    }
}
