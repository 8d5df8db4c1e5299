//! The durable job queue. Claiming is one `UPDATE … WHERE id = (SELECT … LIMIT 1)
//! RETURNING …` statement: on PostgreSQL the inner select takes `FOR UPDATE SKIP LOCKED`, so
//! replicas claim different jobs without waiting on each other; on SQLite the statement runs
//! under the database's single writer lock, which gives the same exclusivity.

use anyhow::anyhow;
use backline_application::ports::{Job, JobKind, JobQueue, RepoError, RepoResult};
use backline_domain::ids::JobId;
use chrono::{DateTime, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, Statement,
};
use uuid::Uuid;

use crate::Database;
use crate::entities::jobs;
use crate::error::repo_error;

/// Waiting to run (or to be retried).
pub(crate) const PENDING: &str = "PENDING";
/// Claimed by a worker until `locked_until`.
const RUNNING: &str = "RUNNING";
/// Gave up.
const FAILED: &str = "FAILED";

/// Jobs on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlJobQueue {
    db: Database,
}

impl SqlJobQueue {
    /// A queue over `db`.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

fn claim_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, locked_until = $1, updated_at = $2 \
             WHERE id = (SELECT id FROM jobs \
                 WHERE (status = 'PENDING' AND run_at <= $2) OR (status = 'RUNNING' AND locked_until < $2) \
                 ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED) \
             RETURNING id, kind, subject, attempts"
        }
        _ => {
            "UPDATE jobs SET status = 'RUNNING', attempts = attempts + 1, locked_until = ?, updated_at = ? \
             WHERE id = (SELECT id FROM jobs \
                 WHERE (status = 'PENDING' AND run_at <= ?) OR (status = 'RUNNING' AND locked_until < ?) \
                 ORDER BY run_at LIMIT 1) \
             RETURNING id, kind, subject, attempts"
        }
    }
}

impl SqlJobQueue {
    /// Gives a claimed job back: waiting again (with a new time) or failed, with the reason.
    async fn release(&self, id: JobId, status: &str, run_at: Option<DateTime<Utc>>, error: &str) -> RepoResult<()> {
        let mut update = jobs::Entity::update_many()
            .col_expr(jobs::Column::Status, Expr::value(status))
            .col_expr(jobs::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(jobs::Column::LastError, Expr::value(error))
            .filter(jobs::Column::Id.eq(id.0));
        if let Some(run_at) = run_at {
            update = update.col_expr(jobs::Column::RunAt, Expr::value(run_at));
        }
        update.exec(self.db.conn()).await.map_err(repo_error)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl JobQueue for SqlJobQueue {
    async fn enqueue(&self, kind: JobKind, subject: Uuid, run_at: DateTime<Utc>) -> RepoResult<JobId> {
        let id = Uuid::now_v7();
        jobs::ActiveModel {
            id: Set(id),
            kind: Set(kind.as_str().to_owned()),
            subject: Set(subject),
            status: Set(PENDING.to_owned()),
            attempts: Set(0),
            run_at: Set(run_at),
            locked_until: Set(None),
            last_error: Set(None),
            created_at: Set(run_at),
            updated_at: Set(run_at),
        }
        .insert(self.db.conn())
        .await
        .map_err(repo_error)?;
        Ok(JobId(id))
    }

    async fn claim(&self, now: DateTime<Utc>, lease: chrono::Duration) -> RepoResult<Option<Job>> {
        let backend = self.db.conn().get_database_backend();
        let until = now + lease;
        let values: Vec<sea_orm::Value> = match backend {
            DbBackend::Postgres => vec![until.into(), now.into()],
            _ => vec![until.into(), now.into(), now.into(), now.into()],
        };
        let row = self
            .db
            .conn()
            .query_one_raw(Statement::from_sql_and_values(backend, claim_sql(backend), values))
            .await
            .map_err(repo_error)?;
        let Some(row) = row else { return Ok(None) };
        let kind: String = row.try_get("", "kind").map_err(repo_error)?;
        Ok(Some(Job {
            id: JobId(row.try_get("", "id").map_err(repo_error)?),
            kind: JobKind::parse(&kind).ok_or_else(|| RepoError::Unknown(anyhow!("unknown job kind '{kind}'")))?,
            subject: row.try_get("", "subject").map_err(repo_error)?,
            attempts: row.try_get("", "attempts").map_err(repo_error)?,
        }))
    }

    async fn complete(&self, id: JobId) -> RepoResult<()> {
        jobs::Entity::delete_by_id(id.0)
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }

    async fn retry(&self, id: JobId, run_at: DateTime<Utc>, error: &str) -> RepoResult<()> {
        self.release(id, PENDING, Some(run_at), error).await
    }

    async fn fail(&self, id: JobId, error: &str) -> RepoResult<()> {
        self.release(id, FAILED, None, error).await
    }

    async fn pending(&self) -> RepoResult<u64> {
        jobs::Entity::find()
            .filter(jobs::Column::Status.is_in([PENDING, RUNNING]))
            .count(self.db.conn())
            .await
            .map_err(repo_error)
    }

    async fn next_due(&self) -> RepoResult<Option<DateTime<Utc>>> {
        let backend = self.db.conn().get_database_backend();
        let row = self
            .db
            .conn()
            .query_one_raw(Statement::from_string(
                backend,
                "SELECT MIN(CASE WHEN status = 'PENDING' THEN run_at ELSE locked_until END) AS due \
                 FROM jobs WHERE status IN ('PENDING', 'RUNNING')",
            ))
            .await
            .map_err(repo_error)?;
        match row {
            Some(row) => row.try_get("", "due").map_err(repo_error),
            None => Ok(None),
        }
    }
}
