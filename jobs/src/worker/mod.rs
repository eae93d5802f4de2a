//! The queue's worker: [`JobWorker`] (claims and runs jobs, a background service),
//! [`WorkerSlots`] (its concurrency), the completion writer and the running of one job.

mod recorder;
mod run;
mod service;
mod slots;

pub use service::JobWorker;
pub use slots::WorkerSlots;
