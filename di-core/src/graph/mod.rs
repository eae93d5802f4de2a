//! The service graph that `build()` validated, kept by the provider and drawn on request.
//!
//! A bottom module: the planner writes its edges, the provider keeps and renders it, and it
//! imports neither.

mod service_graph;
mod source;

pub use service_graph::{EdgeKind, GraphEdge, GraphNode, ServiceGraph};
pub(crate) use source::{GraphSource, NodeSource};
