//! Queries: files (track versions).

use async_graphql::{Context, ID, Object};
use backline_application::media::find_file;
use backline_domain::ids::FileId;

use crate::common::context::parts;
use crate::common::error::GqlResult;
use crate::common::ids::{Kind, decode};
use crate::common::nodes::FileNode;

/// Files (track versions).
#[derive(Default)]
pub(crate) struct MediaQuery;

/// Files (track versions).
#[Object]
impl MediaQuery {
    /// A file (track version) by id.
    async fn file(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The file's global id.")] id: ID,
    ) -> async_graphql::Result<FileNode> {
        let (app, request) = parts(ctx)?;
        let id = FileId(decode(Kind::File, &id, "id")?);
        Ok(FileNode(find_file(&app.media, &request.actor, id).await.gql()?))
    }
}
