//! The command line as an application parses it with clap: flags and `--set key=value`
//! overrides feed the highest configuration layer, and errors name the flag.

use std::net::SocketAddr;

use clap::Parser;
use di_hosting::{Configuration, Host, HostBuilder, HostEnvironment, ValueSource};
use serde::Deserialize;

/// The command line of an application like `jobs`.
#[derive(Debug, Parser)]
struct Cli {
    /// Where the API listens.
    #[arg(long)]
    listen: Option<String>,
    /// The environment (`Development`, `Production`, ...).
    #[arg(long)]
    environment: Option<String>,
    /// Any setting, as `key=value`.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    overrides: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Settings {
    listen: SocketAddr,
    worker: Worker,
}

#[derive(Debug, Deserialize)]
struct Worker {
    batch_size: u32,
}

fn builder(cli: Cli, variables: &[(&str, &str)]) -> HostBuilder {
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
                .command_line_flag("--listen", "listen", cli.listen)
                .command_line_overrides(cli.overrides);
            if let Some(environment) = cli.environment {
                configuration.environment(environment);
            }
        })
        .add_options::<Settings>("")
}

#[tokio::test]
async fn clap_flags_and_overrides_win_over_environment_variables() {
    let cli = Cli::parse_from([
        "jobs",
        "--listen",
        "127.0.0.1:0",
        "--set",
        "worker.batch_size=8",
        "--environment",
        "Development",
    ]);
    let variables = [
        ("JOBS_LISTEN", "127.0.0.1:9000"),
        ("JOBS_WORKER__BATCH_SIZE", "4"),
        ("JOBS_ENVIRONMENT", "Staging"),
    ];

    let host = builder(cli, &variables).build().await.expect("valid");

    let settings = host.provider().get::<Settings>().expect("bound");
    let configuration = host.provider().get::<Configuration>().expect("registered");
    let environment = host
        .provider()
        .get::<HostEnvironment>()
        .expect("registered");
    assert_eq!(settings.listen.port(), 0);
    assert_eq!(settings.worker.batch_size, 8);
    assert!(environment.is_development());
    assert_eq!(
        configuration.source_of("listen"),
        Some(ValueSource::CommandLineFlag {
            flag: "--listen".into()
        })
    );
}

#[tokio::test]
async fn a_bad_flag_value_is_a_build_error_naming_the_flag() {
    let cli = Cli::parse_from([
        "jobs",
        "--listen",
        "nowhere",
        "--set",
        "worker.batch_size=8",
    ]);

    let Err(error) = builder(cli, &[]).build().await else {
        panic!("`nowhere` is not a socket address");
    };

    let message = error.to_string();
    assert_eq!(error.failures().len(), 1, "{message}");
    assert!(
        message.contains("`listen` = \"nowhere\" from command-line flag `--listen`"),
        "{message}"
    );
}
