//! What each request carries into the resolvers.

use std::sync::Arc;

use backline_application::{Actor, App, ClientMeta};

use crate::common::loaders::Loaders;

/// Per-request data: who is calling, from where, and the request's dataloaders. The server
/// builds one per HTTP request or WebSocket connection and adds it with `Request::data`.
pub struct RequestContext {
    pub(crate) actor: Arc<Actor>,
    pub(crate) meta: ClientMeta,
    pub(crate) loaders: Loaders,
    pub(crate) base_url: String,
}

impl RequestContext {
    /// A context for `actor`.
    pub fn new(app: &App, actor: Actor, meta: ClientMeta) -> Self {
        let actor = Arc::new(actor);
        Self {
            loaders: Loaders::new(app, &actor),
            actor,
            meta,
            base_url: String::new(),
        }
    }

    /// Makes content URLs absolute under `base_url` (e.g. `https://api.backline.example`);
    /// without it they are relative paths.
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into().trim_end_matches('/').to_owned();
        self
    }
}

/// Reads the application and request context from a resolver context.
pub(crate) fn parts<'a>(ctx: &'a async_graphql::Context<'_>) -> async_graphql::Result<(&'a App, &'a RequestContext)> {
    Ok((ctx.data::<App>()?, ctx.data::<RequestContext>()?))
}
