//! `backline seed-demo`: a demo user with an artist space, projects and tracks, and on the first
//! track a generated 16-second song with time-synced comments, so GraphiQL (and a web app) has
//! a waveform, loudness and feedback to show at once. The song is analysed by the server's
//! workers as soon as it runs.

use axum::body::Bytes;
use backline_application::feedback::{AddComment, CommentChange, add_comment, change_comment, reply_to_comment};
use backline_application::identity::{SignUp, generate_password, log_in, reset_password, sign_up};
use backline_application::media::{UploadFile, upload_file};
use backline_application::workspace::{
    CreateArtistSpace, CreateProject, CreateTrack, create_artist_space, create_project, create_track,
};
use backline_application::{Actor, App, AppError, ClientMeta};

/// The demo login.
pub struct DemoLogin {
    /// Email to sign in with.
    pub email: String,
    /// Password to sign in with.
    pub password: String,
    /// A fresh access token.
    pub access_token: String,
}

const DEMO_EMAIL: &str = "demo@backline.local";

/// Creates the demo data, or, if the demo user exists, gives it a new password.
///
/// # Errors
/// Fails when the database fails.
pub async fn seed_demo(app: &App) -> anyhow::Result<DemoLogin> {
    let password = generate_password(&app.identity);
    let meta = ClientMeta {
        user_agent: Some("backline seed-demo".into()),
        ip: None,
    };
    let payload = match sign_up(
        &app.identity,
        SignUp {
            email: DEMO_EMAIL.into(),
            username: "demo".into(),
            password: password.clone(),
        },
        &meta,
    )
    .await
    {
        Ok(payload) => payload,
        Err(AppError::Conflict { .. }) => {
            reset_password(&app.identity, DEMO_EMAIL, &password)
                .await
                .map_err(|error| match error {
                    AppError::NotFound(_) => anyhow::anyhow!("the username 'demo' belongs to another account"),
                    other => anyhow::anyhow!("{other}"),
                })?;
            let payload = log_in(&app.identity, DEMO_EMAIL, &password, &meta)
                .await
                .map_err(|error| anyhow::anyhow!("{error}"))?;
            return Ok(DemoLogin {
                email: DEMO_EMAIL.into(),
                password,
                access_token: payload.access_token,
            });
        }
        Err(other) => return Err(anyhow::anyhow!("{other}")),
    };
    let actor = Actor::user(payload.user.id, backline_domain::ids::SessionId(uuid::Uuid::now_v7()));
    let fail = |error: AppError| anyhow::anyhow!("{error}");
    let space = create_artist_space(
        &app.workspace,
        &actor,
        CreateArtistSpace {
            name: "The Midnight Owls".into(),
            bio: Some("Four friends, one rehearsal room, too many synths.".into()),
            country_code: Some("SE".into()),
            links: Some(serde_json::json!({"website": "https://midnight-owls.example"})),
            ..CreateArtistSpace::default()
        },
    )
    .await
    .map_err(fail)?;
    let mut first_track = None;
    for (name, tracks) in [
        ("Night Drive EP", ["Night Drive", "Neon Rain", "Overpass"]),
        ("Demos 2026", ["Untitled Jam", "Sketch 4", "Basement Take"]),
    ] {
        let project = create_project(
            &app.workspace,
            &actor,
            CreateProject {
                artist_space_id: space.id,
                name: name.into(),
                description: None,
                status: None,
                slug: None,
            },
        )
        .await
        .map_err(fail)?;
        for title in tracks {
            let track = create_track(
                &app.workspace,
                &actor,
                CreateTrack {
                    project_id: project.id,
                    title: title.into(),
                    status: None,
                    is_public: None,
                    slug: None,
                },
            )
            .await
            .map_err(fail)?;
            first_track.get_or_insert(track.id);
        }
    }
    if let Some(track) = first_track {
        song_with_comments(app, &actor, track).await.map_err(fail)?;
    }
    Ok(DemoLogin {
        email: DEMO_EMAIL.into(),
        password,
        access_token: payload.access_token,
    })
}

/// Uploads the demo song to `track` and leaves comments on it: a range, a moment with a reply,
/// a resolved one and a pinned one, all within its 16 seconds.
async fn song_with_comments(app: &App, actor: &Actor, track: backline_domain::ids::TrackId) -> Result<(), AppError> {
    let song = Bytes::from(backline_audio::demo::song());
    let size = u64::try_from(song.len()).ok();
    let content: backline_application::ports::ByteStream =
        Box::pin(futures::stream::once(async move { Ok::<_, std::io::Error>(song) }));
    let file = upload_file(
        &app.media,
        actor,
        UploadFile {
            track_id: track,
            name: "Night Drive (rough mix).wav".into(),
            declared_type: Some("audio/wav".into()),
            size_hint: size,
            content,
        },
    )
    .await?;
    let comment = |content: &str, time_start: Option<f64>, time_end: Option<f64>| AddComment {
        file_id: file.id,
        content: content.into(),
        time_start,
        time_end,
    };
    add_comment(
        &app.feedback,
        actor,
        comment("Love how the pad swells in here.", Some(0.0), Some(2.0)),
    )
    .await?;
    let kick = add_comment(
        &app.feedback,
        actor,
        comment("The kick is too boomy: cut around 60 Hz?", Some(4.0), Some(6.0)),
    )
    .await?;
    reply_to_comment(
        &app.feedback,
        actor,
        kick.id,
        "Tried a narrow cut at 55 Hz in the next mix.",
    )
    .await?;
    let hat = add_comment(
        &app.feedback,
        actor,
        comment("Hi-hat a touch loud in the second half.", Some(9.5), None),
    )
    .await?;
    change_comment(&app.feedback, actor, hat.id, CommentChange::Resolve).await?;
    let fade = add_comment(
        &app.feedback,
        actor,
        comment("Fade-out ends the song a bar early.", Some(15.0), Some(16.0)),
    )
    .await?;
    change_comment(&app.feedback, actor, fade.id, CommentChange::Pin).await?;
    Ok(())
}
