//! Media: stored files (versions of a track's audio), what analysis measured about them, their
//! waveforms, and uploaded images. Content is judged by its bytes ([`format::sniff`]), never by
//! the name or type a client declares.

pub mod document;
pub mod file;
pub mod format;
pub mod image;
pub mod waveform;

pub use document::{Document, MAX_DOCUMENT_BYTES, document_type};
pub use file::{Analysis, AnalysisStatus, AudioMetadata, FileType, Loudness, MediaFile, display_name};
pub use format::{MediaFormat, SNIFF_BYTES, sniff};
pub use image::{Image, ImageTarget, ImageVariant};
pub use waveform::{Waveform, WaveformBuilder, WaveformError};
