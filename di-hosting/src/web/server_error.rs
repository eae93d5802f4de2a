//! [`WebServerError`]: why the web server could not start or stop, and the [`RouteProblem`]s
//! its route check finds.

use std::fmt;
use std::io;
use std::net::SocketAddr;

use di_core::ResolveError;

/// Why the [`WebServer`](crate::web::WebServer) could not start or stop cleanly.
///
/// # Examples
///
/// ```
/// use di_hosting::web::WebServerError;
///
/// let error = WebServerError::Bind {
///     address: "127.0.0.1:80".parse()?,
///     source: std::io::ErrorKind::PermissionDenied.into(),
/// };
/// assert_eq!(error.to_string(), "cannot listen on `127.0.0.1:80`");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WebServerError {
    /// Binding the listening socket failed (address in use, permission denied…).
    #[error("cannot listen on `{address}`")]
    Bind {
        /// The configured address.
        address: SocketAddr,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
    /// The task serving connections panicked.
    #[error("the web server's task panicked")]
    Panicked(#[source] tokio::task::JoinError),
    /// Routes of a [`ScopedRouter`](crate::web::ScopedRouter) inject what the server cannot
    /// give them; every problem is listed.
    #[error("the routes cannot be served{}", Numbered(problems))]
    Routes {
        /// Every problem, in route order.
        problems: Vec<RouteProblem>,
    },
    /// The scope to check the routes against could not be created.
    #[error("the routes could not be checked")]
    Check(#[source] ResolveError),
}

/// Why one route of a [`ScopedRouter`](crate::web::ScopedRouter) cannot be served.
///
/// # Examples
///
/// ```
/// use di_hosting::web::RouteProblem;
///
/// let problem = RouteProblem::NotRegistered {
///     route: "GET /jobs".into(),
///     service: "app::Repo",
///     key: None,
/// };
/// assert_eq!(problem.to_string(), "route `GET /jobs` injects `app::Repo`, which is not registered");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteProblem {
    /// A handler injects a service that is not registered.
    #[error("route `{route}` injects `{service}`{}, which is not registered", Key(*key))]
    NotRegistered {
        /// `METHOD /path`.
        route: String,
        /// The missing service's type.
        service: &'static str,
        /// The key marker type, for a keyed injection.
        key: Option<&'static str>,
    },
    /// A handler injects from the request's scope, but the server gives requests none.
    #[error(
        "route `{route}` injects `{service}`, but the server gives requests no scope: \
         call `WebServer::with_request_scopes`"
    )]
    NoRequestScopes {
        /// `METHOD /path`.
        route: String,
        /// The first service the route injects.
        service: &'static str,
    },
}

struct Key(Option<&'static str>);

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(key) => write!(f, " under the key `{key}`"),
            None => Ok(()),
        }
    }
}

/// One problem on the same line, several numbered one per line (as the container's build
/// errors are).
struct Numbered<'a>(&'a [RouteProblem]);

impl fmt::Display for Numbered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let [problem] = self.0 {
            return write!(f, ": {problem}");
        }
        write!(f, " ({} problems):", self.0.len())?;
        for (i, problem) in self.0.iter().enumerate() {
            write!(f, "\n  {}. {problem}", i + 1)?;
        }
        Ok(())
    }
}
