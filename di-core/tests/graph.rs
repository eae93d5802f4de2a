//! The container's picture: the validated graph as Graphviz DOT and Mermaid, with services,
//! lifetimes, keys and edges.

use std::any::type_name;
use std::sync::Arc;

use di_core::{EdgeKind, ServiceCollection, ServiceLifetime, ServiceProvider};

struct Config;
struct Db;
struct Repo;
struct Handler;
struct Plugin;
struct Cache;
struct Pool;

/// `Config` (instance) <- `Db` (singleton) <- `Repo` (scoped) <- `Handler` (transient), plus
/// an optional `Cache`, all `Plugin`s, a keyed `Db` and an async `Pool`.
async fn provider() -> ServiceProvider {
    let mut services = ServiceCollection::new();
    services.add_instance(Arc::new(Config)); // n0
    services.add_singleton(|_c: Arc<Config>| Arc::new(Db)); // n1
    services.add_scoped(|_db: Arc<Db>, _cache: Option<Arc<Cache>>| Arc::new(Repo)); // n2
    services.add_transient(|_repo: Arc<Repo>, _p: Vec<Arc<Plugin>>| Arc::new(Handler)); // n3
    services.add_singleton(|| Arc::new(Plugin)); // n4
    services.add_singleton(|| Arc::new(Plugin)); // n5
    services.add_transient(|| Arc::new(Cache)); // n6
    services.add_keyed_singleton("replica", || Arc::new(Db)); // n7
    services.add_singleton_async(|| async { Ok::<_, std::io::Error>(Arc::new(Pool)) }); // n8
    services.build_async().await.expect("valid collection")
}

#[tokio::test]
async fn graph_lists_every_registration_with_its_lifetime_in_registration_order() {
    let provider = provider().await;

    let nodes = provider.graph().nodes();

    let summary: Vec<(&str, ServiceLifetime)> =
        nodes.iter().map(|n| (n.service, n.lifetime)).collect();
    assert_eq!(
        summary,
        [
            (type_name::<Config>(), ServiceLifetime::Singleton),
            (type_name::<Db>(), ServiceLifetime::Singleton),
            (type_name::<Repo>(), ServiceLifetime::Scoped),
            (type_name::<Handler>(), ServiceLifetime::Transient),
            (type_name::<Plugin>(), ServiceLifetime::Singleton),
            (type_name::<Plugin>(), ServiceLifetime::Singleton),
            (type_name::<Cache>(), ServiceLifetime::Transient),
            (type_name::<Db>(), ServiceLifetime::Singleton),
            (type_name::<Pool>(), ServiceLifetime::Singleton),
        ]
    );
    assert!(nodes[0].is_instance);
    assert!(nodes[8].is_async);
    assert_eq!(nodes[7].key.as_deref(), Some("\"replica\""));
}

#[tokio::test]
async fn graph_has_one_edge_per_dependency_with_its_kind() {
    let provider = provider().await;

    let mut edges: Vec<(usize, usize, EdgeKind)> = provider
        .graph()
        .edges()
        .iter()
        .map(|e| (e.from, e.to, e.kind))
        .collect();
    edges.sort_by_key(|&(from, to, _)| (from, to));

    assert_eq!(
        edges,
        [
            (1, 0, EdgeKind::Required),
            (2, 1, EdgeKind::Required),
            (2, 6, EdgeKind::Optional),
            (3, 2, EdgeKind::Required),
            (3, 4, EdgeKind::All),
            (3, 5, EdgeKind::All),
        ]
    );
}

#[tokio::test]
async fn dot_output_contains_the_nodes_lifetimes_and_edges() {
    let provider = provider().await;

    let dot = provider.graph().to_dot();

    assert!(dot.starts_with("digraph services {"), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");
    for (i, name, kind) in [
        (0, type_name::<Config>(), "instance"),
        (1, type_name::<Db>(), "singleton"),
        (2, type_name::<Repo>(), "scoped"),
        (3, type_name::<Handler>(), "transient"),
        (8, type_name::<Pool>(), "async singleton"),
    ] {
        let line = format!("n{i} [label=\"{name}\\n{kind}\"];");
        assert!(dot.contains(&line), "missing {line} in\n{dot}");
    }
    assert!(dot.contains("singleton ['replica']"), "{dot}");
    assert!(dot.contains("n1 -> n0;"), "{dot}");
    assert!(dot.contains("n3 -> n2;"), "{dot}");
    assert!(dot.contains("n2 -> n6 [style=dashed];"), "{dot}");
    assert!(dot.contains("n3 -> n4 [style=bold];"), "{dot}");
    assert!(dot.contains("n3 -> n5 [style=bold];"), "{dot}");
    assert_eq!(dot.matches(" -> ").count(), 6, "{dot}");
}

#[tokio::test]
async fn mermaid_output_contains_the_nodes_lifetimes_and_edges() {
    let provider = provider().await;

    let mermaid = provider.graph().to_mermaid();

    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    for (i, name, kind) in [
        (0, type_name::<Config>(), "instance"),
        (1, type_name::<Db>(), "singleton"),
        (2, type_name::<Repo>(), "scoped"),
        (3, type_name::<Handler>(), "transient"),
    ] {
        let line = format!("n{i}[\"{name}<br/>{kind}\"]");
        assert!(mermaid.contains(&line), "missing {line} in\n{mermaid}");
    }
    assert!(mermaid.contains("n1 --> n0"), "{mermaid}");
    assert!(mermaid.contains("n3 --> n2"), "{mermaid}");
    assert!(mermaid.contains("n2 -.-> n6"), "{mermaid}");
    assert!(mermaid.contains("n3 ==> n4"), "{mermaid}");
    assert!(mermaid.contains("n3 ==> n5"), "{mermaid}");
}

#[test]
fn an_empty_container_renders_an_empty_graph() {
    let provider = ServiceCollection::new().build().expect("valid collection");

    let (dot, mermaid) = (provider.graph().to_dot(), provider.graph().to_mermaid());

    assert_eq!(dot, "digraph services {\n  node [shape=box];\n}\n");
    assert_eq!(mermaid, "flowchart LR\n");
}
