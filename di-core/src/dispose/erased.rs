//! Type-erased instances and their async disposal.

use std::any::Any;
use std::sync::Arc;

use futures::future::BoxFuture;

use crate::dispose::async_dispose::AsyncDispose;

/// An `Arc<S>` with `S` erased. Boxed because `S` may be unsized (`dyn Trait`).
pub(crate) type ErasedInstance = Box<dyn Any + Send + Sync>;

/// Calls [`AsyncDispose::dispose`] on an erased instance; monomorphized per service at
/// registration. The future owns a reference to the instance, so that a disposal started by a
/// synchronous resolution can outlive the call that started it.
pub(crate) type DisposeFn = fn(&(dyn Any + Send + Sync)) -> BoxFuture<'static, ()>;

/// The [`DisposeFn`] of `S`.
pub(crate) fn dispose_erased<S: ?Sized + AsyncDispose + 'static>(
    instance: &(dyn Any + Send + Sync),
) -> BoxFuture<'static, ()> {
    match instance.downcast_ref::<Arc<S>>() {
        Some(service) => {
            let service = Arc::clone(service);
            Box::pin(async move { service.dispose().await })
        }
        None => Box::pin(async {}),
    }
}
