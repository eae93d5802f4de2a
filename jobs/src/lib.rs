//! A durable SQLite job queue served over HTTP.
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]
