//! Fuzzed configuration input: random bytes and near-TOML `appsettings.toml` files, and random
//! environment values, for a typed options section with numbers, a bool, a string and a nested
//! table. The build never panics; it succeeds with exactly the values given, or fails with
//! configuration problems only, each naming the key and where its value came from (the file or
//! the variable).
//!
//! Fixed case counts keep CI bounded in time; failures found are kept in
//! `tests/proptest-regressions/config_fuzz.txt` and replayed first.

use std::cell::Cell;
use std::path::Path;

use di_hosting::{ConfigurationError, Host, HostBuilder, HostError, HostFailure};
use figment::providers::{Format, Toml};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use serde::Deserialize;

#[derive(Debug, Deserialize, PartialEq)]
struct Worker {
    batch_size: u32,
    enabled: bool,
    #[serde(default)]
    name: String,
    retry: Retry,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Retry {
    max_ms: u64,
    factor: i32,
}

/// The inputs of each fuzzer per run (about 2 s each in a debug build).
const CASES: u32 = 1000;

/// A valid file; the fuzzer damages it.
const VALID: &str = "[worker]\nbatch_size = 8\nenabled = true\nname = \"w\"\n\n\
                     [worker.retry]\nmax_ms = 1000\nfactor = -2\n";

/// The keys of `Worker`, with their variables.
const KEYS: [(&str, &str); 5] = [
    ("worker.batch_size", "APP_WORKER__BATCH_SIZE"),
    ("worker.enabled", "APP_WORKER__ENABLED"),
    ("worker.name", "APP_WORKER__NAME"),
    ("worker.retry.max_ms", "APP_WORKER__RETRY__MAX_MS"),
    ("worker.retry.factor", "APP_WORKER__RETRY__FACTOR"),
];

/// Runs `check` on `CASES` inputs of `strategy` (failures kept in the regression file); `check`
/// returns whether the host was built. Both outcomes must occur, so that both are checked.
fn fuzz<S: Strategy>(strategy: S, check: impl Fn(S::Value) -> Result<bool, TestCaseError>) {
    let config = Config {
        cases: CASES,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/config_fuzz.txt",
        ))),
        ..Config::default()
    };
    let outcomes = Cell::new((0_u32, 0_u32));
    let result = TestRunner::new(config).run(&strategy, |input| {
        let (built, refused) = outcomes.get();
        outcomes.set(match check(input)? {
            true => (built + 1, refused),
            false => (built, refused + 1),
        });
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    let (built, refused) = outcomes.get();
    assert!(built > 0 && refused > 0, "{built} built, {refused} refused");
}

fn builder(directory: &Path, variables: Vec<(String, String)>) -> HostBuilder {
    let directory = directory.to_owned();
    Host::builder()
        .configure_options(|options| options.handle_signals = false)
        .configure_configuration(move |configuration| {
            configuration
                .content_root(directory)
                .env_prefix("APP")
                .environment_variables(variables)
                .reload_on_change(false);
        })
        .add_options::<Worker>("worker")
}

/// Builds on a current-thread runtime; the bound `Worker`, or the configuration problems.
fn build(directory: &Path, variables: Vec<(String, String)>) -> Result<Worker, Vec<String>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let built: Result<_, HostError> = runtime.block_on(builder(directory, variables).build());
    match built {
        Ok(host) => {
            let worker = host.provider().get::<Worker>().expect("bound");
            Ok(Worker {
                name: worker.name.clone(),
                retry: Retry { ..worker.retry },
                ..*worker
            })
        }
        Err(error) => Err(error
            .failures()
            .iter()
            .map(|failure| match failure {
                HostFailure::Configuration(problem) => describe(problem),
                other => format!("NOT A CONFIGURATION PROBLEM: {other}"),
            })
            .collect()),
    }
}

/// The problem's message, prefixed by its kind.
fn describe(problem: &ConfigurationError) -> String {
    let kind = match problem {
        ConfigurationError::File { .. } => "file",
        ConfigurationError::InvalidValue { .. } => "invalid",
        ConfigurationError::Missing { .. } => "missing",
        _ => "other",
    };
    format!("{kind}: {problem}")
}

/// Near-TOML: the valid file with a few damages (a byte inserted, removed or replaced, the text
/// truncated, a value swapped for another token); or random bytes.
fn file() -> impl Strategy<Value = Vec<u8>> {
    let token = select(vec![
        "\"8\"",
        "8.5",
        "-1",
        "99999999999999999999",
        "true",
        "yes",
        "[1]",
        "{}",
        "\"\"",
        "'",
        "\"\\u0000\"",
        "nan",
        "inf",
        "0x10",
        "1_000",
        "2024-01-01",
        "",
    ]);
    let damage = prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| (0, at, byte, "")),
        any::<Index>().prop_map(|at| (1, at, 0, "")),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| (2, at, byte, "")),
        any::<Index>().prop_map(|at| (3, at, 0, "")),
        (any::<Index>(), token).prop_map(|(at, token)| (4, at, 0, token)),
    ];
    let near = vec(damage, 1..4).prop_map(|damages| {
        let mut bytes = VALID.as_bytes().to_vec();
        for (kind, at, byte, token) in damages {
            let index = at.index(bytes.len() + 1);
            match kind {
                0 => bytes.insert(index, byte),
                1 if index < bytes.len() => drop(bytes.remove(index)),
                2 if index < bytes.len() => bytes[index] = byte,
                3 => bytes.truncate(index),
                4 => replace_value(&mut bytes, index, token),
                _ => {}
            }
        }
        bytes
    });
    prop_oneof![4 => near, 1 => vec(any::<u8>(), 0..200)]
}

/// Replaces the value of the `= value` line at or after `index` with `token`.
fn replace_value(bytes: &mut Vec<u8>, index: usize, token: &str) {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let start = index.min(text.len());
    let Some(equals) = text
        .char_indices()
        .map(|(at, _)| at)
        .find(|at| *at >= start && text[*at..].starts_with("= "))
    else {
        return;
    };
    let end = text[equals..]
        .find('\n')
        .map_or(text.len(), |end| equals + end);
    *bytes = format!("{}= {token}{}", &text[..equals], &text[end..]).into_bytes();
}

#[test]
fn fuzzed_settings_files_build_or_fail_naming_the_file_and_the_key() {
    fuzz(file(), |bytes| {
        let directory = tempfile::tempdir().expect("a temporary directory");
        let path = directory.path().join("appsettings.toml");
        std::fs::write(&path, &bytes).expect("written");
        let shown = path.display().to_string();
        let text = String::from_utf8_lossy(&bytes);
        let expected = std::str::from_utf8(&bytes)
            .map_err(|e| e.to_string())
            .and_then(direct);

        let built = build(directory.path(), Vec::new());
        let outcome = built.is_ok();
        match built {
            Ok(worker) => prop_assert_eq!(Ok(worker), expected, "{}", text),
            Err(problems) => {
                prop_assert!(expected.is_err(), "{problems:?}\nfor the file:\n{text}");
                prop_assert!(!problems.is_empty());
                // A file that cannot be read is the one problem: not also the keys it sets.
                let unread = problems.iter().any(|problem| problem.starts_with("file: "));
                prop_assert!(!unread || problems.len() == 1, "{problems:#?}");
                for problem in &problems {
                    let named = if problem.starts_with("file: ") {
                        problem.contains(&shown)
                    } else if problem.starts_with("invalid: ") {
                        problem.contains(&format!("file `{shown}`"))
                            && KEYS
                                .iter()
                                .any(|(key, _)| problem.contains(&format!("`{key}`")))
                    } else if problem.starts_with("missing: ") {
                        KEYS.iter()
                            .map(|(key, _)| *key)
                            .chain(["worker", "worker.retry"])
                            .any(|key| problem.contains(&format!("`{key}` is required")))
                    } else {
                        false
                    };
                    prop_assert!(named, "{problem}\nfor the file:\n{text}");
                }
            }
        }
        Ok(outcome)
    });
}

/// The file read by figment directly, without the host (the oracle); leniently, as the host
/// reads every layer (`batch_size = "8"` is 8).
fn direct(text: &str) -> Result<Worker, String> {
    figment::Figment::from(Toml::string(text))
        .extract_inner_lossy::<Worker>("worker")
        .map_err(|error| error.to_string())
}

/// A value for a variable: numbers in and out of range, bools in several spellings, and noise.
fn variable_value() -> impl Strategy<Value = String> {
    let known = select(vec![
        "8",
        "0",
        "-1",
        "4294967295",
        "4294967296",
        "18446744073709551616",
        "2147483648",
        "-2147483649",
        "8.0",
        "1e3",
        " 8",
        "8 ",
        "+8",
        "0x10",
        "true",
        "false",
        "TRUE",
        "1",
        "yes",
        "on",
        "",
        "[1, 2]",
        "{a = 1}",
        "\"8\"",
        "nan",
    ])
    .prop_map(str::to_owned);
    prop_oneof![3 => known, 1 => ".{0,12}", 1 => any::<i64>().prop_map(|n| n.to_string())]
}

#[test]
fn fuzzed_environment_values_build_or_fail_naming_the_key_and_the_variable() {
    let directory = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(directory.path().join("appsettings.toml"), VALID).expect("written");
    let values = vec(prop::option::weighted(0.5, variable_value()), KEYS.len());
    fuzz(values, |values| {
        let variables: Vec<(String, String)> = KEYS
            .iter()
            .zip(&values)
            .filter_map(|((_, variable), value)| Some(((*variable).to_owned(), value.clone()?)))
            .collect();

        let built = build(directory.path(), variables.clone());
        let outcome = built.is_ok();
        match built {
            Ok(worker) => {
                let bound = [
                    worker.batch_size.to_string(),
                    worker.enabled.to_string(),
                    worker.name.clone(),
                    worker.retry.max_ms.to_string(),
                    worker.retry.factor.to_string(),
                ];
                for (((_, variable), value), bound) in KEYS.iter().zip(&values).zip(&bound) {
                    if let Some(value) = value {
                        prop_assert!(same(value, bound), "{variable}={value:?} bound as {bound}");
                    }
                }
            }
            Err(problems) => {
                for problem in &problems {
                    let named = problem.starts_with("invalid: ")
                        && KEYS.iter().zip(&values).any(|((key, variable), value)| {
                            value.is_some()
                                && problem.contains(&format!("`{key}`"))
                                && problem.contains(&format!("environment variable `{variable}`"))
                        });
                    prop_assert!(named, "{problem}\nfor {variables:?}");
                }
            }
        }
        Ok(outcome)
    });
}

/// Whether the variable's `value` is read as `bound`: the same text, or the same number or bool
/// spelt another way.
fn same(raw: &str, bound: &str) -> bool {
    let value = raw.trim().to_ascii_lowercase();
    let spellings: &[&str] = match bound {
        "true" => &["true", "1", "yes", "on"],
        "false" => &["false", "0", "no", "off"],
        _ => &[],
    };
    raw == bound
        || value
            .parse::<f64>()
            .is_ok_and(|number| bound.parse::<f64>() == Ok(number))
        || spellings.contains(&value.as_str())
}
