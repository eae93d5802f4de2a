//! The default logging: installed once on request, never when opted out. Global state, so this
//! binary holds one test.

use di_hosting::Host;

#[tokio::test]
async fn default_logging_is_installed_once_on_request_and_never_when_opted_out() {
    assert!(!tracing::dispatcher::has_been_set());

    struct Marker;
    let opted_out = Host::default_builder("DI_HOSTING_TEST_UNUSED")
        .configure_services(|services| {
            services.add_instance(std::sync::Arc::new(Marker));
        })
        .without_default_logging()
        .configure_options(|options| options.handle_signals = false)
        .build()
        .await
        .expect("valid");
    let not_asked = Host::builder().build().await.expect("valid");
    let set_after_opt_out = tracing::dispatcher::has_been_set();

    let first = Host::builder().with_default_logging().build().await;
    let set_after_first = tracing::dispatcher::has_been_set();
    // A subscriber is already installed now: the second host leaves it and still builds.
    let second = Host::builder().with_default_logging().build().await;

    assert!(!set_after_opt_out);
    assert!(set_after_first);
    assert!(first.is_ok() && second.is_ok());
    assert!(
        opted_out.provider().get::<Marker>().is_ok(),
        "opting out keeps everything else configured"
    );
    drop((opted_out, not_asked));
}
