//! The throw-away PostgreSQL cluster the PostgreSQL tests run against: it starts, serves, survives
//! a restart on the same port, and is removed afterwards.

mod postgres;

use std::process::Command;

use postgres::TempPostgres;

fn select_one(cluster: &TempPostgres) -> String {
    let output = Command::new("psql")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &cluster.port().to_string(),
            "-U",
            "postgres",
        ])
        .args(["-tAc", "SELECT 40 + 2"])
        .output()
        .expect("psql runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn a_throw_away_cluster_serves_queries_and_survives_a_restart_on_the_same_port() {
    let cluster = TempPostgres::start();
    assert_eq!(select_one(&cluster), "42");
    let url = cluster.create_database("harness");
    assert!(url.ends_with("/harness"), "{url}");

    cluster.restart();

    assert_eq!(select_one(&cluster), "42");
}
