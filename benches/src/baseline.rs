//! The hand-written floor: the objects of every case built with `Arc::new` and cloned fields.
//!
//! # Examples
//!
//! ```
//! let baseline = benches::baseline::Baseline::new();
//! assert_eq!(baseline.complex().a.config.value, baseline.singleton().value);
//! ```

use std::any::Any;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering, fence};
use std::sync::{Arc, OnceLock};

use crate::model::{Clock, Config, PartA, PartB, PartC, Plain, Request, Root, Service};

/// The already-created singletons, held the way hand-written code would hold them.
#[derive(Debug)]
pub struct Baseline {
    /// The `Config` singleton.
    pub config: Arc<Config>,
    /// The `Clock` singleton.
    pub clock: Arc<Clock>,
}

/// What a hand-written "scope" is: a per-request struct with a lazily created field.
#[derive(Debug, Default)]
pub struct ManualScope {
    request: OnceLock<Arc<Request>>,
}

/// A hand-written scope that, like a container's, holds services of any type, `dyn Trait`
/// included: its lazily created field is the `Arc` type-erased in a `Box<dyn Any>`. Without
/// `unsafe`, an `Arc<S>` of an `S: ?Sized` can only be erased that way (`Arc<S>` becomes
/// `Arc<dyn Any>` only for a sized `S`), so this is the floor of a safe container's (d).
#[derive(Debug, Default)]
pub struct ErasedScope {
    request: OnceLock<Box<dyn Any + Send + Sync>>,
}

/// [`ErasedScope`] plus the work a container's scope cannot skip and keep its documented
/// behaviour (`SEMANTICS.md`), and nothing else: it keeps its provider alive (an `Arc` clone
/// and drop: a scope may outlive the caller's provider handle), stamps its creation with a
/// number (one atomic read-modify-write: disposal runs in reverse creation order, across
/// threads), and puts a sequentially consistent fence between publishing the instance and
/// reading whether disposal began (so that disposal racing a resolution loses nothing). No
/// lookup, no re-entrance check, no disposal list.
#[derive(Debug)]
pub struct ContractScope {
    _provider: Arc<Config>,
    order: AtomicU64,
    closed: AtomicBool,
    request: OnceLock<Box<dyn Any + Send + Sync>>,
}

impl Default for Baseline {
    fn default() -> Self {
        Self::new()
    }
}

impl Baseline {
    /// The singletons, created.
    pub fn new() -> Self {
        Self {
            config: Arc::new(Config { value: 7 }),
            clock: Arc::new(Clock { tick: 1 }),
        }
    }

    /// Case (a): an already-created singleton.
    #[inline]
    pub fn singleton(&self) -> Arc<Config> {
        Arc::clone(&self.config)
    }

    /// Case (b): a transient with no dependencies.
    #[inline]
    pub fn transient(&self) -> Arc<Plain> {
        Arc::new(Plain::default())
    }

    /// Case (c): a transient with a singleton and a transient dependency.
    #[inline]
    pub fn service(&self) -> Arc<Service> {
        Arc::new(Service {
            config: Arc::clone(&self.config),
            plain: self.transient(),
        })
    }

    /// Case (d): the scoped service, built directly (a scope adds nothing by hand).
    #[inline]
    pub fn scoped(&self) -> Arc<Request> {
        Arc::new(Request {
            config: Arc::clone(&self.config),
        })
    }

    /// Case (d), closer to what a container does: an `Arc`'d per-request struct whose field is
    /// created on first use. Reported for context, not as the floor.
    #[inline]
    pub fn manual_scope(&self) -> Arc<Request> {
        let scope = Arc::new(ManualScope::default());
        let request = scope.request.get_or_init(|| self.scoped());
        Arc::clone(request)
    }

    /// Case (d) with the scope's field type-erased as a container must store it: the floor of
    /// any scope written without `unsafe`. Reported for context, not as the floor.
    #[inline]
    pub fn erased_scope(&self) -> Arc<Request> {
        let scope = Arc::new(ErasedScope::default());
        let erased = scope.request.get_or_init(|| Box::new(self.scoped()));
        match erased.downcast_ref::<Arc<Request>>() {
            Some(request) => Arc::clone(request),
            None => unreachable!("the field holds an `Arc<Request>`"),
        }
    }

    /// Case (d) as [`ContractScope`] does it: the floor of a scope with a container's
    /// guarantees, written without `unsafe`. Reported for context.
    ///
    /// # Examples
    ///
    /// ```
    /// let baseline = benches::baseline::Baseline::new();
    /// assert_eq!(baseline.contract_scope().config.value, baseline.scoped().config.value);
    /// ```
    #[inline]
    pub fn contract_scope(&self) -> Arc<Request> {
        let scope = Arc::new(ContractScope {
            _provider: Arc::clone(&self.config),
            order: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            request: OnceLock::new(),
        });
        let erased = scope.request.get_or_init(|| {
            let instance = Box::new(self.scoped());
            scope.order.fetch_add(1, Ordering::AcqRel);
            instance
        });
        fence(Ordering::SeqCst);
        assert!(!scope.closed.load(Ordering::Relaxed), "never closed here");
        match erased.downcast_ref::<Arc<Request>>() {
            Some(request) => Arc::clone(request),
            None => unreachable!("the field holds an `Arc<Request>`"),
        }
    }

    /// Case (e): the complex graph.
    #[inline]
    pub fn complex(&self) -> Arc<Root> {
        Arc::new(Root {
            a: Arc::new(PartA {
                config: Arc::clone(&self.config),
                clock: Arc::clone(&self.clock),
                leaf: self.transient(),
            }),
            b: Arc::new(PartB {
                config: Arc::clone(&self.config),
                leaf: self.transient(),
            }),
            c: Arc::new(PartC {
                clock: Arc::clone(&self.clock),
                leaf: self.transient(),
            }),
        })
    }
}
