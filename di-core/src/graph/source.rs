//! [`GraphSource`]: what `build()` keeps of the graph, rendered into a [`ServiceGraph`] on
//! first request.

use crate::graph::service_graph::{EdgeKind, GraphEdge, GraphNode, ServiceGraph};
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;

/// What a provider keeps to draw its [`ServiceGraph`] on demand: nothing is formatted at build.
pub(crate) struct GraphSource {
    nodes: Box<[NodeSource]>,
    edges: Box<[(u32, EdgeKind)]>,
    offsets: Box<[u32]>,
}

/// One registration as the graph shows it.
pub(crate) struct NodeSource {
    pub(crate) service: &'static str,
    pub(crate) lifetime: ServiceLifetime,
    pub(crate) key: Option<ServiceKey>,
    pub(crate) is_instance: bool,
    pub(crate) is_async: bool,
}

impl GraphSource {
    /// `edges[offsets[i]..offsets[i + 1]]` are the dependencies of `nodes[i]`.
    pub(crate) fn new(
        nodes: Vec<NodeSource>,
        edges: Vec<(u32, EdgeKind)>,
        offsets: Vec<u32>,
    ) -> Self {
        Self {
            nodes: nodes.into_boxed_slice(),
            edges: edges.into_boxed_slice(),
            offsets: offsets.into_boxed_slice(),
        }
    }

    /// The service name of registration `index`.
    pub(crate) fn service(&self, index: usize) -> &'static str {
        self.nodes[index].service
    }

    /// Draws the graph.
    pub(crate) fn render(&self) -> ServiceGraph {
        let nodes = self
            .nodes
            .iter()
            .map(|n| GraphNode {
                service: n.service,
                lifetime: n.lifetime,
                key: n.key.as_ref().map(|k| format!("{k:?}")),
                is_instance: n.is_instance,
                is_async: n.is_async,
            })
            .collect();
        let mut edges = Vec::with_capacity(self.edges.len());
        for (from, bounds) in self.offsets.windows(2).enumerate() {
            let own = &self.edges[bounds[0] as usize..bounds[1] as usize];
            edges.extend(own.iter().map(|&(to, kind)| GraphEdge {
                from,
                to: to as usize,
                kind,
            }));
        }
        ServiceGraph::new(nodes, edges)
    }
}
