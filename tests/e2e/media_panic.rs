//! A decoder panic on malformed media is caught, ends the file FAILED with a reason, and costs
//! one log line naming the file, with no backtrace captured even when `RUST_BACKTRACE=1` is set
//! (capturing one loads the binary's debug info and kept about 255 MB).

use backline_e2e::replica::Replica;
use backline_e2e::{Api, Upload, fixture, str_at};

/// An AIFF file whose COMM chunk claims a sample rate of 0: symphonia panics on it
/// ("TimeBase cannot have 0 numerator or denominator").
fn zero_rate_aiff() -> anyhow::Result<Vec<u8>> {
    let mut bytes = fixture("tone.aiff")?;
    anyhow::ensure!(&bytes[12..16] == b"COMM", "the fixture's COMM chunk moved");
    bytes[28..38].fill(0);
    Ok(bytes)
}

#[tokio::test]
async fn a_caught_decoder_panic_logs_one_line_and_no_backtrace() -> anyhow::Result<()> {
    let replica = Replica::start_fresh(&[
        ("BACKLINE_BLOB_URL", "memory://".into()),
        ("BACKLINE_ANALYSIS_WORKERS", "1".into()),
        ("RUST_BACKTRACE", "1".into()),
    ])
    .await?;
    let api = Api::new(&replica.base);
    let user = api.user("panicky").await?;
    let place = api.hierarchy(&user, "Panics").await?;
    let file = api
        .upload_ok(&user.token, &place.track, Upload::new("bad.aiff", &zero_rate_aiff()?))
        .await?;
    let id = str_at(&file, "/id")?;
    let analysed = api.analysed(&user.token, &id).await?;
    assert_eq!(analysed["analysis"]["status"], "FAILED", "{analysed}");
    assert!(
        analysed["analysis"]["error"]
            .as_str()
            .is_some_and(|error| error.contains("decoder crashed")),
        "{analysed}"
    );
    // The file's uuid, as the log names it.
    let uuid = id.trim_start_matches("fil_");
    let output = replica.output();
    let about: Vec<&String> = output.iter().filter(|line| line.contains("panicked")).collect();
    assert_eq!(
        about.len(),
        1,
        "one line about the panic: {about:#?}\n{}",
        output.join("\n")
    );
    let hyphenated = uuid::Uuid::parse_str(uuid)?.to_string();
    assert!(about[0].contains(&hyphenated), "the line names the file: {}", about[0]);
    assert!(
        !output
            .iter()
            .any(|line| line.contains("stack backtrace") || line.contains("rust_begin_unwind")),
        "no backtrace:\n{}",
        output.join("\n")
    );
    Ok(())
}
