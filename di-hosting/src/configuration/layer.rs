//! [`Layer`]: one configuration source as a figment provider, tagged with our own metadata so
//! every value can be traced back to its [`ValueSource`].

use std::path::{Path, PathBuf};

use figment::value::{Dict, Map, Value};
use figment::{Metadata, Profile, Provider};

use crate::configuration::ValueSource;

/// The metadata name of the defaults layer.
pub(crate) const DEFAULTS: &str = "defaults in code";
/// The metadata name of a file layer (its source is the path).
pub(crate) const FILE: &str = "file";
/// The metadata name of the environment layer.
pub(crate) const ENVIRONMENT: &str = "environment variables";
/// The metadata name of the command-line layer.
pub(crate) const COMMAND_LINE: &str = "command line";

/// One layer of the configuration: a dictionary and where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    name: &'static str,
    file: Option<PathBuf>,
    dict: Dict,
}

impl Layer {
    /// A layer that is not a file (defaults, environment, command line).
    pub(crate) fn named(name: &'static str, dict: Dict) -> Self {
        Self {
            name,
            file: None,
            dict,
        }
    }

    /// A file's layer.
    pub(crate) fn file(path: &Path, dict: Dict) -> Self {
        Self {
            name: FILE,
            file: Some(path.to_owned()),
            dict,
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        match &self.file {
            Some(path) => Metadata::from(self.name, path.as_path()),
            None => Metadata::named(self.name),
        }
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Map::from([(Profile::Default, self.dict.clone())]))
    }
}

/// A layer's entries before they are nested: dotted key, value and where it came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entries {
    entries: Vec<(String, Value, ValueSource)>,
}

impl Entries {
    /// Adds (or, when the key repeats, overrides) an entry.
    pub(crate) fn push(&mut self, key: String, value: Value, origin: ValueSource) {
        self.entries.push((key, value, origin));
    }

    /// The value of `key`, the last one given.
    pub(crate) fn get(&self, key: &str) -> Option<&Value> {
        self.entries
            .iter()
            .rev()
            .find(|(entry, _, _)| entry == key)
            .map(|(_, value, _)| value)
    }

    /// The origin of `key`, the last one given.
    pub(crate) fn origin(&self, key: &str) -> Option<&ValueSource> {
        self.entries
            .iter()
            .rev()
            .find(|(entry, _, _)| entry == key)
            .map(|(_, _, origin)| origin)
    }

    /// The entries as one nested dictionary (later entries win).
    pub(crate) fn to_dict(&self) -> Dict {
        let mut dict = Dict::new();
        for (key, value, _) in &self.entries {
            let path: Vec<&str> = key.split('.').collect();
            insert(&mut dict, &path, value.clone());
        }
        dict
    }
}

fn insert(dict: &mut Dict, path: &[&str], value: Value) {
    match path {
        [] => {}
        [last] => {
            dict.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let child = dict
                .entry((*first).to_owned())
                .or_insert_with(|| Value::from(Dict::new()));
            if !matches!(child, Value::Dict(..)) {
                *child = Value::from(Dict::new());
            }
            if let Value::Dict(_, child) = child {
                insert(child, rest, value);
            }
        }
    }
}

/// The dotted configuration key of an environment variable, when it carries `prefix`:
/// `JOBS_WORKER__BATCH_SIZE` with prefix `JOBS` is `worker.batch_size`. Matching ignores case.
pub(crate) fn key_of_variable(prefix: &str, name: &str) -> Option<String> {
    let head = name.get(..prefix.len())?;
    let rest = name.get(prefix.len()..)?.strip_prefix('_')?;
    if !head.eq_ignore_ascii_case(prefix) || rest.is_empty() {
        return None;
    }
    let segments: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
    if segments.iter().any(String::is_empty) {
        return None;
    }
    Some(segments.join("."))
}

/// The environment variable that sets `key`: `worker.batch_size` → `JOBS_WORKER__BATCH_SIZE`.
pub(crate) fn variable_of_key(prefix: &str, key: &str) -> String {
    format!(
        "{}_{}",
        prefix.to_ascii_uppercase(),
        key.replace('.', "__").to_ascii_uppercase()
    )
}

/// How a value is shown in an error: strings quoted, scalars as written, tables by kind.
pub(crate) fn display_value(value: &Value) -> String {
    use figment::error::Actual;
    match value {
        Value::String(_, text) => format!("{text:?}"),
        Value::Char(_, c) => format!("{c:?}"),
        Value::Bool(_, b) => b.to_string(),
        Value::Num(_, number) => match number.to_actual() {
            Actual::Unsigned(n) => n.to_string(),
            Actual::Signed(n) => n.to_string(),
            Actual::Float(n) => n.to_string(),
            other => other.to_string(),
        },
        Value::Empty(..) => "nothing".to_owned(),
        Value::Dict(..) => "a table".to_owned(),
        Value::Array(..) => "an array".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_map_to_keys_with_double_underscore_as_separator() {
        assert_eq!(
            key_of_variable("JOBS", "JOBS_WORKER__BATCH_SIZE").as_deref(),
            Some("worker.batch_size")
        );
        assert_eq!(
            key_of_variable("jobs", "JOBS_LISTEN").as_deref(),
            Some("listen")
        );
        assert_eq!(key_of_variable("JOBS", "JOBSX_LISTEN"), None);
        assert_eq!(key_of_variable("JOBS", "JOBS_"), None);
        assert_eq!(key_of_variable("JOBS", "JOBS_A____B"), None);
        assert_eq!(key_of_variable("JOBS", "PATH"), None);
    }

    #[test]
    fn keys_map_back_to_their_variable() {
        assert_eq!(
            variable_of_key("jobs", "worker.batch_size"),
            "JOBS_WORKER__BATCH_SIZE"
        );
    }

    #[test]
    fn later_entries_override_earlier_ones_and_nest_by_dots() {
        let mut entries = Entries::default();
        entries.push("a.b".into(), Value::from(1), ValueSource::Default);
        entries.push("a.c".into(), Value::from(2), ValueSource::Default);
        entries.push("a.b".into(), Value::from(3), ValueSource::Default);

        let dict = Value::from(entries.to_dict());

        assert_eq!(dict.find_ref("a.b"), Some(&Value::from(3)));
        assert_eq!(dict.find_ref("a.c"), Some(&Value::from(2)));
    }
}
