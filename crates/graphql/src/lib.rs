//! Backline's GraphQL schema, one module per context (identity, workspace, media, feedback,
//! notifications, sharing, creators), each with its queries, mutations, types and loaders;
//! `common` holds what they share (request context, error mapping, ids, pagination, node
//! declarations, the dataloader) and `limits` the query limits. Framework-free: the server
//! crate mounts it on HTTP and WebSocket.

mod common;
mod creators;
mod feedback;
mod identity;
mod limits;
mod media;
mod node_query;
mod notifications;
mod roots;
mod sharing;
mod workspace;

use async_graphql::Schema;

pub use common::context::RequestContext;
pub use common::error::{ensure_error_codes, refusal_response};
pub use common::waveform::waveform_json;
pub use limits::{Checked, LimitExceeded, Limits, RequestGuard};
pub use roots::{MutationRoot, QueryRoot, SubscriptionRoot};

/// Backline's schema type.
pub type BacklineSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// How the schema is built.
#[derive(Debug, Clone)]
pub struct SchemaOptions {
    /// Allow `__schema`/`__type` introspection (GraphiQL needs it).
    pub introspection: bool,
    /// Suggest field names in validation errors ("did you mean …").
    pub suggestions: bool,
    /// Query limits (the schema keeps the parser-level ones; [`RequestGuard`] checks the rest).
    pub limits: Limits,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self {
            introspection: true,
            suggestions: true,
            limits: Limits::default(),
        }
    }
}

/// Builds the schema around an application.
pub fn build_schema(app: backline_application::App, options: &SchemaOptions) -> BacklineSchema {
    let limits = options.limits.clone();
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
    .data(app)
    .limit_recursive_depth(limits.max_recursive_depth)
    .limit_directives(limits.max_directives);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
    .finish()
    .sdl()
}
