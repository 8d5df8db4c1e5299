//! The outbox read back for subscribers that resume from a position.

use backline_application::ports::{Event, EventLog, EventPosition, EventScope, RepoError, RepoResult};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::decode;
use crate::Database;
use crate::entities::event_outbox;
use crate::error::repo_error;

/// The outbox on SQLite or PostgreSQL, as an [`EventLog`].
#[derive(Clone)]
pub struct SqlEventLog {
    db: Database,
}

impl SqlEventLog {
    /// The log of `db`'s outbox.
    pub fn new(db: Database) -> Self {
        Self { db }
    }
}

#[async_trait::async_trait]
impl EventLog for SqlEventLog {
    async fn after(
        &self,
        scope: EventScope,
        after: EventPosition,
        limit: u64,
    ) -> RepoResult<Vec<(EventPosition, Event)>> {
        let scoped = match scope {
            EventScope::Track(track) => event_outbox::Column::TrackId.eq(track.0),
            EventScope::User(user) => event_outbox::Column::UserId.eq(user.0),
        };
        let rows = event_outbox::Entity::find()
            .filter(scoped)
            .filter(event_outbox::Column::Id.gt(after.0))
            .order_by_asc(event_outbox::Column::Id)
            .limit(limit)
            .all(self.db.conn())
            .await
            .map_err(repo_error)?;
        rows.into_iter()
            .map(|row| {
                decode(&row.payload)
                    .map(|event| (EventPosition(row.id), event))
                    .map_err(|error| RepoError::Unknown(error.into()))
            })
            .collect()
    }

    async fn bounds(&self) -> RepoResult<Option<(EventPosition, EventPosition)>> {
        let bounds = event_outbox::Entity::find()
            .select_only()
            .column_as(event_outbox::Column::Id.min(), "first")
            .column_as(event_outbox::Column::Id.max(), "last")
            .into_tuple::<(Option<i64>, Option<i64>)>()
            .one(self.db.conn())
            .await
            .map_err(repo_error)?;
        Ok(match bounds {
            Some((Some(first), Some(last))) => Some((EventPosition(first), EventPosition(last))),
            _ => None,
        })
    }
}
