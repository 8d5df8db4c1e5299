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
