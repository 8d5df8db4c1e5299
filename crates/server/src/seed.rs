//! `backline seed-demo`: a demo user with an artist space, projects and tracks, so GraphiQL has
//! something to show.

use backline_application::identity::{SignUp, log_in, sign_up};
use backline_application::workspace::{
    CreateArtistSpace, CreateProject, CreateTrack, create_artist_space, create_project, create_track,
};
use backline_application::{Actor, AppError, ClientMeta};

use crate::compose::Composition;

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
pub async fn seed_demo(composition: &Composition) -> anyhow::Result<DemoLogin> {
    let app = &composition.app;
    let password = app.ids.secret_token(12);
    let meta = ClientMeta {
        user_agent: Some("backline seed-demo".into()),
        ip: None,
    };
    let payload = match sign_up(
        app,
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
            let user = app
                .users
                .find_by_email(DEMO_EMAIL)
                .await?
                .ok_or_else(|| anyhow::anyhow!("the username 'demo' belongs to another account"))?;
            app.users
                .set_password_hash(user.user.id, &app.hasher.hash(&password)?, app.clock.now())
                .await?;
            let payload = log_in(app, DEMO_EMAIL, &password, &meta)
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
    let actor = Actor::user(payload.user.id, backline_domain::ids::SessionId(app.ids.uuid()));
    let fail = |error: AppError| anyhow::anyhow!("{error}");
    let space = create_artist_space(
        app,
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
    for (name, tracks) in [
        ("Night Drive EP", ["Night Drive", "Neon Rain", "Overpass"]),
        ("Demos 2026", ["Untitled Jam", "Sketch 4", "Basement Take"]),
    ] {
        let project = create_project(
            app,
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
            create_track(
                app,
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
        }
    }
    Ok(DemoLogin {
        email: DEMO_EMAIL.into(),
        password,
        access_token: payload.access_token,
    })
}
