//! The README's "Try it" lines, run with the real `curl` against the real binary: each output
//! must (eventually, as jobs run) equal the JSON in the comment below its line, where `"…"`
//! matches any value. Objects are compared strictly: a documented key the response lacks fails,
//! and so does a key of the response the README leaves out. Skipped, with a note, where `curl`
//! is not installed. `JOBS_README` checks another copy of the README (a proposed edit).

mod common;

use std::process::Command;

use common::Workspace;
use serde_json::Value;
use tokio::time::{Instant, sleep};

/// The README's "Try it" block, read from the README itself so that the two cannot drift.
fn try_it() -> String {
    let path = std::env::var("JOBS_README")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md").to_owned());
    let readme = std::fs::read_to_string(&path).expect("the workspace README");
    let section = readme
        .split("### Try it")
        .nth(1)
        .expect("the README has a `### Try it` section");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the section starts with a sh block");
    assert!(block.contains("curl -s --json"), "{block}");
    block.to_owned()
}

/// Each `curl` line and the JSON its comment shows, if any.
fn examples() -> Vec<(String, Option<Value>)> {
    let mut examples: Vec<(String, String)> = Vec::new();
    for line in try_it().lines() {
        if line.starts_with("curl ") {
            examples.push((line.to_owned(), String::new()));
        } else if let (Some(comment), Some(last)) = (line.strip_prefix('#'), examples.last_mut()) {
            last.1.push_str(comment.trim());
        }
    }
    examples
        .into_iter()
        .map(|(line, comment)| (line, serde_json::from_str(&comment).ok()))
        .collect()
}

/// Where `actual` differs from `expected` (`None`: nowhere), the string `"…"` in `expected`
/// matching anything: the path of the first difference and what it is.
fn difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::String(wildcard), _) if wildcard == "…" => None,
        (Value::Object(expected), Value::Object(actual)) => {
            let missing = expected.keys().find(|key| !actual.contains_key(*key));
            let extra = actual.keys().find(|key| !expected.contains_key(*key));
            match (missing, extra) {
                (Some(key), _) => Some(format!("{path}.{key}: documented, but not answered")),
                (None, Some(key)) => Some(format!("{path}.{key}: answered, but not documented")),
                (None, None) => expected.iter().find_map(|(key, value)| {
                    difference(value, &actual[key], &format!("{path}.{key}"))
                }),
            }
        }
        (Value::Array(expected), Value::Array(actual)) if expected.len() == actual.len() => {
            expected
                .iter()
                .zip(actual)
                .enumerate()
                .find_map(|(at, (e, a))| difference(e, a, &format!("{path}[{at}]")))
        }
        _ if expected == actual => None,
        _ => Some(format!("{path}: documented {expected}, answered {actual}")),
    }
}

fn run(line: &str, base: &str) -> Value {
    let host = base.trim_start_matches("http://");
    let output = Command::new("sh")
        .args(["-c", &line.replace("localhost:8080", host)])
        .output()
        .expect("sh runs");
    assert!(output.status.success(), "{line}: {output:?}");
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("{line}: not JSON ({error}): {output:?}"))
}

#[tokio::test]
async fn the_readme_curl_lines_answer_what_the_readme_shows() {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("skipped: curl is not installed");
        return;
    }
    let mut workspace = Workspace::new();
    let app = workspace.start(&[]).await;
    let base = app.url("");

    for (line, expected) in examples() {
        let deadline = Instant::now() + common::WATCHDOG;
        loop {
            let actual = run(&line, &base);
            let Some(expected) = &expected else { break };
            let Some(difference) = difference(expected, &actual, "") else {
                break;
            };
            assert!(
                Instant::now() < deadline,
                "{line}\n{difference}\nexpected {expected}\nactual   {actual}"
            );
            sleep(std::time::Duration::from_millis(25)).await;
        }
    }
}

#[test]
fn every_documented_output_is_json() {
    let documented = examples().iter().filter(|(_, json)| json.is_some()).count();

    assert_eq!(documented, 9);
}

#[test]
fn the_matcher_refuses_missing_and_undocumented_keys_and_accepts_wildcards() {
    let documented = serde_json::json!({"id": 1, "owner": "…", "inner": {"a": [1, "…"]}});
    let answered = |value: Value| difference(&documented, &value, "");

    assert_eq!(
        answered(serde_json::json!({"id": 1, "owner": "w-1", "inner": {"a": [1, 2]}})),
        None
    );
    assert_eq!(
        answered(serde_json::json!({"id": 1, "inner": {"a": [1, 2]}})),
        Some(".owner: documented, but not answered".to_owned())
    );
    assert_eq!(
        answered(serde_json::json!({"id": 1, "owner": null, "inner": {"a": [1, 2], "b": 0}})),
        Some(".inner.b: answered, but not documented".to_owned())
    );
    assert_eq!(
        answered(serde_json::json!({"id": 2, "owner": "w", "inner": {"a": [1, 2]}})),
        Some(".id: documented 1, answered 2".to_owned())
    );
    assert!(answered(serde_json::json!({"id": 1, "owner": "w", "inner": {"a": [1]}})).is_some());
}
