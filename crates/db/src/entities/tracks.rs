//! The `tracks` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tracks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub short_id: String,
    pub slug: String,
    pub slug_type: String,
    pub title: String,
    pub project_id: Uuid,
    pub artist_space_id: Uuid,
    pub owner_id: Uuid,
    pub status: String,
    pub is_public: bool,
    pub file_versions: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
