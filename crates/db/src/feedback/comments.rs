//! Comments with their replies, likes and mentions.

use std::collections::HashMap;

use backline_application::ports::{
    CommentEventKind, CommentFilter, CommentOrder, CommentParent, CommentPeople, CommentRepository, Event, NewComment,
    RepoError, RepoResult,
};
use backline_domain::comments::{Comment, TimeRange};
use backline_domain::ids::{CommentId, ReviewLinkId, UserId};
use backline_domain::notifications::Notification;
use backline_domain::page::{Page, PageRequest};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, UnionType};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::Database;
use crate::entities::{comment_likes, comment_mentions, comments};
use crate::error::repo_error;
use crate::events::commit;
use crate::paging::{Listing, children_pages};

/// Comments on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlCommentRepository {
    db: Database,
}

impl SqlCommentRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn comment(model: comments::Model) -> Comment {
    Comment {
        id: model.id.into(),
        content: model.content,
        owner_id: model.owner_id.map(UserId),
        file_id: model.file_id.into(),
        track_id: model.track_id.into(),
        project_id: model.project_id.into(),
        artist_space_id: model.artist_space_id.into(),
        parent_id: model.parent_id.map(CommentId),
        time: model.time_start.map(|start| TimeRange {
            start,
            end: model.time_end,
        }),
        is_resolved: model.is_resolved,
        resolved_by: model.resolved_by.map(UserId),
        resolved_at: model.resolved_at,
        is_pinned: model.is_pinned,
        is_deleted: model.is_deleted,
        created_at: model.created_at,
        updated_at: model.updated_at,
        edited_at: model.edited_at,
        guest_name: model.guest_name,
        review_link_id: model.review_link_id.map(ReviewLinkId),
    }
}

fn row(comment: &Comment) -> comments::ActiveModel {
    comments::ActiveModel {
        id: Set(comment.id.0),
        content: Set(comment.content.clone()),
        owner_id: Set(comment.owner_id.map(|user| user.0)),
        file_id: Set(comment.file_id.0),
        track_id: Set(comment.track_id.0),
        project_id: Set(comment.project_id.0),
        artist_space_id: Set(comment.artist_space_id.0),
        parent_id: Set(comment.parent_id.map(|parent| parent.0)),
        time_start: Set(comment.time.map(|time| time.start)),
        time_end: Set(comment.time.and_then(|time| time.end)),
        is_resolved: Set(comment.is_resolved),
        resolved_by: Set(comment.resolved_by.map(|user| user.0)),
        resolved_at: Set(comment.resolved_at),
        is_pinned: Set(comment.is_pinned),
        is_deleted: Set(comment.is_deleted),
        created_at: Set(comment.created_at),
        updated_at: Set(comment.updated_at),
        edited_at: Set(comment.edited_at),
        guest_name: Set(comment.guest_name.clone()),
        review_link_id: Set(comment.review_link_id.map(|link| link.0)),
    }
}

/// Users per comment from a link table.
/// The event of a change to `comment`.
fn event(kind: CommentEventKind, comment: &Comment) -> [Event; 1] {
    [Event::Comment {
        kind,
        comment: Box::new(comment.clone()),
    }]
}

fn grouped(rows: impl IntoIterator<Item = (Uuid, Uuid)>) -> HashMap<CommentId, Vec<UserId>> {
    let mut out: HashMap<CommentId, Vec<UserId>> = HashMap::new();
    for (comment, user) in rows {
        out.entry(CommentId(comment)).or_default().push(UserId(user));
    }
    out
}

#[async_trait::async_trait]
impl CommentRepository for SqlCommentRepository {
    async fn insert(&self, new: NewComment<'_>) -> RepoResult<()> {
        let comment = new.comment;
        let txn = self.db.begin().await.map_err(repo_error)?;
        row(comment).insert(&txn).await.map_err(repo_error)?;
        for user in new.mentions {
            comment_mentions::ActiveModel {
                id: Set(Uuid::now_v7()),
                comment_id: Set(comment.id.0),
                user_id: Set(user.0),
                created_at: Set(comment.created_at),
            }
            .insert(&txn)
            .await
            .map_err(repo_error)?;
        }
        let (_, notified) = crate::notifications::inbox::insert_within(&txn, new.notifications).await?;
        let mut events = event(new.event, comment).to_vec();
        events.extend(notified);
        backline_application::failpoints::hit(backline_application::failpoints::COMMENT_BEFORE_COMMIT);
        commit(&self.db, txn, &events).await
    }

    async fn comments(&self, ids: &[CommentId]) -> RepoResult<Vec<Comment>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(comments::Entity::find()
            .filter(comments::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(comment)
            .collect())
    }

    async fn save(&self, changed: &Comment, kind: CommentEventKind, notifications: &[Notification]) -> RepoResult<()> {
        let mut model = row(changed).reset_all();
        // Where a comment sits never changes.
        for column in [
            comments::Column::FileId,
            comments::Column::TrackId,
            comments::Column::ProjectId,
            comments::Column::ArtistSpaceId,
            comments::Column::ParentId,
            comments::Column::CreatedAt,
            comments::Column::GuestName,
            comments::Column::ReviewLinkId,
        ] {
            model.not_set(column);
        }
        let txn = self.db.begin().await.map_err(repo_error)?;
        model.update(&txn).await.map_err(repo_error)?;
        let (_, notified) = crate::notifications::inbox::insert_within(&txn, notifications).await?;
        let mut events = event(kind, changed).to_vec();
        events.extend(notified);
        commit(&self.db, txn, &events).await
    }

    async fn delete(&self, gone: &Comment) -> RepoResult<()> {
        let id = gone.id;
        let txn = self.db.begin().await.map_err(repo_error)?;
        comments::Entity::delete_many()
            .filter(comments::Column::ParentId.eq(id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let removed = comments::Entity::delete_by_id(id.0)
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if removed.rows_affected == 0 {
            return Err(RepoError::NotFound);
        }
        commit(&self.db, txn, &event(CommentEventKind::Deleted, gone)).await
    }

    async fn through_review_link(&self, link: ReviewLinkId, limit: u64) -> RepoResult<Vec<Comment>> {
        Ok(comments::Entity::find()
            .filter(comments::Column::ReviewLinkId.eq(link.0))
            .filter(comments::Column::ParentId.is_null())
            .order_by_asc(comments::Column::CreatedAt)
            .order_by_asc(comments::Column::Id)
            .limit(limit)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?
            .into_iter()
            .map(comment)
            .collect())
    }

    async fn replies(&self, parents: &[CommentId]) -> RepoResult<HashMap<CommentId, Vec<Comment>>> {
        if parents.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = comments::Entity::find()
            .filter(comments::Column::ParentId.is_in(parents.iter().map(|id| id.0)))
            .order_by_asc(comments::Column::Id)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        let mut out: HashMap<CommentId, Vec<Comment>> = HashMap::new();
        for model in rows {
            if let Some(parent) = model.parent_id {
                out.entry(CommentId(parent)).or_default().push(comment(model));
            }
        }
        Ok(out)
    }

    async fn like(
        &self,
        liked: &Comment,
        user: UserId,
        now: chrono::DateTime<chrono::Utc>,
        notifications: &[Notification],
    ) -> RepoResult<bool> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let inserted = comment_likes::ActiveModel {
            id: Set(Uuid::now_v7()),
            comment_id: Set(liked.id.0),
            user_id: Set(user.0),
            created_at: Set(now),
        }
        .insert(&txn)
        .await;
        match inserted.map_err(repo_error) {
            Ok(_) => {
                let (_, notified) = crate::notifications::inbox::insert_within(&txn, notifications).await?;
                let mut events = event(CommentEventKind::Liked, liked).to_vec();
                events.extend(notified);
                commit(&self.db, txn, &events).await?;
                Ok(true)
            }
            Err(RepoError::Duplicate(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    async fn unlike(&self, unliked: &Comment, user: UserId) -> RepoResult<bool> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let removed = comment_likes::Entity::delete_many()
            .filter(comment_likes::Column::CommentId.eq(unliked.id.0))
            .filter(comment_likes::Column::UserId.eq(user.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if removed.rows_affected == 0 {
            return Ok(false);
        }
        commit(&self.db, txn, &event(CommentEventKind::Unliked, unliked)).await?;
        Ok(true)
    }

    async fn people(&self, ids: &[CommentId]) -> RepoResult<CommentPeople> {
        if ids.is_empty() {
            return Ok(CommentPeople::default());
        }
        // Likes and mentions in one statement: `kind` tells them apart, ids (time-ordered)
        // give each list its order.
        // The kinds are written into the statement: a bound parameter in a select list has no
        // type PostgreSQL can infer.
        let of = |table: &str, kind: &'static str| {
            Query::select()
                .expr_as(Expr::cust(kind), Alias::new("kind"))
                .column(Alias::new("id"))
                .column(Alias::new("comment_id"))
                .column(Alias::new("user_id"))
                .from(Alias::new(table))
                .and_where(Expr::col(Alias::new("comment_id")).is_in(ids.iter().map(|id| id.0)))
                .to_owned()
        };
        let statement = of("comment_likes", "'like'")
            .union(UnionType::All, of("comment_mentions", "'mention'"))
            .to_owned();
        let backend = self.db.conn().get_database_backend();
        let rows = self
            .db
            .conn()
            .query_all_raw(backend.build(&statement))
            .await
            .map_err(repo_error)?;
        let mut likes = Vec::new();
        let mut mentions = Vec::new();
        for row in rows {
            let kind: String = row.try_get("", "kind").map_err(repo_error)?;
            let id: Uuid = row.try_get("", "id").map_err(repo_error)?;
            let comment: Uuid = row.try_get("", "comment_id").map_err(repo_error)?;
            let user: Uuid = row.try_get("", "user_id").map_err(repo_error)?;
            match kind.as_str() {
                "like" => likes.push((id, comment, user)),
                _ => mentions.push((id, comment, user)),
            }
        }
        likes.sort_unstable();
        mentions.sort_unstable();
        Ok(CommentPeople {
            likers: grouped(likes.into_iter().map(|(_, comment, user)| (comment, user))),
            mentions: grouped(mentions.into_iter().map(|(_, comment, user)| (comment, user))),
        })
    }

    async fn count_for(
        &self,
        parent: CommentParent,
        parents: &[Uuid],
        include_resolved: bool,
    ) -> RepoResult<HashMap<Uuid, u64>> {
        if parents.is_empty() {
            return Ok(HashMap::new());
        }
        let column = match parent {
            CommentParent::File => comments::Column::FileId,
            CommentParent::Track => comments::Column::TrackId,
        };
        let mut query = comments::Entity::find()
            .select_only()
            .column(column)
            .filter(column.is_in(parents.iter().copied()))
            .filter(comments::Column::ParentId.is_null());
        if !include_resolved {
            query = query.filter(comments::Column::IsResolved.eq(false));
        }
        let keys: Vec<Uuid> = query.into_tuple().all(self.db.conn()).await.map_err(repo_error)?;
        let mut counts: HashMap<Uuid, u64> = parents.iter().map(|id| (*id, 0)).collect();
        for key in keys {
            *counts.entry(key).or_default() += 1;
        }
        Ok(counts)
    }

    async fn page_for(
        &self,
        parent: CommentParent,
        parents: &[Uuid],
        filter: CommentFilter,
        page: PageRequest,
    ) -> RepoResult<HashMap<Uuid, Page<Comment>>> {
        let parent_column = match parent {
            CommentParent::File => "file_id",
            CommentParent::Track => "track_id",
        };
        let extra = if filter.include_resolved {
            "parent_id IS NULL"
        } else {
            "parent_id IS NULL AND is_resolved = FALSE"
        };
        // Pinned comments first; comments without a time after every timed one.
        let (order, ascending): (&[&str], bool) = match filter.order {
            CommentOrder::Timestamp => (
                &[
                    "CASE WHEN is_pinned THEN 0 ELSE 1 END",
                    "COALESCE(time_start, 1e15)",
                    "id",
                ],
                true,
            ),
            CommentOrder::Newest => (&["CASE WHEN is_pinned THEN 1 ELSE 0 END", "id"], false),
        };
        let listing = Listing {
            table: "comments",
            parent_column,
            order,
            ascending,
            extra: Some(extra),
        };
        let pages =
            children_pages::<comments::Entity, Uuid>(self.db.conn(), &listing, parents, page, |model| match parent {
                CommentParent::File => model.file_id,
                CommentParent::Track => model.track_id,
            })
            .await?;
        Ok(pages.into_iter().map(|(key, page)| (key, page.map(comment))).collect())
    }
}
