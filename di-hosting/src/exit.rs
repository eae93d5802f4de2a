//! Turning a host's result into a process exit code.

use std::process::ExitCode;

use crate::error::HostError;

/// Converts a host's result into a process exit code: 0 for a clean stop, 1 for failures, 2
/// when the shutdown deadline was missed.
///
/// On failure the error (every failure with its causes) is printed to stderr, as `main`
/// returning an `Err` would.
///
/// # Examples
///
/// ```no_run
/// use std::process::ExitCode;
/// use di_hosting::{Host, IntoExitCode};
///
/// #[tokio::main]
/// async fn main() -> ExitCode {
///     Host::builder()
///         .configure_services(|_services| {})
///         .run()
///         .await
///         .into_exit_code()
/// }
/// ```
pub trait IntoExitCode {
    /// The exit code for this result.
    fn into_exit_code(self) -> ExitCode;
}

impl IntoExitCode for Result<(), HostError> {
    fn into_exit_code(self) -> ExitCode {
        match self {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => error.into_exit_code(),
        }
    }
}

impl IntoExitCode for HostError {
    fn into_exit_code(self) -> ExitCode {
        eprintln!("Error: {self}");
        ExitCode::from(self.exit_code())
    }
}

impl From<HostError> for ExitCode {
    /// [`HostError::exit_code`] as an `ExitCode`, without printing.
    fn from(error: HostError) -> Self {
        ExitCode::from(error.exit_code())
    }
}
