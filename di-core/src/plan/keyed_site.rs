//! Planning keyed arguments that may be served by a catch-all registration, and the requested
//! key itself as an argument.

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;

use crate::error::{BuildProblem, ResolveError};
use crate::graph::EdgeKind;
use crate::key::ServiceKey;
use crate::plan::planner::Planner;
use crate::provider::{Resolver, SiteRef, requested_key};

/// A planned keyed dependency (the [`Dependency::State`](crate::Dependency::State) of
/// [`Keyed<T, K>`](crate::Keyed)): the registration's site and, when it is a catch-all, the
/// key to create its instance for.
///
/// # Examples
///
/// ```
/// use di_core::{Dependency, Keyed, KeyedSite, service_key};
/// service_key!(Main = "main");
/// fn assert_state<D: Dependency<State = Option<KeyedSite<str>>>>() {}
/// assert_state::<Keyed<str, Main>>();
/// ```
pub struct KeyedSite<T: ?Sized> {
    site: SiteRef<T>,
    catch_all_key: Option<ServiceKey>,
}

impl<T: ?Sized + Send + Sync + 'static> KeyedSite<T> {
    pub(crate) fn resolve(&self, resolver: &Resolver<'_>) -> Result<Arc<T>, ResolveError> {
        match &self.catch_all_key {
            None => resolver.resolve(&self.site),
            Some(key) => resolver.resolve_keyed(&self.site, key),
        }
    }
}

/// Where a [`ServiceKey`] argument gets its value (its
/// [`Dependency::State`](crate::Dependency::State)).
///
/// # Examples
///
/// ```
/// use di_core::{Dependency, KeySource, ServiceKey};
/// fn assert_state<D: Dependency<State = KeySource>>() {}
/// assert_state::<ServiceKey>();
/// ```
pub struct KeySource(Source);

pub(crate) enum Source {
    /// The registration's own key, known at build.
    Fixed(ServiceKey),
    /// The key a catch-all registration is created for.
    Requested,
    /// The registration has no key: reported at build.
    Missing,
}

impl<T: ?Sized> fmt::Debug for KeyedSite<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyedSite")
            .field("site", &self.site)
            .field("catch_all_key", &self.catch_all_key)
            .finish()
    }
}

impl KeySource {
    /// The key an argument planned with this source receives in this resolution.
    pub(crate) fn key(&self) -> Option<ServiceKey> {
        match &self.0 {
            Source::Fixed(key) => Some(key.clone()),
            Source::Requested => requested_key(),
            Source::Missing => None,
        }
    }
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::Fixed(key) => write!(f, "KeySource::Fixed({key:?})"),
            Source::Requested => f.write_str("KeySource::Requested"),
            Source::Missing => f.write_str("KeySource::Missing"),
        }
    }
}

impl Planner<'_> {
    /// The last registration of `T` under `key`, else the last catch-all registration of `T`.
    pub(crate) fn keyed_site<T: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: &ServiceKey,
        kind: EdgeKind,
    ) -> Option<KeyedSite<T>> {
        let type_id = TypeId::of::<T>();
        if key.is_any() {
            return None;
        }
        if let Some(entry) = self.index.keyed(type_id, key) {
            let site = self.edge(entry.last, kind);
            return Some(KeyedSite {
                site,
                catch_all_key: None,
            });
        }
        let last = self.index.catch_all(type_id)?.last;
        Some(KeyedSite {
            site: self.edge(last, kind),
            catch_all_key: Some(key.clone()),
        })
    }

    /// Records that a required keyed argument found no registration.
    pub(crate) fn missing_keyed<T: ?Sized + 'static>(&mut self, key: &ServiceKey) {
        self.missing::<T>(Some(key));
    }

    /// Every registration of `T` under `key`, then every catch-all registration of `T`.
    pub(crate) fn all_keyed_sites<T: ?Sized + Send + Sync + 'static>(
        &mut self,
        key: &ServiceKey,
    ) -> Vec<KeyedSite<T>> {
        if key.is_any() {
            return Vec::new();
        }
        let type_id = TypeId::of::<T>();
        let exact = self
            .index
            .keyed(type_id, key)
            .map_or(&[][..], |e| &e.all[..]);
        let any = self
            .index
            .catch_all(type_id)
            .map_or(&[][..], |e| &e.all[..]);
        let marked = exact.iter().map(|&i| (i, false));
        let targets: Vec<(u32, bool)> = marked.chain(any.iter().map(|&i| (i, true))).collect();
        targets
            .into_iter()
            .map(|(i, catch_all)| KeyedSite {
                site: self.edge(i, EdgeKind::All),
                catch_all_key: catch_all.then(|| key.clone()),
            })
            .collect()
    }

    /// Where the registration being planned gets the key a [`ServiceKey`] argument receives;
    /// an unkeyed registration is a build problem.
    pub(crate) fn key_source(&mut self) -> KeySource {
        let key = self
            .descriptors
            .get(self.current)
            .and_then(|d| d.key.as_ref());
        KeySource(match key {
            Some(key) if key.is_any() => Source::Requested,
            Some(key) => Source::Fixed(key.clone()),
            None => {
                let service = self.service();
                self.problems.push(BuildProblem::KeyOfUnkeyed { service });
                Source::Missing
            }
        })
    }
}
