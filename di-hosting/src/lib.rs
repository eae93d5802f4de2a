//! A Generic-Host-style runtime for tokio (work in progress).
#![doc(test(attr(deny(warnings))))]
#![forbid(unsafe_code)]
