//! The nested query costs the same number of statements whatever the amount of data.

use backline_e2e::{TestApp, TestUser, str_at};
use serde_json::json;

use crate::workspace::{CREATE_PROJECT, CREATE_SPACE, CREATE_TRACK};

const NESTED: &str = "{ myArtistSpaces(first: 20) { nodes { name projects(first: 20) { nodes { name tracks(first: 10) { nodes { title collaborators(first: 10) { nodes { role user { username } } } } } } } } } }";

async fn fill(app: &TestApp, user: &TestUser, projects: usize, tracks: usize) -> anyhow::Result<()> {
    let t = Some(user.token.as_str());
    let space = str_at(
        &app.ok(t, CREATE_SPACE, json!({"name": "Big"})).await?,
        "/createArtistSpace/id",
    )?;
    for p in 0..projects {
        let project = str_at(
            &app.ok(t, CREATE_PROJECT, json!({"s": space, "name": format!("P{p}")}))
                .await?,
            "/createProject/id",
        )?;
        for n in 0..tracks {
            app.ok(t, CREATE_TRACK, json!({"p": project, "t": format!("T{n}")}))
                .await?;
        }
    }
    Ok(())
}

async fn statements_for(app: &TestApp, user: &TestUser) -> anyhow::Result<(u64, serde_json::Value)> {
    let before = app.statements();
    let data = app.ok(Some(&user.token), NESTED, json!({})).await?;
    Ok((app.statements() - before, data))
}

#[tokio::test]
async fn nested_lists_cost_a_fixed_number_of_statements() -> anyhow::Result<()> {
    // No analysis workers: their polling would blur the count.
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let small = app.user("small").await?;
    let big = app.user("big").await?;
    fill(&app, &small, 1, 1).await?;
    fill(&app, &big, 20, 10).await?;

    let (small_count, _) = statements_for(&app, &small).await?;
    let (big_count, data) = statements_for(&app, &big).await?;
    let projects = data["myArtistSpaces"]["nodes"][0]["projects"]["nodes"]
        .as_array()
        .map(Vec::len);
    let tracks = data["myArtistSpaces"]["nodes"][0]["projects"]["nodes"][0]["tracks"]["nodes"]
        .as_array()
        .map(Vec::len);
    assert_eq!((projects, tracks), (Some(20), Some(10)));
    assert_eq!(small_count, big_count, "statements must not grow with the data");
    assert!(
        big_count <= 5,
        "one statement per level (spaces, projects, tracks, collaborators, users), not {big_count}"
    );
    app.stop().await
}

const VERSIONS: &str = "query($p: ID!) { project(id: $p) { tracks(first: 20) { nodes { title latestFile { version owner { username } } finalFile { id } files(first: 5) { totalCount nodes { version analysis { status } track { title } } } } } } }";

#[tokio::test]
async fn track_versions_cost_a_fixed_number_of_statements() -> anyhow::Result<()> {
    // No analysis workers: their statements would blur the count.
    let app = TestApp::with_config(|config| config.analysis_workers = 0).await?;
    let user = app.user("versions").await?;
    let t = Some(user.token.as_str());
    let bytes = backline_audio::testing::wav(backline_audio::testing::Signal::Silence, 8_000, 1, 80, 16);
    let mut costs = Vec::new();
    for (tracks, versions) in [(1, 1), (10, 3)] {
        let space = str_at(
            &app.ok(t, CREATE_SPACE, json!({"name": "V"})).await?,
            "/createArtistSpace/id",
        )?;
        let project = str_at(
            &app.ok(t, CREATE_PROJECT, json!({"s": space, "name": "P"})).await?,
            "/createProject/id",
        )?;
        for n in 0..tracks {
            let track = str_at(
                &app.ok(t, CREATE_TRACK, json!({"p": project, "t": format!("T{n}")}))
                    .await?,
                "/createTrack/id",
            )?;
            for _ in 0..versions {
                app.upload_ok(&user.token, &track, backline_e2e::Upload::new("v.wav", &bytes))
                    .await?;
            }
        }
        let before = app.statements();
        let data = app.ok(t, VERSIONS, json!({ "p": project })).await?;
        costs.push(app.statements() - before);
        let nodes = data["project"]["tracks"]["nodes"].as_array().map(Vec::len);
        assert_eq!(nodes, Some(tracks));
        assert_eq!(data["project"]["tracks"]["nodes"][0]["files"]["totalCount"], versions);
        assert_eq!(data["project"]["tracks"]["nodes"][0]["latestFile"]["version"], versions);
    }
    assert_eq!(costs[0], costs[1], "statements must not grow with tracks or versions");
    app.stop().await
}
