//! Public review links.

use backline_application::ports::{RepoError, RepoResult, ReviewCounter, ReviewLinkRepository};
use backline_domain::ids::{ArtistSpaceId, FileId, ReviewLinkId, TrackId, UserId};
use backline_domain::review::{ReviewLink, ReviewVersions};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::Database;
use crate::entities::review_links;
use crate::error::repo_error;

/// Review links on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlReviewLinkRepository {
    db: Database,
}

impl SqlReviewLinkRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn link(model: review_links::Model) -> RepoResult<ReviewLink> {
    let versions = ReviewVersions::parse(&model.versions).ok_or_else(|| {
        RepoError::Unknown(anyhow::anyhow!(
            "stored review-link versions '{}' are not known",
            model.versions
        ))
    })?;
    let file_ids = model
        .file_ids
        .split(',')
        .filter(|part| !part.is_empty())
        .map(|part| {
            Uuid::parse_str(part)
                .map(FileId)
                .map_err(|error| RepoError::Unknown(anyhow::anyhow!("stored review-link file id: {error}")))
        })
        .collect::<RepoResult<Vec<FileId>>>()?;
    Ok(ReviewLink {
        id: ReviewLinkId(model.id),
        code: model.code,
        owner_id: UserId(model.owner_id),
        artist_space_id: model.artist_space_id.into(),
        project_id: model.project_id.into(),
        track_id: model.track_id.into(),
        versions,
        file_ids,
        password_hash: model.password_hash,
        expires_at: model.expires_at,
        allow_download: model.allow_download,
        allow_comments: model.allow_comments,
        view_count: model.view_count,
        play_count: model.play_count,
        revoked_at: model.revoked_at,
        created_at: model.created_at,
    })
}

fn row(link: &ReviewLink) -> review_links::ActiveModel {
    let file_ids: Vec<String> = link.file_ids.iter().map(|id| id.0.to_string()).collect();
    review_links::ActiveModel {
        id: Set(link.id.0),
        code: Set(link.code.clone()),
        owner_id: Set(link.owner_id.0),
        artist_space_id: Set(link.artist_space_id.0),
        project_id: Set(link.project_id.0),
        track_id: Set(link.track_id.0),
        versions: Set(link.versions.as_str().to_owned()),
        file_ids: Set(file_ids.join(",")),
        password_hash: Set(link.password_hash.clone()),
        expires_at: Set(link.expires_at),
        allow_download: Set(link.allow_download),
        allow_comments: Set(link.allow_comments),
        view_count: Set(link.view_count),
        play_count: Set(link.play_count),
        revoked_at: Set(link.revoked_at),
        created_at: Set(link.created_at),
    }
}

#[async_trait::async_trait]
impl ReviewLinkRepository for SqlReviewLinkRepository {
    async fn insert(&self, new: &ReviewLink) -> RepoResult<()> {
        row(new).insert(self.db.conn()).await.map_err(repo_error)?;
        Ok(())
    }

    async fn by_code(&self, code: &str) -> RepoResult<Option<ReviewLink>> {
        review_links::Entity::find()
            .filter(review_links::Column::Code.eq(code))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(link)
            .transpose()
    }

    async fn by_id(&self, id: ReviewLinkId) -> RepoResult<Option<ReviewLink>> {
        review_links::Entity::find_by_id(id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(link)
            .transpose()
    }

    async fn for_track(&self, track: TrackId, limit: u64) -> RepoResult<Vec<ReviewLink>> {
        review_links::Entity::find()
            .filter(review_links::Column::TrackId.eq(track.0))
            .order_by_desc(review_links::Column::CreatedAt)
            .order_by_desc(review_links::Column::Id)
            .limit(limit)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(link)
            .collect()
    }

    async fn count_active(&self, space: ArtistSpaceId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<u64> {
        review_links::Entity::find()
            .filter(review_links::Column::ArtistSpaceId.eq(space.0))
            .filter(review_links::Column::RevokedAt.is_null())
            .filter(
                Condition::any()
                    .add(review_links::Column::ExpiresAt.is_null())
                    .add(review_links::Column::ExpiresAt.gt(now)),
            )
            .count(self.db.conn())
            .await
            .map_err(repo_error)
    }

    async fn revoke(&self, id: ReviewLinkId, now: chrono::DateTime<chrono::Utc>) -> RepoResult<Option<ReviewLink>> {
        review_links::Entity::update_many()
            .col_expr(review_links::Column::RevokedAt, Expr::value(Some(now)))
            .filter(review_links::Column::Id.eq(id.0))
            .filter(review_links::Column::RevokedAt.is_null())
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        self.by_id(id).await
    }

    async fn count(&self, id: ReviewLinkId, counter: ReviewCounter) -> RepoResult<()> {
        let column = match counter {
            ReviewCounter::View => review_links::Column::ViewCount,
            ReviewCounter::Play => review_links::Column::PlayCount,
        };
        review_links::Entity::update_many()
            .col_expr(column, Expr::col(column).add(1))
            .filter(review_links::Column::Id.eq(id.0))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }
}
