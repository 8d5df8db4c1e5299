//! The feedback context's service.

use std::sync::Arc;

use crate::access::Access;
use crate::live::Feeds;
use crate::notifications::Notifier;
use crate::ports::{Clock, CommentRepository, FileRepository, IdGenerator};

/// Time-synced comments, reactions and their live events: the ports their use cases use.
#[derive(Clone)]
pub struct Feedback {
    /// Authorization and resource look-ups.
    pub(crate) access: Access,
    /// Comments.
    pub(crate) comments: Arc<dyn CommentRepository>,
    /// The versions comments are on.
    pub(crate) files: Arc<dyn FileRepository>,
    /// Notifications about comments.
    pub(crate) notifier: Notifier,
    /// Comment and track events, live and replayed.
    pub(crate) feeds: Feeds,
    /// Time.
    pub(crate) clock: Arc<dyn Clock>,
    /// Ids.
    pub(crate) ids: Arc<dyn IdGenerator>,
}
