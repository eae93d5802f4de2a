//! `ServiceCollection::build` and `build_async`: index, plan, validate, freeze.

use std::sync::{Arc, OnceLock};

use crate::error::{BuildError, BuildProblem};
use crate::key::ServiceKey;
use crate::lifetime::ServiceLifetime;
use crate::plan::graph::{EdgeKind, GraphSource};
use crate::plan::planner::Planner;
use crate::plan::site::{ErasedSite, PlannedSite, SiteCell, SiteConfig};
use crate::plan::validate::{Adjacency, Validation, validate};
use crate::provider::{
    AsyncInit, DisposeFn, Owner, ProviderInner, Resolver, ServiceIndex, ServiceProvider, Slots,
};
use crate::registration::{Descriptor, ServiceCollection};

impl ServiceCollection {
    /// Validates every registration and builds a provider.
    ///
    /// The provider copies what it needs: changing or reusing the collection afterwards does not
    /// affect it.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] listing **every** problem at once: missing dependencies (naming
    /// who requires them), cycles (with their full path), singletons capturing scoped services,
    /// and async singletons (which need [`build_async`](ServiceCollection::build_async)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// struct Db;
    /// struct Cache;
    /// struct Repo;
    /// let mut services = ServiceCollection::new();
    /// services.add_scoped(|_db: Arc<Db>, _cache: Arc<Cache>| Arc::new(Repo));
    /// let error = services.build().unwrap_err();
    /// assert_eq!(error.problems().len(), 2, "both missing services are reported");
    /// ```
    pub fn build(&self) -> Result<ServiceProvider, BuildError> {
        let (provider, _) = freeze(&self.descriptors, false)?;
        Ok(provider)
    }

    /// Validates every registration, builds a provider and creates the async singletons in
    /// dependency order, so that resolving them afterwards is synchronous.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] as for [`build`](ServiceCollection::build);
    /// [`BuildError::AsyncInitialization`] if an async factory failed, after disposing what was
    /// already created.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// struct Config { url: &'static str }
    /// struct Pool { url: &'static str }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut services = ServiceCollection::new();
    /// services.add_instance(Arc::new(Config { url: "sqlite::memory:" }));
    /// services.add_singleton_async(|config: Arc<Config>| async move {
    ///     Ok::<_, std::io::Error>(Arc::new(Pool { url: config.url }))
    /// });
    /// let provider = services.build_async().await?;
    /// assert_eq!(provider.get::<Pool>()?.url, "sqlite::memory:");
    /// # Ok(()) }
    /// ```
    pub async fn build_async(&self) -> Result<ServiceProvider, BuildError> {
        let (provider, inits) = freeze(&self.descriptors, true)?;
        for init in inits {
            let started = (init.run)(&Resolver::root(provider.inner()));
            let outcome = match started {
                Ok(future) => future.await,
                Err(error) => Err(error),
            };
            match outcome {
                Ok(instance) => provider
                    .inner()
                    .root
                    .fill(init.slot, instance, init.dispose),
                Err(source) => {
                    provider.dispose().await;
                    return Err(BuildError::AsyncInitialization {
                        service: init.service,
                        source,
                    });
                }
            }
        }
        Ok(provider)
    }
}

/// An async singleton to create during `build_async`.
struct PendingInit {
    service: &'static str,
    slot: usize,
    dispose: Option<DisposeFn>,
    run: AsyncInit,
}

/// Plans and validates the descriptors, then freezes them into a provider. Returns the async
/// initializers in dependency order.
fn freeze(
    descriptors: &[Descriptor],
    allow_async: bool,
) -> Result<(ServiceProvider, Vec<PendingInit>), BuildError> {
    let index = ServiceIndex::new(descriptors);
    let (configs, root_slots, scoped_slots) = assign_slots(descriptors);
    let mut problems = Vec::new();
    // Every node's edges in one flat list (node `i`'s are `edges[offsets[i]..offsets[i + 1]]`),
    // shared by validation and the graph picture.
    let mut edges: Vec<(u32, EdgeKind)> = Vec::with_capacity(descriptors.len() * 3);
    let mut offsets: Vec<u32> = Vec::with_capacity(descriptors.len() + 1);
    offsets.push(0);
    let mut planned: Vec<Box<dyn PlannedSite>> = Vec::with_capacity(descriptors.len());
    let cells: Vec<SiteCell> = descriptors.iter().map(|d| d.factory.new_cell()).collect();
    for (i, descriptor) in descriptors.iter().enumerate() {
        let mut planner = Planner::new(&index, &cells, descriptors, i, &mut edges, &mut problems);
        planned.push(descriptor.factory.plan(&mut planner, configs[i]));
        offsets.push(edges.len() as u32);
    }
    if !allow_async {
        problems.extend(
            descriptors
                .iter()
                .filter(|d| d.is_async)
                .map(|d| BuildProblem::AsyncRequiresBuildAsync { service: d.service }),
        );
    }
    let names: Vec<&'static str> = descriptors.iter().map(|d| d.service).collect();
    let validation = validate_edges(descriptors, &names, &edges, &offsets);
    problems.extend(validation.problems);
    if !problems.is_empty() {
        return Err(BuildError::Invalid { problems });
    }

    let (sites, mut inits): (Vec<ErasedSite>, Vec<Option<AsyncInit>>) = planned
        .into_iter()
        .zip(&validation.requires_scope)
        .zip(&cells)
        .map(|((site, requires_scope), cell)| {
            site.finish(requires_scope.map(|s| names[s as usize]), cell)
        })
        .unzip();
    let pending = validation
        .post_order
        .iter()
        .filter_map(|&node| {
            let node = node as usize;
            inits[node].take().map(|run| PendingInit {
                service: names[node],
                slot: configs[node].slot,
                dispose: configs[node].dispose,
                run,
            })
        })
        .collect();

    let graph = GraphSource::new(descriptors, edges, offsets);
    let inner = Arc::new_cyclic(|this| ProviderInner {
        sites: sites.into_boxed_slice(),
        cells: cells.into_boxed_slice(),
        index,
        root: Slots::new(root_slots, Owner::Provider),
        scoped_slots,
        graph,
        graph_picture: OnceLock::new(),
        this: this.clone(),
    });
    Ok((ServiceProvider::from_inner(inner), pending))
}

/// Validates the graph of `edges`; cycles through lazy edges are allowed.
fn validate_edges(
    descriptors: &[Descriptor],
    names: &[&'static str],
    edges: &[(u32, EdgeKind)],
    offsets: &[u32],
) -> Validation {
    let lifetimes: Vec<ServiceLifetime> = descriptors.iter().map(|d| d.lifetime).collect();
    let targets: Vec<u32> = edges.iter().map(|&(to, _)| to).collect();
    let all = Adjacency::new(offsets, &targets);
    let eager_lists = edges
        .iter()
        .any(|&(_, kind)| kind == EdgeKind::Lazy)
        .then(|| eager_only(edges, offsets));
    let eager = eager_lists
        .as_ref()
        .map_or(all, |(offsets, targets)| Adjacency::new(offsets, targets));
    validate(&lifetimes, names, eager, all)
}

/// The edges without the lazy ones, as `(offsets, targets)`.
fn eager_only(edges: &[(u32, EdgeKind)], offsets: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut eager_offsets = Vec::with_capacity(offsets.len());
    let mut targets = Vec::with_capacity(edges.len());
    eager_offsets.push(0);
    for bounds in offsets.windows(2) {
        let own = &edges[bounds[0] as usize..bounds[1] as usize];
        targets.extend(
            own.iter()
                .filter(|&&(_, kind)| kind != EdgeKind::Lazy)
                .map(|&(to, _)| to),
        );
        eager_offsets.push(targets.len() as u32);
    }
    (eager_offsets, targets)
}

/// Gives every cached call site its slot: singletons in the root storage, scoped services in
/// each scope's storage.
fn assign_slots(descriptors: &[Descriptor]) -> (Vec<SiteConfig>, usize, usize) {
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
    (configs, root, scoped)
}
