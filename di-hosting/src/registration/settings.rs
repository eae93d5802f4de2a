//! [`HostedServiceRegistration`]: what a registration can still change (its name and failure
//! policy), shared with the entry the host reads them from.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::options::FailurePolicy;

/// The settings a [`HostedServiceRegistration`] can still change after registration.
#[derive(Debug)]
pub(super) struct EntrySettings {
    pub(super) name: Cow<'static, str>,
    pub(super) policy: Option<FailurePolicy>,
}

/// A hosted service just registered; adjusts its name or failure policy.
///
/// The registration is already in effect; these calls only change how the host runs it.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use async_trait::async_trait;
/// use di_core::{BoxError, ServiceCollection};
/// use di_hosting::{BackgroundService, FailurePolicy, HostedServiceExt, RestartPolicy};
/// use tokio_util::sync::CancellationToken;
///
/// struct Flaky;
/// #[async_trait]
/// impl BackgroundService for Flaky {
///     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> {
///         Err("flaky".into())
///     }
/// }
///
/// let mut services = ServiceCollection::new();
/// services
///     .add_hosted_service_with(|| Arc::new(Flaky))
///     .failure_policy(FailurePolicy::Restart(RestartPolicy::new(Duration::from_millis(10), 3)));
/// ```
#[derive(Debug, Clone)]
pub struct HostedServiceRegistration {
    settings: Arc<Mutex<EntrySettings>>,
}

impl HostedServiceRegistration {
    pub(super) fn new(settings: Arc<Mutex<EntrySettings>>) -> Self {
        Self { settings }
    }

    /// Overrides the host-wide [`FailurePolicy`] for this worker.
    ///
    /// # Examples
    ///
    /// See [`HostedServiceRegistration`].
    pub fn failure_policy(self, policy: FailurePolicy) -> Self {
        self.lock().policy = Some(policy);
        self
    }

    /// Sets the name used in logs and errors (default: the service's type name).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use async_trait::async_trait;
    /// use di_core::{BoxError, ServiceCollection};
    /// use di_hosting::{BackgroundService, HostedServiceExt};
    /// use tokio_util::sync::CancellationToken;
    ///
    /// struct Mailer;
    /// #[async_trait]
    /// impl BackgroundService for Mailer {
    ///     async fn execute(&self, _stopping: CancellationToken) -> Result<(), BoxError> { Ok(()) }
    /// }
    /// let mut services = ServiceCollection::new();
    /// services.add_hosted_service_with(|| Arc::new(Mailer)).name("mailer");
    /// ```
    pub fn name(self, name: impl Into<Cow<'static, str>>) -> Self {
        self.lock().name = name.into();
        self
    }

    fn lock(&self) -> MutexGuard<'_, EntrySettings> {
        self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
