//! Translating sea-orm errors into the ports' `RepoError`.

use backline_application::ports::RepoError;
use sea_orm::{DbErr, SqlErr};

/// Which field a unique-constraint message is about. Index names (`uq_<table>_<columns>`)
/// and SQLite's `table.column` messages both name the columns.
fn duplicate_field(message: &str) -> &'static str {
    if message.contains("short_id") {
        "shortId"
    } else if message.contains("slug") {
        "slug"
    } else if message.contains("email") {
        "email"
    } else if message.contains("username") {
        "username"
    } else if message.contains("resource_id") || message.contains("user_id") {
        "userId"
    } else {
        "value"
    }
}

/// Maps a database error: unique violations become `Duplicate`, missing rows `NotFound`,
/// everything else `Unknown`.
pub(crate) fn repo_error(error: DbErr) -> RepoError {
    if let Some(SqlErr::UniqueConstraintViolation(message)) = error.sql_err() {
        return RepoError::Duplicate(duplicate_field(&message));
    }
    match error {
        DbErr::RecordNotFound(_) | DbErr::RecordNotUpdated => RepoError::NotFound,
        other => RepoError::Unknown(anyhow::Error::new(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_clashing_field_on_both_backends() {
        assert_eq!(
            duplicate_field("UNIQUE constraint failed: artist_spaces.short_id"),
            "shortId"
        );
        assert_eq!(
            duplicate_field("duplicate key value violates unique constraint \"uq_projects_artist_space_id_slug\""),
            "slug"
        );
        assert_eq!(duplicate_field("UNIQUE constraint failed: users.email"), "email");
        assert_eq!(duplicate_field("uq_users_username_key"), "username");
        assert_eq!(
            duplicate_field("UNIQUE constraint failed: collaborators.resource_id, collaborators.user_id"),
            "userId"
        );
    }
}
