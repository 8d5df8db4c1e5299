//! Signed content URLs: range reads for seeking, HEAD, ETag, downloads, waveform files, and
//! signatures that cannot be bent to reach other files.

use backline_audio::testing::{Signal, wav};
use backline_e2e::{TestApp, Upload, str_at};
use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, ETAG, IF_NONE_MATCH, RANGE,
};
use serde_json::json;

#[tokio::test]
async fn content_urls_stream_with_ranges_and_resist_tampering() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("strm").await?;
    let stranger = app.user("strg").await?;
    let place = app.hierarchy(&owner, "Stream").await?;
    let bytes = wav(Signal::Noise { amplitude: 0.3 }, 22_050, 2, 22_050, 16);
    let file = app
        .upload_ok(
            &owner.token,
            &place.track,
            Upload::new("Mix \"final\" é.wav", &bytes).typed("audio/x-wav"),
        )
        .await?;
    let other = app
        .upload_ok(&owner.token, &place.track, Upload::new("other.wav", &bytes))
        .await?;
    let url = str_at(&file, "/url")?;
    assert!(url.starts_with(&format!("{}/files/", app.base)), "absolute: {url}");
    let http = app.http();

    let whole = http.get(&url).send().await?;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.headers()[CONTENT_TYPE], "audio/wav");
    assert_eq!(whole.headers()[ACCEPT_RANGES], "bytes");
    let etag = whole.headers()[ETAG].to_str()?.to_owned();
    assert_eq!(etag, format!("\"{}\"", str_at(&file, "/sha256")?));
    assert_eq!(whole.bytes().await?.as_ref(), &bytes[..]);

    let part = http.get(&url).header(RANGE, "bytes=100-199").send().await?;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[CONTENT_RANGE].to_str()?,
        format!("bytes 100-199/{}", bytes.len())
    );
    assert_eq!(part.bytes().await?.as_ref(), &bytes[100..200]);
    let tail = http.get(&url).header(RANGE, "bytes=-10").send().await?;
    assert_eq!(tail.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(tail.bytes().await?.as_ref(), &bytes[bytes.len() - 10..]);
    let open = http
        .get(&url)
        .header(RANGE, format!("bytes={}-", bytes.len() - 3))
        .send()
        .await?;
    assert_eq!(open.bytes().await?.as_ref(), &bytes[bytes.len() - 3..]);
    let past = http.get(&url).header(RANGE, "bytes=999999999-").send().await?;
    assert_eq!(past.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        past.headers()[CONTENT_RANGE].to_str()?,
        format!("bytes */{}", bytes.len())
    );

    let head = http.head(&url).send().await?;
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()[CONTENT_LENGTH].to_str()?, bytes.len().to_string());
    let cached = http.get(&url).header(IF_NONE_MATCH, &etag).send().await?;
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    let download = http.get(format!("{url}&download=1")).send().await?;
    let disposition = download.headers()[CONTENT_DISPOSITION].to_str()?.to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"Mix _final_ _.wav\""),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''Mix%20%22final%22%20%C3%A9.wav"),
        "{disposition}"
    );

    // The signature is bound to the file and the expiry.
    let other_id = str_at(&other, "/url")?
        .split("/files/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default()
        .to_owned();
    let (path, query) = url.split_once('?').unwrap_or((url.as_str(), ""));
    let swapped = format!("{}/files/{other_id}/content?{query}", app.base);
    assert_eq!(http.get(&swapped).send().await?.status(), StatusCode::FORBIDDEN);
    let later = query.replacen("exp=", "exp=9", 1);
    assert_eq!(
        http.get(format!("{path}?{later}")).send().await?.status(),
        StatusCode::FORBIDDEN
    );
    let forged = format!("{path}?exp=1&sig=00");
    let refused = http.get(&forged).send().await?;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let body: serde_json::Value = refused.json().await?;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");

    // Without a signature: the Authorization header, checked for File R.
    assert_eq!(http.get(path).send().await?.status(), StatusCode::UNAUTHORIZED);
    let with_token = http.get(path).bearer_auth(&owner.token).send().await?;
    assert_eq!(with_token.status(), StatusCode::OK);
    assert_eq!(with_token.bytes().await?.len(), bytes.len());
    assert_eq!(
        http.get(path).bearer_auth(&stranger.token).send().await?.status(),
        StatusCode::NOT_FOUND
    );
    // Strangers cannot mint URLs either.
    let minted = app
        .gql(
            Some(&stranger.token),
            "query($id: ID!) { file(id: $id) { url } }",
            json!({ "id": str_at(&file, "/id")? }),
        )
        .await?;
    assert_eq!(backline_e2e::code(&minted), "NOT_FOUND");

    // Waveform files, once analysed.
    let id = str_at(&file, "/id")?;
    app.analysed(&owner.token, &id).await?;
    let urls = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { file(id: $id) { waveformJsonUrl waveformDatUrl } }",
            json!({ "id": id }),
        )
        .await?;
    let json_url = str_at(&urls, "/file/waveformJsonUrl")?;
    let json: serde_json::Value = http
        .get(format!("{json_url}&samplesPerPixel=512&channels=separate"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(json["samples_per_pixel"], 512);
    assert_eq!(json["channels"], 2);
    assert_eq!(json["length"], 44, "ceil(87 * 256 / 512)");
    let dat = http
        .get(str_at(&urls, "/file/waveformDatUrl")?)
        .send()
        .await?
        .bytes()
        .await?;
    assert_eq!(&dat[..4], &2i32.to_le_bytes(), "audiowaveform version 2");
    assert_eq!(&dat[8..12], &22_050i32.to_le_bytes());
    assert_eq!(dat.len(), 24 + 87 * 2 * 2, "merged, 16-bit, 87 pixels");
    let bad = http.get(format!("{json_url}&bits=3")).send().await?;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    app.stop().await
}
