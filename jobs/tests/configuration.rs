//! The application's settings through its own builder, in-process: the order of the sources,
//! the environment's file, the aliases of the earlier flat variables, the shutdown deadline,
//! and errors that name the key, the value and where it came from. Every test gives its own
//! variables and content root, so the process environment and working directory do not count.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use di_hosting::{Host, HostEnvironment, HostError, HostFailure};
use jobs::{CommandLine, JobsConfig};

/// The settings directory and database of one test.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    fn write(&self, name: &str, text: &str) -> &Self {
        std::fs::write(self.dir.path().join(name), text).expect("the file is written");
        self
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// Builds the host of `jobs` with these arguments (after the program name) and variables;
    /// the database is in the fixture's directory unless the arguments or variables say
    /// otherwise.
    async fn build(&self, args: &[&str], variables: &[(&str, &str)]) -> Result<Host, HostError> {
        let mut variables: Vec<(String, String)> = variables
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect();
        if !variables.iter().any(|(name, _)| name.contains("DATABASE")) {
            let url = format!("sqlite://{}", self.path("jobs.db"));
            variables.push(("JOBS_DATABASE__URL".to_owned(), url));
        }
        let command_line =
            CommandLine::parse_from(std::iter::once("jobs").chain(args.iter().copied()));
        let root = self.dir.path().to_owned();
        jobs::host_builder(command_line)
            .configure_options(|options| options.handle_signals = false)
            .configure_configuration(move |configuration| {
                configuration
                    .content_root(root)
                    .environment_variables(variables);
            })
            .build()
            .await
    }

    async fn config(&self, args: &[&str], variables: &[(&str, &str)]) -> JobsConfig {
        let host = self.build(args, variables).await.expect("valid settings");
        let config = host.provider().get::<JobsConfig>().expect("bound");
        JobsConfig::clone(&config)
    }

    /// The problems of a build that must fail, one line each.
    async fn problems(&self, args: &[&str], variables: &[(&str, &str)]) -> Vec<String> {
        let Err(error) = self.build(args, variables).await else {
            panic!("the settings {args:?} {variables:?} are refused");
        };
        error
            .failures()
            .iter()
            .map(|failure| match failure {
                HostFailure::Configuration(problem) => problem.to_string(),
                other => panic!("not a configuration problem: {other}"),
            })
            .collect()
    }
}

fn port(config: &JobsConfig) -> u16 {
    config.listen.port()
}

#[tokio::test]
async fn nothing_configured_gives_the_documented_defaults() {
    let fixture = Fixture::new();

    let host = fixture.build(&[], &[]).await.expect("valid");
    let config = host.provider().get::<JobsConfig>().expect("bound");

    assert_eq!(
        config.listen,
        "127.0.0.1:8080".parse::<SocketAddr>().expect("an address")
    );
    assert_eq!((config.concurrency, config.batch_size), (32, 16));
    assert_eq!(config.poll_interval, Duration::from_millis(250));
    assert_eq!(config.lease, Duration::from_secs(30));
    assert_eq!(config.renew_interval, Duration::from_secs(10));
    assert_eq!(config.backoff_base, Duration::from_secs(1));
    assert_eq!(config.backoff_max, Duration::from_secs(300));
    assert_eq!(config.db_busy, Duration::from_secs(2));
    assert_eq!(host.options().shutdown_timeout, Duration::from_secs(30));
}

#[tokio::test]
async fn a_file_is_overridden_by_a_variable_which_is_overridden_by_the_command_line() {
    let fixture = Fixture::new();
    fixture.write(
        "appsettings.toml",
        "listen = \"127.0.0.1:1111\"\n[worker]\nbatch_size = 4\nconcurrency = 5\npoll_ms = 7\n",
    );
    let variables = [
        ("JOBS_LISTEN", "127.0.0.1:2222"),
        ("JOBS_WORKER__BATCH_SIZE", "8"),
        ("JOBS_WORKER__CONCURRENCY", "9"),
    ];

    let config = fixture
        .config(
            &["--listen", "127.0.0.1:0", "--set", "worker.concurrency=10"],
            &variables,
        )
        .await;

    assert_eq!(
        port(&config),
        0,
        "the flag wins over the variable and the file"
    );
    assert_eq!(
        config.concurrency, 10,
        "the override wins over the variable"
    );
    assert_eq!(config.batch_size, 8, "the variable wins over the file");
    assert_eq!(
        config.poll_interval,
        Duration::from_millis(7),
        "the file wins over the default"
    );
}

#[tokio::test]
async fn the_environment_file_is_read_after_appsettings_toml() {
    let fixture = Fixture::new();
    fixture
        .write(
            "appsettings.toml",
            "[worker]\nbatch_size = 4\nconcurrency = 5\n",
        )
        .write("appsettings.Development.toml", "[worker]\nbatch_size = 6\n")
        .write("appsettings.Staging.toml", "[worker]\nbatch_size = 7\n");

    let production = fixture.config(&[], &[]).await;
    let development = fixture.config(&["--environment", "Development"], &[]).await;
    let staging = fixture
        .config(&[], &[("JOBS_ENVIRONMENT", "Staging")])
        .await;
    let flag_wins = fixture
        .config(
            &["--environment", "Development"],
            &[("JOBS_ENVIRONMENT", "Staging")],
        )
        .await;

    assert_eq!((production.batch_size, production.concurrency), (4, 5));
    assert_eq!((development.batch_size, development.concurrency), (6, 5));
    assert_eq!(staging.batch_size, 7);
    assert_eq!(flag_wins.batch_size, 6);
}

#[tokio::test]
async fn the_host_environment_is_the_one_given_by_the_flag() {
    let fixture = Fixture::new();

    let host = fixture
        .build(&["--environment", "Development"], &[])
        .await
        .expect("valid");

    let environment = host
        .provider()
        .get::<HostEnvironment>()
        .expect("registered");
    assert!(environment.is_development());
    assert_eq!(environment.content_root(), fixture.dir.path());
}

#[tokio::test]
async fn the_flat_variables_of_earlier_releases_still_set_their_keys() {
    let fixture = Fixture::new();
    let url = format!("sqlite://{}", fixture.path("alias.db"));
    let variables = [
        ("DATABASE_URL", url.as_str()),
        ("JOBS_CONCURRENCY", "3"),
        ("JOBS_BATCH_SIZE", "2"),
        ("JOBS_POLL_MS", "11"),
        ("JOBS_LEASE_MS", "900"),
        ("JOBS_RENEW_MS", "100"),
        ("JOBS_BACKOFF_MS", "12"),
        ("JOBS_BACKOFF_MAX_MS", "13"),
        ("JOBS_DB_BUSY_MS", "14"),
        ("JOBS_SHUTDOWN_MS", "1500"),
    ];

    let host = fixture.build(&[], &variables).await.expect("valid");
    let config = host.provider().get::<JobsConfig>().expect("bound");

    assert_eq!(config.database_url, url);
    assert_eq!((config.concurrency, config.batch_size), (3, 2));
    assert_eq!(config.poll_interval, Duration::from_millis(11));
    assert_eq!(config.lease, Duration::from_millis(900));
    assert_eq!(config.renew_interval, Duration::from_millis(100));
    assert_eq!(config.backoff_base, Duration::from_millis(12));
    assert_eq!(config.backoff_max, Duration::from_millis(13));
    assert_eq!(config.db_busy, Duration::from_millis(14));
    assert_eq!(config.shutdown_timeout, Duration::from_millis(1500));
    assert_eq!(host.options().shutdown_timeout, Duration::from_millis(1500));
}

#[tokio::test]
async fn a_sectioned_variable_wins_over_its_flat_alias_and_the_flag_over_database_url() {
    let fixture = Fixture::new();
    let (env_url, flag_url) = (fixture.path("env.db"), fixture.path("flag.db"));
    let (env_url, flag_url) = (
        format!("sqlite://{env_url}"),
        format!("sqlite://{flag_url}"),
    );
    let variables = [
        ("JOBS_BATCH_SIZE", "2"),
        ("JOBS_WORKER__BATCH_SIZE", "5"),
        ("DATABASE_URL", env_url.as_str()),
    ];

    let config = fixture
        .config(&["--database-url", &flag_url], &variables)
        .await;

    assert_eq!(config.batch_size, 5);
    assert_eq!(config.database_url, flag_url);
}

#[tokio::test]
async fn an_impossible_value_names_the_file_and_the_key_it_came_from() {
    let fixture = Fixture::new();
    fixture.write("appsettings.toml", "[worker]\nbatch_size = 0\n");
    let file = fixture.path("appsettings.toml");

    let problems = fixture.problems(&[], &[]).await;

    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(&format!(
            "`worker.batch_size` = 0 from file `{file}`, key `worker.batch_size` is rejected"
        )),
        "{problems:?}"
    );
}

#[tokio::test]
async fn an_impossible_value_names_the_variable_or_the_flag_it_came_from() {
    let fixture = Fixture::new();

    let from_variable = fixture
        .problems(&[], &[("JOBS_WORKER__BATCH_SIZE", "0")])
        .await;
    let from_alias = fixture.problems(&[], &[("JOBS_BATCH_SIZE", "0")]).await;
    let from_override = fixture
        .problems(&["--set", "worker.batch_size=0"], &[])
        .await;
    let from_flag = fixture.problems(&["--listen", "nowhere"], &[]).await;

    let named = |problems: &[String], source: &str| {
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains(source), "{source} in {problems:?}");
    };
    named(
        &from_variable,
        "`worker.batch_size` = \"0\" from environment variable `JOBS_WORKER__BATCH_SIZE`",
    );
    named(
        &from_alias,
        "`worker.batch_size` = \"0\" from environment variable `JOBS_BATCH_SIZE`",
    );
    named(
        &from_override,
        "`worker.batch_size` = \"0\" from command-line override `worker.batch_size=0`",
    );
    named(
        &from_flag,
        "`listen` = \"nowhere\" from command-line flag `--listen`",
    );
}

#[tokio::test]
async fn every_impossible_value_is_reported_at_once_in_rule_order() {
    let fixture = Fixture::new();
    fixture.write("appsettings.toml", "[database]\nbusy_ms = 0\n");
    let variables = [
        ("JOBS_WORKER__BATCH_SIZE", "0"),
        ("JOBS_WORKER__LEASE_MS", "1000"),
        ("JOBS_WORKER__RENEW_MS", "1000"),
    ];

    let problems = fixture
        .problems(&["--set", "worker.concurrency=0"], &variables)
        .await;

    let keys: Vec<&str> = problems
        .iter()
        .map(|problem| problem.split('`').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(
        keys,
        [
            "worker.batch_size",
            "worker.concurrency",
            "database.busy_ms",
            "worker.lease_ms"
        ],
        "{problems:#?}"
    );
}

#[tokio::test]
async fn a_value_that_is_not_a_number_names_its_variable() {
    let fixture = Fixture::new();

    let problems = fixture
        .problems(&[], &[("JOBS_WORKER__POLL_MS", "soon")])
        .await;

    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(
            "`worker.poll_ms` = \"soon\" from environment variable `JOBS_WORKER__POLL_MS` is invalid"
        ),
        "{problems:?}"
    );
}

#[tokio::test]
async fn an_unreadable_settings_file_is_refused_naming_the_file() {
    let fixture = Fixture::new();
    fixture.write("appsettings.toml", "[worker\nbatch_size = 4\n");

    let problems = fixture.problems(&[], &[]).await;

    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with(&format!(
            "cannot read `{}`",
            fixture.path("appsettings.toml")
        )),
        "{problems:?}"
    );
}

#[test]
fn a_malformed_command_line_is_refused_by_clap_with_exit_code_2() {
    let no_value = CommandLine::try_parse_from(["jobs", "--listen"]).expect_err("needs a value");
    let unknown = CommandLine::try_parse_from(["jobs", "--nope"]).expect_err("unknown");

    assert_eq!(no_value.kind(), clap::error::ErrorKind::InvalidValue);
    assert_eq!(unknown.kind(), clap::error::ErrorKind::UnknownArgument);
    assert_eq!((no_value.exit_code(), unknown.exit_code()), (2, 2));
}

#[tokio::test]
async fn a_flag_given_twice_takes_its_last_value() {
    let fixture = Fixture::new();

    let config = fixture
        .config(
            &["--listen", "127.0.0.1:1111", "--listen", "127.0.0.1:0"],
            &[],
        )
        .await;

    assert_eq!(port(&config), 0);
}

#[tokio::test]
async fn problems_name_the_settings_type_as_users_know_it_not_its_module_path() {
    let fixture = Fixture::new();

    let invalid = fixture
        .problems(&[], &[("JOBS_WORKER__POLL_MS", "soon")])
        .await;
    let rejected = fixture
        .problems(&[], &[("JOBS_WORKER__BATCH_SIZE", "0")])
        .await;

    assert_eq!(
        invalid,
        [
            "`worker.poll_ms` = \"soon\" from environment variable `JOBS_WORKER__POLL_MS` is \
          invalid for `JobsConfig`: expected u64, found string \"soon\""
        ]
    );
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(
        rejected[0].starts_with(
            "`worker.batch_size` = \"0\" from environment variable `JOBS_WORKER__BATCH_SIZE` is \
             rejected by the validation of `JobsConfig`: "
        ),
        "{rejected:?}"
    );
}
