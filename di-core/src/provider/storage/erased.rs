//! Type-erased instances and their async disposal.

use std::any::Any;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::dispose::AsyncDispose;

/// An `Arc<S>` with `S` erased. Boxed because `S` may be unsized (`dyn Trait`).
pub(crate) type ErasedInstance = Box<dyn Any + Send + Sync>;

/// Calls [`AsyncDispose::dispose`] on an erased instance; monomorphized per service at
/// registration.
pub(crate) type DisposeFn = for<'a> fn(&'a (dyn Any + Send + Sync)) -> BoxFuture<'a, ()>;

/// The [`DisposeFn`] of `S`.
pub(crate) fn dispose_erased<S: ?Sized + AsyncDispose + 'static>(
    instance: &(dyn Any + Send + Sync),
) -> BoxFuture<'_, ()> {
    match instance.downcast_ref::<Arc<S>>() {
        Some(service) => service.dispose(),
        None => Box::pin(async {}),
    }
}
