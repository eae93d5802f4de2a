//! [`Edges`]: the graph's edges as planning records them, and step 3 of `build()` — validating
//! them.

use crate::graph::{EdgeKind, GraphSource, NodeSource};
use crate::lifetime::ServiceLifetime;
use crate::plan::descriptor::Descriptor;
use crate::plan::validate::{Adjacency, Validation, validate};

/// Every node's edges in one flat list (node `i`'s are `list[offsets[i]..offsets[i + 1]]`),
/// shared by validation and the graph picture.
pub(super) struct Edges {
    pub(super) list: Vec<(u32, EdgeKind)>,
    pub(super) offsets: Vec<u32>,
}

impl Edges {
    /// Room for the edges of `nodes` registrations.
    pub(super) fn with_capacity(nodes: usize) -> Self {
        let mut offsets = Vec::with_capacity(nodes + 1);
        offsets.push(0);
        Self {
            list: Vec::with_capacity(nodes * 3),
            offsets,
        }
    }

    /// Closes the edge list of the node being planned.
    pub(super) fn end_node(&mut self) {
        self.offsets.push(self.list.len() as u32);
    }

    /// Validates the graph; cycles through lazy edges are allowed.
    pub(super) fn validate(
        &self,
        descriptors: &[Descriptor],
        names: &[&'static str],
    ) -> Validation {
        let lifetimes: Vec<ServiceLifetime> = descriptors.iter().map(|d| d.lifetime).collect();
        let targets: Vec<u32> = self.list.iter().map(|&(to, _)| to).collect();
        let all = Adjacency::new(&self.offsets, &targets);
        let eager_lists = self
            .list
            .iter()
            .any(|&(_, kind)| kind == EdgeKind::Lazy)
            .then(|| self.eager_only());
        let eager = eager_lists
            .as_ref()
            .map_or(all, |(offsets, targets)| Adjacency::new(offsets, targets));
        validate(&lifetimes, names, eager, all)
    }

    /// The edges without the lazy ones, as `(offsets, targets)`.
    fn eager_only(&self) -> (Vec<u32>, Vec<u32>) {
        let mut eager_offsets = Vec::with_capacity(self.offsets.len());
        let mut targets = Vec::with_capacity(self.list.len());
        eager_offsets.push(0);
        for bounds in self.offsets.windows(2) {
            let own = &self.list[bounds[0] as usize..bounds[1] as usize];
            targets.extend(
                own.iter()
                    .filter(|&&(_, kind)| kind != EdgeKind::Lazy)
                    .map(|&(to, _)| to),
            );
            eager_offsets.push(targets.len() as u32);
        }
        (eager_offsets, targets)
    }

    /// What the provider keeps to draw the graph.
    pub(super) fn into_graph(self, descriptors: &[Descriptor]) -> GraphSource {
        let nodes = descriptors
            .iter()
            .map(|d| NodeSource {
                service: d.service,
                lifetime: d.lifetime,
                key: d.key.clone(),
                is_instance: d.is_instance,
                is_async: d.is_async,
            })
            .collect();
        GraphSource::new(nodes, self.list, self.offsets)
    }
}
