//! Email tokens.

use backline_application::ports::{EmailTokenPurpose, EmailTokenRepository, RepoResult};
use backline_domain::ids::UserId;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::Database;
use crate::entities::email_tokens;
use crate::error::repo_error;

/// Email tokens on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlEmailTokenRepository {
    db: Database,
}

impl SqlEmailTokenRepository {
    /// A repository over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait::async_trait]
impl EmailTokenRepository for SqlEmailTokenRepository {
    async fn replace(
        &self,
        id: Uuid,
        user_id: UserId,
        purpose: EmailTokenPurpose,
        token_hash: &str,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepoResult<()> {
        let txn = self.db.begin().await.map_err(repo_error)?;
        email_tokens::Entity::update_many()
            .col_expr(email_tokens::Column::UsedAt, Expr::value(now))
            .filter(email_tokens::Column::UserId.eq(user_id.0))
            .filter(email_tokens::Column::Purpose.eq(purpose.as_str()))
            .filter(email_tokens::Column::UsedAt.is_null())
            .exec(&txn)
            .await
            .map_err(repo_error)?;
        email_tokens::ActiveModel {
            id: Set(id),
            user_id: Set(user_id.0),
            purpose: Set(purpose.as_str().to_owned()),
            token_hash: Set(token_hash.to_owned()),
            created_at: Set(now),
            expires_at: Set(expires_at),
            used_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(repo_error)?;
        txn.commit().await.map_err(repo_error)
    }

    async fn consume(
        &self,
        purpose: EmailTokenPurpose,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> RepoResult<Option<UserId>> {
        let Some(row) = email_tokens::Entity::find()
            .filter(email_tokens::Column::TokenHash.eq(token_hash))
            .filter(email_tokens::Column::Purpose.eq(purpose.as_str()))
            .one(self.db.conn())
            .await
            .map_err(repo_error)?
        else {
            return Ok(None);
        };
        if row.used_at.is_some() || row.expires_at <= now {
            return Ok(None);
        }
        let marked = email_tokens::Entity::update_many()
            .col_expr(email_tokens::Column::UsedAt, Expr::value(now))
            .filter(email_tokens::Column::Id.eq(row.id))
            .filter(email_tokens::Column::UsedAt.is_null())
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok((marked.rows_affected == 1).then_some(row.user_id.into()))
    }
}
