//! Throttles in the shared database, so every replica counts the same attempts: failed
//! attempts as a log per key (a sliding window), and rate limits as fixed-window counters
//! incremented by one upsert.

use backline_application::ports::{Attempt, LoginThrottle, RateLimiter, RepoResult};
use chrono::{DateTime, Duration, Utc};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QuerySelect, Statement};

use crate::Database;
use crate::entities::{rate_windows, throttle_failures};
use crate::error::repo_error;

/// Failed attempts and rate windows on SQLite or PostgreSQL.
#[derive(Clone)]
pub struct SqlThrottle {
    db: Database,
    limit: usize,
    window: Duration,
}

impl SqlThrottle {
    /// Allows `limit` failures per key within `window` (the rate limits name their own).
    pub fn new(db: Database, limit: usize, window: Duration) -> Self {
        Self {
            db,
            limit: limit.max(1),
            window,
        }
    }
}

/// The start of the window of length `window` that holds `now`, and the seconds until it ends.
fn window_of(now: DateTime<Utc>, window: Duration) -> (DateTime<Utc>, u64) {
    let length = window.num_seconds().max(1);
    let seconds = now.timestamp();
    let start = seconds - seconds.rem_euclid(length);
    let left = u64::try_from(start + length - seconds).unwrap_or(1).max(1);
    (DateTime::from_timestamp(start, 0).unwrap_or(now), left)
}

fn upsert_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "INSERT INTO rate_windows (key, window_start, hits) VALUES ($1, $2, $3) \
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_windows.hits + excluded.hits \
             RETURNING hits"
        }
        _ => {
            "INSERT INTO rate_windows (key, window_start, hits) VALUES (?, ?, ?) \
             ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_windows.hits + excluded.hits \
             RETURNING hits"
        }
    }
}

#[async_trait::async_trait]
impl LoginThrottle for SqlThrottle {
    async fn attempt(&self, keys: &[String], now: DateTime<Utc>) -> RepoResult<Result<Attempt, u64>> {
        if keys.is_empty() {
            return Ok(Ok(Attempt { records: Vec::new() }));
        }
        let cutoff = now - self.window;
        // Failures past the window no longer count: keep the log short.
        throttle_failures::Entity::delete_many()
            .filter(throttle_failures::Column::Key.is_in(keys.iter().map(String::as_str)))
            .filter(throttle_failures::Column::FailedAt.lte(cutoff))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        let records: Vec<uuid::Uuid> = keys.iter().map(|_| uuid::Uuid::now_v7()).collect();
        let rows = keys
            .iter()
            .zip(&records)
            .map(|(key, id)| throttle_failures::ActiveModel {
                id: Set(*id),
                key: Set(key.clone()),
                failed_at: Set(now),
            });
        throttle_failures::Entity::insert_many(rows)
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        let mut wait = 0_i64;
        for key in keys {
            let times: Vec<DateTime<Utc>> = throttle_failures::Entity::find()
                .select_only()
                .column(throttle_failures::Column::FailedAt)
                .filter(throttle_failures::Column::Key.eq(key.as_str()))
                .filter(throttle_failures::Column::FailedAt.gt(cutoff))
                .into_tuple()
                .all(self.db.conn())
                .await
                .map_err(repo_error)?;
            // This attempt is among them: more than `limit` means `limit` failed before it.
            if times.len() > self.limit {
                let oldest = times.iter().min().copied().unwrap_or(now);
                wait = wait.max((oldest + self.window - now).num_seconds().max(1));
            }
        }
        if wait > 0 {
            self.forget(&records).await?;
            return Ok(Err(u64::try_from(wait).unwrap_or(1)));
        }
        Ok(Ok(Attempt { records }))
    }

    async fn succeeded(&self, attempt: Attempt, key: &str) -> RepoResult<()> {
        self.forget(&attempt.records).await?;
        throttle_failures::Entity::delete_many()
            .filter(throttle_failures::Column::Key.eq(key))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }
}

impl SqlThrottle {
    /// Removes the failure records of an attempt.
    async fn forget(&self, records: &[uuid::Uuid]) -> RepoResult<()> {
        if records.is_empty() {
            return Ok(());
        }
        throttle_failures::Entity::delete_many()
            .filter(throttle_failures::Column::Id.is_in(records.iter().copied()))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl RateLimiter for SqlThrottle {
    async fn hit(
        &self,
        key: &str,
        hits: u32,
        limit: u32,
        window: Duration,
        now: DateTime<Utc>,
    ) -> RepoResult<Result<(), u64>> {
        let (start, left) = window_of(now, window);
        let backend = self.db.conn().get_database_backend();
        let row = self
            .db
            .conn()
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                upsert_sql(backend),
                [key.into(), start.into(), i32::try_from(hits).unwrap_or(i32::MAX).into()],
            ))
            .await
            .map_err(repo_error)?;
        let count: i32 = match row {
            Some(row) => row.try_get("", "hits").map_err(repo_error)?,
            None => 0,
        };
        Ok(if i64::from(count) > i64::from(limit) {
            Err(left)
        } else {
            Ok(())
        })
    }

    async fn prune(&self, before: DateTime<Utc>) -> RepoResult<()> {
        rate_windows::Entity::delete_many()
            .filter(rate_windows::Column::WindowStart.lt(before))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        throttle_failures::Entity::delete_many()
            .filter(throttle_failures::Column::FailedAt.lt(before))
            .exec(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_aligned_and_tell_what_is_left() {
        let now = DateTime::from_timestamp(1_000_030, 0).unwrap_or_default();
        let (start, left) = window_of(now, Duration::seconds(60));
        assert_eq!(start.timestamp(), 1_000_020);
        assert_eq!(left, 50);
    }
}
