//! Fresh databases for tests: each test gets its own SQLite file, or, when `TEST_DATABASE_URL`
//! names a PostgreSQL server, its own new database on it (`backline_test_<uuid>`; `.ci/run`
//! drops them afterwards).

use sea_orm::ConnectionTrait;

/// Prefix of every database the tests create on PostgreSQL.
pub const TEST_DATABASE_PREFIX: &str = "backline_test_";

/// A URL for a new, empty database.
///
/// # Errors
/// Fails when the PostgreSQL server named by `TEST_DATABASE_URL` refuses to create a database.
pub async fn fresh_database_url() -> anyhow::Result<String> {
    let name = format!("{TEST_DATABASE_PREFIX}{}", uuid::Uuid::now_v7().simple());
    match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| !url.trim().is_empty())
    {
        Some(admin) if admin.starts_with("postgres") => {
            let admin_db = sea_orm::Database::connect(admin.as_str()).await?;
            admin_db.execute_unprepared(&format!("CREATE DATABASE {name}")).await?;
            admin_db.close().await?;
            let mut url = url::Url::parse(&admin)?;
            url.set_path(&format!("/{name}"));
            Ok(url.to_string())
        }
        _ => {
            let path = std::env::temp_dir().join(format!("{name}.db"));
            Ok(format!("sqlite://{}?mode=rwc", path.display()))
        }
    }
}

/// Records `events` in a transaction on `db`, as a repository does, then commits it (`commit`)
/// or rolls it back. With `wake` false the committing process does not wake its own relay, as
/// when it dies right after the commit.
///
/// # Errors
/// Fails when the database does not answer.
pub async fn record_events(
    db: &crate::Database,
    events: &[backline_application::ports::Event],
    commit: bool,
    wake: bool,
) -> anyhow::Result<()> {
    use sea_orm::TransactionTrait;
    let txn = db.conn().begin().await?;
    crate::events::record(&txn, events).await?;
    if commit {
        txn.commit().await?;
        if wake {
            db.events_committed();
        }
    } else {
        txn.rollback().await?;
    }
    Ok(())
}
