//! The extractors that resolve services from the request's scope: [`Inject`],
//! [`InjectOptional`], [`InjectAll`] and [`InjectKeyed`].

use std::any::type_name;
use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRequestParts;
use di_core::{ResolveError, Scope, StaticKey};
use http::request::Parts;

use crate::web::rejection::InjectRejection;

fn request_scope<T: ?Sized>(parts: &Parts) -> Result<&Scope, InjectRejection> {
    parts
        .extensions
        .get::<Scope>()
        .ok_or(InjectRejection::MissingScope {
            service: type_name::<T>(),
        })
}

fn rejected<T: ?Sized>(source: ResolveError) -> InjectRejection {
    InjectRejection::Resolve {
        service: type_name::<T>(),
        source,
    }
}

/// Resolves the last registration of `T` from the request's scope (see
/// [`RequestScopeLayer`](crate::web::RequestScopeLayer)).
///
/// A failure answers an opaque JSON `500` and logs the cause (see [`InjectRejection`]).
///
/// # Examples
///
/// ```
/// use di_hosting::web::Inject;
///
/// struct Greeter;
/// impl Greeter { fn greet(&self) -> &'static str { "hello" } }
///
/// async fn handler(Inject(greeter): Inject<Greeter>) -> &'static str {
///     greeter.greet()
/// }
/// # let _ = handler;
/// ```
#[derive(Debug)]
pub struct Inject<T: ?Sized>(pub Arc<T>);

impl<S, T> FromRequestParts<S> for Inject<T>
where
    S: Send + Sync,
    T: ?Sized + Send + Sync + 'static,
{
    type Rejection = InjectRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, InjectRejection> {
        let scope = request_scope::<T>(parts)?;
        scope.get::<T>().map(Inject).map_err(rejected::<T>)
    }
}

/// Resolves `T` from the request's scope, or `None` when `T` is not registered.
///
/// Other failures (a factory error, a disposed scope) are still rejections.
///
/// # Examples
///
/// ```
/// use di_hosting::web::InjectOptional;
///
/// struct Metrics;
///
/// async fn handler(InjectOptional(metrics): InjectOptional<Metrics>) -> &'static str {
///     if metrics.is_some() { "metrics on" } else { "metrics off" }
/// }
/// # let _ = handler;
/// ```
#[derive(Debug)]
pub struct InjectOptional<T: ?Sized>(pub Option<Arc<T>>);

impl<S, T> FromRequestParts<S> for InjectOptional<T>
where
    S: Send + Sync,
    T: ?Sized + Send + Sync + 'static,
{
    type Rejection = InjectRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, InjectRejection> {
        let scope = request_scope::<T>(parts)?;
        match scope.get::<T>() {
            Ok(service) => Ok(InjectOptional(Some(service))),
            Err(ResolveError::NotRegistered { .. }) => Ok(InjectOptional(None)),
            Err(error) => Err(rejected::<T>(error)),
        }
    }
}

/// Resolves every registration of `T` from the request's scope, in registration order (empty
/// when none is registered).
///
/// # Examples
///
/// ```
/// use di_hosting::web::InjectAll;
///
/// trait Check: Send + Sync { fn healthy(&self) -> bool; }
///
/// async fn handler(InjectAll(checks): InjectAll<dyn Check>) -> String {
///     checks.iter().filter(|check| check.healthy()).count().to_string()
/// }
/// # let _ = handler;
/// ```
#[derive(Debug)]
pub struct InjectAll<T: ?Sized>(pub Vec<Arc<T>>);

impl<S, T> FromRequestParts<S> for InjectAll<T>
where
    S: Send + Sync,
    T: ?Sized + Send + Sync + 'static,
{
    type Rejection = InjectRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, InjectRejection> {
        let scope = request_scope::<T>(parts)?;
        scope.get_all::<T>().map(InjectAll).map_err(rejected::<T>)
    }
}

/// Resolves the registration of `T` under the key `K` (a [`StaticKey`], see
/// [`service_key!`](di_core::service_key)) from the request's scope; dereferences to `Arc<T>`.
///
/// # Examples
///
/// ```
/// use di_core::service_key;
/// use di_hosting::web::InjectKeyed;
///
/// service_key!(Primary = "primary");
/// struct Db(&'static str);
///
/// async fn handler(db: InjectKeyed<Db, Primary>) -> &'static str {
///     db.0
/// }
/// # let _ = handler;
/// ```
pub struct InjectKeyed<T: ?Sized, K> {
    service: Arc<T>,
    key: PhantomData<fn() -> K>,
}

impl<T: ?Sized, K> InjectKeyed<T, K> {
    /// The resolved service.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::service_key;
    /// use di_hosting::web::InjectKeyed;
    ///
    /// service_key!(Main = "main");
    /// struct Db;
    ///
    /// async fn handler(db: InjectKeyed<Db, Main>) {
    ///     let db: Arc<Db> = db.into_inner();
    ///     # drop(db);
    /// }
    /// # let _ = handler;
    /// ```
    pub fn into_inner(self) -> Arc<T> {
        self.service
    }
}

impl<T: ?Sized, K> Deref for InjectKeyed<T, K> {
    type Target = Arc<T>;

    fn deref(&self) -> &Arc<T> {
        &self.service
    }
}

impl<T: ?Sized, K> fmt::Debug for InjectKeyed<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InjectKeyed")
            .field("service", &type_name::<T>())
            .field("key", &type_name::<K>())
            .finish()
    }
}

impl<S, T, K> FromRequestParts<S> for InjectKeyed<T, K>
where
    S: Send + Sync,
    T: ?Sized + Send + Sync + 'static,
    K: StaticKey,
{
    type Rejection = InjectRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, InjectRejection> {
        let scope = request_scope::<T>(parts)?;
        let service = scope.get_keyed::<T>(K::key()).map_err(rejected::<T>)?;
        Ok(InjectKeyed {
            service,
            key: PhantomData,
        })
    }
}
