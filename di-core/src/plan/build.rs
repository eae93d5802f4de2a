//! `build()` and `build_async()`: index, plan, validate, freeze — one function per step.

use crate::dispose::DisposeFn;
use crate::error::{BuildError, BuildProblem};
use crate::plan::descriptor::Descriptor;
use crate::plan::edges::Edges;
use crate::plan::planner::Planner;
use crate::plan::site::{FinishedSite, PlannedSite};
use crate::plan::slots::{assign_slots, slot_problems};
use crate::plan::validate::Validation;
use crate::provider::{
    AsyncInit, FrozenSites, ProviderInner, ServiceIndex, ServiceProvider, SiteCell, SiteConfig,
};

/// Validates `descriptors` and builds a provider; async singletons are a build problem.
pub(crate) fn build(descriptors: &[Descriptor]) -> Result<ServiceProvider, BuildError> {
    let (provider, _) = freeze(descriptors, false)?;
    Ok(provider)
}

/// Validates `descriptors`, builds a provider and creates its async singletons in dependency
/// order; if one fails, disposes what was created and reports it.
pub(crate) async fn build_async(descriptors: &[Descriptor]) -> Result<ServiceProvider, BuildError> {
    let (provider, inits) = freeze(descriptors, true)?;
    for init in inits {
        let started = (init.run)(&provider.resolver());
        let outcome = match started {
            Ok(future) => future.await,
            Err(error) => Err(error),
        };
        match outcome {
            Ok(instance) => provider.inner().fill(init.slot, instance, init.dispose),
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

/// An async singleton to create during `build_async`.
struct PendingInit {
    service: &'static str,
    slot: usize,
    dispose: Option<DisposeFn>,
    run: AsyncInit,
}

/// What planning every factory produced, before validation.
struct Planned {
    sites: Vec<Box<dyn PlannedSite>>,
    cells: Vec<SiteCell>,
    edges: Edges,
    problems: Vec<BuildProblem>,
}

/// The four steps; returns the async initializers in dependency order.
fn freeze(
    descriptors: &[Descriptor],
    allow_async: bool,
) -> Result<(ServiceProvider, Vec<PendingInit>), BuildError> {
    // 1. index
    let index = ServiceIndex::new(descriptors.iter().map(|d| (d.type_id, d.key.as_ref())));
    let (configs, slot_counts) = assign_slots(descriptors);
    // 2. plan
    let Planned {
        sites,
        cells,
        edges,
        mut problems,
    } = plan_all(descriptors, &index, &configs);
    if !allow_async {
        problems.extend(async_problems(descriptors));
    }
    problems.extend(slot_problems(&slot_counts));
    // 3. validate
    let names: Vec<&'static str> = descriptors.iter().map(|d| d.service).collect();
    let mut validation = edges.validate(descriptors, &names);
    problems.append(&mut validation.problems);
    if !problems.is_empty() {
        return Err(BuildError::Invalid { problems });
    }
    // 4. freeze
    let mut looked_up = vec![false; descriptors.len()];
    for (_, last) in index.unkeyed_last() {
        looked_up[last as usize] = true;
    }
    let finished = finish_all(sites, &cells, &validation, &names, &looked_up);
    let mut sites = Vec::with_capacity(finished.len());
    let mut lookups = Vec::with_capacity(finished.len());
    let mut inits = Vec::with_capacity(finished.len());
    for site in finished {
        sites.push(site.site);
        lookups.push(site.lookup);
        inits.push(site.async_init);
    }
    let pending = pending_inits(inits, &validation, &configs, &names);
    let scope_needs = validation
        .requires_scope
        .iter()
        .map(|scoped| scoped.map(|s| names[s as usize]))
        .collect();
    let graph = edges.into_graph(descriptors);
    let sites = FrozenSites {
        sites,
        lookups,
        cells,
    };
    let inner = ProviderInner::new(sites, index, slot_counts, scope_needs, graph);
    Ok((ServiceProvider::from_inner(inner), pending))
}

/// Plans every factory's arguments against the index, recording edges and problems.
fn plan_all(descriptors: &[Descriptor], index: &ServiceIndex, configs: &[SiteConfig]) -> Planned {
    let mut problems = Vec::new();
    let mut edges = Edges::with_capacity(descriptors.len());
    let mut sites: Vec<Box<dyn PlannedSite>> = Vec::with_capacity(descriptors.len());
    let cells: Vec<SiteCell> = descriptors.iter().map(|d| d.factory.new_cell()).collect();
    for (i, descriptor) in descriptors.iter().enumerate() {
        let mut planner = Planner::new(
            index,
            &cells,
            descriptors,
            i,
            &mut edges.list,
            &mut problems,
        );
        sites.push(descriptor.factory.plan(&mut planner, configs[i]));
        edges.end_node();
    }
    Planned {
        sites,
        cells,
        edges,
        problems,
    }
}

/// Async singletons, which only `build_async` can create.
fn async_problems(descriptors: &[Descriptor]) -> impl Iterator<Item = BuildProblem> + '_ {
    descriptors
        .iter()
        .filter(|d| d.is_async)
        .map(|d| BuildProblem::AsyncRequiresBuildAsync { service: d.service })
}

/// Adds what validation learned to every planned site and publishes it in its cell.
fn finish_all(
    planned: Vec<Box<dyn PlannedSite>>,
    cells: &[SiteCell],
    validation: &Validation,
    names: &[&'static str],
    looked_up: &[bool],
) -> Vec<FinishedSite> {
    planned
        .into_iter()
        .zip(&validation.requires_scope)
        .zip(cells.iter().zip(looked_up))
        .map(|((site, requires_scope), (cell, &looked_up))| {
            site.finish(requires_scope.map(|s| names[s as usize]), cell, looked_up)
        })
        .collect()
}

/// The async initializers, dependencies first.
fn pending_inits(
    mut inits: Vec<Option<AsyncInit>>,
    validation: &Validation,
    configs: &[SiteConfig],
    names: &[&'static str],
) -> Vec<PendingInit> {
    validation
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
        .collect()
}
