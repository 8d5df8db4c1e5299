//! Documents of artist spaces (press kits as PDF or ZIP).

use sea_orm_migration::prelude::*;

use crate::columns::{big_integer, cascade, index, name, string, timestamp, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000014_documents"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("documents"))
                    .col(uuid_pk("id"))
                    .col(uuid("artist_space_id"))
                    .col(uuid("owner_id"))
                    .col(string("name"))
                    .col(string("content_type"))
                    .col(big_integer("size"))
                    .col(string("sha256"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut cascade("documents", "artist_space_id", "artist_spaces"))
                    .foreign_key(&mut cascade("documents", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("documents", &["artist_space_id"], false))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(name("documents")).if_exists().to_owned())
            .await
    }
}
