//! Media: files (track versions) with their analysis, images, the per-track version counter,
//! and the durable job queue.

use sea_orm_migration::prelude::*;

use crate::columns::{
    big_integer, boolean, cascade, index, integer, name, string, string_null, text_null, timestamp, timestamp_null,
    uuid, uuid_pk,
};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261123_000003_media"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The last version number handed out on each track; versions are never reused.
        manager
            .alter_table(
                Table::alter()
                    .table(name("tracks"))
                    .add_column(ColumnDef::new(name("file_versions")).integer().not_null().default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(name("files"))
                    .col(uuid_pk("id"))
                    .col(string("name"))
                    .col(string("file_type"))
                    .col(string("content_type"))
                    .col(big_integer("size"))
                    .col(string("sha256"))
                    .col(integer("version"))
                    .col(boolean("is_final_version"))
                    .col(uuid("owner_id"))
                    .col(uuid("artist_space_id"))
                    .col(uuid("project_id"))
                    .col(uuid("track_id"))
                    .col(string("blob_key"))
                    .col(string("analysis_status"))
                    .col(text_null("analysis_error"))
                    .col(timestamp_null("analyzed_at"))
                    .col(text_null("metadata"))
                    .col(text_null("loudness"))
                    .col(string_null("waveform_key"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut cascade("files", "track_id", "tracks"))
                    .foreign_key(&mut cascade("files", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("files", &["track_id", "version"], true))
            .await?;
        manager.create_index(index("files", &["owner_id"], false)).await?;
        manager.create_index(index("files", &["project_id"], false)).await?;
        manager
            .create_index(index("files", &["artist_space_id"], false))
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(name("images"))
                    .col(uuid_pk("id"))
                    .col(uuid("owner_id"))
                    .col(string("target"))
                    .col(uuid("target_id"))
                    .col(string("content_type"))
                    .col(integer("width"))
                    .col(integer("height"))
                    .col(big_integer("size"))
                    .col(timestamp("created_at"))
                    .foreign_key(&mut cascade("images", "owner_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("images", &["target_id"], false)).await?;

        manager
            .create_table(
                Table::create()
                    .table(name("jobs"))
                    .col(uuid_pk("id"))
                    .col(string("kind"))
                    .col(uuid("subject"))
                    .col(string("status"))
                    .col(integer("attempts"))
                    .col(timestamp("run_at"))
                    .col(timestamp_null("locked_until"))
                    .col(text_null("last_error"))
                    .col(timestamp("created_at"))
                    .col(timestamp("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(index("jobs", &["status", "run_at"], false))
            .await?;
        manager.create_index(index("jobs", &["subject"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["jobs", "images", "files"] {
            manager
                .drop_table(Table::drop().table(name(table)).if_exists().to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(name("tracks"))
                    .drop_column(name("file_versions"))
                    .to_owned(),
            )
            .await
    }
}
