//! The routes and their handlers.

use std::collections::HashMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::map_response;
use axum::response::{IntoResponse, Response};
use di_hosting::ApplicationLifetime;
use di_hosting::web::{
    Inject, ScopedRouter, body_limit_layer, json_error_bodies, timeout_layer, trace_layer,
};
use serde::Serialize;
use serde_json::{Value, json};

use crate::api::content::require_json;
use crate::api::errors::{ApiError, error, store_error};
use crate::config::{JobsConfig, MAX_BODY_BYTES};
use crate::execution::Execution;
use crate::job::{InvalidJob, Job, JobStatus, NewJob};
use crate::repo::{JobStore, StoreError};
use crate::worker::WorkerSlots;

/// The default and the largest page size of `GET /jobs`.
const PAGE: (u32, u32) = (50, 1000);

/// The application's routes and their middleware, as a [`ScopedRouter`]: the server gives every
/// request its scope (`WebServer::with_request_scopes`), and refuses to start — naming the route
/// and the type — when a handler injects a service that is not registered.
///
/// # Examples
///
/// ```
/// use jobs::{JobsConfig, api};
///
/// let provider = di_core::ServiceCollection::new().build()?;
/// let server = di_hosting::web::WebServer::new("127.0.0.1:0".parse()?, api::router(&JobsConfig::default()))
///     .with_request_scopes(provider.scope_factory());
/// # drop(server);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn router(config: &JobsConfig) -> ScopedRouter {
    ScopedRouter::new()
        .post("/jobs", submit)
        .get("/jobs", list)
        .get("/jobs/{id}", find)
        .get("/stats", stats)
        .get("/healthz", healthz)
        .get("/readyz", readyz)
        .map_router(|router| {
            router
                .layer(timeout_layer(config.request_timeout))
                .layer(body_limit_layer(MAX_BODY_BYTES))
                .layer(map_response(json_error_bodies))
                .layer(trace_layer())
        })
}

type Answer = Result<Response, ApiError>;

fn unprocessable(invalid: &InvalidJob) -> ApiError {
    error(StatusCode::UNPROCESSABLE_ENTITY, invalid.to_string())
}

/// Maps a storage failure to its answer (`503` + `Retry-After` when busy).
fn stored<T>(result: Result<T, StoreError>, config: &JobsConfig) -> Result<T, ApiError> {
    result.map_err(|failure| store_error(&failure, config.db_busy))
}

async fn submit(
    Inject(repo): Inject<dyn JobStore>,
    Inject(config): Inject<JobsConfig>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer {
    require_json(&headers)?;
    let body = body.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 64 KiB",
        ),
        status => error(status, "cannot read the request body"),
    })?;
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| error(StatusCode::BAD_REQUEST, format!("malformed JSON: {e}")))?;
    let job = NewJob::from_json(&value, config.default_max_attempts)
        .map_err(|invalid| unprocessable(&invalid))?;
    let id = stored(repo.insert(&job).await, &config)?;
    tracing::info!(id, kind = %job.kind, "job submitted");
    Ok((StatusCode::ACCEPTED, Json(json!({ "id": id }))).into_response())
}

/// A job with its executions, as `GET /jobs/{id}` shows it.
#[derive(Serialize)]
struct JobWithHistory {
    #[serde(flatten)]
    job: Job,
    executions: Vec<Execution>,
}

async fn find(
    Inject(repo): Inject<dyn JobStore>,
    Inject(config): Inject<JobsConfig>,
    Path(id): Path<String>,
) -> Answer {
    let not_found = || error(StatusCode::NOT_FOUND, "job not found");
    let id: i64 = id.parse().map_err(|_| not_found())?;
    let job = stored(repo.find(id).await, &config)?.ok_or_else(not_found)?;
    let executions = stored(repo.executions(id).await, &config)?;
    Ok(Json(JobWithHistory { job, executions }).into_response())
}

async fn list(
    Inject(repo): Inject<dyn JobStore>,
    Inject(config): Inject<JobsConfig>,
    Query(params): Query<HashMap<String, String>>,
) -> Answer {
    let invalid = |message: &str| error(StatusCode::UNPROCESSABLE_ENTITY, message);
    let status = params
        .get("status")
        .map(|status| status.parse::<JobStatus>())
        .transpose()
        .map_err(|invalid| unprocessable(&invalid))?;
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
    let jobs = stored(repo.list(status, limit, before).await, &config)?;
    let next = (jobs.len() == limit as usize)
        .then(|| jobs.last().map(|job| job.id))
        .flatten();
    Ok(Json(json!({ "jobs": jobs, "next_before": next })).into_response())
}

/// The queue's counts by status and by kind with the oldest pending job's age (every
/// process), and this process's worker slots.
async fn stats(
    Inject(repo): Inject<dyn JobStore>,
    Inject(config): Inject<JobsConfig>,
    Inject(slots): Inject<WorkerSlots>,
) -> Answer {
    let counts = stored(repo.stats().await, &config)?;
    let mut body = serde_json::to_value(counts).unwrap_or_default();
    body["worker"] = json!({
        "slots": slots.total(),
        "busy": slots.busy(),
        "free": slots.free(),
    });
    Ok(Json(body).into_response())
}

/// Liveness, as the process and its database see it: `200` while running with a database that
/// takes writes; `503` while starting or stopping, and while the database is locked past
/// `JOBS_DB_BUSY_MS` (`"database": "busy"`), unreachable (`"unavailable"`) or failing.
async fn healthz(
    Inject(lifetime): Inject<ApplicationLifetime>,
    Inject(repo): Inject<dyn JobStore>,
) -> Response {
    check(&lifetime, repo.as_ref(), false).await
}

/// Readiness: whether this replica should receive traffic — the same checks as `/healthz`,
/// and the backend's name; a load balancer takes a draining or cut-off replica out.
async fn readyz(
    Inject(lifetime): Inject<ApplicationLifetime>,
    Inject(repo): Inject<dyn JobStore>,
) -> Response {
    check(&lifetime, repo.as_ref(), true).await
}

/// The health answer; with `name_backend`, the body also says which backend runs.
async fn check(
    lifetime: &ApplicationLifetime,
    repo: &dyn JobStore,
    name_backend: bool,
) -> Response {
    if lifetime.is_stopping() {
        return error(StatusCode::SERVICE_UNAVAILABLE, "stopping").into_response();
    }
    if !lifetime.is_started() {
        return error(StatusCode::SERVICE_UNAVAILABLE, "starting").into_response();
    }
    let mut body = match repo.check_ready().await {
        Ok(()) => json!({ "status": "running", "database": "ok" }),
        Err(failure) => {
            let database = match failure {
                StoreError::Busy => "busy",
                StoreError::Unavailable(_) => "unavailable",
                _ => "failing",
            };
            tracing::warn!(error = %failure, "health: the database is degraded");
            json!({
                "status": "degraded",
                "database": database,
                "error": format!("the database is degraded: {failure}"),
            })
        }
    };
    if name_backend {
        body["backend"] = json!(repo.backend());
    }
    let status = if body["database"] == "ok" {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}
