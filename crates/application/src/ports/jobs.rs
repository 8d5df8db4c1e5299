//! Durable background jobs.

use backline_domain::ids::JobId;
use chrono::{DateTime, Utc};

use super::RepoResult;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// Analyse an audio file (subject: the file id).
    AnalyzeFile,
}

impl JobKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::AnalyzeFile => "ANALYZE_FILE",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "ANALYZE_FILE" => Some(JobKind::AnalyzeFile),
            _ => None,
        }
    }
}

/// A claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// What to do.
    pub kind: JobKind,
    /// What to do it to.
    pub subject: uuid::Uuid,
    /// Tries so far, this one included.
    pub attempts: i32,
}

/// A queue of jobs kept in the database, so they survive restarts and several server replicas
/// share them.
///
/// # Errors
/// Every method fails with [`RepoError::Unknown`](super::RepoError::Unknown) when the store
/// fails.
#[async_trait::async_trait]
pub trait JobQueue: Send + Sync + 'static {
    /// Queues a job to run at `run_at`.
    async fn enqueue(&self, kind: JobKind, subject: uuid::Uuid, run_at: DateTime<Utc>) -> RepoResult<JobId>;
    /// Claims one due job for `lease` (no other worker gets it until then, or until it is
    /// finished), counting the attempt. A job whose lease ran out (its worker died) is due again.
    async fn claim(&self, now: DateTime<Utc>, lease: chrono::Duration) -> RepoResult<Option<Job>>;
    /// The job succeeded; it is removed.
    async fn complete(&self, id: JobId) -> RepoResult<()>;
    /// The job failed but may succeed later: it becomes due again at `run_at`.
    async fn retry(&self, id: JobId, run_at: DateTime<Utc>, error: &str) -> RepoResult<()>;
    /// The job failed for good; it is kept, marked failed, with the reason.
    async fn fail(&self, id: JobId, error: &str) -> RepoResult<()>;
    /// Jobs not yet finished (waiting or running).
    async fn pending(&self) -> RepoResult<u64>;
    /// When a job next becomes due: the earliest `run_at` of a waiting job or the end of a
    /// running job's lease; `None` when none is waiting or running.
    async fn next_due(&self) -> RepoResult<Option<DateTime<Utc>>>;
}
