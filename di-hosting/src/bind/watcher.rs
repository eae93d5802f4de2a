//! [`ConfigurationWatcher`]: reloads the configuration when a configuration file changes.
//!
//! The content root is watched (not the files), so a file created after the start, or replaced
//! by rename as editors do, is seen too. Reloads run on the watcher's own thread and touch no
//! lock that user code holds: each options type's reloader locks only its own last value.

use std::ffi::OsString;
use std::fmt;
use std::sync::Arc;

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};
use tracing::warn;

use crate::bind::binding::Reload;
use crate::configuration::Sources;

/// Keeps the file watcher alive; dropping it (with the provider) stops the reloads.
pub(crate) struct ConfigurationWatcher {
    _watcher: RecommendedWatcher,
}

impl ConfigurationWatcher {
    /// Starts watching the content root of `sources`; `None` (after a warning) when the
    /// platform's watcher cannot be started, since the host works without reloads.
    pub(crate) fn start(sources: Sources, reloaders: Vec<Arc<dyn Reload>>) -> Option<Self> {
        let root = sources.content_root()?.to_owned();
        let names: Vec<OsString> = sources
            .files()
            .iter()
            .filter_map(|path| path.file_name().map(ToOwned::to_owned))
            .collect();
        let handler = move |event: notify::Result<notify::Event>| match event {
            Ok(event) if concerns(&event, &names) => reload(&sources, &reloaders),
            Ok(_) => {}
            Err(error) => warn!(%error, "watching the configuration files failed"),
        };
        let started = notify::recommended_watcher(handler).and_then(|mut watcher| {
            watcher.watch(&root, RecursiveMode::NonRecursive)?;
            Ok(watcher)
        });
        match started {
            Ok(watcher) => Some(Self { _watcher: watcher }),
            Err(error) => {
                let root = root.display();
                warn!(%error, %root, "cannot watch the configuration files; options will not reload");
                None
            }
        }
    }
}

fn concerns(event: &notify::Event, names: &[OsString]) -> bool {
    !matches!(event.kind, EventKind::Access(_))
        && event.paths.iter().any(|path| {
            path.file_name()
                .is_some_and(|name| names.iter().any(|wanted| wanted == name))
        })
}

fn reload(sources: &crate::configuration::Sources, reloaders: &[Arc<dyn Reload>]) {
    let loaded = sources.load();
    if !loaded.problems.is_empty() {
        for problem in &loaded.problems {
            warn!(%problem, "the configuration changed but cannot be read; keeping the last good options");
        }
        return;
    }
    for reloader in reloaders {
        reloader.reload(&loaded.configuration);
    }
}

impl fmt::Debug for ConfigurationWatcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigurationWatcher")
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_watcher_debugs_as_its_name_only() {
        let directory = tempfile::tempdir().expect("a temporary directory");
        let sources = Sources::new(
            "Production".to_owned(),
            None,
            Some(directory.path().to_owned()),
            Default::default(),
            Vec::new(),
        );

        let watcher = ConfigurationWatcher::start(sources, Vec::new()).expect("inotify works");

        assert_eq!(format!("{watcher:?}"), "ConfigurationWatcher { .. }");
    }
}
