//! Public review links: what their makers manage, and what a guest sees through one.

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Json, Object};
use backline_application::media::{SignedScope, sign_url};
use backline_application::sharing::ReviewSession;
use backline_domain::comments::Comment;
use backline_domain::media::MediaFile;
use backline_domain::review::{ReviewRefusal, ReviewVersions};
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::ids::{Kind, encode};
use crate::common::images::image_of;
use crate::common::nodes::{ImageNode, ReviewLinkNode};
use crate::common::waveform::{GqlWaveformChannels, waveform_field};

/// Which versions of the track a review link shows.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ReviewVersions")]
pub(crate) enum GqlReviewVersions {
    /// Always the newest version: a new upload appears on the link by itself.
    Latest,
    /// The version approved as final (none until one is approved).
    Final,
    /// The versions listed in `fileIds`.
    Specific,
}

impl From<ReviewVersions> for GqlReviewVersions {
    fn from(value: ReviewVersions) -> Self {
        match value {
            ReviewVersions::Latest => Self::Latest,
            ReviewVersions::Final => Self::Final,
            ReviewVersions::Specific => Self::Specific,
        }
    }
}

impl From<GqlReviewVersions> for ReviewVersions {
    fn from(value: GqlReviewVersions) -> Self {
        match value {
            GqlReviewVersions::Latest => Self::Latest,
            GqlReviewVersions::Final => Self::Final,
            GqlReviewVersions::Specific => Self::Specific,
        }
    }
}

/// Whether a review link still opens.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
#[graphql(name = "ReviewLinkStatus")]
pub(crate) enum GqlReviewLinkStatus {
    /// It opens.
    Active,
    /// It was revoked.
    Revoked,
    /// Its expiry passed.
    Expired,
}

/// The web app's review page for a code.
fn review_url(ctx: &Context<'_>, code: &str) -> async_graphql::Result<String> {
    let (app, _) = parts(ctx)?;
    Ok(format!(
        "{}/review/{code}",
        app.settings.public_url.trim_end_matches('/')
    ))
}

/// A public link to a track's chosen versions for people without an account, optionally
/// behind a password, with view and play counts.
#[Object(name = "ReviewLink")]
impl ReviewLinkNode {
    /// Global id (`rvl_…`).
    pub(crate) async fn id(&self) -> ID {
        encode(Kind::ReviewLink, self.0.id.0)
    }

    /// The random code in the link (12 letters and digits); pass it to `reviewLink(code:)`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The link to share: the web app's review page for this code.
    async fn url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        review_url(ctx, &self.0.code)
    }

    /// Which versions it shows.
    async fn versions(&self) -> GqlReviewVersions {
        self.0.versions.into()
    }

    /// The versions a SPECIFIC link shows (empty for LATEST and FINAL).
    async fn file_ids(&self) -> Vec<ID> {
        self.0.file_ids.iter().map(|id| encode(Kind::File, id.0)).collect()
    }

    /// Whether guests must give a password.
    async fn has_password(&self) -> bool {
        self.0.password_hash.is_some()
    }

    /// When it stops opening; null: never.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// Whether guests are offered a download of the original file.
    async fn allow_download(&self) -> bool {
        self.0.allow_download
    }

    /// Whether guests may comment.
    async fn allow_comments(&self) -> bool {
        self.0.allow_comments
    }

    /// How often it was opened.
    async fn view_count(&self) -> i64 {
        self.0.view_count
    }

    /// How often a version was played through it.
    async fn play_count(&self) -> i64 {
        self.0.play_count
    }

    /// When it was revoked; null while it is not.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// Whether it still opens.
    async fn status(&self, ctx: &Context<'_>) -> async_graphql::Result<GqlReviewLinkStatus> {
        let (app, _) = parts(ctx)?;
        Ok(match self.0.refusal(app.now()) {
            None => GqlReviewLinkStatus::Active,
            Some(ReviewRefusal::Revoked) => GqlReviewLinkStatus::Revoked,
            Some(ReviewRefusal::Expired) => GqlReviewLinkStatus::Expired,
        })
    }

    /// When it was made.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// What a guest sees through a review link.
pub(crate) struct ReviewSessionNode(pub(crate) Arc<ReviewSession>);

/// A track as a guest sees it through a review link: title, artist, cover, the chosen versions
/// and (when allowed) the threads guests started through this link. Nothing else of the space
/// is shown.
#[Object(name = "ReviewSession")]
impl ReviewSessionNode {
    /// The link's code.
    async fn code(&self) -> &str {
        &self.0.link.code
    }

    /// The track.
    async fn track(&self) -> ReviewTrackNode {
        ReviewTrackNode(Arc::clone(&self.0))
    }

    /// The artist.
    async fn artist_space(&self) -> ReviewArtistNode {
        ReviewArtistNode(Arc::clone(&self.0))
    }

    /// The versions shown, newest first.
    async fn files(&self) -> Vec<ReviewFileNode> {
        self.0
            .files
            .iter()
            .map(|file| ReviewFileNode {
                file: file.clone(),
                allow_download: self.0.link.allow_download,
            })
            .collect()
    }

    /// Threads guests started through this link, oldest first, with the team's replies; empty
    /// when comments are off.
    async fn comments(&self) -> Vec<ReviewCommentNode> {
        self.0
            .comments
            .iter()
            .map(|comment| ReviewCommentNode {
                comment: comment.clone(),
                session: Some(Arc::clone(&self.0)),
            })
            .collect()
    }

    /// Whether the guest may comment (`addReviewComment`).
    async fn allow_comments(&self) -> bool {
        self.0.link.allow_comments
    }

    /// Whether files offer a `downloadUrl`.
    async fn allow_download(&self) -> bool {
        self.0.link.allow_download
    }

    /// When the link stops opening; null: never.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.link.expires_at
    }
}

/// The track of a review link.
pub(crate) struct ReviewTrackNode(Arc<ReviewSession>);

/// The shared track: its title and cover.
#[Object(name = "ReviewTrack")]
impl ReviewTrackNode {
    /// Song title.
    async fn title(&self) -> &str {
        &self.0.track.title
    }

    /// The project's cover art (the album or EP), if it has one.
    async fn cover(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ImageNode>> {
        image_of(ctx, self.0.project.image.as_deref()).await
    }

    /// The album or EP it belongs to.
    async fn project_name(&self) -> &str {
        &self.0.project.name
    }
}

/// The artist of a review link.
pub(crate) struct ReviewArtistNode(Arc<ReviewSession>);

/// The artist space, as a guest sees it: its name and image.
#[Object(name = "ReviewArtist")]
impl ReviewArtistNode {
    /// The artist's name.
    async fn name(&self) -> &str {
        &self.0.space.name
    }

    /// The artist image, if it has one.
    async fn image(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<ImageNode>> {
        image_of(ctx, self.0.space.image.as_deref()).await
    }
}

/// A version shown through a review link.
pub(crate) struct ReviewFileNode {
    file: MediaFile,
    allow_download: bool,
}

impl ReviewFileNode {
    fn signed(&self, ctx: &Context<'_>, path: &str, extra: &str) -> async_graphql::Result<String> {
        let (app, request) = parts(ctx)?;
        // Without downloads, the URLs play and draw but refuse `?download=1`.
        let scope = if self.allow_download {
            SignedScope::File(self.file.id.0)
        } else {
            SignedScope::FileStream(self.file.id.0)
        };
        let query = sign_url(&app.media, scope, app.now());
        Ok(format!(
            "{}/files/{}/{path}?{query}{extra}",
            request.base_url, self.file.id
        ))
    }
}

/// One version of the shared track, playable without an account.
#[Object(name = "ReviewFile")]
impl ReviewFileNode {
    /// The file's id (`fil_…`), for `addReviewComment` and `recordReviewPlay`.
    async fn id(&self) -> ID {
        encode(Kind::File, self.file.id.0)
    }

    /// The version number.
    async fn version(&self) -> i32 {
        self.file.version
    }

    /// Whether it is the version approved as final.
    async fn is_final_version(&self) -> bool {
        self.file.is_final_version
    }

    /// The original file name.
    async fn name(&self) -> &str {
        &self.file.name
    }

    /// The audio's content type.
    async fn content_type(&self) -> &str {
        &self.file.content_type
    }

    /// Length in seconds; null until analysed.
    async fn duration_seconds(&self) -> Option<f64> {
        self.file
            .analysis
            .metadata
            .as_ref()
            .map(|metadata| metadata.duration_seconds)
    }

    /// A short-lived signed URL to stream the audio (works in `<audio src>`).
    async fn stream_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, "content", "")
    }

    /// A short-lived signed URL that downloads the original file; null unless the link
    /// allows downloads.
    async fn download_url(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        if !self.allow_download {
            return Ok(None);
        }
        self.signed(ctx, "content", "&download=1").map(Some)
    }

    /// A short-lived signed URL of the waveform as audiowaveform JSON.
    async fn waveform_json_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        self.signed(ctx, "waveform.json", "")
    }

    /// The waveform as audiowaveform JSON; null until analysed.
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
        waveform_field(ctx, &self.file, samples_per_pixel, channels, bits).await
    }

    /// When it was uploaded.
    async fn created_at(&self) -> DateTime<Utc> {
        self.file.created_at
    }
}

/// A comment shown through a review link.
pub(crate) struct ReviewCommentNode {
    comment: Comment,
    /// The session it was read in (for replies and names); `None` for a comment just written.
    session: Option<Arc<ReviewSession>>,
}

impl ReviewCommentNode {
    /// A guest's new comment, shown on its own (it has no replies yet).
    pub(crate) fn single(comment: Comment) -> Self {
        Self { comment, session: None }
    }
}

/// A comment as a guest sees it: the text, where in the audio, and a display name (a guest's
/// own name, or a team member's username; never an email).
#[Object(name = "ReviewComment")]
impl ReviewCommentNode {
    /// The comment's id (`cmt_…`).
    async fn id(&self) -> ID {
        encode(Kind::Comment, self.comment.id.0)
    }

    /// The text.
    async fn content(&self) -> &str {
        &self.comment.content
    }

    /// Who wrote it: the guest's display name, or the team member's username.
    async fn author_name(&self) -> String {
        match (&self.comment.guest_name, self.comment.owner_id) {
            (Some(name), _) => name.clone(),
            (None, Some(owner)) => self
                .session
                .as_ref()
                .and_then(|session| session.names.get(&owner).cloned())
                .unwrap_or_default(),
            (None, None) => String::new(),
        }
    }

    /// Whether a guest wrote it.
    async fn is_guest(&self) -> bool {
        self.comment.is_guest()
    }

    /// The version it is about.
    async fn file_id(&self) -> ID {
        encode(Kind::File, self.comment.file_id.0)
    }

    /// Seconds from the start; null for replies.
    async fn time_start(&self) -> Option<f64> {
        self.comment.time.map(|time| time.start)
    }

    /// End of the range in seconds; null for a moment.
    async fn time_end(&self) -> Option<f64> {
        self.comment.time.and_then(|time| time.end)
    }

    /// Whether the team marked it done.
    async fn is_resolved(&self) -> bool {
        self.comment.is_resolved
    }

    /// The team's replies, oldest first.
    async fn responses(&self) -> Vec<ReviewCommentNode> {
        let Some(session) = &self.session else {
            return Vec::new();
        };
        session
            .replies
            .get(&self.comment.id)
            .map(|replies| {
                replies
                    .iter()
                    .map(|reply| ReviewCommentNode {
                        comment: reply.clone(),
                        session: Some(Arc::clone(session)),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime<Utc> {
        self.comment.created_at
    }
}
