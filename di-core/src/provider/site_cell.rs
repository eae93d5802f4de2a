//! The cells through which planned factory arguments find their call sites.

use std::any::Any;
use std::sync::{Arc, OnceLock};

use crate::provider::call_site::CallSite;

/// Where a registration's finished call site will be found: a `OnceLock<Arc<CallSite<S>>>`
/// behind an erased `Arc`, created before planning so that factory arguments can hold a typed
/// reference to it (a [`SiteRef`](crate::SiteRef)) and reach the site without any downcast at
/// run time.
pub(crate) type SiteCell = Arc<dyn Any + Send + Sync>;

/// The typed content of a [`SiteCell`].
pub(crate) type TypedSiteCell<S> = OnceLock<Arc<CallSite<S>>>;

/// A finished call site with its service type erased: an `Arc<CallSite<S>>` (the one its cell
/// holds), found by the public entry points with one downcast. Boxed rather than erased as
/// `Arc<dyn Any>`: the box's data needs no alignment arithmetic to reach, which is a tenth of
/// resolving a created singleton.
pub(crate) type ErasedSite = Box<dyn Any + Send + Sync>;
