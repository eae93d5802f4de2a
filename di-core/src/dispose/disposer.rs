//! [`Disposer<S>`]: how the container disposes an `S`, and the probe with which
//! `#[derive(Injectable)]` finds out, at compile time, whether a type implements
//! [`AsyncDispose`] — so that a derived type's disposal cannot be forgotten.

use std::fmt;
use std::marker::PhantomData;

use crate::dispose::async_dispose::AsyncDispose;
use crate::dispose::erased::{DisposeFn, dispose_erased};

/// How the container disposes instances of `S`: only made for `S: AsyncDispose`.
///
/// [`Injectable::disposer`](crate::Injectable::disposer) returns one for a disposable type;
/// `#[derive(Injectable)]` implements it by detecting [`AsyncDispose`], so a derived type
/// registered with [`add_injectable`](crate::ServiceCollection::add_injectable) is disposed
/// without any opt-in.
///
/// # Examples
///
/// ```
/// use di_core::{AsyncDispose, Disposer};
///
/// struct Pool;
/// #[async_trait::async_trait]
/// impl AsyncDispose for Pool { async fn dispose(&self) {} }
/// let disposer: Disposer<Pool> = Disposer::new();
/// # let _ = disposer;
/// ```
pub struct Disposer<S: ?Sized> {
    pub(crate) dispose: DisposeFn,
    service: PhantomData<fn(&S)>,
}

impl<S: ?Sized + AsyncDispose + 'static> Disposer<S> {
    /// The disposer of an [`AsyncDispose`] type.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::{AsyncDispose, Disposer};
    /// struct Conn;
    /// #[async_trait::async_trait]
    /// impl AsyncDispose for Conn { async fn dispose(&self) {} }
    /// let _ = Disposer::<Conn>::new();
    /// ```
    pub fn new() -> Self {
        Self {
            dispose: dispose_erased::<S>,
            service: PhantomData,
        }
    }
}

impl<S: ?Sized + AsyncDispose + 'static> Default for Disposer<S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: ?Sized> fmt::Debug for Disposer<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Disposer")
            .field("service", &std::any::type_name::<S>())
            .finish()
    }
}

/// Autoref specialization for `#[derive(Injectable)]`: `(&&DisposeProbe::<T>::new()).disposer()`
/// picks [`ProbeAsyncDispose`](probe::ProbeAsyncDispose) when the concrete `T` implements [`AsyncDispose`], else
/// [`ProbeNoDispose`](probe::ProbeNoDispose). Works only where `T` is a concrete type, which it is in derived code.
#[doc(hidden)]
pub mod probe {
    use super::{AsyncDispose, Disposer, PhantomData};

    /// The probe; see the module docs.
    #[derive(Debug)]
    pub struct DisposeProbe<T: ?Sized>(PhantomData<fn(&T)>);

    impl<T: ?Sized> DisposeProbe<T> {
        /// A probe for `T`.
        pub fn new() -> Self {
            Self(PhantomData)
        }
    }

    impl<T: ?Sized> Default for DisposeProbe<T> {
        fn default() -> Self {
            Self::new()
        }
    }

    /// Chosen when `T: AsyncDispose`.
    pub trait ProbeAsyncDispose<T: ?Sized> {
        /// `Some` disposer.
        fn disposer(&self) -> Option<Disposer<T>>;
    }

    impl<T: ?Sized + AsyncDispose + 'static> ProbeAsyncDispose<T> for &DisposeProbe<T> {
        fn disposer(&self) -> Option<Disposer<T>> {
            Some(Disposer::new())
        }
    }

    /// Chosen otherwise.
    pub trait ProbeNoDispose<T: ?Sized> {
        /// `None`.
        fn disposer(&self) -> Option<Disposer<T>>;
    }

    impl<T: ?Sized> ProbeNoDispose<T> for DisposeProbe<T> {
        fn disposer(&self) -> Option<Disposer<T>> {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Connection;

    #[async_trait::async_trait]
    impl AsyncDispose for Connection {
        async fn dispose(&self) {}
    }

    #[test]
    fn a_disposer_shows_the_service_it_disposes() {
        let shown = format!("{:?}", Disposer::<Connection>::new());
        assert!(shown.starts_with("Disposer"), "{shown}");
        assert!(shown.contains("Connection"), "{shown}");
    }
}
