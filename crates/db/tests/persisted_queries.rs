//! Persisted GraphQL documents on a fresh database: shared by two stores (two replicas),
//! registered once, and kept to a bound.

use backline_application::ports::PersistedQueryStore;
use backline_db::testing::TestDatabase;
use backline_db::{Database, SqlPersistedQueries};

#[tokio::test]
async fn documents_are_shared_registered_once_and_bounded() -> anyhow::Result<()> {
    let fresh = TestDatabase::new().await?;
    let db = Database::connect(fresh.url()).await?;
    db.migrate_up().await?;
    let (a, b) = (
        SqlPersistedQueries::new(db.clone()),
        SqlPersistedQueries::new(db.clone()),
    );
    assert_eq!(a.get("h1").await?, None);
    a.put("h1", "{ a }").await?;
    a.put("h1", "{ a }").await?;
    b.put("h1", "{ a }").await?;
    assert_eq!(
        b.get("h1").await?.as_deref(),
        Some("{ a }"),
        "registered through A, read through B"
    );
    for n in 2..=5 {
        b.put(&format!("h{n}"), "{ b }").await?;
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    a.prune(2).await?;
    let fresh = SqlPersistedQueries::new(db);
    assert_eq!(fresh.get("h1").await?, None, "the oldest went");
    assert!(fresh.get("h5").await?.is_some(), "the newest stays");
    Ok(())
}
