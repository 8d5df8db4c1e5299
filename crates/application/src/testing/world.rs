//! A small world of fakes for unit tests of use cases: one space, project and track owned by
//! one user, a version of the track, and services wired over the fakes.

use std::sync::Arc;

use backline_domain::ids::{SessionId, UserId};
use backline_domain::media::MediaFile;
use backline_domain::roles::Role;
use backline_domain::workspace::{ResourcePath, Track};
use uuid::Uuid;

use super::{
    ManualClock, MemoryCollaborators, MemoryComments, MemoryEvents, MemoryFiles, MemoryNotifications, MemoryUsers,
    MemoryWorkspace, SequentialIds,
};
use crate::Actor;
use crate::access::Access;
use crate::feedback::Feedback;
use crate::live::Feeds;
use crate::notifications::Notifier;

/// The fakes, what they hold, and the services over them.
pub(crate) struct World {
    pub(crate) collaborators: Arc<MemoryCollaborators>,
    pub(crate) users: Arc<MemoryUsers>,
    pub(crate) comments: Arc<MemoryComments>,
    pub(crate) owner: UserId,
    pub(crate) track: Track,
    /// The track's first version, 180 seconds long.
    pub(crate) version: MediaFile,
    pub(crate) feedback: Feedback,
}

impl World {
    /// A space, project and track owned by `owner`, with one 180-second version.
    pub(crate) fn new() -> Self {
        let collaborators = Arc::new(MemoryCollaborators::default());
        let workspace = Arc::new(MemoryWorkspace::sharing(Arc::clone(&collaborators)));
        let users = Arc::new(MemoryUsers::default());
        let comments = Arc::new(MemoryComments::default());
        let files = Arc::new(MemoryFiles::default());
        let notifications = Arc::new(MemoryNotifications::default());
        let events = Arc::new(MemoryEvents::default());
        let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
        let ids = Arc::new(SequentialIds::default());
        let owner = users.add("owner", "owner@example.com").id;
        let space = workspace.add_space(owner, "The Band");
        let project = workspace.add_project(&space, owner, "First Album");
        let track = workspace.add_track(&project, owner, "Opener");
        let version = files.add_version(&track, owner, Some(180.0));
        let access = Access {
            workspace,
            collaborators: Arc::clone(&collaborators) as _,
            users: Arc::clone(&users) as _,
        };
        let notifier = Notifier {
            access: access.clone(),
            notifications,
            clock: Arc::clone(&clock) as _,
            ids: Arc::clone(&ids) as _,
        };
        let feedback = Feedback {
            access,
            comments: Arc::clone(&comments) as _,
            files,
            notifier,
            feeds: Feeds::new(Arc::clone(&events) as _, events),
            clock,
            ids,
        };
        Self {
            collaborators,
            users,
            comments,
            owner,
            track,
            version,
            feedback,
        }
    }

    /// A signed-in caller.
    pub(crate) fn actor(user: UserId) -> Actor {
        Actor::user(user, SessionId(Uuid::now_v7()))
    }

    /// A new account holding `role` on the track (`None`: nothing here).
    pub(crate) fn person(&self, name: &str, role: Option<Role>) -> UserId {
        let user = self.users.add(name, &format!("{name}@example.com")).id;
        if let Some(role) = role {
            self.collaborators.grant(self.track_path(), user, role);
        }
        user
    }

    /// The track's path.
    pub(crate) fn track_path(&self) -> ResourcePath {
        self.track.path()
    }
}
