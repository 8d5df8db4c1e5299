//! Throttles shared by every replica: failed attempts (sign-ins, review-link passwords) kept as
//! a log per key, and fixed-window counters for rate limits (mutations per user).

use sea_orm_migration::prelude::*;

use crate::columns::{index, integer, name, string, timestamp, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000015_throttles"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("throttle_failures"))
                    .col(uuid_pk("id"))
                    .col(string("key"))
                    .col(timestamp("failed_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("throttle_failures", &["key", "failed_at"], false))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("rate_windows"))
                    .col(string("key"))
                    .col(timestamp("window_start"))
                    .col(integer("hits"))
                    .primary_key(Index::create().col(name("key")).col(name("window_start")))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("rate_windows", &["window_start"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("rate_windows")).if_exists().to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(name("throttle_failures")).if_exists().to_owned())
            .await
    }
}
