//! What can go wrong while installing or running the reminder service, in
//! the user's words, with the cause kept as the error's source.

use std::path::PathBuf;

use crate::util::io_reason;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The path of the running program is unknown.
    #[error("cannot find nocturne itself: {}", io_reason(.0))]
    NoExe(#[source] std::io::Error),
    #[error("cannot find your home folder")]
    NoHome,
    #[error("cannot write {}: {}", path.display(), io_reason(source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot remove {}: {}", path.display(), io_reason(source))]
    Remove {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A program (a service manager, a terminal) could not be started.
    #[error("{program}: {}", io_reason(source))]
    Launch {
        program: String,
        source: std::io::Error,
    },
    /// A service manager's command ran and failed; `said` is what it wrote
    /// to its stderr.
    #[error("`{command}` failed: {said}")]
    Refused { command: String, said: String },
    /// Installed, but nothing will start the service; `by_hand` are the
    /// commands that would.
    #[error(
        "the reminder service was not enabled: {source}\n\
         To enable it by hand, run:\n{}\n\
         or, for this session only, keep this running:\n  {exe} remind daemon",
        by_hand.iter().map(|c| format!("  {c}")).collect::<Vec<_>>().join("\n")
    )]
    NotEnabled {
        source: Box<Error>,
        by_hand: Vec<String>,
        exe: String,
    },
    #[error("cannot take the service's lock {}: {}", path.display(), io_reason(source))]
    Lock {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Another service holds the lock; `pid` is the process it names.
    #[error(
        "the reminder service is already running{}; only one runs at a time",
        pid.as_ref().map(|pid| format!(" (process {pid})")).unwrap_or_default()
    )]
    Running { pid: Option<String> },
    #[error("no terminal was found; set `terminal` in the settings")]
    NoTerminal,
    /// The settings' path has no folder or no file name to watch.
    #[error("the settings have no {0}")]
    Unwatchable(&'static str),
    #[error("{}", io_reason(.0))]
    WatchFolder(#[source] std::io::Error),
    #[error("{}", watch_words(.0))]
    Watch(#[source] notify::Error),
}

/// A watch failure in the user's words.
fn watch_words(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::Io(io) => io_reason(io),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_not_enabled_says_how_to_start_it_by_hand() {
        let refused = Error::Refused {
            command: "systemctl --user daemon-reload".to_owned(),
            said: "no bus".to_owned(),
        };
        let error = Error::NotEnabled {
            source: Box::new(refused),
            by_hand: vec![
                "systemctl --user daemon-reload".to_owned(),
                "systemctl --user enable --now x.service".to_owned(),
            ],
            exe: "/bin/nocturne".to_owned(),
        };
        assert_eq!(
            error.to_string(),
            "the reminder service was not enabled: `systemctl --user daemon-reload` failed: \
             no bus\nTo enable it by hand, run:\n  systemctl --user daemon-reload\n  \
             systemctl --user enable --now x.service\nor, for this session only, keep this \
             running:\n  /bin/nocturne remind daemon"
        );
    }

    #[test]
    fn a_lock_held_by_an_unnamed_process_names_none() {
        assert_eq!(
            Error::Running { pid: None }.to_string(),
            "the reminder service is already running; only one runs at a time"
        );
        assert_eq!(
            Error::Running {
                pid: Some("42".to_owned())
            }
            .to_string(),
            "the reminder service is already running (process 42); only one runs at a time"
        );
    }
}
