//! [`HostedEntry`]: one hosted-service registration as the host finds it, and
//! [`resolve_hosted`], which resolves them all in registration order.

use std::any::TypeId;
use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, Mutex, PoisonError};

use di_core::{ResolveError, ServiceProvider};

use super::settings::EntrySettings;
use crate::options::FailurePolicy;
use crate::service::{BackgroundService, HostedService};

/// Resolves every registration of one `Hosted<S>`, in registration order.
pub(super) type ResolveAll = fn(&ServiceProvider) -> Result<Vec<HostedKind>, ResolveError>;

/// One hosted-service registration, registered as an instance; the host resolves them all, in
/// registration order.
pub(crate) struct HostedEntry {
    /// The `TypeId` of the `Hosted<S>` singleton.
    pub(super) service: TypeId,
    pub(super) resolve_all: ResolveAll,
    pub(super) settings: Arc<Mutex<EntrySettings>>,
}

impl HostedEntry {
    /// The name and failure-policy override set at registration.
    pub(crate) fn settings(&self) -> (Cow<'static, str>, Option<FailurePolicy>) {
        let settings = self.settings.lock().unwrap_or_else(PoisonError::into_inner);
        (settings.name.clone(), settings.policy.clone())
    }
}

/// Resolves every hosted service, in registration order.
///
/// # Errors
///
/// When a hosted service's factory fails.
pub(crate) fn resolve_hosted(
    provider: &ServiceProvider,
) -> Result<Vec<(Arc<HostedEntry>, HostedKind)>, ResolveError> {
    let entries = provider.get_all::<HostedEntry>()?;
    // Per service type: its resolved registrations, and how many entries took one so far.
    let mut resolved: HashMap<TypeId, (Vec<HostedKind>, usize)> = HashMap::new();
    let mut hosted = Vec::with_capacity(entries.len());
    for entry in entries {
        let slot = match resolved.entry(entry.service) {
            Entry::Occupied(slot) => slot.into_mut(),
            Entry::Vacant(slot) => slot.insert(((entry.resolve_all)(provider)?, 0)),
        };
        let kind = slot.0[slot.1].clone();
        slot.1 += 1;
        hosted.push((entry, kind));
    }
    Ok(hosted)
}

/// The two shapes of hosted service, erased.
#[derive(Clone)]
pub(crate) enum HostedKind {
    Lifecycle(Arc<dyn HostedService>),
    Background(Arc<dyn BackgroundService>),
}
