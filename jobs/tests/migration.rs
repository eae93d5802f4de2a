//! Opening a brand-new database from several processes at once: every one of them migrates it
//! or finds it migrated, none fails on the other's half-applied migration.

use jobs::Database;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pools_opening_a_brand_new_database_at_the_same_time_all_succeed() {
    for trial in 0..20 {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let url = format!("sqlite://{}/jobs.db", dir.path().display());
        // Separate pools stand for separate processes: nothing is shared but the file.
        let opened = futures::future::join_all((0..4).map(|_| Database::connect(&url))).await;
        for (i, db) in opened.into_iter().enumerate() {
            let db = db.unwrap_or_else(|e| panic!("trial {trial}, pool {i}: {e:?}"));
            let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
                .fetch_one(db.pool())
                .await
                .expect("the migrations table exists");
            assert_eq!(applied, 2, "each migration is recorded once");
            db.pool().close().await;
        }
    }
}
