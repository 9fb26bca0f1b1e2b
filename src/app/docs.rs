//! `completions` and `man`: nocturne's own command line, described for
//! shells and for `man`.

use std::io::{self, Write};
use std::process::ExitCode;

use crate::error::{Error, Result};

/// `completions`: the script for a shell. A reader that went away is not
/// an error.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let _ = io::stdout()
        .lock()
        .write_all(&crate::cli::completions(shell));
    Ok(ExitCode::SUCCESS)
}

/// `man`: the manual page, in roff.
pub fn man() -> Result<ExitCode> {
    let page = crate::cli::manual();
    match io::stdout().lock().write_all(page.as_bytes()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(Error::Runtime(format!(
            "cannot write the manual page: {why}",
            why = crate::util::io_reason(&e)
        ))),
    }
}
