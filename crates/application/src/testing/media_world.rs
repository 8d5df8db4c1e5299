//! The media service wired over the fakes, for unit tests of its use cases: one space, project
//! and track owned by one user, and the fakes the service writes to.

use std::sync::Arc;

use backline_domain::ids::{SessionId, UserId};
use backline_domain::media::MediaFile;
use backline_domain::roles::Role;
use backline_domain::workspace::{ArtistSpace, Project, ResourcePath, Track};
use bytes::Bytes;
use uuid::Uuid;

use super::{
    ManualClock, MemoryBlobs, MemoryCollaborators, MemoryDocuments, MemoryFiles, MemoryImages, MemoryJobs,
    MemoryNotifications, MemoryUsers, MemoryWorkspace, ScriptedAnalyzer, ScriptedImageProcessor, SequentialIds,
};
use crate::access::Access;
use crate::error::AppResult;
use crate::media::{Media, UploadFile, upload_file};
use crate::notifications::Notifier;
use crate::ports::{ByteStream, JobKind, JobQueue};
use crate::{Actor, AppSettings};

/// The first bytes of a WAV file: enough for the format to be recognised.
pub(crate) const WAV: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00";

/// The fakes, what they hold, and the media service over them.
pub(crate) struct MediaWorld {
    pub(crate) users: Arc<MemoryUsers>,
    pub(crate) collaborators: Arc<MemoryCollaborators>,
    pub(crate) files: Arc<MemoryFiles>,
    pub(crate) blobs: MemoryBlobs,
    pub(crate) jobs: Arc<MemoryJobs>,
    pub(crate) images: Arc<MemoryImages>,
    pub(crate) documents: Arc<MemoryDocuments>,
    pub(crate) analyzer: Arc<ScriptedAnalyzer>,
    pub(crate) processor: Arc<ScriptedImageProcessor>,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) settings: Arc<AppSettings>,
    pub(crate) owner: UserId,
    pub(crate) space: ArtistSpace,
    pub(crate) project: Project,
    pub(crate) track: Track,
    pub(crate) media: Media,
}

impl MediaWorld {
    /// A space, project and track owned by `owner`, with the default settings.
    pub(crate) fn new() -> Self {
        Self::with_settings(AppSettings::default())
    }

    /// The same world with `settings` (attempts, backoff, plan limits).
    pub(crate) fn with_settings(settings: AppSettings) -> Self {
        let users = Arc::new(MemoryUsers::default());
        let collaborators = Arc::new(MemoryCollaborators::default());
        let workspace = MemoryWorkspace::sharing(Arc::clone(&collaborators));
        let files = Arc::new(MemoryFiles::default());
        let blobs = MemoryBlobs::new();
        let jobs = Arc::new(MemoryJobs::new());
        let images = Arc::new(MemoryImages::new(
            Arc::clone(&users),
            Arc::clone(&workspace),
            Arc::clone(&files),
        ));
        let documents = Arc::new(MemoryDocuments::new(Arc::clone(&workspace), Arc::clone(&files)));
        let analyzer = Arc::new(ScriptedAnalyzer::new());
        let processor = Arc::new(ScriptedImageProcessor::new());
        let clock = Arc::new(ManualClock::at(chrono::Utc::now()));
        let ids = Arc::new(SequentialIds::default());
        let settings = Arc::new(settings);
        let owner = users.add("owner", "owner@example.com").id;
        let space = workspace.add_space(owner, "The Band");
        let project = workspace.add_project(&space, owner, "First Album");
        let track = workspace.add_track(&project, owner, "Opener");
        let access = Access {
            workspace: Arc::clone(&workspace) as _,
            collaborators: Arc::clone(&collaborators) as _,
            users: Arc::clone(&users) as _,
        };
        let notifier = Notifier {
            access: access.clone(),
            notifications: Arc::new(MemoryNotifications::default()),
            clock: Arc::clone(&clock) as _,
            ids: Arc::clone(&ids) as _,
        };
        let media = Media {
            access,
            files: Arc::clone(&files) as _,
            blobs: Arc::new(blobs.clone()),
            jobs: Arc::clone(&jobs) as _,
            images: Arc::clone(&images) as _,
            documents: Arc::clone(&documents) as _,
            analyzer: Arc::clone(&analyzer) as _,
            image_processor: Arc::clone(&processor) as _,
            notifier,
            clock: Arc::clone(&clock) as _,
            ids,
            settings: Arc::clone(&settings),
        };
        Self {
            users,
            collaborators,
            files,
            blobs,
            jobs,
            images,
            documents,
            analyzer,
            processor,
            clock,
            settings,
            owner,
            space,
            project,
            track,
            media,
        }
    }

    /// A signed-in caller.
    pub(crate) fn actor(user: UserId) -> Actor {
        Actor::user(user, SessionId(Uuid::now_v7()))
    }

    /// The owner, signed in.
    pub(crate) fn owner_actor(&self) -> Actor {
        Self::actor(self.owner)
    }

    /// A new account holding `role` on `on` (`None`: nothing here).
    pub(crate) fn person(&self, name: &str, role: Option<Role>, on: ResourcePath) -> UserId {
        let user = self.users.add(name, &format!("{name}@example.com")).id;
        if let Some(role) = role {
            self.collaborators.grant(on, user, role);
        }
        user
    }

    /// The track's path.
    pub(crate) fn track_path(&self) -> ResourcePath {
        self.track.path()
    }

    /// The space's path.
    pub(crate) fn space_path(&self) -> ResourcePath {
        self.space.path()
    }

    /// A stream of `bytes` in one chunk.
    pub(crate) fn stream(bytes: Vec<u8>) -> ByteStream {
        let chunk: std::io::Result<Bytes> = Ok(Bytes::from(bytes));
        Box::pin(futures::stream::iter([chunk]))
    }

    /// `len` bytes of WAV (its header, then silence).
    pub(crate) fn wav(len: usize) -> Vec<u8> {
        let mut bytes = WAV.to_vec();
        bytes.resize(len.max(WAV.len()), 0);
        bytes
    }

    /// Uploads `len` bytes of WAV to the track as the owner and queues its analysis job, as the
    /// SQL store does in the upload's transaction (the file fake only records that it would).
    pub(crate) async fn upload_audio(&self, len: usize) -> AppResult<MediaFile> {
        let file = upload_file(
            &self.media,
            &self.owner_actor(),
            UploadFile {
                track_id: self.track.id,
                name: "take.wav".to_owned(),
                declared_type: Some("audio/wav".to_owned()),
                size_hint: None,
                content: Self::stream(Self::wav(len)),
            },
        )
        .await?;
        self.jobs
            .enqueue(JobKind::AnalyzeFile, file.id.0, self.clock_now())
            .await?;
        Ok(file)
    }

    /// What the clock shows.
    pub(crate) fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        crate::ports::Clock::now(&*self.clock)
    }

    /// The stored file with this id; `NOT_FOUND` when it is not stored.
    pub(crate) async fn stored_file(&self, id: backline_domain::ids::FileId) -> AppResult<MediaFile> {
        crate::ports::FileRepository::files(&*self.files, &[id])
            .await?
            .pop()
            .ok_or(crate::error::AppError::NotFound("stored file"))
    }

    /// The one stored job about `subject`; `NOT_FOUND` when there is none or several.
    pub(crate) fn job_for(&self, subject: Uuid) -> AppResult<super::StoredJob> {
        match self.jobs.jobs_for(subject).as_slice() {
            [job] => Ok(job.clone()),
            _ => Err(crate::error::AppError::NotFound("the one stored job")),
        }
    }
}
