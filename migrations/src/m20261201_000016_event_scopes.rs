//! Who an outbox event concerns, so a subscriber that resumes reads only its own events: the
//! track (comment and track events) or the user (notifications, marks read, access and session
//! changes).

use sea_orm_migration::prelude::*;

use crate::columns::{index, name, uuid_null};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000016_event_scopes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["track_id", "user_id"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("event_outbox"))
                        .add_column(uuid_null(column))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(index("event_outbox", &[column, "id"], false))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in ["track_id", "user_id"] {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("ix_event_outbox_{column}_id"))
                        .table(name("event_outbox"))
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(name("event_outbox"))
                        .drop_column(name(column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
