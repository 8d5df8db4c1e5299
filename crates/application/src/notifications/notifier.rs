//! What deciding notifications reads.

use std::sync::Arc;

use crate::access::Access;
use crate::ports::{Clock, IdGenerator, NotificationRepository};

/// The ports behind deciding who hears about a change (read access, each recipient's settings,
/// the sender's name): held by every context whose use cases raise notifications. The
/// notifications are stored by the change's own repository call.
#[derive(Clone)]
pub struct Notifier {
    /// Who may read the target.
    pub(crate) access: Access,
    /// Recipients' notification settings.
    pub(crate) notifications: Arc<dyn NotificationRepository>,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// Notification ids.
    pub(crate) ids: Arc<dyn IdGenerator>,
}
