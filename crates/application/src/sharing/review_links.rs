//! Public review links: OWNER and ADMIN of a track share chosen versions with people who have
//! no account, optionally behind a password, until the link expires or is revoked. Guests see
//! the track's title, the space's name and cover, the versions with streaming URLs and
//! waveforms, and (when the link allows comments) the threads guests started through this link
//! with the team's replies. Nothing else is shown: no collaborators, emails or team comments.

use std::collections::HashMap;

use backline_domain::comments::{Comment, CommentContent, TimeRange};
use backline_domain::ids::{CommentId, FileId, ReviewLinkId, TrackId, UserId};
use backline_domain::media::MediaFile;
use backline_domain::notifications::NotificationType;
use backline_domain::review::{
    FREE_ACTIVE_REVIEW_LINKS, ReviewLink, ReviewVersions, guest_name, review_password, review_selection,
};
use backline_domain::roles::{Plan, Role};
use backline_domain::sharing::{is_short_code, short_code_from};
use backline_domain::workspace::{ArtistSpace, Project, Track};
use chrono::{DateTime, SubsecRound, Utc};

use super::Sharing;
use crate::access::readable_or_not_found;
use crate::error::{AppError, AppResult, NotFoundAs};
use crate::identity::{plan_of, require_pro};
use crate::notifications::{About, prepare, track_audience, track_context};
use crate::ports::{CommentEventKind, NewComment};
use crate::ports::{RepoError, ReviewCounter};
use crate::workspace::resource::{load_project, load_space, load_track};
use crate::{Actor, ClientMeta};
use backline_domain::notifications::Notification;

/// Links listed per track.
const LINKS_LISTED: u64 = 100;
/// Guest threads shown per link.
const THREADS_SHOWN: u64 = 500;
/// Tries at drawing an unused code.
const CODE_TRIES: usize = 5;

/// A new review link.
#[derive(Debug, Clone)]
pub struct CreateReviewLink {
    /// The track it shares.
    pub track: TrackId,
    /// Which versions it shows.
    pub versions: ReviewVersions,
    /// The versions of a SPECIFIC link.
    pub file_ids: Vec<FileId>,
    /// A password guests must give (PRO plan or higher).
    pub password: Option<String>,
    /// When it stops opening (`None`: never).
    pub expires_at: Option<DateTime<Utc>>,
    /// Whether guests are offered a download.
    pub allow_download: bool,
    /// Whether guests may comment.
    pub allow_comments: bool,
}

/// What a guest sees through a link.
#[derive(Debug, Clone)]
pub struct ReviewSession {
    /// The link (its counters as they were when it was opened).
    pub link: ReviewLink,
    /// The track.
    pub track: Track,
    /// Its project (for the cover).
    pub project: Project,
    /// Its space.
    pub space: ArtistSpace,
    /// The versions shown, newest first.
    pub files: Vec<MediaFile>,
    /// Guest threads started through this link, oldest first (empty when comments are off).
    pub comments: Vec<Comment>,
    /// Replies of those threads, oldest first.
    pub replies: HashMap<CommentId, Vec<Comment>>,
    /// Display names of the team members who replied (usernames; never emails).
    pub names: HashMap<UserId, String>,
}

/// A guest's comment.
#[derive(Debug, Clone)]
pub struct GuestComment {
    /// The version it is about (one the link shows).
    pub file_id: FileId,
    /// The name the guest gives.
    pub guest_name: String,
    /// The text (1-5,000 characters).
    pub content: String,
    /// Seconds from the start.
    pub time_start: Option<f64>,
    /// Seconds from the start (the end of a range).
    pub time_end: Option<f64>,
}

/// Checks that the caller is OWNER or ADMIN of the track (readers get `FORBIDDEN`, others
/// `NOT_FOUND`).
async fn sharer(sharing: &Sharing, actor: &Actor, track: TrackId) -> AppResult<()> {
    let path = load_track(&sharing.access, track).await?.path();
    let role = readable_or_not_found(&sharing.access, actor, path).await?;
    if role < Role::Admin {
        return Err(AppError::Forbidden(format!(
            "only the track's owner and admins manage review links; your role is {role}"
        )));
    }
    Ok(())
}

/// Creates a link (OWNER or ADMIN of the track). Passwords and a fourth active link in one
/// space need the space owner to be on PRO or higher (`PLAN_REQUIRED`).
pub async fn create_review_link(sharing: &Sharing, actor: &Actor, input: CreateReviewLink) -> AppResult<ReviewLink> {
    let user = actor.require()?;
    sharer(sharing, actor, input.track).await?;
    let track = load_track(&sharing.access, input.track).await?;
    let space = load_space(&sharing.access, track.artist_space_id).await?;
    let file_ids = review_selection(input.versions, &input.file_ids)?;
    let found = sharing.files.files(&file_ids).await?;
    for id in &file_ids {
        if !found.iter().any(|file| file.id == *id && file.track_id == track.id) {
            return Err(AppError::invalid(
                "fileIds",
                format!("{id} is not a version of this track"),
            ));
        }
    }
    let now = sharing.clock.now();
    let expires_at = input.expires_at.map(|at| at.trunc_subsecs(6));
    if expires_at.is_some_and(|at| at <= now) {
        return Err(AppError::invalid("expiresAt", "the expiry must be in the future"));
    }
    let password = review_password(input.password.as_deref())?;
    // The space's owner pays for the space.
    let plan = match password {
        Some(_) => {
            require_pro(
                &sharing.access,
                space.owner_id,
                "review-link passwords",
                "the space owner is",
            )
            .await?
        }
        None => plan_of(&sharing.access, space.owner_id).await?,
    };
    if plan < Plan::Pro && sharing.review_links.count_active(space.id, now).await? >= FREE_ACTIVE_REVIEW_LINKS {
        return Err(AppError::PlanRequired {
            plan: Plan::Pro,
            message: format!(
                "more than {FREE_ACTIVE_REVIEW_LINKS} active review links in one space need the PRO plan or higher; \
                 the space owner is on {plan} (revoke one, or upgrade)"
            ),
        });
    }
    let password_hash = password.map(|password| sharing.hasher.hash(password)).transpose()?;
    for _ in 0..CODE_TRIES {
        let Some(code) = short_code_from(&sharing.ids.secret_token(32)) else {
            continue;
        };
        let link = ReviewLink {
            id: ReviewLinkId(sharing.ids.uuid()),
            code,
            owner_id: user,
            artist_space_id: track.artist_space_id,
            project_id: track.project_id,
            track_id: track.id,
            versions: input.versions,
            file_ids: file_ids.clone(),
            password_hash: password_hash.clone(),
            expires_at,
            allow_download: input.allow_download,
            allow_comments: input.allow_comments,
            view_count: 0,
            play_count: 0,
            revoked_at: None,
            created_at: now,
        };
        match sharing.review_links.insert(&link).await {
            Ok(()) => return Ok(link),
            Err(RepoError::Duplicate(_)) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(AppError::Internal(anyhow::anyhow!(
        "could not draw an unused review-link code in {CODE_TRIES} tries"
    )))
}

/// The link behind `code` if it opens for this guest: it exists, is neither revoked nor
/// expired, and `password` matches when it has one. Wrong passwords count against the link and
/// the client address; too many in a short time give `RATE_LIMITED`.
async fn opened(sharing: &Sharing, code: &str, password: Option<&str>, meta: &ClientMeta) -> AppResult<ReviewLink> {
    if !is_short_code(code) {
        return Err(AppError::NotFound("review link"));
    }
    let link = sharing
        .review_links
        .by_code(code)
        .await?
        .ok_or(AppError::NotFound("review link"))?;
    let now = sharing.clock.now();
    if let Some(refusal) = link.refusal(now) {
        return Err(AppError::Forbidden(refusal.message().to_owned()));
    }
    if let Some(hash) = &link.password_hash {
        let mut keys = vec![format!("review:{}", link.id)];
        if let Some(ip) = &meta.ip {
            keys.push(format!("review-ip:{ip}"));
        }
        let Some(given) = password.filter(|given| !given.is_empty()) else {
            return Err(AppError::Unauthenticated(
                "this review link needs its password".to_owned(),
            ));
        };
        let attempt = match sharing.throttle.attempt(&keys, now).await? {
            Ok(attempt) => attempt,
            Err(retry_after_secs) => return Err(AppError::RateLimited { retry_after_secs }),
        };
        if !sharing.hasher.verify(given, hash)? {
            return Err(AppError::Unauthenticated(
                "wrong password for this review link".to_owned(),
            ));
        }
        sharing.throttle.succeeded(attempt, &keys[0]).await?;
    }
    Ok(link)
}

/// The versions a link shows right now, newest first.
async fn shown_files(sharing: &Sharing, link: &ReviewLink) -> AppResult<Vec<MediaFile>> {
    let mut files: Vec<MediaFile> = match link.versions {
        ReviewVersions::Latest => sharing
            .files
            .latest_for_tracks(&[link.track_id])
            .await?
            .into_values()
            .collect(),
        ReviewVersions::Final => sharing
            .files
            .final_for_tracks(&[link.track_id])
            .await?
            .into_values()
            .collect(),
        ReviewVersions::Specific => sharing
            .files
            .files(&link.file_ids)
            .await?
            .into_iter()
            .filter(|file| file.track_id == link.track_id)
            .collect(),
    };
    files.sort_by_key(|file| std::cmp::Reverse(file.version));
    Ok(files)
}

/// Opens a link for anyone holding it (no account needed) and counts one view. `NOT_FOUND`
/// for unknown codes, `FORBIDDEN` naming why for revoked or expired links, `UNAUTHENTICATED`
/// for a missing or wrong password.
pub async fn open_review_link(
    sharing: &Sharing,
    code: &str,
    password: Option<&str>,
    meta: &ClientMeta,
) -> AppResult<ReviewSession> {
    let link = opened(sharing, code, password, meta).await?;
    sharing.review_links.count(link.id, ReviewCounter::View).await?;
    let link = ReviewLink {
        view_count: link.view_count + 1,
        ..link
    };
    let track = load_track(&sharing.access, link.track_id).await?;
    let project = load_project(&sharing.access, link.project_id).await?;
    let space = load_space(&sharing.access, link.artist_space_id).await?;
    let files = shown_files(sharing, &link).await?;
    let (comments, replies, names) = if link.allow_comments {
        let comments = sharing.comments.through_review_link(link.id, THREADS_SHOWN).await?;
        let ids: Vec<CommentId> = comments.iter().map(|comment| comment.id).collect();
        let replies = sharing.comments.replies(&ids).await?;
        let mut authors: Vec<UserId> = replies.values().flatten().filter_map(|reply| reply.owner_id).collect();
        authors.sort_unstable();
        authors.dedup();
        let names = sharing
            .access
            .users
            .find_many(&authors)
            .await?
            .into_iter()
            .map(|user| (user.id, user.username))
            .collect();
        (comments, replies, names)
    } else {
        (Vec::new(), HashMap::new(), HashMap::new())
    };
    Ok(ReviewSession {
        link,
        track,
        project,
        space,
        files,
        comments,
        replies,
        names,
    })
}

/// The version `file` if the link shows it; `NOT_FOUND` otherwise.
async fn shown_file(sharing: &Sharing, link: &ReviewLink, file: FileId) -> AppResult<MediaFile> {
    shown_files(sharing, link)
        .await?
        .into_iter()
        .find(|shown| shown.id == file)
        .ok_or(AppError::NotFound("file"))
}

/// Counts one play of a version the link shows (the player calls it when a guest presses play).
pub async fn record_review_play(
    sharing: &Sharing,
    code: &str,
    password: Option<&str>,
    file: FileId,
    meta: &ClientMeta,
) -> AppResult<i64> {
    let link = opened(sharing, code, password, meta).await?;
    shown_file(sharing, &link, file).await?;
    sharing.review_links.count(link.id, ReviewCounter::Play).await?;
    Ok(link.play_count + 1)
}

/// A guest comments on a version the link shows, under a display name, when the link allows
/// comments (`FORBIDDEN` otherwise). The comment has no author account and is marked as a guest
/// comment; the track's people hear NEW_COMMENT_CREATED and live subscribers see it arrive.
pub async fn add_guest_comment(
    sharing: &Sharing,
    code: &str,
    password: Option<&str>,
    input: GuestComment,
    meta: &ClientMeta,
) -> AppResult<(ReviewLink, Comment)> {
    let link = opened(sharing, code, password, meta).await?;
    if !link.allow_comments {
        return Err(AppError::Forbidden(
            "comments are switched off on this review link".to_owned(),
        ));
    }
    let name = guest_name(&input.guest_name)?;
    let content = CommentContent::parse(&input.content)?;
    let file = shown_file(sharing, &link, input.file_id).await?;
    let duration = file
        .analysis
        .metadata
        .as_ref()
        .map(|metadata| metadata.duration_seconds);
    let time = TimeRange::parse(input.time_start, input.time_end, duration)?;
    let now = sharing.clock.now();
    let comment = Comment {
        guest_name: Some(name.clone()),
        review_link_id: Some(link.id),
        ..Comment::top_level(CommentId(sharing.ids.uuid()), &content, None, &file, time, now)
    };
    let notifications = guest_comment_notifications(sharing, &comment, &name, file.version).await?;
    sharing
        .comments
        .insert(NewComment {
            comment: &comment,
            mentions: &[],
            event: CommentEventKind::Added,
            notifications: &notifications,
        })
        .await?;
    Ok((link, comment))
}

/// What a guest's comment raises (stored with it): NEW_COMMENT_CREATED for the track's people.
async fn guest_comment_notifications(
    sharing: &Sharing,
    comment: &Comment,
    name: &str,
    version: i32,
) -> AppResult<Vec<Notification>> {
    let context = track_context(&sharing.notifier, comment.path()).await?;
    let about = About {
        kind: NotificationType::NewCommentCreated,
        sender: None,
        target: Some(comment.path()),
        pointer: comment.id.0,
        headline: format!(
            "Guest reviewer “{name}” commented on “{}” (v{version}) through a review link",
            context.title
        ),
        slug: context.link(&format!("v={version}&c={}", comment.id)),
        dedupe: None,
    };
    let audience = track_audience(&sharing.notifier, comment.path()).await?;
    prepare(&sharing.notifier, &about, audience).await
}

/// Revokes a link at once (OWNER or ADMIN of its track). Revoking twice is harmless.
pub async fn revoke_review_link(sharing: &Sharing, actor: &Actor, id: ReviewLinkId) -> AppResult<ReviewLink> {
    actor.require()?;
    let link = sharing
        .review_links
        .by_id(id)
        .await?
        .ok_or(AppError::NotFound("review link"))?;
    sharer(sharing, actor, link.track_id)
        .await
        .not_found_as("review link")?;
    sharing
        .review_links
        .revoke(id, sharing.clock.now())
        .await?
        .ok_or(AppError::NotFound("review link"))
}

/// A track's links with their counters, newest first (at most 100), for its OWNER and ADMINs.
pub async fn review_links_of(sharing: &Sharing, actor: &Actor, track: TrackId) -> AppResult<Vec<ReviewLink>> {
    sharer(sharing, actor, track).await?;
    Ok(sharing.review_links.for_track(track, LINKS_LISTED).await?)
}

/// A review link, for the OWNERs and ADMINs of its track; `NOT_FOUND` for anyone else.
pub async fn find_review_link(sharing: &Sharing, actor: &Actor, id: ReviewLinkId) -> AppResult<ReviewLink> {
    actor.require()?;
    let link = sharing
        .review_links
        .by_id(id)
        .await?
        .ok_or(AppError::NotFound("review link"))?;
    sharer(sharing, actor, link.track_id)
        .await
        .map_err(|error| match error {
            AppError::Forbidden(_) | AppError::NotFound(_) => AppError::NotFound("review link"),
            other => other,
        })?;
    Ok(link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::world::{PASSWORD_TRIES, World};

    fn link_input(world: &World, password: Option<&str>, allow_comments: bool) -> CreateReviewLink {
        CreateReviewLink {
            track: world.track.id,
            versions: ReviewVersions::Latest,
            file_ids: Vec::new(),
            password: password.map(str::to_owned),
            expires_at: None,
            allow_download: false,
            allow_comments,
        }
    }

    fn guest() -> ClientMeta {
        ClientMeta {
            user_agent: None,
            ip: Some("203.0.113.7".to_owned()),
        }
    }

    #[tokio::test]
    async fn only_the_owner_and_admins_share_and_strangers_see_nothing() -> AppResult<()> {
        let world = World::new();
        let viewer = world.person("viewer", Some(Role::Viewer));
        let stranger = world.person("stranger", None);
        let admin = world.person("admin", Some(Role::Admin));
        let by_viewer = create_review_link(&world.sharing, &World::actor(viewer), link_input(&world, None, true)).await;
        assert!(matches!(by_viewer, Err(AppError::Forbidden(_))), "{by_viewer:?}");
        let by_stranger =
            create_review_link(&world.sharing, &World::actor(stranger), link_input(&world, None, true)).await;
        assert!(matches!(by_stranger, Err(AppError::NotFound(_))), "{by_stranger:?}");
        assert!(world.review_links.links().is_empty());
        let link = create_review_link(&world.sharing, &World::actor(admin), link_input(&world, None, true)).await?;
        assert_eq!(world.review_links.links(), vec![link.clone()]);
        let seen = find_review_link(&world.sharing, &World::actor(viewer), link.id).await;
        assert!(matches!(seen, Err(AppError::NotFound("review link"))), "{seen:?}");
        Ok(())
    }

    #[tokio::test]
    async fn passwords_and_a_fourth_active_link_need_pro() -> AppResult<()> {
        let world = World::new();
        let owner = World::actor(world.owner);
        let password = create_review_link(
            &world.sharing,
            &owner,
            link_input(&world, Some("studio-secret-9"), false),
        )
        .await;
        assert!(matches!(password, Err(AppError::PlanRequired { .. })), "{password:?}");
        let mut links = Vec::new();
        for _ in 0..FREE_ACTIVE_REVIEW_LINKS {
            links.push(create_review_link(&world.sharing, &owner, link_input(&world, None, false)).await?);
        }
        let fourth = create_review_link(&world.sharing, &owner, link_input(&world, None, false)).await;
        assert!(matches!(fourth, Err(AppError::PlanRequired { .. })), "{fourth:?}");
        let Some(first) = links.first() else {
            return Err(AppError::Internal(anyhow::anyhow!("no link was made")));
        };
        revoke_review_link(&world.sharing, &owner, first.id).await?;
        create_review_link(&world.sharing, &owner, link_input(&world, None, false)).await?;
        assert_eq!(world.review_links.links().len(), 4, "a revoked link frees its place");
        Ok(())
    }

    #[tokio::test]
    async fn a_password_link_opens_only_with_its_password_and_stops_guessing() -> AppResult<()> {
        let world = World::new();
        world.sharing.access.users.set_plan(world.owner, Plan::Pro).await?;
        let link = create_review_link(
            &world.sharing,
            &World::actor(world.owner),
            link_input(&world, Some("studio-secret-9"), false),
        )
        .await?;
        let bare = open_review_link(&world.sharing, &link.code, None, &guest()).await;
        assert!(matches!(bare, Err(AppError::Unauthenticated(_))), "{bare:?}");
        let opened = open_review_link(&world.sharing, &link.code, Some("studio-secret-9"), &guest()).await?;
        assert_eq!(opened.link.view_count, 1);
        assert_eq!(opened.track.id, world.track.id);
        let shown: Vec<FileId> = opened.files.iter().map(|file| file.id).collect();
        assert_eq!(shown, vec![world.version.id]);
        for _ in 0..PASSWORD_TRIES {
            let wrong = open_review_link(&world.sharing, &link.code, Some("guess-guess"), &guest()).await;
            assert!(matches!(wrong, Err(AppError::Unauthenticated(_))), "{wrong:?}");
        }
        let limited = open_review_link(&world.sharing, &link.code, Some("studio-secret-9"), &guest()).await;
        assert!(matches!(limited, Err(AppError::RateLimited { .. })), "{limited:?}");
        let views: Vec<i64> = world.review_links.links().iter().map(|link| link.view_count).collect();
        assert_eq!(views, vec![1], "refused openings count no view");
        Ok(())
    }

    #[tokio::test]
    async fn guests_comment_only_where_allowed_and_the_team_hears_of_it() -> AppResult<()> {
        let world = World::new();
        let owner = World::actor(world.owner);
        let editor = world.person("editor", Some(Role::Editor));
        let closed = create_review_link(&world.sharing, &owner, link_input(&world, None, false)).await?;
        let open = create_review_link(&world.sharing, &owner, link_input(&world, None, true)).await?;
        let comment = |guest_name: &str| GuestComment {
            file_id: world.version.id,
            guest_name: guest_name.to_owned(),
            content: "the vocal is buried at the drop".to_owned(),
            time_start: Some(92.0),
            time_end: Some(100.0),
        };
        let refused = add_guest_comment(&world.sharing, &closed.code, None, comment("Sam"), &guest()).await;
        assert!(matches!(refused, Err(AppError::Forbidden(_))), "{refused:?}");
        assert!(world.comments.stored().is_empty());

        let (_, stored) = add_guest_comment(&world.sharing, &open.code, None, comment("Sam"), &guest()).await?;
        assert_eq!(stored.guest_name.as_deref(), Some("Sam"));
        assert_eq!(stored.review_link_id, Some(open.id));
        assert_eq!(stored.owner_id, None, "a guest comment has no author account");
        assert_eq!(world.comments.stored(), vec![stored.clone()]);
        let mut told: Vec<UserId> = world
            .comments
            .notifications()
            .iter()
            .map(|notification| notification.recipient_id)
            .collect();
        told.sort_unstable();
        let mut team = vec![world.owner, editor];
        team.sort_unstable();
        assert_eq!(told, team);
        let session = open_review_link(&world.sharing, &open.code, None, &guest()).await?;
        let threads: Vec<CommentId> = session.comments.iter().map(|comment| comment.id).collect();
        assert_eq!(
            threads,
            vec![stored.id],
            "guests see the threads started through the link"
        );
        Ok(())
    }

    #[tokio::test]
    async fn revoked_and_expired_links_stop_opening() -> AppResult<()> {
        let world = World::new();
        let owner = World::actor(world.owner);
        let revoked = create_review_link(&world.sharing, &owner, link_input(&world, None, false)).await?;
        revoke_review_link(&world.sharing, &owner, revoked.id).await?;
        let opened = open_review_link(&world.sharing, &revoked.code, None, &guest()).await;
        assert!(matches!(opened, Err(AppError::Forbidden(_))), "{opened:?}");
        let expiring = create_review_link(
            &world.sharing,
            &owner,
            CreateReviewLink {
                expires_at: Some(world.sharing.clock.now() + chrono::Duration::hours(1)),
                ..link_input(&world, None, false)
            },
        )
        .await?;
        open_review_link(&world.sharing, &expiring.code, None, &guest()).await?;
        world.clock.advance(chrono::Duration::hours(2));
        let late = open_review_link(&world.sharing, &expiring.code, None, &guest()).await;
        assert!(matches!(late, Err(AppError::Forbidden(_))), "{late:?}");
        let unknown = open_review_link(&world.sharing, "nothing", None, &guest()).await;
        assert!(matches!(unknown, Err(AppError::NotFound("review link"))), "{unknown:?}");
        Ok(())
    }
}
