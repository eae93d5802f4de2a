//! [`ServiceGraph`]: the validated graph, rendered as Graphviz DOT or Mermaid.

use std::fmt::Write as _;

use crate::lifetime::ServiceLifetime;

/// How a factory argument depends on its target.
///
/// # Examples
///
/// ```
/// assert_ne!(di_core::EdgeKind::Required, di_core::EdgeKind::All);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EdgeKind {
    /// `Arc<T>` or `Keyed<T, K>`: the last registration, required.
    Required,
    /// `Option<Arc<T>>`: the last registration, if any.
    Optional,
    /// `Vec<Arc<T>>`: one edge per registration.
    All,
    /// `Lazy<T>`, `ServiceFactory<T>` or `KeyedServices<T>`: resolved later, on demand. Checked
    /// for lifetimes like any edge, but a cycle through it is allowed.
    Lazy,
}

/// One registration in the [`ServiceGraph`].
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// let mut services = di_core::ServiceCollection::new();
/// services.add_instance(Arc::new(1_u8));
/// let provider = services.build()?;
/// let node = &provider.graph().nodes()[0];
/// assert_eq!(node.service, "u8");
/// assert!(node.is_instance);
/// # Ok::<(), di_core::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GraphNode {
    /// The service type's name.
    pub service: &'static str,
    /// Its lifetime.
    pub lifetime: ServiceLifetime,
    /// Its key, for keyed registrations (debug-formatted).
    pub key: Option<String>,
    /// Whether it was registered as a ready-made instance.
    pub is_instance: bool,
    /// Whether it has an async factory.
    pub is_async: bool,
}

/// One dependency in the [`ServiceGraph`]: `from`'s factory takes `to` as an argument.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// struct A; struct B;
/// let mut services = di_core::ServiceCollection::new();
/// services.add_singleton(|| Arc::new(A));
/// services.add_singleton(|_a: Arc<A>| Arc::new(B));
/// let provider = services.build()?;
/// let edge = provider.graph().edges()[0];
/// assert_eq!((edge.from, edge.to), (1, 0));
/// # Ok::<(), di_core::BuildError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GraphEdge {
    /// Index of the dependent node.
    pub from: usize,
    /// Index of the dependency node.
    pub to: usize,
    /// How it is injected.
    pub kind: EdgeKind,
}

/// The container's validated dependency graph, for documentation and debugging.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// struct Db; struct Repo;
/// let mut services = di_core::ServiceCollection::new();
/// services.add_singleton(|| Arc::new(Db));
/// services.add_scoped(|_db: Arc<Db>| Arc::new(Repo));
/// let provider = services.build()?;
/// let dot = provider.graph().to_dot();
/// assert!(dot.starts_with("digraph services {"));
/// assert!(dot.contains("n1 -> n0"));
/// assert!(provider.graph().to_mermaid().contains("n1 --> n0"));
/// # Ok::<(), di_core::BuildError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceGraph {
    nodes: Vec<GraphNode>,
    edges: Vec<GraphEdge>,
}

impl ServiceGraph {
    pub(crate) fn new(nodes: Vec<GraphNode>, edges: Vec<GraphEdge>) -> Self {
        Self { nodes, edges }
    }

    /// Every registration, in registration order.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// assert!(provider.graph().nodes().is_empty());
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn nodes(&self) -> &[GraphNode] {
        &self.nodes
    }

    /// Every dependency edge.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// assert!(provider.graph().edges().is_empty());
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn edges(&self) -> &[GraphEdge] {
        &self.edges
    }

    /// The graph in Graphviz DOT: one box per registration labelled with its type, lifetime and
    /// key; optional edges dashed, resolve-all edges bold, lazy edges dotted and labelled `lazy`.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// assert_eq!(provider.graph().to_dot(), "digraph services {\n  node [shape=box];\n}\n");
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph services {\n  node [shape=box];\n");
        for (i, node) in self.nodes.iter().enumerate() {
            let _ = writeln!(out, "  n{i} [label=\"{}\"];", escape(&label(node, "\\n")));
        }
        for edge in &self.edges {
            let style = match edge.kind {
                EdgeKind::Required => "",
                EdgeKind::Optional => " [style=dashed]",
                EdgeKind::All => " [style=bold]",
                EdgeKind::Lazy => " [style=dotted, label=lazy]",
            };
            let _ = writeln!(out, "  n{} -> n{}{style};", edge.from, edge.to);
        }
        out.push_str("}\n");
        out
    }

    /// The graph as a Mermaid flowchart.
    ///
    /// # Examples
    ///
    /// ```
    /// let provider = di_core::ServiceCollection::new().build()?;
    /// assert_eq!(provider.graph().to_mermaid(), "flowchart LR\n");
    /// # Ok::<(), di_core::BuildError>(())
    /// ```
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for (i, node) in self.nodes.iter().enumerate() {
            let _ = writeln!(out, "  n{i}[\"{}\"]", escape(&label(node, "<br/>")));
        }
        for edge in &self.edges {
            let arrow = match edge.kind {
                EdgeKind::Required => "-->",
                EdgeKind::Optional => "-.->",
                EdgeKind::All => "==>",
                EdgeKind::Lazy => "-. lazy .->",
            };
            let _ = writeln!(out, "  n{} {arrow} n{}", edge.from, edge.to);
        }
        out
    }
}

fn label(node: &GraphNode, line_break: &str) -> String {
    let mut kind = node.lifetime.to_string();
    if node.is_instance {
        kind = String::from("instance");
    } else if node.is_async {
        kind.insert_str(0, "async ");
    }
    match &node.key {
        Some(key) => format!("{}{line_break}{kind} [{key}]", node.service),
        None => format!("{}{line_break}{kind}", node.service),
    }
}

fn escape(text: &str) -> String {
    text.replace('"', "'")
}
