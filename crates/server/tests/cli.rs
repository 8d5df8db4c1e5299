//! The `backline` binary as an operator uses it: subcommands, production refusals, JSON logs
//! and graceful shutdown on SIGTERM.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_backline");

/// A fresh data folder with a SQLite URL inside it.
fn data_dir() -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("backline-cli-{}", uuid_like()));
    let url = format!("sqlite://{}/backline.db?mode=rwc", dir.display());
    (dir, url)
}

fn uuid_like() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!("{nanos}-{}", std::process::id())
}

fn run(args: &[&str], envs: &[(&str, &str)]) -> std::io::Result<Output> {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("BACKLINE_JWT_SECRET")
        .env_remove("BACKLINE_ENV");
    for (key, value) in envs {
        command.env(key, value);
    }
    command.output()
}

#[test]
fn export_schema_prints_the_committed_sdl() -> Result<(), Box<dyn std::error::Error>> {
    let output = run(&["export-schema"], &[])?;
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout)?,
        include_str!("../../../schema.graphql")
    );
    Ok(())
}

#[test]
fn migrate_up_down_and_status() -> Result<(), Box<dyn std::error::Error>> {
    let (dir, url) = data_dir();
    let env = [("DATABASE_URL", url.as_str())];
    let status = String::from_utf8(run(&["migrate", "status"], &env)?.stdout)?;
    assert!(status.lines().all(|line| line.starts_with("pending ")), "{status}");
    let up = String::from_utf8(run(&["migrate", "up"], &env)?.stdout)?;
    assert!(
        up.lines().count() >= 2 && up.lines().all(|line| line.starts_with("applied ")),
        "{up}"
    );
    let down = String::from_utf8(run(&["migrate", "down"], &env)?.stdout)?;
    let last = down.lines().last().unwrap_or_default();
    assert!(last.starts_with("pending "), "the last migration is reverted: {down}");
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn seed_demo_prints_a_login_and_can_run_twice() -> Result<(), Box<dyn std::error::Error>> {
    let (dir, url) = data_dir();
    let data = dir.display().to_string();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("BACKLINE_DATA_DIR", data.as_str()),
        ("BACKLINE_BLOB_URL", "memory://"),
    ];
    for _ in 0..2 {
        let output = run(&["seed-demo"], &env)?;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let text = String::from_utf8(output.stdout)?;
        assert!(
            text.contains("demo@backline.local") && text.contains("password:") && text.contains("Bearer "),
            "{text}"
        );
    }
    assert!(
        dir.join("jwt-secret").exists(),
        "development generates and keeps a JWT secret"
    );
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn production_refuses_to_start_without_a_secret() -> Result<(), Box<dyn std::error::Error>> {
    let (dir, url) = data_dir();
    let output = run(
        &["serve"],
        &[
            ("DATABASE_URL", url.as_str()),
            ("BACKLINE_ENV", "production"),
            ("BACKLINE_BLOB_URL", "memory://"),
        ],
    )?;
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("BACKLINE_JWT_SECRET"));
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

#[cfg(unix)]
#[test]
fn serves_json_logs_and_stops_gracefully_on_sigterm() -> Result<(), Box<dyn std::error::Error>> {
    let (dir, url) = data_dir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(BIN)
        .args(["--listen", &listen])
        .env("DATABASE_URL", &url)
        .env("BACKLINE_BLOB_URL", "memory://")
        .env("BACKLINE_DATA_DIR", &dir)
        .env("BACKLINE_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(&listen).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status()?;
    assert!(killed.success());
    let status = child.wait()?;
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let lines: Vec<String> = BufReader::new(stdout).lines().collect::<Result<_, _>>()?;
    assert!(!lines.is_empty());
    for line in &lines {
        let value: serde_json::Value = serde_json::from_str(line)?;
        assert!(value.get("level").is_some(), "{line}");
    }
    assert!(lines.iter().any(|line| line.contains("Backline stopped")), "{lines:?}");
    std::fs::remove_dir_all(dir)?;
    Ok(())
}

#[test]
fn gc_removes_only_old_orphans_and_verify_reports() -> Result<(), Box<dyn std::error::Error>> {
    let (dir, url) = data_dir();
    let blobs = dir.join("blobs");
    let data = dir.display().to_string();
    let blob_url = format!("file://{}", blobs.display());
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("BACKLINE_DATA_DIR", data.as_str()),
        ("BACKLINE_BLOB_URL", blob_url.as_str()),
    ];
    // Blobs whose upload never committed (no file row names them).
    std::fs::create_dir_all(blobs.join("files"))?;
    let orphan = "files/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    std::fs::write(blobs.join(orphan), b"RIFF orphan")?;

    let young = run(&["gc"], &env)?;
    assert!(young.status.success(), "{}", String::from_utf8_lossy(&young.stderr));
    let text = String::from_utf8(young.stdout)?;
    assert!(text.contains("examined 1 blobs, removed 0 orphans"), "{text}");
    assert!(blobs.join(orphan).exists(), "younger than an hour: kept");

    let old = run(&["gc", "--older-than-minutes", "0"], &env)?;
    let text = String::from_utf8(old.stdout)?;
    assert!(text.contains(&format!("removed {orphan}")), "{text}");
    assert!(text.contains("removed 1 orphans (11 bytes)"), "{text}");
    assert!(!blobs.join(orphan).exists());

    let verify = run(&["verify"], &env)?;
    assert!(verify.status.success());
    assert!(String::from_utf8(verify.stdout)?.contains("checked 0 files: 0 mismatched, 0 missing"));
    std::fs::remove_dir_all(dir)?;
    Ok(())
}
