//! One namespace for artist-space and alias slugs, enforced by the database: every space's slug
//! and every alias's slug holds a row here under one unique index, written in the same
//! transaction as the space or alias, so two concurrent requests can never both take a slug.
//! This index replaces the one on `artist_spaces.slug`: with two unique indexes taken in
//! different orders (a new space, a renamed space), concurrent requests could deadlock.

use sea_orm_migration::prelude::*;

use crate::columns::{cascade, index, name, string, uuid, uuid_pk};

pub(crate) struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261124_000013_space_slugs"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(name("space_slugs"))
                    // The space's id for its own slug, the alias's id for an alias.
                    .col(uuid_pk("id"))
                    .col(string("slug"))
                    .col(uuid("artist_space_id"))
                    .foreign_key(&mut cascade("space_slugs", "artist_space_id", "artist_spaces"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("space_slugs", &["slug"], true)).await?;
        manager
            .create_index(index("space_slugs", &["artist_space_id"], false))
            .await?;
        let spaces = Query::insert()
            .into_table(name("space_slugs"))
            .columns([name("id"), name("slug"), name("artist_space_id")])
            .select_from(
                Query::select()
                    .column(name("id"))
                    .column(name("slug"))
                    .expr(Expr::col(name("id")))
                    .from(name("artist_spaces"))
                    .to_owned(),
            )
            .map_err(|error| DbErr::Migration(error.to_string()))?
            .to_owned();
        manager.exec_stmt(spaces).await?;
        let aliases = Query::insert()
            .into_table(name("space_slugs"))
            .columns([name("id"), name("slug"), name("artist_space_id")])
            .select_from(
                Query::select()
                    .column(name("id"))
                    .column(name("slug"))
                    .column(name("artist_space_id"))
                    .from(name("artist_aliases"))
                    .to_owned(),
            )
            .map_err(|error| DbErr::Migration(error.to_string()))?
            .to_owned();
        manager.exec_stmt(aliases).await?;
        manager
            .drop_index(
                Index::drop()
                    .name("uq_artist_spaces_slug")
                    .table(name("artist_spaces"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("artist_spaces", &["slug"], false)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_artist_spaces_slug")
                    .table(name("artist_spaces"))
                    .to_owned(),
            )
            .await?;
        manager.create_index(index("artist_spaces", &["slug"], true)).await?;
        manager
            .drop_table(Table::drop().table(name("space_slugs")).if_exists().to_owned())
            .await
    }
}
