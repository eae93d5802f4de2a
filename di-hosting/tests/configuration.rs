//! Layered configuration: precedence of the layers, the environment name, and build errors that
//! name the key, the value and where it came from.

use std::path::Path;
use std::sync::Arc;

use di_hosting::{
    Configuration, Host, HostBuilder, HostEnvironment, HostError, HostFailure, ValidationError,
    ValueSource,
};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Layers {
    from_defaults: String,
    from_file: String,
    from_environment_file: String,
    from_variable: String,
    from_command_line: String,
}

#[derive(Debug, Deserialize)]
struct Worker {
    batch_size: u32,
    #[serde(default)]
    name: String,
}

fn write(directory: &Path, name: &str, text: &str) {
    std::fs::write(directory.join(name), text).expect("the temporary directory is writable");
}

/// A builder reading files from `directory` and the given variables, signals off.
fn builder(directory: &Path, variables: &[(&str, &str)]) -> HostBuilder {
    let directory = directory.to_owned();
    let variables: Vec<(String, String)> = variables
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect();
    Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_configuration(move |configuration| {
            configuration
                .content_root(directory)
                .env_prefix("JOBS")
                .environment_variables(variables)
                .reload_on_change(false);
        })
}

async fn build_error(builder: HostBuilder) -> HostError {
    match builder.build().await {
        Ok(_) => panic!("the build should fail"),
        Err(error) => error,
    }
}

fn layered_directory() -> tempfile::TempDir {
    let directory = tempfile::tempdir().expect("a temporary directory");
    write(
        directory.path(),
        "appsettings.toml",
        "[layers]\nfrom_file = \"file\"\nfrom_environment_file = \"file\"\n\
         from_variable = \"file\"\nfrom_command_line = \"file\"\n",
    );
    write(
        directory.path(),
        "appsettings.Production.toml",
        "[layers]\nfrom_environment_file = \"production file\"\n\
         from_variable = \"production file\"\nfrom_command_line = \"production file\"\n",
    );
    directory
}

#[tokio::test]
async fn each_layer_overrides_the_layers_below_it() {
    let directory = layered_directory();
    let variables = [
        ("JOBS_LAYERS__FROM_VARIABLE", "variable"),
        ("JOBS_LAYERS__FROM_COMMAND_LINE", "variable"),
    ];
    let defaults = [
        "from_defaults",
        "from_file",
        "from_environment_file",
        "from_variable",
        "from_command_line",
    ];
    let host = builder(directory.path(), &variables)
        .configure_configuration(|configuration| {
            for field in defaults {
                configuration.default_value(format!("layers.{field}"), "default");
            }
            configuration.command_line_flag(
                "--from-command-line",
                "layers.from_command_line",
                Some("flag"),
            );
        })
        .add_options::<Layers>("layers")
        .build()
        .await
        .expect("valid configuration");

    let layers = host.provider().get::<Layers>().expect("bound");

    assert_eq!(layers.from_defaults, "default");
    assert_eq!(layers.from_file, "file");
    assert_eq!(layers.from_environment_file, "production file");
    assert_eq!(layers.from_variable, "variable");
    assert_eq!(layers.from_command_line, "flag");
}

#[tokio::test]
async fn every_value_knows_the_layer_it_came_from() {
    let directory = layered_directory();
    let host = builder(
        directory.path(),
        &[("JOBS_LAYERS__FROM_VARIABLE", "variable")],
    )
    .configure_configuration(|configuration| {
        configuration
            .default_value("layers.from_defaults", "default")
            .command_line_overrides(["layers.from_command_line=override"]);
    })
    .build()
    .await
    .expect("valid configuration");
    let configuration = host.provider().get::<Configuration>().expect("registered");

    let sources = [
        "from_defaults",
        "from_file",
        "from_environment_file",
        "from_variable",
        "from_command_line",
    ]
    .map(|field| configuration.source_of(&format!("layers.{field}")));

    let file = |name: &str, field: &str| ValueSource::File {
        path: directory.path().join(name),
        key: format!("layers.{field}"),
    };
    assert_eq!(
        sources,
        [
            Some(ValueSource::Default),
            Some(file("appsettings.toml", "from_file")),
            Some(file("appsettings.Production.toml", "from_environment_file")),
            Some(ValueSource::EnvironmentVariable {
                name: "JOBS_LAYERS__FROM_VARIABLE".into()
            }),
            Some(ValueSource::CommandLineOverride {
                argument: "layers.from_command_line=override".into()
            }),
        ]
    );
    assert_eq!(configuration.source_of("layers.absent"), None);
}

#[tokio::test]
async fn double_underscore_separates_sections_and_numbers_are_read_from_strings() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let host = builder(
        directory.path(),
        &[
            ("JOBS_WORKER__BATCH_SIZE", "8"),
            ("JOBS_WORKER__NAME", "123"),
        ],
    )
    .add_options::<Worker>("worker")
    .build()
    .await
    .expect("valid configuration");

    let worker = host.provider().get::<Worker>().expect("bound");

    assert_eq!(worker.batch_size, 8);
    assert_eq!(worker.name, "123");
}

#[tokio::test]
async fn the_environment_defaults_to_production() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let host = builder(directory.path(), &[]).build().await.expect("valid");

    let environment = host
        .provider()
        .get::<HostEnvironment>()
        .expect("registered");

    assert_eq!(environment.name(), "Production");
    assert!(environment.is_production());
    assert_eq!(environment.content_root(), directory.path());
}

#[tokio::test]
async fn the_environment_variable_names_the_environment_and_picks_its_file() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    write(
        directory.path(),
        "appsettings.toml",
        "[worker]\nbatch_size = 1\n",
    );
    write(
        directory.path(),
        "appsettings.Production.toml",
        "[worker]\nbatch_size = 2\n",
    );
    write(
        directory.path(),
        "appsettings.Development.toml",
        "[worker]\nbatch_size = 3\n",
    );
    let host = builder(directory.path(), &[("JOBS_ENVIRONMENT", "Development")])
        .add_options::<Worker>("worker")
        .build()
        .await
        .expect("valid configuration");

    let environment = host
        .provider()
        .get::<HostEnvironment>()
        .expect("registered");
    let worker = host.provider().get::<Worker>().expect("bound");

    assert!(environment.is_development());
    assert_eq!(worker.batch_size, 3);
}

#[tokio::test]
async fn an_explicit_environment_wins_over_the_override_and_the_variable() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let by_override = builder(directory.path(), &[("JOBS_ENVIRONMENT", "Development")])
        .configure_configuration(|configuration| {
            configuration.command_line_overrides(["environment=Staging"]);
        })
        .build()
        .await
        .expect("valid");
    let explicit = builder(directory.path(), &[("JOBS_ENVIRONMENT", "Development")])
        .configure_configuration(|configuration| {
            configuration
                .command_line_overrides(["environment=Staging"])
                .environment("Testing");
        })
        .build()
        .await
        .expect("valid");

    let name = |host: &Host| {
        let environment = host
            .provider()
            .get::<HostEnvironment>()
            .expect("registered");
        environment.name().to_owned()
    };

    assert_eq!(name(&by_override), "Staging");
    assert_eq!(name(&explicit), "Testing");
}

#[tokio::test]
async fn a_bad_value_in_a_file_names_the_file_the_key_and_the_value() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    write(
        directory.path(),
        "appsettings.toml",
        "[worker]\nbatch_size = \"eight\"\n",
    );

    let error = build_error(builder(directory.path(), &[]).add_options::<Worker>("worker")).await;

    let message = error.to_string();
    let file = directory.path().join("appsettings.toml");
    assert_eq!(error.failures().len(), 1, "{message}");
    assert!(
        message.contains(&format!(
            "`worker.batch_size` = \"eight\" from file `{}`, key `worker.batch_size`",
            file.display()
        )),
        "{message}"
    );
    assert!(message.contains("is invalid for `Worker`"), "{message}");
    assert!(!message.contains("configuration::Worker"), "{message}");
}

#[tokio::test]
async fn a_bad_value_from_an_environment_variable_names_the_variable() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let variables = [("JOBS_WORKER__BATCH_SIZE", "eight")];

    let error =
        build_error(builder(directory.path(), &variables).add_options::<Worker>("worker")).await;

    let message = error.to_string();
    assert!(
        message.contains(
            "`worker.batch_size` = \"eight\" from environment variable `JOBS_WORKER__BATCH_SIZE`"
        ),
        "{message}"
    );
}

#[tokio::test]
async fn a_bad_value_from_a_flag_names_the_flag() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let builder = builder(directory.path(), &[])
        .configure_configuration(|configuration| {
            configuration.command_line_flag("--batch-size", "worker.batch_size", Some(-3));
        })
        .add_options::<Worker>("worker");

    let error = build_error(builder).await;

    let message = error.to_string();
    assert!(
        message.contains("`worker.batch_size` = -3 from command-line flag `--batch-size`"),
        "{message}"
    );
}

#[tokio::test]
async fn a_missing_value_is_a_build_error_saying_where_to_set_it() {
    let directory = tempfile::tempdir().expect("a temporary directory");

    let error = build_error(builder(directory.path(), &[]).add_options::<Worker>("worker")).await;

    let message = error.to_string();
    assert!(
        message.contains("`worker.batch_size` is required by `Worker`"),
        "{message}"
    );
    assert!(
        message.contains("with the environment variable `JOBS_WORKER__BATCH_SIZE`"),
        "{message}"
    );
}

#[tokio::test]
async fn a_malformed_file_is_reported_with_its_path_and_line() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    write(
        directory.path(),
        "appsettings.toml",
        "[worker]\nbatch_size = = 8\n",
    );

    let error = build_error(builder(directory.path(), &[])).await;

    let message = error.to_string();
    let file = directory.path().join("appsettings.toml");
    assert!(
        message.contains(&format!("cannot read `{}`", file.display())),
        "{message}"
    );
    assert!(message.contains("line 2"), "{message}");
}

#[tokio::test]
async fn a_malformed_file_does_not_hide_a_bad_value_from_another_source() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    write(
        directory.path(),
        "appsettings.toml",
        "[worker]\nbatch_size = 8\nname = \"w\n",
    );
    let variables = [("JOBS_WORKER__BATCH_SIZE", "eight")];

    let error =
        build_error(builder(directory.path(), &variables).add_options::<Worker>("worker")).await;

    let problems: Vec<String> = error
        .failures()
        .iter()
        .map(|failure| match failure {
            HostFailure::Configuration(problem) => problem.to_string(),
            other => panic!("not a configuration problem: {other}"),
        })
        .collect();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(problems[0].contains("cannot read `"), "{problems:#?}");
    assert!(
        problems[1].starts_with(
            "`worker.batch_size` = \"eight\" from environment variable `JOBS_WORKER__BATCH_SIZE`"
        ),
        "a bad value from another source is still reported: {problems:#?}"
    );
}

#[tokio::test]
async fn a_malformed_file_is_the_only_problem_not_also_the_keys_it_would_set() {
    // Found by `config_fuzz.rs`: the keys of an unread file were also reported as set by no
    // source, which sends the reader to the wrong fix.
    let directory = tempfile::tempdir().expect("a temporary directory");
    write(
        directory.path(),
        "appsettings.toml",
        "[worker\nbatch_size = 8\n",
    );

    let error = build_error(builder(directory.path(), &[]).add_options::<Worker>("worker")).await;

    assert_eq!(error.failures().len(), 1, "{error}");
    assert!(error.to_string().contains("cannot read `"), "{error}");
}

#[tokio::test]
async fn configuration_and_container_problems_are_reported_together_and_numbered() {
    struct Missing;
    struct NeedsMissing;
    let directory = tempfile::tempdir().expect("a temporary directory");
    let variables = [("JOBS_WORKER__BATCH_SIZE", "0")];
    let builder = builder(directory.path(), &variables)
        .configure_configuration(|configuration| {
            configuration.command_line_overrides(["limits.max=many"]);
        })
        .add_options::<Worker>("worker")
        .validate_options(|worker: &Worker| {
            if worker.batch_size == 0 {
                Err(ValidationError::field("batch_size", "must be at least 1"))
            } else {
                Ok(())
            }
        })
        .add_options::<Limits>("limits")
        .configure_services(|services| {
            services.add_singleton(|_missing: Arc<Missing>| Arc::new(NeedsMissing));
            services.add_singleton(|worker: Arc<Worker>| Arc::new(worker.batch_size));
        });

    let error = build_error(builder).await;

    let message = error.to_string();
    let failures = error.failures();
    assert_eq!(failures.len(), 3, "{message}");
    assert!(
        matches!(failures[0], HostFailure::Configuration(_)),
        "{message}"
    );
    assert!(
        matches!(failures[1], HostFailure::Configuration(_)),
        "{message}"
    );
    assert!(matches!(failures[2], HostFailure::Build(_)), "{message}");
    assert!(
        message.contains(
            "1. the configuration is invalid: `worker.batch_size` = \"0\" from environment \
             variable `JOBS_WORKER__BATCH_SIZE` is rejected by the validation of \
             `Worker`: must be at least 1"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "2. the configuration is invalid: `limits.max` = \"many\" from command-line \
             override `limits.max=many`"
        ),
        "{message}"
    );
    assert!(
        message.contains("3. the host could not be built"),
        "{message}"
    );
    assert!(message.contains("Missing"), "{message}");
    assert_eq!(failures[2].to_string(), "the host could not be built");
}

#[derive(Debug, Deserialize)]
struct Limits {
    #[expect(dead_code, reason = "only its conversion is tested")]
    max: u32,
}

#[tokio::test]
async fn a_validator_for_options_never_bound_is_a_build_error() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let builder = builder(directory.path(), &[]).validate_options(|_: &Limits| Ok(()));

    let error = build_error(builder).await;

    assert!(
        error
            .to_string()
            .contains("`Limits` is not bound to a section"),
        "{error}"
    );
}

#[tokio::test]
async fn an_alias_sets_its_key_and_the_prefixed_variable_wins_over_it() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let alias_only = builder(directory.path(), &[("DATABASE_URL", "sqlite://alias.db")])
        .configure_configuration(|configuration| {
            configuration.env_alias("DATABASE_URL", "database_url");
        })
        .build()
        .await
        .expect("valid");
    let both = builder(
        directory.path(),
        &[
            ("DATABASE_URL", "sqlite://alias.db"),
            ("JOBS_DATABASE_URL", "sqlite://prefixed.db"),
        ],
    )
    .configure_configuration(|configuration| {
        configuration.env_alias("DATABASE_URL", "database_url");
    })
    .build()
    .await
    .expect("valid");

    let url = |host: &Host| {
        let configuration = host.provider().get::<Configuration>().expect("registered");
        configuration.get::<String>("database_url").expect("set")
    };

    assert_eq!(url(&alias_only), "sqlite://alias.db");
    assert_eq!(url(&both), "sqlite://prefixed.db");
}

#[tokio::test]
async fn an_override_without_an_equals_sign_is_a_build_error() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let builder = builder(directory.path(), &[]).configure_configuration(|configuration| {
        configuration.command_line_overrides(["worker.batch_size"]);
    });

    let error = build_error(builder).await;

    assert!(
        error.to_string().contains(
            "the command-line override `worker.batch_size` is not of the form `key=value`"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn a_host_options_hook_that_fails_is_a_build_error() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let builder = builder(directory.path(), &[("JOBS_SHUTDOWN_MS", "soon")])
        .configure_options_from_configuration(|options, configuration| {
            let millis: u64 = configuration.get("shutdown_ms")?;
            options.shutdown_timeout = std::time::Duration::from_millis(millis);
            Ok(())
        });

    let error = build_error(builder).await;

    assert!(
        error
            .to_string()
            .contains("`shutdown_ms` = \"soon\" from environment variable `JOBS_SHUTDOWN_MS`"),
        "{error}"
    );
}

#[test]
fn configuration_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}

    assert_send_sync::<Configuration>();
    assert_send_sync::<HostEnvironment>();
    assert_send_sync::<di_hosting::ConfigurationBuilder>();
    assert_send_sync::<di_hosting::ConfigurationError>();
    assert_send_sync::<di_hosting::OptionsMonitor<Worker>>();
    assert_send_sync::<di_hosting::OptionsSnapshot<Worker>>();
}

#[tokio::test]
async fn a_rejected_default_says_no_source_set_it() {
    #[derive(Debug, Deserialize)]
    struct Pool {
        #[serde(default)]
        size: u32,
    }
    let directory = tempfile::tempdir().expect("a temporary directory");
    let builder = builder(directory.path(), &[])
        .add_options::<Pool>("pool")
        .validate_options(|pool: &Pool| match pool.size {
            0 => Err(ValidationError::field("size", "must be at least 1")),
            _ => Ok(()),
        });

    let error = build_error(builder).await;

    let message = error.to_string();
    assert!(
        message.contains(
            "`pool.size` (set by no source: the options type's default) is rejected by the \
             validation of `"
        ),
        "{message}"
    );
    assert!(
        message.ends_with("validation of `Pool`: must be at least 1"),
        "{message}"
    );
}

#[test]
fn a_host_builder_debugs_as_its_configuration_sources_hooks_and_bound_options() {
    let builder = Host::builder()
        .configure_configuration(|configuration| {
            configuration.env_prefix("JOBS");
        })
        .configure_options_from_configuration(|_, _| Ok(()))
        .add_options::<Worker>("worker")
        .add_options::<Limits>("limits");

    let shown = format!("{builder:?}");

    assert!(
        shown.contains("OptionsBindings { bindings: 2, .. }"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "ConfigurationStage { sources: ConfigurationBuilder { prefix: Some(\"JOBS\")"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("hooks: 1, default_logging: false }"),
        "{shown}"
    );
}

#[tokio::test]
async fn the_configuration_debugs_as_its_prefix_and_whether_it_reads_files() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let host = builder(directory.path(), &[]).build().await.expect("valid");
    let configuration = host.provider().get::<Configuration>().expect("registered");

    let shown = format!("{configuration:?}");

    assert_eq!(
        shown,
        "Configuration { prefix: Some(\"JOBS\"), has_files: true, .. }"
    );
    assert_eq!(
        format!("{:?}", Configuration::empty()),
        "Configuration { prefix: None, has_files: false, .. }"
    );
}

#[tokio::test]
async fn options_monitors_and_snapshots_debug_as_their_options_type() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let host = builder(directory.path(), &[("JOBS_WORKER__BATCH_SIZE", "8")])
        .add_options::<Worker>("worker")
        .build()
        .await
        .expect("valid configuration");
    let monitor = host
        .provider()
        .get::<di_hosting::OptionsMonitor<Worker>>()
        .expect("bound");
    let scope = host
        .provider()
        .create_scope()
        .expect("the provider is not disposed");
    let snapshot = scope
        .get::<di_hosting::OptionsSnapshot<Worker>>()
        .expect("scoped");

    let shown = (format!("{monitor:?}"), format!("{snapshot:?}"));

    assert_eq!(
        shown,
        (
            "OptionsMonitor { options: \"configuration::Worker\" }".to_owned(),
            "OptionsSnapshot { options: \"configuration::Worker\" }".to_owned()
        )
    );
    assert_eq!(snapshot.value().batch_size, 8);
    scope.dispose().await;
}

#[test]
fn environment_names_are_compared_without_regard_to_ascii_case() {
    let staging = HostEnvironment::new("Staging", ".");
    let development = HostEnvironment::new("development", ".");
    let production = HostEnvironment::new("PRODUCTION", ".");

    let kinds = [&staging, &development, &production]
        .map(|environment| (environment.is_development(), environment.is_production()));

    assert!(staging.is("STAGING"));
    assert!(!staging.is("Production"));
    assert_eq!(kinds, [(false, false), (true, false), (false, true)]);
}

#[tokio::test]
async fn only_variables_with_the_prefix_and_an_underscore_are_read() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let variables = [
        ("WORK_LISTEN", "127.0.0.1:1"),
        ("JOBSLISTEN", "127.0.0.1:2"),
        ("jobs_port", "8"),
    ];
    let host = builder(directory.path(), &variables)
        .build()
        .await
        .expect("valid");
    let configuration = host.provider().get::<Configuration>().expect("registered");

    let listen = configuration.contains("listen");
    let port = configuration.get::<u16>("port").expect("set");

    assert!(!listen, "another application's variable was read");
    assert_eq!(port, 8, "the prefix is matched without regard to case");
}

#[tokio::test]
async fn without_given_variables_the_process_environment_is_read() {
    let expected =
        std::env::var("CARGO_PKG_NAME").expect("cargo sets CARGO_PKG_NAME when it runs tests");
    let host = Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_configuration(|configuration| {
            configuration.env_prefix("CARGO_PKG");
        })
        .build()
        .await
        .expect("valid");
    let configuration = host.provider().get::<Configuration>().expect("registered");

    let name = configuration.get::<String>("name").expect("set");

    assert_eq!(name, expected);
    assert_eq!(
        configuration.source_of("name"),
        Some(ValueSource::EnvironmentVariable {
            name: "CARGO_PKG_NAME".into()
        })
    );
}

#[tokio::test]
async fn an_override_with_an_empty_key_is_a_build_error() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let builder = builder(directory.path(), &[]).configure_configuration(|configuration| {
        configuration.command_line_overrides([" =8"]);
    });

    let error = build_error(builder).await;

    assert!(
        error
            .to_string()
            .contains("the command-line override ` =8` is not of the form `key=value`"),
        "{error}"
    );
}

#[tokio::test]
async fn a_settings_file_that_is_not_utf8_is_reported_not_skipped() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    let file = directory.path().join("appsettings.toml");
    std::fs::write(&file, [b'a', 0xff, 0xfe]).expect("the temporary directory is writable");

    let error = build_error(builder(directory.path(), &[])).await;

    let message = error.to_string();
    assert_eq!(error.failures().len(), 1, "{message}");
    assert!(
        message.contains(&format!("cannot read `{}`: ", file.display())),
        "{message}"
    );
    assert!(message.contains("UTF-8"), "{message}");
}
