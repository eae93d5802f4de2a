//! Registration: the [`ServiceCollection`] and the factory traits.
//!
//! Every `add_*` call erases the typed factory into a descriptor exactly once; nothing is planned
//! or validated until `build()`. Descriptors share their factory behind an `Arc`, so a collection
//! can be built any number of times and changed afterwards without affecting built providers.

mod build;
mod collection;
mod decorate;
mod erase;
mod factory;
mod keyed;
mod overrides;
mod owned;
mod owned_erase;
mod owned_factory;
mod replace;
mod view;

pub use collection::{ServiceCollection, ServiceRegistration};
pub use decorate::{Decorator, DecoratorFn};
pub use factory::{AsyncFactory, AsyncFactoryFn, Factory, FactoryFn, FactoryOutput};
pub use owned_factory::OwnedFactory;
pub use view::ServiceDescriptor;
