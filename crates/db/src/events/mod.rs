//! The event outbox. Repositories record each change's [`Event`] in the same transaction as the
//! change ([`record`]); after the commit, the [`EventRelay`] of every process sharing the
//! database reads new rows and publishes them to its local subscribers. A rolled-back change
//! leaves no row, so it emits nothing; a committed one is read by every relay even when the
//! process that wrote it died before it could wake its own.
//!
//! On PostgreSQL, [`record`] also calls `pg_notify` in the transaction, so PostgreSQL itself
//! wakes every listening process at commit time; polling remains as the safety net for
//! notifications lost while a listener reconnects. On SQLite the relay is woken in-process and
//! polls for writes made by other processes sharing the file.

mod relay;

use backline_application::ports::{Event, RepoError, RepoResult};
use chrono::Utc;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, Statement};

pub use relay::{EventRelay, RelayOptions};

use crate::Database;
use crate::entities::event_outbox;
use crate::error::repo_error;

/// The PostgreSQL channel the relays listen on.
pub(crate) const CHANNEL: &str = "backline_events";

/// Writes `events` to the outbox inside the caller's transaction (`connection`).
pub(crate) async fn record<C: ConnectionTrait>(connection: &C, events: &[Event]) -> RepoResult<()> {
    for event in events {
        let payload = serde_json::to_string(event).map_err(|error| RepoError::Unknown(error.into()))?;
        let row = event_outbox::ActiveModel {
            id: NotSet,
            payload: Set(payload),
            created_at: Set(Utc::now()),
        }
        .insert(connection)
        .await
        .map_err(repo_error)?;
        if connection.get_database_backend() == DbBackend::Postgres {
            connection
                .execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), row.id.to_string().into()],
                ))
                .await
                .map_err(repo_error)?;
        }
    }
    Ok(())
}

/// Records `events` in `txn`, commits it and wakes this process's relay.
pub(crate) async fn commit(db: &Database, txn: DatabaseTransaction, events: &[Event]) -> RepoResult<()> {
    record(&txn, events).await?;
    txn.commit().await.map_err(repo_error)?;
    if !events.is_empty() {
        db.events_committed();
    }
    Ok(())
}

/// Reads an outbox payload back.
pub(crate) fn decode(payload: &str) -> Result<Event, serde_json::Error> {
    serde_json::from_str(payload)
}
