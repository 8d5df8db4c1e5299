//! The composition root: the one place that names concrete adapters.

use std::sync::Arc;

use backline_application::persisted::TrustedDocuments;
use backline_application::ports::{EventBus, Mailer, TokenIssuer};
use backline_application::{App, AppSettings, MediaSettings, PlanLimits, Ports};
use backline_audio::SymphoniaAnalyzer;
use backline_auth::{Argon2Hasher, JwtIssuer, RandomIds, SystemClock};
use backline_db::{
    Database, OutboxMailer, SqlAliasRepository, SqlCollaboratorRepository, SqlCommentRepository, SqlCreatorRepository,
    SqlDocumentRepository, SqlEmailTokenRepository, SqlEventLog, SqlFileRepository, SqlImageRepository,
    SqlInvitationRepository, SqlInviteLinkRepository, SqlJobQueue, SqlNotificationRepository, SqlPersistedQueries,
    SqlReviewLinkRepository, SqlSessionRepository, SqlThrottle, SqlUserRepository, SqlWorkspaceRepository,
};
use backline_events::InProcessBus;
use backline_graphql::{BacklineSchema, Limits, RequestGuard, SchemaOptions, build_schema};
use backline_images::ImageResizer;
use backline_mail::SmtpMailer;
use backline_storage::ObjectBlobStore;

use crate::config::{Config, Environment};

/// Everything the server runs on.
#[derive(Clone)]
pub struct Composition {
    /// The application with its adapters.
    pub app: App,
    /// The bus live events are published on (the event relay feeds it).
    pub events: Arc<dyn EventBus>,
    /// The database pool.
    pub database: Database,
    /// The GraphQL schema.
    pub schema: BacklineSchema,
    /// Checks every request against the query limits before it runs (HTTP and WebSocket).
    pub guard: RequestGuard,
    /// The outbox, when mail is recorded rather than sent.
    pub outbox: Option<OutboxMailer>,
}

/// Reads the JWT secret: from the configuration, or in development from (or into) a file in
/// the data folder. Production without a secret is refused.
fn jwt_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &config.jwt_secret {
        anyhow::ensure!(
            secret.0.len() >= 32,
            "BACKLINE_JWT_SECRET must be at least 32 characters"
        );
        return Ok(secret.0.clone().into_bytes());
    }
    anyhow::ensure!(
        config.environment == Environment::Development,
        "BACKLINE_JWT_SECRET is required when BACKLINE_ENV=production"
    );
    let path = config.data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 32 {
            return Ok(existing.into_bytes());
        }
    }
    std::fs::create_dir_all(&config.data_dir)?;
    let mut bytes = [0_u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let secret = hex::encode(bytes);
    std::fs::write(&path, &secret)?;
    tracing::warn!(path = %path.display(), "BACKLINE_JWT_SECRET is not set: generated a development secret and stored it; set the variable in production");
    Ok(secret.into_bytes())
}

/// The key that signs content URLs, derived from the token secret so that one secret
/// configures both, yet a token signature is never a valid URL signature.
fn signing_key(secret: &[u8]) -> Vec<u8> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(b"backline content urls\0");
    hasher.update(secret);
    hasher.finalize().to_vec()
}

/// Connects to the database and blob store, applies pending migrations, and wires the adapters.
///
/// # Errors
/// Fails with a message naming the setting when a store cannot be reached or a setting is bad.
pub async fn compose(config: &Config) -> anyhow::Result<Composition> {
    let database = Database::connect(&config.database_url)
        .await
        .map_err(|error| anyhow::anyhow!("DATABASE_URL: cannot connect: {error}"))?;
    database.migrate_up().await?;
    let blobs =
        ObjectBlobStore::from_url(&config.blob_url.0).map_err(|error| anyhow::anyhow!("BACKLINE_BLOB_URL: {error}"))?;
    let secret = jwt_secret(config)?;
    let tokens: Arc<dyn TokenIssuer> = Arc::new(JwtIssuer::new(&secret)?);
    let (mailer, outbox): (Arc<dyn Mailer>, Option<OutboxMailer>) = match &config.smtp_url {
        Some(url) => (
            Arc::new(
                SmtpMailer::new(&url.0, &config.mail_from)
                    .map_err(|error| anyhow::anyhow!("BACKLINE_SMTP_URL: {error}"))?,
            ),
            None,
        ),
        None => {
            let outbox = OutboxMailer::new(database.clone(), config.environment == Environment::Development);
            (Arc::new(outbox.clone()), Some(outbox))
        }
    };
    let throttle = SqlThrottle::new(database.clone(), config.login_attempts, chrono::Duration::minutes(15));
    let trusted_documents = match &config.trusted_documents {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|error| anyhow::anyhow!("BACKLINE_TRUSTED_DOCUMENTS {}: {error}", path.display()))?;
            let trusted = TrustedDocuments::from_manifest(&text)
                .map_err(|error| anyhow::anyhow!("BACKLINE_TRUSTED_DOCUMENTS {}: {error}", path.display()))?;
            tracing::info!(documents = trusted.len(), "only trusted documents run");
            Some(Arc::new(trusted))
        }
        None => None,
    };
    let events: Arc<dyn EventBus> = Arc::new(InProcessBus::default());
    let ports = Ports {
        users: Arc::new(SqlUserRepository::new(database.clone())),
        sessions: Arc::new(SqlSessionRepository::new(database.clone())),
        email_tokens: Arc::new(SqlEmailTokenRepository::new(database.clone())),
        workspace: Arc::new(SqlWorkspaceRepository::new(database.clone())),
        collaborators: Arc::new(SqlCollaboratorRepository::new(database.clone())),
        files: Arc::new(SqlFileRepository::new(database.clone())),
        comments: Arc::new(SqlCommentRepository::new(database.clone())),
        notifications: Arc::new(SqlNotificationRepository::new(database.clone())),
        invite_links: Arc::new(SqlInviteLinkRepository::new(database.clone())),
        invitations: Arc::new(SqlInvitationRepository::new(database.clone())),
        review_links: Arc::new(SqlReviewLinkRepository::new(database.clone())),
        documents: Arc::new(SqlDocumentRepository::new(database.clone())),
        profiles: Arc::new(SqlCreatorRepository::new(database.clone())),
        organizations: Arc::new(SqlCreatorRepository::new(database.clone())),
        aliases: Arc::new(SqlAliasRepository::new(database.clone())),
        events: Arc::clone(&events),
        event_log: Arc::new(SqlEventLog::new(database.clone())),
        persisted_queries: Arc::new(SqlPersistedQueries::new(database.clone())),
        images: Arc::new(SqlImageRepository::new(database.clone())),
        jobs: Arc::new(SqlJobQueue::new(database.clone())),
        blobs: Arc::new(blobs),
        analyzer: Arc::new(SymphoniaAnalyzer::new()),
        image_processor: Arc::new(ImageResizer::new(config.max_image_pixels)),
        hasher: Arc::new(Argon2Hasher::new()?),
        tokens,
        mailer,
        throttle: Arc::new(throttle.clone()),
        rate_limiter: Arc::new(throttle),
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
    };
    let app = App::new(
        ports,
        AppSettings {
            public_url: config.public_url.clone(),
            plan_limits: PlanLimits {
                free: config.storage_limit_free.0,
                pro: config.storage_limit_pro.0,
                team: config.storage_limit_team.0,
                enterprise: config.storage_limit_enterprise.0,
            },
            media: MediaSettings {
                max_upload_bytes: config.max_upload_bytes,
                max_image_bytes: config.max_image_bytes,
                url_ttl: chrono::Duration::seconds(config.url_ttl_seconds.max(1)),
                signing_key: signing_key(&secret),
                max_attempts: config.analysis_attempts.max(1),
                retry_backoff: chrono::Duration::milliseconds(config.analysis_retry_ms.max(0)),
                job_lease: chrono::Duration::seconds(config.analysis_lease_secs.max(1)),
            },
            digest_interval: chrono::Duration::seconds(config.digest_interval_seconds.max(1)),
            mutations_per_minute: config.mutations_per_minute,
            trusted_documents,
            persisted_queries_kept: config.persisted_queries_kept,
            ..AppSettings::default()
        },
    );
    let options = SchemaOptions {
        introspection: config.introspection_enabled(),
        suggestions: config.suggestions_enabled(),
        limits: Limits::default(),
    };
    let schema = build_schema(app.clone(), &options);
    let guard = RequestGuard::new(options.limits, &schema.sdl());
    Ok(Composition {
        app,
        events,
        database,
        schema,
        guard,
        outbox,
    })
}
