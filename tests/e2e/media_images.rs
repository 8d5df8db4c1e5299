//! Avatars, artist images and covers: variants, metadata stripped, permissions, bombs.

use std::io::Cursor;

use backline_e2e::{TestApp, TestUser, Upload, code, str_at};
use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use serde_json::{Value, json};

const UPLOAD_IMAGE: &str = "mutation($input: UploadImageInput!) { uploadImage(input: $input) { url mediumUrl thumbnailUrl width height contentType } }";

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut out = Cursor::new(Vec::new());
    let written = DynamicImage::ImageRgb8(image).write_to(&mut out, ImageFormat::Jpeg);
    assert!(written.is_ok());
    out.into_inner()
}

async fn upload_image(app: &TestApp, user: &TestUser, target: &str, id: &str, bytes: &[u8]) -> anyhow::Result<Value> {
    app.multipart(
        Some(&user.token),
        UPLOAD_IMAGE,
        json!({ "input": { "target": target, "targetId": id, "file": null } }),
        "variables.input.file",
        Upload::new("picture.jpg", bytes),
    )
    .await
}

async fn dimensions(app: &TestApp, url: &str) -> anyhow::Result<(u32, u32)> {
    let response = app.http().get(url).send().await?;
    anyhow::ensure!(response.status().is_success(), "{url}: {}", response.status());
    let image = image::load_from_memory(&response.bytes().await?)?;
    Ok((image.width(), image.height()))
}

#[tokio::test]
async fn images_get_variants_and_replace_each_other() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("img").await?;
    let viewer = app.user("imv").await?;
    let place = app.hierarchy(&owner, "Covers").await?;

    let avatar = upload_image(&app, &owner, "USER_AVATAR", &owner.id, &jpeg(1000, 500)).await?;
    let image = &avatar["data"]["uploadImage"];
    assert_eq!(image["width"], 1000, "{avatar}");
    assert_eq!(image["height"], 500);
    assert_eq!(image["contentType"], "image/jpeg");
    assert_eq!(dimensions(&app, &str_at(image, "/url")?).await?, (1000, 500));
    assert_eq!(dimensions(&app, &str_at(image, "/mediumUrl")?).await?, (640, 320));
    assert_eq!(dimensions(&app, &str_at(image, "/thumbnailUrl")?).await?, (160, 80));
    let tampered = str_at(image, "/thumbnailUrl")?.replace("/thumbnail?", "/original?");
    assert_eq!(
        app.http().get(&tampered).send().await?.status(),
        reqwest::StatusCode::FORBIDDEN
    );
    let used_once = app.storage_used(&owner.token).await?;
    assert!(used_once > 0);

    let me = app
        .ok(Some(&owner.token), "{ me { image { width thumbnailUrl } } }", json!({}))
        .await?;
    assert_eq!(me["me"]["image"]["width"], 1000);
    let replaced = upload_image(&app, &owner, "USER_AVATAR", &owner.id, &jpeg(200, 200)).await?;
    assert_eq!(replaced["data"]["uploadImage"]["width"], 200);
    let me = app
        .ok(Some(&owner.token), "{ me { image { width } } }", json!({}))
        .await?;
    assert_eq!(me["me"]["image"]["width"], 200);
    assert!(
        app.storage_used(&owner.token).await? < used_once,
        "the old image's bytes came back"
    );
    assert_eq!(
        app.app().ports().blobs.list("images").await?.len(),
        3,
        "only the new image's variants remain"
    );

    let cover = upload_image(&app, &owner, "PROJECT_COVER", &place.project, &jpeg(300, 300)).await?;
    assert!(cover.get("errors").is_none(), "{cover}");
    let project = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { project(id: $id) { image { height } } }",
            json!({ "id": place.project }),
        )
        .await?;
    assert_eq!(project["project"]["image"]["height"], 300);
    let space = upload_image(&app, &owner, "ARTIST_SPACE", &place.space, &jpeg(50, 80)).await?;
    assert_eq!(space["data"]["uploadImage"]["height"], 80);

    // Permissions.
    let someone_else = upload_image(&app, &viewer, "USER_AVATAR", &owner.id, &jpeg(10, 10)).await?;
    assert_eq!(code(&someone_else), "FORBIDDEN");
    let not_member = upload_image(&app, &viewer, "PROJECT_COVER", &place.project, &jpeg(10, 10)).await?;
    assert_eq!(code(&not_member), "NOT_FOUND");
    let wrong_kind = upload_image(&app, &owner, "PROJECT_COVER", &place.space, &jpeg(10, 10)).await?;
    assert_eq!(code(&wrong_kind), "BAD_USER_INPUT");

    // Bad images: audio, garbage behind a PNG signature, a decompression bomb.
    let audio = backline_audio::testing::wav(backline_audio::testing::Signal::Silence, 8_000, 1, 800, 16);
    assert_eq!(
        code(&upload_image(&app, &owner, "USER_AVATAR", &owner.id, &audio).await?),
        "BAD_USER_INPUT"
    );
    let garbage = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRgarbage".to_vec();
    assert_eq!(
        code(&upload_image(&app, &owner, "USER_AVATAR", &owner.id, &garbage).await?),
        "BAD_USER_INPUT"
    );
    let mut bomb = Vec::new();
    let tiny = DynamicImage::ImageRgb8(RgbImage::new(1, 1));
    tiny.write_to(&mut Cursor::new(&mut bomb), ImageFormat::Png)?;
    bomb[16..20].copy_from_slice(&60_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&60_000u32.to_be_bytes());
    let refused = upload_image(&app, &owner, "USER_AVATAR", &owner.id, &bomb).await?;
    assert_eq!(code(&refused), "BAD_USER_INPUT", "{refused}");
    let me = app
        .ok(Some(&owner.token), "{ me { image { width } } }", json!({}))
        .await?;
    assert_eq!(me["me"]["image"]["width"], 200, "refused uploads change nothing");
    app.stop().await
}
