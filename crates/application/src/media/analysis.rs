//! The analysis worker's unit of work: claim one job, analyse the file, record the outcome.

use backline_domain::ids::FileId;
use backline_domain::media::{Analysis, AnalysisStatus, MediaFile, sniff};

use super::Media;
use super::files::load_file;
use crate::error::{AppError, AppResult};
use crate::ports::{AnalysisFailure, AudioReport, Job, JobKind};

/// Claims one due job and runs it. Returns whether there was one (a worker sleeps when not).
///
/// # Errors
/// Only when the job queue itself cannot be reached; a job's own failure is recorded on the
/// job and the file.
pub async fn run_next_job(media: &Media) -> AppResult<bool> {
    let now = media.clock.now();
    let Some(job) = media.jobs.claim(now, media.settings.media.job_lease).await? else {
        return Ok(false);
    };
    if job.attempts > media.settings.media.max_attempts {
        // Every try ended with its worker gone (its process died, whatever killed it; a try
        // that fails in the ordinary way is never claimed past the last attempt): end it here
        // rather than hand it to the next worker to die on.
        died(media, &job).await?;
        return Ok(true);
    }
    match job.kind {
        JobKind::AnalyzeFile => analyze(media, &job).await?,
    }
    Ok(true)
}

/// How long an idle worker may sleep before a job is due: until the earliest waiting job's
/// time or running job's lease end (a retry, or a job whose worker died), at most `longest`.
/// New uploads do not wait for it: they wake the workers ([`wakes_workers`]).
///
/// # Errors
/// When the job queue cannot be reached.
pub async fn idle_wait(media: &Media, longest: std::time::Duration) -> AppResult<std::time::Duration> {
    let Some(due) = media.jobs.next_due().await? else {
        return Ok(longest);
    };
    Ok((due - media.clock.now()).to_std().unwrap_or_default().min(longest))
}

/// Whether an event brings new work for the analysis workers (a version was uploaded): idle
/// workers wake on it at once, in every process, through the outbox relay.
pub fn wakes_workers(event: &crate::ports::Event) -> bool {
    matches!(
        event,
        crate::ports::Event::Track {
            kind: crate::ports::TrackEventKind::FileUploaded,
            ..
        }
    )
}

/// Ends a job whose workers all died during it, and its file's analysis, FAILED.
async fn died(media: &Media, job: &Job) -> AppResult<()> {
    let reason = format!("worker died during analysis ({} tries)", job.attempts - 1);
    tracing::warn!(job = %job.id, %reason, "analysis job given up");
    match job.kind {
        JobKind::AnalyzeFile => match load_file(media, FileId(job.subject)).await {
            Ok(file) => failed(media, &file, &reason).await?,
            Err(AppError::NotFound(_)) => {}
            Err(error) => return Err(error),
        },
    }
    Ok(media.jobs.fail(job.id, &reason).await?)
}

async fn analyze(media: &Media, job: &Job) -> AppResult<()> {
    let file = match load_file(media, FileId(job.subject)).await {
        Ok(file) => file,
        Err(AppError::NotFound(_)) => return Ok(media.jobs.complete(job.id).await?),
        Err(error) => return retry_or_fail(media, job, None, &error.to_string()).await,
    };
    let mut analysis = file.analysis.clone();
    analysis.status = AnalysisStatus::Processing;
    media.files.set_analysis(file.id, &analysis).await?;
    tracing::info!(file = %file.id, attempt = job.attempts, "analysis started");
    match measure(media, &file).await {
        Ok(report) => {
            let key = format!("waveforms/{}.dat", file.id);
            if let Err(error) = media.blobs.put(&key, report.waveform.to_dat()).await {
                return retry_or_fail(media, job, Some(&file), &error.to_string()).await;
            }
            let mut metadata = report.metadata;
            if metadata.duration_seconds > 0.0 {
                // Average bitrate over the whole file, container included.
                metadata.bitrate = Some((file.size as f64 * 8.0 / metadata.duration_seconds).round() as i64);
            }
            let ready = Analysis {
                status: AnalysisStatus::Ready,
                error: None,
                analyzed_at: Some(media.clock.now()),
                metadata: Some(metadata),
                loudness: Some(report.loudness),
                waveform_key: Some(key),
            };
            media.files.set_analysis(file.id, &ready).await?;
            media.jobs.complete(job.id).await?;
            tracing::info!(file = %file.id, "analysis ready");
            Ok(())
        }
        Err(AnalysisFailure::Media(reason)) => {
            tracing::info!(file = %file.id, %reason, "analysis failed: the media cannot be decoded");
            failed(media, &file, &reason).await?;
            Ok(media.jobs.fail(job.id, &reason).await?)
        }
        Err(AnalysisFailure::Transient(error)) => retry_or_fail(media, job, Some(&file), &format!("{error:#}")).await,
    }
}

async fn measure(media: &Media, file: &MediaFile) -> Result<AudioReport, AnalysisFailure> {
    let head = media
        .blobs
        .read(&file.blob_key, Some(0..(file.size.max(0) as u64).min(64 * 1024)))
        .await?;
    let Some(head) = head else {
        return Err(AnalysisFailure::Transient(anyhow::anyhow!(
            "the file's content is missing from the blob store"
        )));
    };
    let head = collect_head(head.stream).await?;
    let Some(format) = sniff(&head) else {
        return Err(AnalysisFailure::Media(
            "the content is not a supported audio format".into(),
        ));
    };
    let Some(content) = media.blobs.read(&file.blob_key, None).await? else {
        return Err(AnalysisFailure::Transient(anyhow::anyhow!(
            "the file's content is missing from the blob store"
        )));
    };
    media.analyzer.analyze(file.id, content.stream, format).await
}

async fn collect_head(mut stream: crate::ports::ByteStream) -> Result<Vec<u8>, AnalysisFailure> {
    use futures::StreamExt;
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(anyhow::Error::from)?);
    }
    Ok(bytes)
}

async fn failed(media: &Media, file: &MediaFile, reason: &str) -> AppResult<()> {
    let analysis = Analysis {
        status: AnalysisStatus::Failed,
        error: Some(reason.to_owned()),
        analyzed_at: Some(media.clock.now()),
        ..Analysis::pending()
    };
    media.files.set_analysis(file.id, &analysis).await?;
    Ok(())
}

/// Schedules another try with exponential backoff, or ends the job FAILED after the last one.
async fn retry_or_fail(media: &Media, job: &Job, file: Option<&MediaFile>, reason: &str) -> AppResult<()> {
    if job.attempts >= media.settings.media.max_attempts {
        tracing::warn!(job = %job.id, %reason, "analysis failed after the last try");
        if let Some(file) = file {
            failed(media, file, &format!("gave up after {} tries: {reason}", job.attempts)).await?;
        }
        return Ok(media.jobs.fail(job.id, reason).await?);
    }
    let delay = media.settings.media.retry_backoff
        * 2i32.saturating_pow(u32::try_from(job.attempts.saturating_sub(1)).unwrap_or(0));
    tracing::warn!(job = %job.id, %reason, retry_in = %delay, "analysis failed; will retry");
    if let Some(file) = file {
        let mut analysis = file.analysis.clone();
        analysis.status = AnalysisStatus::Pending;
        analysis.error = Some(format!("try {} failed, retrying: {reason}", job.attempts));
        media.files.set_analysis(file.id, &analysis).await?;
    }
    Ok(media.jobs.retry(job.id, media.clock.now() + delay, reason).await?)
}

#[cfg(test)]
mod tests {
    use backline_domain::media::{MediaFormat, Waveform};
    use chrono::Duration;

    use super::*;
    use crate::AppSettings;
    use crate::app::MediaSettings;
    use crate::ports::{BlobStore, FileRepository, JobQueue};
    use crate::testing::media_world::MediaWorld;
    use crate::testing::{AnalyzerCall, JobStatus, ScriptedAnalyzer};

    /// A world whose analysis jobs get `attempts` tries.
    fn world_with_attempts(attempts: i32) -> MediaWorld {
        MediaWorld::with_settings(AppSettings {
            media: MediaSettings {
                max_attempts: attempts,
                ..MediaSettings::default()
            },
            ..AppSettings::default()
        })
    }

    #[tokio::test]
    async fn an_idle_worker_sleeps_until_the_next_retry_or_lease_end_and_no_longer() -> AppResult<()> {
        let world = MediaWorld::new();
        let longest = std::time::Duration::from_secs(30);
        assert_eq!(idle_wait(&world.media, longest).await?, longest, "nothing queued");
        let file = world.upload_audio(1_000).await?;
        assert_eq!(
            idle_wait(&world.media, longest).await?,
            std::time::Duration::ZERO,
            "due now"
        );
        world.analyzer.fail_transient_next("the store blinked");
        assert!(run_next_job(&world.media).await?);
        let retry_at = world.job_for(file.id.0)?.run_at;
        let wait = idle_wait(&world.media, longest).await?;
        assert_eq!(wait, (retry_at - world.clock_now()).to_std().unwrap_or_default());
        assert!(wait > std::time::Duration::ZERO && wait < longest, "{wait:?}");
        world.clock.advance(Duration::hours(1));
        assert_eq!(
            idle_wait(&world.media, longest).await?,
            std::time::Duration::ZERO,
            "overdue"
        );

        // A worker that claimed the job and died holds it until its lease ends.
        let now = world.clock_now();
        world.jobs.claim(now, Duration::seconds(10)).await?;
        assert_eq!(
            idle_wait(&world.media, longest).await?,
            std::time::Duration::from_secs(10)
        );
        let wakes = |kind| {
            wakes_workers(&crate::ports::Event::Track {
                kind,
                track: world.track.id,
                file: None,
            })
        };
        assert!(wakes(crate::ports::TrackEventKind::FileUploaded));
        assert!(!wakes(crate::ports::TrackEventKind::AnalysisFinished));
        Ok(())
    }

    #[tokio::test]
    async fn a_successful_analysis_stores_measurements_and_waveform_and_completes_the_job() -> AppResult<()> {
        let world = MediaWorld::new();
        let file = world.upload_audio(4_800).await?;
        assert_eq!(file.analysis.status, AnalysisStatus::Pending);
        let report = ScriptedAnalyzer::report(2.0);
        world.analyzer.succeed_next(report.clone());
        assert!(run_next_job(&world.media).await?, "there was a job");
        let stored = world.stored_file(file.id).await?;
        let analysis = &stored.analysis;
        assert_eq!(
            (analysis.status, analysis.error.as_deref()),
            (AnalysisStatus::Ready, None)
        );
        assert_eq!(analysis.analyzed_at, Some(world.clock_now()));
        assert_eq!(analysis.loudness.as_ref(), Some(&report.loudness));
        let bitrate = analysis.metadata.as_ref().and_then(|metadata| metadata.bitrate);
        assert_eq!(
            bitrate,
            Some(19_200),
            "file size over measured duration: 4800 B * 8 / 2 s"
        );
        let key = format!("waveforms/{}.dat", file.id);
        assert_eq!(analysis.waveform_key.as_deref(), Some(key.as_str()));
        let Some(dat) = world.blobs.get(&key).await? else {
            return Err(AppError::NotFound("waveform blob"));
        };
        assert_eq!(Waveform::from_dat(&dat).ok(), Some(report.waveform));
        assert_eq!(
            world.analyzer.calls(),
            vec![AnalyzerCall {
                file: file.id,
                format: MediaFormat::Wav,
                bytes: 4_800
            }],
            "the analyzer read the whole content"
        );
        assert!(world.jobs.jobs().is_empty(), "a completed job is deleted");
        assert_eq!(world.jobs.completed().len(), 1);
        assert!(!run_next_job(&world.media).await?, "nothing is left to do");
        Ok(())
    }

    #[tokio::test]
    async fn undecodable_media_fails_the_file_with_the_reason_and_is_never_retried() -> AppResult<()> {
        let world = MediaWorld::new();
        let file = world.upload_audio(1_000).await?;
        world.analyzer.fail_media_next("truncated data chunk");
        assert!(run_next_job(&world.media).await?);
        let stored = world.stored_file(file.id).await?;
        assert_eq!(stored.analysis.status, AnalysisStatus::Failed);
        assert_eq!(stored.analysis.error.as_deref(), Some("truncated data chunk"));
        assert!(stored.analysis.waveform_key.is_none());
        let job = world.job_for(file.id.0)?;
        assert_eq!(
            (job.status, job.attempts, job.last_error.as_deref()),
            (JobStatus::Failed, 1, Some("truncated data chunk"))
        );
        world.clock.advance(Duration::days(1));
        assert!(!run_next_job(&world.media).await?, "a media failure is not tried again");
        assert_eq!(world.analyzer.calls().len(), 1);
        assert_eq!(world.jobs.pending().await?, 0);
        Ok(())
    }

    #[tokio::test]
    async fn content_that_is_not_audio_fails_without_reaching_the_analyzer() -> AppResult<()> {
        let world = MediaWorld::new();
        let file = world.upload_audio(1_000).await?;
        world.blobs.put(&file.blob_key, b"not audio at all".to_vec()).await?;
        assert!(run_next_job(&world.media).await?);
        let stored = world.stored_file(file.id).await?;
        assert_eq!(stored.analysis.status, AnalysisStatus::Failed);
        assert_eq!(
            stored.analysis.error.as_deref(),
            Some("the content is not a supported audio format")
        );
        assert!(world.analyzer.calls().is_empty());
        assert_eq!(world.job_for(file.id.0)?.status, JobStatus::Failed);
        Ok(())
    }

    #[tokio::test]
    async fn a_transient_failure_retries_later_with_a_doubling_delay_then_succeeds() -> AppResult<()> {
        let world = MediaWorld::new();
        let backoff = world.settings.media.retry_backoff;
        let file = world.upload_audio(1_000).await?;
        world.analyzer.fail_transient_next("temporary directory is full");
        world.analyzer.fail_transient_next("temporary directory is full");
        world.analyzer.succeed_next(ScriptedAnalyzer::report(1.0));
        assert!(run_next_job(&world.media).await?);
        let job = world.job_for(file.id.0)?;
        assert_eq!(
            (job.status, job.attempts, job.run_at),
            (JobStatus::Pending, 1, world.clock_now() + backoff)
        );
        let stored = world.stored_file(file.id).await?;
        assert_eq!(stored.analysis.status, AnalysisStatus::Pending);
        assert_eq!(
            stored.analysis.error.as_deref(),
            Some("try 1 failed, retrying: temporary directory is full")
        );
        assert!(!run_next_job(&world.media).await?, "not due before the delay");
        world.clock.advance(backoff);
        assert!(run_next_job(&world.media).await?);
        let job = world.job_for(file.id.0)?;
        assert_eq!(
            (job.attempts, job.run_at),
            (2, world.clock_now() + backoff * 2),
            "the second delay is twice the first"
        );
        world.clock.advance(backoff * 2);
        assert!(run_next_job(&world.media).await?);
        let stored = world.stored_file(file.id).await?;
        assert_eq!(
            (stored.analysis.status, stored.analysis.error),
            (AnalysisStatus::Ready, None)
        );
        assert!(world.jobs.jobs().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn the_last_transient_failure_ends_the_file_failed() -> AppResult<()> {
        let world = world_with_attempts(2);
        let file = world.upload_audio(1_000).await?;
        world.analyzer.fail_transient_next("disk full");
        world.analyzer.fail_transient_next("disk full");
        assert!(run_next_job(&world.media).await?);
        world.clock.advance(Duration::minutes(1));
        assert!(run_next_job(&world.media).await?);
        let stored = world.stored_file(file.id).await?;
        assert_eq!(stored.analysis.status, AnalysisStatus::Failed);
        assert_eq!(
            stored.analysis.error.as_deref(),
            Some("gave up after 2 tries: disk full")
        );
        let job = world.job_for(file.id.0)?;
        assert_eq!((job.status, job.attempts), (JobStatus::Failed, 2));
        world.clock.advance(Duration::days(1));
        assert!(!run_next_job(&world.media).await?, "the job is over");
        Ok(())
    }

    #[tokio::test]
    async fn missing_content_is_a_transient_failure() -> AppResult<()> {
        let world = MediaWorld::new();
        let file = world.upload_audio(1_000).await?;
        world.blobs.delete(&file.blob_key).await?;
        assert!(run_next_job(&world.media).await?);
        let job = world.job_for(file.id.0)?;
        assert_eq!(job.status, JobStatus::Pending, "retried: the blob may come back");
        assert_eq!(
            job.last_error.as_deref(),
            Some("the file's content is missing from the blob store")
        );
        assert!(world.analyzer.calls().is_empty());
        Ok(())
    }

    #[tokio::test]
    async fn a_job_claimed_by_workers_that_all_died_ends_failed_on_the_next_claim() -> AppResult<()> {
        let world = world_with_attempts(2);
        let lease = world.settings.media.job_lease;
        let file = world.upload_audio(1_000).await?;
        // Two workers claim the job and die before finishing it.
        for _ in 0..2 {
            assert!(world.jobs.claim(world.clock_now(), lease).await?.is_some());
            world.clock.advance(lease + Duration::seconds(1));
        }
        assert!(run_next_job(&world.media).await?);
        assert!(
            world.analyzer.calls().is_empty(),
            "the third claim does not analyse again"
        );
        let stored = world.stored_file(file.id).await?;
        assert_eq!(stored.analysis.status, AnalysisStatus::Failed);
        let reason = "worker died during analysis (2 tries)";
        assert_eq!(stored.analysis.error.as_deref(), Some(reason));
        let job = world.job_for(file.id.0)?;
        assert_eq!(
            (job.status, job.attempts, job.last_error.as_deref()),
            (JobStatus::Failed, 3, Some(reason))
        );
        world.clock.advance(lease * 2);
        assert!(!run_next_job(&world.media).await?);
        Ok(())
    }

    #[tokio::test]
    async fn a_job_whose_file_is_gone_completes_quietly() -> AppResult<()> {
        let world = MediaWorld::new();
        let file = world.upload_audio(1_000).await?;
        world.files.delete(file.id).await?;
        assert!(run_next_job(&world.media).await?);
        assert!(world.jobs.jobs().is_empty(), "completed, not failed or retried");
        assert_eq!(world.jobs.completed().len(), 1);
        assert!(world.analyzer.calls().is_empty());
        Ok(())
    }
}
