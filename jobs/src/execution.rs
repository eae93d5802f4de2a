//! [`Execution`]: one run of a job, as its history shows it.

use serde::Serialize;

/// How an execution ended (or that it is still running).
///
/// # Examples
///
/// ```
/// use jobs::ExecutionOutcome;
///
/// assert_eq!("lost_lease".parse::<ExecutionOutcome>(), Ok(ExecutionOutcome::LostLease));
/// assert_eq!(serde_json::to_value(ExecutionOutcome::Running)?, "running");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExecutionOutcome {
    /// Started and not finished (yet, or its worker died and nobody took the job over).
    Running,
    /// Finished with a result: the job's one recorded completion.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Given back unfinished because its worker stopped.
    Released,
    /// Its lease expired and the job was taken over (or it tried to finish after that): its
    /// outcome, if any, was not recorded — fenced out.
    LostLease,
}

impl std::str::FromStr for ExecutionOutcome {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "running" => Ok(ExecutionOutcome::Running),
            "succeeded" => Ok(ExecutionOutcome::Succeeded),
            "failed" => Ok(ExecutionOutcome::Failed),
            "released" => Ok(ExecutionOutcome::Released),
            "lost_lease" => Ok(ExecutionOutcome::LostLease),
            _ => Err(format!("unknown execution outcome `{name}`")),
        }
    }
}

/// One execution of a job: every start is recorded, so a job that ran twice (a lost lease)
/// shows two.
///
/// # Examples
///
/// ```
/// use jobs::{Execution, ExecutionOutcome};
///
/// let execution = Execution {
///     attempt: 1,
///     owner: "worker-1".into(),
///     token: "00000000000000ff".into(),
///     started_at: 1_000,
///     ended_at: Some(1_005),
///     outcome: ExecutionOutcome::Succeeded,
///     error: None,
/// };
/// assert_eq!(serde_json::to_value(&execution)?["outcome"], "succeeded");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Execution {
    /// The attempt number it ran as (a released execution's number is used again).
    pub attempt: u32,
    /// The worker that ran it (its lease owner).
    pub owner: String,
    /// Its fencing token, 16 hex digits.
    pub token: String,
    /// When it started (Unix ms).
    pub started_at: i64,
    /// When it ended (Unix ms), if it did.
    pub ended_at: Option<i64>,
    /// How it ended.
    pub outcome: ExecutionOutcome,
    /// The error of a failed execution.
    pub error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_outcome_parses_from_the_name_it_is_stored_and_served_as() {
        use ExecutionOutcome::{Failed, LostLease, Released, Running, Succeeded};
        for outcome in [Running, Succeeded, Failed, Released, LostLease] {
            let name = serde_json::to_value(outcome).expect("serializes");
            let name = name.as_str().expect("a string");
            assert_eq!(name.parse::<ExecutionOutcome>(), Ok(outcome));
        }
        assert_eq!(
            "finished".parse::<ExecutionOutcome>(),
            Err("unknown execution outcome `finished`".to_owned())
        );
    }
}
