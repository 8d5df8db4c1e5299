//! Column and index helpers shared by the migrations.

use sea_orm_migration::prelude::*;

pub(crate) fn name(value: &str) -> Alias {
    Alias::new(value)
}

pub(crate) fn uuid_pk(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).uuid().not_null().primary_key().to_owned()
}

pub(crate) fn uuid(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).uuid().not_null().to_owned()
}

pub(crate) fn string(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).string().not_null().to_owned()
}

pub(crate) fn string_null(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).string().null().to_owned()
}

pub(crate) fn text_null(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).text().null().to_owned()
}

pub(crate) fn text(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).text().not_null().to_owned()
}

pub(crate) fn boolean(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).boolean().not_null().to_owned()
}

pub(crate) fn big_integer(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).big_integer().not_null().to_owned()
}

pub(crate) fn timestamp(column: &str) -> ColumnDef {
    ColumnDef::new(name(column))
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

pub(crate) fn timestamp_null(column: &str) -> ColumnDef {
    ColumnDef::new(name(column))
        .timestamp_with_time_zone()
        .null()
        .to_owned()
}

/// A foreign key from `table.column` to `target.id`, deleting with the parent.
pub(crate) fn cascade(table: &str, column: &str, target: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(name(table), name(column))
        .to(name(target), name("id"))
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

/// An index named `{prefix}_{table}_{columns}`, so constraint errors name the columns.
pub(crate) fn index(table: &str, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement
        .name(format!(
            "{}_{table}_{}",
            if unique { "uq" } else { "ix" },
            columns.join("_")
        ))
        .table(name(table));
    for column in columns {
        statement.col(name(column));
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

pub(crate) fn integer(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).integer().not_null().to_owned()
}

pub(crate) fn double_null(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).double().null().to_owned()
}

pub(crate) fn uuid_null(column: &str) -> ColumnDef {
    ColumnDef::new(name(column)).uuid().null().to_owned()
}
