//! Identity: users, sessions and refresh tokens, email tokens, login throttles.

pub(crate) mod email_tokens;
pub(crate) mod sessions;
pub(crate) mod throttles;
pub(crate) mod users;

pub use email_tokens::SqlEmailTokenRepository;
pub use sessions::SqlSessionRepository;
pub use throttles::SqlThrottle;
pub use users::SqlUserRepository;
