//! Identity: accounts, sign-in, sessions, email verification and plans.

mod change_password;
mod email_verification;
mod log_in;
mod plans;
mod profile;
mod rate_limits;
mod service;
mod session_cache;
mod session_tokens;
mod sessions;
mod sign_up;

pub use service::Identity;

pub use change_password::{change_password, generate_password, reset_password};
pub use email_verification::{resend_verification_email, verify_email};
pub use log_in::log_in;
pub(crate) use plans::{plan_of, require_pro};
pub use plans::{set_user_plan, storage_limit, subscriptions_of};
pub use profile::{UpdateProfile, find_user, find_user_by_username, update_profile, users_by_ids, visible_email};
pub use rate_limits::{admit_mutations, prune_throttles};
pub use session_cache::{ACTIVE_TTL, Generation, Known, SessionCache, follow_session_ends};
pub use session_tokens::{AuthPayload, authenticate, authenticate_until, hash_token};
pub use sessions::{find_session, list_sessions, log_out, refresh_session, revoke_session};
pub use sign_up::{SignUp, sign_up};
