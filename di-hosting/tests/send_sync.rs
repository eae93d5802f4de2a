//! Static assertions: the public types can cross threads and tasks.

use di_hosting::{
    ApplicationLifetime, FailurePolicy, Host, HostBuilder, HostError, HostFailure, HostOptions,
    HostServices, HostedServiceRegistration, LifecycleHook, RestartPolicy, RunningHost,
};

fn assert_send_sync<T: Send + Sync + 'static>() {}

#[test]
fn public_types_are_send_and_sync() {
    assert_send_sync::<ApplicationLifetime>();
    assert_send_sync::<FailurePolicy>();
    assert_send_sync::<Host>();
    assert_send_sync::<HostBuilder>();
    assert_send_sync::<HostError>();
    assert_send_sync::<HostFailure>();
    assert_send_sync::<HostOptions>();
    assert_send_sync::<HostedServiceRegistration>();
    assert_send_sync::<LifecycleHook>();
    assert_send_sync::<HostServices>();
    assert_send_sync::<RestartPolicy>();
    assert_send_sync::<RunningHost>();
}

#[test]
fn host_futures_are_send() {
    fn future_of<F: std::future::Future + Send + 'static>(_: impl FnOnce() -> F) {}
    future_of(|| async { Host::builder().run().await });
    future_of(|| async {
        let host = Host::builder().build().await?;
        host.start().await?.stop().await
    });
    future_of(|| async { Host::builder().run_until(async {}).await });
}
