//! Backline's credential adapters: argon2id password hashing, HS256 JWT access tokens,
//! identifier and secret generation, the system clock, and an in-memory login throttle.

mod ids;
mod jwt;
mod password;
mod throttle;

pub use ids::{RandomIds, SystemClock};
pub use jwt::{ACCESS_TOKEN_TTL_MINUTES, AUDIENCE, ISSUER, JwtIssuer};
pub use password::Argon2Hasher;
pub use throttle::InMemoryLoginThrottle;
