//! Step 1 of `build()`: give every cached call site its storage slot.

use crate::dispose::MAX_SLOTS;
use crate::error::BuildProblem;
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

/// The problems of slot counts past what one owner's storage holds ([`MAX_SLOTS`] of each
/// lifetime): the creation log packs a slot number into 24 bits.
pub(super) fn slot_problems(counts: &SlotCounts) -> Vec<BuildProblem> {
    too_many(counts, MAX_SLOTS)
}

fn too_many(counts: &SlotCounts, max: usize) -> Vec<BuildProblem> {
    [
        (ServiceLifetime::Singleton, counts.root),
        (ServiceLifetime::Scoped, counts.scoped),
    ]
    .into_iter()
    .filter(|&(_, count)| count > max)
    .map(|(lifetime, count)| BuildProblem::TooManyCached {
        lifetime,
        count,
        max,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_counts_past_the_maximum_are_build_problems_naming_the_lifetime() {
        let counts = SlotCounts { root: 3, scoped: 2 };
        assert!(too_many(&counts, 3).is_empty(), "the maximum itself fits");
        let problems = too_many(&counts, 1);
        assert_eq!(
            problems,
            [
                BuildProblem::TooManyCached {
                    lifetime: ServiceLifetime::Singleton,
                    count: 3,
                    max: 1
                },
                BuildProblem::TooManyCached {
                    lifetime: ServiceLifetime::Scoped,
                    count: 2,
                    max: 1
                },
            ]
        );
        assert_eq!(
            problems[1].to_string(),
            "2 scoped registrations each cache an instance, more than one owner holds (1); register fewer, or make some of them transient"
        );
        assert!(slot_problems(&counts).is_empty());
    }
}
