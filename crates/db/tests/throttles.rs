//! The shared throttles on a fresh database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`):
//! two repositories on one database stand for two replicas.

use backline_application::ports::{LoginThrottle, RateLimiter};
use backline_db::testing::fresh_database_url;
use backline_db::{Database, SqlThrottle};
use chrono::{Duration, Utc};

async fn database() -> anyhow::Result<Database> {
    let db = Database::connect(&fresh_database_url().await?).await?;
    db.migrate_up().await?;
    Ok(db)
}

#[tokio::test]
async fn failures_counted_by_one_replica_lock_out_at_another() -> anyhow::Result<()> {
    let db = database().await?;
    let a = SqlThrottle::new(db.clone(), 3, Duration::minutes(10));
    let b = SqlThrottle::new(db.clone(), 3, Duration::minutes(10));
    let keys = vec!["account:a@example.com".to_owned(), "ip:10.0.0.1".to_owned()];
    let start = Utc::now();
    for replica in [&a, &b, &a] {
        assert_eq!(replica.check(&keys, start).await?, Ok(()));
        replica.record_failure(&keys, start).await?;
    }
    let wait = b.check(&keys, start + Duration::minutes(1)).await?;
    assert!(
        matches!(wait, Err(seconds) if (500..=540).contains(&seconds)),
        "{wait:?}"
    );
    // Another account from another address is not affected.
    assert_eq!(b.check(&["account:b@example.com".to_owned()], start).await?, Ok(()));
    // The window passes.
    assert_eq!(a.check(&keys, start + Duration::minutes(11)).await?, Ok(()));
    // A success forgets the account's failures (not the address's).
    a.reset(&keys[0]).await?;
    assert_eq!(a.check(&keys[..1], start).await?, Ok(()));
    assert!(a.check(&keys[1..], start).await?.is_err());
    Ok(())
}

#[tokio::test]
async fn rate_windows_are_shared_and_end() -> anyhow::Result<()> {
    let db = database().await?;
    let a = SqlThrottle::new(db.clone(), 5, Duration::minutes(15));
    let b = SqlThrottle::new(db.clone(), 5, Duration::minutes(15));
    let minute = Duration::minutes(1);
    let now = Utc::now();
    assert_eq!(a.hit("user:1", 3, 5, minute, now).await?, Ok(()));
    assert_eq!(b.hit("user:1", 2, 5, minute, now).await?, Ok(()));
    let refused = a.hit("user:1", 1, 5, minute, now).await?;
    assert!(
        matches!(refused, Err(seconds) if (1..=60).contains(&seconds)),
        "{refused:?}"
    );
    assert_eq!(b.hit("user:2", 1, 5, minute, now).await?, Ok(()), "per key");
    assert_eq!(
        b.hit("user:1", 1, 5, minute, now + minute).await?,
        Ok(()),
        "the next window"
    );
    // Concurrent hits from both replicas are all counted.
    let hits = (0..20).map(|n| {
        let throttle = if n % 2 == 0 { a.clone() } else { b.clone() };
        async move { throttle.hit("user:3", 1, 10, minute, now).await }
    });
    let results = futures::future::join_all(hits).await;
    let allowed = results.iter().filter(|result| matches!(result, Ok(Ok(())))).count();
    assert_eq!(allowed, 10, "{results:?}");
    a.prune(now + Duration::hours(1)).await?;
    assert_eq!(a.hit("user:3", 1, 10, minute, now).await?, Ok(()), "pruned");
    Ok(())
}
