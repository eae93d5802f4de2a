//! [`OptionsSnapshot<T>`]: bound options fixed for the lifetime of one scope.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Bound options as they were when the scope first asked for them: one consistent value for
/// the whole scope (a request, a unit of work) even if the files change meanwhile. Registered
/// as a scoped service for every type bound with
/// [`HostBuilder::add_options`](crate::HostBuilder::add_options); inject
/// `Arc<OptionsSnapshot<T>>`.
///
/// # Examples
///
/// ```
/// use di_hosting::{Host, OptionsSnapshot};
///
/// #[derive(serde::Deserialize)]
/// struct Limits { max: u32 }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let host = Host::builder()
///     .configure_configuration(|configuration| {
///         configuration.command_line_overrides(["limits.max=5"]);
///     })
///     .add_options::<Limits>("limits")
///     .build()
///     .await?;
/// let scope = host.provider().create_scope()?;
/// let limits = scope.get::<OptionsSnapshot<Limits>>()?;
/// assert_eq!(limits.max, 5);
/// # Ok(())
/// # }
/// ```
pub struct OptionsSnapshot<T> {
    value: Arc<T>,
}

impl<T> OptionsSnapshot<T> {
    pub(crate) fn new(value: Arc<T>) -> Self {
        Self { value }
    }

    /// The options, shared.
    ///
    /// # Examples
    ///
    /// See [`OptionsSnapshot`].
    pub fn value(&self) -> &Arc<T> {
        &self.value
    }
}

impl<T> Deref for OptionsSnapshot<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> fmt::Debug for OptionsSnapshot<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OptionsSnapshot")
            .field("options", &std::any::type_name::<T>())
            .finish()
    }
}
