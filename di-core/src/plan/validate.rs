//! Graph validation: cycles, captive dependencies, and which services need a scope.
//!
//! Everything here is iterative (explicit stacks), so a 10,000-deep dependency chain cannot
//! overflow the thread's stack. One depth-first pass finds the cycles and a post-order; a second
//! pass over the post-order (dependencies before dependents) propagates "needs a scope" through
//! transients and reports singletons that would capture a scoped service.

use std::collections::HashSet;

use crate::error::BuildProblem;
use crate::lifetime::ServiceLifetime;

/// What validation learned about the graph.
#[derive(Debug, Default)]
pub(crate) struct Validation {
    pub(crate) problems: Vec<BuildProblem>,
    /// For each node, the scoped node it is or reaches through transients.
    pub(crate) requires_scope: Vec<Option<u32>>,
    /// Every node, each after all of its dependencies (back edges of cycles ignored).
    pub(crate) post_order: Vec<u32>,
}

/// Each node's dependencies, in one flat list: node `i`'s are
/// `targets[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Copy)]
pub(crate) struct Adjacency<'a> {
    offsets: &'a [u32],
    targets: &'a [u32],
}

impl<'a> Adjacency<'a> {
    /// `offsets` has one entry per node plus a last one, the total number of targets.
    pub(crate) fn new(offsets: &'a [u32], targets: &'a [u32]) -> Self {
        Self { offsets, targets }
    }

    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn of(&self, node: usize) -> &'a [u32] {
        &self.targets[self.offsets[node] as usize..self.offsets[node + 1] as usize]
    }
}

/// Validates the graph given by each node's lifetime, name and dependencies: `eager` are the
/// dependencies resolved while the node is created (a cycle among them is an error), `all`
/// adds the lazy ones (checked for lifetimes only).
pub(crate) fn validate(
    lifetimes: &[ServiceLifetime],
    names: &[&'static str],
    eager: Adjacency<'_>,
    all: Adjacency<'_>,
) -> Validation {
    let mut validation = Validation::default();
    let cycles = if eager.targets.len() == all.targets.len() {
        depth_first(eager, &mut validation.post_order)
    } else {
        let cycles = depth_first(eager, &mut Vec::new());
        // The order for lifetimes follows lazy edges too; their cycles are allowed.
        depth_first(all, &mut validation.post_order);
        cycles
    };
    let dependencies = all;
    for cycle in cycles {
        let path = cycle.iter().map(|&n| names[n as usize]).collect();
        validation.problems.push(BuildProblem::Cycle { path });
    }
    let (requires_scope, captive) =
        scope_needs(lifetimes, names, dependencies, &validation.post_order);
    validation.requires_scope = requires_scope;
    validation.problems.extend(captive);
    validation
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Color {
    White,
    Gray,
    Black,
}

/// Fills `post_order` and returns every distinct cycle as a closed path (`a, b, a`).
fn depth_first(dependencies: Adjacency<'_>, post_order: &mut Vec<u32>) -> Vec<Vec<u32>> {
    let n = dependencies.len();
    let mut color = vec![Color::White; n];
    let mut stack: Vec<(u32, usize)> = Vec::new();
    let mut cycles = Vec::new();
    let mut seen_cycles: HashSet<Vec<u32>> = HashSet::new();
    post_order.reserve(n);
    for root in 0..n {
        if color[root] != Color::White {
            continue;
        }
        color[root] = Color::Gray;
        stack.push((root as u32, 0));
        while let Some(frame) = stack.last_mut() {
            let node = frame.0;
            if let Some(&child) = dependencies.of(node as usize).get(frame.1) {
                frame.1 += 1;
                match color[child as usize] {
                    Color::White => {
                        color[child as usize] = Color::Gray;
                        stack.push((child, 0));
                    }
                    Color::Gray => {
                        let start = stack.iter().rposition(|&(s, _)| s == child).unwrap_or(0);
                        let mut cycle: Vec<u32> = stack[start..].iter().map(|&(s, _)| s).collect();
                        if seen_cycles.insert(canonical(&cycle)) {
                            cycle.push(child);
                            cycles.push(cycle);
                        }
                    }
                    Color::Black => {}
                }
            } else {
                color[node as usize] = Color::Black;
                post_order.push(node);
                stack.pop();
            }
        }
    }
    cycles
}

/// The cycle rotated to start at its smallest node, so each cycle is reported once.
fn canonical(cycle: &[u32]) -> Vec<u32> {
    let start = cycle
        .iter()
        .enumerate()
        .min_by_key(|&(_, &n)| n)
        .map_or(0, |(i, _)| i);
    cycle[start..]
        .iter()
        .chain(&cycle[..start])
        .copied()
        .collect()
}

/// Propagates "reaches a scoped service" from dependencies to dependents through transients,
/// and reports singletons that reach one.
fn scope_needs(
    lifetimes: &[ServiceLifetime],
    names: &[&'static str],
    dependencies: Adjacency<'_>,
    post_order: &[u32],
) -> (Vec<Option<u32>>, Vec<BuildProblem>) {
    let n = lifetimes.len();
    let mut reach: Vec<Option<u32>> = vec![None; n];
    // The dependency through which a transient reaches its scoped service.
    let mut via: Vec<Option<u32>> = vec![None; n];
    let mut problems = Vec::new();
    for &node in post_order {
        let node = node as usize;
        let first_reaching = dependencies
            .of(node)
            .iter()
            .copied()
            .find(|&d| reach[d as usize].is_some());
        match lifetimes[node] {
            ServiceLifetime::Scoped => reach[node] = Some(node as u32),
            ServiceLifetime::Transient => {
                if let Some(dep) = first_reaching {
                    reach[node] = reach[dep as usize];
                    via[node] = Some(dep);
                }
            }
            ServiceLifetime::Singleton => {
                if let Some(dep) = first_reaching {
                    let mut path = vec![names[node]];
                    let mut cursor = Some(dep);
                    while let Some(step) = cursor {
                        path.push(names[step as usize]);
                        cursor = via[step as usize];
                    }
                    let scoped =
                        reach[dep as usize].map_or(names[dep as usize], |s| names[s as usize]);
                    problems.push(BuildProblem::CaptiveDependency {
                        singleton: names[node],
                        scoped,
                        path,
                    });
                }
            }
        }
    }
    (reach, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ServiceLifetime::{Scoped, Singleton, Transient};

    const NAMES: [&str; 5] = ["A", "B", "C", "D", "E"];

    fn run(lifetimes: &[ServiceLifetime], deps: &[&[u32]]) -> Validation {
        let (offsets, targets) = flatten(deps.iter().map(|d| d.to_vec()));
        let adjacency = Adjacency::new(&offsets, &targets);
        validate(lifetimes, &NAMES[..lifetimes.len()], adjacency, adjacency)
    }

    fn flatten(lists: impl Iterator<Item = Vec<u32>>) -> (Vec<u32>, Vec<u32>) {
        let (mut offsets, mut targets) = (vec![0], Vec::new());
        for list in lists {
            targets.extend(list);
            offsets.push(targets.len() as u32);
        }
        (offsets, targets)
    }

    #[test]
    fn acyclic_graph_has_no_problems_and_dependencies_come_first() {
        let v = run(&[Singleton, Singleton, Singleton], &[&[1], &[2], &[]]);
        assert!(v.problems.is_empty());
        assert_eq!(v.post_order, vec![2, 1, 0]);
    }

    #[test]
    fn cycle_is_reported_once_with_its_full_path() {
        let v = run(&[Transient, Transient, Transient], &[&[1], &[2], &[0]]);
        assert_eq!(
            v.problems,
            vec![BuildProblem::Cycle {
                path: vec!["A", "B", "C", "A"]
            }]
        );
    }

    #[test]
    fn self_dependency_is_a_cycle() {
        let v = run(&[Singleton], &[&[0]]);
        assert_eq!(
            v.problems,
            vec![BuildProblem::Cycle {
                path: vec!["A", "A"]
            }]
        );
    }

    #[test]
    fn two_separate_cycles_are_both_reported() {
        let v = run(
            &[Singleton, Singleton, Scoped, Scoped],
            &[&[1], &[0], &[3], &[2]],
        );
        assert_eq!(v.problems.len(), 2);
    }

    #[test]
    fn singleton_capturing_scoped_through_transients_names_the_chain() {
        let v = run(
            &[Singleton, Transient, Transient, Scoped],
            &[&[1], &[2], &[3], &[]],
        );
        assert_eq!(
            v.problems,
            vec![BuildProblem::CaptiveDependency {
                singleton: "A",
                scoped: "D",
                path: vec!["A", "B", "C", "D"],
            }]
        );
    }

    #[test]
    fn singleton_behind_a_singleton_does_not_propagate_scope_needs() {
        // A (transient) -> B (singleton) -> C (scoped): B is captive, A is fine.
        let v = run(&[Transient, Singleton, Scoped], &[&[1], &[2], &[]]);
        assert_eq!(v.problems.len(), 1);
        assert_eq!(v.requires_scope, vec![None, None, Some(2)]);
    }

    #[test]
    fn transient_needing_scoped_requires_a_scope() {
        let v = run(&[Transient, Scoped, Singleton], &[&[2, 1], &[], &[]]);
        assert!(v.problems.is_empty());
        assert_eq!(v.requires_scope, vec![Some(1), Some(1), None]);
    }

    #[test]
    fn ten_thousand_deep_chain_does_not_overflow() {
        let n = 10_000_u32;
        let lifetimes = vec![Transient; n as usize];
        let names = vec!["X"; n as usize];
        let (offsets, targets) =
            flatten((0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![] }));
        let adjacency = Adjacency::new(&offsets, &targets);
        let v = validate(&lifetimes, &names, adjacency, adjacency);
        assert!(v.problems.is_empty());
        assert_eq!(v.post_order.len(), n as usize);
        assert_eq!(v.post_order[0], n - 1);
    }
}
