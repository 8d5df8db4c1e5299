//! Backline's database adapter: sea-orm repositories that implement the application's ports,
//! on SQLite (the embedded default) and PostgreSQL (production). The same code and the same
//! migrations serve both.

mod convert;
mod creators;
mod entities;
mod error;
mod events;
mod feedback;
mod identity;
mod media;
mod notifications;
mod outbox;
mod paging;
mod persisted_queries;
mod sharing;
mod stats;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod workspace;

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use backline_migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, DatabaseConnection, DbBackend};

pub use creators::{SqlAliasRepository, SqlCreatorRepository};
pub use events::{EventRelay, RelayOptions, SqlEventLog};
pub use feedback::SqlCommentRepository;
pub use identity::{SqlEmailTokenRepository, SqlSessionRepository, SqlThrottle, SqlUserRepository};
pub use media::{SqlDocumentRepository, SqlFileRepository, SqlImageRepository, SqlJobQueue};
pub use notifications::SqlNotificationRepository;
pub use outbox::{OutboxMailer, SentMail};
pub use persisted_queries::SqlPersistedQueries;
pub use sharing::{SqlInvitationRepository, SqlInviteLinkRepository, SqlReviewLinkRepository};
pub use stats::{OutboxLag, PoolStats};
pub use workspace::{SqlCollaboratorRepository, SqlWorkspaceRepository};

tokio::task_local! {
    /// Set while background work (the event relay) runs: its statements are not counted, so
    /// tests that count a request's statements are not disturbed by it.
    pub(crate) static UNCOUNTED: ();
}

/// Statements slower than this are logged as warnings; all are logged at `trace` level.
const SLOW_STATEMENT: Duration = Duration::from_millis(200);

/// How long a pooled connection may sit idle before it is pinged on its way out of the pool.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// How many rows a SQLite connection's worker thread may hand over before the reading task takes
/// them: a whole nested level (hundreds of rows) at once rather than 50 at a time, each batch a
/// thread hand-off.
const SQLITE_ROW_BUFFER: usize = 1024;

/// The settings every SQLite connection of the pool opens with (pragmas are per connection:
/// set once on the pool, they would hold for whichever connection ran them).
fn sqlite_options(options: SqliteConnectOptions) -> SqliteConnectOptions {
    options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .row_buffer_size(SQLITE_ROW_BUFFER)
}

/// A pool of connections to Backline's database, with a counter of executed statements (used
/// by tests that prove nested queries do not multiply statements).
#[derive(Clone)]
pub struct Database {
    connection: DatabaseConnection,
    statements: Arc<AtomicU64>,
    committed: Arc<tokio::sync::Notify>,
    /// The highest outbox id this process's relay has published.
    relayed: Arc<AtomicI64>,
    max_connections: u32,
}

/// A migration's name and whether it has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The migration's name.
    pub name: String,
    /// Whether it is applied.
    pub applied: bool,
}

impl Database {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`). For SQLite, the parent
    /// folder is created and write-ahead logging is switched on.
    ///
    /// # Errors
    /// Fails when the URL is malformed or the database does not answer.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let is_sqlite = url.starts_with("sqlite:");
        if is_sqlite {
            create_sqlite_parent(url)?;
        }
        let max_connections = if is_sqlite { 8 } else { 20 };
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .sqlx_logging(false)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(10))
            .max_connections(max_connections)
            .min_connections(1)
            // A connection in use is known to work: ping only those idle long enough for the
            // server or a proxy to have dropped them, not before every statement (the default,
            // which doubles each statement's round trips).
            .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
            .map_sqlx_sqlite_opts(sqlite_options);
        let connection = sea_orm::Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&statements);
        let mut connection = connection;
        connection.set_metric_callback(move |info| {
            if UNCOUNTED.try_with(|()| ()).is_err() {
                counter.fetch_add(1, Ordering::Relaxed);
            }
            if info.elapsed >= SLOW_STATEMENT {
                tracing::warn!(elapsed_ms = info.elapsed.as_millis(), sql = %info.statement.sql, "slow statement");
            } else {
                tracing::trace!(elapsed_us = info.elapsed.as_micros(), sql = %info.statement.sql, "statement");
            }
        });
        Ok(Self {
            connection,
            statements,
            committed: Arc::new(tokio::sync::Notify::new()),
            relayed: Arc::new(AtomicI64::new(0)),
            max_connections,
        })
    }

    /// Applies pending migrations. Replicas starting at once may all call it: on PostgreSQL
    /// they take turns under an advisory lock; on SQLite (whose writers already take turns) a
    /// replica that lost the race finds the migrations applied and carries on.
    ///
    /// # Errors
    /// Fails when a migration fails; migrations run in a transaction where the database allows.
    pub async fn migrate_up(&self) -> anyhow::Result<()> {
        /// The advisory lock replicas take turns under while migrating.
        const MIGRATION_LOCK: i64 = 0x6d69_6772_6174_6521; // "migrate!"
        if self.is_postgres() {
            use sea_orm::sqlx::{Connection, Executor};
            // A connection of its own, out of the pool: if anything goes wrong it is closed,
            // and PostgreSQL releases the lock with it.
            let mut holder = self.connection.get_postgres_connection_pool().acquire().await?.detach();
            holder.execute("SET lock_timeout = '120s'").await?;
            holder
                .execute(sea_orm::sqlx::query("SELECT pg_advisory_lock($1)").bind(MIGRATION_LOCK))
                .await?;
            let migrated = Migrator::up(&self.connection, None).await;
            let _ = holder.close().await;
            return Ok(migrated?);
        }
        match Migrator::up(&self.connection, None).await {
            Ok(()) => Ok(()),
            Err(error) => {
                // Another process may have applied the same migrations meanwhile.
                tokio::time::sleep(Duration::from_millis(500)).await;
                if self.migrations_current().await.unwrap_or(false) {
                    Ok(())
                } else {
                    Err(error.into())
                }
            }
        }
    }

    /// Reverts the last applied migration.
    ///
    /// # Errors
    /// Fails when the migration's `down` fails.
    pub async fn migrate_down(&self) -> anyhow::Result<()> {
        Migrator::down(&self.connection, Some(1)).await?;
        Ok(())
    }

    /// Every migration and whether it is applied.
    ///
    /// # Errors
    /// Fails when the database does not answer.
    pub async fn migration_status(&self) -> anyhow::Result<Vec<MigrationStatus>> {
        let applied = Migrator::get_applied_migrations(&self.connection).await?;
        let applied: Vec<String> = applied.iter().map(|migration| migration.name().to_owned()).collect();
        Ok(Migrator::migrations()
            .iter()
            .map(|migration| MigrationStatus {
                name: migration.name().to_owned(),
                applied: applied.iter().any(|name| name == migration.name()),
            })
            .collect())
    }

    /// Checks that the database answers.
    ///
    /// # Errors
    /// Fails when it does not.
    pub async fn ping(&self) -> anyhow::Result<()> {
        self.connection.ping().await?;
        Ok(())
    }

    /// How many statements this pool has executed since it was opened.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        self.connection.get_database_backend() == DbBackend::Postgres
    }

    /// Closes the pool.
    ///
    /// # Errors
    /// Fails when closing fails.
    pub async fn close(self) -> anyhow::Result<()> {
        self.connection.close().await?;
        Ok(())
    }

    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.connection
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes fails at once
    /// with "database is locked" when another connection wrote in between (SQLite cannot wait
    /// for that lock without risking a deadlock), while an immediate one waits its turn within
    /// the busy timeout. PostgreSQL begins as usual.
    pub(crate) async fn begin(&self) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
        use sea_orm::TransactionTrait;
        let sqlite = self.connection.get_database_backend() == sea_orm::DbBackend::Sqlite;
        self.connection
            .begin_with_options(sea_orm::TransactionOptions {
                isolation_level: None,
                access_mode: None,
                sqlite_transaction_mode: sqlite.then_some(sea_orm::SqliteTransactionMode::Immediate),
            })
            .await
    }

    /// Wakes this process's event relay: a transaction that recorded events has committed.
    pub(crate) fn events_committed(&self) {
        self.committed.notify_one();
    }

    /// What [`Self::events_committed`] signals.
    pub(crate) fn committed(&self) -> Arc<tokio::sync::Notify> {
        Arc::clone(&self.committed)
    }

    /// Notes that this process's relay has published every outbox row up to `id`.
    pub(crate) fn relayed_up_to(&self, id: i64) {
        self.relayed.fetch_max(id, Ordering::Relaxed);
    }
}

fn create_sqlite_parent(url: &str) -> anyhow::Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path)
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::*;

    #[tokio::test]
    async fn a_transaction_that_reads_then_writes_waits_for_another_writer_instead_of_failing() -> anyhow::Result<()> {
        let fresh = testing::TestDatabase::new().await?;
        let db = Database::connect(fresh.url()).await?;
        db.conn()
            .execute_unprepared("CREATE TABLE tally (n INTEGER NOT NULL)")
            .await?;
        let txn = db.begin().await?;
        txn.execute_unprepared("SELECT COUNT(*) FROM tally").await?;
        // Another connection writes meanwhile: on SQLite it waits for this transaction's
        // lock; a deferred transaction would instead fail below with "database is locked".
        let other = db.clone();
        let writer = tokio::spawn(async move {
            other
                .conn()
                .execute_unprepared("INSERT INTO tally (n) VALUES (1)")
                .await
        });
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        txn.execute_unprepared("INSERT INTO tally (n) VALUES (2)").await?;
        txn.commit().await?;
        writer.await??;
        let rows = db
            .conn()
            .query_all_raw(sea_orm::Statement::from_string(
                db.conn().get_database_backend(),
                "SELECT n FROM tally ORDER BY n",
            ))
            .await?;
        assert_eq!(rows.len(), 2, "both writes were kept");
        Ok(())
    }

    #[tokio::test]
    async fn every_sqlite_connection_of_the_pool_has_the_same_settings() -> anyhow::Result<()> {
        use sea_orm::TransactionTrait;
        let fresh = testing::TestDatabase::new().await?;
        if !fresh.url().starts_with("sqlite:") {
            return Ok(());
        }
        let db = Database::connect(fresh.url()).await?;
        // Each open transaction holds a connection of its own, so these are eight connections.
        let mut open = Vec::new();
        for _ in 0..db.max_connections {
            open.push(db.conn().begin().await?);
        }
        for txn in &open {
            let ask = |pragma: &str| {
                txn.query_one_raw(sea_orm::Statement::from_string(
                    DbBackend::Sqlite,
                    format!("PRAGMA {pragma}"),
                ))
            };
            let journal = ask("journal_mode").await?.map(|row| row.try_get_by_index::<String>(0));
            let synchronous = ask("synchronous").await?.map(|row| row.try_get_by_index::<i64>(0));
            let foreign_keys = ask("foreign_keys").await?.map(|row| row.try_get_by_index::<i64>(0));
            assert_eq!(journal.transpose()?.as_deref(), Some("wal"));
            assert_eq!(synchronous.transpose()?, Some(1), "NORMAL");
            assert_eq!(foreign_keys.transpose()?, Some(1), "on");
        }
        for txn in open {
            txn.rollback().await?;
        }
        Ok(())
    }
}
