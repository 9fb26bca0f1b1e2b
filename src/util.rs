//! Small helpers that many parts share: durations in words, I/O errors in
//! words, reading a file of bounded size, and waiting a limited time for a
//! thread to end.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::mpsc::channel;
use std::thread::JoinHandle;
use std::time::Duration;

/// Short human form for lengths: "10s", "1m30s", "3m", "1h5m".
pub fn human(d: Duration) -> String {
    let secs = rounded_secs(d);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

/// Clock form for positions in a session: "0:05", "3:40", "1:02:03".
pub fn clock(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

fn rounded_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_millis() >= 500)
}

/// An I/O error in words, without the "(os error 2)" tail.
pub fn io_reason(e: &io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "no such file".to_owned(),
        PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}

/// Why a file of bounded size could not be read.
#[derive(Debug)]
pub enum ReadError {
    Io(io::Error),
    /// A folder, a device or the like.
    NotAFile,
    /// Larger than the limit, found before reading or while reading.
    TooLarge,
}

/// Reads a regular file whole, refusing one larger than `limit` bytes
/// before it is read into memory (and one that grows past it meanwhile).
pub fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// Waits at most `limit` for `thread` to end. One still running then is
/// left to itself; it ends with the program.
pub fn join_within<T: Send + 'static>(thread: JoinHandle<T>, limit: Duration) {
    let (done, finished) = channel();
    std::thread::spawn(move || {
        let _ = thread.join();
        let _ = done.send(());
    });
    let _ = finished.recv_timeout(limit);
}

/// Text for XML or markup: `&`, `<` and `>` written as entities, so they
/// show as themselves (a note's body where the server reads markup, a
/// value in the launchd agent). Quotes need no escaping in element text.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_back_briefly() {
        assert_eq!(human(Duration::from_secs(10)), "10s");
        assert_eq!(human(Duration::from_secs(90)), "1m30s");
        assert_eq!(human(Duration::from_secs(180)), "3m");
        assert_eq!(human(Duration::from_secs(3900)), "1h5m");
        assert_eq!(human(Duration::ZERO), "0s");
        assert_eq!(clock(Duration::from_secs(5)), "0:05");
        assert_eq!(clock(Duration::from_secs(220)), "3:40");
        assert_eq!(clock(Duration::from_secs(3723)), "1:02:03");
    }

    #[test]
    fn reads_a_file_only_within_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("five");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_at_most(&path, 5).unwrap(), b"12345");
        assert!(matches!(read_at_most(&path, 4), Err(ReadError::TooLarge)));
        assert!(matches!(
            read_at_most(dir.path(), 5),
            Err(ReadError::NotAFile)
        ));
        let Err(ReadError::Io(e)) = read_at_most(&dir.path().join("none"), 5) else {
            panic!("a missing file is an I/O error");
        };
        assert_eq!(io_reason(&e), "no such file");
    }
}
