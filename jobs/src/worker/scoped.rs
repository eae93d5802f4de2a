//! A unit of worker work in its own DI scope.

use di_core::{BoxError, ScopeFactory};

use crate::repo::{JobRepository, StoreError};

/// Runs `work` with a [`JobRepository`] from a new scope, then disposes the scope.
pub(crate) async fn with_repository<T>(
    scopes: &ScopeFactory,
    work: impl AsyncFnOnce(&JobRepository) -> Result<T, StoreError>,
) -> Result<T, BoxError> {
    let scope = scopes.create_scope()?;
    let result = match scope.get::<JobRepository>() {
        Ok(repo) => work(&repo).await.map_err(BoxError::from),
        Err(error) => Err(error.into()),
    };
    scope.dispose().await;
    result
}
