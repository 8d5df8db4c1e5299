//! Typed configuration: every setting is an environment variable and a flag (a `.env` file is
//! read first if present). Secrets are never printed.

use std::net::SocketAddr;
use std::path::PathBuf;

/// A header name (for `BACKLINE_CLIENT_IP_HEADER`).
pub use axum::http::HeaderName;

/// A secret value: `Debug` shows `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

/// The blob store's URL. Its query may carry credentials (`aws_secret_access_key=…`), so
/// `Debug` shows only what comes before the query.
#[derive(Clone, PartialEq, Eq)]
pub struct BlobUrl(pub String);

impl std::fmt::Debug for BlobUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.split_once('?') {
            Some((before, _)) => write!(f, "{before:?}?***"),
            None => write!(f, "{:?}", self.0),
        }
    }
}

impl std::str::FromStr for BlobUrl {
    type Err = std::convert::Infallible;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

impl From<&str> for BlobUrl {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<String> for BlobUrl {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// Where Backline runs: development is forgiving, production refuses unsafe defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Environment {
    /// Generates a JWT secret if none is set; GraphiQL, introspection and suggestions on.
    Development,
    /// Needs BACKLINE_JWT_SECRET; GraphiQL, introspection and suggestions off unless enabled.
    Production,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// A storage limit in bytes, or `unlimited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub Option<i64>);

impl std::str::FromStr for Limit {
    type Err = String;
    fn from_str(value: &str) -> Result<Self, Self::Err> {
        if value.eq_ignore_ascii_case("unlimited") {
            return Ok(Self(None));
        }
        value
            .parse::<i64>()
            .ok()
            .filter(|bytes| *bytes >= 0)
            .map(|bytes| Self(Some(bytes)))
            .ok_or_else(|| format!("'{value}' is neither a number of bytes nor 'unlimited'"))
    }
}

/// Server configuration.
#[derive(Debug, Clone, clap::Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "BACKLINE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Database URL: `sqlite://path?mode=rwc` or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://./data/backline.db?mode=rwc")]
    pub database_url: String,
    /// Blob store URL: `file://folder`, `memory://`, `s3://bucket`, `az://container`, `gs://bucket`.
    #[arg(
        long,
        env = "BACKLINE_BLOB_URL",
        default_value = "file://./data/blobs",
        hide_env_values = true
    )]
    pub blob_url: BlobUrl,
    /// Folder for local state (the generated development JWT secret).
    #[arg(long, env = "BACKLINE_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Secret for signing access tokens (at least 32 bytes). Required in production.
    #[arg(long, env = "BACKLINE_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<Secret>,
    /// `development` or `production`.
    #[arg(long = "env", env = "BACKLINE_ENV", value_enum, default_value = "development")]
    pub environment: Environment,
    /// Serve GraphiQL at GET /graphql (default: on in development, off in production).
    #[arg(long, env = "BACKLINE_GRAPHIQL")]
    pub graphiql: Option<bool>,
    /// Allow schema introspection (default: on in development, off in production).
    #[arg(long, env = "BACKLINE_INTROSPECTION")]
    pub introspection: Option<bool>,
    /// Suggest field names in errors (default: on in development, off in production).
    #[arg(long, env = "BACKLINE_FIELD_SUGGESTIONS")]
    pub field_suggestions: Option<bool>,
    /// `text` or `json` log lines.
    #[arg(long, env = "BACKLINE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// Public URL of the web app (the single-page app, not this API), for links in emails:
    /// `/verify-email?token=…`, `/invitations/accept?token=…` and the deep links of
    /// notifications open there. The default is Vite's development server.
    #[arg(long, env = "BACKLINE_PUBLIC_URL", default_value = "http://localhost:5173")]
    pub public_url: String,
    /// SMTP server URL (`smtps://user:pass@host:465`); without it mail goes to the outbox table.
    #[arg(long, env = "BACKLINE_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<Secret>,
    /// Sender of outgoing mail.
    #[arg(
        long,
        env = "BACKLINE_MAIL_FROM",
        default_value = "Backline <no-reply@backline.local>"
    )]
    pub mail_from: String,
    /// Largest request body in bytes (file uploads excepted).
    #[arg(long, env = "BACKLINE_MAX_BODY_BYTES", default_value_t = 2_000_000)]
    pub max_body_bytes: usize,
    /// Most operations in one batch request.
    #[arg(long, env = "BACKLINE_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Failed sign-ins allowed per account or address per 15 minutes.
    #[arg(long, env = "BACKLINE_LOGIN_ATTEMPTS", default_value_t = 5)]
    pub login_attempts: usize,
    /// Storage limit of the FREE plan, in bytes or `unlimited`.
    #[arg(long, env = "BACKLINE_STORAGE_LIMIT_FREE", default_value = "5368709120")]
    pub storage_limit_free: Limit,
    /// Storage limit of the PRO plan.
    #[arg(long, env = "BACKLINE_STORAGE_LIMIT_PRO", default_value = "268435456000")]
    pub storage_limit_pro: Limit,
    /// Storage limit of the TEAM plan.
    #[arg(long, env = "BACKLINE_STORAGE_LIMIT_TEAM", default_value = "1099511627776")]
    pub storage_limit_team: Limit,
    /// Storage limit of the ENTERPRISE plan.
    #[arg(long, env = "BACKLINE_STORAGE_LIMIT_ENTERPRISE", default_value = "unlimited")]
    pub storage_limit_enterprise: Limit,
    /// Largest file `uploadFile` accepts, in bytes (default 2 GiB).
    #[arg(long, env = "BACKLINE_MAX_UPLOAD_BYTES", default_value_t = 2 << 30)]
    pub max_upload_bytes: u64,
    /// Largest image `uploadImage` accepts, in bytes (default 25 MiB).
    #[arg(long, env = "BACKLINE_MAX_IMAGE_BYTES", default_value_t = 25 << 20)]
    pub max_image_bytes: u64,
    /// Largest image accepted, in pixels (width times height); larger ones are refused as
    /// possible decompression bombs.
    #[arg(long, env = "BACKLINE_MAX_IMAGE_PIXELS", default_value_t = 50_000_000)]
    pub max_image_pixels: u64,
    /// Analysis workers in this process (each decodes one file at a time on a blocking
    /// thread); 0 runs none, leaving analysis to other replicas.
    #[arg(long, env = "BACKLINE_ANALYSIS_WORKERS", default_value_t = 1)]
    pub analysis_workers: usize,
    /// Tries an analysis job gets before it ends FAILED.
    #[arg(long, env = "BACKLINE_ANALYSIS_ATTEMPTS", default_value_t = 5)]
    pub analysis_attempts: i32,
    /// Delay before the first retry of a failed analysis, in milliseconds; each further retry
    /// doubles it.
    #[arg(long, env = "BACKLINE_ANALYSIS_RETRY_MS", default_value_t = 5000)]
    pub analysis_retry_ms: i64,
    /// How long a claimed analysis job is a worker's, in seconds: when its process dies, another
    /// worker takes the job once this has passed. Longer than the slowest analysis.
    #[arg(long, env = "BACKLINE_ANALYSIS_LEASE_SECS", default_value_t = 600)]
    pub analysis_lease_secs: i64,
    /// How long a WebSocket client has to send `connection_init`, in milliseconds (then 4408).
    #[arg(long, env = "BACKLINE_WS_INIT_TIMEOUT_MS", default_value_t = 10_000)]
    pub ws_init_timeout_ms: u64,
    /// How often the server pings an open WebSocket, in milliseconds (keep-alive).
    #[arg(long, env = "BACKLINE_WS_KEEPALIVE_MS", default_value_t = 15_000)]
    pub ws_keepalive_ms: u64,
    /// Open GraphQL WebSockets allowed per signed-in user in this process (across their devices
    /// and tabs); one more is refused at `connection_init` (closed with 4403).
    #[arg(long, env = "BACKLINE_WS_MAX_SOCKETS_PER_USER", default_value_t = 20)]
    pub ws_max_sockets_per_user: usize,
    /// How often the event relay reads the outbox without being woken, in milliseconds: the
    /// worst-case delay for events written by another process whose wake-up was lost.
    #[arg(long, env = "BACKLINE_EVENT_POLL_MS", default_value_t = 1000)]
    pub event_poll_ms: u64,
    /// A user gets at most one notification digest email per this many seconds.
    #[arg(long, env = "BACKLINE_DIGEST_INTERVAL_SECONDS", default_value_t = 3600)]
    pub digest_interval_seconds: i64,
    /// Lifetime of signed content URLs, in seconds.
    #[arg(long, env = "BACKLINE_URL_TTL_SECONDS", default_value_t = 3600)]
    pub url_ttl_seconds: i64,
    /// The API's public base URL, for absolute content URLs (e.g. `https://api.example.com`);
    /// when unset, URLs are built from the request's `Host` header.
    #[arg(long, env = "BACKLINE_API_URL")]
    pub api_url: Option<String>,
    /// Requests handled at once by this process; one more is answered 503 with `Retry-After`
    /// at once (health, readiness and metrics are never refused).
    #[arg(long, env = "BACKLINE_MAX_IN_FLIGHT", default_value_t = 512)]
    pub max_in_flight: usize,
    /// Mutations (root fields) one user, or one address when signed out, may run per minute,
    /// counted across every replica sharing the database; past it `RATE_LIMITED` with
    /// `retryAfter`. 0 turns the limit off.
    #[arg(long, env = "BACKLINE_MUTATIONS_PER_MINUTE", default_value_t = 600)]
    pub mutations_per_minute: u32,
    /// The header a trusted proxy puts the client's address in (`x-forwarded-for`,
    /// `x-real-ip`); the last address in it is taken. Unset: the TCP peer's address. Set it only
    /// behind a proxy that sets the header, or clients could choose their own address.
    #[arg(long, env = "BACKLINE_CLIENT_IP_HEADER")]
    pub client_ip_header: Option<HeaderName>,
    /// Origins whose browser apps may call the API (`https://app.example.com`, `http://localhost:*`
    /// for any port, comma-separated; `*` for any). Default: none in production, localhost and
    /// 127.0.0.1 on any port in development.
    #[arg(long, env = "BACKLINE_CORS_ORIGINS")]
    pub cors_origins: Option<crate::cors::AllowedOrigins>,
    /// A manifest of trusted documents (Apollo's persisted query manifest, or an object of
    /// SHA-256 to document): when set, only those documents run, by hash or by text, and none
    /// can be registered.
    #[arg(long, env = "BACKLINE_TRUSTED_DOCUMENTS")]
    pub trusted_documents: Option<PathBuf>,
    /// Documents registered by hash (automatic persisted queries) kept across replicas; the
    /// oldest go first.
    #[arg(long, env = "BACKLINE_PERSISTED_QUERIES_KEPT", default_value_t = 10_000)]
    pub persisted_queries_kept: u64,
    /// For durability tests only: a crash point to arm (`comment-committed`,
    /// `comment-before-commit`); the process aborts when it reaches it. Refused in production.
    #[arg(long, env = "BACKLINE_FAILPOINT", hide = true)]
    pub failpoint: Option<String>,
    /// Seconds a stop (SIGTERM, Ctrl-C) waits for requests in flight before it stops anyway.
    #[arg(long, env = "BACKLINE_SHUTDOWN_TIMEOUT_SECS", default_value_t = 20)]
    pub shutdown_timeout_secs: u64,
}

impl Config {
    /// The settings as the binary reads them without flags: each environment variable that is
    /// set (`BACKLINE_*`, `DATABASE_URL`), the default for the others. Tests start from this.
    ///
    /// # Errors
    /// A variable that does not parse, named.
    pub fn defaults() -> anyhow::Result<Self> {
        use clap::{Args, FromArgMatches};
        let command = Config::augment_args(clap::Command::new("backline").no_binary_name(true));
        let matches = command.try_get_matches_from(std::iter::empty::<String>())?;
        Ok(Config::from_arg_matches(&matches)?)
    }

    pub(crate) fn production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// Whether GraphiQL is served.
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql.unwrap_or(!self.production())
    }

    /// Whether introspection is allowed.
    pub fn introspection_enabled(&self) -> bool {
        self.introspection.unwrap_or(!self.production())
    }

    /// The origins allowed to call the API from a browser.
    pub fn allowed_origins(&self) -> crate::cors::AllowedOrigins {
        match &self.cors_origins {
            Some(origins) => origins.clone(),
            None if self.production() => crate::cors::AllowedOrigins::default(),
            None => crate::cors::AllowedOrigins::development(),
        }
    }

    /// Whether field suggestions are given.
    pub fn suggestions_enabled(&self) -> bool {
        self.field_suggestions.unwrap_or(!self.production())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_readme() -> anyhow::Result<()> {
        let config = Config::defaults()?;
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.database_url, "sqlite://./data/backline.db?mode=rwc");
        assert_eq!(config.blob_url, BlobUrl("file://./data/blobs".into()));
        assert_eq!(config.storage_limit_free, Limit(Some(5 << 30)));
        assert_eq!(config.storage_limit_enterprise, Limit(None));
        assert!(config.graphiql_enabled() && config.introspection_enabled());
        let production = Config {
            environment: Environment::Production,
            ..config
        };
        assert!(
            !production.graphiql_enabled() && !production.introspection_enabled() && !production.suggestions_enabled()
        );
        Ok(())
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret("hunter2".into())), "***");
        let url = BlobUrl("s3://bucket?aws_secret_access_key=hunter2".into());
        assert_eq!(format!("{url:?}"), "\"s3://bucket\"?***");
        assert!("-1".parse::<Limit>().is_err());
    }
}
