//! The HTTP API: submit, inspect and list jobs, queue statistics and health.
//!
//! Every error answers `{"error": "..."}` and stores nothing: malformed JSON `400`, an unknown
//! kind or invalid payload `422`, a body over 64 KiB `413`, an unknown id `404`.

use std::collections::HashMap;
use std::fmt::Display;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use di_core::ScopeFactory;
use di_hosting::ApplicationLifetime;
use di_hosting::web::{
    Inject, JsonError, RequestScopeLayer, body_limit_layer, json_error_bodies, timeout_layer,
    trace_layer,
};
use serde_json::{Value, json};

use crate::config::{JobsConfig, MAX_BODY_BYTES};
use crate::job::{InvalidJob, JobStatus, NewJob};
use crate::repo::JobRepository;

/// The default and the largest page size of `GET /jobs`.
const PAGE: (u32, u32) = (50, 1000);

/// The application's router: routes, a scope per request, and the usual middleware.
///
/// # Examples
///
/// ```
/// use jobs::{JobsConfig, api};
///
/// let provider = di_core::ServiceCollection::new().build()?;
/// let router = api::router(provider.scope_factory(), &JobsConfig::default());
/// # drop(router);
/// # Ok::<(), di_core::BuildError>(())
/// ```
pub fn router(scopes: ScopeFactory, config: &JobsConfig) -> Router {
    Router::new()
        .route("/jobs", post(submit).get(list))
        .route("/jobs/{id}", get(find))
        .route("/stats", get(stats))
        .route("/healthz", get(healthz))
        .layer(RequestScopeLayer::new(scopes))
        .layer(timeout_layer(config.request_timeout))
        .layer(body_limit_layer(MAX_BODY_BYTES))
        .layer(map_response(json_error_bodies))
        .layer(trace_layer())
}

/// Logs an unexpected error and answers the opaque `500`.
fn internal(error: impl Display) -> JsonError {
    tracing::error!(%error, "a request failed");
    JsonError::internal()
}

fn unprocessable(error: &InvalidJob) -> JsonError {
    JsonError::new(StatusCode::UNPROCESSABLE_ENTITY, error.to_string())
}

async fn submit(
    Inject(repo): Inject<JobRepository>,
    Inject(config): Inject<JobsConfig>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, JsonError> {
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => JsonError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 64 KiB",
        ),
        status => JsonError::new(status, "cannot read the request body"),
    })?;
    let value: Value = serde_json::from_slice(&body).map_err(|error| {
        JsonError::new(StatusCode::BAD_REQUEST, format!("malformed JSON: {error}"))
    })?;
    let job = NewJob::from_json(&value, config.default_max_attempts)
        .map_err(|error| unprocessable(&error))?;
    let id = repo.insert(&job).await.map_err(internal)?;
    tracing::info!(id, kind = %job.kind, "job submitted");
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response())
}

async fn find(
    Inject(repo): Inject<JobRepository>,
    Path(id): Path<String>,
) -> Result<Response, JsonError> {
    let not_found = || JsonError::new(StatusCode::NOT_FOUND, "job not found");
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let job = repo
        .find(id)
        .await
        .map_err(internal)?
        .ok_or_else(not_found)?;
    Ok(Json(job).into_response())
}

async fn list(
    Inject(repo): Inject<JobRepository>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, JsonError> {
    let invalid = |message: &str| JsonError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    let status = params
        .get("status")
        .map(|status| status.parse::<JobStatus>())
        .transpose()
        .map_err(|error| unprocessable(&error))?;
    let limit = match params.get("limit") {
        None => PAGE.0,
        Some(limit) => limit
            .parse::<u32>()
            .ok()
            .filter(|limit| (1..=PAGE.1).contains(limit))
            .ok_or_else(|| invalid("`limit` must be an integer from 1 to 1000"))?,
    };
    let before = params
        .get("before")
        .map(|before| before.parse::<i64>())
        .transpose()
        .map_err(|_| invalid("`before` must be a job id"))?;
    let jobs = repo.list(status, limit, before).await.map_err(internal)?;
    let next = (jobs.len() == limit as usize)
        .then(|| jobs.last().map(|job| job.id))
        .flatten();
    Ok(Json(json!({ "jobs": jobs, "next_before": next })).into_response())
}

async fn stats(Inject(repo): Inject<JobRepository>) -> Result<Response, JsonError> {
    let counts = repo.stats().await.map_err(internal)?;
    Ok(Json(counts).into_response())
}

async fn healthz(Inject(lifetime): Inject<ApplicationLifetime>) -> Response {
    if lifetime.is_stopping() {
        JsonError::new(StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response()
    } else if !lifetime.is_started() {
        JsonError::new(StatusCode::SERVICE_UNAVAILABLE, "starting").into_response()
    } else {
        Json(json!({ "status": "running" })).into_response()
    }
}
