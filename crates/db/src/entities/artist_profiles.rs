//! The `artist_profiles` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "artist_profiles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub artist_space_id: Uuid,
    pub about: Option<String>,
    pub socials: String,
    pub press_kits: String,
    pub visuals: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
