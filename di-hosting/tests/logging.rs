//! Logging: each phase once at info with its duration, a span per hosted service, failures at
//! error with the service's name, and the "press Ctrl+C" line when signals are handled.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use support::{Behaviour, Log, Recorder, Waiter, quiet_host};
use tracing_subscriber::fmt::MakeWriter;

/// Collects formatted log output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn count(&self, needle: &str) -> usize {
        self.lines()
            .iter()
            .filter(|line| line.contains(needle))
            .count()
    }

    fn line(&self, needle: &str) -> String {
        let lines = self.lines();
        lines
            .iter()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no line contains `{needle}`: {lines:#?}"))
            .clone()
    }
}

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .without_time()
        .with_max_level(tracing::Level::INFO)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test(start_paused = true)]
async fn each_phase_is_logged_once_at_info_with_its_duration() {
    let (captured, _guard) = capture();
    let log = Log::default();
    let (a, w) = (log.clone(), log.clone());
    quiet_host()
        .configure_services(|services| {
            services.add_hosted_service_with(move || Arc::new(Recorder::new("a", &a)));
            services.add_hosted_service_with(move || Arc::new(Waiter::new("w", &w)));
        })
        .run_until(std::future::ready(()))
        .await
        .expect("the host stops cleanly");

    for phase in [
        "host starting",
        "host started",
        "host stopping",
        "host stopped",
    ] {
        assert_eq!(captured.count(phase), 1, "{phase}: {:#?}", captured.lines());
        assert!(captured.line(phase).contains(" INFO "));
    }
    assert!(captured.line("host started").contains("services=2"));
    assert!(captured.line("host started").contains("elapsed="));
    assert!(captured.line("host stopped").contains("elapsed="));
    assert_eq!(captured.count("press Ctrl+C"), 0);
}

#[tokio::test(start_paused = true)]
async fn a_failure_is_logged_at_error_with_the_service_name_in_its_span() {
    let (captured, _guard) = capture();
    let log = Log::default();
    let error = quiet_host()
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || {
                    Arc::new(Waiter {
                        on_stop: Behaviour::Fail,
                        ..Waiter::new("w", &log)
                    })
                })
                .name("mailer");
        })
        .run_until(std::future::ready(()))
        .await;

    assert!(error.is_err());
    let line = captured.line("background service failed");
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("hosted_service{service=mailer}"), "{line}");
    assert!(line.contains("w failed while stopping"), "{line}");
}

#[tokio::test(start_paused = true)]
async fn the_startup_line_tells_how_to_stop_when_signals_are_handled() {
    let (captured, _guard) = capture();
    quiet_host()
        .configure_options(|options| options.handle_signals = true)
        .run_until(std::future::ready(()))
        .await
        .expect("the host stops cleanly");

    assert_eq!(captured.count("press Ctrl+C to stop"), 1);
}

#[tokio::test(start_paused = true)]
async fn the_startup_line_is_not_logged_when_nothing_listens_for_signals() {
    let (captured, _guard) = capture();
    // `start()` never installs signal handlers, whatever the options say.
    let running = di_hosting::Host::builder()
        .configure_options(|options| options.handle_signals = true)
        .start()
        .await
        .expect("the host starts");
    running.stop().await.expect("the host stops cleanly");

    assert_eq!(captured.count("host started"), 1);
    assert_eq!(captured.count("press Ctrl+C"), 0);
}

#[tokio::test(start_paused = true)]
async fn an_aborted_async_worker_is_named_once_and_not_reported_as_stuck_in_blocking_code() {
    let (captured, _guard) = capture();
    let log = Log::default();
    let error = quiet_host()
        .configure_options(|options| options.shutdown_timeout = std::time::Duration::from_secs(5))
        .configure_services(|services| {
            services
                .add_hosted_service_with(move || {
                    Arc::new(Waiter {
                        on_stop: Behaviour::Hang,
                        ..Waiter::new("w", &log)
                    })
                })
                .name("hanger");
        })
        .run_until(std::future::ready(()))
        .await;

    assert!(error.is_err());
    let line = captured.line("aborted the background services still running");
    assert!(line.contains("hanger"), "{line}");
    // An aborted async task ends at once: it is not the blocking-code case.
    assert_eq!(captured.count("did not end"), 0, "{:#?}", captured.lines());
}
