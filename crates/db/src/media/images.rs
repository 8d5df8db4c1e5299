//! Uploaded images, and which user, space or project shows each.

use std::collections::HashSet;

use anyhow::anyhow;
use backline_application::ports::{ImageRepository, ImageSet, RepoError, RepoResult};
use backline_domain::ids::{ImageId, UserId};
use backline_domain::media::{Image, ImageTarget};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::Database;
use crate::entities::{artist_spaces, images, projects, users};
use crate::error::repo_error;
use crate::media::files::{add_storage, existing_ids};

/// Images on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlImageRepository {
    db: Database,
}

impl SqlImageRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn target_str(target: ImageTarget) -> &'static str {
    match target {
        ImageTarget::UserAvatar => "USER_AVATAR",
        ImageTarget::ArtistSpace => "ARTIST_SPACE",
        ImageTarget::ProjectCover => "PROJECT_COVER",
        ImageTarget::ArtistVisual => "ARTIST_VISUAL",
    }
}

fn image(model: images::Model) -> RepoResult<Image> {
    let dimension = |value: i32| u32::try_from(value).map_err(|_| RepoError::Unknown(anyhow!("negative image size")));
    Ok(Image {
        id: model.id.into(),
        owner_id: model.owner_id.into(),
        content_type: model.content_type,
        width: dimension(model.width)?,
        height: dimension(model.height)?,
        size: model.size,
        created_at: model.created_at,
    })
}

/// Points the target's `image` column at `image`; whether the target exists.
async fn point(txn: &DatabaseTransaction, target: ImageTarget, id: Uuid, image: Option<String>) -> RepoResult<bool> {
    let result = match target {
        ImageTarget::UserAvatar => {
            users::Entity::update_many()
                .col_expr(users::Column::Image, Expr::value(image))
                .filter(users::Column::Id.eq(id))
                .exec(txn)
                .await
        }
        ImageTarget::ArtistSpace => {
            artist_spaces::Entity::update_many()
                .col_expr(artist_spaces::Column::Image, Expr::value(image))
                .filter(artist_spaces::Column::Id.eq(id))
                .exec(txn)
                .await
        }
        ImageTarget::ProjectCover => {
            projects::Entity::update_many()
                .col_expr(projects::Column::Image, Expr::value(image))
                .filter(projects::Column::Id.eq(id))
                .exec(txn)
                .await
        }
        // A space keeps many visuals: nothing points at one; the write only locks the space
        // and tells whether it exists.
        ImageTarget::ArtistVisual => {
            artist_spaces::Entity::update_many()
                .col_expr(
                    artist_spaces::Column::UpdatedAt,
                    Expr::col(artist_spaces::Column::UpdatedAt),
                )
                .filter(artist_spaces::Column::Id.eq(id))
                .exec(txn)
                .await
        }
    };
    Ok(result.map_err(repo_error)?.rows_affected == 1)
}

/// Deletes the images shown by any of `targets` inside `txn`, returns their bytes to their
/// owners, and returns the blob keys they held.
pub(crate) async fn release_images(txn: &DatabaseTransaction, targets: &[Uuid]) -> RepoResult<Vec<String>> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let doomed = images::Entity::find()
        .filter(images::Column::TargetId.is_in(targets.iter().copied()))
        .all(txn)
        .await
        .map_err(repo_error)?;
    remove(txn, doomed).await
}

async fn remove(txn: &DatabaseTransaction, doomed: Vec<images::Model>) -> RepoResult<Vec<String>> {
    let mut keys = Vec::new();
    let mut doomed = doomed;
    doomed.sort_by_key(|model| model.owner_id);
    for model in doomed {
        let removed = images::Entity::delete_by_id(model.id)
            .exec(txn)
            .await
            .map_err(repo_error)?;
        if removed.rows_affected == 1 {
            add_storage(txn, UserId(model.owner_id), -model.size, None).await?;
            keys.extend(image(model)?.blob_keys());
        }
    }
    Ok(keys)
}

#[async_trait::async_trait]
impl ImageRepository for SqlImageRepository {
    async fn set(
        &self,
        target: ImageTarget,
        target_id: Uuid,
        new: &Image,
        storage_limit: Option<i64>,
    ) -> RepoResult<ImageSet> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // Writing the target first locks it, so concurrent uploads to one target queue here and
        // each removes the one before it.
        if !point(&txn, target, target_id, Some(new.id.to_string())).await? {
            return Ok(ImageSet::TargetGone);
        }
        if !add_storage(&txn, new.owner_id, new.size, storage_limit).await? {
            return Ok(ImageSet::QuotaExceeded);
        }
        let width = i32::try_from(new.width).map_err(|error| RepoError::Unknown(error.into()))?;
        let height = i32::try_from(new.height).map_err(|error| RepoError::Unknown(error.into()))?;
        images::ActiveModel {
            id: Set(new.id.0),
            owner_id: Set(new.owner_id.0),
            target: Set(target_str(target).to_owned()),
            target_id: Set(target_id),
            content_type: Set(new.content_type.clone()),
            width: Set(width),
            height: Set(height),
            size: Set(new.size),
            created_at: Set(new.created_at),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        let previous = if target == ImageTarget::ArtistVisual {
            Vec::new()
        } else {
            images::Entity::find()
                .filter(images::Column::TargetId.eq(target_id))
                .filter(images::Column::Target.eq(target_str(target)))
                .filter(images::Column::Id.ne(new.id.0))
                .all(&txn)
                .await
                .map_err(repo_error)?
        };
        let replaced = previous.first().cloned().map(image).transpose()?;
        remove(&txn, previous).await?;
        txn.commit().await.map_err(repo_error)?;
        Ok(ImageSet::Set { replaced })
    }

    async fn images(&self, ids: &[ImageId]) -> RepoResult<Vec<Image>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        images::Entity::find()
            .filter(images::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(image)
            .collect()
    }

    async fn space_of_visual(&self, id: ImageId) -> RepoResult<Option<Uuid>> {
        Ok(images::Entity::find_by_id(id.0)
            .filter(images::Column::Target.eq(target_str(ImageTarget::ArtistVisual)))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(|model| model.target_id))
    }

    async fn of_target(&self, target: ImageTarget, target_id: Uuid) -> RepoResult<Vec<ImageId>> {
        Ok(images::Entity::find()
            .filter(images::Column::Target.eq(target_str(target)))
            .filter(images::Column::TargetId.eq(target_id))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(|model| ImageId(model.id))
            .collect())
    }

    async fn remove(&self, target: ImageTarget, target_id: Uuid, ids: &[ImageId]) -> RepoResult<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let txn = self.db.begin().await.map_err(repo_error)?;
        let doomed = images::Entity::find()
            .filter(images::Column::Target.eq(target_str(target)))
            .filter(images::Column::TargetId.eq(target_id))
            .filter(images::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&txn)
            .await
            .map_err(repo_error)?;
        let keys = remove(&txn, doomed).await?;
        txn.commit().await.map_err(repo_error)?;
        Ok(keys)
    }

    async fn existing(&self, ids: &[Uuid]) -> RepoResult<HashSet<Uuid>> {
        existing_ids::<images::Entity>(self.db.conn(), images::Column::Id, ids).await
    }
}
