//! The `backline` binary.

use backline_server::config::Config;
use backline_server::{compose, seed, serve, shutdown_signal, telemetry};
use clap::{Parser, Subcommand};

/// A GraphQL response allocates many small objects per field; mimalloc serves them faster than
/// the system allocator under concurrency (see docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Backline: an open-source backend for music collaboration.
#[derive(Parser)]
#[command(name = "backline", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve,
    /// Apply, revert or list migrations.
    Migrate {
        #[command(subcommand)]
        action: Option<MigrateAction>,
    },
    /// Print the GraphQL schema (SDL).
    ExportSchema,
    /// Create a demo user with an artist space, projects and tracks, a generated song with
    /// comments on the first track; print the login.
    SeedDemo,
    /// Write the demo song (16 s of generated synth-pop, 16-bit WAV) to a file, to upload in
    /// the README's walk-through when you have no audio at hand.
    DemoSong {
        /// Where to write it.
        #[arg(default_value = "night-drive.wav")]
        path: std::path::PathBuf,
    },
    /// Remove orphan blobs (written, but whose upload never committed) older than an hour.
    /// Safe while the server runs.
    Gc {
        /// Only remove orphans older than this many minutes.
        #[arg(long, default_value_t = 60)]
        older_than_minutes: i64,
    },
    /// Re-hash every stored file and report those whose content no longer matches the
    /// SHA-256 recorded at upload, or is missing. Exits with 1 when any is found. Safe while
    /// the server runs.
    Verify,
}

#[derive(Subcommand, Clone, Copy)]
enum MigrateAction {
    /// Apply pending migrations (the default).
    Up,
    /// Revert the last migration.
    Down,
    /// List migrations and whether each is applied.
    Status,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let telemetry = telemetry::init(cli.config.log_format)?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let served = serve(cli.config, shutdown_signal()).await;
            telemetry.shutdown().await;
            served?;
            // Do not wait for a decode still running on a blocking thread: its job's lease
            // hands it to another replica.
            std::process::exit(0)
        }
        Command::ExportSchema => {
            print!("{}", backline_graphql::sdl());
            Ok(())
        }
        Command::Migrate { action } => {
            let database = backline_db::Database::connect(&cli.config.database_url).await?;
            match action.unwrap_or(MigrateAction::Up) {
                MigrateAction::Up => database.migrate_up().await?,
                MigrateAction::Down => database.migrate_down().await?,
                MigrateAction::Status => {}
            }
            for migration in database.migration_status().await? {
                println!(
                    "{} {}",
                    if migration.applied { "applied" } else { "pending" },
                    migration.name
                );
            }
            Ok(())
        }
        Command::Gc { older_than_minutes } => {
            let composition = compose(&cli.config).await?;
            let min_age = chrono::Duration::minutes(older_than_minutes.max(0));
            let report = backline_application::media::collect_orphans(&composition.app.media, min_age).await?;
            for key in &report.removed {
                println!("removed {key}");
            }
            println!(
                "examined {} blobs, removed {} orphans ({} bytes)",
                report.examined,
                report.removed.len(),
                report.bytes
            );
            Ok(())
        }
        Command::Verify => {
            let composition = compose(&cli.config).await?;
            let report = backline_application::media::verify_blobs(&composition.app.media).await?;
            for (file, key, expected, actual) in &report.mismatched {
                println!("MISMATCH file {file} ({key}): recorded {expected}, found {actual}");
            }
            for (file, key) in &report.missing {
                println!("MISSING file {file} ({key})");
            }
            println!(
                "checked {} files: {} mismatched, {} missing",
                report.checked,
                report.mismatched.len(),
                report.missing.len()
            );
            if !report.is_clean() {
                std::process::exit(1);
            }
            Ok(())
        }
        Command::DemoSong { path } => {
            std::fs::write(&path, backline_audio::demo::song())?;
            println!("{}: {} s of audio", path.display(), backline_audio::demo::seconds());
            Ok(())
        }
        Command::SeedDemo => {
            let composition = compose(&cli.config).await?;
            let login = seed::seed_demo(&composition.app).await?;
            println!(
                "Demo data is ready. Sign in with:\n  email:    {}\n  password: {}\n\nOr paste this header in GraphiQL (valid 15 minutes):\n  {{\"Authorization\": \"Bearer {}\"}}",
                login.email, login.password, login.access_token
            );
            Ok(())
        }
    }
}
