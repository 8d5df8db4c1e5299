//! Translating sea-orm errors into the ports' `RepoError`.

use backline_application::ports::{RepoError, Unique};
use sea_orm::{DbErr, SqlErr};

/// Which uniqueness rule a unique-constraint message is about. Index names
/// (`uq_<table>_<columns>`) and SQLite's `table.column` messages both name the columns.
fn broken_rule(message: &str) -> Unique {
    // One pending invitation per resource and address: PostgreSQL names the partial index,
    // SQLite its columns (which mention `email`, so this comes first).
    if message.contains("uq_invitations_pending") || message.contains("invitations.resource_id") {
        Unique::Membership
    } else if message.contains("short_id") {
        Unique::ShortId
    } else if message.contains("slug") {
        Unique::Slug
    } else if message.contains("email") {
        Unique::Email
    } else if message.contains("username") {
        Unique::Username
    } else if message.contains("resource_id") || message.contains("user_id") {
        Unique::Membership
    } else if message.contains("code") {
        Unique::Code
    } else {
        Unique::Other
    }
}

/// Maps a database error: unique violations become `Duplicate`, missing rows `NotFound`,
/// everything else `Unknown`.
pub(crate) fn repo_error(error: DbErr) -> RepoError {
    if let Some(SqlErr::UniqueConstraintViolation(message)) = error.sql_err() {
        return RepoError::Duplicate(broken_rule(&message));
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
    fn names_the_broken_rule_on_both_backends() {
        assert_eq!(
            broken_rule("UNIQUE constraint failed: artist_spaces.short_id"),
            Unique::ShortId
        );
        assert_eq!(
            broken_rule("duplicate key value violates unique constraint \"uq_projects_artist_space_id_slug\""),
            Unique::Slug
        );
        assert_eq!(broken_rule("UNIQUE constraint failed: users.email"), Unique::Email);
        assert_eq!(broken_rule("uq_users_username_key"), Unique::Username);
        assert_eq!(
            broken_rule("UNIQUE constraint failed: collaborators.resource_id, collaborators.user_id"),
            Unique::Membership
        );
        assert_eq!(
            broken_rule("UNIQUE constraint failed: invitations.resource_id, invitations.email"),
            Unique::Membership
        );
        assert_eq!(
            broken_rule("duplicate key value violates unique constraint \"uq_invitations_pending\""),
            Unique::Membership
        );
    }
}
