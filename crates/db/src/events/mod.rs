//! The event outbox. Repositories record each change's [`Event`] in the same transaction as the
//! change ([`record`]); after the commit, the [`EventRelay`] of every process sharing the
//! database reads new rows and publishes them to its local subscribers. A rolled-back change
//! leaves no row, so it emits nothing; a committed one is read by every relay even when the
//! process that wrote it died before it could wake its own.
//!
//! Outbox ids are the events' positions, and they follow commit order: on PostgreSQL a
//! transaction that records events takes one advisory lock first (held until its commit, a
//! moment later), so no event can become visible after one with a higher id; SQLite has a
//! single writer. A subscriber that saw position N and resumes anywhere ([`SqlEventLog`])
//! therefore gets exactly what followed N, with no gap and no duplicate.
//!
//! On PostgreSQL, [`record`] also calls `pg_notify` in the transaction, so PostgreSQL itself
//! wakes every listening process at commit time; polling remains as the safety net for
//! notifications lost while a listener reconnects. On SQLite the relay is woken in-process and
//! polls for writes made by other processes sharing the file.

mod log;
mod relay;

use backline_application::ports::{Event, RepoError, RepoResult};
use chrono::Utc;
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, Statement};

pub use log::SqlEventLog;
pub use relay::{EventRelay, RelayOptions};

use crate::Database;
use crate::entities::event_outbox;
use crate::error::repo_error;

/// The PostgreSQL channel the relays listen on.
pub(crate) const CHANNEL: &str = "backline_events";
/// The advisory lock that puts outbox ids in commit order on PostgreSQL.
const ORDER_LOCK: i64 = 0x6261_636B_6C69_6E65; // "backline"

/// Writes `events` to the outbox inside the caller's transaction (`connection`), which must
/// commit right after (see the module documentation for why).
pub(crate) async fn record<C: ConnectionTrait>(connection: &C, events: &[Event]) -> RepoResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    if connection.get_database_backend() == DbBackend::Postgres {
        connection
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock($1)",
                [ORDER_LOCK.into()],
            ))
            .await
            .map_err(repo_error)?;
    }
    let mut last = 0;
    for event in events {
        let payload = serde_json::to_string(event).map_err(|error| RepoError::Unknown(error.into()))?;
        let row = event_outbox::ActiveModel {
            id: NotSet,
            payload: Set(payload),
            created_at: Set(Utc::now()),
            track_id: Set(event.track().map(|track| track.0)),
            user_id: Set(event.user().map(|user| user.0)),
        }
        .insert(connection)
        .await
        .map_err(repo_error)?;
        last = row.id;
    }
    if connection.get_database_backend() == DbBackend::Postgres {
        // One wake-up per transaction: a relay reads every row after its position anyway.
        connection
            .execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_notify($1, $2)",
                [CHANNEL.into(), last.to_string().into()],
            ))
            .await
            .map_err(repo_error)?;
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
