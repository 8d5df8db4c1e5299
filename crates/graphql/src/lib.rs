//! Backline's GraphQL schema: types, resolvers, dataloaders, limits and the mapping of errors
//! to `extensions.code`. Framework-free: the server crate mounts it on HTTP and WebSocket.

mod context;
mod error;
mod ids;
mod limits;
mod loaders;
mod mutation;
mod pagination;
mod query;
mod subscription;
mod types;

use async_graphql::Schema;

pub use context::RequestContext;
pub use error::{ensure_error_codes, refusal_response};
pub use limits::{Checked, LimitExceeded, Limits, RequestGuard};
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use subscription::SubscriptionRoot;
pub use types::media::waveform_json;

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
    let mut builder = Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
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
    Schema::build(QueryRoot, MutationRoot::default(), SubscriptionRoot)
        .finish()
        .sdl()
}
