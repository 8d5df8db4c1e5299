//! Black-box tests: each starts the real server on an ephemeral port with its own database.

mod access_matrix;
mod bad_input;
mod collaborators;
mod identity;
mod no_n_plus_one;
mod security;
mod server;
mod workspace;
