//! Stored files and what analysis measured about them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ArtistSpaceId, FileId, ProjectId, TrackId, UserId};
use crate::workspace::ResourcePath;

/// The longest display name kept, in characters.
pub const MAX_NAME_CHARS: usize = 255;

/// What kind of content a file holds (seed 000's File type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FileType {
    /// Audio: a version of a track.
    Audio,
    /// A picture.
    Image,
    /// Video.
    Video,
    /// A document.
    Document,
}

impl FileType {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Audio => "AUDIO",
            FileType::Image => "IMAGE",
            FileType::Video => "VIDEO",
            FileType::Document => "DOCUMENT",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "AUDIO" => FileType::Audio,
            "IMAGE" => FileType::Image,
            "VIDEO" => FileType::Video,
            "DOCUMENT" => FileType::Document,
            _ => return None,
        })
    }
}

/// Where a file's analysis stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AnalysisStatus {
    /// Waiting for a worker.
    Pending,
    /// A worker is on it.
    Processing,
    /// Measured; metadata, loudness and waveform are set.
    Ready,
    /// Could not be analysed; `error` says why. The file itself stays downloadable.
    Failed,
}

impl AnalysisStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AnalysisStatus::Pending => "PENDING",
            AnalysisStatus::Processing => "PROCESSING",
            AnalysisStatus::Ready => "READY",
            AnalysisStatus::Failed => "FAILED",
        }
    }

    /// Parses a stored name.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "PENDING" => AnalysisStatus::Pending,
            "PROCESSING" => AnalysisStatus::Processing,
            "READY" => AnalysisStatus::Ready,
            "FAILED" => AnalysisStatus::Failed,
            _ => return None,
        })
    }
}

/// Facts measured by decoding the whole file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioMetadata {
    /// Decoded frames divided by the sample rate (not the header's claim).
    pub duration_seconds: f64,
    /// Frames decoded.
    pub frames: u64,
    /// Samples per second per channel.
    pub sample_rate: u32,
    /// Channel count.
    pub channels: u16,
    /// Bits per sample, for PCM and lossless codecs.
    pub bits_per_sample: Option<u32>,
    /// The codec (`pcm_s16le`, `flac`, `mp3`, `vorbis`, `aac`, `alac`, ...).
    pub codec: String,
    /// The container (`wav`, `aiff`, `flac`, `mp3`, `ogg`, `mp4`).
    pub container: String,
    /// Average bits per second: file size over duration.
    pub bitrate: Option<i64>,
}

/// Loudness per EBU R128 / ITU-R BS.1770. Silence has no integrated loudness and no peak in dB.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Loudness {
    /// Integrated (programme) loudness, LUFS.
    pub integrated_lufs: Option<f64>,
    /// Loudness range, LU.
    pub loudness_range: Option<f64>,
    /// Highest sample, dBFS.
    pub sample_peak_dbfs: Option<f64>,
    /// Highest inter-sample peak (4x oversampled), dBTP.
    pub true_peak_dbtp: Option<f64>,
}

/// A file's analysis: status, and what was measured once it is `Ready`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// Where it stands.
    pub status: AnalysisStatus,
    /// Why it failed.
    pub error: Option<String>,
    /// When it finished (either way).
    pub analyzed_at: Option<DateTime<Utc>>,
    /// Measured facts.
    pub metadata: Option<AudioMetadata>,
    /// Measured loudness.
    pub loudness: Option<Loudness>,
    /// Blob key of the stored waveform (audiowaveform `.dat`).
    pub waveform_key: Option<String>,
}

impl Analysis {
    /// A fresh analysis waiting for a worker.
    pub fn pending() -> Self {
        Self {
            status: AnalysisStatus::Pending,
            error: None,
            analyzed_at: None,
            metadata: None,
            loudness: None,
            waveform_key: None,
        }
    }
}

/// One stored file: for audio, one version of a track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaFile {
    /// Primary key.
    pub id: FileId,
    /// The original file name, for display only.
    pub name: String,
    /// What it holds.
    pub file_type: FileType,
    /// Content type, from the sniffed format.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Version number on its track: 1, 2, 3, ... never reused.
    pub version: i32,
    /// Whether this version is approved as final.
    pub is_final_version: bool,
    /// Who uploaded it (whose storage it counts against).
    pub owner_id: UserId,
    /// The space it belongs to.
    pub artist_space_id: ArtistSpaceId,
    /// The project it belongs to.
    pub project_id: ProjectId,
    /// The track it belongs to.
    pub track_id: TrackId,
    /// Server-generated key of the content in the blob store.
    pub blob_key: String,
    /// Analysis state and results.
    pub analysis: Analysis,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

impl MediaFile {
    /// The track the file belongs to; permissions on files are judged there.
    pub fn path(&self) -> ResourcePath {
        ResourcePath::Track(self.artist_space_id, self.project_id, self.track_id)
    }

    /// Every blob this file owns: the content and any derivatives.
    pub fn blob_keys(&self) -> Vec<String> {
        let mut keys = vec![self.blob_key.clone()];
        keys.extend(self.analysis.waveform_key.clone());
        keys
    }
}

/// Turns a client's file name into safe display text: the last path segment only, control
/// characters (NUL included) removed, surrounding whitespace trimmed, at most
/// [`MAX_NAME_CHARS`] characters; `untitled` when nothing is left.
pub fn display_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(MAX_NAME_CHARS).collect();
    let trimmed = cleaned.trim();
    if trimmed.is_empty() || trimmed == "." || trimmed == ".." {
        "untitled".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_are_safe() {
        assert_eq!(display_name("Mix 3 (final).wav"), "Mix 3 (final).wav");
        assert_eq!(display_name("../../etc/passwd"), "passwd");
        assert_eq!(display_name("C:\\Users\\me\\song.flac"), "song.flac");
        assert_eq!(display_name("a\0b\u{7}c\n.wav"), "abc.wav");
        assert_eq!(display_name(""), "untitled");
        assert_eq!(display_name("dir/"), "untitled");
        assert_eq!(display_name(".."), "untitled");
        assert_eq!(display_name(&"é".repeat(1000)).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn names_round_trip() {
        for kind in [FileType::Audio, FileType::Image, FileType::Video, FileType::Document] {
            assert_eq!(FileType::parse(kind.as_str()), Some(kind));
        }
        for status in [
            AnalysisStatus::Pending,
            AnalysisStatus::Processing,
            AnalysisStatus::Ready,
            AnalysisStatus::Failed,
        ] {
            assert_eq!(AnalysisStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(FileType::parse("EXE"), None);
    }
}
