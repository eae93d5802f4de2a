//! An application that installed its own global subscriber keeps it: the host's default
//! logging is only tried. Global state, so this binary holds one test.

use std::sync::{Arc, Mutex, PoisonError};

use di_hosting::Host;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut log = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        log.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn an_application_subscriber_installed_first_is_kept() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let host = Host::builder()
        .with_default_logging()
        .build()
        .await
        .expect("valid");
    tracing::info!("written by the application");

    let log = String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(PoisonError::into_inner))
        .into_owned();
    assert!(log.contains("written by the application"), "{log}");
    drop(host);
}
