//! [`OwnedKeyed<T, K>`]: a factory argument that receives a keyed owned transient by value.

use std::any::type_name;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use crate::error::ResolveError;
use crate::inject::Dependency;
use crate::key::StaticKey;
use crate::plan::Planner;
use crate::provider::{OwnedSiteRef, Resolver};
use crate::registered::Registrations;

/// A dependency on the owned transient registered under the key `K` (a [`StaticKey`]) with
/// [`add_keyed_owned`](crate::ServiceCollection::add_keyed_owned): a new `T`, moved into its
/// consumer. Validated at build like [`Owned<T>`](crate::Owned); a keyed lookup never falls
/// back to an unkeyed registration. `Option<OwnedKeyed<T, K>>` is injectable too.
///
/// # Examples
///
/// ```
/// use di_core::{service_key, OwnedKeyed, ServiceCollection};
///
/// service_key!(Pdf = "pdf");
/// struct Buffer { format: &'static str, bytes: Vec<u8> }
/// struct Export { buffer: Buffer }
///
/// let mut services = ServiceCollection::new();
/// services.add_keyed_owned("pdf", || Buffer { format: "pdf", bytes: Vec::new() });
/// services.add_keyed_owned("csv", || Buffer { format: "csv", bytes: Vec::new() });
/// services.add_owned(|mut buffer: OwnedKeyed<Buffer, Pdf>| {
///     buffer.bytes.push(1);
///     Export { buffer: buffer.into_inner() }
/// });
/// let export: Export = services.build()?.get_owned()?;
/// assert_eq!((export.buffer.format, export.buffer.bytes.len()), ("pdf", 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct OwnedKeyed<T, K> {
    value: T,
    key: PhantomData<fn() -> K>,
}

impl<T, K> OwnedKeyed<T, K> {
    /// Wraps a value, for tests and hand-written [`Dependency`] implementations.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::{service_key, OwnedKeyed};
    /// service_key!(Main = "main");
    /// let owned = OwnedKeyed::<_, Main>::new(5);
    /// assert_eq!(*owned, 5);
    /// ```
    pub fn new(value: T) -> Self {
        Self {
            value,
            key: PhantomData,
        }
    }

    /// The value, moved out.
    ///
    /// # Examples
    ///
    /// ```
    /// use di_core::{service_key, OwnedKeyed};
    /// service_key!(Main = "main");
    /// assert_eq!(OwnedKeyed::<_, Main>::new(5).into_inner(), 5);
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T, K> Deref for OwnedKeyed<T, K> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T, K> DerefMut for OwnedKeyed<T, K> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// Shows the key's value (`"primary"`), not the name of its marker type.
impl<T: fmt::Debug, K: StaticKey> fmt::Debug for OwnedKeyed<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedKeyed")
            .field("value", &self.value)
            .field("key", &K::key())
            .finish()
    }
}

impl<T: Send + 'static, K: StaticKey> Dependency for OwnedKeyed<T, K> {
    type State = Option<OwnedSiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.require_owned::<T>(Some(&K::key()))
    }

    #[inline]
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        match state {
            Some(site) => site.resolve(resolver).map(Self::new),
            // Unreachable after a successful build, which rejects missing dependencies.
            None => Err(ResolveError::KeyedNotRegistered {
                service: type_name::<Self>(),
                key: Box::new(K::key()),
                registered: Registrations::default(),
            }),
        }
    }
}

impl<T: Send + 'static, K: StaticKey> Dependency for Option<OwnedKeyed<T, K>> {
    type State = Option<OwnedSiteRef<T>>;

    fn plan(planner: &mut Planner<'_>) -> Self::State {
        planner.optional_owned::<T>(Some(&K::key()))
    }

    #[inline]
    fn resolve(state: &Self::State, resolver: &Resolver<'_>) -> Result<Self, ResolveError> {
        state
            .as_ref()
            .map(|site| site.resolve(resolver).map(OwnedKeyed::new))
            .transpose()
    }
}
