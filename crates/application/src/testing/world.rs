//! A small world of fakes for unit tests of use cases: one space, project and track owned by
//! one user, a version of the track, and the services wired over the fakes.

use std::sync::Arc;

use backline_domain::ids::{SessionId, UserId};
use backline_domain::media::MediaFile;
use backline_domain::roles::Role;
use backline_domain::workspace::{ArtistSpace, ResourcePath, Track};
use uuid::Uuid;

use super::{
    ManualClock, MemoryAliases, MemoryBlobs, MemoryCollaborators, MemoryComments, MemoryDocuments, MemoryEvents,
    MemoryFiles, MemoryImages, MemoryInvitations, MemoryInviteLinks, MemoryNotifications, MemoryOrganizations,
    MemoryProfiles, MemoryReviewLinks, MemoryThrottle, MemoryUsers, MemoryWorkspace, PlainHasher, RecordingMailer,
    SequentialIds,
};
use crate::access::Access;
use crate::creators::Creators;
use crate::feedback::Feedback;
use crate::live::Feeds;
use crate::notifications::Notifier;
use crate::sharing::Sharing;
use crate::workspace::Workspace;
use crate::{Actor, AppSettings};

/// Wrong review-link passwords allowed per window before `RATE_LIMITED`.
pub(crate) const PASSWORD_TRIES: usize = 3;

/// The fakes, what they hold, and the services over them.
pub(crate) struct World {
    pub(crate) collaborators: Arc<MemoryCollaborators>,
    pub(crate) users: Arc<MemoryUsers>,
    pub(crate) comments: Arc<MemoryComments>,
    pub(crate) invitations: Arc<MemoryInvitations>,
    pub(crate) review_links: Arc<MemoryReviewLinks>,
    pub(crate) mailer: Arc<RecordingMailer>,
    pub(crate) organizations: Arc<MemoryOrganizations>,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) owner: UserId,
    pub(crate) space: ArtistSpace,
    pub(crate) track: Track,
    /// The track's first version, 180 seconds long.
    pub(crate) version: MediaFile,
    pub(crate) workspace: Workspace,
    pub(crate) feedback: Feedback,
    pub(crate) sharing: Sharing,
    pub(crate) creators: Creators,
}

impl World {
    /// A space, project and track owned by `owner`, with one 180-second version.
    pub(crate) fn new() -> Self {
        let collaborators = Arc::new(MemoryCollaborators::default());
        let hierarchy = MemoryWorkspace::sharing(Arc::clone(&collaborators));
        let users = Arc::new(MemoryUsers::default());
        let comments = Arc::new(MemoryComments::default());
        let files = Arc::new(MemoryFiles::default());
        let notifications = Arc::new(MemoryNotifications::default());
        let invitations = Arc::new(MemoryInvitations::new(Arc::clone(&collaborators)));
        let review_links = Arc::new(MemoryReviewLinks::new());
        let mailer = Arc::new(RecordingMailer::new());
        let events = Arc::new(MemoryEvents::default());
        let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
        let ids = Arc::new(SequentialIds::default());
        let owner = users.add("owner", "owner@example.com").id;
        let space = hierarchy.add_space(owner, "The Band");
        let project = hierarchy.add_project(&space, owner, "First Album");
        let track = hierarchy.add_track(&project, owner, "Opener");
        let version = files.add_version(&track, owner, Some(180.0));
        let access = Access {
            workspace: Arc::clone(&hierarchy) as _,
            collaborators: Arc::clone(&collaborators) as _,
            users: Arc::clone(&users) as _,
        };
        let notifier = Notifier {
            access: access.clone(),
            notifications,
            clock: Arc::clone(&clock) as _,
            ids: Arc::clone(&ids) as _,
        };
        let aliases = Arc::new(MemoryAliases::new(Arc::clone(&hierarchy)));
        let blobs = Arc::new(MemoryBlobs::new());
        let organizations = Arc::new(MemoryOrganizations::new(Arc::clone(&collaborators)));
        let workspace = Workspace {
            access: access.clone(),
            aliases: Arc::clone(&aliases) as _,
            blobs: Arc::clone(&blobs) as _,
            notifier: notifier.clone(),
            clock: Arc::clone(&clock) as _,
            ids: Arc::clone(&ids) as _,
        };
        let sharing = Sharing {
            access: access.clone(),
            invitations: Arc::clone(&invitations) as _,
            invite_links: Arc::new(MemoryInviteLinks::new(Arc::clone(&collaborators))),
            review_links: Arc::clone(&review_links) as _,
            comments: Arc::clone(&comments) as _,
            files: Arc::clone(&files) as _,
            mailer: Arc::clone(&mailer) as _,
            hasher: Arc::new(PlainHasher::new()),
            throttle: Arc::new(MemoryThrottle::new(PASSWORD_TRIES, chrono::Duration::minutes(15))),
            notifier: notifier.clone(),
            clock: Arc::clone(&clock) as _,
            ids: Arc::clone(&ids) as _,
            settings: Arc::new(AppSettings::default()),
        };
        let creators = Creators {
            access: access.clone(),
            spaces: workspace.clone(),
            organizations: Arc::clone(&organizations) as _,
            aliases,
            profiles: Arc::new(MemoryProfiles::new()),
            images: Arc::new(MemoryImages::new(
                Arc::clone(&users),
                Arc::clone(&hierarchy),
                Arc::clone(&files),
            )),
            documents: Arc::new(MemoryDocuments::new(Arc::clone(&hierarchy), Arc::clone(&files))),
            files: Arc::clone(&files) as _,
            blobs,
            notifier: notifier.clone(),
            clock: Arc::clone(&clock) as _,
            ids: Arc::clone(&ids) as _,
        };
        let feedback = Feedback {
            access,
            comments: Arc::clone(&comments) as _,
            files,
            notifier,
            feeds: Feeds::new(Arc::clone(&events) as _, events),
            clock: Arc::clone(&clock) as _,
            ids,
        };
        Self {
            collaborators,
            users,
            comments,
            invitations,
            review_links,
            mailer,
            organizations,
            clock,
            owner,
            space,
            track,
            version,
            workspace,
            feedback,
            sharing,
            creators,
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
