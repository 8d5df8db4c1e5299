//! In-app notifications.

use sea_orm_migration::prelude::*;

use crate::columns::{
    boolean, cascade, index, name, string, string_null, timestamp, timestamp_null, uuid, uuid_null, uuid_pk,
};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000005_notifications"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("notifications"))
                    .col(uuid_pk("id"))
                    .col(string("kind"))
                    .col(uuid_null("sender_id"))
                    .col(uuid("recipient_id"))
                    .col(string("title"))
                    .col(string("slug"))
                    .col(uuid_null("pointer_id"))
                    .col(string_null("img"))
                    .col(boolean("is_read"))
                    .col(timestamp_null("read_at"))
                    .col(timestamp("created_at"))
                    .col(string_null("dedupe_key"))
                    .foreign_key(&mut cascade("notifications", "recipient_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("notifications", &["recipient_id", "is_read"], false))
            .await?;
        manager
            .create_index(index("notifications", &["dedupe_key"], true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("notifications")).if_exists().to_owned())
            .await
    }
}
