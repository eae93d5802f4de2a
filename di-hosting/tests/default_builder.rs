//! `Host::default_builder` reads `appsettings.toml` from the working directory, the environment
//! variables under its prefix, and installs the default logging. It changes the working
//! directory and installs the global subscriber, so this binary holds one test.

use di_hosting::{Configuration, Host};

#[tokio::test]
async fn the_default_builder_reads_the_working_directory_and_the_prefixed_environment_and_logs() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(
        directory.path().join("appsettings.toml"),
        "greeting = \"from the file\"\n",
    )
    .expect("written");
    std::env::set_current_dir(directory.path()).expect("the working directory changes");
    assert!(!tracing::dispatcher::has_been_set());

    // Cargo runs test binaries with `CARGO_PKG_NAME` set: under the prefix `CARGO_PKG` it is
    // the key `name`, so no test has to change the process environment.
    let host = Host::default_builder("CARGO_PKG")
        .configure_options(|options| options.handle_signals = false)
        .build()
        .await
        .expect("valid");
    let configuration = host.provider().get::<Configuration>().expect("registered");

    assert_eq!(
        configuration.get::<String>("greeting").expect("read"),
        "from the file"
    );
    assert_eq!(
        configuration.get::<String>("name").expect("read"),
        env!("CARGO_PKG_NAME")
    );
    assert!(
        tracing::dispatcher::has_been_set(),
        "default logging installed"
    );
}
