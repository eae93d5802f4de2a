//! The HTTP API: submit, inspect and list jobs, queue statistics (`/stats`), liveness
//! (`/healthz`) and readiness (`/readyz`).
//!
//! Every error answers `{"error": "..."}` and stores nothing: malformed JSON `400`, an unknown
//! kind or invalid payload `422`, a body over 64 KiB `413`, a body that is not
//! `Content-Type: application/json` or has a `Content-Encoding` other than `identity` `415`,
//! an unknown id `404`, and a database locked by another writer for longer than
//! `JOBS_DB_BUSY_MS`, or a PostgreSQL server restarting or unreachable, `503` with
//! `Retry-After`.
//!
//! Requiring `application/json` is also what keeps other web pages out: a browser sends a
//! cross-origin `POST` without asking first (no CORS preflight) only for `text/plain`, form and
//! multipart bodies, all refused here.

mod content;
mod errors;
mod routes;

pub use routes::router;
