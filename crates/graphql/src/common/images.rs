//! Images by stored reference, as any object with a picture shows them.

use async_graphql::Context;

use crate::common::context::parts;
use crate::common::nodes::ImageNode;

/// Resolves the image a user, space or project shows.
pub(crate) async fn image_of(ctx: &Context<'_>, stored: Option<&str>) -> async_graphql::Result<Option<ImageNode>> {
    let Some(id) = stored.and_then(|value| value.parse::<uuid::Uuid>().ok()) else {
        return Ok(None);
    };
    let (_, request) = parts(ctx)?;
    Ok(request
        .loaders
        .0
        .load_one(backline_domain::ids::ImageId(id))
        .await?
        .map(ImageNode))
}
