//! Registering hosted services in a [`ServiceCollection`](di_core::ServiceCollection): the
//! [`HostedServiceExt`] extension trait, the [`HostedServiceRegistration`] it returns, and the
//! crate-private entry the host resolves.
//!
//! Each registration adds a singleton `Hosted<S>` built by the service's factory (so its
//! arguments are planned and validated by `build()` like any other service's, under the display
//! name of `S`, which is what messages show) and a [`HostedEntry`] instance. At start the host resolves every entry in
//! registration order, and each entry takes the next registration of its `Hosted<S>`: two
//! registrations of one type are two services.

mod entry;
mod extension;
mod settings;

pub(crate) use entry::{HostedEntry, HostedKind, resolve_hosted};
pub use extension::HostedServiceExt;
pub use settings::HostedServiceRegistration;
