//! Aliases of artist spaces.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, index, name, string, timestamp, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000010_artist_aliases"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("artist_aliases"))
                    .col(uuid_pk("id"))
                    .col(uuid("artist_space_id"))
                    .col(string("name"))
                    .col(string("slug"))
                    .col(string("status"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .foreign_key(&mut cascade("artist_aliases", "artist_space_id", "artist_spaces"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("artist_aliases", &["slug"], true)).await?;
        manager
            .create_index(index("artist_aliases", &["artist_space_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("artist_aliases")).if_exists().to_owned())
            .await
    }
}
