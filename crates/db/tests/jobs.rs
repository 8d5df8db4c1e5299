//! The durable job queue on a fresh database (SQLite, or PostgreSQL with `TEST_DATABASE_URL`).

use std::collections::HashSet;

use backline_application::ports::{JobKind, JobQueue};
use backline_db::testing::TestDatabase;
use backline_db::{Database, SqlJobQueue};
use chrono::{Duration, Utc};
use uuid::Uuid;

async fn queue() -> anyhow::Result<(TestDatabase, SqlJobQueue)> {
    let fresh = TestDatabase::new().await?;
    let db = Database::connect(fresh.url()).await?;
    db.migrate_up().await?;
    Ok((fresh, SqlJobQueue::new(db)))
}

#[tokio::test]
async fn claims_due_jobs_once_and_takes_over_expired_leases() -> anyhow::Result<()> {
    let (_fresh, jobs) = queue().await?;
    let now = Utc::now();
    let lease = Duration::minutes(10);
    let (first, second, later) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    jobs.enqueue(JobKind::AnalyzeFile, first, now - Duration::seconds(2))
        .await?;
    jobs.enqueue(JobKind::AnalyzeFile, second, now - Duration::seconds(1))
        .await?;
    jobs.enqueue(JobKind::AnalyzeFile, later, now + Duration::hours(1))
        .await?;
    assert_eq!(jobs.pending().await?, 3);

    let claimed = jobs
        .claim(now, lease)
        .await?
        .ok_or_else(|| anyhow::anyhow!("nothing due"))?;
    assert_eq!(
        (claimed.subject, claimed.attempts, claimed.kind),
        (first, 1, JobKind::AnalyzeFile)
    );
    let next = jobs
        .claim(now, lease)
        .await?
        .ok_or_else(|| anyhow::anyhow!("nothing due"))?;
    assert_eq!(
        next.subject, second,
        "oldest due first; a leased job is not handed out twice"
    );
    assert_eq!(jobs.claim(now, lease).await?, None, "the third is not due");

    // A worker that died: its lease runs out and another takes the job, counting the attempt.
    let after_lease = now + lease + Duration::seconds(1);
    let retaken = jobs
        .claim(after_lease, lease)
        .await?
        .ok_or_else(|| anyhow::anyhow!("lease did not expire"))?;
    assert_eq!((retaken.subject, retaken.attempts), (first, 2));

    jobs.retry(retaken.id, after_lease + Duration::minutes(5), "blob store timed out")
        .await?;
    jobs.complete(next.id).await?;
    jobs.fail(retaken.id, "gave up").await?;
    assert_eq!(
        jobs.claim(after_lease + Duration::hours(2), lease)
            .await?
            .map(|job| job.subject),
        Some(later)
    );
    assert_eq!(
        jobs.claim(after_lease + Duration::hours(2) + Duration::minutes(1), lease)
            .await?,
        None,
        "failed jobs stay failed, and the one just claimed is leased"
    );
    assert_eq!(jobs.pending().await?, 1, "only the running one is unfinished");
    Ok(())
}

#[tokio::test]
async fn concurrent_workers_never_share_a_job() -> anyhow::Result<()> {
    let (_fresh, jobs) = queue().await?;
    let now = Utc::now();
    for _ in 0..12 {
        jobs.enqueue(JobKind::AnalyzeFile, Uuid::now_v7(), now - Duration::seconds(1))
            .await?;
    }
    let claims = (0..16).map(|_| jobs.claim(now, Duration::minutes(10)));
    let mut seen = HashSet::new();
    let mut claimed = 0;
    for result in futures::future::join_all(claims).await {
        if let Some(job) = result? {
            claimed += 1;
            assert!(seen.insert(job.id), "job {} was handed out twice", job.id);
        }
    }
    assert_eq!(claimed, 12);
    Ok(())
}

#[tokio::test]
async fn retried_jobs_wait_for_their_time() -> anyhow::Result<()> {
    let (_fresh, jobs) = queue().await?;
    let now = Utc::now();
    jobs.enqueue(JobKind::AnalyzeFile, Uuid::now_v7(), now).await?;
    let job = jobs
        .claim(now, Duration::minutes(1))
        .await?
        .ok_or_else(|| anyhow::anyhow!("nothing due"))?;
    jobs.retry(job.id, now + Duration::seconds(30), "try again").await?;
    assert_eq!(
        jobs.claim(now + Duration::seconds(29), Duration::minutes(1)).await?,
        None
    );
    let again = jobs.claim(now + Duration::seconds(31), Duration::minutes(1)).await?;
    assert_eq!(again.map(|job| job.attempts), Some(2));
    Ok(())
}

#[tokio::test]
async fn the_next_due_time_is_the_earliest_wait_or_lease_end() -> anyhow::Result<()> {
    let (_fresh, jobs) = queue().await?;
    assert_eq!(jobs.next_due().await?, None, "an empty queue");
    let now = Utc::now();
    let later = now + Duration::seconds(30);
    let first = jobs.enqueue(JobKind::AnalyzeFile, Uuid::now_v7(), later).await?;
    let due = jobs.next_due().await?.ok_or_else(|| anyhow::anyhow!("a job waits"))?;
    assert!((due - later).num_milliseconds().abs() < 1, "{due} against {later}");
    jobs.enqueue(JobKind::AnalyzeFile, Uuid::now_v7(), now).await?;
    let claimed = jobs
        .claim(now, Duration::seconds(10))
        .await?
        .ok_or_else(|| anyhow::anyhow!("the due job is claimed"))?;
    let due = jobs.next_due().await?.ok_or_else(|| anyhow::anyhow!("jobs are open"))?;
    let lease_end = now + Duration::seconds(10);
    assert!(
        (due - lease_end).num_milliseconds().abs() < 1,
        "the lease ends first: {due}"
    );
    jobs.fail(claimed.id, "gone").await?;
    jobs.complete(first).await?;
    assert_eq!(jobs.next_due().await?, None, "failed jobs are not due");
    Ok(())
}
