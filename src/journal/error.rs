//! What can go wrong with the journal, in the user's words, with the cause
//! kept as the error's source.

use std::path::PathBuf;

use rusqlite::ErrorCode;

use super::store::Entry;
use crate::util::io_reason;

/// How long a write waits for another nocturne that holds the journal.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "the journal {} is damaged or is not a nocturne journal ({source}); it was left as \
         it is: move it aside to start a new one",
        path.display()
    )]
    Damaged {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the journal {} cannot be written ({source}); it was left as it is", path.display())]
    ReadOnly {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the disk is full; the journal {} was left as it was", path.display())]
    DiskFull {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "the journal {} stayed busy with another nocturne for {} s; try again",
        path.display(),
        PATIENCE.as_secs()
    )]
    Busy {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("the journal {} could not be used: {source}", path.display())]
    Unusable {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot make the folder for the journal {}: {}", path.display(), io_reason(source))]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the journal {} was written by a newer nocturne (schema {found}, this one knows \
         {known}); it was left as it is",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// `journal delete` of an entry that is not there.
    #[error("the journal has no entry {0}; `nocturne journal` shows each entry's id")]
    NoEntry(Entry),
    /// An entry that went between being found and being deleted.
    #[error("the journal has no entry {0}")]
    Gone(Entry),
    /// A time for a cramp that cannot be read; the words say why.
    #[error("{0}")]
    When(String),
    /// An amount for a drink that cannot be read; the words say why.
    #[error("{0}")]
    Amount(String),
    /// A leg or muscle the journal does not know.
    #[error("`{word}` is not one of {}", known.join(", "))]
    UnknownWord {
        word: String,
        known: &'static [&'static str],
    },
    #[error("cannot write {}: {}; nothing the file held was changed", path.display(), io_reason(source))]
    Export {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl Error {
    /// An SQLite error, by its kind, naming the file.
    pub fn sqlite(path: &std::path::Path, source: rusqlite::Error) -> Error {
        let path = path.to_owned();
        let code = match &source {
            rusqlite::Error::SqliteFailure(failure, _) => Some(failure.code),
            _ => None,
        };
        match code {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                Error::Damaged { path, source }
            }
            Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied | ErrorCode::CannotOpen) => {
                Error::ReadOnly { path, source }
            }
            Some(ErrorCode::DiskFull) => Error::DiskFull { path, source },
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                Error::Busy { path, source }
            }
            _ => Error::Unusable { path, source },
        }
    }

    /// 2 where what was asked cannot be done as asked, 1 where the journal
    /// failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::NoEntry(_)
            | Error::Gone(_)
            | Error::When(_)
            | Error::Amount(_)
            | Error::UnknownWord { .. }
            | Error::Export { .. } => 2,
            _ => 1,
        }
    }
}
