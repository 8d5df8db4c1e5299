//! GraphQL documents registered by their SHA-256 (automatic persisted queries), shared by every
//! replica.

use sea_orm_migration::prelude::*;

use crate::columns::{index, name, string, text, timestamp};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261201_000017_persisted_queries"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("persisted_queries"))
                    .col(string("hash").primary_key())
                    .col(text("document"))
                    .col(timestamp("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("persisted_queries", &["created_at"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("persisted_queries")).if_exists().to_owned())
            .await
    }
}
