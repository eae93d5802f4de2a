//! [`ServiceCollection::build`] and [`build_async`](ServiceCollection::build_async): where
//! registration hands its descriptors to the build phase (`plan/`).

use crate::error::BuildError;
use crate::plan;
use crate::provider::ServiceProvider;
use crate::registration::collection::ServiceCollection;

impl ServiceCollection {
    /// Validates every registration and builds a provider.
    ///
    /// The provider copies what it needs: changing or reusing the collection afterwards does not
    /// affect it.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] listing **every** problem at once: missing dependencies (naming
    /// who requires them), cycles (with their full path), singletons capturing scoped services,
    /// and async singletons (which need [`build_async`](ServiceCollection::build_async)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// struct Db;
    /// struct Cache;
    /// struct Repo;
    /// let mut services = ServiceCollection::new();
    /// services.add_scoped(|_db: Arc<Db>, _cache: Arc<Cache>| Arc::new(Repo));
    /// let error = services.build().unwrap_err();
    /// assert_eq!(error.problems().len(), 2, "both missing services are reported");
    /// ```
    pub fn build(&self) -> Result<ServiceProvider, BuildError> {
        plan::build(&self.descriptors)
    }

    /// Validates every registration, builds a provider and creates the async singletons in
    /// dependency order, so that resolving them afterwards is synchronous.
    ///
    /// # Errors
    ///
    /// [`BuildError::Invalid`] as for [`build`](ServiceCollection::build);
    /// [`BuildError::AsyncInitialization`] if an async factory failed, after disposing what was
    /// already created.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Arc;
    /// use di_core::ServiceCollection;
    ///
    /// struct Config { url: &'static str }
    /// struct Pool { url: &'static str }
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut services = ServiceCollection::new();
    /// services.add_instance(Arc::new(Config { url: "sqlite::memory:" }));
    /// services.add_singleton_async(|config: Arc<Config>| async move {
    ///     Ok::<_, std::io::Error>(Arc::new(Pool { url: config.url }))
    /// });
    /// let provider = services.build_async().await?;
    /// assert_eq!(provider.get::<Pool>()?.url, "sqlite::memory:");
    /// # Ok(()) }
    /// ```
    pub async fn build_async(&self) -> Result<ServiceProvider, BuildError> {
        plan::build_async(&self.descriptors).await
    }
}
