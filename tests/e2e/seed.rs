//! `backline seed-demo`: a newcomer signs in and finds a track with an analysed song (waveform,
//! loudness) and time-synced comments within it; running it again makes nothing twice.

use backline_e2e::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_demo_has_an_analysed_song_with_comments_and_seeds_once() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let login = backline_server::seed::seed_demo(app.app()).await?;
    let tracks = app
        .ok(
            Some(&login.access_token),
            "{ myArtistSpaces(first: 5) { totalCount nodes { projects { nodes { name tracks { nodes { id title latestFile { id } } } } } } } }",
            json!({}),
        )
        .await?;
    assert_eq!(tracks["myArtistSpaces"]["totalCount"], 1, "{tracks}");
    let first = &tracks["myArtistSpaces"]["nodes"][0]["projects"]["nodes"];
    let track = first
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|project| project["tracks"]["nodes"].as_array().cloned().unwrap_or_default())
        .find(|track| track["title"] == "Night Drive")
        .ok_or_else(|| anyhow::anyhow!("no Night Drive track: {tracks}"))?;
    let file = track["latestFile"]["id"].as_str().unwrap_or_default().to_owned();
    assert!(file.starts_with("fil_"), "the song is uploaded: {track}");

    let analysed = app.analysed(&login.access_token, &file).await?;
    assert_eq!(analysed["analysis"]["status"], "READY", "{analysed}");
    let song = app
        .ok(
            Some(&login.access_token),
            "query($id: ID!) { file(id: $id) { name metadata { durationSeconds } loudness { integratedLufs }
               waveform(samplesPerPixel: 1024)
               comments(first: 10) { totalCount nodes { content timeStart timeEnd isResolved isPinned responses(first: 5) { totalCount } } } } }",
            json!({ "id": file }),
        )
        .await?;
    let song = &song["file"];
    assert_eq!(song["name"], "Night Drive (rough mix).wav");
    let duration = song["metadata"]["durationSeconds"].as_f64().unwrap_or_default();
    assert!((duration - 16.0).abs() < 0.01, "{song}");
    assert!(
        song["loudness"]["integratedLufs"]
            .as_f64()
            .is_some_and(|lufs| lufs < -6.0 && lufs > -40.0),
        "{song}"
    );
    assert!(
        song["waveform"]["length"].as_i64().is_some_and(|length| length > 0),
        "{song}"
    );
    assert_eq!(song["comments"]["totalCount"], 4, "{song}");
    let comments = song["comments"]["nodes"].as_array().cloned().unwrap_or_default();
    for comment in &comments {
        for bound in [&comment["timeStart"], &comment["timeEnd"]] {
            if let Some(seconds) = bound.as_f64() {
                assert!((0.0..=duration).contains(&seconds), "within the song: {comment}");
            }
        }
    }
    assert!(comments.iter().any(|comment| comment["isResolved"] == true), "{song}");
    assert!(comments.iter().any(|comment| comment["isPinned"] == true), "{song}");
    assert!(
        comments.iter().any(|comment| comment["responses"]["totalCount"] == 1),
        "{song}"
    );

    // Again: a new password for the same account, and no second space or song.
    let again = backline_server::seed::seed_demo(app.app()).await?;
    assert_ne!(again.password, login.password);
    let spaces = app
        .ok(
            Some(&again.access_token),
            "{ myArtistSpaces(first: 5) { totalCount } }",
            json!({}),
        )
        .await?;
    assert_eq!(spaces["myArtistSpaces"]["totalCount"], 1);
    app.stop().await
}
