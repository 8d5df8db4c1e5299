//! Public review links: making and revoking them, and what guests do through them.

use async_graphql::{Context, ID, InputObject, Object};
use backline_application::sharing::{self as uc, CreateReviewLink, GuestComment};
use backline_domain::ids::{FileId, ReviewLinkId, TrackId};
use chrono::{DateTime, Utc};

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode};
use crate::common::nodes::ReviewLinkNode;
use crate::sharing::review_links::{GqlReviewVersions, ReviewCommentNode};

#[derive(Default)]
pub(crate) struct ReviewMutation;

/// Input of `createReviewLink`.
#[derive(InputObject)]
struct CreateReviewLinkInput {
    /// The track to share.
    track_id: ID,
    /// LATEST (follows new uploads), FINAL (the approved version) or SPECIFIC (`fileIds`).
    versions: GqlReviewVersions,
    /// The versions of a SPECIFIC link (1-20 versions of this track); leave out otherwise.
    file_ids: Option<Vec<ID>>,
    /// A password guests must give (4-128 characters; PRO plan or higher). Stored hashed.
    password: Option<String>,
    /// When the link stops opening (must be in the future); leave out for never.
    expires_at: Option<DateTime<Utc>>,
    /// Whether guests are offered a download of the original file (default false).
    allow_download: Option<bool>,
    /// Whether guests may comment (default false).
    allow_comments: Option<bool>,
}

/// Input of `addReviewComment`.
#[derive(InputObject)]
struct AddReviewCommentInput {
    /// The link's code.
    code: String,
    /// The link's password, when it has one.
    password: Option<String>,
    /// The version the comment is about (one the link shows).
    file_id: ID,
    /// The name to show with the comment (1-60 characters).
    guest_name: String,
    /// The text (1-5,000 characters).
    content: String,
    /// Seconds from the start (a moment, or the start of a range).
    time_start: Option<f64>,
    /// Seconds from the start (the end of a range).
    time_end: Option<f64>,
}

#[Object]
impl ReviewMutation {
    /// Shares a track with people outside the platform (OWNER and ADMIN of the track). A
    /// password, and a fourth active link in one space, need the space owner on PRO or higher
    /// (`PLAN_REQUIRED`, with `extensions.requiredPlan`).
    async fn create_review_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track, the versions and the link's settings.")] input: CreateReviewLinkInput,
    ) -> async_graphql::Result<ReviewLinkNode> {
        let (app, request) = parts(ctx)?;
        let file_ids = input
            .file_ids
            .unwrap_or_default()
            .iter()
            .map(|id| decode(Kind::File, id, "fileIds").map(FileId))
            .collect::<async_graphql::Result<Vec<FileId>>>()?;
        let input = CreateReviewLink {
            track: TrackId(decode(Kind::Track, &input.track_id, "trackId")?),
            versions: input.versions.into(),
            file_ids,
            password: input.password,
            expires_at: input.expires_at,
            allow_download: input.allow_download.unwrap_or(false),
            allow_comments: input.allow_comments.unwrap_or(false),
        };
        Ok(ReviewLinkNode(
            uc::create_review_link(&app.sharing, &request.actor, input)
                .await
                .gql()?,
        ))
    }

    /// Revokes a review link at once (OWNER and ADMIN of its track): it stops opening, and
    /// guests can no longer comment through it.
    async fn revoke_review_link(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link.")] id: ID,
    ) -> async_graphql::Result<ReviewLinkNode> {
        let (app, request) = parts(ctx)?;
        let id = ReviewLinkId(decode(Kind::ReviewLink, &id, "id")?);
        Ok(ReviewLinkNode(
            uc::revoke_review_link(&app.sharing, &request.actor, id).await.gql()?,
        ))
    }

    /// A guest comments through a review link that allows comments (no account needed). The
    /// comment is marked as a guest comment with the given name; the track's team is notified
    /// and sees it arrive live.
    async fn add_review_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link, the guest's name and the comment.")] input: AddReviewCommentInput,
    ) -> async_graphql::Result<ReviewCommentNode> {
        let (app, request) = parts(ctx)?;
        let comment = GuestComment {
            file_id: FileId(decode(Kind::File, &input.file_id, "fileId")?),
            guest_name: input.guest_name,
            content: input.content,
            time_start: input.time_start,
            time_end: input.time_end,
        };
        let (_, comment) = uc::add_guest_comment(
            &app.sharing,
            &input.code,
            input.password.as_deref(),
            comment,
            &request.meta,
        )
        .await
        .gql()?;
        Ok(ReviewCommentNode::single(comment))
    }

    /// Counts one play of a version shown through a review link (call it when the guest
    /// presses play); returns the link's play count.
    async fn record_review_play(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link's code.")] code: String,
        #[graphql(desc = "The link's password, when it has one.")] password: Option<String>,
        #[graphql(desc = "The version played.")] file_id: ID,
    ) -> async_graphql::Result<i64> {
        let (app, request) = parts(ctx)?;
        let file = FileId(decode(Kind::File, &file_id, "fileId")?);
        uc::record_review_play(&app.sharing, &code, password.as_deref(), file, &request.meta)
            .await
            .gql()
    }
}
