//! Backline's credential adapters: argon2id password hashing, HS256 JWT access tokens,
//! identifier and secret generation and the system clock.

mod ids;
mod jwt;
mod password;

pub use ids::{RandomIds, SystemClock};
pub use jwt::{ACCESS_TOKEN_TTL_MINUTES, AUDIENCE, ISSUER, JwtIssuer};
pub use password::Argon2Hasher;
