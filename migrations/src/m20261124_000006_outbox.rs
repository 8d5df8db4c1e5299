//! The event outbox, and per-user notification settings with email digests.

use sea_orm_migration::prelude::*;

use crate::columns::{boolean, cascade, index, name, string, text, timestamp, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000006_outbox"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Events written in the same transaction as the change they report; the relay of every
        // process reads them after the commit. Ids only grow (AUTOINCREMENT on SQLite, a
        // sequence on PostgreSQL).
        manager
            .create_table(
                Table::create()
                    .table(name("event_outbox"))
                    .col(
                        ColumnDef::new(name("id"))
                            .big_integer()
                            .not_null()
                            .auto_increment()
                            .primary_key(),
                    )
                    .col(text("payload"))
                    .col(timestamp("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("event_outbox", &["created_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("notification_settings"))
                    .col(uuid_pk("id"))
                    .col(uuid("user_id"))
                    .col(string("kind"))
                    .col(boolean("in_app"))
                    .col(boolean("email"))
                    .foreign_key(&mut cascade("notification_settings", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("notification_settings", &["user_id", "kind"], true))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("notification_digests"))
                    .col(uuid_pk("user_id"))
                    .col(timestamp("sent_at"))
                    .foreign_key(&mut cascade("notification_digests", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        // SQLite takes one added column per statement.
        for (column, default) in [("in_app", true), ("email_pending", false)] {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("notifications"))
                        .add_column(ColumnDef::new(name(column)).boolean().not_null().default(default))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(index("notifications", &["email_pending"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_notifications_email_pending")
                    .table(name("notifications"))
                    .to_owned(),
            )
            .await?;
        for column in ["email_pending", "in_app"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(name("notifications"))
                        .drop_column(name(column))
                        .to_owned(),
                )
                .await?;
        }
        for table in ["notification_digests", "notification_settings", "event_outbox"] {
            manager
                .drop_table(Table::drop().table(name(table)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}
