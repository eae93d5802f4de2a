//! The rules that refuse settings which parse but cannot work, one validator each, so that the
//! host reports every broken rule at once, each with its key, value and source.

use std::time::Duration;

use di_hosting::ValidationError;

use crate::config::settings::JobsConfig;

/// One rule: `Err` names the offending key (relative to the root) and why it cannot work.
pub(crate) type Rule = fn(&JobsConfig) -> Result<(), ValidationError>;

/// Every rule, in the order their problems are reported.
pub(crate) const RULES: [Rule; 7] = [
    batch_size,
    concurrency,
    poll_interval,
    renew_interval,
    database_busy,
    lease,
    backoff_max,
];

fn at_least_one(key: &str, is_zero: bool, reason: &str) -> Result<(), ValidationError> {
    if is_zero {
        Err(ValidationError::field(
            key,
            format!("{reason}; use 1 or more"),
        ))
    } else {
        Ok(())
    }
}

fn batch_size(config: &JobsConfig) -> Result<(), ValidationError> {
    at_least_one(
        "worker.batch_size",
        config.batch_size == 0,
        "a claim of no jobs never processes anything",
    )
}

fn concurrency(config: &JobsConfig) -> Result<(), ValidationError> {
    at_least_one(
        "worker.concurrency",
        config.concurrency == 0,
        "no slot to run a job in",
    )
}

fn poll_interval(config: &JobsConfig) -> Result<(), ValidationError> {
    at_least_one(
        "worker.poll_ms",
        config.poll_interval.is_zero(),
        "an idle worker would poll the database without pause",
    )
}

/// A zero renewal interval derived from a zero lease is the lease's problem, reported once.
fn renew_interval(config: &JobsConfig) -> Result<(), ValidationError> {
    at_least_one(
        "worker.renew_ms",
        config.renew_interval.is_zero() && !config.lease.is_zero(),
        "leases would be renewed without pause",
    )
}

fn database_busy(config: &JobsConfig) -> Result<(), ValidationError> {
    at_least_one(
        "database.busy_ms",
        config.db_busy.is_zero(),
        "every write would fail while another one runs",
    )
}

fn lease(config: &JobsConfig) -> Result<(), ValidationError> {
    if config.lease.is_zero() {
        return at_least_one("worker.lease_ms", true, "a lease of 0 ms expires at once");
    }
    if !config.renew_interval.is_zero() && config.lease <= config.renew_interval {
        return Err(ValidationError::field(
            "worker.lease_ms",
            format!(
                "the lease would expire before it is renewed every {} ms (`worker.renew_ms`); \
                 make the lease longer than the renewal interval",
                ms(config.renew_interval)
            ),
        ));
    }
    Ok(())
}

fn backoff_max(config: &JobsConfig) -> Result<(), ValidationError> {
    if config.backoff_max < config.backoff_base {
        return Err(ValidationError::field(
            "worker.backoff_max_ms",
            format!(
                "the longest retry delay is shorter than the first one, {} ms \
                 (`worker.backoff_ms`)",
                ms(config.backoff_base)
            ),
        ));
    }
    Ok(())
}

fn ms(duration: Duration) -> u128 {
    duration.as_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of every broken rule, in report order.
    fn rejected(config: &JobsConfig) -> Vec<String> {
        RULES
            .iter()
            .filter_map(|rule| rule(config).err())
            .map(|error| error.key().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn the_defaults_can_work() {
        assert_eq!(rejected(&JobsConfig::default()), Vec::<String>::new());
    }

    #[test]
    fn every_unworkable_setting_is_reported_at_once_in_order() {
        let config = JobsConfig {
            batch_size: 0,
            concurrency: 0,
            poll_interval: Duration::ZERO,
            lease: Duration::from_millis(500),
            renew_interval: Duration::from_millis(500),
            backoff_base: Duration::from_millis(2000),
            backoff_max: Duration::from_millis(1000),
            ..JobsConfig::default()
        };

        assert_eq!(
            rejected(&config),
            vec![
                "worker.batch_size",
                "worker.concurrency",
                "worker.poll_ms",
                "worker.lease_ms",
                "worker.backoff_max_ms",
            ]
        );
    }

    #[test]
    fn the_longest_retry_delay_may_equal_the_first_and_a_shorter_one_names_it() {
        let config = |max| JobsConfig {
            backoff_base: Duration::from_millis(2000),
            backoff_max: Duration::from_millis(max),
            ..JobsConfig::default()
        };

        assert_eq!(rejected(&config(2000)), Vec::<String>::new());
        let error = backoff_max(&config(1999)).expect_err("shorter than the first delay");
        assert!(
            error.to_string().contains("the first one, 2000 ms"),
            "{error}"
        );
    }

    #[test]
    fn a_zero_lease_is_reported_once_as_the_lease() {
        let config = JobsConfig {
            lease: Duration::ZERO,
            renew_interval: Duration::ZERO,
            ..JobsConfig::default()
        };

        assert_eq!(rejected(&config), vec!["worker.lease_ms"]);
    }

    #[test]
    fn a_zero_database_wait_and_renewal_are_refused_with_the_fix() {
        let config = JobsConfig {
            db_busy: Duration::ZERO,
            renew_interval: Duration::ZERO,
            ..JobsConfig::default()
        };

        let messages: Vec<String> = RULES
            .iter()
            .filter_map(|rule| rule(&config).err())
            .map(|error| format!("{}: {error}", error.key().unwrap_or_default()))
            .collect();

        assert_eq!(
            messages,
            vec![
                "worker.renew_ms: leases would be renewed without pause; use 1 or more",
                "database.busy_ms: every write would fail while another one runs; use 1 or more",
            ]
        );
    }
}
