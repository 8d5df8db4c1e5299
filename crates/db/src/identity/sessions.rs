//! Sessions and refresh tokens.

use backline_application::ports::{Event, RefreshTokenRecord, RepoResult, RotateOutcome, SessionRepository};
use backline_domain::identity::Session;
use backline_domain::ids::{SessionId, UserId};
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::Database;
use crate::convert;
use crate::entities::{refresh_tokens, sessions};
use crate::error::repo_error;
use crate::events::commit as outbox_commit;

/// Sessions on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlSessionRepository {
    db: Database,
}

impl SqlSessionRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn token_row(token: &RefreshTokenRecord) -> refresh_tokens::ActiveModel {
    refresh_tokens::ActiveModel {
        id: Set(token.id),
        session_id: Set(token.session_id.0),
        token_hash: Set(token.token_hash.clone()),
        created_at: Set(token.created_at),
        expires_at: Set(token.expires_at),
        used_at: Set(token.used_at),
    }
}

#[async_trait::async_trait]
impl SessionRepository for SqlSessionRepository {
    async fn create(&self, session: &Session, token: &RefreshTokenRecord) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        sessions::ActiveModel {
            id: Set(session.id.0),
            user_id: Set(session.user_id.0),
            user_agent: Set(session.user_agent.clone()),
            ip: Set(session.ip.clone()),
            created_at: Set(session.created_at),
            last_active_at: Set(session.last_active_at),
            expires_at: Set(session.expires_at),
            revoked_at: Set(session.revoked_at),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        token_row(token).insert(&txn).await.map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn find_token(&self, token_hash: &str) -> RepoResult<Option<(RefreshTokenRecord, Session)>> {
        let Some(token) = refresh_tokens::Entity::find()
            .filter(refresh_tokens::Column::TokenHash.eq(token_hash))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
        else {
            return Ok(None);
        };
        let Some(session) = sessions::Entity::find_by_id(token.session_id)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
        else {
            return Ok(None);
        };
        Ok(Some((
            RefreshTokenRecord {
                id: token.id,
                session_id: token.session_id.into(),
                token_hash: token.token_hash,
                created_at: token.created_at,
                expires_at: token.expires_at,
                used_at: token.used_at,
            },
            convert::session(session),
        )))
    }

    async fn rotate(&self, old: Uuid, new: &RefreshTokenRecord, now: DateTime<Utc>) -> RepoResult<RotateOutcome> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        // The conditional update is the lock: of two concurrent exchanges only one sees a row.
        let marked = refresh_tokens::Entity::update_many()
            .col_expr(refresh_tokens::Column::UsedAt, Expr::value(now))
            .filter(refresh_tokens::Column::Id.eq(old))
            .filter(refresh_tokens::Column::UsedAt.is_null())
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        if marked.rows_affected != 1 {
            txn.rollback().await.map_err(repo_error)?;
            return Ok(RotateOutcome::AlreadyUsed);
        }
        token_row(new).insert(&txn).await.map_err(repo_error)?;
        sessions::Entity::update_many()
            .col_expr(sessions::Column::LastActiveAt, Expr::value(now))
            .col_expr(sessions::Column::ExpiresAt, Expr::value(new.expires_at))
            .filter(sessions::Column::Id.eq(new.session_id.0))
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)?;
        Ok(RotateOutcome::Rotated)
    }

    async fn revoke(&self, session_id: SessionId, now: DateTime<Utc>) -> RepoResult<bool> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let Some(session) = sessions::Entity::find_by_id(session_id.0)
            .one(&txn)
            .await
            .map_err(repo_error)?
        else {
            return Ok(false);
        };
        let result = sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .filter(sessions::Column::Id.eq(session_id.0))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let revoked = result.rows_affected == 1;
        let events = if revoked {
            vec![Event::SessionsEnded {
                user: UserId(session.user_id),
                sessions: vec![session_id],
            }]
        } else {
            Vec::new()
        };
        outbox_commit(&self.db, txn, &events).await?;
        Ok(revoked)
    }

    async fn revoke_all(&self, user_id: UserId, now: DateTime<Utc>) -> RepoResult<Vec<SessionId>> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        let open: Vec<Uuid> = sessions::Entity::find()
            .select_only()
            .column(sessions::Column::Id)
            .filter(sessions::Column::UserId.eq(user_id.0))
            .filter(sessions::Column::RevokedAt.is_null())
            .into_tuple()
            .all(&txn)
            .await
            .map_err(repo_error)?;
        sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .filter(sessions::Column::Id.is_in(open.iter().copied()))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        let ended: Vec<SessionId> = open.into_iter().map(SessionId).collect();
        let events = if ended.is_empty() {
            Vec::new()
        } else {
            vec![Event::SessionsEnded {
                user: user_id,
                sessions: ended.clone(),
            }]
        };
        outbox_commit(&self.db, txn, &events).await?;
        Ok(ended)
    }

    async fn list_active(&self, user_id: UserId, now: DateTime<Utc>) -> RepoResult<Vec<Session>> {
        let rows = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user_id.0))
            .filter(sessions::Column::RevokedAt.is_null())
            .filter(sessions::Column::ExpiresAt.gt(now))
            .order_by_desc(sessions::Column::LastActiveAt)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(rows.into_iter().map(convert::session).collect())
    }

    async fn find(&self, session_id: SessionId) -> RepoResult<Option<Session>> {
        Ok(sessions::Entity::find_by_id(session_id.0)
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
            .map(convert::session))
    }
}
