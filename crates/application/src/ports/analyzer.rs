//! Audio analysis: decoding, loudness and waveform peaks.

use backline_domain::ids::FileId;
use backline_domain::media::{AudioMetadata, Loudness, MediaFormat, Waveform};

use super::ByteStream;

/// What decoding a whole file measured.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioReport {
    /// Format facts and exact duration.
    pub metadata: AudioMetadata,
    /// EBU R128 loudness.
    pub loudness: Loudness,
    /// Peaks at the analyser's zoom.
    pub waveform: Waveform,
}

/// Why analysis did not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisFailure {
    /// The content cannot be decoded (truncated, corrupt, unsupported codec, absurd header).
    /// Trying again will not help.
    #[error("{0}")]
    Media(String),
    /// Something outside the content failed (reading the blob, a temporary file); a later try
    /// may succeed.
    #[error(transparent)]
    Transient(#[from] anyhow::Error),
}

/// Decodes audio and measures it. Implementations decode off the async threads.
#[async_trait::async_trait]
pub trait AudioAnalyzer: Send + Sync + 'static {
    /// Analyses the content of file `id` in `stream`, whose sniffed format is `format`.
    async fn analyze(
        &self,
        id: FileId,
        stream: ByteStream,
        format: MediaFormat,
    ) -> Result<AudioReport, AnalysisFailure>;
}
