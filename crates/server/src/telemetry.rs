//! Structured logs with `tracing` (`RUST_LOG` filters, `BACKLINE_LOG_FORMAT=json` for JSON
//! lines) and, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, trace export over OTLP (HTTP with
//! protobuf, to `$OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces`; the standard `OTEL_*` variables apply,
//! e.g. `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_SCHEDULE_DELAY`). Off by default.

use std::time::Duration;

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::LogFormat;

/// What was installed; [`Telemetry::shutdown`] sends the spans still buffered.
#[must_use = "shut it down at exit so buffered spans are sent"]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Whether spans are exported over OTLP.
    pub fn exports_traces(&self) -> bool {
        self.traces.is_some()
    }

    /// Sends the buffered spans and stops the exporter (at most a few seconds).
    pub async fn shutdown(self) {
        if let Some(provider) = self.traces {
            // Shutting down blocks until the exports finish, and they run on this runtime.
            let _ = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        }
    }
}

/// The HTTP client of the OTLP exporter: the workspace's reqwest. The SDK's batch processor
/// exports from its own thread, outside the runtime, so each request runs on the runtime.
#[derive(Debug, Clone)]
struct OtlpClient {
    client: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

#[async_trait::async_trait]
impl HttpClient for OtlpClient {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = self.client.clone();
        self.runtime
            .spawn(async move {
                let response = client.execute(reqwest::Request::try_from(request)?).await?;
                let mut builder = Response::builder().status(response.status());
                if let Some(headers) = builder.headers_mut() {
                    *headers = response.headers().clone();
                }
                Ok::<_, HttpError>(builder.body(response.bytes().await?)?)
            })
            .await?
    }
}

/// The OTLP trace pipeline, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
fn trace_provider() -> anyhow::Result<Option<SdkTracerProvider>> {
    if std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_none_or(|value| value.is_empty()) {
        return Ok(None);
    }
    let client = OtlpClient {
        client: reqwest::Client::builder().timeout(Duration::from_secs(10)).build()?,
        runtime: tokio::runtime::Handle::try_current()
            .map_err(|_| anyhow::anyhow!("trace export needs the Tokio runtime"))?,
    };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_http_client(client)
        .build()
        .map_err(|error| anyhow::anyhow!("OTEL_EXPORTER_OTLP_ENDPOINT: {error}"))?;
    Ok(Some(
        SdkTracerProvider::builder()
            .with_resource(Resource::builder().with_service_name("backline").build())
            .with_batch_exporter(exporter)
            .build(),
    ))
}

/// Installs the global subscriber: log lines, plus trace export when configured. Safe to call
/// more than once (later calls install nothing and export nothing). Call it inside the Tokio
/// runtime.
///
/// # Errors
/// Fails when trace export is configured but cannot be set up.
pub fn init(format: LogFormat) -> anyhow::Result<Telemetry> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let traces = trace_provider()?;
    let export = traces.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("backline"))
            .with_filter(filter())
    });
    // Colour for a person at a terminal only: a file, a pipe or a log collector gets plain
    // lines (and `NO_COLOR` turns it off everywhere).
    let colour = std::io::IsTerminal::is_terminal(&std::io::stdout()) && std::env::var_os("NO_COLOR").is_none();
    let lines = match format {
        LogFormat::Json => tracing_subscriber::fmt::layer().json().with_filter(filter()).boxed(),
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(colour)
            .with_filter(filter())
            .boxed(),
    };
    let installed = tracing_subscriber::registry().with(lines).with(export).try_init();
    if installed.is_err() {
        return Ok(Telemetry { traces: None });
    }
    if traces.is_some() {
        tracing::info!("exporting traces over OTLP");
    }
    Ok(Telemetry { traces })
}
