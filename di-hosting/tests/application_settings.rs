//! The shape of a real application's settings (the `jobs` queue): one options type with
//! defaults, nested sections, a conventional alias (`DATABASE_URL`), clap flags, and host options
//! taken from the configuration.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use di_hosting::{Host, HostBuilder, OptionsSnapshot, ValidationError};
use serde::Deserialize;

#[derive(Debug, Parser)]
struct Cli {
    #[arg(long)]
    listen: Option<SocketAddr>,
    #[arg(long)]
    database_url: Option<String>,
    #[arg(long)]
    environment: Option<String>,
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
struct JobsSettings {
    listen: SocketAddr,
    database_url: String,
    worker: WorkerSettings,
    lease_ms: u64,
    shutdown_timeout_ms: u64,
}

#[derive(Debug, Deserialize)]
#[serde(default)]
struct WorkerSettings {
    batch_size: u32,
    poll_interval_ms: u64,
}

impl Default for JobsSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://jobs.db".into(),
            worker: WorkerSettings::default(),
            lease_ms: 30_000,
            shutdown_timeout_ms: 30_000,
        }
    }
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            batch_size: 16,
            poll_interval_ms: 250,
        }
    }
}

impl JobsSettings {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.worker.batch_size == 0 {
            return Err(ValidationError::field(
                "worker.batch_size",
                "must be at least 1",
            ));
        }
        Ok(())
    }
}

fn jobs_host(cli: Cli, variables: &[(&str, &str)]) -> HostBuilder {
    let variables: Vec<(String, String)> = variables
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_configuration(move |configuration| {
            configuration
                .env_prefix("JOBS")
                .environment_variables(variables)
                .env_alias("DATABASE_URL", "database_url")
                .command_line_flag("--listen", "listen", cli.listen)
                .command_line_flag("--database-url", "database_url", cli.database_url)
                .command_line_overrides(cli.overrides);
            if let Some(environment) = cli.environment {
                configuration.environment(environment);
            }
        })
        .add_options::<JobsSettings>("")
        .validate_options(JobsSettings::validate)
        .configure_options_from_configuration(|options, configuration| {
            if configuration.contains("shutdown_timeout_ms") {
                let millis = configuration.get("shutdown_timeout_ms")?;
                options.shutdown_timeout = Duration::from_millis(millis);
            }
            Ok(())
        })
}

#[tokio::test]
async fn the_defaults_apply_when_nothing_is_configured() {
    let host = jobs_host(Cli::parse_from(["jobs"]), &[])
        .build()
        .await
        .expect("valid");

    let settings = host.provider().get::<JobsSettings>().expect("bound");

    assert_eq!(settings.listen.port(), 8080);
    assert_eq!(settings.database_url, "sqlite://jobs.db");
    assert_eq!(settings.worker.batch_size, 16);
    assert_eq!(settings.worker.poll_interval_ms, 250);
    assert_eq!(settings.lease_ms, 30_000);
    assert_eq!(host.options().shutdown_timeout, Duration::from_secs(30));
}

#[tokio::test]
async fn flags_aliases_and_prefixed_variables_configure_the_application() {
    let cli = Cli::parse_from(["jobs", "--listen", "127.0.0.1:0", "--set", "lease_ms=5000"]);
    let variables = [
        ("DATABASE_URL", "sqlite::memory:"),
        ("JOBS_WORKER__BATCH_SIZE", "8"),
        ("JOBS_SHUTDOWN_TIMEOUT_MS", "2000"),
    ];
    let host = jobs_host(cli, &variables)
        .configure_services(|services| {
            services.add_scoped(|settings: Arc<OptionsSnapshot<JobsSettings>>| {
                Arc::new(settings.worker.batch_size)
            });
        })
        .build()
        .await
        .expect("valid");

    let settings = host.provider().get::<JobsSettings>().expect("bound");
    let scope = host
        .provider()
        .create_scope()
        .expect("the provider is not disposed");

    assert_eq!(settings.listen.port(), 0);
    assert_eq!(settings.database_url, "sqlite::memory:");
    assert_eq!(settings.worker.batch_size, 8);
    assert_eq!(settings.worker.poll_interval_ms, 250);
    assert_eq!(settings.lease_ms, 5_000);
    assert_eq!(host.options().shutdown_timeout, Duration::from_secs(2));
    assert_eq!(*scope.get::<u32>().expect("scoped"), 8);
    scope.dispose().await;
}

#[tokio::test]
async fn an_invalid_setting_names_its_variable() {
    let variables = [("JOBS_WORKER__BATCH_SIZE", "0")];

    let Err(error) = jobs_host(Cli::parse_from(["jobs"]), &variables)
        .build()
        .await
    else {
        panic!("a batch size of 0 is rejected");
    };

    let message = error.to_string();
    assert!(
        message.contains(
            "`worker.batch_size` = \"0\" from environment variable `JOBS_WORKER__BATCH_SIZE`"
        ),
        "{message}"
    );
}
