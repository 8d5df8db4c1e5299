//! Uploading versions and images, approving and deleting versions.

use async_graphql::{Context, ID, InputObject, Object, Upload};
use backline_application::media::{self as uc, UploadDocument, UploadFile, UploadImage};
use backline_application::ports::ByteStream;
use backline_domain::ids::{ArtistSpaceId, FileId, TrackId};

use crate::common::context::parts;
use crate::common::enums::GqlImageTarget;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode, encode};
use crate::common::nodes::{DocumentNode, FileNode, ImageNode};

#[derive(Default)]
pub(crate) struct MediaMutation;

/// Input of `uploadFile`.
#[derive(InputObject)]
struct UploadFileInput {
    /// The track the file becomes the next version of.
    track_id: ID,
    /// The file, sent as a GraphQL multipart request (apollo-upload-client and the like).
    file: Upload,
    /// A name to show instead of the file's own name.
    name: Option<String>,
}

/// Input of `uploadImage`.
#[derive(InputObject)]
struct UploadImageInput {
    /// What the image is for.
    target: GqlImageTarget,
    /// Your user id (USER_AVATAR), the space's id (ARTIST_SPACE, ARTIST_VISUAL) or the
    /// project's id (PROJECT_COVER).
    target_id: ID,
    /// A PNG, JPEG, WebP or GIF, sent as a GraphQL multipart request.
    file: Upload,
}

/// Input of `uploadDocument`.
#[derive(InputObject)]
struct UploadDocumentInput {
    /// The artist space it belongs to.
    artist_space_id: ID,
    /// A PDF or ZIP, sent as a GraphQL multipart request.
    file: Upload,
}

/// An uploaded part: its name, declared type, size and content as a stream.
struct Part {
    filename: String,
    content_type: Option<String>,
    size: Option<u64>,
    content: ByteStream,
}

fn part(ctx: &Context<'_>, upload: &Upload) -> async_graphql::Result<Part> {
    let value = upload
        .value(ctx)
        .map_err(|error| crate::common::error::gql(backline_application::AppError::Internal(error.into())))?;
    let size = value.size().ok();
    let file = tokio::fs::File::from_std(value.content);
    Ok(Part {
        filename: value.filename,
        content_type: value.content_type,
        size,
        content: Box::pin(tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024)),
    })
}

#[Object]
impl MediaMutation {
    /// Uploads a new version of a track (needs File C: owner, admin or editor). The content is
    /// checked, not trusted: its type is recognised from its first bytes (WAV, AIFF, FLAC, MP3,
    /// Ogg Vorbis/Opus, MP4/M4A; PNG, JPEG, WebP, GIF) and must agree with the declared type.
    /// It counts against your plan's storage. Audio is analysed in the background; poll
    /// `analysis.status` or wait for READY.
    async fn upload_file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The track, the file and an optional display name.")] input: UploadFileInput,
    ) -> async_graphql::Result<FileNode> {
        let (app, request) = parts(ctx)?;
        let track_id = TrackId(decode(Kind::Track, &input.track_id, "trackId")?);
        let part = part(ctx, &input.file)?;
        let file = uc::upload_file(
            &app.media,
            &request.actor,
            UploadFile {
                track_id,
                name: input.name.unwrap_or(part.filename),
                declared_type: part.content_type,
                size_hint: part.size,
                content: part.content,
            },
        )
        .await
        .gql()?;
        Ok(FileNode(file))
    }

    /// Approves a version as the track's final one; the flag leaves the others (needs Track U:
    /// owner, admin or editor).
    async fn approve_file_version(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version to approve.")] file_id: ID,
    ) -> async_graphql::Result<FileNode> {
        let (app, request) = parts(ctx)?;
        let id = FileId(decode(Kind::File, &file_id, "fileId")?);
        Ok(FileNode(
            uc::approve_file_version(&app.media, &request.actor, id).await.gql()?,
        ))
    }

    /// Deletes a version with its waveform (needs File D: owner or admin). Its bytes return to
    /// the uploader's storage; its version number is not reused. Returns the deleted id.
    async fn delete_file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The version to delete.")] file_id: ID,
    ) -> async_graphql::Result<ID> {
        let (app, request) = parts(ctx)?;
        let id = FileId(decode(Kind::File, &file_id, "fileId")?);
        let deleted = uc::delete_file(&app.media, &request.actor, id).await.gql()?;
        Ok(encode(Kind::File, deleted.0))
    }

    /// Sets your avatar, an artist space's image or a project's cover, or adds a visual to a
    /// space (ARTIST_VISUAL, then list it in the profile). The server makes 640 px and 160 px
    /// variants, strips metadata, and refuses images over 50 megapixels. The image it replaces
    /// is deleted (visuals replace nothing).
    async fn upload_image(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the image is for, and the file.")] input: UploadImageInput,
    ) -> async_graphql::Result<ImageNode> {
        let (app, request) = parts(ctx)?;
        let kind = match input.target {
            GqlImageTarget::UserAvatar => Kind::User,
            GqlImageTarget::ArtistSpace | GqlImageTarget::ArtistVisual => Kind::ArtistSpace,
            GqlImageTarget::ProjectCover => Kind::Project,
        };
        let target_id = decode(kind, &input.target_id, "targetId")?;
        let part = part(ctx, &input.file)?;
        let image = uc::upload_image(
            &app.media,
            &request.actor,
            UploadImage {
                target: input.target.into(),
                target_id,
                declared_type: part.content_type,
                content: part.content,
            },
        )
        .await
        .gql()?;
        Ok(ImageNode(image))
    }

    /// Stores a press-kit document (PDF or ZIP, at most 50 MiB) in an artist space (OWNER and
    /// ADMIN); list it in the profile with `updateArtistProfile(input: {pressKits: [{title,
    /// documentId}]})`. The type is recognised from the content; it counts against your storage.
    async fn upload_document(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The space and the file.")] input: UploadDocumentInput,
    ) -> async_graphql::Result<DocumentNode> {
        let (app, request) = parts(ctx)?;
        let space = ArtistSpaceId(decode(Kind::ArtistSpace, &input.artist_space_id, "artistSpaceId")?);
        let part = part(ctx, &input.file)?;
        let document = uc::upload_document(
            &app.media,
            &request.actor,
            UploadDocument {
                space,
                name: Some(part.filename),
                content: part.content,
            },
        )
        .await
        .gql()?;
        Ok(DocumentNode(document))
    }
}
