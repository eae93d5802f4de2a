//! Listening for the termination signals of one host (SIGINT, SIGTERM, SIGQUIT on Unix; Ctrl+C
//! elsewhere). Each host owns its listeners: there is no process-global state.

use std::fmt;
use std::io;

use tracing::error;

/// A termination signal the host reacts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    Interrupt,
    #[cfg_attr(not(unix), expect(dead_code, reason = "SIGTERM exists only on Unix"))]
    Terminate,
    #[cfg_attr(not(unix), expect(dead_code, reason = "SIGQUIT exists only on Unix"))]
    Quit,
}

impl Signal {
    /// The conventional exit code of a process ended by this signal: 128 + its number.
    pub(crate) fn exit_code(self) -> i32 {
        match self {
            Self::Interrupt => 130,
            Self::Terminate => 143,
            Self::Quit => 131,
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Interrupt => "SIGINT",
            Self::Terminate => "SIGTERM",
            Self::Quit => "SIGQUIT",
        })
    }
}

/// The signal listeners of one host.
#[derive(Debug)]
pub(crate) struct Signals {
    #[cfg(unix)]
    streams: [(Signal, tokio::signal::unix::Signal); 3],
}

impl Signals {
    /// Installs the listeners.
    ///
    /// # Errors
    ///
    /// When the operating system refuses a signal handler.
    pub(crate) fn new() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                streams: [
                    (Signal::Interrupt, signal(SignalKind::interrupt())?),
                    (Signal::Terminate, signal(SignalKind::terminate())?),
                    (Signal::Quit, signal(SignalKind::quit())?),
                ],
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for the next signal.
    pub(crate) async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            let [(a, sa), (b, sb), (c, sc)] = &mut self.streams;
            tokio::select! {
                Some(()) = sa.recv() => *a,
                Some(()) = sb.recv() => *b,
                Some(()) = sc.recv() => *c,
                else => std::future::pending().await,
            }
        }
        #[cfg(not(unix))]
        {
            match tokio::signal::ctrl_c().await {
                Ok(()) => Signal::Interrupt,
                Err(_) => std::future::pending().await,
            }
        }
    }
}

/// Waits for a signal if there are listeners, forever otherwise.
pub(crate) async fn next_signal(signals: &mut Option<Signals>) -> Signal {
    match signals {
        Some(signals) => signals.recv().await,
        None => std::future::pending().await,
    }
}

/// Exits the process at once with the signal's exit code: a signal arrived while the host was
/// already stopping.
pub(crate) fn exit_at_once(signal: Signal) -> ! {
    error!(%signal, "second signal received during the stop; exiting at once");
    std::process::exit(signal.exit_code())
}

#[cfg(test)]
mod tests {
    use super::Signal;

    #[test]
    fn each_signal_exits_with_128_plus_its_number_and_displays_its_name() {
        let seen: Vec<(String, i32)> = [Signal::Interrupt, Signal::Terminate, Signal::Quit]
            .into_iter()
            .map(|signal| (signal.to_string(), signal.exit_code()))
            .collect();
        assert_eq!(
            seen,
            [
                ("SIGINT".to_owned(), 130),
                ("SIGTERM".to_owned(), 143),
                ("SIGQUIT".to_owned(), 131)
            ]
        );
    }
}
