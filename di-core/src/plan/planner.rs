//! [`Planner`]: what a factory argument asks at build time, and the typed [`SiteRef`] it gets.

use std::any::{TypeId, type_name};
use std::fmt;
use std::sync::Arc;

use crate::error::BuildProblem;
use crate::graph::EdgeKind;
use crate::key::ServiceKey;
use crate::plan::descriptor::Descriptor;
use crate::provider::{OwnedService, ServiceIndex, SiteCell, SiteRef, TypedSiteCell};
use crate::registered::OtherForm;

/// Answers a factory argument's questions at build time and records the graph's edges.
///
/// # Examples
///
/// See [`Dependency`](crate::Dependency).
///
/// ```
/// use di_core::Planner;
/// fn assert_debug<T: std::fmt::Debug>() {}
/// assert_debug::<Planner<'_>>();
/// ```
pub struct Planner<'a> {
    pub(super) index: &'a ServiceIndex,
    pub(super) cells: &'a [SiteCell],
    pub(super) descriptors: &'a [Descriptor],
    pub(super) current: usize,
    /// What is being planned: the service at `current`, or a type created outside the
    /// registrations.
    subject: &'static str,
    pub(super) edges: &'a mut Vec<(u32, EdgeKind)>,
    pub(super) problems: &'a mut Vec<BuildProblem>,
}

impl<'a> Planner<'a> {
    pub(crate) fn new(
        index: &'a ServiceIndex,
        cells: &'a [SiteCell],
        descriptors: &'a [Descriptor],
        current: usize,
        edges: &'a mut Vec<(u32, EdgeKind)>,
        problems: &'a mut Vec<BuildProblem>,
    ) -> Self {
        Self {
            index,
            cells,
            descriptors,
            current,
            subject: descriptors[current].service,
            edges,
            problems,
        }
    }

    /// The service whose factory is being planned.
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::Planner;
    /// fn name_of(planner: &Planner<'_>) -> &'static str { planner.service() }
    /// # let _ = name_of;
    /// ```
    pub fn service(&self) -> &'static str {
        self.subject
    }

    /// A planner for the dependencies of `subject`, a type that is not registered (created on
    /// demand by `create_instance` or `invoke`).
    pub(crate) fn detached(
        index: &'a ServiceIndex,
        cells: &'a [SiteCell],
        subject: &'static str,
        edges: &'a mut Vec<(u32, EdgeKind)>,
        problems: &'a mut Vec<BuildProblem>,
    ) -> Self {
        Self {
            index,
            cells,
            descriptors: &[],
            current: 0,
            subject,
            edges,
            problems,
        }
    }

    /// A required dependency on the last registration of `T`. Records a missing-dependency
    /// problem and returns `None` when there is none.
    ///
    /// # Examples
    ///
    /// See [`Dependency`](crate::Dependency).
    ///
    /// ```
    /// # use di_core::{Planner, SiteRef};
    /// fn plan_db(planner: &mut Planner<'_>) -> Option<SiteRef<String>> { planner.require::<String>() }
    /// # let _ = plan_db;
    /// ```
    pub fn require<T: ?Sized + Send + Sync + 'static>(&mut self) -> Option<SiteRef<T>> {
        match self.index.unkeyed(TypeId::of::<T>()) {
            Some(entry) => Some(self.edge(entry.last, EdgeKind::Required)),
            None => {
                self.missing::<T>(None);
                None
            }
        }
    }

    /// An optional dependency on the last registration of `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::{Planner, SiteRef};
    /// fn plan(planner: &mut Planner<'_>) -> Option<SiteRef<String>> { planner.optional::<String>() }
    /// # let _ = plan;
    /// ```
    pub fn optional<T: ?Sized + Send + Sync + 'static>(&mut self) -> Option<SiteRef<T>> {
        let last = self.index.unkeyed(TypeId::of::<T>()).map(|e| e.last)?;
        Some(self.edge(last, EdgeKind::Optional))
    }

    /// A dependency on every registration of `T`, in registration order.
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::{Planner, SiteRef};
    /// fn plan(planner: &mut Planner<'_>) -> Vec<SiteRef<String>> { planner.all::<String>() }
    /// # let _ = plan;
    /// ```
    pub fn all<T: ?Sized + Send + Sync + 'static>(&mut self) -> Vec<SiteRef<T>> {
        let all = self
            .index
            .unkeyed(TypeId::of::<T>())
            .map_or(&[][..], |e| &e.all[..]);
        all.iter().map(|&i| self.edge(i, EdgeKind::All)).collect()
    }

    /// A required dependency on the last registration of `T` under exactly `key` (a catch-all
    /// registration, [`ServiceKey::any`], is not considered: it needs the requested key at
    /// resolution, which [`Keyed<T, K>`](crate::Keyed) passes).
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::{Planner, ServiceKey, SiteRef};
    /// fn plan(planner: &mut Planner<'_>) -> Option<SiteRef<String>> {
    ///     planner.require_keyed::<String>(&ServiceKey::from("primary"))
    /// }
    /// # let _ = plan;
    /// ```
    pub fn require_keyed<T: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: &ServiceKey,
    ) -> Option<SiteRef<T>> {
        match self.index.keyed(TypeId::of::<T>(), key) {
            Some(entry) => Some(self.edge(entry.last, EdgeKind::Required)),
            None => {
                self.missing::<T>(Some(key));
                None
            }
        }
    }

    /// An optional dependency on the last registration of `T` under `key`.
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::{Planner, ServiceKey, SiteRef};
    /// fn plan(planner: &mut Planner<'_>) -> Option<SiteRef<String>> {
    ///     planner.optional_keyed::<String>(&ServiceKey::from("replica"))
    /// }
    /// # let _ = plan;
    /// ```
    pub fn optional_keyed<T: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: &ServiceKey,
    ) -> Option<SiteRef<T>> {
        let last = self.index.keyed(TypeId::of::<T>(), key).map(|e| e.last)?;
        Some(self.edge(last, EdgeKind::Optional))
    }

    /// A dependency on every registration of `T` under `key`, in registration order.
    ///
    /// # Examples
    ///
    /// ```
    /// # use di_core::{Planner, ServiceKey, SiteRef};
    /// fn plan(planner: &mut Planner<'_>) -> Vec<SiteRef<String>> {
    ///     planner.all_keyed::<String>(&ServiceKey::from("plugins"))
    /// }
    /// # let _ = plan;
    /// ```
    pub fn all_keyed<T: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: &ServiceKey,
    ) -> Vec<SiteRef<T>> {
        let all = self
            .index
            .keyed(TypeId::of::<T>(), key)
            .map_or(&[][..], |e| &e.all[..]);
        all.iter().map(|&i| self.edge(i, EdgeKind::All)).collect()
    }

    pub(super) fn edge<T: ?Sized + Send + Sync + 'static>(
        &mut self,
        target: u32,
        kind: EdgeKind,
    ) -> SiteRef<T> {
        self.edges.push((target, kind));
        // The index maps `TypeId::of::<T>()` to registrations of `T` only, whose cells hold
        // call sites of `T`.
        let Ok(site) = Arc::clone(&self.cells[target as usize]).downcast::<TypedSiteCell<T>>()
        else {
            unreachable!("registration {target} provides `{}`", type_name::<T>())
        };
        SiteRef::new(target, site)
    }

    /// Records a lazy edge to `target`. Its `SiteRef` (if any) is made by index: see
    /// [`SiteRef::by_index`].
    pub(super) fn lazy_edge(&mut self, target: u32) {
        self.edges.push((target, EdgeKind::Lazy));
    }

    pub(super) fn missing<T: ?Sized + 'static>(&mut self, key: Option<&ServiceKey>) {
        self.problems.push(BuildProblem::MissingDependency {
            service: self.service(),
            dependency: type_name::<T>(),
            key: key.map(|k| format!("{k:?}")),
            registered: self.index.registrations_or_other(
                TypeId::of::<T>(),
                TypeId::of::<OwnedService<T>>(),
                OtherForm::Owned(type_name::<T>()),
            ),
        });
    }
}

impl fmt::Debug for Planner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Planner")
            .field("service", &self.service())
            .finish_non_exhaustive()
    }
}
