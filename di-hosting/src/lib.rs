//! Hosting runtime (work in progress).
