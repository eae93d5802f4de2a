//! Step 1 of `build()`: give every cached call site its storage slot.

use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::plan::descriptor::Descriptor;
use crate::provider::{SiteConfig, SlotCounts};

/// Gives every cached call site its slot: singletons in the root storage, scoped services in
/// each scope's storage. Instances and transients need none.
pub(super) fn assign_slots(descriptors: &[Descriptor]) -> (Vec<SiteConfig>, SlotCounts) {
    let (mut root, mut scoped) = (0, 0);
    let configs = descriptors
        .iter()
        .map(|d| {
            let counter = match d.lifetime {
                ServiceLifetime::Singleton if !d.is_instance => Some(&mut root),
                ServiceLifetime::Scoped => Some(&mut scoped),
                _ => None,
            };
            let slot = counter.map_or(0, |next| {
                *next += 1;
                *next - 1
            });
            SiteConfig {
                service: d.service,
                lifetime: d.lifetime,
                slot,
                dispose: d.dispose,
                catch_all: d.key.as_ref().is_some_and(ServiceKey::is_any),
            }
        })
        .collect();
    (configs, SlotCounts { root, scoped })
}
