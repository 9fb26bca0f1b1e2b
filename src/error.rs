//! The errors that reach the user, and the exit code each one earns.

use crate::diag::FileReport;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A user's file is wrong; the report shows where and how.
    #[error("{}", .0.render(false))]
    File(Box<FileReport>),
    /// The command line asks for something that cannot be done as asked.
    #[error("{0}")]
    Usage(String),
    /// Something failed while doing what was asked.
    #[error("{0}")]
    Runtime(String),
    /// The journal could not do what was asked.
    #[error(transparent)]
    Journal(#[from] crate::journal::Error),
    /// A sound the user named cannot be played.
    #[error("{} cannot be played: {source}", crate::diag::short(name))]
    Unplayable {
        name: String,
        source: crate::sound::Error,
    },
    /// The reminder service could not be installed or started.
    #[error(transparent)]
    Remind(#[from] crate::remind::Error),
    /// The audio device could not be used.
    #[error("cannot play a sound: {0}")]
    Speaker(#[source] crate::sound::Error),
}

impl Error {
    /// 2 for bad input, 1 for a failure while running.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::File(_) | Error::Usage(_) | Error::Unplayable { .. } => 2,
            Error::Runtime(_) | Error::Speaker(_) | Error::Remind(_) => 1,
            Error::Journal(e) => e.exit_code(),
        }
    }

    /// The message as the user sees it, in colour where allowed.
    pub fn render(&self, paint: impl Into<crate::theme::Paint>) -> String {
        let paint = paint.into();
        match self {
            Error::File(report) => report.render(paint),
            _ => {
                let red = paint.error();
                let text = self.to_string();
                let message = crate::diag::clean(&text);
                format!("{}: {message}\n", red.apply_to("error"))
            }
        }
    }
}

impl From<FileReport> for Error {
    fn from(report: FileReport) -> Self {
        Error::File(Box::new(report))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
