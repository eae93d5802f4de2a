//! Planning deferred dependencies (`Lazy<T>`, `ServiceFactory<T>`, `KeyedServices<T>`): their
//! edges are lazy, so lifetimes are checked through them but a cycle through them is allowed.

use std::any::TypeId;

use crate::plan::planner::Planner;
use crate::provider::SiteRef;

impl Planner<'_> {
    /// A lazy dependency on the last registration of `T`; a missing one is a build problem.
    pub(crate) fn deferred<T: ?Sized + Send + Sync + 'static>(&mut self) -> Option<SiteRef<T>> {
        match self.index.unkeyed(TypeId::of::<T>()) {
            Some(entry) => {
                self.lazy_edge(entry.last);
                Some(SiteRef::by_index(entry.last))
            }
            None => {
                self.missing::<T>(None);
                None
            }
        }
    }

    /// Lazy edges to every keyed registration of `T`, so that lifetimes are checked for
    /// whatever key is asked at run time.
    pub(crate) fn deferred_keyed<T: ?Sized + Send + Sync + 'static>(&mut self) {
        for target in self.index.all_keyed(TypeId::of::<T>()) {
            self.lazy_edge(target);
        }
    }
}
