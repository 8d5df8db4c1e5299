//! Figures for operators (`/metrics`, `/readyz`): connection pool use, jobs by status, how far
//! this process's event relay lags behind the outbox, and whether every migration is applied.

use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::Database;
use crate::entities::{event_outbox, jobs};

/// Connections of the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Open now (idle or in use).
    pub open: u32,
    /// Open and idle.
    pub idle: u32,
    /// The most the pool opens.
    pub max: u32,
}

/// How far this process's relay is behind the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxLag {
    /// Events committed that this process has not published yet.
    pub events: i64,
    /// When the oldest of them was committed.
    pub oldest: Option<DateTime<Utc>>,
}

impl Database {
    /// The pool's connections now.
    pub fn pool_stats(&self) -> PoolStats {
        let (open, idle) = if self.is_postgres() {
            let pool = self.conn().get_postgres_connection_pool();
            (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(u32::MAX))
        } else {
            let pool = self.conn().get_sqlite_connection_pool();
            (pool.size(), u32::try_from(pool.num_idle()).unwrap_or(u32::MAX))
        };
        PoolStats {
            open,
            idle,
            max: self.max_connections,
        }
    }

    /// Background jobs by status (`PENDING`, `RUNNING`, `FAILED`).
    ///
    /// # Errors
    /// Fails when the database does not answer.
    pub async fn job_counts(&self) -> anyhow::Result<Vec<(String, i64)>> {
        Ok(jobs::Entity::find()
            .select_only()
            .column(jobs::Column::Status)
            .column_as(jobs::Column::Id.count(), "count")
            .group_by(jobs::Column::Status)
            .into_tuple::<(String, i64)>()
            .all(self.conn())
            .await?)
    }

    /// What this process's relay has not published yet.
    ///
    /// # Errors
    /// Fails when the database does not answer.
    pub async fn outbox_lag(&self) -> anyhow::Result<OutboxLag> {
        let relayed = self.relayed.load(Ordering::Relaxed);
        let behind = event_outbox::Entity::find()
            .filter(event_outbox::Column::Id.gt(relayed))
            .order_by_asc(event_outbox::Column::Id);
        let oldest = behind
            .clone()
            .select_only()
            .column(event_outbox::Column::CreatedAt)
            .into_tuple::<DateTime<Utc>>()
            .one(self.conn())
            .await?;
        let events = match oldest {
            None => 0,
            Some(_) => i64::try_from(
                sea_orm::PaginatorTrait::count(
                    event_outbox::Entity::find().filter(event_outbox::Column::Id.gt(relayed)),
                    self.conn(),
                )
                .await?,
            )
            .unwrap_or(i64::MAX),
        };
        Ok(OutboxLag { events, oldest })
    }

    /// Whether every migration this build knows is applied. Read-only, and migrations this
    /// build does not know (applied by a newer replica during a rolling deploy) do not count
    /// against it.
    ///
    /// # Errors
    /// Fails when the database does not answer.
    pub async fn migrations_current(&self) -> anyhow::Result<bool> {
        use backline_migration::MigratorTrait;
        use sea_orm::{ConnectionTrait, Statement};
        let backend = self.conn().get_database_backend();
        let rows = self
            .conn()
            .query_all_raw(Statement::from_string(backend, "SELECT version FROM seaql_migrations"))
            .await?;
        let applied: std::collections::HashSet<String> = rows
            .iter()
            .filter_map(|row| row.try_get::<String>("", "version").ok())
            .collect();
        Ok(backline_migration::Migrator::migrations()
            .iter()
            .all(|migration| applied.contains(migration.name())))
    }
}
