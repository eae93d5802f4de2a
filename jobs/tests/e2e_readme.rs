//! The README's "Try it" lines, run with the real `curl` against the real binary: each output
//! must (eventually, as jobs run) equal the JSON in the comment below its line, where `"…"`
//! matches any value and an object may be abbreviated (the keys it shows must match, keys it
//! leaves out are not checked). Skipped, with a note, where `curl` is not installed.

mod common;

use std::process::Command;

use common::Workspace;
use serde_json::Value;
use tokio::time::{Instant, sleep};

/// The README's "Try it" block, read from the README itself so that the two cannot drift.
fn try_it() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("the workspace README");
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

/// Whether `actual` equals `expected`, where the string `"…"` in `expected` matches anything
/// and an object of `expected` may leave keys of `actual` out.
fn matches(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::String(wildcard), _) if wildcard == "…" => true,
        (Value::Object(expected), Value::Object(actual)) => expected
            .iter()
            .all(|(key, value)| actual.get(key).is_some_and(|other| matches(value, other))),
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len()
                && expected.iter().zip(actual).all(|(e, a)| matches(e, a))
        }
        _ => expected == actual,
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
            if matches(expected, &actual) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{line}\nexpected {expected}\nactual   {actual}"
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
