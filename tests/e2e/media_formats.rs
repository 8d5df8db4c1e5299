//! Uploading every supported format through the multipart spec, analysis, and waveforms.

use backline_audio::testing::{Signal, tone, wav};
use backline_e2e::{TestApp, Upload, fixture, str_at};
use serde_json::{Value, json};

const FRAMES: f64 = 66_150.0;

/// A file to upload and what analysis must report: name, content, content type, container,
/// codec, channels.
type Case = (&'static str, Vec<u8>, &'static str, &'static str, &'static str, i64);

fn number(value: &Value, pointer: &str) -> f64 {
    value.pointer(pointer).and_then(Value::as_f64).unwrap_or(f64::NAN)
}

#[tokio::test]
async fn every_format_uploads_and_is_measured() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("fmt").await?;
    let place = app.hierarchy(&owner, "Formats").await?;
    let cases: Vec<Case> = vec![
        ("mix.wav", tone(44_100, 2, 66_150), "audio/wav", "wav", "pcm_s16le", 2),
        ("mix.flac", fixture("tone.flac")?, "audio/flac", "flac", "flac", 2),
        ("mix.mp3", fixture("tone.mp3")?, "audio/mpeg", "mp3", "mp3", 2),
        ("mix.ogg", fixture("tone.ogg")?, "audio/ogg", "ogg", "vorbis", 2),
        ("mix.m4a", fixture("tone.m4a")?, "audio/mp4", "mp4", "aac", 2),
        ("mix-alac.m4a", fixture("tone-alac.m4a")?, "audio/mp4", "mp4", "alac", 2),
        ("mix.aiff", fixture("tone.aiff")?, "audio/aiff", "aiff", "pcm_s16be", 1),
        (
            "mix.opus",
            fixture("tone.opus")?,
            "audio/ogg; codecs=opus",
            "ogg",
            "opus",
            2,
        ),
    ];
    let mut ids = Vec::new();
    for (version, (name, bytes, content_type, container, codec, channels)) in cases.iter().enumerate() {
        let uploaded = app
            .upload_ok(&owner.token, &place.track, Upload::new(name, bytes))
            .await?;
        assert_eq!(uploaded["version"], json!(version + 1), "{name}");
        assert_eq!(uploaded["name"], json!(name));
        assert_eq!(uploaded["type"], "AUDIO");
        assert_eq!(uploaded["contentType"], json!(content_type), "{name}");
        assert_eq!(uploaded["size"], json!(bytes.len()));
        assert_eq!(uploaded["isFinalVersion"], false);
        assert_eq!(uploaded["owner"]["username"], json!(owner.username));
        assert_eq!(uploaded["track"]["id"], json!(place.track));
        assert_eq!(uploaded["project"]["id"], json!(place.project));
        assert_eq!(uploaded["artistSpace"]["id"], json!(place.space));
        let id = str_at(&uploaded, "/id")?;
        let file = app.analysed(&owner.token, &id).await?;
        assert_eq!(file["analysis"]["status"], "READY", "{name}: {file}");
        let metadata = &file["metadata"];
        let duration = number(metadata, "/durationSeconds");
        assert!(
            (duration - FRAMES / 44_100.0).abs() < 0.001,
            "{name}: {duration} s, not 1.500"
        );
        let rate = if *codec == "opus" { 48_000 } else { 44_100 };
        assert_eq!(metadata["sampleRate"], rate, "{name}");
        assert_eq!(metadata["channels"], json!(channels), "{name}");
        assert_eq!(metadata["container"], json!(container), "{name}");
        assert_eq!(metadata["codec"], json!(codec), "{name}");
        let bitrate = number(metadata, "/bitrate");
        assert!(
            (bitrate - bytes.len() as f64 * 8.0 / 1.5).abs() < 2.0,
            "{name}: bitrate {bitrate}"
        );
        // A half-scale sine peaks at -6 dBFS; lossy codecs wobble a little.
        let peak = number(&file, "/loudness/samplePeakDbfs");
        assert!((peak + 6.02).abs() < 0.6, "{name}: peak {peak}");
        assert!(number(&file, "/loudness/integratedLufs") < -5.0, "{name}");
        assert!(file["analysis"]["analyzedAt"].is_string());
        ids.push(id);
    }

    let listed = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { track(id: $id) { files(first: 3) { totalCount nodes { id version } pageInfo { hasNextPage } } latestFile { version } finalFile { id } } }",
            json!({ "id": place.track }),
        )
        .await?;
    let track = &listed["track"];
    assert_eq!(track["files"]["totalCount"], json!(cases.len()));
    let versions: Vec<i64> = track["files"]["nodes"]
        .as_array()
        .map(|nodes| nodes.iter().filter_map(|node| node["version"].as_i64()).collect())
        .unwrap_or_default();
    assert_eq!(versions, vec![8, 7, 6], "newest version first");
    assert_eq!(track["files"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(track["latestFile"]["version"], 8);
    assert_eq!(track["finalFile"], Value::Null);

    let node = app
        .ok(
            Some(&owner.token),
            "query($id: ID!) { node(id: $id) { id ... on File { version } } }",
            json!({ "id": ids[0] }),
        )
        .await?;
    assert_eq!(node["node"]["version"], 1);
    app.stop().await
}

#[tokio::test]
async fn waveforms_follow_the_signal_at_any_zoom() -> anyhow::Result<()> {
    let app = TestApp::new().await?;
    let owner = app.user("wav").await?;
    let place = app.hierarchy(&owner, "Waves").await?;
    // Left a half-scale sine, right silence: SEPARATE shows both, MERGED the louder.
    let mono = wav(
        Signal::Sine {
            frequency: 441.0,
            amplitude: 0.5,
        },
        44_100,
        1,
        44_100,
        16,
    );
    let mut stereo = mono[..44].to_vec();
    stereo[22] = 2;
    stereo[28..32].copy_from_slice(&(44_100u32 * 4).to_le_bytes());
    stereo[32] = 4;
    stereo[40..44].copy_from_slice(&(44_100u32 * 4).to_le_bytes());
    stereo[4..8].copy_from_slice(&(36 + 44_100u32 * 4).to_le_bytes());
    for sample in mono[44..].chunks(2) {
        stereo.extend_from_slice(sample);
        stereo.extend_from_slice(&[0, 0]);
    }
    let file = app
        .upload_ok(&owner.token, &place.track, Upload::new("lr.wav", &stereo))
        .await?;
    let id = str_at(&file, "/id")?;
    assert_eq!(app.analysed(&owner.token, &id).await?["analysis"]["status"], "READY");
    let query = "query($id: ID!, $spp: Int, $ch: WaveformChannels!, $bits: Int) { file(id: $id) { waveform(samplesPerPixel: $spp, channels: $ch, bits: $bits) } }";
    let fetch = |spp: Option<i64>, channels: &str, bits: Option<i64>| {
        app.gql(
            Some(&owner.token),
            query,
            json!({ "id": id, "spp": spp, "ch": channels, "bits": bits }),
        )
    };
    let separate = fetch(None, "SEPARATE", None).await?;
    let waveform = &separate["data"]["file"]["waveform"];
    assert_eq!(waveform["version"], 2);
    assert_eq!(waveform["channels"], 2);
    assert_eq!(waveform["sample_rate"], 44_100);
    assert_eq!(waveform["samples_per_pixel"], 256);
    assert_eq!(waveform["bits"], 16);
    assert_eq!(waveform["length"], 173, "ceil(44100 / 256)");
    let data: Vec<i64> = waveform["data"]
        .as_array()
        .map(|values| values.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    assert_eq!(data.len(), 173 * 4);
    for pixel in data.chunks(4).take(172) {
        assert!(
            (pixel[0] + 16384).abs() <= 2 && (pixel[1] - 16384).abs() <= 2,
            "left {pixel:?}"
        );
        assert_eq!(&pixel[2..], &[0, 0], "right is silent");
    }

    let coarse = fetch(Some(4096), "MERGED", Some(8)).await?;
    let waveform = &coarse["data"]["file"]["waveform"];
    assert_eq!(waveform["channels"], 1);
    assert_eq!(waveform["bits"], 8);
    assert_eq!(waveform["samples_per_pixel"], 4096);
    assert_eq!(waveform["length"], 11, "ceil(173 * 256 / 4096)");
    assert_eq!(waveform["data"][0], -64);
    assert_eq!(waveform["data"][1], 64);

    for (spp, bits, field) in [
        (Some(100), None, "samplesPerPixel"),
        (None, Some(12), "bits"),
        (Some(-5), None, "samplesPerPixel"),
    ] {
        let refused = fetch(spp, "MERGED", bits).await?;
        assert_eq!(backline_e2e::code(&refused), "BAD_USER_INPUT", "{refused}");
        assert_eq!(refused["errors"][0]["extensions"]["field"], field);
    }
    app.stop().await
}
