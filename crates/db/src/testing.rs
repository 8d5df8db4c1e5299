//! Fresh databases for tests: each test gets its own SQLite file, or, when `TEST_DATABASE_URL`
//! names a PostgreSQL server, its own new database on it (`backline_test_<uuid>`). Each is a
//! copy of a template migrated once per set of migrations (`backline_template_<hash>`), so no
//! test waits for the migrations. A test holds its database as a [`TestDatabase`], which
//! removes it when the test ends, failed or not (and `.ci/run` drops any a killed test run
//! left behind).

use std::path::PathBuf;

use sea_orm::ConnectionTrait;

/// Prefix of every database the tests create on PostgreSQL.
pub const TEST_DATABASE_PREFIX: &str = "backline_test_";
/// Prefix of the migrated templates they are copied from.
pub const TEMPLATE_PREFIX: &str = "backline_template_";

/// The template's name for the migrations this build has: a new or edited migration makes a
/// new one.
fn template_name() -> String {
    format!("{TEMPLATE_PREFIX}{}", backline_migration::FINGERPRINT)
}

/// The template's name (PostgreSQL) or file (SQLite); made once per process, and once per
/// machine: the other processes find it.
static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// A test's own database, migrated: removed when this value is dropped, which is when the
/// test ends, passed or failed.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
}

impl TestDatabase {
    /// A new database with every migration applied.
    ///
    /// # Errors
    /// Fails when the PostgreSQL server named by `TEST_DATABASE_URL` refuses to create a
    /// database, or the template cannot be migrated.
    pub async fn new() -> anyhow::Result<Self> {
        Ok(Self {
            url: fresh_database_url().await?,
        })
    }

    /// Its URL, for a server's `DATABASE_URL` or `Database::connect`.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let url = std::mem::take(&mut self.url);
        // Drop cannot await, and may run inside the test's runtime: a thread with its own
        // runtime removes the database, and the test ends once it is gone.
        let removed = std::thread::spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(drop_database(&url))
        })
        .join();
        match removed {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("a test database was not removed: {error:#}"),
            Err(_) => eprintln!("a test database was not removed: the thread removing it panicked"),
        }
    }
}

/// A URL for a new database with every migration applied; [`TestDatabase`] removes it again.
async fn fresh_database_url() -> anyhow::Result<String> {
    let name = format!("{TEST_DATABASE_PREFIX}{}", uuid::Uuid::now_v7().simple());
    match admin_url() {
        Some(admin) => {
            let template = TEMPLATE.get_or_try_init(|| postgres_template(&admin)).await?;
            let admin_db = sea_orm::Database::connect(admin.as_str()).await?;
            // A template copied by another test at this moment is briefly "in use": try again.
            let mut tries = 0;
            loop {
                let created = admin_db
                    .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .await;
                match created {
                    Ok(_) => break,
                    Err(error) if tries < 50 && error.to_string().contains("being accessed") => {
                        tries += 1;
                        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    }
                    Err(error) => return Err(error.into()),
                }
            }
            admin_db.close().await?;
            postgres_url(&admin, &name)
        }
        None => {
            let template = TEMPLATE.get_or_try_init(sqlite_template).await?;
            let path = std::env::temp_dir().join(format!("{name}.db"));
            std::fs::copy(template, &path)?;
            Ok(format!("sqlite://{}?mode=rwc", path.display()))
        }
    }
}

/// Removes a database [`TestDatabase`] made (others are left alone).
///
/// # Errors
/// Fails when the PostgreSQL server refuses to drop it.
async fn drop_database(url: &str) -> anyhow::Result<()> {
    if url.starts_with("postgres") {
        let parsed = url::Url::parse(url)?;
        let name = parsed.path().trim_start_matches('/');
        if !name.starts_with(TEST_DATABASE_PREFIX) || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Ok(());
        }
        if let Some(admin) = admin_url() {
            let admin_db = sea_orm::Database::connect(admin.as_str()).await?;
            admin_db
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            admin_db.close().await?;
        }
        return Ok(());
    }
    let path = url
        .trim_start_matches("sqlite://")
        .split('?')
        .next()
        .map(PathBuf::from)
        .unwrap_or_default();
    let is_ours = path
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with(TEST_DATABASE_PREFIX));
    if is_ours {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
    Ok(())
}

/// `TEST_DATABASE_URL` when it names a PostgreSQL server.
fn admin_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
}

fn postgres_url(admin: &str, name: &str) -> anyhow::Result<String> {
    let mut url = url::Url::parse(admin)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// Makes the PostgreSQL template unless it exists, one process at a time (advisory lock).
async fn postgres_template(admin: &str) -> anyhow::Result<String> {
    use sea_orm::sqlx::{Connection, Executor, Row};
    /// The lock test processes take turns under while one makes the template.
    const TEMPLATE_LOCK: i64 = 0x7465_6d70_6c61_7465; // "template"
    // Our own names (a prefix and hex digits): safe to write into the statements below.
    let name = template_name();
    let mut holder = sea_orm::sqlx::PgConnection::connect(admin).await?;
    holder
        .execute(sea_orm::sqlx::query("SELECT pg_advisory_lock($1)").bind(TEMPLATE_LOCK))
        .await?;
    let exists = holder
        .fetch_optional(sea_orm::sqlx::query("SELECT 1 AS found FROM pg_database WHERE datname = $1").bind(&name))
        .await?
        .map(|row| row.get::<i32, _>("found"))
        .is_some();
    if !exists {
        let building = format!("{name}_building");
        let drop = format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)");
        holder
            .execute(sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(drop)))
            .await?;
        let create = format!("CREATE DATABASE {building}");
        holder
            .execute(sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(create)))
            .await?;
        let database = crate::Database::connect(&postgres_url(admin, &building)?).await?;
        database.migrate_up().await?;
        database.close().await?;
        let rename = format!("ALTER DATABASE {building} RENAME TO {name}");
        holder
            .execute(sea_orm::sqlx::query(sea_orm::sqlx::AssertSqlSafe(rename)))
            .await?;
    }
    holder.close().await?;
    Ok(name)
}

/// Makes the SQLite template file unless it exists, one process at a time (a file lock).
async fn sqlite_template() -> anyhow::Result<String> {
    let folder = std::env::temp_dir();
    let path = folder.join(format!("{}.db", template_name()));
    let lock_path = folder.join(format!("{}.lock", template_name()));
    let lock = tokio::task::spawn_blocking(move || -> anyhow::Result<std::fs::File> {
        let lock = std::fs::File::create(lock_path)?;
        lock.lock()?;
        Ok(lock)
    })
    .await??;
    if !path.exists() {
        let building = folder.join(format!(
            "{}-{}.building.db",
            template_name(),
            uuid::Uuid::now_v7().simple()
        ));
        let database = crate::Database::connect(&format!("sqlite://{}?mode=rwc", building.display())).await?;
        database.migrate_up().await?;
        // One self-contained file (no write-ahead log beside it) to copy.
        let staged = folder.join(format!("{}.staged.db", template_name()));
        let _ = std::fs::remove_file(&staged);
        database
            .conn()
            .execute_unprepared(&format!("VACUUM INTO '{}'", staged.display()))
            .await?;
        database.close().await?;
        std::fs::rename(&staged, &path)?;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
        }
    }
    drop(lock);
    Ok(path.display().to_string())
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
    let txn = db.begin().await?;
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

/// The connection under `db`, for tests that step through migrations or write rows in a
/// schema older than the entities know.
pub fn connection(db: &crate::Database) -> &sea_orm::DatabaseConnection {
    db.conn()
}
