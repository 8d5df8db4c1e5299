//! Black-box tests: each starts the real server on an ephemeral port with its own database.

mod access_matrix;
mod aliases;
mod bad_input;
mod collaborators;
mod comments;
mod identity;
mod invitations;
mod invite_links;
mod labels;
mod live;
mod media_formats;
mod media_images;
mod media_maintenance;
mod media_rules;
mod media_streaming;
mod no_n_plus_one;
mod not_found;
mod notifications;
mod npm_client;
mod processes;
mod query_limits;
mod review_links;
mod security;
mod server;
mod session_revocation;
mod workspace;
