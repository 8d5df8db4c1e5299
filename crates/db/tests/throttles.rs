//! The shared throttles on a fresh database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`):
//! two repositories on one database stand for two replicas.

use backline_application::ports::{LoginThrottle, RateLimiter};
use backline_db::testing::TestDatabase;
use backline_db::{Database, SqlThrottle};
use chrono::{Duration, Utc};

/// A fresh migrated database and its pool, the guard first so that it drops after the pool
/// (a tuple's bindings drop last first).
async fn database() -> anyhow::Result<(TestDatabase, Database)> {
    let fresh = TestDatabase::new().await?;
    let db = Database::connect(fresh.url()).await?;
    db.migrate_up().await?;
    Ok((fresh, db))
}

#[tokio::test]
async fn failures_counted_by_one_replica_lock_out_at_another() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let a = SqlThrottle::new(db.clone(), 3, Duration::minutes(10));
    let b = SqlThrottle::new(db.clone(), 3, Duration::minutes(10));
    let keys = vec!["account:a@example.com".to_owned(), "ip:10.0.0.1".to_owned()];
    let start = Utc::now();
    // Three attempts, each a failure (never reported a success).
    for replica in [&a, &b, &a] {
        assert!(replica.attempt(&keys, start).await?.is_ok());
    }
    let wait = b.attempt(&keys, start + Duration::minutes(1)).await?;
    assert!(
        matches!(wait, Err(seconds) if (500..=540).contains(&seconds)),
        "{wait:?}"
    );
    // Another account from another address is not affected.
    let other = vec!["account:b@example.com".to_owned()];
    let allowed = b.attempt(&other, start).await?;
    let Ok(allowed) = allowed else {
        anyhow::bail!("another account was refused");
    };
    b.succeeded(allowed, &other[0]).await?;
    // The window passes.
    assert!(a.attempt(&keys, start + Duration::minutes(11)).await?.is_ok());
    Ok(())
}

#[tokio::test]
async fn parallel_guesses_are_counted_as_they_arrive() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let throttle = SqlThrottle::new(db, 5, Duration::minutes(15));
    let keys = vec!["account:c@example.com".to_owned()];
    let now = Utc::now();
    let guesses = (0..12).map(|_| {
        let throttle = throttle.clone();
        let keys = keys.clone();
        async move { throttle.attempt(&keys, now).await }
    });
    let results = futures::future::join_all(guesses).await;
    let let_through = results.iter().filter(|result| matches!(result, Ok(Ok(_)))).count();
    assert!(
        let_through <= 5,
        "at most the limit reach the password check: {let_through}"
    );
    assert!(let_through >= 1);
    Ok(())
}

#[tokio::test]
async fn a_success_forgets_its_attempt_and_the_accounts_failures() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
    let throttle = SqlThrottle::new(db, 2, Duration::minutes(15));
    let keys = vec!["account:d@example.com".to_owned(), "ip:10.0.0.9".to_owned()];
    let now = Utc::now();
    assert!(throttle.attempt(&keys, now).await?.is_ok(), "a failure");
    let Ok(good) = throttle.attempt(&keys, now).await? else {
        anyhow::bail!("the second attempt was refused");
    };
    throttle.succeeded(good, &keys[0]).await?;
    // The account starts over; the address keeps its one failure (not the success).
    assert!(throttle.attempt(&keys[..1], now).await?.is_ok());
    assert!(
        throttle.attempt(&keys[1..], now).await?.is_ok(),
        "the address has two now"
    );
    assert!(
        throttle.attempt(&keys[1..], now).await?.is_err(),
        "three is one too many"
    );
    Ok(())
}

#[tokio::test]
async fn rate_windows_are_shared_and_end() -> anyhow::Result<()> {
    let (_fresh, db) = database().await?;
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
