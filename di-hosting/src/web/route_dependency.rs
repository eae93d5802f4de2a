//! [`RouteDependency`]: what a handler argument needs from the request's scope, declared by its
//! type, and [`HandlerArgs`], which collects it for a whole argument list (like axum's
//! `Handler` impls for tuples of extractors). [`ScopedRouter`](crate::web::ScopedRouter) records
//! it per route, and the [`WebServer`](crate::web::WebServer) checks it at start.

use std::any::type_name;

use di_core::{Scope, StaticKey};

use crate::web::inject::{Inject, InjectAll, InjectKeyed, InjectOptional};

/// One service a route resolves: its type name, its key, and how to tell whether the provider
/// has it (`None`: only a request scope is needed).
#[derive(Debug, Clone)]
pub(crate) struct Need {
    pub(crate) service: &'static str,
    pub(crate) key: Option<&'static str>,
    pub(crate) registered: Option<fn(&Scope) -> bool>,
}

/// What the arguments of one handler need, filled by [`RouteDependency::declare`].
///
/// # Examples
///
/// See [`RouteDependency`].
#[derive(Debug, Default)]
pub struct RouteNeeds {
    pub(crate) needs: Vec<Need>,
}

impl RouteNeeds {
    /// The argument resolves `T` from the request's scope: `T` must be registered, and the
    /// server must give requests a scope.
    ///
    /// # Examples
    ///
    /// See [`RouteDependency`].
    pub fn service<T: ?Sized + Send + Sync + 'static>(&mut self) {
        self.needs.push(Need {
            service: type_name::<T>(),
            key: None,
            registered: Some(|scope| scope.is_service::<T>()),
        });
    }

    /// The argument resolves `T` under the key `K` (see
    /// [`service_key!`](di_core::service_key)) from the request's scope.
    ///
    /// # Examples
    ///
    /// See [`RouteDependency`].
    pub fn keyed_service<T: ?Sized + Send + Sync + 'static, K: StaticKey>(&mut self) {
        self.needs.push(Need {
            service: type_name::<T>(),
            key: Some(type_name::<K>()),
            registered: Some(|scope| scope.is_keyed_service::<T>(K::key())),
        });
    }

    /// The argument uses the request's scope (optionally or for every registration), so the
    /// server must give requests a scope; `T` need not be registered.
    ///
    /// # Examples
    ///
    /// See [`RouteDependency`].
    pub fn scope<T: ?Sized + 'static>(&mut self) {
        self.needs.push(Need {
            service: type_name::<T>(),
            key: None,
            registered: None,
        });
    }
}

/// A handler argument that [`ScopedRouter`](crate::web::ScopedRouter) accepts: it declares what
/// it resolves from the request's scope, so that a missing service fails the host's start
/// instead of the first request.
///
/// Implemented for [`Inject`], [`InjectOptional`], [`InjectAll`], [`InjectKeyed`] and axum's
/// own extractors (which need nothing). For an extractor of your own, implement it — empty when
/// the extractor resolves nothing.
///
/// # Examples
///
/// ```
/// use di_hosting::web::{RouteDependency, RouteNeeds};
///
/// struct Db;
/// /// An extractor of the application that resolves `Db` from the request's scope.
/// struct Transaction;
///
/// impl RouteDependency for Transaction {
///     fn declare(needs: &mut RouteNeeds) {
///         needs.service::<Db>();
///     }
/// }
///
/// /// An extractor that needs nothing from the container.
/// struct ClientIp;
/// impl RouteDependency for ClientIp {}
///
/// let mut needs = RouteNeeds::default();
/// Transaction::declare(&mut needs);
/// ClientIp::declare(&mut needs);
/// # let _ = (Db, Transaction, ClientIp);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a handler argument `ScopedRouter` can check",
    label = "does not implement `RouteDependency`",
    note = "implement `di_hosting::web::RouteDependency` for `{Self}` (an empty impl when it resolves nothing from the container), or add the route with `ScopedRouter::route_unchecked`"
)]
pub trait RouteDependency {
    /// Declares what this argument resolves; nothing by default.
    fn declare(needs: &mut RouteNeeds) {
        let _ = needs;
    }
}

impl<T: ?Sized + Send + Sync + 'static> RouteDependency for Inject<T> {
    fn declare(needs: &mut RouteNeeds) {
        needs.service::<T>();
    }
}

impl<T: ?Sized + Send + Sync + 'static, K: StaticKey> RouteDependency for InjectKeyed<T, K> {
    fn declare(needs: &mut RouteNeeds) {
        needs.keyed_service::<T, K>();
    }
}

impl<T: ?Sized + 'static> RouteDependency for InjectOptional<T> {
    fn declare(needs: &mut RouteNeeds) {
        needs.scope::<T>();
    }
}

impl<T: ?Sized + 'static> RouteDependency for InjectAll<T> {
    fn declare(needs: &mut RouteNeeds) {
        needs.scope::<T>();
    }
}

impl<T: RouteDependency> RouteDependency for Option<T> {
    fn declare(needs: &mut RouteNeeds) {
        T::declare(needs);
    }
}

impl<T: RouteDependency, E> RouteDependency for Result<T, E> {
    fn declare(needs: &mut RouteNeeds) {
        T::declare(needs);
    }
}

/// axum's and http's extractors: they resolve nothing from the container.
macro_rules! needs_nothing {
    ($($ty:ty $(, <$($param:ident),+>)?;)*) => {
        $(impl$(<$($param),+>)? RouteDependency for $ty {})*
    };
}

needs_nothing! {
    axum::extract::Path<T>, <T>;
    axum::extract::Query<T>, <T>;
    axum::extract::State<S>, <S>;
    axum::extract::Extension<T>, <T>;
    axum::extract::ConnectInfo<T>, <T>;
    axum::extract::Form<T>, <T>;
    axum::Json<T>, <T>;
    axum::extract::MatchedPath;
    axum::extract::OriginalUri;
    axum::extract::RawQuery;
    axum::extract::RawForm;
    axum::extract::RawPathParams;
    axum::extract::NestedPath;
    axum::extract::Request;
    axum::body::Body;
    http::HeaderMap;
    http::Method;
    http::Uri;
    http::Version;
    http::Extensions;
    http::request::Parts;
    bytes::Bytes;
    String;
}

/// The argument list of a handler, as axum's `Handler<T, S>` sees it: `T` is `(M, T1, …, Tn)`,
/// `M` being axum's marker for how the last argument is extracted. Collects what every
/// argument needs.
///
/// # Examples
///
/// ```
/// use di_hosting::web::{HandlerArgs, Inject, RouteNeeds};
///
/// struct Db;
/// type Arguments = ((), Inject<Db>, axum::extract::Path<u64>);
/// let mut needs = RouteNeeds::default();
/// <Arguments as HandlerArgs>::declare_all(&mut needs);
/// # drop(needs);
/// ```
pub trait HandlerArgs {
    /// Declares what every argument needs, in order.
    fn declare_all(needs: &mut RouteNeeds);
}

macro_rules! handler_args {
    ($($ty:ident),*) => {
        impl<M, $($ty: RouteDependency,)*> HandlerArgs for (M, $($ty,)*) {
            #[allow(unused_variables, reason = "the list is empty for a handler with no argument")]
            fn declare_all(needs: &mut RouteNeeds) {
                $($ty::declare(needs);)*
            }
        }
    };
}

handler_args!();
handler_args!(T1);
handler_args!(T1, T2);
handler_args!(T1, T2, T3);
handler_args!(T1, T2, T3, T4);
handler_args!(T1, T2, T3, T4, T5);
handler_args!(T1, T2, T3, T4, T5, T6);
handler_args!(T1, T2, T3, T4, T5, T6, T7);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13);
handler_args!(T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14);
handler_args!(
    T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15
);
handler_args!(
    T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16
);
