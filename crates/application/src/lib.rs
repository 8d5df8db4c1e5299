//! Backline's use cases, one module per context, and the ports (traits) they need. Every use
//! case authorizes its caller here; the GraphQL layer only translates.

pub mod access;
pub mod app;
pub mod code;
pub mod creators;
pub mod error;
pub mod failpoints;
pub mod feedback;
pub mod identity;
mod live;
pub mod media;
pub mod notifications;
pub mod persisted;
pub mod ports;
pub mod sharing;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod workspace;

pub use app::{Actor, App, AppSettings, ClientMeta, MediaSettings, PlanLimits, Ports};
pub use code::Code;
pub use error::AppError;
