//! Files (track versions), their analysis, waveforms, and images.

use async_graphql::{Context, ID, Json, Object, SimpleObject};
use backline_application::media::{SignedScope, sign_url};
use backline_application::ports::CommentParent;
use backline_domain::media::ImageVariant;
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::enums::{GqlAnalysisStatus, GqlCommentOrder, GqlFileType};
use crate::common::ids::{Kind, encode};
use crate::common::nodes::{
    ArtistSpaceNode, CommentConnection, DocumentNode, FileNode, ImageNode, ProjectNode, TrackNode, UserNode,
};
use crate::common::waveform::{GqlWaveformChannels, waveform_field};
use crate::feedback::types::comments_field;

impl FileNode {
    pub(crate) fn cursor_id(&self) -> uuid::Uuid {
        self.0.id.0
    }

    fn signed(&self, ctx: &Context<'_>, path: &str) -> async_graphql::Result<String> {
        let (app, request) = parts(ctx)?;
        let query = sign_url(&app.media, SignedScope::File(self.0.id.0), app.now());
        Ok(format!("{}/files/{}/{path}?{query}", request.base_url, self.0.id))
    }
}

/// A stored file: for audio, one version of a track, with what analysis measured.
#[Object(name = "File")]
impl FileNode {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::File, self.0.id.0)
    }

    /// The original file name, for display.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the file holds.
    #[graphql(name = "type")]
    async fn file_type(&self) -> GqlFileType {
        self.0.file_type.into()
    }

    /// Content type, from the content itself (not the name or what the uploader declared).
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// Size in bytes.
    async fn size(&self) -> i64 {
        self.0.size
    }

    /// SHA-256 of the content, lowercase hex.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// Version number on its track: 1, 2, 3, … in upload order; never reused.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Whether this version is approved as the track's final one.
    async fn is_final_version(&self) -> bool {
        self.0.is_final_version
    }

    /// Who uploaded it.
    async fn owner(&self, ctx: &Context<'_>) -> async_graphql::Result<UserNode> {
        crate::common::owner::owner(ctx, self.0.owner_id).await
    }

    /// The artist space it belongs to; null if your role is only on the project or track.
    async fn artist_space(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ArtistSpaceNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request
            .loaders
            .0
            .load_one(self.0.artist_space_id)
            .await?
            .map(ArtistSpaceNode))
    }

    /// The project it belongs to; null if your role is only on the track.
    async fn project(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ProjectNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(self.0.project_id).await?.map(ProjectNode))
    }

    /// The track it belongs to.
    async fn track(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TrackNode>> {
        let (_, request) = parts(ctx)?;
        Ok(request.loaders.0.load_one(self.0.track_id).await?.map(TrackNode))
    }

    /// A short-lived signed URL of the content (valid for an hour by default), usable directly
    /// as `<audio src>`: it supports `Range` requests (seeking), `HEAD` and `ETag`. Add
    /// `&download=1` to download it under its original name.
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, "content")
    }

    /// A short-lived signed URL of the waveform as audiowaveform JSON (accepts
    /// `samplesPerPixel`, `channels=merged|separate` and `bits` query parameters).
    async fn waveform_json_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, "waveform.json")
    }

    /// A short-lived signed URL of the waveform as audiowaveform binary (`.dat`), same
    /// parameters.
    async fn waveform_dat_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, "waveform.dat")
    }

    /// Where analysis stands.
    async fn analysis(&self) -> AnalysisNode {
        AnalysisNode {
            status: self.0.analysis.status.into(),
            error: self.0.analysis.error.clone(),
            analyzed_at: self.0.analysis.analyzed_at,
        }
    }

    /// Format facts measured by decoding the whole file; null until analysed.
    async fn metadata(&self) -> Option<MetadataNode> {
        self.0.analysis.metadata.as_ref().map(|metadata| MetadataNode {
            duration_seconds: metadata.duration_seconds,
            sample_rate: i32::try_from(metadata.sample_rate).unwrap_or(i32::MAX),
            channels: i32::from(metadata.channels),
            bits_per_sample: metadata
                .bits_per_sample
                .map(|bits| i32::try_from(bits).unwrap_or(i32::MAX)),
            codec: metadata.codec.clone(),
            container: metadata.container.clone(),
            bitrate: metadata.bitrate,
        })
    }

    /// Loudness per EBU R128 / ITU-R BS.1770; null until analysed.
    async fn loudness(&self) -> Option<LoudnessNode> {
        self.0.analysis.loudness.as_ref().map(|loudness| LoudnessNode {
            integrated_lufs: loudness.integrated_lufs,
            loudness_range: loudness.loudness_range,
            sample_peak_dbfs: loudness.sample_peak_dbfs,
            true_peak_dbtp: loudness.true_peak_dbtp,
        })
    }

    /// Min/max peaks in the BBC audiowaveform JSON format (`version channels sample_rate
    /// samples_per_pixel bits length data`), ready for peaks.js or wavesurfer.js; null until
    /// analysed. Stored at 256 samples per pixel and served at any coarser zoom.
    async fn waveform(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Audio frames per pixel: 256 (the stored zoom) or more. Default 256.")]
        samples_per_pixel: Option<i32>,
        #[graphql(
            desc = "MERGED (default) or SEPARATE channels.",
            default_with = "GqlWaveformChannels::Merged"
        )]
        channels: GqlWaveformChannels,
        #[graphql(desc = "8 or 16 (default 16).")] bits: Option<i32>,
    ) -> async_graphql::Result<Option<Json<serde_json::Value>>> {
        waveform_field(ctx, &self.0, samples_per_pixel, channels, bits).await
    }

    /// Top-level comments with their threads on this version.
    #[expect(clippy::too_many_arguments, reason = "the field's arguments")]
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many to return, 1-100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Continue after this cursor.")] after: Option<String>,
        #[graphql(desc = "How many to return from the end, 1-100.")] last: Option<i32>,
        #[graphql(desc = "Continue before this cursor.")] before: Option<String>,
        #[graphql(
            desc = "TIMESTAMP (position in the audio, the default) or NEWEST.",
            default_with = "GqlCommentOrder::Timestamp"
        )]
        order_by: GqlCommentOrder,
        #[graphql(desc = "Whether resolved comments are listed too (default true).", default = true)]
        include_resolved: bool,
    ) -> async_graphql::Result<CommentConnection> {
        comments_field(
            ctx,
            CommentParent::File,
            self.0.id.0,
            self.0.path(),
            first,
            after,
            last,
            before,
            order_by,
            include_resolved,
        )
        .await
    }

    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Where a file's analysis stands.
#[derive(SimpleObject)]
#[graphql(name = "FileAnalysis")]
pub(crate) struct AnalysisNode {
    /// PENDING, PROCESSING, READY or FAILED.
    status: GqlAnalysisStatus,
    /// Why it failed (or why the last try failed, while retrying).
    error: Option<String>,
    /// When it finished.
    analyzed_at: Option<DateTime<Utc>>,
}

/// Format facts measured by decoding the whole file.
#[derive(SimpleObject)]
#[graphql(name = "FileMetadata")]
pub(crate) struct MetadataNode {
    /// Exact duration: decoded frames over the sample rate (not the header's claim).
    duration_seconds: f64,
    /// Samples per second per channel.
    sample_rate: i32,
    /// Channel count.
    channels: i32,
    /// Bits per sample, for PCM and lossless codecs.
    bits_per_sample: Option<i32>,
    /// Codec (`pcm_s16le`, `flac`, `mp3`, `vorbis`, `aac`, `alac`, …).
    codec: String,
    /// Container (`wav`, `aiff`, `flac`, `mp3`, `ogg`, `mp4`).
    container: String,
    /// Average bits per second over the whole file.
    bitrate: Option<i64>,
}

/// Loudness per EBU R128 / ITU-R BS.1770. Digital silence has no loudness and no peak.
#[derive(SimpleObject)]
#[graphql(name = "Loudness")]
pub(crate) struct LoudnessNode {
    /// Integrated (programme) loudness in LUFS (streaming services aim at about -14).
    integrated_lufs: Option<f64>,
    /// Loudness range (LRA) in LU.
    loudness_range: Option<f64>,
    /// Highest sample in dBFS.
    sample_peak_dbfs: Option<f64>,
    /// Highest inter-sample peak in dBTP (4x oversampled).
    true_peak_dbtp: Option<f64>,
}

impl ImageNode {
    fn signed(&self, ctx: &Context<'_>, variant: ImageVariant) -> async_graphql::Result<String> {
        let (app, request) = parts(ctx)?;
        let query = sign_url(&app.media, SignedScope::Image(self.0.id.0, variant), app.now());
        Ok(format!(
            "{}/images/{}/{}?{query}",
            request.base_url,
            self.0.id,
            variant.as_str()
        ))
    }
}

/// An uploaded image with its variants. Every variant is re-encoded, so none carries the
/// upload's metadata (EXIF, GPS). URLs are signed and valid for an hour.
#[Object(name = "Image")]
impl ImageNode {
    /// Global id (`img_…`), e.g. to list an ARTIST_VISUAL in a profile's visuals.
    pub(crate) async fn id(&self) -> async_graphql::ID {
        crate::common::ids::encode(crate::common::ids::Kind::Image, self.0.id.0)
    }

    /// The full-size image.
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, ImageVariant::Original)
    }

    /// At most 640 px on the longer side.
    async fn medium_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, ImageVariant::Medium)
    }

    /// At most 160 px on the longer side.
    async fn thumbnail_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, ImageVariant::Thumbnail)
    }

    /// Width of the full-size image, in pixels.
    async fn width(&self) -> i32 {
        i32::try_from(self.0.width).unwrap_or(i32::MAX)
    }

    /// Height of the full-size image, in pixels.
    async fn height(&self) -> i32 {
        i32::try_from(self.0.height).unwrap_or(i32::MAX)
    }

    /// Content type of every variant (`image/jpeg`, or `image/png` when the image has
    /// transparency).
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }
}

/// A document stored in an artist space (a press kit as PDF or ZIP). Its URL is signed, valid
/// for an hour, and always downloads as an attachment.
#[Object(name = "Document")]
impl DocumentNode {
    /// Global id (`doc_…`), to list it as a press kit.
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::Document, self.0.id.0)
    }

    /// The file name, for display.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// `application/pdf` or `application/zip`.
    async fn content_type(&self) -> &str {
        &self.0.content_type
    }

    /// Bytes.
    async fn size(&self) -> i64 {
        self.0.size
    }

    /// Hex SHA-256 of the content.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// A short-lived signed download URL.
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let (app, request) = parts(ctx)?;
        let query = sign_url(&app.media, SignedScope::Document(self.0.id.0), app.now());
        Ok(format!("{}/documents/{}?{query}", request.base_url, self.0.id))
    }

    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
