//! [`OptionsMonitor<T>`]: the current value of bound options, following file edits.

use std::fmt;
use std::sync::Arc;

use tokio::sync::watch;

/// The current value of bound options. When `appsettings*.toml` changes, the host re-reads the
/// configuration and re-validates; a valid new value replaces the current one and wakes the
/// subscribers, an invalid one is logged (`warn`) and the last good value stays. Registered as a
/// singleton for every type bound with
/// [`HostBuilder::add_options`](crate::HostBuilder::add_options); inject
/// `Arc<OptionsMonitor<T>>`.
///
/// # Examples
///
/// ```
/// use di_hosting::{Host, OptionsMonitor};
///
/// #[derive(serde::Deserialize)]
/// struct Worker { batch_size: u32 }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = Host::builder()
///     .configure_configuration(|configuration| {
///         configuration.default_value("worker.batch_size", 16);
///     })
///     .add_options::<Worker>("worker")
///     .build()
///     .await?;
/// let monitor = host.provider().get::<OptionsMonitor<Worker>>()?;
/// assert_eq!(monitor.current().batch_size, 16);
/// let changes = monitor.subscribe(); // `changes.changed().await` wakes on every reload
/// assert!(!changes.has_changed()?);
/// # Ok(())
/// # }
/// ```
pub struct OptionsMonitor<T> {
    sender: Arc<watch::Sender<Arc<T>>>,
}

impl<T> OptionsMonitor<T> {
    pub(crate) fn new(sender: Arc<watch::Sender<Arc<T>>>) -> Self {
        Self { sender }
    }

    /// The current value.
    ///
    /// # Examples
    ///
    /// See [`OptionsMonitor`].
    pub fn current(&self) -> Arc<T> {
        Arc::clone(&self.sender.borrow())
    }

    /// A receiver that sees every new value from now on: `changed().await` wakes when the
    /// options change, `borrow()` reads the latest.
    ///
    /// # Examples
    ///
    /// See [`OptionsMonitor`].
    pub fn subscribe(&self) -> watch::Receiver<Arc<T>> {
        self.sender.subscribe()
    }
}

impl<T> fmt::Debug for OptionsMonitor<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptionsMonitor")
            .field("options", &std::any::type_name::<T>())
            .finish()
    }
}
