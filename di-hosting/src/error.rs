//! [`HostError`]: every failure of one host run, and the [`HostFailure`]s it lists.

use std::error::Error as _;
use std::fmt;
use std::fmt::Write as _;
use std::time::Duration;

use di_core::{BoxError, BuildError, ResolveError};

use crate::configuration::ConfigurationError;

/// A lifecycle call of a [`HostedService`](crate::HostedService).
///
/// # Examples
///
/// ```
/// use di_hosting::LifecycleHook;
/// assert_eq!(LifecycleHook::Starting.to_string(), "starting");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifecycleHook {
    /// [`HostedService::starting`](crate::HostedService::starting).
    Starting,
    /// [`HostedService::start`](crate::HostedService::start).
    Start,
    /// [`HostedService::started`](crate::HostedService::started).
    Started,
    /// [`HostedService::stopping`](crate::HostedService::stopping).
    Stopping,
    /// [`HostedService::stop`](crate::HostedService::stop), or waiting for a background task.
    Stop,
    /// [`HostedService::stopped`](crate::HostedService::stopped).
    Stopped,
}

impl fmt::Display for LifecycleHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Starting => "starting",
            Self::Start => "start",
            Self::Started => "started",
            Self::Stopping => "stopping",
            Self::Stop => "stop",
            Self::Stopped => "stopped",
        })
    }
}

/// One thing that went wrong while a host was built, started, run or stopped.
///
/// # Examples
///
/// ```
/// use di_hosting::HostFailure;
///
/// let failure = HostFailure::WorkerPanicked {
///     service: "app::Worker".into(),
///     message: "boom".into(),
/// };
/// assert_eq!(failure.to_string(), "background service `app::Worker` panicked: boom");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostFailure {
    /// The configuration is invalid: a file cannot be read, or bound options cannot be converted
    /// or are rejected by their validation. One failure per problem.
    #[error("the configuration is invalid")]
    Configuration(#[source] ConfigurationError),
    /// The service collection is invalid or an async singleton failed to initialize.
    #[error("the host could not be built")]
    Build(#[source] BuildError),
    /// The hosted services could not be resolved from the container.
    #[error("the hosted services could not be resolved")]
    Resolve(#[source] ResolveError),
    /// A hosted service's factory (or one of its dependencies' factories) panicked while the
    /// hosted services were resolved.
    #[error("resolving the hosted services panicked: {message}")]
    ResolvePanicked {
        /// The panic message (`"<non-string panic payload>"` if it was not a string).
        message: String,
    },
    /// A start hook of a hosted service returned an error.
    #[error("hosted service `{service}` failed in `{hook}`")]
    Start {
        /// The service's name.
        service: String,
        /// The failing hook.
        hook: LifecycleHook,
        /// What it returned.
        #[source]
        source: BoxError,
    },
    /// Startup took longer than [`HostOptions::startup_timeout`](crate::HostOptions).
    #[error("startup timed out after {timeout:?} in `{hook}` of hosted service `{service}`")]
    StartTimeout {
        /// The service that was starting.
        service: String,
        /// The hook that did not finish.
        hook: LifecycleHook,
        /// The configured startup timeout.
        timeout: Duration,
    },
    /// A background service's `execute` returned an error.
    #[error("background service `{service}` failed")]
    WorkerFailed {
        /// The worker's name.
        service: String,
        /// What `execute` returned.
        #[source]
        source: BoxError,
    },
    /// A background service's `execute` panicked.
    #[error("background service `{service}` panicked: {message}")]
    WorkerPanicked {
        /// The worker's name.
        service: String,
        /// The panic message (`"<non-string panic payload>"` if it was not a string).
        message: String,
    },
    /// A stop hook of a hosted service returned an error.
    #[error("hosted service `{service}` failed in `{hook}`")]
    Stop {
        /// The service's name.
        service: String,
        /// The failing hook.
        hook: LifecycleHook,
        /// What it returned.
        #[source]
        source: BoxError,
    },
    /// Disposing the service provider panicked (in a singleton's `dispose`); the other
    /// singletons were still disposed.
    #[error("disposing the service provider panicked: {message}")]
    DisposePanicked {
        /// The first panic message (`"<non-string panic payload>"` if it was not a string).
        message: String,
    },
    /// The shutdown deadline passed; the listed services were abandoned or aborted. A disposal
    /// of the service provider cut at the deadline is listed as `di_core::ServiceProvider`.
    #[error(
        "the shutdown deadline of {timeout:?} passed; still running: {}",
        Names(still_running)
    )]
    DeadlineExceeded {
        /// The configured shutdown timeout.
        timeout: Duration,
        /// The services still running at the deadline, in stop order.
        still_running: Vec<String>,
    },
}

struct Names<'a>(&'a [String]);

impl fmt::Display for Names<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{name}`")?;
        }
        Ok(())
    }
}

/// Why a host run did not end cleanly: every failure, in the order it happened.
///
/// The `Display` output lists each failure with its causes, so `source()` is `None`. `Debug`
/// prints the same text (and the structure with `{:#?}`), so `main` can also return
/// `Result<(), HostError>` directly — with exit code 1 for every failure; use
/// [`IntoExitCode`](crate::IntoExitCode) for the distinct deadline code.
///
/// # Examples
///
/// ```
/// use di_hosting::{HostError, HostFailure};
///
/// let error = HostError::new(vec![HostFailure::WorkerPanicked {
///     service: "app::Worker".into(),
///     message: "boom".into(),
/// }]);
/// assert_eq!(error.failures().len(), 1);
/// assert_eq!(error.exit_code(), 1);
/// assert!(error.to_string().contains("panicked: boom"));
/// ```
pub struct HostError {
    failures: Vec<HostFailure>,
}

impl HostError {
    /// The exit code for failures (`1`).
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::{HostError, HostFailure};
    /// let error = HostError::new(vec![HostFailure::WorkerFailed {
    ///     service: "worker".into(),
    ///     source: "boom".into(),
    /// }]);
    /// assert_eq!(error.exit_code(), HostError::EXIT_FAILURE);
    /// ```
    pub const EXIT_FAILURE: u8 = 1;
    /// The exit code when the shutdown deadline was missed (`2`).
    ///
    /// # Examples
    ///
    /// ```
    /// use di_hosting::{HostError, HostFailure};
    /// let error = HostError::new(vec![HostFailure::DeadlineExceeded {
    ///     timeout: std::time::Duration::from_secs(30),
    ///     still_running: vec!["worker".into()],
    /// }]);
    /// assert_eq!(error.exit_code(), HostError::EXIT_DEADLINE);
    /// ```
    pub const EXIT_DEADLINE: u8 = 2;

    /// Wraps a list of failures.
    ///
    /// # Examples
    ///
    /// ```
    /// let error = di_hosting::HostError::new(Vec::new());
    /// assert!(error.failures().is_empty());
    /// ```
    pub fn new(failures: Vec<HostFailure>) -> Self {
        Self { failures }
    }

    /// Every failure, in the order it happened.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use di_hosting::{HostError, HostFailure};
    ///
    /// let error = HostError::new(vec![HostFailure::DeadlineExceeded {
    ///     timeout: Duration::from_secs(30),
    ///     still_running: vec!["app::Stuck".into()],
    /// }]);
    /// assert!(matches!(error.failures()[0], HostFailure::DeadlineExceeded { .. }));
    /// ```
    pub fn failures(&self) -> &[HostFailure] {
        &self.failures
    }

    /// Consumes the error, returning its failures.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(di_hosting::HostError::new(Vec::new()).into_failures().is_empty());
    /// ```
    pub fn into_failures(self) -> Vec<HostFailure> {
        self.failures
    }

    /// Whether the shutdown deadline was missed.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!di_hosting::HostError::new(Vec::new()).deadline_exceeded());
    /// ```
    pub fn deadline_exceeded(&self) -> bool {
        self.failures
            .iter()
            .any(|failure| matches!(failure, HostFailure::DeadlineExceeded { .. }))
    }

    /// The process exit code: [`EXIT_DEADLINE`](Self::EXIT_DEADLINE) (2) when the shutdown
    /// deadline was missed, otherwise [`EXIT_FAILURE`](Self::EXIT_FAILURE) (1). Never 0.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use di_hosting::{HostError, HostFailure};
    ///
    /// let error = HostError::new(vec![HostFailure::DeadlineExceeded {
    ///     timeout: Duration::from_secs(1),
    ///     still_running: vec![],
    /// }]);
    /// assert_eq!(error.exit_code(), 2);
    /// ```
    pub fn exit_code(&self) -> u8 {
        if self.deadline_exceeded() {
            Self::EXIT_DEADLINE
        } else {
            Self::EXIT_FAILURE
        }
    }
}

impl From<HostFailure> for HostError {
    fn from(failure: HostFailure) -> Self {
        Self::new(vec![failure])
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.failures.len();
        write!(
            f,
            "the host failed ({count} failure{})",
            if count == 1 { "" } else { "s" }
        )?;
        for (i, failure) in self.failures.iter().enumerate() {
            let mut text = failure.to_string();
            let mut source = failure.source();
            while let Some(cause) = source {
                write!(text, ": {cause}")?;
                source = cause.source();
            }
            write!(f, "\n  {}. ", i + 1)?;
            write_nested(f, &text)?;
        }
        Ok(())
    }
}

/// Writes one failure's text as a list item: its first line as is, every further line (a build
/// error's problems, say) indented under it, and a cause's own numbering (`2. `) turned into a
/// bullet (`- `), so that only the host's failures are numbered.
fn write_nested(f: &mut fmt::Formatter<'_>, text: &str) -> fmt::Result {
    let mut lines = text.split('\n');
    f.write_str(lines.next().unwrap_or_default())?;
    for line in lines {
        let content = line.trim_start();
        let bullet = content
            .split_once(". ")
            .filter(|(number, _)| !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
            .map(|(_, rest)| rest);
        match bullet {
            Some(rest) => write!(f, "\n     - {rest}")?,
            None => write!(f, "\n     {line}")?,
        }
    }
    Ok(())
}

impl fmt::Debug for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.debug_struct("HostError")
                .field("failures", &self.failures)
                .finish()
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

impl std::error::Error for HostError {}
